"""Telling the people on duty of new alerts, by email through a real local SMTP server
(aiosmtpd): at once for immediate danger, in a digest for concerns, again with the admins when
nobody picks an alert up, and never lost while the mail server is down."""

from __future__ import annotations

import email
import os
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from changemakers.accounts import services as accounts
from changemakers.accounts.models import Role
from changemakers.alerts import notifications
from changemakers.alerts import services as alert_services
from changemakers.alerts.models import AlertSeverity, Notification, NotificationStatus
from changemakers.database import utcnow
from changemakers.extensions import db
from messages.gateways import ConsoleGateway
from messages.worker import Dispatcher
from tests.support.apps import dispose_engines, migrated_app
from tests.support.databases import fresh_database
from tests.support.servers import free_port
from tests.support.web import TEST_PASSWORD

EXCERPT = "my stepdad hit me again, text me on 07700 900123"
PSEUDONYM = "a" * 64


class Inbox:
    """What the local SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        self.arrived.set()
        return "250 OK"

    def recipients(self) -> list[str]:
        return sorted(message["To"] for message in self.messages)


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def inbox(smtp_port: int) -> Iterator[Inbox]:
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        yield received
    finally:
        controller.stop()


def smtp_settings(port: int) -> dict[str, object]:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_FROM": "desk@changemakers.example",
        "SMTP_STARTTLS": False,
        "PUBLIC_BASE_URL": "https://changemakers.example",
    }


@pytest.fixture
def mail_settings(app, monkeypatch, smtp_port):
    for name, value in smtp_settings(smtp_port).items():
        monkeypatch.setitem(app.config, name, value)
    return notifications.SmtpMailer(app.config)


def text_of(message: Message) -> str:
    return f"{message['Subject']}\n{message.get_payload(decode=True).decode()}"


def assert_holds_nothing_of_the_alert(message: Message) -> None:
    words = text_of(message)
    for secret in ("stepdad", "hit me", "07700 900123", "900123", "violence", "self", "harm"):
        assert secret not in words.lower()


def test_an_immediate_danger_emails_the_reviewers_on_duty_a_link_only(
    db_session, make_staff, inbox, mail_settings
):
    on_duty = make_staff(Role.REVIEWER, email="on-duty@example.org")
    make_staff(Role.REVIEWER, email="off-duty@example.org")
    alert_services.set_on_duty(on_duty, True)
    alert = alert_services.raise_alert(
        "sms", PSEUDONYM, EXCERPT, ["hit me"], "violence_weapons", AlertSeverity.IMMEDIATE
    )
    db.session.commit()
    now = utcnow()
    assert notifications.run(now, mail_settings) == 2  # one alert told, one email sent
    [message] = inbox.messages
    assert message["To"] == "on-duty@example.org"
    assert message["From"] == "desk@changemakers.example"
    assert f"https://changemakers.example/alerts/{alert.id}" in text_of(message)
    assert_holds_nothing_of_the_alert(message)
    assert notifications.run(now, mail_settings) == 0  # told once


def test_with_nobody_on_duty_every_reviewer_is_told(db_session, make_staff, inbox, mail_settings):
    make_staff(Role.REVIEWER, email="first@example.org")
    make_staff(Role.REVIEWER, email="second@example.org")
    make_staff(Role.BOARD, email="board@example.org")
    alert_services.raise_alert("sms", None, EXCERPT, [], "neglect_home", AlertSeverity.IMMEDIATE)
    db.session.commit()
    notifications.run(utcnow(), mail_settings)
    assert inbox.recipients() == ["first@example.org", "second@example.org"]


def test_alerts_of_concern_come_together_in_a_digest(
    app, db_session, make_staff, inbox, mail_settings
):
    make_staff(Role.REVIEWER, email="reviewer@example.org")
    for _ in range(3):
        alert_services.raise_alert("sms", None, EXCERPT, [], "neglect_home", AlertSeverity.CONCERN)
    db.session.commit()
    now = utcnow()
    assert notifications.run(now, mail_settings) == 0  # not yet: the digest waits
    later = now + timedelta(minutes=app.config["ALERT_DIGEST_MINUTES"] + 1)
    assert notifications.run(later, mail_settings) == 3 + 1
    [digest] = inbox.messages
    assert "3 new alerts are waiting" in text_of(digest)
    assert "https://changemakers.example/alerts/" in text_of(digest)
    assert_holds_nothing_of_the_alert(digest)
    assert notifications.run(later + timedelta(hours=2), mail_settings) == 0


def test_an_immediate_danger_nobody_picks_up_is_escalated_to_the_admins(
    app, db_session, make_staff, inbox, mail_settings
):
    reviewer = make_staff(Role.REVIEWER, email="reviewer@example.org")
    make_staff(Role.ADMIN, email="admin@example.org")
    alert = alert_services.raise_alert(
        "sms", None, EXCERPT, [], "self_harm_suicide", AlertSeverity.IMMEDIATE
    )
    db.session.commit()
    now = utcnow()
    notifications.run(now, mail_settings)
    escalation = timedelta(minutes=app.config["ALERT_ESCALATE_MINUTES"])
    assert notifications.run(now + escalation - timedelta(seconds=30), mail_settings) == 0
    notifications.run(now + escalation, mail_settings)
    assert inbox.recipients() == [
        "admin@example.org",
        "reviewer@example.org",
        "reviewer@example.org",
    ]
    reminder = inbox.messages[-1]
    assert "still waiting" in reminder["Subject"]
    assert f"/alerts/{alert.id}" in text_of(reminder)
    assert notifications.run(now + 3 * escalation, mail_settings) == 0  # escalated once
    # An alert picked up in time is not escalated.
    picked = alert_services.raise_alert(
        "sms", None, EXCERPT, [], "missing", AlertSeverity.IMMEDIATE
    )
    db.session.commit()
    notifications.run(now, mail_settings)
    alert_services.pick_up(picked.id, reviewer)
    count = len(inbox.messages)
    notifications.run(now + 2 * escalation, mail_settings)
    assert len(inbox.messages) == count


def test_with_the_mail_server_down_a_notification_waits_and_is_sent_later(
    db_session, make_staff, mail_settings, smtp_port
):
    make_staff(Role.REVIEWER, email="reviewer@example.org")
    alert_services.raise_alert("sms", None, EXCERPT, [], "missing", AlertSeverity.IMMEDIATE)
    db.session.commit()
    now = utcnow()
    assert notifications.run(now, mail_settings) == 1  # planned, not sent: nothing listens
    waiting = db.session.scalars(select(Notification)).one()
    assert waiting.status is NotificationStatus.QUEUED and waiting.attempts == 1
    assert waiting.next_attempt_at == now + timedelta(seconds=30)
    assert "ConnectionRefusedError" in (waiting.last_error or "")
    assert notifications.send_due(now + timedelta(seconds=29), mail_settings) == 0
    assert notifications.send_due(now + timedelta(seconds=30), mail_settings) == 0  # still down
    assert waiting.attempts == 2 and waiting.next_attempt_at == now + timedelta(seconds=90)

    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        assert notifications.send_due(now + timedelta(seconds=90), mail_settings) == 1
    finally:
        controller.stop()
    assert waiting.status is NotificationStatus.SENT
    assert [message["To"] for message in received.messages] == ["reviewer@example.org"]


def test_backoff_grows_to_ten_minutes():
    delays = [notifications.retry_delay(n).total_seconds() for n in range(1, 8)]
    assert delays == [30, 60, 120, 240, 480, 600, 600]


def test_the_worker_emails_an_immediate_danger_within_a_minute(tmp_path, inbox, smtp_port):
    """``changemakers worker``'s dispatcher, running as it runs, against its own database."""
    postgres_url = os.environ.get("TEST_DATABASE_URL")
    kind = "postgres" if postgres_url else "sqlite"
    url = fresh_database(kind, postgres_url or "", tmp_path, "changemakers_notify")
    app = migrated_app(url, tmp_path, SMS_GATEWAY="console", **smtp_settings(smtp_port))
    dispatcher = Dispatcher(app, ConsoleGateway(), idle_wait=0.2)
    worker = threading.Thread(target=dispatcher.run)
    try:
        with app.app_context():
            accounts.create_user("reviewer@example.org", [Role.REVIEWER], None, TEST_PASSWORD)
            alert = alert_services.raise_alert(
                "sms", PSEUDONYM, EXCERPT, ["hit me"], "violence_weapons", AlertSeverity.IMMEDIATE
            )
            db.session.commit()
            alert_id = alert.id
            db.session.remove()
        started = time.monotonic()
        worker.start()
        assert inbox.arrived.wait(60), "no email within 60 s"
        took = time.monotonic() - started
        [message] = inbox.messages
        assert message["To"] == "reviewer@example.org" and took < 60
        assert f"https://changemakers.example/alerts/{alert_id}" in text_of(message)
        assert_holds_nothing_of_the_alert(message)
    finally:
        dispatcher.stop()
        if worker.is_alive():
            worker.join(10)
        dispose_engines(app)
