"""The yearly summary put together from each area's section, and its downloads logged."""

from __future__ import annotations

from flask import current_app

from changemakers.accounts.models import StaffUser
from changemakers.annual.report import ReportYear, Summary, in_order
from changemakers.audit import services as audit
from changemakers.database import utcnow
from changemakers.extensions import db
from changemakers.office_hours import LONDON


def today_in_london() -> ReportYear:
    return ReportYear.containing(utcnow().astimezone(LONDON).date())


def summary_for(year: ReportYear) -> Summary:
    threshold = int(current_app.config["SUPPRESSION_THRESHOLD"])
    sections = [
        section
        for make in current_app.extensions.get("annual_sections", [])
        if (section := make(year, threshold)) is not None
    ]
    return Summary(year, in_order(sections), threshold, utcnow().astimezone(LONDON).date())


def record_export(actor: StaffUser, year: ReportYear, file_format: str) -> None:
    audit.record(actor, "annual.export", "annual_summary", year.label, format=file_format)
    db.session.commit()
