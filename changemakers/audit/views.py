from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from changemakers.access import roles_allowed
from changemakers.accounts.models import Role
from changemakers.audit import bp
from changemakers.audit import services as audit

PER_PAGE = 50


@bp.route("/")
@roles_allowed(Role.ADMIN)
def events() -> ResponseReturnValue:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    action = request.args.get("action") or None
    rows, total = audit.recent_events(page, PER_PAGE, action)
    return render_template(
        "audit/events.html",
        events=rows,
        total=total,
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        action=action,
        actions=audit.known_actions(),
    )
