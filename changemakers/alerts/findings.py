"""The safeguarding desk's figures for the board: time to first human response (median and
90th percentile) per month and by severity, and alerts by category.

Plain functions over ``alerts.services.AlertFigure``. Every count passes ``_protected``, the
one place this module calls the board's disclosure gate (``changemakers.disclosure``: cell key
perturbation, each alert's record key a keyed hash of its id), so small numbers are hidden and
counts adjusted as in all findings; a median or percentile is given only over a count the gate
shows and at least the threshold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from changemakers import disclosure
from changemakers.alerts.models import AlertSeverity
from changemakers.alerts.services import AlertFigure
from changemakers.office_hours import LONDON

SEVERITIES = (
    (AlertSeverity.IMMEDIATE, "Immediate danger"),
    (AlertSeverity.CONCERN, "Concern"),
)
_ALL = "__all__"


def _protected(
    groups: Mapping[str, Sequence[AlertFigure]], base: str, threshold: int
) -> dict[str, int | str]:
    """Counts of alerts in groups that add up to ``base``, as the board may see them (through
    the gate: adjusted, "<10" or "withheld")."""

    def cell(alerts: Sequence[AlertFigure]) -> disclosure.Cell:
        return disclosure.Cell(len(alerts), sum(alert.record_key for alert in alerts))

    protected = disclosure.one_way(
        {key: cell(alerts) for key, alerts in groups.items() if key != base},
        cell(groups[base]),
        threshold,
    )
    return {key: protected.show("total" if key == base else key) for key in groups}


def minutes_in_words(minutes: float) -> str:
    """A response time as a board member reads it: "45 min", "3 h 20 min", "2 days 4 h"."""
    whole = round(minutes)
    if whole < 60:
        return f"{whole} min"
    if whole < 24 * 60:
        return f"{whole // 60} h {whole % 60} min"
    days, hours = divmod(whole // 60, 24)
    return f"{days} day{'s' if days != 1 else ''} {hours} h"


def _times(values: Sequence[float], shown: int | str, threshold: int) -> dict[str, str | None]:
    if not isinstance(shown, int) or shown < threshold:
        return {"median": None, "p90": None}
    return {
        "median": minutes_in_words(float(np.median(values))),
        "p90": minutes_in_words(float(np.percentile(values, 90))),
    }


def category_label(category: str) -> str:
    return category.replace("_", " ").capitalize()


def desk_findings(figures: Sequence[AlertFigure], threshold: int) -> dict[str, Any]:
    """The desk's tables, suppressed: ``months`` (newest first), each with a row for every
    severity and one for all alerts, and ``categories`` with their total."""
    by_month: dict[str, list[AlertFigure]] = defaultdict(list)
    for figure in figures:
        by_month[figure.created_at.astimezone(LONDON).strftime("%Y-%m")].append(figure)
    months = []
    for month in sorted(by_month, reverse=True):
        alerts = by_month[month]
        by_severity: dict[str, list[AlertFigure]] = {
            str(s): [a for a in alerts if a.severity is s] for s, _ in SEVERITIES
        }
        raised = _protected({**by_severity, _ALL: alerts}, _ALL, threshold)
        answered = {
            key: [a for a in group if a.first_response_at is not None]
            for key, group in {**by_severity, _ALL: alerts}.items()
        }
        waits = {key: [_minutes(a) for a in group] for key, group in answered.items()}
        responded = _protected(answered, _ALL, threshold)
        rows = [
            {
                "label": label,
                "alerts": raised[key],
                "responded": responded[key],
                **_times(waits[key], responded[key], threshold),
            }
            for key, label in [*((str(s), label) for s, label in SEVERITIES), (_ALL, "All")]
        ]
        months.append({"month": _month_name(month), "rows": rows})
    by_category: dict[str, list[AlertFigure]] = defaultdict(list)
    for figure in figures:
        by_category[figure.category].append(figure)
    shown = _protected({**by_category, _ALL: list(figures)}, _ALL, threshold)
    categories = [
        {"label": category_label(category), "count": shown[category]}
        for category in sorted(by_category)  # not by size: the order would tell hidden counts
    ]
    return {
        "threshold": threshold,
        "months": months,
        "categories": {"rows": categories, "total": shown[_ALL]},
    }


def _minutes(figure: AlertFigure) -> float:
    assert figure.first_response_at is not None
    return (figure.first_response_at - figure.created_at).total_seconds() / 60


def _month_name(month: str) -> str:
    year, number = month.split("-")
    names = (
        "January February March April May June July August September October November December"
    ).split()
    return f"{names[int(number) - 1]} {year}"
