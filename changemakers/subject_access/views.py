"""The staff page that answers a subject access request from a MYDATA reference. The reference
is sent in a form, never in the address, so it stays out of access logs and browser history."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from changemakers.access import roles_allowed
from changemakers.roles import Role
from changemakers.subject_access import bp, services


@bp.route("/", methods=["GET", "POST"])
@roles_allowed(Role.REVIEWER, Role.ADMIN)
def lookup() -> ResponseReturnValue:
    typed = request.form.get("reference", "").strip()[:32] if request.method == "POST" else ""
    if not typed:
        return render_template("subject_access/lookup.html", typed="", sections=None)
    sections = services.look_up(typed, current_user)
    status = 200 if sections is not None else 404
    return render_template("subject_access/lookup.html", typed=typed, sections=sections), status
