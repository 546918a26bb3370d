"""The survey editor: a Changemaker builds a survey with forms; a reviewer publishes it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.content.lifecycle import ContentStatus
from changemakers.extensions import db
from surveys.models import SurveyVersion
from tests.support.web import post_form, sign_in


def latest() -> SurveyVersion:
    return db.session.scalars(select(SurveyVersion).order_by(SurveyVersion.id.desc())).first()


QUESTION_FIELDS = {
    "kind": "scale",
    "text": "How safe do you feel at school?",
    "hint": "",
    "options": "",
    "required": "y",
    "minimum": "1",
    "maximum": "5",
    "labels": "1: Very unsafe\n5: Very safe",
    "max_length": "",
    "demographic": "",
    "show_if_question": "",
    "show_if_answers": "",
}


@pytest.fixture
def maker(client, make_staff):
    user = make_staff(Role.CHANGEMAKER, email="maker@example.org")
    sign_in(client, user.email)
    return user


def build(client) -> str:
    response = post_form(
        client, "/surveys", {"title": "School safety", "slug": "school-safety"}, page="/surveys"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    base = response.headers["Location"]
    added = post_form(
        client, f"{base}/questions", {"text": "How safe at school?", "kind": "scale"}, page=base
    )
    question_page = added.headers["Location"]
    saved = post_form(client, question_page, QUESTION_FIELDS, page=question_page)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    return base


def test_a_changemaker_builds_a_survey_with_forms(client, maker):
    base = build(client)
    [first, scale] = latest().content["questions"]
    assert scale == {
        "id": "how_safe_at_school",
        "kind": "scale",
        "text": "How safe do you feel at school?",
        "min": 1,
        "max": 5,
        "labels": {"1": "Very unsafe", "5": "Very safe"},
    }
    page = client.get(base).get_data(as_text=True)
    assert "Q2/2: How safe do you feel at school?" in page
    assert "1 text" in page
    preview = client.get(f"{base}/preview/how_safe_at_school").get_data(as_text=True)
    assert "5: Very safe" in preview and "disabled" in preview
    assert "Question 2 of 2" in preview  # as the phone shows it, and as the text says it
    assert f'<a href="{base}" class="back-link">' in preview  # back to this version


def test_questions_move_and_the_last_one_cannot_go(client, maker):
    base = build(client)
    post_form(client, f"{base}/questions/how_safe_at_school/up", page=base)
    assert [q["id"] for q in latest().content["questions"]] == ["how_safe_at_school", "first"]
    post_form(client, f"{base}/questions/first/delete", page=base)
    response = post_form(client, f"{base}/questions/how_safe_at_school/delete", page=base)
    assert "A survey needs at least one question." in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)


def test_review_publishes_it_at_its_address(client, maker, make_staff):
    base = build(client)
    post_form(client, f"{base}/submit", page=base)
    assert latest().status is ContentStatus.IN_REVIEW
    post_form(client, "/logout")
    sign_in(client, make_staff(Role.REVIEWER, email="reviewer@example.org").email)
    post_form(client, f"{base}/approve", page=base)
    assert latest().status is ContentStatus.PUBLISHED
    post_form(client, "/logout")
    assert "School safety" in client.get("/s/school-safety").get_data(as_text=True)


def test_a_survey_address_already_taken_is_refused(client, maker, every_kind):
    response = post_form(
        client, "/surveys", {"title": "Again", "slug": "every-kind"}, page="/surveys"
    )
    assert "already uses the address /s/every-kind" in response.get_data(as_text=True)
