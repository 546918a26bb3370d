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
    never_shown: frozenset[Key] = frozenset(),
) -> set[Key]:
    """The entries of a table to hide. ``always_shown`` (the base of a table) are never hidden,
    unless one of them is itself under the threshold: then the whole table is.

    ``never_shown`` are entries a reader can only work out through the equations (the counts
    outside a group, see ``within_group``): unknown from the start, and protected only where
    they are under the threshold, as every hidden entry is."""
    if any(0 < values[key] < threshold for key in always_shown):
        return set(values)
    small = {k for k, v in values.items() if 0 < v < threshold and k not in always_shown}
    hidden = small - never_shown
    while True:
        unknown = sorted(hidden | never_shown, key=repr)
        exposed = _exposed(unknown, equations, small | hidden)
        if not exposed:
            return hidden
        target = exposed[0]
        partners = {
            key
            for equation in equations
            if any(key == target for key, _ in equation)
            for key, _ in equation
        }
        hideable = [k for k in values if k not in hidden | always_shown | never_shown]
        candidates = [k for k in hideable if k in partners] or hideable
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
    be: ``suppress``, with the rest's counts (and everyone's hidden ones) never shown. A
    group or a rest smaller than the threshold hides the group's whole table. ``adds_up``: the
    counts add up to the base (one answer each; not so for multiple choice).
    """
    keys = list(group)
    whole = {key: group[key] + rest[key] for key in keys}
    whole_hidden = (
        one_way(whole, base_key, threshold)
        if adds_up
        else suppress(whole, [], threshold, frozenset({base_key}))
    )
    values: dict[Key, int] = {}
    for side, counts in (("group", group), ("rest", rest), ("whole", whole)):
        values.update({(side, key): counts[key] for key in keys})
    equations: list[Equation] = [
        [(("group", key), 1), (("rest", key), 1), (("whole", key), -1)] for key in keys
    ]
    if adds_up:
        for side in ("group", "rest"):
            equations.append(
                [((side, key), 1) for key in keys if key != base_key] + [((side, base_key), -1)]
            )
    shown_whole = {("whole", key) for key in keys if key not in whole_hidden}
    hidden = suppress(
        values,
        equations,
        threshold,
        always_shown=frozenset({("group", base_key), ("rest", base_key)} | shown_whole),
        never_shown=frozenset(
            {("rest", key) for key in keys if key != base_key}
            | {("whole", key) for key in whole_hidden}
        ),
    )
    return {key for side, key in hidden if side == "group"}
