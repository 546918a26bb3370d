"""Surveys, their versions, and anonymous responses.

Anonymous against someone holding the database and its keys: nothing that knows a phone shares
an id, an order, a time finer than the day or a physical position with a response. Answers in
progress live in the SMS conversation's state (or the web session); a finished response waits in
its survey's mixing pool (one row, the responses inside it in random order) and joins
``survey_responses`` in a batch of at least the suppression threshold (or the next day), in
random order, with a random id and its days only. A participation (a keyed token of survey and
phone, nothing more) stops one phone answering twice.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from changemakers.content.lifecycle import VersionedContent
from changemakers.database import string_enum, utcnow
from changemakers.disclosure import new_record_key
from changemakers.extensions import Model


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


RANDOM_ID_BITS = 53  # exact in JSON and JavaScript


def random_response_id() -> int:
    """A response's id: random, so that ids say nothing of when or in what order it came."""
    return secrets.randbits(RANDOM_ID_BITS) or 1


class SurveyResponse(Model):
    """A completed response, as released from the mixing pool (``surveys.pool``). On SQLite the
    id is the rowid, so rows are also stored in the order of their random ids."""

    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=False,
        default=random_response_id,
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("survey_versions.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[Channel] = mapped_column(string_enum(Channel, "survey_channel", length=8))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_on: Mapped[date]
    completed_on: Mapped[date | None]
    # Drawn where the response is made, whichever way it is inserted: the disclosure gate's
    # record key (``changemakers.disclosure``), never shown.
    record_key: Mapped[int] = mapped_column(SmallInteger, default=new_record_key)
    # Sent from the staff's phone simulator: kept apart, never counted in findings.
    is_test: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The language a web survey was read in, as a code ("es"); NULL for an SMS survey (the
    # contact row holds the phone's language: sharing it would help link the two) and before
    # languages were offered. Choices are stored as the option, never its words, so answers
    # pool across languages; coders see the language of each free-text answer.
    language: Mapped[str | None] = mapped_column(String(8))


class SurveyPool(Model):
    """A survey's finished responses waiting to join ``survey_responses``: one row a survey,
    its ``responses`` a list in random order (each came in at a random place), so neither
    row nor list order says who finished when. ``waiting`` and ``oldest_day`` tell the worker
    when a batch is due."""

    __tablename__ = "survey_pools"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    responses: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    waiting: Mapped[int] = mapped_column(default=0)
    oldest_day: Mapped[date | None]


class SurveyParticipation(Model):
    """That a phone has answered a survey: a keyed token of the survey and the phone
    (``privacy.participation_token``), with no link to what it answered. Kept after DELETE,
    so that erasing one's data is not a way to answer twice; goes with the survey."""

    __tablename__ = "survey_participations"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
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
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("survey_responses.id", ondelete="CASCADE"),
        index=True,
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
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("survey_responses.id", ondelete="CASCADE"),
        index=True,
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


class SubmissionToken(Model):
    """A web survey's one-time permission to send, as the server keeps it once the send has
    spent it. It is made when a visitor starts, in their signed cookie (so starting writes
    nothing here); a replayed send (the same saved cookie) finds it spent and stores nothing.
    A signed cookie is refused after ``PERMANENT_SESSION_LIFETIME`` (8 hours), so a spent
    token need not be kept longer than a day or two (``surveys.retention``)."""

    __tablename__ = "survey_submission_tokens"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    spent_on: Mapped[date]
