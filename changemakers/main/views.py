from __future__ import annotations

from flask import jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from changemakers.access import ALL_STAFF, public, roles_allowed
from changemakers.alerts import services as alerts
from changemakers.database import utcnow
from changemakers.extensions import db, limiter
from changemakers.main import bp
from changemakers.roles import Role


@bp.route("/")
@roles_allowed(*ALL_STAFF)
def home() -> ResponseReturnValue:
    reviewer = current_user.has_any_role([Role.REVIEWER])
    desk = alerts.desk_counts(utcnow()) if reviewer else None
    return render_template("main/home.html", desk=desk)


@bp.route("/healthz")
@limiter.exempt
@public
def healthz() -> ResponseReturnValue:
    """The process is up and answering (no database call: restarts must not cascade)."""
    return jsonify(status="ok")


@bp.route("/readyz")
@limiter.exempt
@public
def readyz() -> ResponseReturnValue:
    """Ready for traffic: the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", reason="database unreachable"), 503
    return jsonify(status="ready"), 200
