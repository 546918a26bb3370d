"""The reviewers' pages: the alert queue, an alert with its conversation, and the detector's
rules; and the desk's figures for the board."""

from __future__ import annotations

import secrets

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from changemakers import safeguarding
from changemakers.access import roles_allowed
from changemakers.alerts import bp, rules, services
from changemakers.alerts.findings import desk_findings
from changemakers.alerts.forms import (
    CloseForm,
    DetectorRulesForm,
    OnDutyForm,
    ReplyForm,
    RuleSetDecisionForm,
)
from changemakers.database import utcnow
from changemakers.forms import add_error
from changemakers.roles import FINDINGS_READERS, Role


@bp.route("/alerts/")
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
            screening=rules.screening(),
            reply_form=reply_form,
            close_form=close_form or CloseForm(),
        ),
        status,
    )


@bp.route("/alerts/<int:alert_id>")
@roles_allowed(Role.REVIEWER)
def alert(alert_id: int) -> ResponseReturnValue:
    return _render_alert(alert_id)


@bp.route("/alerts/<int:alert_id>/pick-up", methods=["POST"])
@roles_allowed(Role.REVIEWER)
def pick_up(alert_id: int) -> ResponseReturnValue:
    try:
        services.pick_up(alert_id, current_user)
    except services.AlertError as error:
        flash(str(error), "error")
    else:
        flash("You have this alert in hand.")
    return redirect(url_for("alerts.alert", alert_id=alert_id))


@bp.route("/alerts/<int:alert_id>/reply", methods=["POST"])
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


@bp.route("/alerts/<int:alert_id>/close", methods=["POST"])
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


@bp.route("/alerts/rota", methods=["GET", "POST"])
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


def _render_rules(
    edit_form: DetectorRulesForm | None = None,
    decision_form: RuleSetDecisionForm | None = None,
    edit_check: rules.Check | None = None,
) -> ResponseReturnValue:
    page = rules.rules_page()
    started_from = None
    if edit_form is None:
        start_from = request.args.get("start_from", type=int)
        text = rules.saved_text(start_from) if start_from else None
        started_from = start_from if text else None
        edit_form = DetectorRulesForm(
            formdata=None,
            data={
                "rules": text or page.in_force_text,
                "based_on": page.in_force_tag,
            },
        )
    decision_form = decision_form or RuleSetDecisionForm(formdata=None)
    status = 400 if (edit_form.errors or decision_form.errors) else 200
    return (
        render_template(
            "alerts/rules.html",
            page=page,
            form=edit_form,
            decision_form=decision_form,
            check=edit_check,
            started_from=started_from,
        ),
        status,
    )


@bp.route("/alerts/rules", methods=["GET", "POST"])
@roles_allowed(Role.REVIEWER)
def detector_rules() -> ResponseReturnValue:
    """The rules in force, a waiting proposal, and an editor that checks and proposes."""
    if request.method == "GET":
        return _render_rules()
    form = DetectorRulesForm()
    check = None
    if form.validate_on_submit():
        text = form.rules.data or ""
        proposing = request.form.get("action") == "propose"
        try:
            check = rules.check(text)
            if proposing and not (form.summary.data or "").strip():
                add_error(form.summary, "Say in a few words what you changed and why")
            elif proposing:
                rules.propose(text, form.summary.data or "", current_user, form.based_on.data or "")
                flash("Change proposed: another reviewer must approve it before it is in force.")
                return redirect(url_for("alerts.detector_rules"))
        except safeguarding.RulesError as error:
            add_error(form.rules, str(error))
        except rules.RulesInForceChanged as error:
            add_error(form.rules, str(error))
            form.based_on.data = rules.version_tag(rules.in_force())
        except rules.RuleSetError as error:
            add_error(form.rules, str(error))
    return _render_rules(edit_form=form, edit_check=check)


@bp.route("/alerts/rules/decision", methods=["POST"])
@roles_allowed(Role.REVIEWER)
def decide_rules() -> ResponseReturnValue:
    """Approve or return a waiting proposal (another reviewer), or withdraw it (its proposer)."""
    form = RuleSetDecisionForm()
    decision = request.form.get("decision")
    rule_set_id = request.form.get("rule_set_id", type=int)
    if form.validate_on_submit():
        if decision == "return" and not (form.note.data or "").strip():
            add_error(form.note, "Say what needs changing, so the proposer knows")
            return _render_rules(decision_form=form)
        try:
            if decision == "approve":
                rules.approve(rule_set_id, current_user)
                flash("Approved: the new rules are in force from the next message.")
            elif decision == "return":
                rules.return_proposal(rule_set_id, current_user, form.note.data or "")
                flash("Returned to its proposer with your note.")
            elif decision == "withdraw":
                rules.withdraw(rule_set_id, current_user)
                flash("Your proposal is withdrawn.")
        except rules.RuleSetError as error:
            flash(str(error), "error")
        return redirect(url_for("alerts.detector_rules"))
    return _render_rules(decision_form=form)


@bp.route("/findings/desk")
@roles_allowed(*FINDINGS_READERS)
def desk_figures() -> ResponseReturnValue:
    """How fast a person answered young people who may be in danger, and what alerts were
    about, small numbers hidden; ``?print=1`` for board papers."""
    return render_template(
        "alerts/desk.html",
        desk=desk_findings(
            services.alert_figures(), int(current_app.config["SUPPRESSION_THRESHOLD"])
        ),
        report=request.args.get("print") == "1",
    )
