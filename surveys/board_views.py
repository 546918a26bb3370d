"""Findings for the board (board members and reviewers): tables with charts, filters by a
demographic group, a printable report, exports and the comparison of two versions (waves) of
a survey, all of the suppressed figures only."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, abort, current_app, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from changemakers.access import roles_allowed
from changemakers.alerts import services as alerts
from changemakers.alerts.findings import desk_findings
from changemakers.audit import services as audit
from changemakers.extensions import db
from changemakers.roles import FINDINGS_READERS
from surveys import exports, pool, services, summary
from surveys import you_said_services as board_answers
from surveys.blueprint import bp
from surveys.definition import SurveyDefinition
from surveys.findings import csv_rows, in_reading_order
from surveys.models import Survey

KEY_CHARTS = 3  # the charts of the brief: those of the first questions its summary is about


def _threshold() -> int:
    return int(current_app.config["SUPPRESSION_THRESHOLD"])


def _filter(definition: SurveyDefinition) -> tuple[str, str] | None:
    """``?group=age:14 to 15``: a demographic question and one of its answers."""
    question_id, _, answer = request.args.get("group", "").partition(":")
    question = definition.question(question_id)
    if question is None or question.kind != "demographic" or answer not in question.choices:
        return None
    return question_id, answer


def _findings(
    slug: str,
) -> tuple[SurveyDefinition, dict[str, Any] | None, tuple[str, str] | None]:
    """The findings as the board sees them; None for a group too small to open."""
    survey = services.live(slug)
    if survey is None:
        abort(404)
    only = _filter(survey.definition)
    try:
        data = services.findings_for(slug, _threshold(), only)
    except services.GroupTooSmall:
        return survey.definition, None, only
    assert data is not None
    return survey.definition, data, only


@bp.route("/findings")
@roles_allowed(*FINDINGS_READERS)
def findings_list() -> ResponseReturnValue:
    surveys = db.session.scalars(select(Survey).order_by(Survey.title)).all()
    completed = services.completed_responses(_threshold())
    counts = {
        survey.slug: completed.get(survey.id, f"<{_threshold()}")
        if services.live(survey.slug)
        else None
        for survey in surveys
    }
    return render_template("surveys/board/list.html", surveys=surveys, counts=counts)


@bp.route("/findings/<slug>")
@roles_allowed(*FINDINGS_READERS)
def findings_page(slug: str) -> ResponseReturnValue:
    """The summary: the findings that matter most in sentences, then the questions, each
    read on a page of its own."""
    survey, only, data, chosen = _summary(slug)
    answered = [v for v in services.answerable_versions(survey.survey_id) if v.responses]
    return render_template(
        "surveys/board/summary.html",
        survey=survey.definition,
        slug=slug,
        findings=data,
        chosen=chosen,
        only=only,
        compare=None if len(answered) < 2 else (answered[-2], answered[-1]),
        waiting=pool.waiting_count(survey.survey_id),
    )


@bp.route("/findings/<slug>/questions/<question_id>")
@roles_allowed(*FINDINGS_READERS)
def findings_question(slug: str, question_id: str) -> ResponseReturnValue:
    """One question: its chart and table, and the one breakdown the reader picks
    (``?by=age``), for everyone or one group (``?group=``, which has no breakdowns)."""
    survey = _live_or_404(slug)
    definition = survey.definition
    question = definition.question(question_id)
    if question is None:
        abort(404)
    only = _filter(definition)
    try:
        data = services.findings_for(slug, _threshold(), only)
    except services.GroupTooSmall:
        return _too_small(slug, definition, only)
    assert data is not None
    shown = in_reading_order(data, definition)
    table = next(t for t in shown["questions"] if t["id"] == question_id)
    by = definition.question(request.args.get("by", ""))
    breakdowns = [c for c in shown["crosstabs"] if c["question"] == question_id]
    cross = next((c for c in breakdowns if by is not None and c["by"] == by.id), None)
    ids = [t["id"] for t in shown["questions"]]
    place = ids.index(question_id)
    return render_template(
        "surveys/board/question.html",
        survey=definition,
        slug=slug,
        findings=shown,
        table=table,
        number=place + 1,
        asked=summary.asked_of(question, definition),
        breakdowns=breakdowns,
        cross=cross,
        only=only,
        previous=shown["questions"][place - 1] if place > 0 else None,
        following=shown["questions"][place + 1] if place + 1 < len(ids) else None,
    )


@bp.route("/findings/<slug>/report")
@roles_allowed(*FINDINGS_READERS)
def findings_report(slug: str) -> ResponseReturnValue:
    """The board brief, to print for board papers: a dated cover with the summary, the key
    charts, the method, then an appendix with every table."""
    survey, only, data, chosen = _summary(slug)
    shown = in_reading_order(data, survey.definition)
    key = list(dict.fromkeys(f.question for f in chosen))[:KEY_CHARTS]
    return render_template(
        "surveys/board/brief.html",
        survey=survey.definition,
        slug=slug,
        findings=shown,
        chosen=chosen,
        key_charts=[t for k in key for t in shown["questions"] if t["id"] == k and t.get("rows")],
        asked={q.id: summary.asked_of(q, survey.definition) for q in survey.definition.questions},
        only=only,
        desk=desk_findings(alerts.alert_figures(), _threshold()),
        cover=services.report_cover(survey, data),
        answer=board_answers.published_answer(survey.survey_id),
    )


def _summary(
    slug: str,
) -> tuple[services.LiveSurvey, tuple[str, str] | None, dict[str, Any], list[summary.Finding]]:
    """The live survey, the group the reader chose (``?group=``), its findings and the few
    that matter most; a group too small to open ends the request with the page saying so."""
    survey = _live_or_404(slug)
    only = _filter(survey.definition)
    try:
        found = services.summary_for(slug, _threshold(), only)
    except services.GroupTooSmall:
        abort(make_response(_too_small(slug, survey.definition, only)))
    assert found is not None
    return survey, only, *found


def _live_or_404(slug: str) -> services.LiveSurvey:
    survey = services.live(slug)
    if survey is None:
        abort(404)
    return survey


def _too_small(
    slug: str, definition: SurveyDefinition, only: tuple[str, str] | None
) -> ResponseReturnValue:
    """A group under the threshold: said, with the groups that can be opened."""
    return render_template(
        "surveys/board/summary.html",
        survey=definition,
        slug=slug,
        findings=services.findings_for(slug, _threshold()),
        chosen=[],
        too_small=only,
        only=None,
        compare=None,
    ), 404


@bp.route("/findings/<slug>/findings.<any(csv, xlsx):file_format>")
@roles_allowed(*FINDINGS_READERS)
def findings_export(slug: str, file_format: str) -> ResponseReturnValue:
    """The tables of the page, breakdowns included (never the responses), logged in the
    audit log."""
    definition, data, only = _findings(slug)
    if data is None:
        abort(404)
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
    return Response(
        exports.workbook(rows, data["threshold"]),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def _version_number(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdecimal() else None


@bp.route("/findings/<slug>/compare")
@roles_allowed(*FINDINGS_READERS)
def findings_compare(slug: str) -> ResponseReturnValue:
    """Two versions (waves) of a survey side by side: ``?first=1&second=2`` (version numbers);
    with neither, the two latest versions that have responses."""
    survey = db.session.scalar(select(Survey).where(Survey.slug == slug))
    if survey is None:
        abort(404)
    versions = services.answerable_versions(survey.id)
    answered = [v.number for v in versions if v.responses]
    asked = request.args.get("first"), request.args.get("second")
    page: dict[str, Any] = {"survey": survey, "slug": slug, "versions": versions}

    def problem(message: str, status: int) -> ResponseReturnValue:
        if status != 200 and len(versions) >= 2:
            message += " Choose two versions from the lists below, then Compare."
        return render_template("surveys/board/compare.html", problem=message, **page), status

    if not any(asked):
        if len(answered) < 2:
            return problem(
                "Young people have answered fewer than two versions of this survey so far, "
                "so there is nothing to compare yet.",
                200,
            )
        first, second = answered[-2], answered[-1]
    elif not all(asked):
        return problem("Two versions are needed to compare.", 400)
    else:
        numbers = [_version_number(value) for value in asked]
        for value, number in zip(asked, numbers, strict=True):
            if number is None:
                return problem(f"“{survey.title}” has no version called “{str(value)[:20]}”.", 404)
        first, second = numbers[0] or 0, numbers[1] or 0
    page.update(first=first, second=second)
    try:
        comparison = services.comparison_for(slug, first, second, _threshold())
    except services.NotComparable as error:
        return problem(str(error), 404 if error.missing else 400)
    responses = {v.number: v.responses for v in versions}
    return render_template(
        "surveys/board/compare.html",
        comparison=comparison,
        unanswered=[n for n in (first, second) if not responses.get(n)],
        **page,
    )
