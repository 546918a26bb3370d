"""Secrets and young people's phone numbers never leave the service: not in a page, a header,
an error page, nor a log line (captured at DEBUG, SQL statements and rows included).

A young person texts from ``PHONE`` and writes their number into their messages in several
spellings; staff then open every page the app has; errors are forced. A number is found in any
spelling by its ten national digits, whatever separates them.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import docx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from changemakers import privacy
from changemakers.accounts.models import Role
from messages import inbound
from surveys import services as surveys
from tests.security.conftest import (
    DANGER,
    SESSION_COOKIE,
    World,
    sample_url,
    session_token,
    sign_in_as,
)
from tests.support.sms import PHONE, post_signed, replies_of, twilio_form
from tests.support.surveys import EVERY_KIND

SPELLINGS = ("07700 900123", "+44 7700 900123", "447700900123", "(0)7700-900-123", "07700900123")
NATIONAL_DIGITS = "7700900123"
SECRETS = ("SECRET_KEY", "PSEUDONYM_KEY", "CONTACT_KEY", "TWILIO_AUTH_TOKEN")


def leaks(app: Flask, text: str) -> list[str]:
    """The secrets named, and the number if present in any spelling, in ``text``."""
    found = [name for name in SECRETS if str(app.config[name]) in text]
    if NATIONAL_DIGITS in re.sub(r"\D", "", text):
        found.append("the phone number")
    return found


class Recorder:
    """Every response a test saw, to be searched afterwards."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def keep(self, what: str, response: TestResponse) -> TestResponse:
        headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
        self.seen.append((what, headers + "\n" + _words(response)))
        return response

    def leaks(self, app: Flask) -> list[str]:
        return [f"{what}: {found}" for what, text in self.seen if (found := leaks(app, text))]


def _words(response: TestResponse) -> str:
    """A response's words: a Word document's paragraphs and table cells, read back."""
    if not response.mimetype.endswith("wordprocessingml.document"):
        return response.get_data(as_text=True)
    document = docx.Document(io.BytesIO(response.get_data()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything logged at DEBUG and above, from before the database is opened (so SQLAlchemy
    logs each statement and row)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")  # quiet by default
    yield caplog


@pytest.fixture
def recorder() -> Recorder:
    """Keeps every response of the test."""
    return Recorder()


def text(client: FlaskClient, recorder: Recorder, body: str, **extra: str) -> list[str]:
    """Text the service from ``PHONE``; the replies."""
    response = recorder.keep(f"SMS {body!r}", post_signed(client, twilio_form(body, **extra)))
    assert response.status_code == 200
    return replies_of(response)


def test_a_young_persons_number_and_the_secrets_stay_out_of_pages_and_logs(
    debug_logs, app, client, make_staff, world: World, recorder
):
    """A whole story: texts with the number in them, MYDATA, the alert desk, every staff page."""
    text(client, recorder, "HELP")
    text(client, recorder, f"{DANGER}, text me back on {SPELLINGS[0]} or {SPELLINGS[1]}")
    for spelling in SPELLINGS[2:]:
        text(client, recorder, f"my number is {spelling}")
    [mydata] = text(client, recorder, "MYDATA")
    reference = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", mydata).group(0)

    sign_in_as(client, make_staff(*Role, email="everyone@example.org"))
    with client.session_transaction() as session:
        session["simulator_number"] = "07700 900999"  # the staff member's own pretend phone
    token = session_token(client, signed_in=True)
    recorder.keep(
        "MYDATA", client.post("/mydata/", data={"reference": reference, "csrf_token": token})
    )
    recorder.keep(
        "reply",
        client.post(
            f"/alerts/{world.alert_id}/reply",
            data={"body": "Are you safe now?", "form_token": "one", "csrf_token": token},
            follow_redirects=True,
        ),
    )
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            with client.get(sample_url(app, rule, world)) as response:
                recorder.keep(f"GET {rule.rule}", response)

    assert recorder.leaks(app) == []
    assert leaks(app, debug_logs.text) == []
    assert "hidden due to hide_parameters" in debug_logs.text  # SQL was logged, values hidden


def test_error_pages_and_their_logs_hold_no_number(
    debug_logs, app, client, make_staff, recorder, monkeypatch
):
    """Forced 404, 405, 400 and 500 pages, with the number in the address or the request."""
    sign_in_as(client, make_staff(*Role, email="everyone@example.org"))
    for path in ("/alerts/447700900123", "/signposting/+447700900123", "/s/07700900123"):
        assert recorder.keep(path, client.get(path)).status_code == 404
    not_allowed = client.get("/sms/inbound", query_string={"From": PHONE})
    assert recorder.keep("405", not_allowed).status_code == 405
    not_a_form = client.post("/admin/users/new", data={"email": PHONE})
    assert recorder.keep("CSRF", not_a_form).status_code == 400
    unsigned = client.post("/sms/inbound", data=twilio_form("hi"))
    assert recorder.keep("unsigned", unsigned).status_code == 403

    def broken(*args: object) -> str:
        raise RuntimeError("the key store did not answer")

    monkeypatch.setattr(inbound, "route", broken)
    [sorry] = text(client, recorder, "my number is 07700 900123")  # kept for reconcile
    assert "Sorry" in sorry
    monkeypatch.setattr(privacy, "pseudonym", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    failed = post_signed(client, twilio_form("call 07700 900123"))
    assert recorder.keep("500", failed).status_code == 500
    assert "problem with the service" in failed.get_data(as_text=True)
    assert "key store" not in failed.get_data(as_text=True)

    assert recorder.leaks(app) == []
    assert "Exception on /sms/inbound" in debug_logs.text and "key store" in debug_logs.text
    assert leaks(app, debug_logs.text) == []


def session_in(app: Flask, client: FlaskClient) -> str:
    """What the session cookie holds, decoded as anyone holding the cookie can decode it."""
    value = client.get_cookie(SESSION_COOKIE).value
    return json.dumps(app.session_interface.get_signing_serializer(app).loads(value))


def test_a_number_typed_into_a_web_survey_is_never_sent_back(app, client, recorder):
    """The answers so far travel in the session cookie (signed, not encrypted): a number typed
    in must not be in it, nor in the pages that show the answer again."""
    surveys.load_published(EVERY_KIND)
    url = "/s/every-kind"

    def send(**form: object) -> TestResponse:
        token = session_token(client, signed_in=False)
        return recorder.keep(str(form), client.post(url, data={"csrf_token": token, **form}))

    send(action="start")
    for question, value in (("colour", "Red"), ("worries", "Money"), ("safe", "4"), ("hours", "2")):
        assert send(q=question, answer=value).status_code == 302
    typed = f"please text me on {SPELLINGS[0]}, or {SPELLINGS[1]}"
    assert send(q="change", answer=typed + " " + "a" * 200).status_code == 400  # too long
    assert send(q="change", answer=typed).status_code == 302
    assert leaks(app, session_in(app, client)) == []
    back = recorder.keep("back", client.get(f"{url}?q=change"))
    assert "please text me on [phone], or [phone]" in back.get_data(as_text=True)
    assert send(q="age", answer="14 to 15").status_code == 302
    assert send(action="send").status_code == 200
    assert recorder.leaks(app) == []
