"""What the service holds about one participant: shown for a subject access request, erased
on DELETE or when the participant has been silent too long.

Each area that keeps data linked to a pseudonym registers a ``ParticipantData`` with the app
(``register``), so the core can answer "what do you hold about me?" and erase it all without
knowing the areas. A young person texts MYDATA and gets a short reference (``issue_reference``);
they give it to staff, who look it up here. Staff never see, and never need, the number.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import delete, select

from changemakers.accounts.models import StaffUser
from changemakers.audit import services as audit
from changemakers.database import insert_for, utcnow
from changemakers.extensions import db
from changemakers.subject_access.models import DataReference

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
REFERENCE_LENGTH = 8


@dataclass(frozen=True)
class HeldItem:
    """One thing held, in words a young person would follow."""

    label: str
    detail: str
    at: datetime | None = None


@dataclass(frozen=True)
class HeldSection:
    title: str
    items: list[HeldItem] = field(default_factory=list)
    note: str = ""  # why it is held and for how long


@dataclass(frozen=True)
class ParticipantData:
    """One area's data about participants: how to describe it and how to erase it."""

    name: str
    describe: Callable[[str], HeldSection]
    erase: Callable[[str], None]


def register(app: Flask, part: ParticipantData) -> None:
    app.extensions.setdefault("participant_data", []).append(part)


def _parts() -> list[ParticipantData]:
    return current_app.extensions.get("participant_data", [])


def held_about(pseudonym: str) -> list[HeldSection]:
    return [part.describe(pseudonym) for part in _parts()]


def erase_everywhere(pseudonym: str) -> None:
    """Every area's data about the participant, in the caller's transaction."""
    for part in _parts():
        part.erase(pseudonym)


def format_reference(reference: str) -> str:
    """``K7PQ4D9X`` as it is easiest to read out: ``K7PQ-4D9X``."""
    return f"{reference[:4]}-{reference[4:]}"


def normalise_reference(typed: str) -> str:
    """What staff type ("k7pq 4d9x", "K7PQ-4D9X") as the stored reference."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def issue_reference(pseudonym: str) -> str:
    """The participant's reference (the same one each time they ask), in the caller's
    transaction. Two MYDATA texts at once still give one reference."""
    existing = _reference_of(pseudonym)
    if existing:
        return existing
    reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    insert = insert_for(db.session.get_bind().dialect.name)
    db.session.execute(
        insert(DataReference)
        .values(reference=reference, pseudonym=pseudonym, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["pseudonym"])
    )
    return _reference_of(pseudonym) or reference


def _reference_of(pseudonym: str) -> str | None:
    return db.session.scalar(
        select(DataReference.reference).where(DataReference.pseudonym == pseudonym)
    )


def find_pseudonym(typed_reference: str) -> str | None:
    return db.session.scalar(
        select(DataReference.pseudonym).where(
            DataReference.reference == normalise_reference(typed_reference)
        )
    )


def _describe_reference(pseudonym: str) -> HeldSection:
    row = db.session.scalars(
        select(DataReference).where(DataReference.pseudonym == pseudonym)
    ).first()
    items = [HeldItem("Reference", format_reference(row.reference), row.created_at)] if row else []
    return HeldSection(
        "Your MYDATA reference",
        items,
        "Kept so staff can find your data when you ask; deleted with it.",
    )


def _erase_reference(pseudonym: str) -> None:
    db.session.execute(delete(DataReference).where(DataReference.pseudonym == pseudonym))


REFERENCES = ParticipantData("references", _describe_reference, _erase_reference)


def look_up(typed_reference: str, staff: StaffUser) -> list[HeldSection] | None:
    """What is held for a reference (``None`` if there is no such reference); each look-up is
    in the audit log."""
    pseudonym = find_pseudonym(typed_reference)
    if pseudonym is None:
        return None
    sections = held_about(pseudonym)
    audit.record(
        staff, "subject_access.viewed", "data_reference", normalise_reference(typed_reference)
    )
    db.session.commit()
    return sections
