"""A participant's messages and replies, oldest first, as staff and the phone simulator see them."""

from __future__ import annotations

from sqlalchemy import and_, select

from changemakers.alerts.services import ConversationLine
from changemakers.extensions import db
from messages.models import Contact, InboundMessage, OutboundMessage, OutboxStatus

_SHOWN_OUTBOX = (
    OutboxStatus.QUEUED,
    OutboxStatus.SENDING,
    OutboxStatus.SENT,
    OutboxStatus.DELIVERED,
    OutboxStatus.UNKNOWN,
)


def conversation_history(pseudonym: str, limit: int = 50) -> list[ConversationLine]:
    """The stored (redacted) messages from a participant, the replies, and what the outbox
    sent or will send them, oldest first."""
    inbound = db.session.scalars(
        select(InboundMessage)
        .where(InboundMessage.pseudonym == pseudonym)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .limit(limit)
    ).all()
    later = db.session.scalars(
        select(OutboundMessage)
        .join(Contact, Contact.id == OutboundMessage.contact_id)
        .where(and_(Contact.pseudonym == pseudonym, OutboundMessage.status.in_(_SHOWN_OUTBOX)))
        .order_by(OutboundMessage.due_at.desc(), OutboundMessage.id.desc())
        .limit(limit)
    ).all()
    lines: list[ConversationLine] = []
    for message in reversed(inbound):
        text = "(deleted)" if message.body_redacted is None else message.body_redacted
        lines.append(ConversationLine(message.received_at, True, text))
        lines.extend(
            ConversationLine(message.received_at, False, reply) for reply in message.replies
        )
    for sent in later:
        queued = sent.status is OutboxStatus.QUEUED
        lines.append(
            ConversationLine(
                sent.due_at if queued else sent.sent_at or sent.status_at, False, sent.body, queued
            )
        )
    return sorted(lines, key=lambda line: line.at)  # stable: a message stays before its replies
