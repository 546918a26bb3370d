"""Changemakers: young people's voice in child safeguarding.

``create_app`` builds the web application. The core (this package) knows nothing of the SMS
channel or surveys; the factory is the one place that plugs their blueprints and commands in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from changemakers.config import SETTINGS, ConfigError, default_database_url, load_settings
from changemakers.database import LARGEST_ID
from changemakers.office_hours import LONDON

__all__ = ["ConfigError", "create_app", "instance_path"]

SETTING_NAMES = frozenset(setting.name for setting in SETTINGS)
MIGRATIONS_DIRECTORY = Path(__file__).resolve().parent.parent / "migrations"


def instance_path(test_config: Mapping[str, Any] | None = None) -> Path:
    """The instance folder: local data and the demo's secrets. ``INSTANCE_PATH`` moves it."""
    configured = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH")
    return Path(configured or Path.cwd() / "instance").resolve()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the environment; ``test_config`` (tests, the demo) takes precedence.

    Raises ``ConfigError`` naming each missing or malformed setting.
    """
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
    _register_blueprints(app)
    app.add_template_filter(format_datetime, "datetime")
    from changemakers import navigation

    app.add_template_global(navigation.items_for, "navigation_for")
    app.add_template_global(navigation.notices_for, "notices_for")
    return app


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` in a URL: a number too large to be an id is a 404, not a database error."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


def format_datetime(value: datetime) -> str:
    """A timestamp as people in London read it, e.g. "26 Nov 2026, 14:05"."""
    return value.astimezone(LONDON).strftime("%-d %b %Y, %H:%M")


def _init_extensions(app: Flask) -> None:
    from changemakers import access, errors, security
    from changemakers.accounts import services as accounts
    from changemakers.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
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


def _register_blueprints(app: Flask) -> None:
    import messages
    import messages.cli
    import messages.demo
    import surveys
    import surveys.cli
    import surveys.demo
    from changemakers import accounts, alerts, audit, main, subject_access, worker_jobs
    from changemakers.alerts import notifications
    from changemakers.alerts import services as alert_services
    from changemakers.alerts.retention import CLOSED_ALERTS, SENT_NOTIFICATIONS
    from changemakers.database import utcnow
    from changemakers.navigation import HomeNotice, NavItem
    from changemakers.retention import services as retention
    from changemakers.subject_access import services as participant_data
    from messages import conversations, signpost_services
    from messages.alert_channel import SmsAlertChannel, text_staff_on_call
    from messages.flows.services import FlowConversation
    from messages.personal_data import SMS_DATA
    from messages.retention import TASKS as SMS_RETENTION
    from surveys import safeguarding as web_alerts
    from surveys.personal_data import SURVEY_DATA
    from surveys.retention import SPENT_SUBMISSION_TOKENS
    from surveys.services import SurveyConversation, release_due_pools

    app.register_blueprint(main.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(alerts.bp)
    app.register_blueprint(subject_access.bp)
    app.register_blueprint(messages.bp)
    app.register_blueprint(surveys.bp)
    conversations.register(FlowConversation())
    conversations.register(SurveyConversation())
    alert_services.register_channel(app, "sms", SmsAlertChannel())
    notifications.register_staff_sms(app, text_staff_on_call)
    alert_services.register_channel(app, web_alerts.CHANNEL, web_alerts.WebSurveyAlerts())
    for part in (SMS_DATA, SURVEY_DATA, alert_services.ALERT_DATA, participant_data.REFERENCES):
        participant_data.register(app, part)
    for task in (*SMS_RETENTION, CLOSED_ALERTS, SENT_NOTIFICATIONS, SPENT_SUBMISSION_TOKENS):
        retention.register(app, task)
    worker_jobs.register(app, release_due_pools)
    for command in (
        messages.cli.contacts,
        messages.cli.worker,
        messages.cli.reconcile,
        messages.cli.flows,
        surveys.cli.surveys,
        surveys.cli.findings,
    ):
        app.cli.add_command(command)
    app.extensions["demo_content"] = [
        messages.demo.load_demo_content,
        surveys.demo.load_demo_content,
    ]
    app.extensions["demo_background"] = [messages.demo.start_dispatcher]
    app.extensions["navigation"] = [
        NavItem(
            "Phone simulator", "messages.simulator", "try the SMS service as a young person would"
        ),
        NavItem("Message flows", "messages.flow_list", "write and review the SMS conversations"),
        NavItem("Surveys", "surveys.survey_list", "write and review surveys for the web and SMS"),
        NavItem("Findings", "surveys.findings_list", "what young people told us, safely totalled"),
        NavItem("Coding", "surveys.coding_list", "read young people's own words and code themes"),
        NavItem(
            "Broadcasts", "messages.broadcast_list", "news for young people who texted UPDATES"
        ),
        NavItem(
            "Signposting",
            "messages.signpost_list",
            "helplines inserted in messages, and when each is due for checking",
        ),
        NavItem(
            "Safeguarding alerts",
            "alerts.queue",
            "messages that suggest a young person is in danger",
            alert_services.desk_badge,
        ),
        NavItem(
            "Desk rota",
            "alerts.rota",
            "who is on duty, to be told at once of a young person in danger",
        ),
        NavItem(
            "Detector rules",
            "alerts.detector_rules",
            "the rules that spot a young person in danger, checked against a corpus",
        ),
        NavItem(
            "What we hold (MYDATA)",
            "subject_access.lookup",
            "answer a young person's request to see their data",
        ),
    ]
    app.extensions["home_notices"] = [
        HomeNotice(
            "alerts.queue",
            lambda: alert_services.overdue_count(utcnow()),
            "{count} safeguarding alert(s) overdue: nobody has picked them up in time",
        ),
        HomeNotice(
            "messages.signpost_list",
            signpost_services.overdue_count,
            "{count} helpline(s) in the signposting directory overdue for review",
        ),
    ]
