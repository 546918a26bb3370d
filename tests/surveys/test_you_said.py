""" "You said, we did": the board's response and actions, four eyes before publication, the
public results page and its CSV through the disclosure gate, and the update to those who
asked for news."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from changemakers.accounts.models import Role
from changemakers.audit.models import AuditEvent
from changemakers.extensions import db
from messages import broadcasts
from messages.models import Broadcast, BroadcastStatus, OutboundMessage
from surveys import results_texts, you_said
from surveys.you_said import Action, BoardAnswer
from tests.support.contacts import a_contact
from tests.support.web import post_form, sign_in

SLUG = "what-matters"
EDITOR = f"/results/{SLUG}"
ACTION = {
    "what": "Online safety sessions in every secondary school",
    "owner": "Education safeguarding lead",
    "due": "2027-03-31",
    "status": "planned",
    "why_not": "",
}


# The plain rules, without Flask or a database.


def _answer(*statuses: str) -> BoardAnswer:
    return BoardAnswer(
        {"worries": "We hear you."},
        tuple(
            Action(f"a{n}", f"Action {n}", "Lead", date(2027, 1, 1), s)
            for n, s in enumerate(statuses, 1)
        ),
    )


def test_a_published_action_only_moves_forwards_and_stays():
    published = _answer("under_way", "planned")
    assert you_said.publication_problems(_answer("done", "not_done"), published) == []
    backwards = you_said.publication_problems(_answer("planned", "planned"), published)
    assert backwards == ["“Action 1” is under way: it cannot go back to planned."]
    dropped = BoardAnswer({"worries": "x"}, _answer("done").actions)
    assert (
        "“Action 2” was published: keep it" in you_said.publication_problems(dropped, published)[0]
    )
    assert you_said.publication_problems(BoardAnswer({}, ()), None) == [
        "Write a response to at least one finding, or an action."
    ]


def test_not_done_needs_a_reason_and_dates_must_be_dates():
    assert you_said.action_problems("Do it", "Lead", "", "not_done", "") == [
        "Say why it was not done: young people will read it."
    ]
    assert you_said.action_problems("", "", "next year", "sometime", "") == [
        "Say what the board will do.",
        "Say who owns the action (a role, such as “Education lead”).",
        "Give the due date as a date, such as 2027-03-31.",
        "Choose a status.",
    ]


def test_changed_actions_are_those_with_a_new_status():
    before = _answer("planned", "planned")
    added = Action("a3", "New", "Lead", None, "planned")
    after = BoardAnswer({}, (*_answer("under_way", "planned").actions, added))
    assert [a.id for a in you_said.changed_actions(before, after)] == ["a1", "a3"]
    assert [a.id for a in you_said.changed_actions(None, before)] == ["a1", "a2"]


def test_content_round_trips_and_drops_a_reason_unless_not_done():
    answer = BoardAnswer({"worries": "Heard."}, (Action("a1", "Go", "Lead", None, "done", "x"),))
    content = you_said.to_content(answer)
    assert content["actions"][0]["why_not"] == ""
    assert you_said.read(content).actions[0].status == "done"


# Through the pages.


@pytest.fixture
def demo(db_session):
    from surveys.demo import load_demo_content

    load_demo_content()


@pytest.fixture
def board(make_staff):
    return make_staff(Role.BOARD, email="board@example.org")


@pytest.fixture
def reviewer(make_staff):
    return make_staff(Role.REVIEWER, email="reviewer@example.org")


def _sign_out(client):
    if "csrf_token" in client.get("/").get_data(as_text=True):
        post_form(client, "/logout")


def _as(client, user):
    _sign_out(client)
    assert sign_in(client, user.email).status_code == 302


def _write_and_submit(client, board):
    _as(client, board)
    assert post_form(client, f"{EDITOR}/draft", page=EDITOR).status_code == 302
    saved = post_form(
        client,
        f"{EDITOR}/responses",
        {"response-worries": "Online safety came top: schools will act on it."},
        page=EDITOR,
    )
    assert saved.status_code == 302
    assert post_form(client, f"{EDITOR}/actions", ACTION, page=EDITOR).status_code == 302
    assert post_form(client, f"{EDITOR}/submit", page=EDITOR).status_code == 302


def test_the_board_writes_a_reviewer_approves_and_the_page_is_published(
    client, demo, board, reviewer
):
    assert client.get(f"/s/{SLUG}/results").status_code == 404  # nothing published yet
    _write_and_submit(client, board)
    assert client.get(f"/s/{SLUG}/results").status_code == 404  # in review: still nothing
    refused = post_form(client, f"{EDITOR}/approve", page=EDITOR)
    assert refused.status_code == 403  # a board member does not approve

    _as(client, reviewer)
    page = client.get(EDITOR).get_data(as_text=True)
    assert "Approve and publish" in page
    assert post_form(client, f"{EDITOR}/approve", page=EDITOR).status_code == 302
    _sign_out(client)

    public = client.get(f"/s/{SLUG}/results")
    assert public.status_code == 200
    html = public.get_data(as_text=True)
    assert '<html lang="en-GB">' in html
    assert len(public.data) < 40_000  # small, for a phone on low data
    assert "Online safety came top: schools will act on it." in html
    assert ACTION["what"] in html and "Planned" in html and "31 March 2027" in html
    assert 'class="chart" role="img"' in html
    assert "<script" not in html.replace('<script src="/static/app.js" defer></script>', "")
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "results_page")
    ).all()
    assert actions == [
        "results_page.draft",
        "results_page.edit",
        "results_page.edit",
        "results_page.submit",
        "results_page.approve",
    ]


def test_nobody_approves_a_version_they_worked_on(client, demo, make_staff):
    both = make_staff(Role.BOARD, Role.REVIEWER, email="both@example.org")
    _write_and_submit(client, both)
    assert "Waiting for a reviewer who did not work on this version." in client.get(
        EDITOR
    ).get_data(as_text=True)
    post_form(client, f"{EDITOR}/approve", page=EDITOR)
    assert client.get(f"/s/{SLUG}/results").status_code == 404


def test_a_bad_action_is_refused_politely_and_keeps_what_was_typed(client, demo, board):
    _as(client, board)
    post_form(client, f"{EDITOR}/draft", page=EDITOR)
    typed = {**ACTION, "status": "not_done", "due": "soon"}
    refused = post_form(client, f"{EDITOR}/actions", typed, page=EDITOR)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "Give the due date as a date" in html and "Say why it was not done" in html
    assert 'value="Online safety sessions in every secondary school"' in html
    assert 'value="soon"' in html


def test_the_csv_holds_the_page_figures_through_the_gate(client, demo, board, reviewer):
    _write_and_submit(client, board)
    _as(client, reviewer)
    post_form(client, f"{EDITOR}/approve", page=EDITOR)
    _sign_out(client)
    exported = client.get(f"/s/{SLUG}/results.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    counts = [row[4] for row in rows[1:] if row[4]]
    assert counts and all(c in ("<10", "withheld") or int(c) >= 10 for c in counts)
    questions = {row[0] for row in rows[1:]}
    assert "Which of these worry you most?" in " ".join(questions)
    assert not any(row[1].startswith("by ") for row in rows[1:])  # no breakdowns
    assert not any(q.startswith("How old") for q in questions)  # nor about the respondents


def test_publishing_and_a_status_change_draft_an_update_for_those_who_asked(
    client, demo, board, reviewer, make_staff
):
    asked = a_contact("+447700900111", wants_updates=True)
    a_contact("+447700900112", wants_updates=False)
    welsh = a_contact("+447700900113", wants_updates=True, language="cy")
    spanish = a_contact("+447700900114", wants_updates=True, language="es")
    db.session.commit()
    _write_and_submit(client, board)
    _as(client, reviewer)
    post_form(client, f"{EDITOR}/approve", page=EDITOR)
    update = db.session.scalars(select(Broadcast)).one()
    assert update.status is BroadcastStatus.DRAFT
    assert update.body == results_texts.RESULTS_PUBLISHED.format(
        link=f"http://localhost/s/{SLUG}/results"
    )
    assert "What matters" not in update.body  # neutral on a lock screen

    other = make_staff(Role.ADMIN, email="admin@example.org")
    broadcasts.approve(update, other)
    broadcasts.send(update, other)
    while broadcasts.enqueue_next_batch(datetime(2026, 12, 3, 12, 0, tzinfo=UTC)):
        pass
    sent = {m.contact_id: m.body for m in db.session.scalars(select(OutboundMessage))}
    assert sorted(sent) == sorted([asked.id, welsh.id, spanish.id])
    assert sent[asked.id] == sent[welsh.id] == update.body  # no Welsh text: the English one
    assert sent[spanish.id].startswith("Changemakers: la junta ha contestado")
    assert sent[spanish.id].endswith(f"http://localhost/s/{SLUG}/results")

    # A status moves on: another update; a wording change alone makes none.
    _as(client, board)
    post_form(client, f"{EDITOR}/draft", page=EDITOR)
    post_form(client, f"{EDITOR}/actions/a1", {**ACTION, "status": "under_way"}, page=EDITOR)
    post_form(client, f"{EDITOR}/submit", page=EDITOR)
    _as(client, reviewer)
    post_form(client, f"{EDITOR}/approve", page=EDITOR)
    latest = db.session.scalars(select(Broadcast).order_by(Broadcast.id.desc())).first()
    assert latest.id != update.id
    assert latest.body.startswith("Changemakers: news on what the board said it would do")
    assert "Under way" in client.get(f"/s/{SLUG}/results").get_data(as_text=True)

    _as(client, board)
    post_form(client, f"{EDITOR}/draft", page=EDITOR)
    post_form(client, f"{EDITOR}/responses", {"response-worries": "Reworded."}, page=EDITOR)
    post_form(client, f"{EDITOR}/submit", page=EDITOR)
    _as(client, reviewer)
    post_form(client, f"{EDITOR}/approve", page=EDITOR)
    assert db.session.scalar(select(Broadcast).order_by(Broadcast.id.desc())).id == latest.id


def test_a_status_cannot_go_back_once_published(client, demo, board, reviewer):
    _write_and_submit(client, board)
    _as(client, reviewer)
    post_form(client, f"{EDITOR}/approve", page=EDITOR)
    _as(client, board)
    post_form(client, f"{EDITOR}/draft", page=EDITOR)
    post_form(client, f"{EDITOR}/actions/a1", {**ACTION, "status": "done"}, page=EDITOR)
    post_form(client, f"{EDITOR}/submit", page=EDITOR)
    _as(client, reviewer)
    post_form(client, f"{EDITOR}/approve", page=EDITOR)
    _as(client, board)
    post_form(client, f"{EDITOR}/draft", page=EDITOR)
    back = post_form(client, f"{EDITOR}/actions/a1", ACTION, page=EDITOR)
    assert back.status_code == 400
    assert "only moves forwards" in back.get_data(as_text=True)


def test_a_survey_nobody_published_results_for_is_not_found(client, demo):
    assert client.get("/s/no-such-survey/results").status_code == 404
    assert client.get(f"/s/{SLUG}/results.csv").status_code == 404


def test_tell_me_what_happens_shows_the_link_and_keeps_nothing(client, every_kind):
    from surveys.models import SurveyResponse
    from tests.support.surveys import released_responses
    from tests.surveys.test_web import URL, answer_every_question, token

    answer_every_question(client)
    before = {table: _rows(table) for table in ("contacts", "outbox", "audit_events")}
    sent = client.post(
        URL,
        data={"csrf_token": token(client, f"{URL}?q=check"), "action": "send", "tell_me": "yes"},
    )
    html = sent.get_data(as_text=True)
    assert "Find out what happens" in html
    assert "http://localhost/s/every-kind/results" in html
    assert "We don't keep any way to contact you" in html
    [response] = released_responses()
    assert "tell_me" not in response.answers
    assert set(SurveyResponse.__table__.columns.keys()) == {
        "id",
        "survey_id",
        "version_id",
        "channel",
        "answers",
        "started_on",
        "completed_on",
        "record_key",
        "is_test",
        "language",  # a code such as "es" (web answers only)
    }  # nowhere to keep a tick, or a way to reach them
    assert {table: _rows(table) for table in before} == before


def test_without_the_tick_the_thanks_page_has_no_link(client, every_kind):
    from tests.surveys.test_web import complete

    assert "Find out what happens" not in complete(client).get_data(as_text=True)


def _rows(table: str) -> int:
    from sqlalchemy import text

    return db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_a_returned_draft_waits_for_the_board_with_the_comment(client, demo, board, reviewer):
    _write_and_submit(client, board)
    _as(client, reviewer)
    returned = post_form(
        client, f"{EDITOR}/return", {"comment": "Give the action a due date."}, page=EDITOR
    )
    assert returned.status_code == 302
    empty = post_form(client, f"{EDITOR}/return", {"comment": ""}, page=EDITOR)
    assert empty.status_code == 400  # a return says what needs changing
    _as(client, board)
    home = client.get("/").get_data(as_text=True)
    assert "returned to you with a reviewer" in home
    page = client.get(EDITOR).get_data(as_text=True)
    assert "Give the action a due date." in page and "Save responses" in page
    assert client.get(f"/s/{SLUG}/results").status_code == 404


def test_the_board_brief_lists_the_actions_once_published(client, demo, board, reviewer):
    brief = f"/findings/{SLUG}/report"
    _write_and_submit(client, board)
    assert ACTION["what"] not in client.get(brief).get_data(as_text=True)  # in review

    _as(client, reviewer)
    assert post_form(client, f"{EDITOR}/approve", page=EDITOR).status_code == 302
    _as(client, board)
    page = client.get(brief).get_data(as_text=True)
    agreed = page.split('id="actions-heading"', 1)[1].split('id="appendix-heading"', 1)[0]
    assert ACTION["what"] in agreed and "31 March 2027" in agreed and "Planned" in agreed


def test_the_results_page_speaks_the_language_the_reader_chose(client, demo, board, reviewer):
    _write_and_submit(client, board)
    _as(client, reviewer)
    post_form(client, f"{EDITOR}/approve", page=EDITOR)
    _sign_out(client)

    chosen = client.get(f"/s/{SLUG}/results?lang=es")
    assert chosen.status_code == 302 and chosen.headers["Location"] == f"/s/{SLUG}/results"
    html = client.get(f"/s/{SLUG}/results").get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "Lo que dijiste, lo que hicimos" in html and "Lo que está haciendo la junta" in html
    assert "31 de marzo de 2027" in html and ">Prevista<" in html
    # What the board wrote is in English, and says so to screen readers.
    assert f'<span lang="en">{ACTION["what"]}</span>' in html
    assert 'href="/s/what-matters/results?lang=en"' in html  # the switch stays on this page
