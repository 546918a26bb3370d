"""Safeguarding alerts.

An alert is never silently dropped. Its life::

    new ──pick up──▶ in_hand ──close──▶ closed
     │                  ▲
     └──────close───────┘ (closed straight away, with a note, e.g. a duplicate)

It holds the redacted text and the participant's pseudonym (so a reviewer can see the
conversation and reply through the service), never the number. When a young person erases their
data, the alert loses its pseudonym but keeps the redacted text as the safeguarding record.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from changemakers.database import string_enum, utcnow
from changemakers.extensions import Model


class AlertStatus(enum.StrEnum):
    NEW = "new"
    IN_HAND = "in_hand"
    CLOSED = "closed"


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
    matched: Mapped[list[str]] = mapped_column(JSON, default=list)
