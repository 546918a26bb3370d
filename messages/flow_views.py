"""The flow editor and review pages: for Changemakers (write), reviewers and admins (approve);
and how the flows are used, for the board.

Everything is a form: nobody writes JSON. A draft can be changed freely; problems are shown
beside the flow and stop it only when it is sent for review.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from changemakers.access import roles_allowed
from changemakers.content import files, translations
from changemakers.content.editing import ContentProblems
from changemakers.content.forms import ImportForm, ReturnForm
from changemakers.content.lifecycle import ContentStatus, LifecycleError
from changemakers.content.pages import REVIEWERS, WRITERS, press, save_translations
from changemakers.content.segments import sms_length
from changemakers.extensions import db
from changemakers.forms import add_error
from changemakers.roles import FINDINGS_READERS
from messages import conversations
from messages.blueprint import bp
from messages.flows import editing, engine, examples, picture, trial
from messages.flows import services as flows
from messages.flows.changes import changes
from messages.flows.definition import from_data, jump_targets, translatable_texts
from messages.flows.titles import step_titles
from messages.forms import (
    KIND_FIELDS,
    OPTION_ROWS,
    ExampleForm,
    FlowSettingsForm,
    NewFlowForm,
    NewOptionForm,
    NewStepForm,
    StepForm,
    TryForm,
)
from messages.models import Flow, FlowVersion
from messages.router import keyword_of
from messages.signpost_directory import current_signposts


def _version_or_404(flow_id: int, number: int) -> FlowVersion:
    version = db.session.scalar(
        select(FlowVersion).where(FlowVersion.flow_id == flow_id, FlowVersion.number == number)
    )
    if version is None:
        abort(404)
    return version


def _to_version(version: FlowVersion, anchor: str = "") -> ResponseReturnValue:
    return redirect(
        url_for("messages.flow", flow_id=version.flow_id, number=version.number) + anchor
    )


@bp.route("/flows", methods=["GET", "POST"])
@roles_allowed(*WRITERS)
def flow_list() -> ResponseReturnValue:
    form = NewFlowForm()
    if form.validate_on_submit():
        try:
            version = flows.create_flow(form.name.data or "", form.keyword.data or "", current_user)
        except ContentProblems as error:
            add_error(form.keyword, " ".join(error.problems))
        else:
            flash("Your flow is ready to build: change the messages, add steps and examples.")
            return _to_version(version)
    rows = db.session.scalars(select(Flow).order_by(Flow.name)).all()
    latest = {flow.id: flows.latest_version(flow) for flow in rows}
    published = {flow.id: flows.published_version(flow.id) for flow in rows}
    return render_template(
        "messages/flows/list.html",
        form=form,
        import_form=ImportForm(),
        flows=rows,
        latest=latest,
        published=published,
    )


@bp.route("/flows/import", methods=["POST"])
@roles_allowed(*WRITERS)
def flow_import() -> ResponseReturnValue:
    try:
        version = flows.import_flow(ImportForm().content(), current_user)
    except ContentProblems as error:
        return render_template("messages/flows/import_refused.html", problems=error.problems), 400
    flash(f"Imported as a draft of {version.content['name']}.")
    return _to_version(version)


@bp.route("/flows/<int:flow_id>")
@roles_allowed(*WRITERS)
def flow_latest(flow_id: int) -> ResponseReturnValue:
    version = flows.latest_version(db.get_or_404(Flow, flow_id))
    if version is None:
        abort(404)
    return _to_version(version)


@bp.route("/flows/<int:flow_id>/v<int:number>")
@roles_allowed(*WRITERS)
def flow(flow_id: int, number: int) -> ResponseReturnValue:
    version = _version_or_404(flow_id, number)
    flow = db.get_or_404(Flow, flow_id)
    signposts = current_signposts()
    definition = from_data(version.content)  # every stored version was checked to parse
    published = flows.published_version(flow_id)
    return render_template(
        "messages/flows/flow.html",
        flow=flow,
        version=version,
        definition=definition,
        titles=step_titles(definition, signposts),
        read_as={s.id: engine.render(s.text, signposts) for s in definition.steps.values()},
        problems=flows.problems_of(definition, flow_id),
        live_problems=flows.live_problems_of(definition)
        if version.status in (ContentStatus.DRAFT, ContentStatus.IN_REVIEW)
        else [],
        may_check_signposts=current_user.has_any_role(REVIEWERS),
        results=examples.run_examples(definition, signposts),
        picture=picture.draw(definition, signposts),
        lengths={
            s.id: sms_length(engine.render(s.text, signposts)) for s in definition.steps.values()
        },
        changes=changes(published.content if published else None, version.content),
        versions=db.session.scalars(
            select(FlowVersion)
            .where(FlowVersion.flow_id == flow_id)
            .order_by(FlowVersion.number.desc())
        ).all(),
        figures=flows.analytics(flow),
        translation_summary=translations.summary(
            translatable_texts(definition), definition.unchecked_translations
        ),
        new_step=NewStepForm(),
        example_form=ExampleForm(),
        return_form=ReturnForm(),
        can_review=current_user.has_any_role(REVIEWERS)
        and current_user.id not in version.contributor_ids,
        ContentStatus=ContentStatus,
    )


@bp.route("/flows/<int:flow_id>/edit", methods=["POST"])
@roles_allowed(*WRITERS)
def flow_new_draft(flow_id: int) -> ResponseReturnValue:
    return _to_version(flows.new_draft(db.get_or_404(Flow, flow_id), current_user))


def _save(version: FlowVersion, data: dict[str, Any], what: str) -> bool:
    try:
        flows.save(version, data, current_user, what)
    except (LifecycleError, ContentProblems, editing.EditError) as error:
        flash(str(error), "error")
        return False
    return True


@bp.route("/flows/<int:flow_id>/v<int:number>/settings", methods=["GET", "POST"])
@roles_allowed(*WRITERS)
def flow_settings(flow_id: int, number: int) -> ResponseReturnValue:
    version = _version_or_404(flow_id, number)
    form = FlowSettingsForm(data=version.content if request.method == "GET" else None)
    titles = step_titles(from_data(version.content), current_signposts())
    form.start.choices = [SelectChoice(step, title) for step, title in titles.items()]
    if form.validate_on_submit():
        data = editing.put_settings(
            version.content, form.name.data or "", form.keyword.data or "", form.start.data or ""
        )
        if _save(version, data, "settings"):
            return _to_version(version)
    return render_template("messages/flows/settings.html", form=form, version=version)


@bp.route("/flows/<int:flow_id>/v<int:number>/steps", methods=["POST"])
@roles_allowed(*WRITERS)
def flow_add_step(flow_id: int, number: int) -> ResponseReturnValue:
    version = _version_or_404(flow_id, number)
    form = NewStepForm()
    if not form.validate_on_submit():
        flash("Write the first words of the new step.", "error")
        return _to_version(version)
    data, step_id = editing.add_step(version.content, form.text.data or "", form.kind.data or "")
    if not _save(version, data, f"add step {step_id}"):
        return _to_version(version)
    return redirect(url_for("messages.flow_step", flow_id=flow_id, number=number, step_id=step_id))


def _step_form_data(step: dict[str, Any]) -> dict[str, Any]:
    options = [
        {"label": o.get("label", ""), "replies": ", ".join(o.get("replies", [])), "next": o["next"]}
        for o in step.get("options", [])
    ]
    options += [{"label": "", "replies": "", "next": ""}] * (OPTION_ROWS - len(options))
    jump = next(iter(jump_targets(step)), None) if step.get("kind") == "jump" else None
    return {
        **step,
        "options": options[:OPTION_ROWS],
        "to_kind": jump.kind if jump else "",
        "to_ref": jump.ref if jump else "",
    }


def _step_fields(form: StepForm) -> dict[str, Any]:
    options = [
        {
            "label": (entry.form.label.data or "").strip(),
            "replies": _words(entry.form.replies.data),
            "next": entry.form.next.data,
        }
        for entry in form.options
        if (entry.form.label.data or "").strip() and entry.form.next.data
    ]
    kind = form.kind.data
    return {
        "kind": kind,
        "text": (form.text.data or "").strip(),
        "hint": (form.hint.data or "").strip() if kind == "question" else "",
        "next": form.next.data if kind not in ("question", "end") else "",
        "options": options if kind == "question" else [],
        "expires_after": (form.expires_after.data or "").strip()
        if kind in ("question", "free_text")
        else "",
        "after": (form.after.data or "").strip() if kind == "follow_up" else "",
        "flow": (form.flow.data or "").strip().upper() if kind == "jump" else "",
        **(_jump_fields(form) if kind == "jump" else {}),
    }


def _jump_fields(form: StepForm) -> dict[str, str]:
    """A jump to another kind of conversation, in the file's form ``<kind>: <reference>``."""
    ref = (form.to_ref.data or "").strip()
    return {form.to_kind.data: ref} if form.to_kind.data and ref else {}


NEW_OPTION = "new_option"  # the prefix of its fields: the step form beside it has a text and a kind
# Each field of the step form, and the kinds of step that use it.
_KINDS_USING = {
    name: [kind for kind, fields in KIND_FIELDS.items() if name in fields]
    for name in frozenset().union(*KIND_FIELDS.values())
}


def _words(text: str | None) -> list[str]:
    return [w.strip() for w in (text or "").split(",") if w.strip()]


@bp.route("/flows/<int:flow_id>/v<int:number>/steps/<step_id>", methods=["GET", "POST"])
@roles_allowed(*WRITERS)
def flow_step(flow_id: int, number: int, step_id: str) -> ResponseReturnValue:
    """One step in a form showing only the fields its kind uses. Without JavaScript, "Show the
    fields for this kind" (or saving a new kind, which comes back here) shows the fields of the
    kind chosen; with it, they change as the kind does."""
    version = _version_or_404(flow_id, number)
    step = version.content["steps"].get(step_id)
    if step is None:
        abort(404)
    signposts = current_signposts()
    titles = step_titles(from_data(version.content), signposts)
    form = StepForm(data=_step_form_data(step) if request.method == "GET" else None)
    targets = [SelectChoice("", "— nowhere yet —")] + [
        SelectChoice(s, title) for s, title in titles.items() if s != step_id
    ]
    form.next.choices = targets
    form.to_kind.choices = [SelectChoice("", "— not another kind —")] + [
        SelectChoice(kind.name, kind.label) for kind in conversations.jump_targets()
    ]
    for entry in form.options:
        entry.form.next.choices = targets
    showing_fields = request.method == "POST" and "show_fields" in request.form
    if not showing_fields and form.validate_on_submit():
        data = editing.put_step(version.content, step_id, _step_fields(form))
        try:
            from_data(data)
        except ContentProblems as error:
            for problem in error.problems:
                add_error(form.expires_after if "expires_after" in problem else form.after, problem)
        else:
            if _save(version, data, f"edit step {step_id}"):
                title = step_titles(from_data(data), signposts)[step_id]
                if form.kind.data != step.get("kind") and not request.form.get("fields_shown"):
                    flash(f"Saved the step “{title}”. Now fill in what this kind of step needs.")
                    return redirect(request.path)
                flash(f"Saved the step “{title}”.")
                return _to_version(version, f"#step-{step_id}")
    kind = form.kind.data if form.kind.data in KIND_FIELDS else step["kind"]
    text = form.text.data or ""
    return render_template(
        "messages/flows/step.html",
        form=form,
        version=version,
        step_id=step_id,
        title=titles[step_id],
        kind=kind,
        kinds_using=_KINDS_USING,
        read_as=engine.render(text, signposts),
        length=sms_length(engine.render(text, signposts)),
        signposts=signposts,
        new_option=NewOptionForm(prefix=NEW_OPTION) if step.get("kind") == "question" else None,
    )


@bp.route("/flows/<int:flow_id>/v<int:number>/steps/<step_id>/options", methods=["POST"])
@roles_allowed(*WRITERS)
def flow_add_option(flow_id: int, number: int, step_id: str) -> ResponseReturnValue:
    """An option of a question and the new step it leads to, in one go."""
    version = _version_or_404(flow_id, number)
    form = NewOptionForm(prefix=NEW_OPTION)
    here = url_for("messages.flow_step", flow_id=flow_id, number=number, step_id=step_id)
    if not form.validate_on_submit():
        flash("Write the option's words and the first words of the step it leads to.", "error")
        return redirect(here + "#new-option")
    try:
        data, new_step = editing.add_option_to_new_step(
            version.content,
            step_id,
            form.label.data or "",
            _words(form.replies.data),
            form.text.data or "",
            form.kind.data or "",
        )
    except editing.EditError as error:
        flash(str(error), "error")
        return redirect(here + "#new-option")
    if not _save(version, data, f"add option to {new_step}"):
        return redirect(here + "#new-option")
    flash(
        f"The option “{(form.label.data or '').strip()}” now leads to this new step: "
        "finish its message."
    )
    return redirect(url_for("messages.flow_step", flow_id=flow_id, number=number, step_id=new_step))


@bp.route("/flows/<int:flow_id>/v<int:number>/steps/<step_id>/delete", methods=["POST"])
@roles_allowed(*WRITERS)
def flow_delete_step(flow_id: int, number: int, step_id: str) -> ResponseReturnValue:
    version = _version_or_404(flow_id, number)
    try:
        data = editing.delete_step(version.content, step_id)
    except editing.EditError as error:
        flash(str(error), "error")
    else:
        if _save(version, data, f"delete step {step_id}"):
            flash("Step deleted.")
    return _to_version(version)


@bp.route("/flows/<int:flow_id>/v<int:number>/examples", methods=["POST"])
@roles_allowed(*WRITERS)
def flow_add_example(flow_id: int, number: int) -> ResponseReturnValue:
    version = _version_or_404(flow_id, number)
    form = ExampleForm()
    if form.validate_on_submit():
        lines = [t.strip() for t in (form.texts.data or "").splitlines() if t.strip()]
        expect = [e.strip() for e in (form.expect.data or "").splitlines() if e.strip()]
        if _save(
            version,
            editing.add_example(version.content, form.name.data or "", lines, expect),
            "add example",
        ):
            flash("Example added: it runs every time the flow changes.")
    else:
        flash("An example needs a name and at least the keyword they text.", "error")
    return _to_version(version, "#examples")


@bp.route("/flows/<int:flow_id>/v<int:number>/examples/<int:index>/delete", methods=["POST"])
@roles_allowed(*WRITERS)
def flow_delete_example(flow_id: int, number: int, index: int) -> ResponseReturnValue:
    version = _version_or_404(flow_id, number)
    _save(version, editing.delete_example(version.content, index), "delete example")
    return _to_version(version, "#examples")


SAID = {
    "submit": "Sent for review. A reviewer will approve it or say what to change.",
    "approve": "Approved: the flow is live for anyone who texts its keyword.",
    "archive": "Taken out of use. Conversations already going will finish.",
    "return": "Returned to the author with your comment.",
}


@bp.route(
    "/flows/<int:flow_id>/v<int:number>/<any(submit, approve, archive):action>", methods=["POST"]
)
@roles_allowed(*WRITERS)
def flow_lifecycle(flow_id: int, number: int, action: str) -> ResponseReturnValue:
    version = _version_or_404(flow_id, number)
    press(flows.FLOWS, version, action, SAID)
    return _to_version(version)


@bp.route("/flows/<int:flow_id>/v<int:number>/return", methods=["POST"])
@roles_allowed(*REVIEWERS)
def flow_return(flow_id: int, number: int) -> ResponseReturnValue:
    version = _version_or_404(flow_id, number)
    press(flows.FLOWS, version, "return", SAID, ReturnForm().comment.data or "")
    return _to_version(version)


@bp.route("/flows/<int:flow_id>/v<int:number>/translations", methods=["GET", "POST"])
@roles_allowed(*WRITERS)
def flow_translations(flow_id: int, number: int) -> ResponseReturnValue:
    """Each text of a version beside its English, one language at a time; a draft's
    translations can be written here."""
    version = _version_or_404(flow_id, number)
    language = translations.language_or_first(request.values.get("lang"))
    if request.method == "POST":
        save_translations(flows.save_translations, version, language, "Translations saved.")
        return redirect(
            url_for("messages.flow_translations", flow_id=flow_id, number=number, lang=language)
        )
    definition = from_data(version.content)
    return render_template(
        "content/translations.html",
        title=definition.name,
        back_url=url_for("messages.flow", flow_id=flow_id, number=number),
        editable=version.status is ContentStatus.DRAFT,
        content_kind="flow",
        language_urls={
            code: url_for("messages.flow_translations", flow_id=flow_id, number=number, lang=code)
            for code in translations.translated_codes()
        },
        **translations.page(
            translatable_texts(definition),
            definition.unchecked_translations,
            language,
            lambda text, code: engine.render(text, current_signposts(code)),
        ),
    )


@bp.route("/flows/<int:flow_id>/v<int:number>/flow.<any(yaml, json):file_format>")
@roles_allowed(*WRITERS)
def flow_export(flow_id: int, number: int, file_format: str) -> ResponseReturnValue:
    version = _version_or_404(flow_id, number)
    name = f"{keyword_of(version.content['keyword']).lower() or 'flow'}-v{version.number}"
    return Response(
        files.dump(version.content, file_format),
        mimetype="application/json" if file_format == "json" else "application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{name}.{file_format}"'},
    )


TRY_STATE = "flow_try"
MAX_TRY_LINES = 30


@bp.route("/flows/<int:flow_id>/v<int:number>/try", methods=["GET", "POST"])
@roles_allowed(*WRITERS)
def flow_try(flow_id: int, number: int) -> ResponseReturnValue:
    """A pretend phone on this version, draft or not, answered by the live router (see
    ``flows.trial``): nothing is stored about anyone, and nothing is sent."""
    version = _version_or_404(flow_id, number)
    key = f"{version.id}:{version.updated_at.isoformat()}"
    tried = session.get(TRY_STATE) or {}
    if tried.get("key") != key or request.args.get("restart"):
        tried = {"key": key, "saved": {}, "lines": []}
    form = TryForm()
    if form.validate_on_submit():
        body = form.body.data or ""
        answer = trial.text(
            from_data(version.content),
            flow_id,
            tried["saved"],
            body,
            datetime.now(UTC),
            current_signposts(),
        )
        lines = [{"from_participant": True, "text": body}] + [
            {"from_participant": False, "text": line.text, "later": line.later, "note": line.note}
            for line in answer
        ]
        tried["lines"] = (tried["lines"] + lines)[-MAX_TRY_LINES:]
        session[TRY_STATE] = tried
        return redirect(url_for("messages.flow_try", flow_id=flow_id, number=number))
    return render_template(
        "messages/flows/try.html", form=form, version=version, lines=tried["lines"]
    )


@bp.route("/findings/flows")
@roles_allowed(*FINDINGS_READERS)
def flow_findings() -> ResponseReturnValue:
    """How each message flow is used, per published version, small numbers hidden."""
    return render_template(
        "messages/flows/findings.html",
        flows=flows.findings_for(int(current_app.config["SUPPRESSION_THRESHOLD"])),
    )
