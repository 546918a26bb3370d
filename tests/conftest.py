"""Fixtures shared by every test.

The database is made by running the Alembic migrations once per run: a SQLite file by default,
or the PostgreSQL named by ``TEST_DATABASE_URL``. Each test runs inside a transaction that is
rolled back afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import flask_migrate
import pytest
from cryptography.fernet import Fernet
from flask import Flask, g, request_started
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from bench.common import free_port, fresh_database
from changemakers import create_app
from changemakers.accounts import services as accounts
from changemakers.accounts.models import Role, StaffUser
from changemakers.cache import forget_cached_tables
from changemakers.extensions import db, limiter

TEST_PASSWORD = "correct horse battery staple"
# Shaped like Twilio's, and used only to sign test webhooks: no request ever reaches Twilio.
TWILIO_ACCOUNT_SID = "AC" + "0" * 32
TWILIO_AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def requirement_missing(reason: str) -> None:
    """Skip on a newcomer's machine; fail in CI, where every part must really be tested."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run this test)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright (never a downloaded browser), one for the whole run:
    Playwright's sync API allows a single instance, shared by ``tests/browser`` and
    ``tests/journeys``."""
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        requirement_missing(f"browser tests need Debian's chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True, scope="session")
def _never_the_real_twilio() -> Iterator[None]:
    """Fail any test that tries to reach Twilio itself (tests use ``bench.fake_twilio``)."""
    resolve = socket.getaddrinfo

    def guarded(host: object, *args: object, **kwargs: object) -> object:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.rstrip(".").lower().endswith("twilio.com"):
            pytest.fail(f"a test tried to reach the real Twilio ({name})")
        return resolve(host, *args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", guarded)
        yield


def settings_for_tests(database_url: str, instance: Path) -> dict[str, object]:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "OFFICE_HOURS": "Mon-Sun 00:00-24:00",  # the urgent-help reply as in office hours
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret-key",
        "PSEUDONYM_KEY": "test-pseudonym-key",
        "CONTACT_KEY": Fernet.generate_key().decode(),
        "SMS_GATEWAY": "twilio",
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_FROM": "+447700900000",
        "RATELIMIT_STORAGE_URI": "memory://",
        # Pages move at a machine's pace; the time rule has its own tests.
        "SURVEY_SECONDS_PER_QUESTION": "0",
    }


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def migrated_app(database_url: str, instance: Path, **overrides: object) -> Flask:
    app = create_app({**settings_for_tests(database_url, instance), **overrides})
    with app.app_context():
        flask_migrate.upgrade(directory=app.extensions["migrate"].directory)
    return app


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _fresh_globals(sender: Flask, **extra: object) -> None:
    g.__dict__.clear()


def dispose_engines(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


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


def served_environment(database_url: str, instance: Path) -> dict[str, str]:
    settings = settings_for_tests(database_url, instance)
    env = {k: v for k, v in os.environ.items() if k not in {"TESTING"}}
    env.update({k: str(v) for k, v in settings.items() if k not in {"TESTING"}})
    return env


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


def wait_until_answering(
    url: str, server: subprocess.Popen, log: Path, seconds: float = 60
) -> None:
    """Wait for a server started for the tests to answer ``url``; fail with its log if it stops
    or never answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped at start-up:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server did not answer {url}:\n{log.read_text(errors='replace')}")


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
        forget_cached_tables()
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


def csrf_token(client: FlaskClient, page: str = "/login") -> str:
    """The CSRF token from a rendered page, as a browser would send it back."""
    html = client.get(page).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def sign_in(client: FlaskClient, email: str, password: str = TEST_PASSWORD, next_: str = ""):
    token = csrf_token(client)
    path = "/login" + (f"?next={next_}" if next_ else "")
    return client.post(path, data={"email": email, "password": password, "csrf_token": token})


def post_form(client: FlaskClient, path: str, data: dict | None = None, page: str = "/"):
    """POST a form as a signed-in browser would: with the CSRF token of its session."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, page)})


@pytest.fixture
def signed_in(client: FlaskClient, make_staff):
    """A client signed in with the given roles: ``signed_in(Role.ADMIN)`` returns the user."""

    def sign_in_as(*roles: Role) -> StaffUser:
        user = make_staff(*roles)
        response = sign_in(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in_as


def with_rule(rules_text: str, concept: str, term: str, category: str) -> str:
    """``rules_text`` with one more concept (a single term) and a rule on it, typed in as a
    reviewer would: the detector's rules as a change under review."""
    rules_text = re.sub(
        r"^concepts:.*\n", rf"\g<0>  {concept}: [{term}]\n", rules_text, count=1, flags=re.M
    )
    rule = (
        f"  - name: {concept.replace('_', ' ')}\n    category: {category}\n    all: [{concept}]\n"
    )
    return re.sub(
        r"^rules:.*\n", lambda found: found.group(0) + rule, rules_text, count=1, flags=re.M
    )
