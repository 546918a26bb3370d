"""Disclosure control: which counts of a table must be hidden so that no young person can be
picked out, and no hidden count worked out from what is shown.

Primary suppression hides every count above zero and under the threshold. Secondary
suppression then hides more entries (zeros too, where needed) until no hidden entry can be
derived from the table's totals: the table's sums are linear equations, and a hidden entry is
exposed exactly when it is fixed by the equations and the shown values, which a rank test
decides. Plain functions over plain data (numpy for the ranks).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

Key = Any  # any hashable: an answer, a (row, column) pair, ("row", r)
# An equation: the entries it adds up, with their signs (a row: cells +1, its total -1).
Equation = Sequence[tuple[Key, int]]


def _exposed(
    hidden: list[Key], equations: Sequence[Equation], among: Collection[Key] | None = None
) -> list[Key]:
    """Hidden entries (of ``among``, if given) whose value the equations fix, given every
    shown value."""
    if not hidden:
        return []
    index = {key: n for n, key in enumerate(hidden)}
    rows = []
    for equation in equations:
        row = np.zeros(len(hidden))
        for key, sign in equation:
            if key in index:
                row[index[key]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return []
    system = np.array(rows)
    rank = np.linalg.matrix_rank(system)
    exposed = []
    for key, n in index.items():
        if among is not None and key not in among:
            continue
        unit = np.zeros(len(hidden))
        unit[n] = 1
        if np.linalg.matrix_rank(np.vstack([system, unit])) == rank:
            exposed.append(key)
    return exposed


def suppress(
    values: Mapping[Key, int],
    equations: Sequence[Equation],
    threshold: int,
    always_shown: frozenset[Key] = frozenset(),
) -> set[Key]:
    """The entries of a table to hide. ``always_shown`` (the base of a table) are never hidden,
    unless one of them is itself under the threshold: then the whole table is."""
    if any(0 < values[key] < threshold for key in always_shown):
        return set(values)
    hidden = {k for k, v in values.items() if 0 < v < threshold and k not in always_shown}
    while True:
        exposed = _exposed(sorted(hidden, key=repr), equations)
        if not exposed:
            return hidden
        target = exposed[0]
        partners = {
            key
            for equation in equations
            if any(key == target for key, _ in equation)
            for key, _ in equation
        }
        candidates = [k for k in partners if k not in hidden and k not in always_shown]
        if not candidates:
            candidates = [k for k in values if k not in hidden and k not in always_shown]
        if not candidates:
            return hidden | {target}  # nothing left to hide beside it: cannot happen with a base
        hidden.add(min(candidates, key=lambda k: (values[k], repr(k))))


def one_way(counts: Mapping[Key, int], total_key: Key, threshold: int) -> set[Key]:
    """A list of counts that add up to a shown total (the base)."""
    equation = [(k, 1) for k in counts if k != total_key] + [(total_key, -1)]
    return suppress(counts, [equation], threshold, frozenset({total_key}))


def two_way(
    cells: Mapping[tuple[Key, Key], int],
    row_totals: Mapping[Key, int],
    column_totals: Mapping[Key, int],
    total: int,
    threshold: int,
) -> set[Key]:
    """A cross-tab with its row, column and overall totals. Keys of the result: ``(row, col)``
    for cells, ``("row", r)`` and ``("col", c)`` for totals."""
    values: dict[Key, int] = dict(cells)
    values.update({("row", r): v for r, v in row_totals.items()})
    values.update({("col", c): v for c, v in column_totals.items()})
    values["total"] = total
    equations: list[Equation] = []
    for r in row_totals:
        equations.append([((r, c), 1) for c in column_totals] + [(("row", r), -1)])
    for c in column_totals:
        equations.append([((r, c), 1) for r in row_totals] + [(("col", c), -1)])
    equations.append([(("row", r), 1) for r in row_totals] + [("total", -1)])
    equations.append([(("col", c), 1) for c in column_totals] + [("total", -1)])
    return suppress(values, equations, threshold, frozenset({"total"}))


def within_group(
    group: Mapping[Key, int],
    rest: Mapping[Key, int],
    base_key: Key,
    threshold: int,
    adds_up: bool = True,
) -> set[Key]:
    """The entries to hide in a table for one group (an age band, say) while the same table
    for everyone is shown too.

    Everyone's count is the group's plus the rest's. The rest's counts are never shown, but a
    reader holding both tables can work some out, so the group's entries are hidden until no
    small count (the group's, the rest's or everyone's) and no hidden entry of the group can
    be: the same rank test as ``suppress``, with the rest's counts unknown to the reader. A
    group or a rest smaller than the threshold hides the group's whole table. ``adds_up``: the
    counts add up to the base (one answer each; not so for multiple choice).
    """
    keys = list(group)
    if any(0 < counts[base_key] < threshold for counts in (group, rest)):
        return set(keys)
    whole = {key: group[key] + rest[key] for key in keys}
    whole_hidden = (
        one_way(whole, base_key, threshold)
        if adds_up
        else suppress(whole, [], threshold, frozenset({base_key}))
    )
    equations: list[Equation] = [
        [(("group", key), 1), (("rest", key), 1), (("whole", key), -1)] for key in keys
    ]
    if adds_up:
        for side in ("group", "rest"):
            equations.append(
                [((side, key), 1) for key in keys if key != base_key] + [((side, base_key), -1)]
            )
    small = {
        (side, key)
        for side, counts in (("group", group), ("rest", rest), ("whole", whole))
        for key in keys
        if 0 < counts[key] < threshold
    }
    hidden = {key for key in keys if ("group", key) in small}
    unknown = {("rest", key) for key in keys} | {("whole", key) for key in whole_hidden}
    while True:
        unknowns = unknown | {("group", key) for key in hidden}
        protected = small | {("group", key) for key in hidden}
        exposed = _exposed(sorted(unknowns, key=repr), equations, protected)
        if not exposed:
            return hidden
        target = exposed[0]
        partners = {
            key
            for equation in equations
            if any(entry == target for entry, _ in equation)
            for (side, key), _ in equation
            if side == "group"
        }
        shown = [key for key in keys if key not in hidden and key != base_key]
        candidates = [key for key in shown if key in partners] or shown
        if not candidates:
            return set(keys)
        hidden.add(min(candidates, key=lambda key: (group[key], repr(key))))
