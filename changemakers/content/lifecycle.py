"""The life of content that young people will receive (message flows, surveys)::

    draft ──submit──▶ in review ──approve──▶ published ──a newer version published──▶ archived
      ▲                   │                     │
      └──return, with a───┘                     └──archive (taken out of use)──▶ archived
         comment

A published version never changes: an edit is a new draft. Nobody approves their own change.
The rules, the columns and the transactions are here once: a domain's version model mixes in
``VersionedContent``, and its services make a ``Catalogue`` of it, saying what going live means
for that kind of content (a keyword that answers, a page that opens).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Text, and_, func, select
from sqlalchemy.orm import Mapped, mapped_column

from changemakers.accounts.models import StaffUser
from changemakers.audit import services as audit
from changemakers.content.editing import ContentProblems
from changemakers.database import string_enum, utcnow
from changemakers.extensions import db


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


class Catalogue:
    """The versions of one kind of content (flows, surveys) and the changes staff make to them,
    each in its own transaction and in the audit log.

    The domain says what it means for its kind: how to find its problems (``problems``), what
    else stops it going live but not going for review (``live_problems``, such as a helpline
    nobody has checked lately: a reviewer can put that right while it waits), what going live
    and coming out of use do besides the status (``went_live``, ``went_out``), and what to
    forget after a change (``changed``).
    """

    def __init__(
        self,
        label: str,
        model: type[Any],
        parent: str,
        problems: Callable[[Any], list[str]],
        went_live: Callable[[Any], None],
        went_out: Callable[[Any], None],
        changed: Callable[[], None],
        live_problems: Callable[[Any], list[str]] = lambda version: [],
    ) -> None:
        self.label = label
        self.model = model
        self.parent = parent  # the version's column naming what it is a version of
        self.problems = problems
        self.live_problems = live_problems
        self.went_live = went_live
        self.went_out = went_out
        self.changed = changed

    def _parent_id(self, version: Any) -> int:
        return int(getattr(version, self.parent))

    def _record(self, actor: StaffUser | None, action: str, version: Any, **details: Any) -> None:
        audit.record(
            actor,
            f"{self.label}.{action}",
            self.label,
            self._parent_id(version),
            version=version.number,
            **details,
        )

    def returned_to(self, person_id: int) -> list[Any]:
        """Drafts ``person_id`` worked on that a reviewer sent back, each with the reviewer's
        comment, the latest changed first."""
        drafts = self._versions(
            and_(self.model.status == ContentStatus.DRAFT, self.model.review_comment.is_not(None)),
            self.model.updated_at.desc(),
            self.model.id.desc(),
        )
        return [version for version in drafts if person_id in version.contributor_ids]

    def in_review_from(self, person_id: int) -> list[Any]:
        """Versions ``person_id`` worked on that wait for a reviewer, the longest waiting
        first."""
        return [version for version in self._in_review() if person_id in version.contributor_ids]

    def to_review_by(self, person_id: int) -> list[Any]:
        """Versions waiting for review that ``person_id`` may review: those they did not work
        on (nobody approves their own change), the longest waiting first."""
        return [
            version for version in self._in_review() if person_id not in version.contributor_ids
        ]

    def _in_review(self) -> list[Any]:
        return self._versions(
            self.model.status == ContentStatus.IN_REVIEW, self.model.submitted_at, self.model.id
        )

    def _versions(self, where: Any, *order: Any) -> list[Any]:
        """Versions matching ``where``, in ``order``. Who worked on one is a JSON list, which
        the databases search differently: callers sort people out in Python, among the few
        versions open for writing or review at a time."""
        return list(db.session.scalars(select(self.model).where(where).order_by(*order)))

    def published(self, parent_id: int) -> list[Any]:
        column = getattr(self.model, self.parent)
        return list(
            db.session.scalars(
                select(self.model).where(
                    and_(column == parent_id, self.model.status == ContentStatus.PUBLISHED)
                )
            )
        )

    def latest(self, parent_id: int) -> Any | None:
        column = getattr(self.model, self.parent)
        return db.session.scalar(
            select(self.model).where(column == parent_id).order_by(self.model.number.desc())
        )

    def new_version(
        self, parent_id: int, content: dict[str, Any], actor: StaffUser | None, action: str
    ) -> Any:
        """A draft of ``content``, numbered after the versions before it (not committed)."""
        column = getattr(self.model, self.parent)
        number = (
            db.session.scalar(select(func.max(self.model.number)).where(column == parent_id)) or 0
        ) + 1
        version = self.model(
            number=number,
            content=content,
            author_id=actor.id if actor else None,
            contributor_ids=[actor.id] if actor else [],
            **{self.parent: parent_id},
        )
        db.session.add(version)
        db.session.flush()
        self._record(actor, action, version)
        return version

    def save(self, version: Any, content: dict[str, Any], actor: StaffUser, what: str) -> None:
        edited_by(version, content, actor.id)
        self._record(actor, "edit", version, change=what)
        db.session.commit()

    def submit(self, version: Any, actor: StaffUser) -> None:
        submit(version, self.problems(version), utcnow())
        self._record(actor, "submit", version)
        db.session.commit()

    def approve(self, version: Any, actor: StaffUser) -> None:
        """Publish a version a reviewer has checked (never their own change)."""
        now = utcnow()
        found = self.problems(version) + self.live_problems(version)
        approve(version, actor.id, found, now, self.published(self._parent_id(version)))
        self.went_live(version)
        self._record(actor, "approve", version)
        db.session.commit()
        self.changed()

    def _checked(self, new_version: Callable[[], Any]) -> Any:
        """A new draft, made by ``new_version``, that has no problems; if it has any, nothing
        is kept and ``ContentProblems`` lists them all."""
        version = new_version()
        found = self.problems(version)
        if found:
            db.session.rollback()
            raise ContentProblems(found)
        return version

    def import_draft(self, new_version: Callable[[], Any]) -> Any:
        """A draft from a file, kept only if it has no problems."""
        version = self._checked(new_version)
        db.session.commit()
        return version

    def load_shipped(
        self, parent_id: int | None, content: dict[str, Any], new_version: Callable[[], Any]
    ) -> Any:
        """Shipped content (the demo's), live at once once it has no problems; left as it is
        when the same content is live already. ``new_version`` makes its draft (and what it
        is a version of, if new). The review dates of what it names (``live_problems``) are
        for a reviewer's approval: the demo loads with the directory it ships, and its pages
        show what is due for checking."""
        live_now = self.published(parent_id) if parent_id is not None else []
        if live_now and live_now[0].content == content:
            return live_now[0]
        version = self._checked(new_version)
        publish(version, utcnow(), self.published(self._parent_id(version)))
        self.went_live(version)
        self._record(None, "load", version)
        db.session.commit()
        self.changed()
        return version

    def return_for_changes(self, version: Any, actor: StaffUser, comment: str) -> None:
        return_for_changes(version, actor.id, comment)
        self._record(actor, "return", version)
        db.session.commit()

    def archive(self, version: Any, actor: StaffUser) -> None:
        """Take it out of use; what is running finishes on its version."""
        archive(version, utcnow())
        self.went_out(version)
        self._record(actor, "archive", version)
        db.session.commit()
        self.changed()
