"""The disclosure gate: every number the board sees passes through here.

The method is cell key perturbation, as the Office for National Statistics used it for the
2021 Census (and publishes as the ``cell-key-perturbation`` Python package, MIT licence): every
record (a survey response) carries a random record key from 0 to 255, given when it is made and
never shown; a cell of a table (the people who gave one answer, say, among 14 to 15 year-olds)
has as its cell key the sum of its records' keys modulo 256; and a perturbation table (the
*ptable*) gives, for the cell's count and its cell key, a small amount of noise to add. The
same people always make the same cell key, so a cell gets the same noise in every table, page,
filter and download that shows it: asking again, or taking one view from another, tells nothing
new. The ONS package tabulates microdata held in memory, one table at a time, with its ptable
(which rounds to base 5 rather than adding noise keyed on the cell); here the database counts
100,000 responses in one pass with the sums of their keys, so the method is implemented over
those counts with pandas and numpy, with this service's own ptable (``perturbation_table``).

On top of the noise, as the ONS did with its threshold:

- a cell whose count is under the threshold (default 10), a zero included, is shown as "<10";
  the ptable keeps such counts under the threshold and larger ones at or above it, so "<10"
  says exactly that the true count is under the threshold, and a zero cannot be told apart
  from a small count;
- a cell hidden only so that a hidden small count cannot be worked out from the totals around
  it (secondary suppression) says "withheld"; it is always a count of at least the threshold;
- totals, percentages, means and medians are computed from the perturbed counts, and are
  withheld where their base is under the threshold.

Secondary suppression assumes the reader knows every shown figure exactly (stronger than the
truth, with the noise) and hides cells until no small count of any table linked by its totals
(everyone's table, each group's, each wave's, and the people in none of the groups shown) is
fixed by them.

Plain functions over plain data; ``docs/disclosure.md`` explains the method for the board.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

KEY_RANGE = 256  # record keys and cell keys run from 0 to 255
MAX_NOISE = 3  # the largest change the ptable makes to a count, up or down
# How often each change is made, before a count near the threshold is kept on its side of it.
NOISE_SHARES = {-3: 0.05, -2: 0.10, -1: 0.20, 0: 0.30, 1: 0.20, 2: 0.10, 3: 0.05}
WITHHELD = "withheld"
NOTE = "Figures are rounded and slightly adjusted to protect young people."

Key = Any  # any hashable: an entry's name in its system of tables
# An equation: the entries it adds up, with their signs (a row: cells +1, its total -1).
Equation = Sequence[tuple[Key, int]]


def new_record_key() -> int:
    """A record's key, drawn when the record is made."""
    return secrets.randbelow(KEY_RANGE)


@dataclass(frozen=True)
class Cell:
    """A count of records and the sum of their record keys."""

    people: int = 0
    keys: int = 0

    def __add__(self, other: Cell) -> Cell:
        return Cell(self.people + other.people, self.keys + other.keys)


def hidden(threshold: int) -> str:
    return f"<{threshold}"


@lru_cache(maxsize=8)
def _ptable_array(threshold: int) -> np.ndarray:
    """The ptable as an array: [count (capped), cell key] → noise."""
    table = perturbation_table(threshold)
    array = np.zeros((threshold + MAX_NOISE + 1, KEY_RANGE), dtype=np.int64)
    array[table["pcv"].to_numpy(), table["ckey"].to_numpy()] = table["pvalue"].to_numpy()
    return array


def perturbation_table(threshold: int) -> pd.DataFrame:
    """The ptable, in the ONS's layout: for each count (``pcv``) and cell key (``ckey``), the
    noise to add (``pvalue``).

    Rows run from 0 to threshold + 3; every larger count uses the last row. A zero is never
    changed (it has no records, so no key). For a count under the threshold the noise is drawn
    from ``NOISE_SHARES`` among the changes that keep it from 0 to threshold - 1 (it is never
    shown, but goes into means and medians); for a larger count, among those that keep it at or
    above the threshold. The shares are spread over the 256 cell keys in order, so each key
    picks one change, and a count's noise averages about zero."""
    rows = []
    noises = np.array(list(NOISE_SHARES))
    shares = np.array(list(NOISE_SHARES.values()))
    for pcv in range(threshold + MAX_NOISE + 1):
        if pcv == 0:
            allowed = noises == 0
        elif pcv < threshold:
            allowed = (pcv + noises >= 0) & (pcv + noises < threshold)
        else:
            allowed = pcv + noises >= threshold
        cumulative = np.cumsum(np.where(allowed, shares, 0.0))
        cumulative /= cumulative[-1]
        for ckey in range(KEY_RANGE):
            position = (ckey + 0.5) / KEY_RANGE
            rows.append((pcv, ckey, int(noises[np.searchsorted(cumulative, position)])))
    return pd.DataFrame(rows, columns=["pcv", "ckey", "pvalue"])


def perturb(cells: Iterable[Cell], threshold: int) -> list[int]:
    """Each cell's count with its noise from the ptable."""
    listed = list(cells)
    if not listed:
        return []
    people = np.fromiter((c.people for c in listed), dtype=np.int64, count=len(listed))
    keys = np.fromiter((c.keys for c in listed), dtype=np.int64, count=len(listed)) % KEY_RANGE
    rows = np.minimum(people, threshold + MAX_NOISE)
    return [int(v) for v in people + _ptable_array(threshold)[rows, keys]]


def _exposed(hidden_keys: list[Key], equations: Sequence[Equation], among: set[Key]) -> list[Key]:
    """Hidden entries (of ``among``) that the equations fix, given every shown value."""
    if not hidden_keys:
        return []
    index = {key: n for n, key in enumerate(hidden_keys)}
    rows = []
    for equation in equations:
        row = np.zeros(len(hidden_keys))
        for key, sign in equation:
            if key in index:
                row[index[key]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return []
    # A hidden entry is fixed when its unit vector lies in the row space of the system: when
    # its projection on an orthonormal basis of that space (the SVD's) has length one.
    _, singular, vt = np.linalg.svd(np.array(rows), full_matrices=False)
    basis = vt[: int((singular > 1e-9).sum())]
    length = (basis**2).sum(axis=0)
    return [key for key, n in index.items() if key in among and length[n] > 1 - 1e-9]


def suppress(
    values: Mapping[Key, int],
    equations: Sequence[Equation],
    threshold: int,
    never_shown: frozenset[Key] = frozenset(),
    hide_last: frozenset[Key] = frozenset(),
) -> tuple[set[Key], set[Key]]:
    """Which entries of a system of tables to show as "<10" (every count under the threshold,
    zeros too) and which to withhold so that no count from 1 to threshold - 1 can be worked
    out from the equations, shown figures taken as exact.

    ``never_shown``: entries no page shows (the people in none of the groups shown); unknown to
    a reader, and protected where they are small. ``hide_last``: totals and bases, withheld
    only when no cell beside them can be."""
    small = {k for k, v in values.items() if v < threshold and k not in never_shown}
    protect = {k for k, v in values.items() if 0 < v < threshold}
    withheld: set[Key] = set()
    if not protect:
        return small, withheld
    while True:
        unknown = sorted(small | withheld | never_shown, key=repr)
        exposed = _exposed(unknown, equations, protect)
        if not exposed:
            return small, withheld
        target = exposed[0]
        partners = {
            key
            for equation in equations
            if any(key == target for key, _ in equation)
            for key, _ in equation
        }
        hideable = [k for k in values if k not in small | withheld | never_shown]
        if not hideable:
            return small, withheld  # everything is hidden already
        candidates = [k for k in hideable if k in partners] or hideable
        withheld.add(min(candidates, key=lambda k: (k in hide_last, values[k], repr(k))))


@dataclass(frozen=True)
class Protected:
    """A system of tables through the gate: what each entry shows (a perturbed count,
    "<10" or "withheld"), and each entry's perturbed count for the figures computed from
    them (percentages, means, medians), never shown as it stands."""

    shown: dict[Key, int | str]
    perturbed: dict[Key, int]
    threshold: int

    def show(self, key: Key) -> int | str:
        return self.shown.get(key, hidden(self.threshold))

    def count(self, key: Key) -> int | None:
        """The shown count, or None where it is hidden."""
        value = self.show(key)
        return value if isinstance(value, int) else None

    def percent(self, key: Key, base: Key) -> int | None:
        """A shown count as a whole percentage of a shown base."""
        part, whole = self.count(key), self.count(base)
        if part is None or whole is None or whole == 0:
            return None
        return round(100 * part / whole)

    def distribution(self, keys: Mapping[float, Key]) -> list[tuple[float, int]]:
        """(value, perturbed count) for a scale's points or a number's values."""
        return sorted((value, self.perturbed.get(key, 0)) for value, key in keys.items())


def protect(
    cells: Mapping[Key, Cell],
    equations: Sequence[Equation],
    threshold: int,
    never_shown: frozenset[Key] = frozenset(),
    hide_last: frozenset[Key] = frozenset(),
) -> Protected:
    """A system of tables (cells that add up to totals by ``equations``) through the gate."""
    keys = list(cells)
    perturbed = dict(zip(keys, perturb((cells[k] for k in keys), threshold), strict=True))
    small, withheld = suppress(
        {k: cells[k].people for k in keys}, equations, threshold, never_shown, hide_last
    )
    shown: dict[Key, int | str] = {}
    for key in keys:
        if key in never_shown:
            continue
        if key in small:
            shown[key] = hidden(threshold)
        elif key in withheld:
            shown[key] = WITHHELD
        else:
            shown[key] = perturbed[key]
    return Protected(shown, perturbed, threshold)


def one_way(
    cells: Mapping[Key, Cell], total: Cell, threshold: int, adds_up: bool = True
) -> Protected:
    """A list of counts and their total (alerts by category, say) through the gate: the
    total is the entry ``"total"``. ``adds_up``: each record is in one cell."""
    everything: dict[Key, Cell] = {**cells, "total": total}
    equations = [[*((key, 1) for key in cells), ("total", -1)]] if adds_up else []
    return protect(everything, equations, threshold, hide_last=frozenset({"total"}))


def mean(distribution: Sequence[tuple[float, int]]) -> float | None:
    people = sum(n for _, n in distribution)
    if people <= 0:
        return None
    return round(sum(value * n for value, n in distribution) / people, 2)


def median(distribution: Sequence[tuple[float, int]]) -> float | None:
    """The median of values given as (value, how many), as pandas reckons it."""
    people = sum(n for _, n in distribution)
    if people <= 0:
        return None
    middle = [(people - 1) // 2, people // 2]
    found: list[float] = []
    seen = 0
    for value, n in distribution:
        found += [value for position in middle if seen <= position < seen + n]
        seen += n
    return (found[0] + found[1]) / 2


def median_of(values: Sequence[float], threshold: int) -> float | None:
    """The median of a list of figures (response times, say), withheld when there are fewer
    than the threshold of them; rounded to whole units so no one value shows through."""
    if len(values) < threshold:
        return None
    return float(round(float(np.median(values))))


def rounded_total(count: int | str, to: int = 10) -> int | str:
    """A perturbed total rounded for a cover page ("about 740")."""
    return count if not isinstance(count, int) else int(round(count / to) * to)
