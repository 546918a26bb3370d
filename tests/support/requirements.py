"""What to do when a test's requirement (a browser, PostgreSQL, axe-core) is missing."""

from __future__ import annotations

import os

import pytest


def requirement_missing(reason: str) -> None:
    """Skip on a newcomer's machine; fail in CI, where every part must really be tested."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run this test)")
    pytest.skip(reason)
