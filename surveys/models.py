"""Surveys, their versions, and anonymous responses.

A response never holds a contact reference, and its dates are days, not times. While an SMS
survey is in progress only the conversation's state links the participant to the response, and
the channel drops that link when the conversation ends. A participation record (survey and
pseudonym, no response) stops one phone answering twice.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from changemakers.database import string_enum, utcnow
from changemakers.extensions import Model
from changemakers.lifecycle import VersionedContent
from surveys.gate import new_record_key


class Survey(Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    keyword: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyVersion(VersionedContent, Model):
    """One version of a survey (``surveys.definition`` as plain data); answers belong to the
    version answered."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)


class Channel(enum.StrEnum):
    WEB = "web"
    SMS = "sms"


class SurveyResponse(Model):
    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("survey_versions.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[Channel] = mapped_column(string_enum(Channel, "survey_channel", length=8))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_on: Mapped[date]
    completed_on: Mapped[date | None]
    # Drawn where the response is made, whichever way it is inserted: the disclosure gate's
    # record key (``surveys.gate``), never shown.
    record_key: Mapped[int] = mapped_column(SmallInteger, default=new_record_key)


class SurveyParticipation(Model):
    """That a phone has answered a survey: no link to what it answered."""

    __tablename__ = "survey_participations"
    __table_args__ = (UniqueConstraint("survey_id", "pseudonym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    pseudonym: Mapped[str] = mapped_column(String(64))
    on: Mapped[date]


class Theme(Model):
    """A theme of the Changemakers' codebook for one free-text question, in their own words."""

    __tablename__ = "survey_themes"
    __table_args__ = (UniqueConstraint("survey_id", "question_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(80))


class Coding(Model):
    """One coder's reading of one free-text answer: the themes they found in it (none is a
    reading too: a row with no theme)."""

    __tablename__ = "survey_codings"
    __table_args__ = (UniqueConstraint("response_id", "question_id", "coder_id", "theme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(64))
    coder_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("survey_themes.id", ondelete="CASCADE"))


class QuoteStatus(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REFUSED = "refused"


class Quote(Model):
    """An answer a coder proposed to quote to the board, under one theme; shown only once a
    reviewer (not the coder) approved it.

        proposed ──approve (another reviewer)──▶ approved
            └──────refuse──────────────────────▶ refused
    """

    __tablename__ = "survey_quotes"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(64))
    theme_id: Mapped[int] = mapped_column(ForeignKey("survey_themes.id", ondelete="CASCADE"))
    proposed_by: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    reviewed_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    status: Mapped[QuoteStatus] = mapped_column(
        string_enum(QuoteStatus, "quote_status", length=16), default=QuoteStatus.PROPOSED
    )
