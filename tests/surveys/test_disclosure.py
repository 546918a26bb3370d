"""Disclosure control: hand-worked tables, and for random tables, that nothing hidden can be
worked out from what is shown (checked here with linear algebra of our own)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.disclosure import one_way, two_way

THRESHOLD = 10


def test_a_small_count_is_hidden_with_the_next_smallest():
    counts = {"Red": 4, "Green": 30, "Blue": 25, "base": 59}
    # Red alone hidden would be 59 - 30 - 25: Blue (the smaller of the rest) goes too.
    assert one_way(counts, "base", THRESHOLD) == {"Red", "Blue"}


def test_a_zero_is_hidden_when_the_rule_needs_it():
    counts = {"Red": 3, "Green": 0, "Blue": 40, "base": 43}
    assert one_way(counts, "base", THRESHOLD) == {"Red", "Green"}


def test_nothing_is_hidden_when_every_count_is_big_enough():
    assert one_way({"Yes": 12, "No": 0, "base": 12}, "base", THRESHOLD) == set()


def test_a_cross_tab_hides_a_block_of_four():
    cells = {("a", "x"): 3, ("a", "y"): 20, ("b", "x"): 15, ("b", "y"): 30}
    hidden = two_way(cells, {"a": 23, "b": 45}, {"x": 18, "y": 50}, 68, THRESHOLD)
    assert ("a", "x") in hidden
    assert not _recoverable(cells, {"a": 23, "b": 45}, {"x": 18, "y": 50}, 68, hidden)


def _recoverable(cells, row_totals, column_totals, total, hidden) -> list:
    """Hidden entries fixed by the table's sums and the shown values."""
    keys = sorted(hidden, key=repr)
    if not keys:
        return []
    equations = [[(r, c) for c in column_totals] + [("row", r)] for r in row_totals] + [
        [(r, c) for r in row_totals] + [("col", c)] for c in column_totals
    ]
    equations += [[("row", r) for r in row_totals] + ["total"]]
    equations += [[("col", c) for c in column_totals] + ["total"]]
    system = []
    for equation in equations:
        signs = {key: (-1 if key == "total" or key[0] in ("row", "col") else 1) for key in equation}
        row = [signs.get(key, 0) for key in keys]
        if any(row):
            system.append(row)
    if not system:
        return []
    matrix = np.array(system, dtype=float)
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for n, key in enumerate(keys):
        unit = np.zeros(len(keys))
        unit[n] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(key)
    return found


tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda rows: st.integers(min_value=1, max_value=5).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(min_value=0, max_value=40), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_hidden_count_can_be_worked_out(grid):
    cells = {(r, c): v for r, row in enumerate(grid) for c, v in enumerate(row)}
    row_totals = {r: sum(row) for r, row in enumerate(grid)}
    column_totals = {c: sum(row[c] for row in grid) for c in range(len(grid[0]))}
    total = sum(row_totals.values())
    hidden = two_way(cells, row_totals, column_totals, total, THRESHOLD)
    if 0 < total < THRESHOLD:
        assert (
            "total" in hidden
            and len(hidden) == len(cells) + len(row_totals) + len(column_totals) + 1
        )
        return
    shown = {**cells, **{("row", r): v for r, v in row_totals.items()}}
    shown.update({("col", c): v for c, v in column_totals.items()})
    for key, value in shown.items():
        if 0 < value < THRESHOLD:
            assert key in hidden, f"{key}={value} shown"
    assert "total" not in hidden
    assert _recoverable(cells, row_totals, column_totals, total, hidden) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8))
def test_no_hidden_count_of_a_list_can_be_worked_out(values):
    counts = {n: v for n, v in enumerate(values)}
    base = sum(values)
    hidden = one_way({**counts, "base": base}, "base", THRESHOLD)
    if 0 < base < THRESHOLD:
        assert hidden == {*counts, "base"}  # too few answers: the whole list is hidden
        return
    assert all(n in hidden for n, v in counts.items() if 0 < v < THRESHOLD)
    assert len(hidden) != 1  # one hidden count would be the base minus the rest
