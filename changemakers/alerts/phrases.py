"""The phrase list in force: the newest one reviewers saved, or the shipped defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from changemakers import cache, safeguarding
from changemakers.accounts.models import StaffUser
from changemakers.alerts.models import PhraseList as SavedPhraseList
from changemakers.audit import services as audit
from changemakers.extensions import db
from changemakers.safeguarding import PhraseList

MAX_LINES = 2000
MAX_LINE_LENGTH = 200


@dataclass(frozen=True)
class PhraseListDraft:
    """A phrase list and its test set as reviewers edit them, one entry a line."""

    phrases: list[str]
    should_alert: list[str]
    should_not_alert: list[str]
    saved_at: datetime | None = None
    saved_by: str | None = None

    def check(self) -> safeguarding.PhraseListCheck:
        return safeguarding.check_phrase_list(
            self.phrases, self.should_alert, self.should_not_alert
        )


def lines(text: str) -> list[str]:
    """The non-blank lines of ``text``, trimmed, each once, in order."""
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def current() -> PhraseListDraft:
    row = db.session.scalars(select(SavedPhraseList).order_by(SavedPhraseList.id.desc())).first()
    if row is None:
        return PhraseListDraft(
            list(safeguarding.DEFAULT_PHRASES),
            list(safeguarding.DEFAULT_SHOULD_ALERT),
            list(safeguarding.DEFAULT_SHOULD_NOT_ALERT),
        )
    saved_by = db.session.get(StaffUser, row.saved_by_id) if row.saved_by_id else None
    return PhraseListDraft(
        row.phrases,
        row.should_alert,
        row.should_not_alert,
        row.saved_at,
        saved_by.email if saved_by else None,
    )


def phrase_list_in_force() -> PhraseList:
    """The compiled list every message is checked against, read at most every couple of
    seconds per process."""

    def read() -> PhraseList:
        newest = db.session.connection().scalar(select(func.max(SavedPhraseList.id)))
        if newest is None:
            return safeguarding.default_phrase_list()
        # A saved list never changes: its phrases are read and compiled once per process.
        compiled = cache.parsed_once(
            "phrase_lists",
            newest,
            lambda: db.session.connection().scalar(
                select(SavedPhraseList.phrases).where(SavedPhraseList.id == newest)
            ),
            PhraseList,
        )
        return compiled or safeguarding.default_phrase_list()

    return cache.read_fresh("phrase_list", read)


def save(draft: PhraseListDraft, reviewer: StaffUser | None) -> None:
    before = set(current().phrases)
    db.session.add(
        SavedPhraseList(
            phrases=draft.phrases,
            should_alert=draft.should_alert,
            should_not_alert=draft.should_not_alert,
            saved_by_id=reviewer.id if reviewer else None,
        )
    )
    after = set(draft.phrases)
    audit.record(
        reviewer,
        "phrases.saved",
        "phrase_list",
        phrases=len(after),
        added=sorted(after - before),
        removed=sorted(before - after),
    )
    db.session.commit()
    cache.forget_cached_tables()


def problems_with(draft: PhraseListDraft) -> list[str]:
    """What makes a list impossible to save (as opposed to a test it fails)."""
    problems = []
    if not draft.phrases:
        problems.append("The list needs at least one phrase.")
    if max(len(draft.phrases), len(draft.should_alert), len(draft.should_not_alert)) > MAX_LINES:
        problems.append(f"Keep each box to {MAX_LINES} lines.")
    long = [line for line in draft.phrases if len(line) > MAX_LINE_LENGTH]
    if long:
        problems.append(f"Keep phrases under {MAX_LINE_LENGTH} characters: {long[0][:40]}…")
    return problems
