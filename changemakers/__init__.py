"""Changemakers: young people's voice in child safeguarding.

``create_app`` builds the web application. The core (this package) knows nothing of the SMS
channel or surveys; the factory is the one place that names them, and each area plugs itself in
with its ``init_app`` (docs/architecture.md). This module's top level imports nothing of the
web stack, so the plain-Python parts (the detector, flow and survey definitions, the findings)
load without Flask.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["create_app", "instance_path"]

MIGRATIONS_DIRECTORY = Path(__file__).resolve().parent.parent / "migrations"


def instance_path(test_config: Mapping[str, Any] | None = None) -> Path:
    """The instance folder: local data and the demo's secrets. ``INSTANCE_PATH`` moves it."""
    configured = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH")
    return Path(configured or Path.cwd() / "instance").resolve()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the environment; ``test_config`` (tests, the demo) takes precedence.

    Raises ``ConfigError`` naming each missing or malformed setting.
    """
    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from changemakers.config import SETTING_NAMES, default_database_url, load_settings
    from changemakers.database import DatabaseIdConverter

    overrides = dict(test_config or {})
    app = Flask(__name__, instance_path=str(instance_path(overrides)))
    app.url_map.converters["int"] = DatabaseIdConverter
    app.config.update(load_settings(os.environ, overrides))
    app.config.update(
        SQLALCHEMY_DATABASE_URI=app.config["DATABASE_URL"]
        or default_database_url(app.instance_path),
        # hide_parameters: a failed statement is logged without its values (bodies, pseudonyms).
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "hide_parameters": True},
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_NAME="__Host-session",
        REMEMBER_COOKIE_DURATION=0,
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        LOGIN_LIMIT_PER_ACCOUNT="5 per 15 minutes",
        LOGIN_LIMIT_PER_ADDRESS="20 per 15 minutes",
        RATELIMIT_HEADERS_ENABLED=False,
        DEMO=False,
    )
    # Settings were parsed by load_settings; the other overrides (Flask's own) go in as given.
    app.config.update({k: v for k, v in overrides.items() if k not in SETTING_NAMES})
    if app.config["DEMO"] or app.testing:
        # Served over plain http on this machine: a Secure cookie would not be kept everywhere.
        app.config.update(SESSION_COOKIE_SECURE=False, SESSION_COOKIE_NAME="changemakers_session")
    if app.config["TRUSTED_PROXY_COUNT"]:
        count = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)

    _init_extensions(app)
    _init_areas(app)
    app.add_template_filter(format_datetime, "datetime")
    from changemakers import navigation

    app.add_template_global(navigation.items_for, "navigation_for")
    app.add_template_global(navigation.badge_for, "badge_for")
    app.add_template_global(navigation.work_for, "work_for")
    return app


def format_datetime(value: datetime) -> str:
    """A timestamp as people in London read it, e.g. "26 Nov 2026, 14:05"."""
    from changemakers.office_hours import LONDON

    return value.astimezone(LONDON).strftime("%-d %b %Y, %H:%M")


def _init_extensions(app: Flask) -> None:
    from changemakers import access, errors, security
    from changemakers.accounts import services as accounts
    from changemakers.database import begin_changes_as_writer
    from changemakers.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    begin_changes_as_writer(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIRECTORY))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.session_protection = "strong"
    login_manager.user_loader(accounts.load_for_session)
    access.init_app(app)
    security.init_app(app)
    errors.init_app(app)


def _init_areas(app: Flask) -> None:
    """Each area registers its pages and what it plugs into the core; the order is the menu's."""
    import messages
    import surveys
    from changemakers import accounts, alerts, annual, audit, main, subject_access

    for blueprint in (main.bp, accounts.bp, audit.bp):
        app.register_blueprint(blueprint)
    messages.init_app(app)
    surveys.init_app(app)
    alerts.init_app(app)
    subject_access.init_app(app)
    annual.init_app(app)
