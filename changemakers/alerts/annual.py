"""The safeguarding desk's part of the yearly summary: alerts by category and the time to
first human response over the reporting year, through the disclosure gate
(``alerts.findings``)."""

from __future__ import annotations

from changemakers.alerts import services
from changemakers.alerts.findings import desk_findings
from changemakers.annual.report import ReportYear, Section, Table


def desk_section(year: ReportYear, threshold: int) -> Section:
    start, end = year.starts(), year.ends()
    figures = [f for f in services.alert_figures() if start <= f.created_at < end]
    desk = desk_findings(figures, threshold)
    categories = desk["categories"]
    tables = [
        Table(
            "Safeguarding alerts by category",
            ("Category", "Alerts"),
            [
                *((row["label"], row["count"]) for row in categories["rows"]),
                ("All", categories["total"]),
            ],
        )
    ]
    months = [(month["month"], *_row(month["rows"][-1])) for month in reversed(desk["months"])]
    if months:
        tables.append(
            Table(
                "Time to first human response, by month",
                ("Month", "Alerts", "Answered", "Median", "90th percentile"),
                months,
            )
        )
    return Section(
        "The safeguarding desk",
        paragraphs=(
            "Every text is read by the service's safeguarding check; a message that suggests "
            "danger gets urgent help at once and goes to a reviewer. The time to first human "
            "response runs from the alert to a person's first reply (or pick-up).",
        ),
        tables=tables,
        order=30,
    )


def _row(row: dict[str, object]) -> tuple[str, str, str, str]:
    return (
        str(row["alerts"]),
        str(row["responded"]),
        str(row["median"] or "not given"),
        str(row["p90"] or "not given"),
    )
