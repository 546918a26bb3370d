"""Broadcasts: news to every participant who texted UPDATES. Drawn in ``models.BroadcastStatus``.

A reviewer or admin writes one; another reviewer or admin approves it (nobody approves their
own); then either sends it. The worker writes it to the outbox in batches, each batch one
short transaction, so a broadcast to a hundred thousand people never holds a lock for long and
an interrupted run goes on where it stopped.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    case,
    func,
    insert,
    literal,
    select,
    text,
)

from changemakers.accounts.models import StaffUser
from changemakers.announcements import Announcement
from changemakers.audit import services as audit
from changemakers.database import UTCDateTime, utcnow
from changemakers.extensions import db
from changemakers.languages import ENGLISH
from messages import outbox
from messages.models import (
    Broadcast,
    BroadcastStatus,
    Contact,
    OutboundMessage,
    OutboxPurpose,
    OutboxStatus,
)

MAX_LENGTH = 320  # two SMS
BATCH_SIZE = 5000


class BroadcastError(Exception):
    """A broadcast cannot change like that; the message says why, for the person who tried."""


def recipients() -> int:
    """How many participants a broadcast sent now would reach."""
    return db.session.scalar(select(func.count(Contact.id)).where(_reachable())) or 0


def _reachable(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return and_(
        Contact.wants_updates.is_(True),
        Contact.opted_out.is_(False),
        Contact.number_encrypted.is_not(None),
        *conditions,
    )


def create(body: str, actor: StaffUser) -> Broadcast:
    body = body.strip()
    if not body:
        raise BroadcastError("Write the message first.")
    if len(body) > MAX_LENGTH:
        raise BroadcastError(f"Keep it to {MAX_LENGTH} characters (two texts).")
    broadcast = Broadcast(body=body, created_by_id=actor.id)
    db.session.add(broadcast)
    db.session.flush()
    audit.record(actor, "broadcast.create", "broadcast", broadcast.id, length=len(body))
    db.session.commit()
    return broadcast


def draft_announcement(announcement: Announcement, actor: StaffUser) -> None:
    """News from another area (a survey's results page) as a draft broadcast in the caller's
    transaction, in each language it is written in. Written by the service, not by a person,
    so any reviewer or admin may approve it; ``actor`` made the change it announces."""
    texts = dict(announcement.texts)
    body = texts.pop(ENGLISH)
    broadcast = Broadcast(body=body, translations=texts or None, created_by_id=None)
    db.session.add(broadcast)
    db.session.flush()
    audit.record(actor, "broadcast.create", "broadcast", broadcast.id, about=announcement.about)


def _body_for_contact(broadcast: Broadcast) -> ColumnElement[str]:
    """Each contact's text: in their language where the broadcast has it, else the body."""
    if not broadcast.translations:
        return literal(broadcast.body)
    return case(
        *(
            (Contact.language == language, literal(text))
            for language, text in sorted(broadcast.translations.items())
        ),
        else_=literal(broadcast.body),
    )


def approve(broadcast: Broadcast, actor: StaffUser) -> None:
    if broadcast.status is not BroadcastStatus.DRAFT:
        raise BroadcastError("Only a draft can be approved.")
    if broadcast.created_by_id == actor.id:
        raise BroadcastError("Someone else must approve a broadcast you wrote.")
    broadcast.status = BroadcastStatus.APPROVED
    broadcast.approved_by_id = actor.id
    broadcast.approved_at = utcnow()
    audit.record(actor, "broadcast.approve", "broadcast", broadcast.id)
    db.session.commit()


def send(broadcast: Broadcast, actor: StaffUser) -> None:
    """Ask the worker to send an approved broadcast."""
    if broadcast.status is not BroadcastStatus.APPROVED:
        raise BroadcastError("Only an approved broadcast can be sent.")
    broadcast.status = BroadcastStatus.SENDING
    broadcast.send_requested_at = utcnow()
    audit.record(actor, "broadcast.send", "broadcast", broadcast.id, reach=recipients())
    db.session.commit()


def cancel(broadcast: Broadcast, actor: StaffUser) -> None:
    if broadcast.status not in (BroadcastStatus.DRAFT, BroadcastStatus.APPROVED):
        raise BroadcastError("A broadcast being sent or sent cannot be cancelled.")
    broadcast.status = BroadcastStatus.CANCELLED
    broadcast.finished_at = utcnow()
    audit.record(actor, "broadcast.cancel", "broadcast", broadcast.id)
    db.session.commit()


def enqueue_next_batch(now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Write the next batch of one broadcast being sent into the outbox and commit; the number
    of messages written (0 when there is nothing to do). Several workers may call it: each
    batch is taken under a lock on the broadcast."""
    broadcast = db.session.scalars(
        select(Broadcast)
        .where(Broadcast.status == BroadcastStatus.SENDING)
        .order_by(Broadcast.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if broadcast is None:
        db.session.rollback()
        return 0
    batch = (
        select(Contact.id)
        .where(_reachable(Contact.id > broadcast.enqueued_through))
        .order_by(Contact.id)
        .limit(batch_size)
        .subquery()
    )
    written, last = db.session.execute(select(func.count(), func.max(batch.c.id))).one()
    if last is None:
        broadcast.status = BroadcastStatus.SENT
        broadcast.finished_at = now
        db.session.commit()
        _refresh_statistics()
        return 0
    due = outbox.quiet_hours().next_allowed(now)
    table = cast(Table, OutboundMessage.__table__)
    rows = select(
        Contact.id,
        literal(broadcast.id),
        literal(OutboxPurpose.BROADCAST.value),
        _body_for_contact(broadcast),
        literal(OutboxStatus.QUEUED.value),
        literal(True),
        literal(due, UTCDateTime()),
        literal(0),
        literal(now, UTCDateTime()),
        literal(now, UTCDateTime()),
    ).where(_reachable(Contact.id > broadcast.enqueued_through, Contact.id <= last))
    db.session.execute(
        insert(table).from_select(
            [
                "contact_id",
                "broadcast_id",
                "purpose",
                "body",
                "status",
                "hold_in_quiet_hours",
                "due_at",
                "attempts",
                "created_at",
                "status_at",
            ],
            rows,
        )
    )
    first_batch = broadcast.recipients == 0
    broadcast.enqueued_through = last
    broadcast.recipients += written
    db.session.commit()
    if first_batch:
        _refresh_statistics()
    return written


def _refresh_statistics() -> None:
    """Tell PostgreSQL's planner the outbox has just grown by thousands of rows, so the
    workers' claim keeps using its index rather than a plan made for an empty table."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE outbox"))
        db.session.commit()
