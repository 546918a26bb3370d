"""The yearly summary for the partnership's business unit, as plain data: the sections each
area contributes (surveys, message flows, the safeguarding desk, the board's actions) and the
young people reached, for one reporting year (April to March, as the board's annual report
runs). Every figure in it has passed the disclosure gate before it arrives here.

Plain Python: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from changemakers import disclosure

FIRST_MONTH = 4  # the reporting year starts in April


@dataclass(frozen=True)
class ReportYear:
    """April ``start_year`` to March of the next: "2026/27"."""

    start_year: int

    @property
    def first_day(self) -> date:
        return date(self.start_year, FIRST_MONTH, 1)

    @property
    def after_last_day(self) -> date:
        return date(self.start_year + 1, FIRST_MONTH, 1)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{str(self.start_year + 1)[-2:]}"

    @property
    def span(self) -> str:
        return f"April {self.start_year} to March {self.start_year + 1}"

    def starts(self) -> datetime:
        return datetime(self.start_year, FIRST_MONTH, 1, tzinfo=UTC)

    def ends(self) -> datetime:
        return datetime(self.start_year + 1, FIRST_MONTH, 1, tzinfo=UTC)

    @classmethod
    def containing(cls, day: date) -> ReportYear:
        return cls(day.year if day.month >= FIRST_MONTH else day.year - 1)


@dataclass(frozen=True)
class Table:
    """A table to paste: its caption, its header and its rows of words and shown figures."""

    caption: str
    header: Sequence[str]
    rows: Sequence[Sequence[str | int]]


@dataclass(frozen=True)
class Reach:
    """Part of the young people reached, as the gate shows it (a count or "<10")."""

    label: str  # such as "phones that texted the service"
    count: int | str


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: Sequence[str] = ()
    tables: Sequence[Table] = ()
    reach: Sequence[Reach] = ()
    order: int = 50  # where it goes: lower first


@dataclass(frozen=True)
class Summary:
    year: ReportYear
    sections: Sequence[Section]
    threshold: int
    made_on: date
    reached: int | str = field(init=False)
    reach: Sequence[Reach] = field(init=False)

    def __post_init__(self) -> None:
        parts = [part for section in self.sections for part in section.reach]
        object.__setattr__(self, "reach", parts)
        object.__setattr__(self, "reached", young_people_reached(parts, self.threshold))


def young_people_reached(parts: Sequence[Reach], threshold: int) -> int | str:
    """The parts added up and rounded to the nearest ten ("about 740"); parts under the
    threshold add nothing that could be worked back. Under the threshold in all: "<10"."""
    shown = sum(part.count for part in parts if isinstance(part.count, int))
    if shown < threshold:
        return disclosure.hidden(threshold)
    return disclosure.rounded_total(shown)


def in_order(sections: Sequence[Section]) -> list[Section]:
    return sorted(sections, key=lambda section: (section.order, section.title))
