"""The signposting directory's pages for reviewers and admins: the list with what is due for
checking, adding and editing an entry, and marking one as checked."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from changemakers.access import roles_allowed
from changemakers.extensions import db
from changemakers.forms import add_error
from changemakers.languages import LANGUAGES
from changemakers.roles import Role
from messages import signpost_services as directory
from messages.blueprint import bp
from messages.forms import CheckedForm, NewSignpostForm, SignpostForm
from messages.models import Signpost
from messages.signposting import ReviewState, in_words, review_state

KEEPERS = (Role.REVIEWER, Role.ADMIN)


def _show_problems(form: SignpostForm, error: directory.SignpostProblems) -> None:
    for field, message in error.problems.items():
        add_error(form[field], message)


@bp.route("/signposting")
@roles_allowed(*KEEPERS)
def signpost_list() -> ResponseReturnValue:
    today = directory.today()
    rows = directory.entries()
    states = {row.name: review_state(row.review_by, today) for row in rows}
    return render_template(
        "messages/signposts.html",
        signposts=rows,
        states=states,
        overdue=sum(state is ReviewState.OVERDUE for state in states.values()),
        ReviewState=ReviewState,
        in_words=in_words,
        language_names={language.code: language.name for language in LANGUAGES},
    )


@bp.route("/signposting/new", methods=["GET", "POST"])
@roles_allowed(*KEEPERS)
def signpost_new() -> ResponseReturnValue:
    form = NewSignpostForm()
    if form.validate_on_submit():
        try:
            signpost = directory.create(form.entry(), current_user)
        except directory.SignpostProblems as error:
            _show_problems(form, error)
        else:
            flash(f"{{{signpost.name}}} is in the directory: messages can use it now.")
            return redirect(url_for("messages.signpost_list"))
    return render_template("messages/signpost.html", form=form, signpost=None)


def _edit_page(
    signpost: Signpost, form: SignpostForm, checked_form: CheckedForm
) -> ResponseReturnValue:
    return render_template(
        "messages/signpost.html",
        form=form,
        checked_form=checked_form,
        signpost=signpost,
        state=review_state(signpost.review_by, directory.today()),
        ReviewState=ReviewState,
        in_words=in_words,
        language_names={language.code: language.name for language in LANGUAGES},
    )


@bp.route("/signposting/<name>", methods=["GET", "POST"])
@roles_allowed(*KEEPERS)
def signpost_edit(name: str) -> ResponseReturnValue:
    signpost = db.get_or_404(Signpost, name)
    form = SignpostForm(obj=signpost if request.method == "GET" else None)
    if request.method == "GET":
        form.show_translations(signpost.translations or {})
    if form.validate_on_submit():
        try:
            changed = directory.update(signpost, form.entry(), current_user)
        except directory.SignpostProblems as error:
            _show_problems(form, error)
        else:
            flash(
                f"{{{name}}} saved: the next messages use it."
                if changed
                else "Nothing was different, so nothing changed."
            )
            return redirect(url_for("messages.signpost_list"))
    return _edit_page(signpost, form, CheckedForm(formdata=None))


@bp.route("/signposting/<name>/checked", methods=["POST"])
@roles_allowed(*KEEPERS)
def signpost_checked(name: str) -> ResponseReturnValue:
    signpost = db.get_or_404(Signpost, name)
    checked_form = CheckedForm()
    if not checked_form.validate_on_submit():
        return _edit_page(signpost, SignpostForm(obj=signpost, formdata=None), checked_form)
    review_by = directory.mark_checked(signpost, current_user)
    flash(f"Thank you. {{{name}}} is checked; the next check is due by {in_words(review_by)}.")
    return redirect(url_for("messages.signpost_list"))
