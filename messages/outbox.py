"""The outbox's transactions: writing a message for later, claiming due ones, recording what
became of each. The states are drawn in ``models.OutboxStatus``.

Every change here is a single conditional ``UPDATE`` (the row must still be in the state the
change starts from), so a worker, a status callback and a second worker can never undo one
another's work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, cast

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Result,
    Table,
    Update,
    and_,
    bindparam,
    case,
    exists,
    func,
    or_,
    select,
    update,
)

from changemakers import privacy
from changemakers.config import WHATSAPP_TEMPLATES
from changemakers.database import send_with_next
from changemakers.extensions import db
from messages import whatsapp
from messages.gateways import OPTED_OUT, Outcome, OutgoingSms, SendResult
from messages.models import Contact, Conversation, OutboundMessage, OutboxPurpose, OutboxStatus
from messages.quiet_hours import QuietHours

SENDING_LEASE = timedelta(seconds=60)  # longer than any batch takes to send
UNKNOWN_CHECK_AFTER = timedelta(minutes=10)  # then ask Twilio, if no callback has settled it
MAX_ATTEMPTS = 10
TWILIO_STATUSES = {
    "sent": OutboxStatus.SENT,
    "delivered": OutboxStatus.DELIVERED,
    "read": OutboxStatus.DELIVERED,
    "undelivered": OutboxStatus.UNDELIVERED,
    "failed": OutboxStatus.FAILED,
    "canceled": OutboxStatus.CANCELLED,
}
# A status moves a message on only from the states before it.
_BEFORE_SENT = (OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.UNKNOWN)
_BEFORE = {
    OutboxStatus.SENT: _BEFORE_SENT,
    OutboxStatus.DELIVERED: (*_BEFORE_SENT, OutboxStatus.SENT),
    OutboxStatus.UNDELIVERED: (*_BEFORE_SENT, OutboxStatus.SENT),
    OutboxStatus.FAILED: (*_BEFORE_SENT, OutboxStatus.SENT),
    OutboxStatus.CANCELLED: _BEFORE_SENT,
}

_outbox = cast(Table, OutboundMessage.__table__)


@lru_cache(maxsize=8)
def _parse_quiet_hours(setting: str) -> QuietHours:
    return QuietHours.parse(setting)


def quiet_hours() -> QuietHours:
    return _parse_quiet_hours(current_app.config["QUIET_HOURS"])


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the ``attempts``-th try was not processed: 30 s, 1 min, 2 min … 1 hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def enqueue(
    contact_id: int,
    body: str,
    purpose: OutboxPurpose,
    now: datetime,
    *,
    delay: timedelta = timedelta(0),
    hold_in_quiet_hours: bool = True,
    conversation_id: int | None = None,
) -> OutboundMessage:
    """Add a message to the caller's transaction, due after ``delay`` (and, if it may wait,
    after quiet hours)."""
    due = now + delay
    if hold_in_quiet_hours:
        due = quiet_hours().next_allowed(due)
    message = OutboundMessage(
        contact_id=contact_id,
        conversation_id=conversation_id,
        purpose=purpose,
        body=body,
        hold_in_quiet_hours=hold_in_quiet_hours,
        due_at=due,
        created_at=now,
        status_at=now,
    )
    db.session.add(message)
    return message


_conversations = cast(Table, Conversation.__table__)
_QUEUED_FOR_CONTACT = and_(
    _outbox.c.contact_id == bindparam("for_contact"), _outbox.c.status == OutboxStatus.QUEUED
)
_QUEUED_IN_OPEN_CONVERSATIONS = and_(
    _outbox.c.conversation_id.in_(
        select(_conversations.c.id).where(
            and_(
                _conversations.c.contact_id == bindparam("for_contact"),
                _conversations.c.ended_at.is_(None),
            )
        )
    ),
    _outbox.c.status == OutboxStatus.QUEUED,
)


def _cancel_where(condition: ColumnElement[bool]) -> Update:
    return send_with_next(
        update(_outbox)
        .where(condition)
        .values(status=OutboxStatus.CANCELLED, status_at=bindparam("now"))
    )


# Built once (building a statement costs more than running it); nothing waits for any.
_CANCEL_PENDING = _cancel_where(_QUEUED_FOR_CONTACT)
_CANCEL_FOLLOW_UPS = _cancel_where(_QUEUED_IN_OPEN_CONVERSATIONS)
_CANCEL_BUTTONS = _cancel_where(
    and_(_QUEUED_FOR_CONTACT, _outbox.c.purpose == OutboxPurpose.BUTTONS)
)


def cancel_pending(contact_id: int, now: datetime) -> None:
    """Everything still waiting for a participant (STOP, or they opted out at Twilio)."""
    db.session.connection().execute(_CANCEL_PENDING, {"for_contact": contact_id, "now": now})


def cancel_follow_ups_of_open_conversations(contact_id: int, now: datetime) -> None:
    """Follow-ups of conversations about to be ended because another one starts."""
    db.session.connection().execute(_CANCEL_FOLLOW_UPS, {"for_contact": contact_id, "now": now})


def cancel_buttons(contact_id: int, now: datetime) -> None:
    """Quick-reply buttons not yet sent, once an answer has come: they would be out of date."""
    db.session.connection().execute(_CANCEL_BUTTONS, {"for_contact": contact_id, "now": now})


@dataclass(frozen=True)
class Recipient:
    """Where a participant may be texted: their number, the channel they used last, and their
    last WhatsApp message (the start of its 24-hour window)."""

    number: str
    channel: str
    whatsapp_seen_at: datetime | None


@dataclass(frozen=True)
class ClaimedMessage:
    id: int
    contact_id: int
    body: str
    attempts: int
    number: str
    claimed_at: datetime
    purpose: str
    channel: str  # the one the participant used last
    whatsapp_seen_at: datetime | None
    choices: tuple[str, ...]  # quick-reply buttons


def _claimed(row: Any, recipient: Recipient, claimed_at: datetime) -> ClaimedMessage:
    return ClaimedMessage(
        row.id,
        row.contact_id,
        row.body,
        row.attempts,
        recipient.number,
        claimed_at,
        str(row.purpose),
        recipient.channel,
        recipient.whatsapp_seen_at,
        tuple(row.choices or ()),
    )


def claim(worker: str, limit: int, now: datetime) -> list[ClaimedMessage]:
    """Take up to ``limit`` due messages for sending and commit, so no other worker takes them.

    At most one message per participant is taken at a time, and only their earliest due, so
    each participant's messages go in order. Messages for someone who can no longer be texted
    are cancelled instead.
    """
    earlier = _outbox.alias("earlier")
    waiting_behind = exists().where(
        and_(
            earlier.c.contact_id == _outbox.c.contact_id,
            earlier.c.status.in_((OutboxStatus.SENDING, OutboxStatus.QUEUED)),
            earlier.c.id != _outbox.c.id,
            or_(
                earlier.c.status == OutboxStatus.SENDING,
                earlier.c.due_at < _outbox.c.due_at,
                and_(earlier.c.due_at == _outbox.c.due_at, earlier.c.id < _outbox.c.id),
            ),
        )
    )
    due = [
        _outbox.c.status == OutboxStatus.QUEUED,
        _outbox.c.due_at <= now,
        or_(_outbox.c.next_attempt_at.is_(None), _outbox.c.next_attempt_at <= now),
        ~waiting_behind,
    ]
    if quiet_hours().contains(now):
        due.append(_outbox.c.hold_in_quiet_hours.is_(False))
    chosen = (
        select(_outbox.c.id)
        .where(and_(*due))
        .order_by(_outbox.c.due_at, _outbox.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = db.session.execute(
        update(_outbox)
        .where(_outbox.c.id.in_(chosen.scalar_subquery()))
        .values(
            status=OutboxStatus.SENDING,
            claimed_by=worker,
            claimed_at=now,
            attempts=_outbox.c.attempts + 1,
        )
        .returning(
            _outbox.c.id,
            _outbox.c.contact_id,
            _outbox.c.body,
            _outbox.c.attempts,
            _outbox.c.purpose,
            _outbox.c.choices,
        )
    ).all()
    recipients = _recipients({row.contact_id for row in rows})
    claimed = []
    for row in sorted(rows, key=lambda r: r.id):
        recipient = recipients.get(row.contact_id)
        if recipient is None:
            _finish(row.id, OutboxStatus.CANCELLED, now)
        else:
            claimed.append(_claimed(row, recipient, now))
    db.session.commit()
    return claimed


def _recipients(contact_ids: set[int]) -> dict[int, Recipient]:
    """Whom we may text, by contact id (none for the opted out or erased)."""
    if not contact_ids:
        return {}
    rows = db.session.execute(
        select(
            Contact.id, Contact.number_encrypted, Contact.channel, Contact.whatsapp_seen_at
        ).where(
            and_(
                Contact.id.in_(contact_ids),
                Contact.opted_out.is_(False),
                Contact.number_encrypted.is_not(None),
            )
        )
    )
    return {
        row.id: Recipient(
            privacy.decrypt_number(row.number_encrypted), row.channel, row.whatsapp_seen_at
        )
        for row in rows
    }


def _finish(message_id: int, status: OutboxStatus, now: datetime, **values: object) -> None:
    db.session.execute(
        update(_outbox)
        .where(and_(_outbox.c.id == message_id, _outbox.c.status == OutboxStatus.SENDING))
        .values(status=status, status_at=now, **values)
    )


def record_result(message: ClaimedMessage, result: SendResult, now: datetime) -> bool:
    """Record what became of a send, in the caller's transaction. True when Twilio says the
    participant has opted out (the caller opts them out here too)."""
    if result.outcome is Outcome.SENT:
        mark_sent(message.id, result.provider_sid, now)
    elif result.outcome is Outcome.RETRY and message.attempts < MAX_ATTEMPTS:
        _finish(
            message.id,
            OutboxStatus.QUEUED,
            now,
            next_attempt_at=now + retry_delay(message.attempts),
            error_code=result.error_code,
        )
    elif result.outcome is Outcome.UNKNOWN:
        _finish(message.id, OutboxStatus.UNKNOWN, now, error_code=result.error_code)
    else:
        _finish(message.id, OutboxStatus.FAILED, now, error_code=result.error_code)
        if result.error_code == whatsapp.OUTSIDE_WINDOW:
            window_closed(message.id, now)
    return result.error_code == OPTED_OUT


def release(message: ClaimedMessage, now: datetime) -> None:
    """Put back a message that was claimed but never sent (the worker is stopping)."""
    _finish(message.id, OutboxStatus.QUEUED, now, attempts=message.attempts - 1)


def mark_sent(message_id: int, provider_sid: str | None, now: datetime) -> None:
    """Twilio took the message. A callback may have got here first with a later status:
    the status then stays as it is, and the id is filled in."""
    db.session.execute(
        update(_outbox)
        .where(_outbox.c.id == message_id)
        .values(
            status=case(
                (_outbox.c.status.in_(_BEFORE_SENT), OutboxStatus.SENT.value),
                else_=_outbox.c.status,
            ),
            provider_sid=func.coalesce(_outbox.c.provider_sid, provider_sid),
            sent_at=func.coalesce(_outbox.c.sent_at, now),
            status_at=now,
        )
    )


def apply_status(
    message_id: int,
    twilio_status: str,
    provider_sid: str | None,
    error_code: int | None,
    now: datetime,
) -> int | None:
    """Record a status callback, in the caller's transaction; a status that comes late, out of
    order or twice changes nothing. Returns the contact id when Twilio reports the participant
    has opted out."""
    status = TWILIO_STATUSES.get(twilio_status.lower())
    if status is None:
        return None  # queued, accepted, sending: nothing we do not know
    values: dict[str, object] = {
        "status": status,
        "status_at": now,
        "provider_sid": func.coalesce(_outbox.c.provider_sid, provider_sid),
    }
    if error_code is not None:
        values["error_code"] = error_code
    if status is not OutboxStatus.CANCELLED:
        values["sent_at"] = func.coalesce(_outbox.c.sent_at, now)
    moved = db.session.execute(
        update(_outbox)
        .where(and_(_outbox.c.id == message_id, _outbox.c.status.in_(_BEFORE[status])))
        .values(**values)
    )
    if error_code == whatsapp.OUTSIDE_WINDOW and _changed(moved):
        window_closed(message_id, now)
    if error_code == OPTED_OUT:
        return db.session.scalar(
            select(OutboundMessage.contact_id).where(OutboundMessage.id == message_id)
        )
    return None


def whatsapp_templates() -> whatsapp.Templates:
    """The approved WhatsApp templates the settings name."""
    config = current_app.config
    return whatsapp.Templates(
        {purpose: config[name] for name, purpose, _ in WHATSAPP_TEMPLATES if config[name]},
        config["WHATSAPP_QUICK_REPLY_TEMPLATES"],
    )


def channel_of(message: ClaimedMessage) -> str:
    """The channel a message goes on: the one the participant used last, while WhatsApp is
    on; the staff on-call phone is always texted."""
    if not current_app.config["WHATSAPP_FROM"] or message.purpose == OutboxPurpose.STAFF_ALERT:
        return whatsapp.SMS
    return message.channel


def outgoing(message: ClaimedMessage, now: datetime) -> OutgoingSms | None:
    """The message as the gateway sends it: by SMS, on WhatsApp inside its 24-hour window, or
    outside it as the purpose's approved template; ``None`` when it may not go at all."""
    plan = whatsapp.plan(
        channel_of(message),
        message.whatsapp_seen_at,
        now,
        message.purpose,
        message.body,
        whatsapp_templates(),
        message.choices,
    )
    if plan.unsendable:
        return None
    return OutgoingSms(
        message.id,
        message.number,
        message.body,
        plan.channel,
        plan.content_sid,
        plan.content_variables,
    )


def not_sent_outside_window(message: ClaimedMessage, now: datetime) -> None:
    """WhatsApp's 24-hour window has closed and no template may carry the message: recorded as
    not sent, with Twilio's error for it (63016)."""
    _finish(message.id, OutboxStatus.FAILED, now, error_code=whatsapp.OUTSIDE_WINDOW)


def window_closed(message_id: int, now: datetime) -> None:
    """Twilio says a free-form WhatsApp message came outside the 24-hour window (63016): the
    participant's window is over (unless they have written since it was sent), and a message
    whose purpose has an approved template goes again, as that template."""
    sent = db.session.execute(
        select(
            OutboundMessage.contact_id,
            OutboundMessage.purpose,
            OutboundMessage.body,
            OutboundMessage.conversation_id,
            OutboundMessage.claimed_at,
            OutboundMessage.hold_in_quiet_hours,
        ).where(OutboundMessage.id == message_id)
    ).first()
    if sent is None:
        return
    window_was_open = and_(Contact.id == sent.contact_id, Contact.whatsapp_seen_at.is_not(None))
    if sent.claimed_at is not None:  # not if they have written since it was sent
        window_was_open = and_(window_was_open, Contact.whatsapp_seen_at <= sent.claimed_at)
    closed = db.session.execute(
        update(Contact).where(window_was_open).values(whatsapp_seen_at=None)
    )
    # Only a free-form message goes again: once the window is closed here, the next message
    # goes as a template, and a template refused in turn is not sent round again.
    if _changed(closed) and sent.purpose.value in whatsapp_templates().by_purpose:
        enqueue(
            sent.contact_id,
            sent.body,
            sent.purpose,
            now,
            hold_in_quiet_hours=sent.hold_in_quiet_hours,
            conversation_id=sent.conversation_id,
        )


def _changed(result: Result[Any]) -> bool:
    """Whether an ``UPDATE`` changed a row."""
    return bool(cast(CursorResult[Any], result).rowcount)


def unsettled(now: datetime, lease: timedelta, limit: int = 100) -> list[ClaimedMessage]:
    """Messages whose fate must be asked of Twilio: left ``sending`` by a worker that stopped
    (its lease has run out), or ``unknown`` for a while with no status callback."""
    rows = db.session.execute(
        select(
            _outbox.c.id,
            _outbox.c.contact_id,
            _outbox.c.body,
            _outbox.c.attempts,
            _outbox.c.claimed_at,
            _outbox.c.status,
            _outbox.c.purpose,
            _outbox.c.choices,
        )
        .where(
            or_(
                and_(
                    _outbox.c.status == OutboxStatus.SENDING,
                    _outbox.c.claimed_at < now - lease,
                ),
                and_(
                    _outbox.c.status == OutboxStatus.UNKNOWN,
                    _outbox.c.claimed_at < now - UNKNOWN_CHECK_AFTER,
                ),
            )
        )
        .order_by(_outbox.c.claimed_at)
        .limit(limit)
    ).all()
    recipients = _recipients({row.contact_id for row in rows})
    found = []
    for row in rows:
        recipient = recipients.get(row.contact_id)
        if recipient is None:
            _settle(row.id, row.claimed_at, OutboxStatus.CANCELLED, now)
        else:
            found.append(_claimed(row, recipient, row.claimed_at))
    db.session.commit()
    return found


def _settle(
    message_id: int, claimed_at: datetime, status: OutboxStatus, now: datetime, **values: object
) -> None:
    """Change an unsettled message, unless someone else has settled it meanwhile."""
    db.session.execute(
        update(_outbox)
        .where(
            and_(
                _outbox.c.id == message_id,
                _outbox.c.claimed_at == claimed_at,
                _outbox.c.status.in_((OutboxStatus.SENDING, OutboxStatus.UNKNOWN)),
            )
        )
        .values(status=status, status_at=now, **values)
    )


def settle(message: ClaimedMessage, provider_sid: str | None, now: datetime) -> None:
    """What Twilio's records say of an unsettled message: it went (``provider_sid``), or it
    never reached Twilio and is queued to go again."""
    if provider_sid is not None:
        _settle(
            message.id,
            message.claimed_at,
            OutboxStatus.SENT,
            now,
            provider_sid=provider_sid,
            sent_at=now,
        )
    else:
        _settle(message.id, message.claimed_at, OutboxStatus.QUEUED, now, next_attempt_at=None)


def still_unknown(message: ClaimedMessage, now: datetime) -> None:
    """Twilio could not be asked: an orphaned ``sending`` message waits as ``unknown``."""
    _settle(message.id, message.claimed_at, OutboxStatus.UNKNOWN, now)
