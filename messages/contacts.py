"""Contacts: the row a message is handled under, opting out, erasure, and key rotation."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select

from changemakers import privacy
from changemakers.alerts import services as alerts
from changemakers.extensions import db
from changemakers.languages import ENGLISH, known
from changemakers.subject_access import services as subject_access
from messages import outbox, statements, whatsapp
from messages.conversation_ends import end_open_conversations
from messages.models import Contact

log = logging.getLogger(__name__)


@dataclass
class ContactState:
    """The fields of a locked contact row that routing reads, and the replies already stored
    for the message being handled (``None`` unless it is a repeat)."""

    id: int
    opted_out: bool
    in_conversation: bool
    in_desk_thread: bool = False
    stored_replies: list[str] | None = None
    language: str = ENGLISH
    language_menu_open: bool = False


def lock_contact(
    pseudonym: str,
    number: str,
    now: datetime,
    message_sid: str = "",
    channel: str | None = None,
) -> ContactState:
    """The participant's contact row, made if new, seen now, and locked until the transaction
    ends, so two messages from one phone are handled one after the other. ``channel``: the
    channel a message just came on (``sms``, ``whatsapp``), remembered for replies; ``None``
    when the row is locked for anything else."""
    connection, sql = statements.in_session()
    row = connection.execute(
        sql.upsert_contact,
        {
            "pseudonym": pseudonym,
            "number_encrypted": privacy.encrypt_number(number),
            "now": now,
            "message_sid": message_sid,
            "channel": channel,
            "whatsapp_seen_at": now if channel == whatsapp.WHATSAPP else None,
        },
    ).one()
    return ContactState(
        row.id,
        row.opted_out,
        row.in_conversation,
        row.in_desk_thread,
        row.stored_replies,
        known(row.language),
        row.language_menu_open,
    )


def opt_out_participant(
    contact_id: int, pseudonym: str, now: datetime, in_desk_thread: bool = True
) -> None:
    """STOP: no more texts. The number goes, conversations end, whatever was waiting to be sent
    is cancelled, and the bodies of their messages are forgotten; the pseudonym stays so that
    nobody texts them again. ``in_desk_thread``: the contact's flag that a desk conversation
    may be open (when it is not, there is no thread to end)."""
    connection, sql = statements.in_session()
    connection.execute(sql.opt_out_contact, {"contact_id": contact_id, "now": now})
    end_open_conversations(contact_id, "opted_out", now)
    outbox.cancel_pending(contact_id, now)
    connection.execute(sql.forget_bodies, {"sender": pseudonym})
    if in_desk_thread:
        alerts.end_threads_of(pseudonym, "opted_out", now)


def opted_out_at_twilio(contact_id: int, now: datetime) -> None:
    """Twilio refused a message because the participant opted out there (error 21610)."""
    pseudonym = db.session.scalar(select(Contact.pseudonym).where(Contact.id == contact_id))
    if pseudonym is not None:
        opt_out_participant(contact_id, pseudonym, now)
        log.info("participant opted out at Twilio (error 21610); their messages are cancelled")


def erase_participant(pseudonym: str) -> None:
    """Everything linked to the pseudonym, in every area of the service (``subject_access``)."""
    subject_access.erase_everywhere(pseudonym)


def rotate_contact_key(batch_size: int = 500) -> int:
    """Re-encrypt every stored number under the newest ``CONTACT_KEY``, a batch per commit."""
    done = 0
    last_id = 0
    while True:
        batch = db.session.scalars(
            select(Contact)
            .where(and_(Contact.id > last_id, Contact.number_encrypted.is_not(None)))
            .order_by(Contact.id)
            .limit(batch_size)
            .with_for_update()
        ).all()
        if not batch:
            return done
        for contact in batch:
            contact.number_encrypted = privacy.reencrypt_number(contact.number_encrypted or b"")
        last_id = batch[-1].id
        done += len(batch)
        db.session.commit()
