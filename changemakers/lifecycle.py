"""The life of content that young people will receive (message flows, surveys)::

    draft ──submit──▶ in review ──approve──▶ published ──a newer version published──▶ archived
      ▲                   │                     │
      └──return, with a───┘                     └──archive (taken out of use)──▶ archived
         comment

A published version never changes: an edit is a new draft. Nobody approves their own change.
The rules are here once, as plain functions; each domain's services apply them and write the
audit log.
"""

from __future__ import annotations

import enum
from collections.abc import Collection


class ContentStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


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
