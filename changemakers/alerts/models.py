"""Safeguarding alerts, the reviewers' replies to them, and the versions of the detector's rules.

An alert is never silently dropped. Its life::

    new ──pick up──▶ in_hand ──close──▶ closed
     │                  ▲
     └──────close───────┘ (closed straight away, with a note, e.g. a duplicate)

A reviewer may pick up an alert another holds (taking it over, e.g. at the end of a shift); the
audit log keeps who had it when. An alert still ``new`` after the target time in office hours is
overdue (``office_hours``).

Once a reviewer writes to the young person, the alert holds a two-way thread: their texts go to
the alert instead of the router (reserved keywords still work) until the thread ends::

    (no thread) ──reviewer writes──▶ open ──reviewer closes the alert──▶ ended "closed"
                                      │ ──quiet for ALERT_THREAD_QUIET_HOURS──▶ ended "quiet"
                                      │ ──young person texts STOP──▶ ended "opted_out"
                                      └ ──young person texts DELETE──▶ ended "deleted"

A text in an open thread that the detector flags raises no second alert: it flags this one
(``flagged_at``), and an immediate danger raises its severity.

It holds the redacted text and the participant's pseudonym (so a reviewer can see the
conversation and reply through the service), never the number. When a young person erases their
data, the alert loses its pseudonym but keeps the redacted text as the safeguarding record.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from changemakers.database import string_enum, utcnow
from changemakers.extensions import Model


class AlertStatus(enum.StrEnum):
    NEW = "new"
    IN_HAND = "in_hand"
    CLOSED = "closed"


class AlertSeverity(enum.StrEnum):
    """How soon a person must read an alert; the queue shows immediate danger first."""

    IMMEDIATE = "immediate"
    CONCERN = "concern"


class Alert(Model):
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    status: Mapped[AlertStatus] = mapped_column(
        string_enum(AlertStatus, "alert_status"), default=AlertStatus.NEW, index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    pseudonym: Mapped[str | None] = mapped_column(String(64), index=True)
    excerpt: Mapped[str] = mapped_column(Text)
    # Why the detector fired: the rules and the words they matched, as reviewers read them.
    matched: Mapped[list[str]] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(32), default="other_danger", index=True)
    severity: Mapped[AlertSeverity] = mapped_column(
        string_enum(AlertSeverity, "alert_severity"), default=AlertSeverity.CONCERN, index=True
    )
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    picked_up_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    close_note: Mapped[str | None] = mapped_column(Text)
    # The first reply to the young person (or the pick-up, where there is no way to reply):
    # the board's "time to first human response".
    first_response_at: Mapped[datetime | None]
    thread_opened_at: Mapped[datetime | None]
    thread_ended_at: Mapped[datetime | None]
    thread_end_reason: Mapped[str | None] = mapped_column(String(16))
    last_message_at: Mapped[datetime | None]  # the thread's latest text, either way
    awaiting_reply_since: Mapped[datetime | None]  # the young person wrote; no reviewer since
    acknowledged_at: Mapped[datetime | None]  # the latest out-of-hours acknowledgement
    flagged_at: Mapped[datetime | None]  # a text in the thread set the detector off again
    # The notifier: told the people on duty (or put in a digest), then escalated if not picked up.
    notified_at: Mapped[datetime | None] = mapped_column(index=True)
    escalated_at: Mapped[datetime | None]

    @property
    def thread_open(self) -> bool:
        return self.thread_opened_at is not None and self.thread_ended_at is None


class AlertReply(Model):
    """A reviewer's text to the young person who raised an alert, sent through the outbox.

    ``form_token`` comes from the reply form: the same form sent twice (a double click, two
    tabs) is one reply."""

    __tablename__ = "alert_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    outbox_id: Mapped[int | None]
    form_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ThreadMessage(Model):
    """A text in an alert's thread that is not a reviewer's reply: the young person's (redacted)
    or one the service sent by itself (the first reply, an acknowledgement, the closing text).
    Kept with the alert as the safeguarding record; the young person's go when they DELETE."""

    __tablename__ = "alert_thread_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    from_young_person: Mapped[bool]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OnDuty(Model):
    """A reviewer on the rota now: told at once of an immediate danger. With nobody on duty,
    every reviewer is told."""

    __tablename__ = "reviewers_on_duty"

    staff_user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
    )
    since: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationStatus(enum.StrEnum):
    """``queued ──sent──▶ sent``; a failed try stays ``queued`` with a later ``next_attempt_at``
    (SMTP down: the notification waits, it is never dropped)."""

    QUEUED = "queued"
    SENT = "sent"


class NotificationKind(enum.StrEnum):
    IMMEDIATE = "immediate"  # a new immediate-danger alert
    REMINDER = "reminder"  # still not picked up: the people on duty again, and the admins
    DIGEST = "digest"  # new alerts of concern, together


class Notification(Model):
    """One email to one member of staff about alerts; it holds a link, never the message."""

    __tablename__ = "alert_notifications"
    __table_args__ = (Index("ix_alert_notifications_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int | None] = mapped_column(
        ForeignKey("alerts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[NotificationKind] = mapped_column(
        string_enum(NotificationKind, "notification_kind")
    )
    recipient: Mapped[str] = mapped_column(String(254))
    count: Mapped[int] = mapped_column(default=1)  # alerts in a digest
    status: Mapped[NotificationStatus] = mapped_column(
        string_enum(NotificationStatus, "notification_status"), default=NotificationStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class RuleSetStatus(enum.StrEnum):
    """A version of the detector's rules::

    proposed ──approve (another reviewer)──▶ in_force ──a newer one approved──▶ superseded
       │
       └──return (with a note) or withdraw──▶ returned
    """

    PROPOSED = "proposed"
    IN_FORCE = "in_force"
    SUPERSEDED = "superseded"
    RETURNED = "returned"


class RuleSet(Model):
    """One version of the safeguarding detector's rules (the YAML text reviewers edit). With
    none in force, the shipped rules are. Nobody approves their own proposal."""

    __tablename__ = "safeguarding_rule_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[RuleSetStatus] = mapped_column(
        string_enum(RuleSetStatus, "rule_set_status"), default=RuleSetStatus.PROPOSED, index=True
    )
    summary: Mapped[str] = mapped_column(Text, default="")  # what the proposer changed and why
    evaluation: Mapped[dict] = mapped_column(JSON, default=dict)  # the corpus figures at saving
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
