""" "You said, we did" for staff: the board writes its response to each finding of a survey
and the actions it agreed; a reviewer who did not work on it approves it, and it is
published on the survey's public results page (``results_views``)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from changemakers.access import roles_allowed
from changemakers.content.editing import ContentProblems
from changemakers.content.forms import ReturnForm
from changemakers.content.lifecycle import ContentStatus, LifecycleError
from changemakers.extensions import db
from changemakers.roles import FINDINGS_READERS, Role
from surveys import services, summary, you_said
from surveys import you_said_services as results
from surveys.blueprint import bp
from surveys.definition import SurveyDefinition
from surveys.models import Survey
from surveys.you_said_models import ResultsVersion

WRITERS = (Role.BOARD, Role.ADMIN)
REVIEWERS = (Role.REVIEWER, Role.ADMIN)


@bp.route("/results")
@roles_allowed(*FINDINGS_READERS)
def results_list() -> ResponseReturnValue:
    surveys = db.session.scalars(select(Survey).order_by(Survey.title)).all()
    rows = []
    for survey in surveys:
        if not services.answerable_versions(survey.id):
            continue  # never published: nothing to answer
        rows.append(
            {
                "survey": survey,
                "latest": results.latest(survey.id),
                "published": results.published_version(survey.id),
            }
        )
    return render_template("surveys/you_said/list.html", rows=rows)


def _survey_or_404(slug: str) -> tuple[Survey, SurveyDefinition]:
    survey = results.survey_at(slug)
    definition = results.definition_for(survey) if survey else None
    if survey is None or definition is None:
        abort(404)
    return survey, definition


def _headline(definition: SurveyDefinition, table: dict[str, Any]) -> str:
    """The question's most common answer in a sentence, by the summary's own rule."""
    found = summary.largest_shares(definition, {"questions": [table]})
    return found[0].sentence if found else ""


def _page(
    survey: Survey,
    definition: SurveyDefinition,
    status: int = 200,
    errors: list[str] | None = None,
    typed: dict[str, Any] | None = None,
) -> ResponseReturnValue:
    version = results.latest(survey.id)
    published = results.published_version(survey.id)
    published_answer = you_said.read(published.content) if published else None
    answer = you_said.read(version.content) if version else None
    tables = [
        {**table, "headline": _headline(definition, table)}
        for table in results.finding_tables(survey, definition)
    ]
    return (
        render_template(
            "surveys/you_said/edit.html",
            survey=survey,
            version=version,
            answer=answer,
            published=published,
            tables=tables,
            statuses=you_said.STATUS_LABELS,
            allowed=lambda action: you_said.allowed_statuses(action, published_answer),
            problems=results.problems(version) if version else [],
            can_write=current_user.has_any_role(WRITERS),
            can_review=version is not None
            and current_user.has_any_role(REVIEWERS)
            and current_user.id not in version.contributor_ids,
            return_form=ReturnForm(),
            ContentStatus=ContentStatus,
            errors=errors or [],
            typed=typed or {},
        ),
        status,
    )


@bp.route("/results/<slug>")
@roles_allowed(*FINDINGS_READERS)
def results_edit(slug: str) -> ResponseReturnValue:
    return _page(*_survey_or_404(slug))


def _draft(survey: Survey) -> ResultsVersion:
    version = results.latest(survey.id)
    if version is None or version.status is not ContentStatus.DRAFT:
        abort(409, "There is no draft to change: start one first.")
    return version


@bp.route("/results/<slug>/draft", methods=["POST"])
@roles_allowed(*WRITERS)
def results_new_draft(slug: str) -> ResponseReturnValue:
    survey, _ = _survey_or_404(slug)
    results.open_draft(survey, current_user)
    return redirect(url_for("surveys.results_edit", slug=slug))


@bp.route("/results/<slug>/responses", methods=["POST"])
@roles_allowed(*WRITERS)
def results_responses(slug: str) -> ResponseReturnValue:
    survey, definition = _survey_or_404(slug)
    version = _draft(survey)
    given = {
        name.removeprefix("response-"): value
        for name, value in request.form.items()
        if name.startswith("response-")
    }
    try:
        results.save_responses(version, given, definition, current_user)
    except ContentProblems as error:
        return _page(survey, definition, 400, error.problems, {"responses": given})
    flash("Responses saved.")
    return redirect(url_for("surveys.results_edit", slug=slug))


@bp.route("/results/<slug>/actions", methods=["POST"])
@bp.route("/results/<slug>/actions/<action_id>", methods=["POST"])
@roles_allowed(*WRITERS)
def results_action(slug: str, action_id: str | None = None) -> ResponseReturnValue:
    survey, definition = _survey_or_404(slug)
    version = _draft(survey)
    fields = {name: request.form.get(name, "") for name in you_said.ACTION_FIELDS}
    try:
        action = results.save_action(version, action_id, fields, current_user)
    except ContentProblems as error:
        return _page(
            survey, definition, 400, error.problems, {"action": action_id or "new", **fields}
        )
    flash(f"Action saved: {action.what}")
    return redirect(url_for("surveys.results_edit", slug=slug))


SAID = {
    "approve": "Approved and published on the results page.",
    "return": "Returned with your comment.",
}


@bp.route("/results/<slug>/submit", methods=["POST"])
@roles_allowed(*WRITERS)
def results_submit(slug: str) -> ResponseReturnValue:
    survey, _ = _survey_or_404(slug)
    try:
        results.submit(_draft(survey), current_user)
    except (LifecycleError, ContentProblems) as error:
        flash(str(error), "error")
    else:
        flash("Sent for review.")
    return redirect(url_for("surveys.results_edit", slug=slug))


@bp.route("/results/<slug>/<any(approve, return):step>", methods=["POST"])
@roles_allowed(*REVIEWERS)
def results_review(slug: str, step: str) -> ResponseReturnValue:
    survey, definition = _survey_or_404(slug)
    version = results.latest(survey.id)
    if version is None:
        abort(404)
    form = ReturnForm()
    if step == "return" and not form.validate_on_submit():
        return _page(survey, definition, 400, ["Say what needs changing."])
    update = None
    try:
        if step == "approve":
            update = results.approve(version, current_user)
        else:
            results.return_for_changes(version, current_user, form.comment.data or "")
    except (LifecycleError, ContentProblems) as error:
        flash(str(error), "error")
    else:
        flash(SAID[step])
        if update:
            flash(
                "An update for young people who asked for news is waiting for approval at "
                "Broadcasts."
            )
    return redirect(url_for("surveys.results_edit", slug=slug))
