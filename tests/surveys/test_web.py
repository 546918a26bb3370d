"""The web survey, /s/<slug>: one question a page, answers only in the signed session until sent."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from changemakers.extensions import db
from surveys import pool
from surveys.models import Channel, SubmissionToken, SurveyResponse
from tests.support.surveys import EVERY_KIND, released_responses
from tests.support.web import CSRF_INPUT

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


def answer_every_question(client, change="call me on 07700 900123"):
    start(client)
    answer(client, "colour", "Green")
    answer(client, "worries", "Exams", "Money")
    answer(client, "safe", "4")
    answer(client, "hours", "3")
    answer(client, "change", change)
    response = answer(client, "age", "14 to 15")
    assert response.headers["Location"].endswith("?q=check")


def send(client):
    page = f"{URL}?q=check"
    return client.post(URL, data={"csrf_token": token(client, page), "action": "send"})


def complete(client, change="call me on 07700 900123"):
    answer_every_question(client, change)
    return send(client)


def test_a_young_person_completes_the_survey(client, every_kind):
    sent = complete(client)
    assert sent.status_code == 200
    assert "Thanks: the board will see the totals." in sent.get_data(as_text=True)
    assert db.session.scalars(select(SurveyResponse)).all() == []  # waiting in the pool
    assert pool.waiting_count(every_kind.survey_id) == 1
    [response] = released_responses()
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
    assert len(released_responses()) == 1


def test_a_replayed_send_with_a_saved_cookie_stores_nothing_and_says_already_sent(
    client, every_kind, app
):
    answer_every_question(client)
    cookie = app.config["SESSION_COOKIE_NAME"]
    saved = client.get_cookie(cookie).value
    assert "Thanks" in send(client).get_data(as_text=True)
    for _ in range(3):
        client.set_cookie(cookie, saved)
        replayed = send(client)
        assert replayed.status_code == 200
        assert "Your answers were already sent" in replayed.get_data(as_text=True)
    assert len(released_responses()) == 1
    assert len(db.session.scalars(select(SubmissionToken)).all()) == 1  # kept as spent


def test_start_then_send_stores_nothing_and_asks_the_first_question(client, every_kind):
    start(client)
    sent = client.post(URL, data={"csrf_token": token(client), "action": "send"})
    assert sent.status_code == 400
    page = sent.get_data(as_text=True)
    assert "Answer this question before you send your answers." in page
    assert "Favourite colour?" in page
    assert released_responses() == []


def test_a_send_with_a_required_question_never_reached_stores_nothing(client, every_kind):
    start(client)
    answer(client, "colour", "Green")
    answer(client, "worries", "Exams")
    sent = client.post(URL, data={"csrf_token": token(client), "action": "send"})
    assert sent.status_code == 400
    assert "How safe do you feel?" in sent.get_data(as_text=True)
    assert released_responses() == []


def test_a_send_quicker_than_reading_is_refused_then_taken_once_the_time_is_up(
    client, every_kind, app, monkeypatch
):
    from surveys import views

    monkeypatch.setitem(app.config, "SURVEY_SECONDS_PER_QUESTION", 2)
    now = [1_000_000.0]
    monkeypatch.setattr(views.time, "time", lambda: now[0])
    answer_every_question(client)
    now[0] += 2 * 6 - 1  # six questions asked: 12 s at least
    refused = send(client)
    assert refused.status_code == 429
    assert "quicker than anyone could read" in refused.get_data(as_text=True)
    assert pool.waiting_count(every_kind.survey_id) == 0
    now[0] += 1
    assert "Thanks" in send(client).get_data(as_text=True)
    assert len(released_responses()) == 1


def test_responses_join_the_results_shuffled_once_the_threshold_wait(app, every_kind, monkeypatch):
    monkeypatch.setitem(app.config, "SUPPRESSION_THRESHOLD", 3)
    for number in range(3):
        with app.test_client() as visitor:
            complete(visitor, change=f"visitor {number}")
            stored = db.session.scalars(select(SurveyResponse)).all()
            assert len(stored) == (3 if number == 2 else 0)  # all at once, with the third
    assert pool.waiting_count(every_kind.survey_id) == 0
    assert sorted(r.answers["change"] for r in stored) == [f"visitor {n}" for n in range(3)]


def test_starts_and_sends_from_one_address_are_limited_above_a_school_s_pace(client, every_kind):
    from surveys import views

    allowed = int(views.START_OR_SEND_LIMIT.split()[0])
    assert allowed >= 120  # a school of 1,200 in a 20-minute tutor period, with room
    for _ in range(allowed):
        start(client)
    refused = client.post(URL, data={"csrf_token": token(client), "action": "start"})
    assert refused.status_code == 429
    answered = answer(client, "colour", "Green")  # answering pages are not held back
    assert answered.status_code == 302


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


def numbered(client, question: str) -> str:
    html = client.get(f"{URL}?q={question}").get_data(as_text=True)
    return html.split('<p class="caption">')[1].split("</p>")[0]


def test_each_question_says_where_it_stands_as_the_text_survey_does(client, every_kind):
    start(client)
    assert numbered(client, "colour") == "Question 1 of 7"
    answer(client, "colour", "Red")
    answer(client, "worries", "Money")
    assert numbered(client, "safe") == "Question 3 of 7"
    answer(client, "safe", "2")
    assert numbered(client, "when") == "Question 4 of 7 (you can skip this one)"
    answer(client, "when", "Night")
    assert numbered(client, "hours") == "Question 5 of 7"
    answer(client, "safe", "5")  # back, and now feeling safe: "when" is no longer asked
    assert numbered(client, "hours") == "Question 4 of 6"


def test_the_thank_you_page_thanks_once(client, every_kind):
    html = complete(client).get_data(as_text=True)
    main = html[html.index("<main") :]
    assert "Your answers have been sent" in main
    assert "Thanks: the board will see the totals." in main
    assert main.lower().count("thank") == 1
    again = client.get(URL).get_data(as_text=True)
    assert "You've already answered this survey" in again
    assert again[again.index("<main") :].lower().count("thank") == 1


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


def test_a_send_with_every_question_skipped_stores_nothing(client, db_session):
    from surveys import services

    services.load_published(
        {
            "title": "All optional",
            "slug": "all-optional",
            "questions": [
                {"id": "idea", "kind": "free_text", "text": "Any idea?", "required": False}
            ],
        }
    )
    url = "/s/all-optional"
    client.post(url, data={"csrf_token": token(client, url), "action": "start"})
    skipped = client.post(url, data={"csrf_token": token(client, url), "q": "idea", "answer": ""})
    assert skipped.headers["Location"].endswith("?q=check")
    sent = client.post(url, data={"csrf_token": token(client, url), "action": "send"})
    assert sent.status_code == 400
    assert "answered any question yet" in sent.get_data(as_text=True)
    assert released_responses() == []
