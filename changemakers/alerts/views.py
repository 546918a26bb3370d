"""The reviewers' pages: the alert queue, an alert with its conversation, and the phrase list."""

from __future__ import annotations

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from changemakers.access import roles_allowed
from changemakers.alerts import bp, phrases, services
from changemakers.alerts.forms import CloseForm, OnDutyForm, PhraseListForm, ReplyForm
from changemakers.database import utcnow
from changemakers.forms import add_error
from changemakers.roles import Role


@bp.route("/")
@roles_allowed(Role.REVIEWER)
def queue() -> ResponseReturnValue:
    show_closed = request.args.get("show") == "closed"
    now = utcnow()
    return render_template(
        "alerts/queue.html",
        alerts=services.queue(show_closed, now),
        counts=services.desk_counts(now),
        show_closed=show_closed,
        office_hours=services.office_hours(),
        target_minutes=int(services.target().total_seconds() // 60),
    )


def _render_alert(
    alert_id: int, reply_form: ReplyForm | None = None, close_form: CloseForm | None = None
) -> ResponseReturnValue:
    page = services.alert_page(alert_id, utcnow(), show_all=request.args.get("all") == "1")
    if page is None:
        abort(404)
    reply_form = reply_form or ReplyForm(form_token=secrets.token_hex(16))
    status = 400 if (reply_form.errors or (close_form and close_form.errors)) else 200
    return (
        render_template(
            "alerts/alert.html",
            page=page,
            reply_form=reply_form,
            close_form=close_form or CloseForm(),
        ),
        status,
    )


@bp.route("/<int:alert_id>")
@roles_allowed(Role.REVIEWER)
def alert(alert_id: int) -> ResponseReturnValue:
    return _render_alert(alert_id)


@bp.route("/<int:alert_id>/pick-up", methods=["POST"])
@roles_allowed(Role.REVIEWER)
def pick_up(alert_id: int) -> ResponseReturnValue:
    try:
        services.pick_up(alert_id, current_user)
    except services.AlertError as error:
        flash(str(error), "error")
    else:
        flash("You have this alert in hand.")
    return redirect(url_for("alerts.alert", alert_id=alert_id))


@bp.route("/<int:alert_id>/reply", methods=["POST"])
@roles_allowed(Role.REVIEWER)
def reply(alert_id: int) -> ResponseReturnValue:
    form = ReplyForm()
    if form.validate_on_submit():
        token = form.form_token.data or secrets.token_hex(16)
        try:
            services.reply(alert_id, current_user, form.body.data or "", token)
        except services.AlertError as error:
            add_error(form.body, str(error))
        else:
            flash("Reply sent to the young person's phone through the service.")
            return redirect(url_for("alerts.alert", alert_id=alert_id))
    return _render_alert(alert_id, reply_form=form)


@bp.route("/<int:alert_id>/close", methods=["POST"])
@roles_allowed(Role.REVIEWER)
def close(alert_id: int) -> ResponseReturnValue:
    form = CloseForm()
    if form.validate_on_submit():
        try:
            services.close(alert_id, current_user, form.note.data or "")
        except services.AlertError as error:
            add_error(form.note, str(error))
        else:
            flash("Alert closed.")
            return redirect(url_for("alerts.queue"))
    return _render_alert(alert_id, close_form=form)


@bp.route("/rota", methods=["GET", "POST"])
@roles_allowed(Role.REVIEWER)
def rota() -> ResponseReturnValue:
    form = OnDutyForm()
    if form.validate_on_submit():
        on_duty = form.on_duty.data == "yes"
        services.set_on_duty(current_user, on_duty)
        flash(
            "You are on duty: you will be emailed at once of a young person in danger."
            if on_duty
            else "You are off duty."
        )
        return redirect(url_for("alerts.rota"))
    lines = services.rota()
    return render_template(
        "alerts/rota.html",
        lines=lines,
        form=form,
        me_on_duty=any(
            line.reviewer.id == current_user.id and line.on_duty_since for line in lines
        ),
        nobody_on_duty=not any(line.on_duty_since for line in lines),
    )


@bp.route("/phrases", methods=["GET", "POST"])
@roles_allowed(Role.REVIEWER)
def phrase_list() -> ResponseReturnValue:
    in_force = phrases.current()
    form = PhraseListForm(
        data={
            "phrases": "\n".join(in_force.phrases),
            "should_alert": "\n".join(in_force.should_alert),
            "should_not_alert": "\n".join(in_force.should_not_alert),
        }
        if request.method == "GET"
        else None
    )
    check = None
    if form.validate_on_submit():
        draft = phrases.PhraseListDraft(
            phrases.lines(form.phrases.data or ""),
            phrases.lines(form.should_alert.data or ""),
            phrases.lines(form.should_not_alert.data or ""),
        )
        problems = phrases.problems_with(draft)
        for problem in problems:
            add_error(form.phrases, problem)
        check = draft.check()
        wants_save = request.form.get("action") == "save"
        if wants_save and not problems and (check.passes or form.save_anyway.data):
            phrases.save(draft, current_user)
            flash(f"Phrase list saved: {check.phrases} phrases, in force from the next message.")
            return redirect(url_for("alerts.phrase_list"))
    return render_template("alerts/phrases.html", form=form, check=check, in_force=in_force)
