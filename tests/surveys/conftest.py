"""Fixtures for surveys: a published survey with every kind of question."""

from __future__ import annotations

import pytest

from surveys import services
from tests.support.surveys import EVERY_KIND


@pytest.fixture
def every_kind(db_session):
    return services.load_published(EVERY_KIND)
