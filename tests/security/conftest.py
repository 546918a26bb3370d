"""What the security tests share: CSRF protection on (as in production), a small world of real
content to point every route at, and ways to sign in and send forms as a browser does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from changemakers.accounts import services as accounts
from changemakers.accounts.models import Role, StaffUser
from changemakers.alerts.models import Alert
from changemakers.content import lifecycle
from changemakers.database import utcnow
from changemakers.extensions import db
from messages import broadcasts, fixed_replies
from messages.flows import services as flows
from surveys import services as surveys
from surveys import you_said_services as results
from tests.support.surveys import EVERY_KIND
from tests.support.web import csrf_token, sign_in

# Argon2 as in production, with costs small enough that a test can sign in dozens of times.
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
QUICK_UNKNOWN_ACCOUNT_HASH = QUICK_HASHER.hash("no account has this password")
SESSION_COOKIE = "changemakers_session"
CSRF_REFUSED = "This form has expired or was sent from elsewhere"
ACCESS_REFUSED = "You do not have access to this page"
DANGER = "I want to kill myself"

# The value chosen for each ``any(...)`` part of an address: one that changes nothing much.
CHOSEN_PARTS: dict[tuple[str, str], str] = {
    ("accounts.user_action", "action"): "invite",
    ("messages.broadcast_action", "action"): "cancel",
    ("messages.flow_lifecycle", "action"): "submit",
    ("messages.fixed_reply_lifecycle", "action"): "submit",
    ("surveys.survey_lifecycle", "action"): "submit",
    ("surveys.survey_question_action", "action"): "down",
    ("surveys.coding_page", "question_id"): "change",  # a free-text question
    ("messages.flow_export", "file_format"): "json",
    ("surveys.survey_export", "file_format"): "yaml",
    ("surveys.findings_export", "file_format"): "csv",
    ("surveys.results_review", "step"): "return",
}


@pytest.fixture(autouse=True)
def _quick_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "password_hasher", QUICK_HASHER)
    monkeypatch.setattr(accounts, "_UNKNOWN_ACCOUNT_HASH", QUICK_UNKNOWN_ACCOUNT_HASH)


@pytest.fixture(autouse=True)
def csrf_protection(app: Flask) -> Iterator[None]:
    """CSRF protection on, as in production, whatever the test settings say."""
    saved = {name: app.config.get(name) for name in ("WTF_CSRF_ENABLED", "WTF_CSRF_CHECK_DEFAULT")}
    app.config.update(WTF_CSRF_ENABLED=True, WTF_CSRF_CHECK_DEFAULT=True)
    yield
    app.config.update(saved)


@dataclass(frozen=True)
class World:
    """Real content of every kind a route can name, so each address leads somewhere."""

    author: StaffUser
    flow_id: int
    survey_id: int
    slug: str
    alert_id: int
    broadcast_id: int
    reply_id: int

    def url_values(self) -> dict[str, Any]:
        """A value for each part of an address a route may have."""
        return {
            "user_id": self.author.id,
            "flow_id": self.flow_id,
            "survey_id": self.survey_id,
            "number": 1,
            "step_id": "welcome",
            "index": 0,
            "question_id": "colour",
            "slug": self.slug,
            "alert_id": self.alert_id,
            "broadcast_id": self.broadcast_id,
            "reply_id": self.reply_id,
            "action_id": "a1",
            "name": "childline",
            "filename": "app.css",
        }


@pytest.fixture
def world(db_session, make_staff, send_sms) -> World:
    """A draft flow, a published survey, an alert raised by a text, a broadcast, a draft fixed
    reply, their author."""
    author = make_staff(*Role, email="author@example.org")
    flow = flows.create_flow("Exams", "EXAMS", author)
    survey = surveys.load_published(EVERY_KIND)
    send_sms(DANGER)
    alert = db.session.scalars(select(Alert)).one()
    broadcast = broadcasts.create("News from the Changemakers", author)
    reply = fixed_replies.create("HELLO", "Hi from the Changemakers", author)
    answered = {"responses": [{"question": "colour", "response": "Heard."}], "actions": []}
    results_page = results.RESULTS.new_version(survey.survey_id, answered, author, "draft")
    lifecycle.publish(results_page, utcnow(), [])
    db.session.commit()
    return World(
        author,
        flow.flow_id,
        survey.survey_id,
        EVERY_KIND["slug"],
        alert.id,
        broadcast.id,
        reply.fixed_reply_id,
    )


def sample_url(app: Flask, rule: Rule, world: World) -> str:
    """An address that ``rule`` answers, naming the world's content."""
    known = world.url_values()
    values = {
        name: CHOSEN_PARTS[(rule.endpoint, name)]
        if (rule.endpoint, name) in CHOSEN_PARTS
        else known[name]
        for name in rule.arguments
    }
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, values, force_external=False)


def session_token(client: FlaskClient, signed_in: bool) -> str:
    """The CSRF token of the client's session, as its pages carry it."""
    return csrf_token(client, "/" if signed_in else "/login")


def sign_in_as(client: FlaskClient, user: StaffUser) -> None:
    """Sign ``user`` in with the test password, through the sign-in form."""
    response = sign_in(client, user.email)
    assert response.status_code == 302, response.get_data(as_text=True)


def row_counts() -> dict[str, int]:
    """How many rows each table holds: a change anywhere shows here."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }


def cookie(client: FlaskClient) -> str | None:
    """The session cookie the client holds."""
    found = client.get_cookie(SESSION_COOKIE)
    return found.value if found else None


def is_sign_in_redirect(response: TestResponse) -> bool:
    """Sent to sign in, to come back afterwards (``next``): what a page needing a sign-in does."""
    location = urlsplit(response.headers.get("Location", ""))
    return (
        response.status_code == 302
        and location.path == "/login"
        and "next" in parse_qs(location.query)
    )
