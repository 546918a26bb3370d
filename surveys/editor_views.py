"""The survey editor and review pages (Changemakers write; reviewers and admins approve), with
a preview of each question as a phone shows it and as a text message."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from changemakers.access import roles_allowed
from changemakers.content import files, translations
from changemakers.content.editing import ContentProblems, EditError
from changemakers.content.forms import ImportForm, ReturnForm
from changemakers.content.lifecycle import ContentStatus, LifecycleError
from changemakers.content.pages import REVIEWERS, WRITERS, press, save_translations
from changemakers.content.segments import sms_length
from changemakers.extensions import db
from changemakers.forms import add_error
from changemakers.languages import known
from surveys import answers as parsing
from surveys import editing, services
from surveys.blueprint import bp
from surveys.definition import from_data, localise, translatable_texts
from surveys.forms import NewQuestionForm, NewSurveyForm, QuestionForm, SurveySettingsForm
from surveys.models import Survey, SurveyVersion
from surveys.views import page_language


def _version_or_404(survey_id: int, number: int) -> SurveyVersion:
    version = db.session.scalar(
        select(SurveyVersion).where(
            SurveyVersion.survey_id == survey_id, SurveyVersion.number == number
        )
    )
    if version is None:
        abort(404)
    return version


def _to_version(version: SurveyVersion, anchor: str = "") -> ResponseReturnValue:
    return redirect(
        url_for("surveys.edit_survey", survey_id=version.survey_id, number=version.number) + anchor
    )


@bp.route("/surveys", methods=["GET", "POST"])
@roles_allowed(*WRITERS)
def survey_list() -> ResponseReturnValue:
    form = NewSurveyForm()
    if form.validate_on_submit():
        try:
            version = services.create_survey(
                form.title.data or "", form.slug.data or "", current_user
            )
        except ContentProblems as error:
            add_error(form.slug, " ".join(error.problems))
        else:
            return _to_version(version)
    rows = db.session.scalars(select(Survey).order_by(Survey.title)).all()
    return render_template(
        "surveys/editor/list.html",
        form=form,
        import_form=ImportForm(),
        surveys=rows,
        latest={s.id: services.latest_version(s) for s in rows},
    )


@bp.route("/surveys/import", methods=["POST"])
@roles_allowed(*WRITERS)
def survey_import() -> ResponseReturnValue:
    try:
        version = services.import_survey(ImportForm().content(), current_user)
    except ContentProblems as error:
        return render_template(
            "messages/flows/import_refused.html", problems=error.problems, what="survey"
        ), 400
    return _to_version(version)


@bp.route("/surveys/<int:survey_id>/v<int:number>")
@roles_allowed(*WRITERS)
def edit_survey(survey_id: int, number: int) -> ResponseReturnValue:
    version = _version_or_404(survey_id, number)
    definition = from_data(version.content)
    shown = list(definition.questions)
    prompts = {
        q.id: parsing.sms_prompt(q, index, len(shown)) for index, q in enumerate(shown, start=1)
    }
    return render_template(
        "surveys/editor/survey.html",
        version=version,
        definition=definition,
        prompts=prompts,
        lengths={qid: sms_length(text) for qid, text in prompts.items()},
        problems=services.problems_of(definition, survey_id),
        versions=db.session.scalars(
            select(SurveyVersion)
            .where(SurveyVersion.survey_id == survey_id)
            .order_by(SurveyVersion.number.desc())
        ).all(),
        new_question=NewQuestionForm(),
        return_form=ReturnForm(),
        can_review=current_user.has_any_role(REVIEWERS)
        and current_user.id not in version.contributor_ids,
        ContentStatus=ContentStatus,
        translation_summary=translations.summary(
            translatable_texts(definition), definition.unchecked_translations
        ),
    )


@bp.route("/surveys/<int:survey_id>/v<int:number>/translations", methods=["GET", "POST"])
@roles_allowed(*WRITERS)
def survey_translations(survey_id: int, number: int) -> ResponseReturnValue:
    """Each text of a version beside its English, one language at a time; a draft's
    translations can be written here."""
    version = _version_or_404(survey_id, number)
    language = translations.language_or_first(request.values.get("lang"))
    if request.method == "POST":
        save_translations(services.save_translations, version, language, "Translations saved.")
        return redirect(
            url_for(
                "surveys.survey_translations", survey_id=survey_id, number=number, lang=language
            )
        )
    definition = from_data(version.content)
    return render_template(
        "content/translations.html",
        title=definition.title,
        back_url=url_for("surveys.edit_survey", survey_id=survey_id, number=number),
        editable=version.status is ContentStatus.DRAFT,
        content_kind="survey",
        language_urls={
            code: url_for(
                "surveys.survey_translations", survey_id=survey_id, number=number, lang=code
            )
            for code in translations.translated_codes()
        },
        **translations.page(
            translatable_texts(definition),
            definition.unchecked_translations,
            language,
            lambda text, code: text,
        ),
    )


def _save(version: SurveyVersion, data: dict[str, Any], what: str) -> bool:
    try:
        services.save(version, data, current_user, what)
    except (LifecycleError, ContentProblems, EditError) as error:
        flash(str(error), "error")
        return False
    return True


@bp.route("/surveys/<int:survey_id>/edit", methods=["POST"])
@roles_allowed(*WRITERS)
def survey_new_draft(survey_id: int) -> ResponseReturnValue:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    return _to_version(services.new_draft(survey, current_user))


@bp.route("/surveys/<int:survey_id>/v<int:number>/settings", methods=["GET", "POST"])
@roles_allowed(*WRITERS)
def survey_settings(survey_id: int, number: int) -> ResponseReturnValue:
    version = _version_or_404(survey_id, number)
    definition = from_data(version.content)
    form = SurveySettingsForm(obj=definition if request.method == "GET" else None)
    if form.validate_on_submit():
        fields = {
            name: (getattr(form, name).data or "").strip()
            for name in ("title", "slug", "keyword", "intro", "privacy", "thanks")
        }
        fields["sensitive"] = bool(form.sensitive.data)
        for name in ("opens", "closes"):
            value = getattr(form, name).data
            fields[name] = value.isoformat() if value else None
        data = editing.put_settings(version.content, fields)
        try:
            from_data(data)
        except ContentProblems as error:
            add_error(form.closes, " ".join(error.problems))
        else:
            if _save(version, data, "settings"):
                return _to_version(version)
    return render_template("surveys/editor/settings.html", form=form, version=version)


def _question_fields(form: QuestionForm, kind: str) -> dict[str, Any]:
    lines = [line.strip() for line in (form.options.data or "").splitlines() if line.strip()]
    labels = {}
    for line in (form.labels.data or "").splitlines():
        point, _, label = line.partition(":")
        if point.strip().isdigit() and label.strip():
            labels[point.strip()] = label.strip()
    show_if = None
    answers = [a.strip() for a in (form.show_if_answers.data or "").splitlines() if a.strip()]
    if form.show_if_question.data and answers:
        show_if = {"question": form.show_if_question.data, "any_of": answers}
    return {
        "kind": kind,
        "text": (form.text.data or "").strip(),
        "hint": (form.hint.data or "").strip(),
        "options": lines if kind in ("single_choice", "multiple_choice", "demographic") else [],
        "required": True if form.required.data else False,
        "min": (form.minimum.data or "").strip() if kind in ("scale", "number") else "",
        "max": (form.maximum.data or "").strip() if kind in ("scale", "number") else "",
        "labels": labels if kind == "scale" else {},
        "max_length": (form.max_length.data or "").strip() if kind == "free_text" else "",
        "demographic": form.demographic.data if kind == "demographic" else "",
        "show_if": show_if,
    }


def _question_form_data(question: dict[str, Any]) -> dict[str, Any]:
    show_if = question.get("show_if") or {}
    return {
        "kind": question["kind"],
        "text": question.get("text", ""),
        "hint": question.get("hint", ""),
        "options": "\n".join(question.get("options", [])),
        "required": question.get("required", True),
        "minimum": question.get("min", ""),
        "maximum": question.get("max", ""),
        "labels": "\n".join(f"{k}: {v}" for k, v in (question.get("labels") or {}).items()),
        "max_length": question.get("max_length", ""),
        "demographic": question.get("demographic", ""),
        "show_if_question": show_if.get("question", ""),
        "show_if_answers": "\n".join(show_if.get("any_of", [])),
    }


@bp.route("/surveys/<int:survey_id>/v<int:number>/questions/<question_id>", methods=["GET", "POST"])
@roles_allowed(*WRITERS)
def survey_question(survey_id: int, number: int, question_id: str) -> ResponseReturnValue:
    version = _version_or_404(survey_id, number)
    questions = version.content["questions"]
    question = next((q for q in questions if q["id"] == question_id), None)
    if question is None:
        abort(404)
    form = QuestionForm(data=_question_form_data(question) if request.method == "GET" else None)
    earlier = [q["id"] for q in questions[: questions.index(question)]]
    form.show_if_question.choices = [SelectChoice("", "— always ask —")] + [
        SelectChoice(q, q) for q in earlier
    ]
    if form.validate_on_submit():
        kind = form.kind.data or question["kind"]
        data = editing.put_question(version.content, question_id, _question_fields(form, kind))
        try:
            from_data(data)
        except ContentProblems as error:
            add_error(form.text, " ".join(error.problems))
        else:
            if _save(version, data, f"edit question {question_id}"):
                flash(f"Question {question_id!r} saved.")
                return _to_version(version, f"#question-{question_id}")
    return render_template(
        "surveys/editor/question.html", form=form, version=version, question_id=question_id
    )


@bp.route("/surveys/<int:survey_id>/v<int:number>/questions", methods=["POST"])
@roles_allowed(*WRITERS)
def survey_add_question(survey_id: int, number: int) -> ResponseReturnValue:
    version = _version_or_404(survey_id, number)
    form = NewQuestionForm()
    if not form.validate_on_submit():
        flash("Write the new question.", "error")
        return _to_version(version)
    data, question_id = editing.add_question(
        version.content, form.text.data or "", form.kind.data or "single_choice"
    )
    if not _save(version, data, f"add question {question_id}"):
        return _to_version(version)
    return redirect(
        url_for(
            "surveys.survey_question",
            survey_id=survey_id,
            number=number,
            question_id=question_id,
        )
    )


@bp.route(
    "/surveys/<int:survey_id>/v<int:number>/questions/<question_id>/<any(up, down, delete):action>",
    methods=["POST"],
)
@roles_allowed(*WRITERS)
def survey_question_action(
    survey_id: int, number: int, question_id: str, action: str
) -> ResponseReturnValue:
    version = _version_or_404(survey_id, number)
    try:
        if action == "delete":
            data = editing.delete_question(version.content, question_id)
        else:
            data = editing.move_question(version.content, question_id, -1 if action == "up" else 1)
        from_data(data)
    except EditError as error:
        flash(str(error), "error")
    except ContentProblems as error:
        flash("That would break the survey: " + " ".join(error.problems), "error")
    else:
        _save(version, data, f"{action} question {question_id}")
    return _to_version(version, "#questions")


SAID = {
    "submit": "Sent for review. A reviewer will approve it or say what to change.",
    "approve": "Approved: the survey is live.",
    "archive": "Taken out of use.",
    "return": "Returned to the author with your comment.",
}


@bp.route(
    "/surveys/<int:survey_id>/v<int:number>/<any(submit, approve, archive):action>",
    methods=["POST"],
)
@roles_allowed(*WRITERS)
def survey_lifecycle(survey_id: int, number: int, action: str) -> ResponseReturnValue:
    version = _version_or_404(survey_id, number)
    press(services.SURVEYS, version, action, SAID)
    return _to_version(version)


@bp.route("/surveys/<int:survey_id>/v<int:number>/return", methods=["POST"])
@roles_allowed(*REVIEWERS)
def survey_return(survey_id: int, number: int) -> ResponseReturnValue:
    version = _version_or_404(survey_id, number)
    press(services.SURVEYS, version, "return", SAID, ReturnForm().comment.data or "")
    return _to_version(version)


@bp.route("/surveys/<int:survey_id>/v<int:number>/survey.<any(yaml, json):file_format>")
@roles_allowed(*WRITERS)
def survey_export(survey_id: int, number: int, file_format: str) -> ResponseReturnValue:
    version = _version_or_404(survey_id, number)
    name = f"{version.content['slug']}-v{version.number}"
    return Response(
        files.dump(version.content, file_format),
        mimetype="application/json" if file_format == "json" else "application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{name}.{file_format}"'},
    )


@bp.route("/surveys/<int:survey_id>/v<int:number>/preview/<question_id>")
@roles_allowed(*WRITERS)
def survey_preview(survey_id: int, number: int, question_id: str) -> ResponseReturnValue:
    """A question as a phone shows it (this version, draft or not; nothing can be sent), in
    the language asked for (``?lang=es``)."""
    version = _version_or_404(survey_id, number)
    language = known(request.args.get("lang"))
    definition = localise(from_data(version.content), language)
    question = definition.question(question_id)
    if question is None:
        abort(404)
    position, total = parsing.position(definition, question_id, {})
    return render_template(
        "surveys/question.html",
        survey=definition,
        slug=definition.slug,
        question=question,
        number=position,
        total=total,
        back=url_for("surveys.edit_survey", survey_id=survey_id, number=number),
        chosen=[],
        error=None,
        preview=True,
        **page_language(language),
    )
