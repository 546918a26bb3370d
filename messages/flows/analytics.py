"""Flow analytics, per version: how many conversations started, completed, expired or ended
with an opt-out, and how many reached each step. A plain function over plain rows; the
findings for the board apply disclosure control before showing any of it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class VersionFigures:
    version: int
    started: int = 0
    completed: int = 0
    expired: int = 0
    opted_out: int = 0
    in_progress: int = 0
    reached: Counter[str] = field(default_factory=Counter)
    # The sum of the record keys of the conversations behind each figure (by the field's name,
    # or a step's id for ``reached``), for the board's disclosure gate.
    keys: Counter[str] = field(default_factory=Counter)
    step_keys: Counter[str] = field(default_factory=Counter)


ENDINGS = {"completed": "completed", "expired": "expired", "opted_out": "opted_out"}


def summarise(
    conversations: Iterable[tuple[Mapping[str, Any], str | None, bool, int]],
    version_numbers: Mapping[int, int],
) -> list[VersionFigures]:
    """``conversations``: (state, end reason, ended, record key) of each flow conversation;
    ``version_numbers``: version id → its number. Newest version first."""
    figures: dict[int, VersionFigures] = {}
    for state, end_reason, ended, key in conversations:
        number = version_numbers.get(int(state.get("version", 0)))
        if number is None:
            continue
        version = figures.setdefault(number, VersionFigures(number))
        version.started += 1
        version.keys["started"] += key
        if not ended:
            version.in_progress += 1
            version.keys["in_progress"] += key
        elif end_reason in ENDINGS:
            setattr(version, ENDINGS[end_reason], getattr(version, ENDINGS[end_reason]) + 1)
            version.keys[ENDINGS[end_reason]] += key
        steps = set(state.get("path", []))
        version.reached.update(steps)
        version.step_keys.update(dict.fromkeys(steps, key))
    return sorted(figures.values(), key=lambda v: v.version, reverse=True)
