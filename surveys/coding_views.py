"""Coding free text: the Changemakers' codebooks and coding pages, and reviewers' approval of
quotes for the board."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from changemakers.access import roles_allowed
from changemakers.content.pages import REVIEWERS, WRITERS
from changemakers.extensions import db
from surveys import coding, services
from surveys.blueprint import bp
from surveys.definition import Question
from surveys.models import Survey


def _free_text(slug: str, question_id: str) -> tuple[services.LiveSurvey, Question]:
    survey = services.live(slug)
    question = survey.definition.question(question_id) if survey else None
    if survey is None or question is None or question.kind != "free_text":
        abort(404)
    return survey, question


@bp.route("/coding")
@roles_allowed(*WRITERS)
def coding_list() -> ResponseReturnValue:
    """Each live survey's free-text questions, with how far their coding has got."""
    questions = []
    for survey in db.session.scalars(select(Survey).order_by(Survey.title)):
        found = services.live(survey.slug)
        if found is None:
            continue
        for question in found.definition.questions:
            if question.kind == "free_text":
                progress = coding.progress(found.survey_id, question.id)
                questions.append((survey, question, progress))
    return render_template(
        "surveys/coding/list.html",
        questions=questions,
        proposed=len(coding.proposed_quotes()),
    )


@bp.route("/coding/<slug>/<question_id>", methods=["GET", "POST"])
@roles_allowed(*WRITERS)
def coding_page(slug: str, question_id: str) -> ResponseReturnValue:
    """The codebook, and one answer at a time to code (as a second coder with ``?second=1``)."""
    survey, question = _free_text(slug, question_id)
    second = request.args.get("second") == "1"
    here = url_for("surveys.coding_page", slug=slug, question_id=question_id, second=second or None)
    if request.method == "POST":
        try:
            if request.form.get("action") == "theme":
                name = request.form.get("name", "")
                coding.add_theme(survey.survey_id, question_id, name, current_user)
                flash(f"Theme “{' '.join(name.split())}” added to the codebook.")
            else:
                quote = request.form.get("quote", "")
                coding.code(
                    survey.survey_id,
                    question_id,
                    int(request.form.get("response", "0") or 0),
                    current_user,
                    [int(t) for t in request.form.getlist("theme") if t.isdecimal()],
                    int(quote) if quote.isdecimal() else None,
                )
                flash("Coded. Here is the next answer.")
        except (coding.CodingProblem, ValueError) as problem:
            flash(
                str(problem) if isinstance(problem, coding.CodingProblem) else "Try again.", "error"
            )
        return redirect(here)
    return render_template(
        "surveys/coding/code.html",
        slug=slug,
        survey=survey.definition,
        question=question,
        second=second,
        themes=coding.codebook(survey.survey_id, question_id),
        answer=coding.next_answer(survey.survey_id, question_id, current_user, second),
        progress=coding.progress(survey.survey_id, question_id),
        words=coding.frequent_words(survey.survey_id, question_id),
    )


@bp.route("/coding/quotes", methods=["GET", "POST"])
@roles_allowed(*REVIEWERS)
def coding_quotes() -> ResponseReturnValue:
    """Quotes proposed for the board, for a reviewer who did not propose them to approve."""
    if request.method == "POST":
        quote = request.form.get("quote", "")
        try:
            coding.review_quote(
                int(quote) if quote.isdecimal() else 0,
                current_user,
                approve=request.form.get("decision") == "approve",
            )
            flash(
                "Quote approved." if request.form.get("decision") == "approve" else "Quote refused."
            )
        except coding.CodingProblem as problem:
            flash(str(problem), "error")
        return redirect(url_for("surveys.coding_quotes"))
    return render_template("surveys/coding/quotes.html", quotes=coding.proposed_quotes())
