"""The SMS channel's records: participants, inbound messages, keywords, conversations, the
outbox, broadcasts, message flows, fixed replies and the signposting directory."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from changemakers.content.lifecycle import VersionedContent
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
    # True while a reviewer's conversation with them on the safeguarding desk may be open, so
    # most messages need not look for one.
    in_desk_thread: Mapped[bool] = mapped_column(default=False)
    wants_updates: Mapped[bool] = mapped_column(default=False)  # texted UPDATES: broadcasts
    # The channel they used last ("sms" or "whatsapp"): what the outbox replies on.
    channel: Mapped[str] = mapped_column(String(16), default="sms")
    # Their last message on WhatsApp: free-form messages may go for 24 hours after it.
    whatsapp_seen_at: Mapped[datetime | None]
    language: Mapped[str] = mapped_column(String(8), default="en")  # the one they chose
    # The language menu was the last thing sent them: a number now picks from it.
    language_menu_open: Mapped[bool] = mapped_column(default=False)
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
    # A fixed reply's translations, by language code (``changemakers.languages``)
    reply_translations: Mapped[dict[str, str] | None] = mapped_column(JSON)
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
    expires_at: Mapped[datetime | None] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(32))


class OutboxStatus(enum.StrEnum):
    """Where an outgoing message is::

        queued ──claimed──▶ sending ──Twilio took it──▶ sent ──callback──▶ delivered
          ▲  │                │  │                        │                 undelivered
          │  │                │  │                        └──callback──────▶ failed
          │  │                │  └─timeout, 5xx──▶ unknown ──callback──▶ sent / delivered / …
          │  │                │                      │
          └──┼── not processed (20429, refused) ◀────┘ (Twilio has no record of it, checked)
             │                └─final error (21610, 21211, …)──▶ failed
             └─STOP, DELETE, opted out──▶ cancelled

    On WhatsApp, a claimed message that may not go (outside the 24-hour window, and no approved
    template for it) goes straight to ``failed`` with error 63016, as Twilio would report it.
    A status callback only ever moves a message forwards, so callbacks may come late, out of
    order or twice. A worker that dies mid-send leaves its messages ``sending``; once their lease
    has run out the next worker asks Twilio whether each went, and only resends those that did
    not.
    """

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"


class OutboxPurpose(enum.StrEnum):
    FOLLOW_UP = "follow_up"  # a conversation's message after a delay
    BROADCAST = "broadcast"
    STAFF_REPLY = "staff_reply"
    LATE_REPLY = "late_reply"  # the reply to a message found by reconcile
    STAFF_ALERT = "staff_alert"  # to the staff on-call phone: an alert needs a person now
    BUTTONS = "buttons"  # WhatsApp quick-reply buttons for a menu just sent as numbered text


class OutboundMessage(Model):
    """A message not sent in the TwiML answer: written in the same transaction as the change
    that caused it, sent by ``changemakers worker``. See ``OutboxStatus`` for its life."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_due_at_id", "status", "due_at", "id"),  # claiming, in order
        Index("ix_outbox_contact_id_status", "contact_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="SET NULL"), index=True
    )
    purpose: Mapped[OutboxPurpose] = mapped_column(string_enum(OutboxPurpose, "outbox_purpose"))
    body: Mapped[str] = mapped_column(Text)
    # The options offered as WhatsApp quick-reply buttons (purpose ``buttons``).
    choices: Mapped[list[str] | None] = mapped_column(JSON)
    status: Mapped[OutboxStatus] = mapped_column(
        string_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.QUEUED
    )
    hold_in_quiet_hours: Mapped[bool] = mapped_column(default=True)
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]  # after a try Twilio did not process
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    provider_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    error_code: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    status_at: Mapped[datetime] = mapped_column(default=utcnow)


class BroadcastStatus(enum.StrEnum):
    """A broadcast's life::

    draft ──approved by another reviewer or admin──▶ approved ──send──▶ sending ──▶ sent
      │                                                │
      └──────────────────cancel────────────────────────┴──▶ cancelled
    """

    DRAFT = "draft"
    APPROVED = "approved"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"


class Broadcast(Model):
    """One message to every participant who asked for updates, written to the outbox in
    batches (``enqueued_through`` is the last contact id written, so an interrupted run goes
    on where it stopped)."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(Text)  # in English, and for anyone without a translation
    # The same news in other languages (code → text), each sent to the contacts of that language.
    translations: Mapped[dict[str, str] | None] = mapped_column(JSON)
    status: Mapped[BroadcastStatus] = mapped_column(
        string_enum(BroadcastStatus, "broadcast_status"), default=BroadcastStatus.DRAFT
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    send_requested_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    enqueued_through: Mapped[int] = mapped_column(default=0)
    recipients: Mapped[int] = mapped_column(default=0)


class Signpost(Model):
    """A service young people can turn to, inserted into messages by name (``{childline}``),
    so a changed number is changed once. Each entry is checked by its review date."""

    __tablename__ = "signposts"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(String(160))  # as it reads inside a message
    contact: Mapped[str] = mapped_column(String(80))  # its number or text code
    hours: Mapped[str] = mapped_column(String(80))
    audience: Mapped[str] = mapped_column(String(160))
    # ``text``, ``hours`` and ``audience`` in other languages: {"es": {"text": …}, …}
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
    review_by: Mapped[date]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Flow(Model):
    """A message flow, across its versions. ``keyword`` is its published version's."""

    __tablename__ = "flows"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    keyword: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FlowVersion(VersionedContent, Model):
    """One version of a flow; its life is drawn in ``changemakers.content.lifecycle``.
    ``content`` is the flow as plain data (``messages.flows.definition``), never changed once
    published."""

    __tablename__ = "flow_versions"
    __table_args__ = (UniqueConstraint("flow_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    flow_id: Mapped[int] = mapped_column(ForeignKey("flows.id", ondelete="CASCADE"), index=True)


class FixedReply(Model):
    """A keyword answered with one fixed text (HELLO, TIPS), across its versions. ``keyword``
    is its published version's; until one is published, its draft's."""

    __tablename__ = "fixed_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    keyword: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FixedReplyVersion(VersionedContent, Model):
    """One version of a fixed reply; its life is drawn in ``changemakers.content.lifecycle``.
    ``content`` is ``{"keyword": ..., "reply": ...}``, never changed once published."""

    __tablename__ = "fixed_reply_versions"
    __table_args__ = (UniqueConstraint("fixed_reply_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fixed_reply_id: Mapped[int] = mapped_column(
        ForeignKey("fixed_replies.id", ondelete="CASCADE"), index=True
    )
