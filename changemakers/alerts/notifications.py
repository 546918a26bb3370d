"""Telling people of new alerts, by email, from ``changemakers worker``.

Each round the worker plans, then sends:

- a new immediate-danger alert: an email to each reviewer on duty (every reviewer when nobody
  is), at once;
- alerts of concern: one digest email every ``ALERT_DIGEST_MINUTES``, counting them;
- an immediate-danger alert nobody has picked up after ``ALERT_ESCALATE_MINUTES``: the people on
  duty again, and every admin.

Planning writes one ``Notification`` row per email in the same transaction as marking the alert
told, so several workers never tell twice and a crash loses nothing. Sending takes the rows that
are due; one the mail server does not take stays queued and is tried again later (30 s, 1 min,
2 min … 10 min), so a mail server that is down delays a notification but never drops it.

An email holds a link to the desk and nothing else: no words of the message, no number, no
category (it may be read on a lock screen). With ``ALERT_SMS_TO`` set, a new immediate danger and
its escalation are also texted to that staff on-call phone, with the same link, through the SMS
channel's outbox (the channel registers ``STAFF_SMS``).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import select

from changemakers.alerts import services
from changemakers.alerts.models import (
    Alert,
    AlertSeverity,
    AlertStatus,
    Notification,
    NotificationKind,
    NotificationStatus,
)
from changemakers.extensions import db

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 10.0  # seconds: a stuck mail server must not hold the worker
LOCAL_ADDRESS = "http://127.0.0.1:5000"  # links when PUBLIC_BASE_URL is not set (the demo)


class Mailer(Protocol):
    def send(self, recipient: str, subject: str, body: str) -> None:
        """Hand one email to the mail server; raises ``OSError`` or ``smtplib.SMTPException``
        when it was not taken."""
        ...


class SmtpMailer:
    def __init__(self, config: Mapping[str, Any]) -> None:
        self.host = config["SMTP_HOST"]
        self.port = int(config["SMTP_PORT"])
        self.sender = config["SMTP_FROM"]
        self.username = config["SMTP_USERNAME"]
        self.password = config["SMTP_PASSWORD"]
        self.starttls = bool(config["SMTP_STARTTLS"])

    def send(self, recipient: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = recipient
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


class LogMailer:
    """With no mail server set (the demo): each email is written to the log instead."""

    def send(self, recipient: str, subject: str, body: str) -> None:
        log.warning("notification (SMTP_HOST is not set, so not emailed): %s", subject)


class StaffSms(Protocol):
    def __call__(self, number: str, body: str, now: datetime) -> None:
        """Queue ``body`` for a member of staff's phone, in the caller's transaction."""
        ...


STAFF_SMS = "staff_sms"  # app.extensions: the StaffSms of the SMS channel


def register_staff_sms(app: Flask, send: StaffSms) -> None:
    app.extensions[STAFF_SMS] = send


def _text_on_call(alert_id: int, reminder: bool, now: datetime) -> None:
    number = current_app.config["ALERT_SMS_TO"]
    send = current_app.extensions.get(STAFF_SMS)
    if not number or send is None:
        return
    base_url = current_app.config["PUBLIC_BASE_URL"] or LOCAL_ADDRESS
    still = "still " if reminder else ""
    send(
        number,
        f"Changemakers desk: an alert {still}needs a person now. {base_url}/alerts/{alert_id}",
        now,
    )


def mailer_from_config(config: Mapping[str, Any]) -> Mailer:
    return SmtpMailer(config) if config["SMTP_HOST"] else LogMailer()


def retry_delay(attempts: int) -> timedelta:
    """After the ``attempts``-th failed try: 30 s, 1 min, 2 min … at most 10 min."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 600))


def email_for(notification: Notification, base_url: str) -> tuple[str, str]:
    """Subject and body: a link and what to do, nothing of the message."""
    if notification.kind is NotificationKind.DIGEST:
        count = notification.count
        return (
            "Changemakers desk: alerts waiting",
            f"{count} new alert{'s are' if count != 1 else ' is'} waiting on the desk.\n\n"
            f"{base_url}/alerts/\n\nSign in to read them. This email holds no details.\n",
        )
    link = f"{base_url}/alerts/{notification.alert_id}"
    if notification.kind is NotificationKind.REMINDER:
        return (
            "Changemakers desk: still waiting for a person",
            "An alert that needs a person now has not been picked up.\n\n"
            f"{link}\n\nSign in and pick it up. This email holds no details.\n",
        )
    return (
        "Changemakers desk: needs a person now",
        f"An alert needs a person now.\n\n{link}\n\n"
        "Sign in and pick it up. This email holds no details.\n",
    )


def _queue(
    kind: NotificationKind, recipients: list[str], now: datetime, alert_id: int | None, count: int
) -> None:
    for recipient in dict.fromkeys(recipients):  # once each, in order
        db.session.add(
            Notification(
                alert_id=alert_id,
                kind=kind,
                recipient=recipient,
                count=count,
                created_at=now,
                next_attempt_at=now,
            )
        )


def plan(now: datetime) -> int:
    """Write the notifications now due (see the module's docstring); how many alerts were
    told of. One transaction."""
    config = current_app.config
    untold = db.session.scalars(
        select(Alert)
        .where(Alert.notified_at.is_(None), Alert.status != AlertStatus.CLOSED)
        .order_by(Alert.created_at)
        .limit(200)
        .with_for_update(skip_locked=True)
    ).all()
    immediate = [a for a in untold if a.severity is AlertSeverity.IMMEDIATE]
    concern = [a for a in untold if a.severity is not AlertSeverity.IMMEDIATE]
    recipients = services.to_tell() if untold else []
    for alert in immediate:
        _queue(NotificationKind.IMMEDIATE, recipients, now, alert.id, 1)
        _text_on_call(alert.id, False, now)
        alert.notified_at = now
    digest_due = now - timedelta(minutes=config["ALERT_DIGEST_MINUTES"])
    digested = concern if concern and concern[0].created_at <= digest_due else []
    if digested:
        _queue(NotificationKind.DIGEST, recipients, now, None, len(digested))
        for alert in digested:
            alert.notified_at = now
    escalate_before = now - timedelta(minutes=config["ALERT_ESCALATE_MINUTES"])
    waiting = db.session.scalars(
        select(Alert)
        .where(
            Alert.status == AlertStatus.NEW,
            Alert.severity == AlertSeverity.IMMEDIATE,
            Alert.escalated_at.is_(None),
            Alert.notified_at.is_not(None),
            Alert.notified_at <= escalate_before,
        )
        .with_for_update(skip_locked=True)
    ).all()
    if waiting:
        everyone = [*services.to_tell(), *services.admins()]
        for alert in waiting:
            _queue(NotificationKind.REMINDER, everyone, now, alert.id, 1)
            _text_on_call(alert.id, True, now)
            alert.escalated_at = now
    db.session.commit()
    return len(immediate) + len(digested) + len(waiting)


def send_due(now: datetime, mailer: Mailer, batch: int = 20) -> int:
    """Send the notifications due; each is settled in its own transaction."""
    base_url = current_app.config["PUBLIC_BASE_URL"] or LOCAL_ADDRESS
    ids = db.session.scalars(
        select(Notification.id)
        .where(
            Notification.status == NotificationStatus.QUEUED,
            Notification.next_attempt_at <= now,
        )
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(batch)
    ).all()
    db.session.rollback()
    sent = 0
    for notification_id in ids:
        notification = db.session.scalars(
            select(Notification)
            .where(
                Notification.id == notification_id,
                Notification.status == NotificationStatus.QUEUED,
            )
            .with_for_update(skip_locked=True)
        ).first()
        if notification is None:
            db.session.rollback()  # another worker has it
            continue
        subject, body = email_for(notification, base_url)
        notification.attempts += 1
        try:
            mailer.send(notification.recipient, subject, body)
        except (OSError, smtplib.SMTPException) as error:
            notification.next_attempt_at = now + retry_delay(notification.attempts)
            notification.last_error = f"{type(error).__name__}: {error}"[:200]
            log.warning(
                "notification %s not taken by the mail server (%s); trying again at %s",
                notification.id,
                type(error).__name__,
                notification.next_attempt_at.isoformat(timespec="seconds"),
            )
        else:
            notification.status = NotificationStatus.SENT
            notification.sent_at = now
            sent += 1
        db.session.commit()
    return sent


def run(now: datetime, mailer: Mailer) -> int:
    """One round of the worker: plan, then send; how many alerts and emails it handled."""
    return plan(now) + send_due(now, mailer)
