"""The yearly summary's page (printable) and its Word document, for those who read findings."""

from __future__ import annotations

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from changemakers.access import roles_allowed
from changemakers.annual import bp, services
from changemakers.annual.document import docx_bytes
from changemakers.annual.report import ReportYear
from changemakers.roles import FINDINGS_READERS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _year() -> ReportYear:
    """``?year=2026`` for April 2026 to March 2027; the year running now otherwise."""
    given = request.args.get("year", "").strip()
    if given.isdecimal() and 2000 <= int(given) <= 2100:
        return ReportYear(int(given))
    return services.today_in_london()


@bp.route("/annual")
@roles_allowed(*FINDINGS_READERS)
def summary_page() -> ResponseReturnValue:
    year = _year()
    current = services.today_in_london()
    return render_template(
        "annual/summary.html",
        summary=services.summary_for(year),
        years=[
            ReportYear(start) for start in range(current.start_year, current.start_year - 5, -1)
        ],
    )


@bp.route("/annual/summary.docx")
@roles_allowed(*FINDINGS_READERS)
def summary_docx() -> ResponseReturnValue:
    year = _year()
    document = docx_bytes(services.summary_for(year))
    services.record_export(current_user, year, "docx")
    name = f"changemakers-year-summary-{year.start_year}-{year.start_year + 1}.docx"
    return Response(
        document, mimetype=DOCX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
