"""Answers in different languages pool by the option, never its words; coders see the
language of each free-text answer."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import insert

from changemakers import disclosure
from changemakers.accounts.models import Role
from changemakers.extensions import db
from surveys import services
from surveys.models import SurveyResponse
from tests.messages.test_languages import SURVEY_IN_SPANISH
from tests.support.web import sign_in


@pytest.fixture
def answered_in_three_languages(db_session):
    """Fifteen answers in each language, all choosing the same colour."""
    version = services.load_published(SURVEY_IN_SPANISH)
    rows = [
        {
            "survey_id": version.survey_id,
            "version_id": version.id,
            "channel": "web",
            "answers": {"colour": "Green", "age": "14 to 15", "change": text},
            "started_on": date(2026, 3, 2),
            "completed_on": date(2026, 3, 2),
            "language": language,
        }
        for language, text in (
            ("en", "More youth clubs"),
            ("es", "Más clubes juveniles"),
            ("pt", "Mais clubes de jovens"),
        )
        for _ in range(15)
    ]
    db.session.execute(insert(SurveyResponse), rows)
    db.session.commit()
    return version


def test_findings_pool_the_same_option_chosen_in_any_language(answered_in_three_languages):
    found = services.findings_for("every-kind", 10)
    assert found is not None
    colour = next(q for q in found["questions"] if q["id"] == "colour")
    counts = {row["answer"]: row["count"] for row in colour["rows"]}
    assert set(counts) == {"Red", "Green", "Blue sky"}  # the options, never their words
    assert abs(counts["Green"] - 45) <= disclosure.MAX_NOISE


def test_a_coder_sees_the_language_of_each_free_text_answer(
    client, make_staff, answered_in_three_languages
):
    sign_in(client, make_staff(Role.CHANGEMAKER).email)
    seen = {}
    for _ in range(30):
        page = client.get("/coding/every-kind/change").get_data(as_text=True)
        found = re.search(
            r'Language: (\w+)</p>\s*<blockquote class="quote"(?: lang="(\w+)")?><p>([^<]*)</p>',
            page,
        )
        assert found is not None
        seen[found.group(3)] = (found.group(1), found.group(2))
        if len(seen) == 3:
            break
    assert seen == {
        "More youth clubs": ("English", "en"),
        "Más clubes juveniles": ("Spanish", "es"),
        "Mais clubes de jovens": ("Portuguese", "pt"),
    }
