"""Reviewers edit the safeguarding phrase list and test it on example messages before saving."""

from __future__ import annotations

from sqlalchemy import func, select

from changemakers.accounts.models import Role
from changemakers.alerts import phrases
from changemakers.alerts.models import PhraseList
from changemakers.audit.models import AuditEvent
from changemakers.extensions import db
from changemakers.safeguarding import (
    DEFAULT_PHRASES,
    DEFAULT_SHOULD_ALERT,
    DEFAULT_SHOULD_NOT_ALERT,
    EVERYDAY_MESSAGES,
    check_phrase_list,
)
from tests.conftest import post_form

PAGE = "/alerts/phrases"


def submit(client, action: str, phrase_lines, should=(), should_not=(), **extra):
    return post_form(
        client,
        PAGE,
        {
            "phrases": "\n".join(phrase_lines),
            "should_alert": "\n".join(should),
            "should_not_alert": "\n".join(should_not),
            "action": action,
            **extra,
        },
        page=PAGE,
    )


def saved_lists() -> int:
    return db.session.scalar(select(func.count()).select_from(PhraseList))


def test_the_shipped_list_passes_its_own_examples():
    check = check_phrase_list(DEFAULT_PHRASES, DEFAULT_SHOULD_ALERT, DEFAULT_SHOULD_NOT_ALERT)
    assert check.passes and check.everyday_alarms == []


def test_the_page_starts_from_the_shipped_defaults(client, signed_in):
    signed_in(Role.REVIEWER)
    page = client.get(PAGE).get_data(as_text=True)
    assert "These are the shipped defaults" in page
    assert "scared to go home" in page and "how do i help my friend" in page


def test_checking_shows_what_the_list_gets_wrong_and_saves_nothing(client, signed_in):
    signed_in(Role.REVIEWER)
    without = [phrase for phrase in DEFAULT_PHRASES if phrase != "he made me"]
    page = submit(
        client,
        "check",
        [*without, "exam"],
        should=["he made me send pics"],
        should_not=["i have an exam tomorrow"],
    ).get_data(as_text=True)
    assert "Should raise an alert, but would not" in page
    assert "<li>he made me send pics</li>" in page
    assert "Should not raise an alert, but would" in page
    assert 'i have an exam tomorrow <span class="caption">(matches exam)</span>' in page
    assert saved_lists() == 0


def test_a_list_that_would_alert_on_everything_is_refused_with_a_warning(client, signed_in):
    signed_in(Role.REVIEWER)
    broad = [*DEFAULT_PHRASES, "i", "you", "my", "ok", "what"]
    page = submit(client, "save", broad).get_data(as_text=True)
    assert "Warning: this list would alert on almost everything" in page
    assert saved_lists() == 0
    check = check_phrase_list(broad, [], [])
    assert check.too_broad and len(check.everyday_alarms) >= len(EVERYDAY_MESSAGES) // 5


def test_saving_anyway_after_reading_the_problems(client, signed_in):
    reviewer = signed_in(Role.REVIEWER)
    response = submit(client, "save", ["in danger"], should=["he made me"], save_anyway="y")
    assert response.status_code == 302
    assert phrases.current().phrases == ["in danger"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "phrases.saved")).one()
    assert event.actor_id == reviewer.id
    assert event.details["phrases"] == 1 and "he made me" in event.details["removed"]
    assert phrases.phrase_list_in_force().matches("i am in danger") == ["in danger"]
    assert phrases.phrase_list_in_force().matches("he made me") == []


def test_a_list_that_passes_is_saved_at_once(client, signed_in):
    signed_in(Role.REVIEWER)
    response = submit(
        client,
        "save",
        [*DEFAULT_PHRASES, "  took my phone  ", "took my phone"],
        should=["he took my phone"],
        should_not=["KNIFE"],
    )
    assert response.status_code == 302
    saved = phrases.current()
    assert saved.phrases[-1] == "took my phone" and saved.phrases.count("took my phone") == 1
    assert saved.should_alert == ["he took my phone"]


def test_an_empty_list_is_refused(client, signed_in):
    signed_in(Role.REVIEWER)
    page = submit(client, "save", ["  ", ""], save_anyway="y").get_data(as_text=True)
    assert "The list needs at least one phrase" in page
    assert saved_lists() == 0
