"""Fixtures shared by every test.

The database is made by running the Alembic migrations once per run: a SQLite file by default,
or the PostgreSQL named by ``TEST_DATABASE_URL``. Each test runs inside a transaction that is
rolled back afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask, g, request_started
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from changemakers import cache
from changemakers.accounts import services as accounts
from changemakers.accounts.models import Role, StaffUser
from changemakers.extensions import db, limiter
from messages import conversations
from messages.models import Keyword
from tests.support.apps import dispose_engines, migrated_app, served_environment
from tests.support.browsers import CHROMIUM, CHROMIUM_ARGS
from tests.support.conversations import EchoConversation
from tests.support.databases import fresh_database, reset_postgres
from tests.support.requirements import requirement_missing
from tests.support.servers import free_port, wait_until_answering
from tests.support.sms import PHONE, post_signed, twilio_form
from tests.support.web import TEST_PASSWORD, sign_in


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright (never a downloaded browser), one for the whole run:
    Playwright's sync API allows a single instance, shared by ``tests/browser`` and
    ``tests/journeys``."""
    if not os.path.exists(CHROMIUM):
        requirement_missing(f"browser tests need Debian's chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True, scope="session")
def _never_the_real_twilio() -> Iterator[None]:
    """Fail any test that tries to reach Twilio itself (tests use the test double,
    ``tests/support/twilio_double.py``)."""
    resolve = socket.getaddrinfo

    def guarded(host: object, *args: object, **kwargs: object) -> object:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.rstrip(".").lower().endswith("twilio.com"):
            pytest.fail(f"a test tried to reach the real Twilio ({name})")
        return resolve(host, *args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", guarded)
        yield


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _fresh_globals(sender: Flask, **extra: object) -> None:
    g.__dict__.clear()


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = migrated_app(database_url, tmp_path_factory.mktemp("instance"))
    # Requests made by a test share the test's app context (and so its database transaction);
    # give each request an empty ``g`` all the same, as it has in production.
    request_started.connect(_fresh_globals, app)
    yield app
    dispose_engines(app)


@dataclass(frozen=True)
class ServedApp:
    """``changemakers serve`` (gunicorn) in its own process, on its own database."""

    url: str
    database_url: str
    log: Path

    def read_log(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="session")
def served_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    base = tmp_path_factory.mktemp("served")
    postgres_url = os.environ.get("TEST_DATABASE_URL", "")
    kind = "postgres" if postgres_url else "sqlite"
    database_url = fresh_database(kind, postgres_url, base, "changemakers_served_test")
    env = served_environment(database_url, base)
    command = [sys.executable, "-m", "changemakers.cli"]
    subprocess.run([*command, "db", "upgrade"], env=env, check=True, capture_output=True)
    port = free_port()
    log = base / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [*command, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(url + "/readyz", server, log)
        yield ServedApp(url, database_url, log)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """The app context of one test, its session joined to a transaction rolled back at the end."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        db.session.remove()
        session = db.session.session_factory(
            bind=connection, join_transaction_mode="create_savepoint"
        )
        db.session.registry.set(session)
        limiter.reset()
        cache.forget_cached_tables()
        try:
            yield session
        finally:
            session.close()
            db.session.registry.clear()
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app: Flask, db_session: Session) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_staff(db_session: Session):
    """Create a staff member: ``make_staff(Role.ADMIN, email=...)``; password ``TEST_PASSWORD``."""

    def make(*roles: Role, email: str | None = None, active: bool = True) -> StaffUser:
        roles = roles or (Role.CHANGEMAKER,)
        email = email or f"{'-'.join(sorted(roles))}@example.org"
        user = accounts.create_user(email, roles, actor=None, password=TEST_PASSWORD)
        if not active:
            user.active = False
            db.session.commit()
        return user

    return make


@pytest.fixture
def signed_in(client: FlaskClient, make_staff):
    """A client signed in with the given roles: ``signed_in(Role.ADMIN)`` returns the user."""

    def sign_in_as(*roles: Role) -> StaffUser:
        user = make_staff(*roles)
        response = sign_in(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in_as


@pytest.fixture
def send_sms(client: FlaskClient):
    """Text the service: ``send_sms("FRIEND")`` → the TwiML response."""

    def send(body: str, from_: str = PHONE, sid: str | None = None, **extra: str):
        response = post_signed(client, twilio_form(body, from_, sid, **extra))
        assert response.status_code == 200, response.get_data(as_text=True)
        return response

    return send


@pytest.fixture
def echo_keyword(db_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """The keyword ECHO starts an ``EchoConversation``."""
    monkeypatch.setitem(conversations._kinds, "echo", EchoConversation())
    db.session.add(Keyword(word="ECHO", kind="echo", ref="one"))
    db.session.commit()
    cache.forget_cached_tables()


@pytest.fixture
def started_conversation(echo_keyword: None, send_sms) -> None:
    send_sms("ECHO")
