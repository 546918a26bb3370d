"""Ending conversations: one, every open one of a contact, and those whose wait ran out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, update

from changemakers.extensions import db
from messages import conversations, statements
from messages.models import Contact, Conversation


def end_conversation(
    conversation_id: int, reason: str, state: dict[str, Any] | None, now: datetime
) -> None:
    """End one conversation, keeping its last ``state`` (if given) without its links."""
    connection, sql = statements.in_session()
    if state is None:
        connection.execute(
            sql.end_conversation,
            {"conversation_id": conversation_id, "reason": reason, "now": now},
        )
    else:
        connection.execute(
            sql.end_conversation_with_state,
            {
                "conversation_id": conversation_id,
                "reason": reason,
                "now": now,
                "final_state": conversations.without_links(state),
            },
        )


def end_open_conversations(contact_id: int, reason: str, now: datetime) -> None:
    """End every conversation of a contact that is still open."""
    connection, sql = statements.in_session()
    for row in connection.execute(sql.open_conversations, {"contact_id": contact_id}).all():
        end_conversation(row.id, reason, row.state, now)


def expire_conversations(now: datetime, batch: int = 500) -> int:
    """End conversations whose wait for a reply has run out, dropping their links (an SMS
    survey's response); the worker runs this, so none lingers for want of another message."""
    rows = db.session.execute(
        select(Conversation.id, Conversation.contact_id, Conversation.state)
        .where(and_(Conversation.ended_at.is_(None), Conversation.expires_at < now))
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        end_conversation(row.id, "expired", row.state, now)
    if rows:
        still_open = (
            select(Conversation.id)
            .where(and_(Conversation.contact_id == Contact.id, Conversation.ended_at.is_(None)))
            .exists()
        )
        db.session.execute(
            update(Contact)
            .where(and_(Contact.id.in_({row.contact_id for row in rows}), ~still_open))
            .values(in_conversation=False)
        )
    db.session.commit()
    return len(rows)
