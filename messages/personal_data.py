"""What the SMS channel holds about a participant, for a subject access request and erasure
(``changemakers.subject_access``)."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from changemakers.extensions import db
from changemakers.subject_access.services import HeldItem, HeldSection, ParticipantData
from messages.models import Contact, Conversation, InboundMessage, OutboundMessage, OutboxStatus

_WAITING = (OutboxStatus.QUEUED, OutboxStatus.SENDING)


def describe(pseudonym: str) -> HeldSection:
    contact = db.session.scalars(select(Contact).where(Contact.pseudonym == pseudonym)).first()
    items: list[HeldItem] = []
    if contact:
        items += [
            HeldItem(
                "Phone number",
                "held encrypted, only to text you back; no member of staff can see it"
                if contact.number_encrypted
                else "not held",
            ),
            HeldItem("First texted us", "", contact.first_seen_at),
            HeldItem("Last texted us", "", contact.last_seen_at),
            HeldItem("Texts from us", "stopped (you texted STOP)" if contact.opted_out else "on"),
            HeldItem("News texts (UPDATES)", "on" if contact.wants_updates else "off"),
        ]
        conversations = db.session.scalars(
            select(Conversation)
            .where(Conversation.contact_id == contact.id)
            .order_by(Conversation.started_at)
        )
        for conversation in conversations:
            items.append(
                HeldItem(
                    "Conversation",
                    f"{conversation.kind} {conversation.ref or ''}".strip()
                    + (f", ended ({conversation.end_reason})" if conversation.ended_at else ""),
                    conversation.started_at,
                )
            )
            answers = (conversation.state or {}).get("answers") or {}
            items += [HeldItem("Your answer in it", str(answer)) for answer in answers.values()]
        later = db.session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.contact_id == contact.id)
            .order_by(OutboundMessage.due_at)
        )
        items += [
            HeldItem(
                "Text waiting to be sent" if row.status in _WAITING else "Text we sent you",
                row.body,
                row.due_at,
            )
            for row in later
        ]
    messages = db.session.scalars(
        select(InboundMessage)
        .where(InboundMessage.pseudonym == pseudonym)
        .order_by(InboundMessage.received_at)
    )
    items += [
        HeldItem(
            "Your text", row.body_redacted or "(its words are already deleted)", row.received_at
        )
        for row in messages
    ]
    return HeldSection(
        "Texts",
        items,
        "Your texts are kept with phone numbers, emails, postcodes and links taken out, and "
        "deleted after the retention period. If you stop texting, everything here is deleted "
        "after the contact retention period.",
    )


def erase(pseudonym: str) -> None:
    """The contact with its conversations and outbox (deleted with it), and the words of their
    texts and of the replies (which can quote them): the bare rows stay, unlinked, so a
    repeated MessageSid changes nothing."""
    db.session.execute(delete(Contact).where(Contact.pseudonym == pseudonym))
    db.session.execute(
        update(InboundMessage)
        .where(InboundMessage.pseudonym == pseudonym)
        .values(pseudonym=None, body_redacted=None, replies=[])
    )


SMS_DATA = ParticipantData("sms", describe, erase)
