"""Disclosure control: hand-worked tables, and for random tables, that nothing hidden can be
worked out from what is shown (checked here with linear algebra of our own)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.disclosure import one_way, two_way, within_group

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


# One group's table beside everyone's ----------------------------------------------------------


def test_a_group_table_never_gives_away_the_few_outside_it():
    """Everyone: A 20, B 30. The 14-15s: A 15, B 20. Shown as it stands, the group's A would
    tell anyone holding both tables that 5 people outside it chose A."""
    group = {"A": 15, "B": 20, "base": 35}
    rest = {"A": 5, "B": 10, "base": 15}
    assert within_group(group, rest, "base", THRESHOLD) == {"A", "B"}
    assert one_way(group, "base", THRESHOLD) == set()  # on its own it looked safe


def test_a_group_with_few_outside_it_shows_nothing():
    group = {"A": 40, "B": 50, "base": 90}
    rest = {"A": 2, "B": 1, "base": 3}
    assert within_group(group, rest, "base", THRESHOLD) == {"A", "B", "base"}


def test_big_groups_on_both_sides_hide_nothing_more():
    group = {"A": 15, "B": 20, "base": 35}
    rest = {"A": 25, "B": 30, "base": 55}
    assert within_group(group, rest, "base", THRESHOLD) == set()


def test_multiple_choice_counts_are_protected_one_by_one():
    group = {"A": 15, "B": 30, "base": 35}  # several answers each: no column sums
    rest = {"A": 4, "B": 30, "base": 40}
    assert within_group(group, rest, "base", THRESHOLD, adds_up=False) == {"A"}


def _unknown_after_showing(group, rest, shown_group, shown_whole, adds_up):
    """The rest's and the group's entries a reader cannot work out, given the group's shown
    entries and everyone's shown entries (everyone = group + rest)."""
    keys = list(group)
    unknowns = [("g", k) for k in keys if k not in shown_group] + [("r", k) for k in keys]
    index = {u: n for n, u in enumerate(unknowns)}
    system = []
    for key in keys:  # group + rest = everyone, where everyone's entry is shown
        if key in shown_whole:
            row = np.zeros(len(unknowns))
            for side in ("g", "r"):
                if (side, key) in index:
                    row[index[side, key]] = 1
            system.append(row)
    if adds_up:
        for side in ("g", "r"):
            row = np.zeros(len(unknowns))
            for key in keys:
                if (side, key) in index:
                    row[index[side, key]] = -1 if key == "base" else 1
            system.append(row)
    matrix = np.array(system) if system else np.zeros((1, len(unknowns)))
    rank = np.linalg.matrix_rank(matrix)
    determined = set()
    for unknown, n in index.items():
        unit = np.zeros(len(unknowns))
        unit[n] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            determined.add(unknown)
    return determined


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(0, 40), min_size=2, max_size=5),
    st.lists(st.integers(0, 40), min_size=2, max_size=5),
)
def test_no_small_count_outside_the_group_can_be_worked_out(group_cells, rest_cells):
    size = min(len(group_cells), len(rest_cells))
    group = {f"a{n}": v for n, v in enumerate(group_cells[:size])}
    rest = {f"a{n}": v for n, v in enumerate(rest_cells[:size])}
    group["base"], rest["base"] = sum(group.values()), sum(rest.values())
    whole = {k: group[k] + rest[k] for k in group}
    hidden = within_group(group, rest, "base", THRESHOLD)
    shown_group = {k for k in group if k not in hidden}
    shown_whole = set(group) - one_way(whole, "base", THRESHOLD)
    determined = _unknown_after_showing(group, rest, shown_group, shown_whole, adds_up=True)
    for key, value in rest.items():
        if 0 < value < THRESHOLD and key != "base" and "base" not in hidden:
            assert ("r", key) not in determined, (group, rest, hidden)
    for key in hidden:
        if 0 < group[key] < THRESHOLD:
            assert ("g", key) not in determined, (group, rest, hidden)
