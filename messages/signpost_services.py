"""The signposting directory's changes: adding, editing and checking entries, each in its own
transaction and in the audit log. After each change this process forgets the directory it
keeps in memory, so the next message it sends uses the new words (other processes read it
again within seconds)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from changemakers import cache
from changemakers.accounts.models import StaffUser
from changemakers.audit import services as audit
from changemakers.extensions import db
from changemakers.office_hours import LONDON
from messages import signposting
from messages.models import Signpost
from messages.signposting import Entry

OBJECT_TYPE = "signpost"
EDITABLE = [f.name for f in fields(Entry) if f.name != "name"]  # a name never changes


class SignpostProblems(Exception):
    """An entry that cannot be saved as it is; ``problems`` says why, by field."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


def today() -> date:
    """Today in London, where review dates are kept."""
    return datetime.now(LONDON).date()


def entries() -> list[Signpost]:
    return list(db.session.scalars(select(Signpost).order_by(Signpost.name)))


def review_dates() -> dict[str, date]:
    """Each entry's review date, read now (not from the cache: publishing depends on it)."""
    rows = db.session.execute(select(Signpost.name, Signpost.review_by))
    return {row.name: row.review_by for row in rows}


def overdue_count(on: date | None = None) -> int:
    """How many entries are past their review date (on it counts as past)."""
    return (
        db.session.scalar(
            select(func.count()).select_from(Signpost).where(Signpost.review_by <= (on or today()))
        )
        or 0
    )


def _saved(signpost: Signpost, actor: StaffUser, action: str, **details: Any) -> None:
    audit.record(actor, action, OBJECT_TYPE, signpost.name, **details)
    db.session.commit()
    cache.forget_cached_tables()


def _as_json(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def create(entry: Entry, actor: StaffUser, on: date | None = None) -> Signpost:
    found = signposting.problems(entry, on or today(), new=True)
    if "name" not in found and db.session.get(Signpost, entry.name) is not None:
        found["name"] = _name_taken(entry.name)
    if found:
        raise SignpostProblems(found)
    signpost = Signpost(**asdict(entry))
    db.session.add(signpost)
    try:
        db.session.flush()
    except IntegrityError:  # added by someone else a moment ago
        db.session.rollback()
        raise SignpostProblems({"name": _name_taken(entry.name)}) from None
    _saved(
        signpost,
        actor,
        "signpost.created",
        **{name: _as_json(value) for name, value in asdict(entry).items() if name != "name"},
    )
    return signpost


def _name_taken(name: str) -> str:
    return f"There is already an entry called {{{name}}}: change that one, or choose another name."


def update(signpost: Signpost, entry: Entry, actor: StaffUser, on: date | None = None) -> bool:
    """Save a reviewer's edit; ``False`` when nothing was different. The name never changes:
    published messages use it."""
    entry = Entry(**{**asdict(entry), "name": signpost.name})
    found = signposting.problems(entry, on or today(), new=False)
    if found:
        raise SignpostProblems(found)
    changes = {
        name: {"from": _as_json(getattr(signpost, name)), "to": _as_json(getattr(entry, name))}
        for name in EDITABLE
        if getattr(signpost, name) != getattr(entry, name)
    }
    if not changes:
        return False
    for name in changes:
        setattr(signpost, name, getattr(entry, name))
    _saved(signpost, actor, "signpost.updated", changes=changes)
    return True


def mark_checked(signpost: Signpost, actor: StaffUser, on: date | None = None) -> date:
    """A reviewer has confirmed the entry is still right: its next review is
    ``CHECK_EVERY_MONTHS`` from today. The new review date."""
    checked_on = on or today()
    before = signpost.review_by
    signpost.review_by = signposting.next_review(checked_on)
    _saved(
        signpost,
        actor,
        "signpost.checked",
        checked_on=checked_on.isoformat(),
        review_by={"from": before.isoformat(), "to": signpost.review_by.isoformat()},
    )
    return signpost.review_by


def translate_shipped(translations: Mapping[str, Mapping[str, Mapping[str, str]]]) -> None:
    """Shipped translations of the shipped entries (the demo's), for an entry nobody has
    translated yet; a reviewer's own translations stay as they are."""
    for name, by_language in translations.items():
        signpost = db.session.get(Signpost, name)
        if signpost is not None and not signpost.translations:
            signpost.translations = {code: dict(fields) for code, fields in by_language.items()}
    db.session.commit()
    cache.forget_cached_tables()
