"""The SMS channel's records: participants, inbound messages, keywords, conversations."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from changemakers.database import string_enum, utcnow
from changemakers.extensions import Model


class Contact(Model):
    """One participant, known by pseudonym. The number is held only encrypted, and only while
    we may text them: STOP removes it, DELETE removes the whole row."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    number_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    opted_out: Mapped[bool] = mapped_column(default=False)
    opted_out_at: Mapped[datetime | None]
    # True while a conversation may be active, so most messages need not look for one.
    in_conversation: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(8), default="en")
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class InboundStatus(enum.StrEnum):
    RECEIVED = "received"  # stored, not yet answered (the app stopped part-way: reconcile)
    HANDLED = "handled"


class InboundMessage(Model):
    """A message a participant sent, keyed by Twilio's ``MessageSid`` so a repeat is answered
    with the same reply and changes nothing. The body is stored redacted, and only for the
    retention period; the row (sid and reply) outlives it so repeats stay harmless."""

    __tablename__ = "inbound_messages"
    __table_args__ = (Index("ix_inbound_messages_pseudonym_received", "pseudonym", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    pseudonym: Mapped[str | None] = mapped_column(String(64))
    body_redacted: Mapped[str | None] = mapped_column(Text)
    num_media: Mapped[int] = mapped_column(default=0)
    status: Mapped[InboundStatus] = mapped_column(
        string_enum(InboundStatus, "inbound_status"), default=InboundStatus.RECEIVED
    )
    replies: Mapped[list[str]] = mapped_column(JSON, default=list)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    handled_at: Mapped[datetime | None]


class Keyword(Model):
    """A word that starts something: a fixed reply, or a conversation of a registered kind."""

    __tablename__ = "keywords"

    word: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    ref: Mapped[str | None] = mapped_column(String(64))
    reply: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Conversation(Model):
    """A participant's place in a flow or SMS survey. ``state`` belongs to the kind."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    ref: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    expires_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(32))
