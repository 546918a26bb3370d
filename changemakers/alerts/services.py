"""The safeguarding desk: raising alerts, the reviewers' queue, and replying through the service.

Alerts come from a channel (the SMS channel registers itself as ``AlertChannel``), which also
shows the conversation around an alert and sends a reviewer's reply, so the desk never touches a
phone number. Each action commits here with its audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from changemakers.accounts.models import StaffUser
from changemakers.alerts.models import Alert, AlertReply, AlertSeverity, AlertStatus
from changemakers.audit import services as audit
from changemakers.database import utcnow
from changemakers.extensions import db
from changemakers.office_hours import OfficeHours
from changemakers.redaction import redact
from changemakers.subject_access.services import HeldItem, HeldSection, ParticipantData

REPLY_MAX_LENGTH = 320  # two SMS at most
CLOSE_NOTE_MAX_LENGTH = 2000


@dataclass(frozen=True)
class ConversationLine:
    """One message between a participant and the service, as staff see it (redacted)."""

    at: datetime
    from_participant: bool
    text: str
    scheduled: bool = False  # waiting to be sent at ``at``


class CannotReply(Exception):
    """The participant can no longer be texted (they erased their data or texted STOP)."""


class AlertChannel(Protocol):
    """Where alerts come from (a text, a web survey answer), as the desk shows and answers
    them."""

    label: str  # how the alert came, for reviewers
    about: str  # what a reviewer should know of it when there is no conversation to show
    no_reply: str  # why the service can never reply on this channel; "" when it can

    def conversation(self, pseudonym: str) -> Sequence[ConversationLine]: ...

    def reply(self, pseudonym: str, body: str) -> int:
        """Queue ``body`` for the participant; the outbox id. Raises ``CannotReply``."""
        ...


class AlertError(Exception):
    """An action the alert's state does not allow; the message says why."""


def register_channel(app: Flask, name: str, channel: AlertChannel) -> None:
    app.extensions.setdefault("alert_channels", {})[name] = channel


def _channel(name: str) -> AlertChannel | None:
    return current_app.extensions.get("alert_channels", {}).get(name)


def raise_alert(
    channel: str,
    pseudonym: str | None,
    excerpt: str,
    matched: list[str],
    category: str = "other_danger",
    severity: AlertSeverity = AlertSeverity.CONCERN,
) -> Alert:
    """Record an alert in the caller's transaction. ``excerpt`` is redacted here too, whatever
    channel it came from. ``pseudonym`` is ``None`` where the young person is anonymous (a web
    survey)."""
    alert = Alert(
        channel=channel,
        pseudonym=pseudonym,
        excerpt=redact(excerpt),
        matched=matched,
        category=category,
        severity=severity,
    )
    db.session.add(alert)
    return alert


# The queue -------------------------------------------------------------------------------


def office_hours() -> OfficeHours:
    return current_app.config["OFFICE_HOURS"]


def target() -> timedelta:
    return timedelta(minutes=current_app.config["ALERT_TARGET_MINUTES"])


def pick_up_by(alert: Alert) -> datetime:
    """When a new alert becomes overdue: the target time, counted in office hours."""
    return office_hours().deadline(alert.created_at, target())


def is_overdue(alert: Alert, now: datetime) -> bool:
    return alert.status is AlertStatus.NEW and now >= pick_up_by(alert)


def age_in_words(since: datetime, now: datetime) -> str:
    """How long ago, as a reviewer scanning the queue reads it: "5 min", "3 h 20 min", "2 days"."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        return f"{minutes // 60} h {minutes % 60} min"
    days = minutes // (24 * 60)
    return f"{days} day{'s' if days > 1 else ''}"


@dataclass(frozen=True)
class QueuedAlert:
    alert: Alert
    holder: str | None  # who has it in hand
    overdue: bool
    pick_up_by: datetime
    replies: int
    age: str


def queue(show_closed: bool, now: datetime) -> list[QueuedAlert]:
    """Open alerts, oldest first (or closed ones, newest first)."""
    replies = (
        select(AlertReply.alert_id, func.count().label("replies"))
        .group_by(AlertReply.alert_id)
        .subquery()
    )
    query = (
        select(Alert, StaffUser.email, func.coalesce(replies.c.replies, 0))
        .outerjoin(StaffUser, StaffUser.id == Alert.assigned_to_id)
        .outerjoin(replies, replies.c.alert_id == Alert.id)
    )
    if show_closed:
        query = query.where(Alert.status == AlertStatus.CLOSED).order_by(Alert.closed_at.desc())
    else:
        query = query.where(Alert.status != AlertStatus.CLOSED).order_by(Alert.created_at)
    return [
        QueuedAlert(
            alert,
            holder,
            is_overdue(alert, now),
            pick_up_by(alert),
            count,
            age_in_words(alert.created_at, now),
        )
        for alert, holder, count in db.session.execute(query.limit(500))
    ]


def overdue_count(now: datetime) -> int:
    new = db.session.scalars(select(Alert).where(Alert.status == AlertStatus.NEW))
    return sum(1 for alert in new if is_overdue(alert, now))


@dataclass(frozen=True)
class AlertPage:
    alert: Alert
    holder: str | None
    overdue: bool
    pick_up_by: datetime
    conversation: Sequence[ConversationLine]
    replies: list[tuple[AlertReply, str | None]]
    came_by: str
    about: str
    cannot_reply: str  # why not; "" when a reviewer can reply
    age: str


def _why_no_reply(alert: Alert, channel: AlertChannel | None) -> str:
    if channel is None:
        return f"alerts from {alert.channel} have no way back to the young person"
    if channel.no_reply:
        return channel.no_reply
    if alert.pseudonym is None:
        return "this young person erased their data"
    return ""


def alert_page(alert_id: int, now: datetime) -> AlertPage | None:
    alert = db.session.get(Alert, alert_id)
    if alert is None:
        return None
    holder = db.session.get(StaffUser, alert.assigned_to_id) if alert.assigned_to_id else None
    channel = _channel(alert.channel)
    conversation = channel.conversation(alert.pseudonym) if channel and alert.pseudonym else []
    replies = db.session.execute(
        select(AlertReply, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == AlertReply.author_id)
        .where(AlertReply.alert_id == alert_id)
        .order_by(AlertReply.created_at, AlertReply.id)
    )
    return AlertPage(
        alert,
        holder.email if holder else None,
        is_overdue(alert, now),
        pick_up_by(alert),
        conversation,
        [(reply, email) for reply, email in replies],
        channel.label if channel else alert.channel,
        channel.about if channel else "",
        _why_no_reply(alert, channel),
        age_in_words(alert.created_at, now),
    )


def _locked(alert_id: int) -> Alert:
    """The alert, locked until commit, so two reviewers' actions on it happen one at a time."""
    alert = db.session.scalars(select(Alert).where(Alert.id == alert_id).with_for_update()).first()
    if alert is None:
        raise AlertError("There is no such alert.")
    return alert


def _take(alert: Alert, reviewer: StaffUser) -> None:
    previous = alert.assigned_to_id
    alert.status = AlertStatus.IN_HAND
    alert.assigned_to_id = reviewer.id
    alert.picked_up_at = utcnow()
    audit.record(
        reviewer,
        "alert.picked_up",
        "alert",
        alert.id,
        **({"taken_over_from": previous} if previous else {}),
    )


def pick_up(alert_id: int, reviewer: StaffUser) -> Alert:
    """The reviewer has it in hand (taking it over if another reviewer had it)."""
    alert = _locked(alert_id)
    if alert.status is AlertStatus.CLOSED:
        db.session.rollback()
        raise AlertError("This alert is closed.")
    if alert.assigned_to_id != reviewer.id or alert.status is AlertStatus.NEW:
        _take(alert, reviewer)
    db.session.commit()
    return alert


def reply(alert_id: int, reviewer: StaffUser, body: str, form_token: str) -> AlertReply:
    """Text the young person through the service. The same form sent twice is one reply."""
    body = " ".join(body.split())
    if not body:
        raise AlertError("Write a reply first.")
    if len(body) > REPLY_MAX_LENGTH:
        raise AlertError(f"Keep the reply to {REPLY_MAX_LENGTH} characters (two texts).")
    alert = _locked(alert_id)
    already = db.session.scalars(
        select(AlertReply).where(AlertReply.form_token == form_token)
    ).first()
    if already is not None:
        db.session.rollback()
        return already
    channel = _channel(alert.channel)
    if alert.status is AlertStatus.CLOSED:
        db.session.rollback()
        raise AlertError("This alert is closed; reopen the conversation from a new alert.")
    reason = _why_no_reply(alert, channel)
    if channel is None or alert.pseudonym is None or reason:
        db.session.rollback()
        raise AlertError(f"The service cannot reply: {reason}.")
    try:
        outbox_id = channel.reply(alert.pseudonym, body)
    except CannotReply as error:
        db.session.rollback()
        raise AlertError(str(error)) from None
    if alert.status is AlertStatus.NEW or alert.assigned_to_id != reviewer.id:
        _take(alert, reviewer)
    sent = AlertReply(
        alert_id=alert.id,
        author_id=reviewer.id,
        body=body,
        outbox_id=outbox_id,
        form_token=form_token,
    )
    db.session.add(sent)
    audit.record(reviewer, "alert.replied", "alert", alert.id, outbox_id=outbox_id)
    try:
        db.session.commit()
    except IntegrityError:
        # The same form, sent at the same moment from another tab, won the race.
        db.session.rollback()
        return db.session.scalars(
            select(AlertReply).where(AlertReply.form_token == form_token)
        ).one()
    return sent


def close(alert_id: int, reviewer: StaffUser, note: str) -> Alert:
    """Closed, with a note of what was done (redacted: it must not hold a number either)."""
    note = note.strip()
    if not note:
        raise AlertError("Say what was done before closing the alert.")
    if len(note) > CLOSE_NOTE_MAX_LENGTH:
        raise AlertError(f"Keep the note to {CLOSE_NOTE_MAX_LENGTH} characters.")
    alert = _locked(alert_id)
    if alert.status is AlertStatus.CLOSED:
        db.session.rollback()
        raise AlertError("This alert is already closed.")
    alert.status = AlertStatus.CLOSED
    alert.closed_at = utcnow()
    alert.close_note = redact(note)
    if alert.assigned_to_id is None:
        alert.assigned_to_id = reviewer.id
    audit.record(reviewer, "alert.closed", "alert", alert.id)
    db.session.commit()
    return alert


# Subject access and erasure ----------------------------------------------------------------


def _describe(pseudonym: str) -> HeldSection:
    alerts = db.session.scalars(
        select(Alert).where(Alert.pseudonym == pseudonym).order_by(Alert.created_at)
    ).all()
    replies = db.session.scalars(
        select(AlertReply)
        .where(AlertReply.alert_id.in_([alert.id for alert in alerts]))
        .order_by(AlertReply.created_at)
    ).all()
    items: list[HeldItem] = []
    for alert in alerts:
        items.append(
            HeldItem(f"Alert ({alert.status.replace('_', ' ')})", alert.excerpt, alert.created_at)
        )
        items += [
            HeldItem("Our team's reply", reply.body, reply.created_at)
            for reply in replies
            if reply.alert_id == alert.id
        ]
        if alert.close_note:
            items.append(HeldItem("What our team did", alert.close_note, alert.closed_at))
    return HeldSection(
        "Safeguarding alerts",
        items,
        "When a text sounds like you may be in danger, a member of staff reads it. If you "
        "delete your data, the words stay as a safeguarding record with no link to your phone, "
        "for the alert retention period.",
    )


def _detach(pseudonym: str) -> None:
    """Unlink a participant who erased their data from their alerts; the text stays."""
    db.session.execute(update(Alert).where(Alert.pseudonym == pseudonym).values(pseudonym=None))


ALERT_DATA = ParticipantData("alerts", _describe, _detach)
