"""The disclosure gate on its own: the perturbation table, cell keys, "<10", "withheld"."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from changemakers import disclosure
from changemakers.disclosure import Cell


@pytest.mark.parametrize("threshold", [5, 10])
def test_the_ptable_keeps_counts_on_their_side_of_the_threshold_within_the_noise(threshold):
    table = disclosure.perturbation_table(threshold)
    assert set(table["ckey"]) == set(range(disclosure.KEY_RANGE))
    after = table["pcv"] + table["pvalue"]
    small = table["pcv"] < threshold
    assert (table.loc[table["pcv"] == 0, "pvalue"] == 0).all()
    assert ((after[small] >= 0) & (after[small] < threshold)).all()
    assert (after[~small] >= threshold).all()
    assert table["pvalue"].abs().max() == disclosure.MAX_NOISE
    top = table[table["pcv"] == table["pcv"].max()]["pvalue"]
    assert abs(top.mean()) < 0.05  # away from the threshold, the noise averages about zero


def test_every_small_count_shown_as_hidden_could_be_two_counts_or_more():
    """A hidden count's perturbed value (used in means) never pins the true count."""
    table = disclosure.perturbation_table(10)
    table["after"] = table["pcv"] + table["pvalue"]
    small = table[table["pcv"] < 10]
    for after, rows in small.groupby("after"):
        assert rows["pcv"].nunique() >= 2, after


@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 10**6)), min_size=1))
def test_the_same_people_always_get_the_same_noise(cells):
    listed = [Cell(people, keys) for people, keys in cells]
    assert disclosure.perturb(listed, 10) == disclosure.perturb(list(reversed(listed)), 10)[::-1]
    for cell, shown in zip(listed, disclosure.perturb(listed, 10), strict=True):
        assert abs(shown - cell.people) <= disclosure.MAX_NOISE
        assert (shown < 10) == (cell.people < 10)


def test_a_cell_key_is_the_sum_of_its_records_keys_modulo_256():
    keys = [random.Random(n).randrange(256) for n in range(40)]
    cell = Cell(40, sum(keys))
    assert disclosure.perturb([cell], 10) == disclosure.perturb([Cell(40, sum(keys) % 256)], 10)
    noises = {disclosure.perturb([Cell(40, k)], 10)[0] - 40 for k in range(256)}
    assert noises == set(range(-disclosure.MAX_NOISE, disclosure.MAX_NOISE + 1))


def test_record_keys_are_drawn_from_0_to_255():
    drawn = {disclosure.new_record_key() for _ in range(5000)}
    assert drawn == set(range(256))


def one_way(counts: list[int]) -> disclosure.Protected:
    return disclosure.one_way(
        {n: Cell(c, 7 * n + c) for n, c in enumerate(counts)}, Cell(sum(counts), 99), 10
    )


def test_a_small_count_zeros_included_is_hidden_and_cannot_be_worked_out():
    alone = one_way([4, 30, 40])  # the small one, and the next smallest withheld with it
    assert alone.show(0) == "<10"
    assert alone.show(1) == disclosure.WITHHELD and isinstance(alone.show(2), int)
    with_zero = one_way([4, 0, 30, 40])  # a zero is hidden too, and covers it
    assert [with_zero.show(n) for n in range(2)] == ["<10", "<10"]
    assert all(isinstance(with_zero.show(n), int) for n in (2, 3))


def test_a_withheld_count_is_never_under_the_threshold():
    shown = one_way([3, 12, 11, 200])
    assert shown.show(0) == "<10"
    withheld = [n for n in range(4) if shown.show(n) == disclosure.WITHHELD]
    assert withheld == [2]


def test_percentages_come_from_the_shown_counts():
    shown = one_way([20, 30, 50])
    assert shown.percent(0, "total") == round(100 * shown.count(0) / shown.count("total"))
    assert one_way([4, 30, 40]).percent(0, "total") is None


def test_a_median_of_too_few_figures_is_withheld():
    assert disclosure.median_of([3.0] * 9, 10) is None
    assert disclosure.median_of([1.0, 2.0, 4.0, 5.0, 100.0] * 2, 10) == 4.0
