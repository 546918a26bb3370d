"""Error pages: a clear message in plain words, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from changemakers.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Something was wrong with that request", "Go back and try again."),
    403: ("You do not have access to this page", "If you think you should, ask an admin."),
    404: ("Page not found", "If you typed the address, check it is correct."),
    405: ("That cannot be done here", "Go back and try again."),
    413: ("That was too large", "Send something smaller."),
    429: ("Too many attempts", "Wait 15 minutes, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
    503: ("Sorry, the service is unavailable", "Try again in a few minutes."),
}


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    title, advice = MESSAGES.get(code, MESSAGES[500])
    return render_template("error.html", code=code, title=title, advice=detail or advice), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            "This form has expired or was sent from elsewhere. "
            "Go back, reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        db.session.rollback()
        log.error("database unavailable: %s", type(error.orig).__name__)
        _as_signed_out()
        return render_error(503)

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError):
        db.session.rollback()
        _as_signed_out()
        return render_error(500)


def _as_signed_out() -> None:
    """Show this request's error page as to someone signed out: the signed-in user (and the
    page's navigation) may need the database that just failed. Flask-Login keeps the request's
    user in ``g._login_user``; the session, and so the sign-in, is left as it is."""
    g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
