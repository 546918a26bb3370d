"""The desk's figures for the board: time to first human response per month and severity, and
alerts by category, through the board's suppression; on the board's pages and in the report."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from changemakers.accounts.models import Role
from changemakers.alerts import services as alert_services
from changemakers.alerts.findings import desk_findings, minutes_in_words
from changemakers.alerts.models import AlertSeverity
from changemakers.alerts.services import AlertFigure
from changemakers.database import utcnow
from changemakers.extensions import db

THRESHOLD = 10
NOVEMBER = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


KEYS = random.Random(2026)  # record keys, as the keyed hash of each alert's id gives them


def answered(at: datetime, minutes: float, severity=AlertSeverity.IMMEDIATE, category="missing"):
    return AlertFigure(at, at + timedelta(minutes=minutes), severity, category, KEYS.randrange(256))


def near(shown, true: int) -> bool:
    """A count the gate showed, adjusted by at most its largest change."""
    return isinstance(shown, int) and abs(shown - true) <= 3


def row(findings, month: str, label: str) -> dict:
    [table] = [m for m in findings["months"] if m["month"] == month]
    [found] = [r for r in table["rows"] if r["label"] == label]
    return found


def test_median_and_90th_percentile_per_month_and_severity():
    figures = [answered(NOVEMBER, minutes) for minutes in range(1, 12)]  # 1 … 11 minutes
    figures += [
        answered(NOVEMBER, 60 * hours, AlertSeverity.CONCERN, "neglect_home")
        for hours in range(1, 13)
    ]
    findings = desk_findings(figures, THRESHOLD)
    immediate = row(findings, "November 2026", "Immediate danger")
    assert near(immediate["alerts"], 11) and immediate["responded"] == immediate["alerts"]
    assert (immediate["median"], immediate["p90"]) == ("6 min", "10 min")
    concern = row(findings, "November 2026", "Concern")
    assert (concern["median"], concern["p90"]) == ("6 h 30 min", "10 h 54 min")
    everyone = row(findings, "November 2026", "All")
    assert near(everyone["alerts"], 23) and everyone["median"] == "1 h 0 min"
    assert desk_findings(figures, THRESHOLD) == findings  # the same alerts, the same figures


def test_small_numbers_are_hidden_and_give_no_time():
    figures = [answered(NOVEMBER, 5) for _ in range(12)]
    figures += [answered(NOVEMBER, 90, AlertSeverity.CONCERN) for _ in range(3)]
    figures.append(AlertFigure(NOVEMBER, None, AlertSeverity.IMMEDIATE, "missing", 7))  # no answer
    findings = desk_findings(figures, THRESHOLD)
    concern = row(findings, "November 2026", "Concern")
    assert concern["alerts"] == "<10" and concern["median"] is None and concern["p90"] is None
    # The total is shown, so the other severity is hidden too: it would give the small one away.
    immediate = row(findings, "November 2026", "Immediate danger")
    assert immediate["alerts"] == "withheld" and immediate["median"] is None
    assert near(row(findings, "November 2026", "All")["alerts"], 16)


def test_a_month_under_the_threshold_shows_nothing():
    findings = desk_findings([answered(NOVEMBER, 5) for _ in range(4)], THRESHOLD)
    for label in ("Immediate danger", "Concern", "All"):
        shown = row(findings, "November 2026", label)
        assert (shown["alerts"], shown["responded"], shown["median"]) == ("<10", "<10", None)


def test_months_are_london_months_newest_first():
    spring = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 April in London (BST)
    figures = [answered(spring, 5) for _ in range(10)] + [answered(NOVEMBER, 5)] * 10
    assert [m["month"] for m in desk_findings(figures, THRESHOLD)["months"]] == [
        "November 2026",
        "April 2026",
    ]


def test_alerts_by_category_are_suppressed_and_not_ordered_by_size():
    figures = [answered(NOVEMBER, 5, category="sexual_abuse") for _ in range(30)]
    figures += [answered(NOVEMBER, 5, category="neglect_home") for _ in range(12)]
    figures += [answered(NOVEMBER, 5, category="missing") for _ in range(2)]
    categories = desk_findings(figures, THRESHOLD)["categories"]
    assert near(categories["total"], 44)
    assert [r["label"] for r in categories["rows"]] == ["Missing", "Neglect home", "Sexual abuse"]
    counts = {r["label"]: r["count"] for r in categories["rows"]}
    assert counts["Missing"] == "<10"
    hidden = [value for value in counts.values() if value in ("<10", "withheld")]
    assert len(hidden) >= 2  # not worked out by sum


def test_response_times_in_words():
    assert [minutes_in_words(m) for m in (0.4, 59, 61, 60 * 26)] == [
        "0 min",
        "59 min",
        "1 h 1 min",
        "1 day 2 h",
    ]


def test_the_board_sees_the_desk_figures_and_no_words(client, signed_in, make_staff):
    reviewer = make_staff(Role.REVIEWER, email="reviewer@example.org")
    now = utcnow()
    for _ in range(12):
        alert = alert_services.raise_alert(
            "sms", None, "secret words", [], "missing", AlertSeverity.IMMEDIATE
        )
        db.session.flush()
        alert_services.pick_up(alert.id, reviewer)  # no pseudonym: a pick-up is the response
        alert.first_response_at = now + timedelta(minutes=7)
        alert.created_at = now
    db.session.commit()
    signed_in(Role.BOARD)
    assert "How soon a person answered" in client.get("/findings").get_data(as_text=True)
    page = client.get("/findings/desk").get_data(as_text=True)
    assert "Time to first human response" in page and "7 min" in page and "Missing" in page
    assert "secret words" not in page
    printed = client.get("/findings/desk?print=1").get_data(as_text=True)
    assert "Report to the safeguarding board" in printed and "7 min" in printed
