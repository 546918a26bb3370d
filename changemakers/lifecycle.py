"""The life of content that young people will receive (message flows, surveys)::

    draft ──submit──▶ in review ──approve──▶ published ──a newer version published──▶ archived
      ▲                   │                     │
      └──return, with a───┘                     └──archive (taken out of use)──▶ archived
         comment

A published version never changes: an edit is a new draft. Nobody approves their own change.
The rules and the columns are here once: a domain's version model mixes in
``VersionedContent``, and its services call the transitions below, then add what the domain
needs (keywords, the audit log) and commit.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from changemakers.database import string_enum, utcnow


class ContentStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class VersionedContent:
    """The columns every version of content has (mixed into a domain's model)."""

    number: Mapped[int]
    status: Mapped[ContentStatus] = mapped_column(
        string_enum(ContentStatus, "content_status"), default=ContentStatus.DRAFT
    )
    content: Mapped[dict[str, Any]] = mapped_column(JSON)  # the domain's plain data
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    contributor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # all who changed it
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    review_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    archived_at: Mapped[datetime | None]


class LifecycleError(Exception):
    """A change the lifecycle does not allow; the message says why, for the person who tried."""


def check_edit(status: ContentStatus) -> None:
    if status is not ContentStatus.DRAFT:
        raise LifecycleError("Only a draft can be changed: start a new draft to edit this.")


def check_submit(status: ContentStatus, problems: list[str]) -> None:
    check_edit(status)
    if problems:
        raise LifecycleError("Fix these first: " + " ".join(problems))


def check_review(status: ContentStatus, contributors: Collection[int], reviewer_id: int) -> None:
    """Approving or returning: only work in review, and never by anyone who worked on it."""
    if status is not ContentStatus.IN_REVIEW:
        raise LifecycleError("Only a version sent for review can be approved or returned.")
    if reviewer_id in contributors:
        raise LifecycleError("Someone else must review a change you made.")


def check_archive(status: ContentStatus) -> None:
    if status is not ContentStatus.PUBLISHED:
        raise LifecycleError("Only the published version can be taken out of use.")


def edited_by(version: VersionedContent, content: dict[str, Any], editor_id: int) -> None:
    check_edit(version.status)
    version.content = content
    if editor_id not in version.contributor_ids:
        version.contributor_ids = [*version.contributor_ids, editor_id]


def submit(version: VersionedContent, problems: list[str], now: datetime) -> None:
    check_submit(version.status, problems)
    version.status = ContentStatus.IN_REVIEW
    version.submitted_at = now


def return_for_changes(version: VersionedContent, reviewer_id: int, comment: str) -> None:
    check_review(version.status, version.contributor_ids, reviewer_id)
    if not comment.strip():
        raise LifecycleError("Say what needs changing, so the author knows.")
    version.status = ContentStatus.DRAFT
    version.reviewer_id = reviewer_id
    version.review_comment = comment.strip()


def approve(
    version: VersionedContent,
    reviewer_id: int,
    problems: list[str],
    now: datetime,
    published_before: Iterable[VersionedContent],
) -> None:
    check_review(version.status, version.contributor_ids, reviewer_id)
    if problems:
        raise LifecycleError("It cannot go live: " + " ".join(problems))
    version.reviewer_id = reviewer_id
    publish(version, now, published_before)


def publish(
    version: VersionedContent, now: datetime, published_before: Iterable[VersionedContent]
) -> None:
    """Make ``version`` the live one; the one live before is archived (and kept)."""
    for old in published_before:
        if old is not version:
            old.status = ContentStatus.ARCHIVED
            old.archived_at = now
    version.status = ContentStatus.PUBLISHED
    version.published_at = now


def archive(version: VersionedContent, now: datetime) -> None:
    check_archive(version.status)
    version.status = ContentStatus.ARCHIVED
    version.archived_at = now
