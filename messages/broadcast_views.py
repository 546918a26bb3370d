"""Broadcast pages for reviewers and admins: write, approve (someone else's), send."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from changemakers.access import roles_allowed
from changemakers.extensions import db
from changemakers.forms import add_error
from changemakers.roles import Role
from messages import broadcasts
from messages.blueprint import bp
from messages.forms import BroadcastForm
from messages.models import Broadcast

SENDERS = (Role.REVIEWER, Role.ADMIN)


@bp.route("/broadcasts", methods=["GET", "POST"])
@roles_allowed(*SENDERS)
def broadcast_list() -> ResponseReturnValue:
    form = BroadcastForm()
    if form.validate_on_submit():
        try:
            broadcast = broadcasts.create(form.body.data or "", current_user)
        except broadcasts.BroadcastError as error:
            add_error(form.body, str(error))
        else:
            flash("Broadcast saved. Another reviewer or admin must approve it before it is sent.")
            return redirect(url_for("messages.broadcast", broadcast_id=broadcast.id))
    rows = db.session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(100)).all()
    return render_template(
        "messages/broadcasts.html", form=form, broadcasts=rows, reach=broadcasts.recipients()
    )


@bp.route("/broadcasts/<int:broadcast_id>")
@roles_allowed(*SENDERS)
def broadcast(broadcast_id: int) -> ResponseReturnValue:
    return render_template(
        "messages/broadcast.html",
        broadcast=db.get_or_404(Broadcast, broadcast_id),
        reach=broadcasts.recipients(),
    )


ACTIONS = {
    "approve": (broadcasts.approve, "Approved. It can be sent now."),
    "send": (broadcasts.send, "Sending: the messages go out over the next minutes."),
    "cancel": (broadcasts.cancel, "Cancelled. Nothing was sent."),
}


@bp.route("/broadcasts/<int:broadcast_id>/<any(approve, send, cancel):action>", methods=["POST"])
@roles_allowed(*SENDERS)
def broadcast_action(broadcast_id: int, action: str) -> ResponseReturnValue:
    broadcast = db.get_or_404(Broadcast, broadcast_id)
    change, done = ACTIONS[action]
    try:
        change(broadcast, current_user)
    except broadcasts.BroadcastError as error:
        flash(str(error), "error")
    else:
        flash(done)
    return redirect(url_for("messages.broadcast", broadcast_id=broadcast.id))
