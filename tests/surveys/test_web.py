"""The web survey, /s/<slug>: one question a page, answers only in the signed session until sent."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from changemakers.extensions import db
from surveys.models import Channel, SurveyResponse
from tests.conftest import CSRF_INPUT
from tests.surveys.conftest import EVERY_KIND

URL = "/s/every-kind"


def token(client, path=URL) -> str:
    return CSRF_INPUT.search(client.get(path).get_data(as_text=True)).group(1)


def answer(client, question: str, *values: str, path: str | None = None):
    page = path or f"{URL}?q={question}"
    data = {"csrf_token": token(client, page), "q": question, "answer": list(values)}
    return client.post(URL, data=data)


def start(client):
    response = client.post(URL, data={"csrf_token": token(client), "action": "start"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("?q=colour")


def complete(client, change="call me on 07700 900123"):
    start(client)
    answer(client, "colour", "Green")
    answer(client, "worries", "Exams", "Money")
    answer(client, "safe", "4")
    answer(client, "hours", "3")
    answer(client, "change", change)
    response = answer(client, "age", "14 to 15")
    assert response.headers["Location"].endswith("?q=check")
    page = f"{URL}?q=check"
    return client.post(URL, data={"csrf_token": token(client, page), "action": "send"})


def test_a_young_person_completes_the_survey(client, every_kind):
    sent = complete(client)
    assert sent.status_code == 200
    assert "Thanks: the board will see the totals." in sent.get_data(as_text=True)
    [response] = db.session.scalars(select(SurveyResponse)).all()
    assert response.channel is Channel.WEB
    assert response.answers == {
        "colour": "Green",
        "worries": ["Exams", "Money"],
        "safe": 4,
        "hours": 3,
        "change": "call me on [phone]",
        "age": "14 to 15",
    }
    assert response.started_on == response.completed_on  # a day, never a time


def test_a_finished_survey_cannot_be_sent_twice_from_the_same_browser(client, every_kind):
    complete(client)
    replayed = token(client, "/login")  # the session's token, as a replayed form carries it
    again = client.post(URL, data={"csrf_token": replayed, "action": "send"})
    assert "You've already answered this survey" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(SurveyResponse)).all()) == 1


def test_a_skipped_required_question_is_explained_at_the_top_and_beside_it(client, every_kind):
    start(client)
    response = answer(client, "colour")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert '<a href="#answer-1">Select an answer</a>' in page
    assert 'id="answer-error"' in page
    assert "<title>Error: Favourite colour?" in page


@pytest.mark.parametrize(
    ("question", "value", "error"),
    [
        ("hours", "99", "Please answer with a number from 0 to 24."),
        ("hours", "lots", "Please answer with a number from 0 to 24."),
        ("change", "a" * 10_000, "Your answer must be 200 characters or fewer"),
    ],
)
def test_a_bad_answer_loses_nothing(client, every_kind, question, value, error):
    start(client)
    answer(client, "colour", "Red")
    answer(client, "worries", "Money")
    answer(client, "safe", "5")
    if question == "change":
        answer(client, "hours", "2")
    response = answer(client, question, value)
    assert response.status_code == 400
    assert error in response.get_data(as_text=True)
    back = client.get(f"{URL}?q=colour").get_data(as_text=True)
    assert 'value="Red" checked' in back


def test_show_if_asks_only_those_it_concerns(client, every_kind):
    start(client)
    answer(client, "colour", "Red")
    answer(client, "worries", "Money")
    assert answer(client, "safe", "2").headers["Location"].endswith("?q=when")
    assert answer(client, "when", "Night").headers["Location"].endswith("?q=hours")
    # Changing the earlier answer drops the one it no longer shows.
    assert answer(client, "safe", "5").headers["Location"].endswith("?q=hours")


def test_a_tampered_session_starts_again_politely(client, every_kind):
    start(client)
    client.set_cookie("changemakers_session", "tampered.value.here", domain="localhost")
    page = client.get(f"{URL}?q=worries")
    assert page.status_code == 200
    assert "Please start again" in page.get_data(as_text=True)


def test_an_unknown_survey_is_not_found(client, db_session):
    assert client.get("/s/nothing-here").status_code == 404
    assert client.post("/s/nothing-here", data={"action": "start"}).status_code in (400, 404)


def test_a_closed_survey_says_so(client, db_session):
    from surveys import services

    services.load_published({**EVERY_KIND, "closes": "2020-01-01", "opens": "2019-01-01"})
    page = client.get(URL)
    assert page.status_code == 410
    assert "This survey is closed" in page.get_data(as_text=True)
    assert client.post(URL, data={"action": "start", "csrf_token": "x"}).status_code in (400, 410)


def test_sensitive_pages_carry_an_exit_button_and_stay_small(client, every_kind):
    for path in (URL, f"{URL}?q=colour", f"{URL}?q=worries"):
        if path.endswith("colour"):
            start(client)
        if path.endswith("worries"):
            answer(client, "colour", "Red")
        page = client.get(path)
        assert "Exit this page" in page.get_data(as_text=True)
        assert len(page.get_data()) < 30_000
    css = client.get("/static/app.css")
    assert len(page.get_data()) + len(css.get_data()) < 30_000
    css.close()


def test_the_survey_page_needs_no_javascript(client, every_kind):
    html = client.get(f"{URL}").get_data(as_text=True)
    assert '<form method="post"' in html
    assert "<noscript>" not in html


def test_an_answer_that_suggests_danger_gets_urgent_help_and_an_alert(client, every_kind):
    from changemakers.alerts.models import Alert

    start(client)
    answer(client, "colour", "Green")
    answer(client, "worries", "Exams")
    answer(client, "safe", "4")
    answer(client, "hours", "3")
    moved_on = answer(client, "change", "im scared to go home, text me on 07700 900123")
    next_page = client.get(moved_on.headers["Location"]).get_data(as_text=True)
    assert "Help is here" in next_page and "Childline on 0800 1111" in next_page
    assert "we cannot reply to you here" in next_page
    assert next_page.index("Childline") < next_page.index("999")  # a concern: 999 after
    assert "Help is here" not in client.get(moved_on.headers["Location"]).get_data(as_text=True)

    [alert] = db.session.scalars(select(Alert)).all()
    assert (alert.channel, alert.pseudonym) == ("web", None)
    assert alert.excerpt == "Every kind: im scared to go home, text me on [phone]"
    assert (alert.category, alert.severity) == ("other_danger", "concern")
    assert alert.matched == ["in danger now: danger now “scared to go home”"]

    answer(client, "change", "im scared to go home, text me on 07700 900123")  # back, again
    assert len(db.session.scalars(select(Alert)).all()) == 1


def test_an_everyday_answer_raises_nothing(client, every_kind):
    from changemakers.alerts.models import Alert

    complete(client, change="more youth clubs please")
    assert db.session.scalars(select(Alert)).all() == []


def test_an_answer_in_immediate_danger_puts_999_first(client, every_kind):
    from changemakers.alerts.models import Alert, AlertSeverity

    start(client)
    for question, value in (("colour", "Green"), ("worries", "Exams"), ("safe", "4")):
        answer(client, question, value)
    answer(client, "hours", "3")
    moved_on = answer(client, "change", "i took a whole box of my mums tablets just now")
    next_page = client.get(moved_on.headers["Location"]).get_data(as_text=True)
    assert next_page.index("999") < next_page.index("Childline")
    alert = db.session.scalars(select(Alert)).one()
    assert (alert.category, alert.severity) == ("self_harm", AlertSeverity.IMMEDIATE)
