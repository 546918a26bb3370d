"""Findings for the board (board members and reviewers): tables with charts, filters by a
demographic group, a printable report, and exports, all of the suppressed figures only."""

from __future__ import annotations

import csv
import io
from typing import Any

import pandas as pd
from flask import Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from changemakers.access import roles_allowed
from changemakers.audit import services as audit
from changemakers.extensions import db
from changemakers.roles import Role
from surveys import bp, services
from surveys.definition import SurveyDefinition
from surveys.findings import count_shown, csv_rows, headlines
from surveys.models import Survey

READERS = (Role.BOARD, Role.REVIEWER, Role.ADMIN)


def _threshold() -> int:
    return int(current_app.config["SUPPRESSION_THRESHOLD"])


def _filter(definition: SurveyDefinition) -> tuple[str, str] | None:
    """``?group=age:14 to 15``: a demographic question and one of its answers."""
    question_id, _, answer = request.args.get("group", "").partition(":")
    question = definition.question(question_id)
    if question is None or question.kind != "demographic" or answer not in question.choices:
        return None
    return question_id, answer


def _findings(slug: str) -> tuple[SurveyDefinition, dict[str, Any], tuple[str, str] | None]:
    survey = services.live(slug)
    if survey is None:
        abort(404)
    only = _filter(survey.definition)
    data = services.findings_for(slug, _threshold(), only)
    assert data is not None
    return survey.definition, data, only


@bp.route("/findings")
@roles_allowed(*READERS)
def findings_list() -> ResponseReturnValue:
    surveys = db.session.scalars(select(Survey).order_by(Survey.title)).all()
    completed = services.completed_responses()
    counts = {
        survey.slug: count_shown(completed.get(survey.id, 0), _threshold())
        if services.live(survey.slug)
        else None
        for survey in surveys
    }
    return render_template("surveys/board/list.html", surveys=surveys, counts=counts)


@bp.route("/findings/<slug>")
@roles_allowed(*READERS)
def findings_page(slug: str) -> ResponseReturnValue:
    return _render(slug, report=False)


@bp.route("/findings/<slug>/report")
@roles_allowed(*READERS)
def findings_report(slug: str) -> ResponseReturnValue:
    """The same findings as a printable report for board papers."""
    return _render(slug, report=True)


def _render(slug: str, report: bool) -> ResponseReturnValue:
    definition, data, only = _findings(slug)
    return render_template(
        "surveys/board/findings.html",
        survey=definition,
        slug=slug,
        findings=data,
        only=only,
        groups=[] if report else [q for q in definition.questions if q.kind == "demographic"],
        headlines=headlines(data),
        report=report,
    )


@bp.route("/findings/<slug>/findings.<any(csv, xlsx):file_format>")
@roles_allowed(*READERS)
def findings_export(slug: str, file_format: str) -> ResponseReturnValue:
    """The suppressed tables (never the responses), logged in the audit log."""
    definition, data, only = _findings(slug)
    rows = csv_rows(data)
    name = f"{slug}-findings" + (f"-{only[1].lower().replace(' ', '-')}" if only else "")
    audit.record(current_user, "findings.export", "survey", slug, format=file_format, group=only)
    db.session.commit()
    if file_format == "csv":
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        return Response(
            text.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    buffer = io.BytesIO()
    pd.DataFrame(rows[1:], columns=rows[0]).to_excel(buffer, index=False, sheet_name="Findings")
    return Response(
        buffer.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )
