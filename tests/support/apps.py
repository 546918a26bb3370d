"""The app as the tests make it: test settings, migrated databases, engines let go of."""

from __future__ import annotations

import os
from pathlib import Path

import flask_migrate
from cryptography.fernet import Fernet
from flask import Flask

from changemakers import create_app
from changemakers.extensions import db
from tests.support.sms import SERVICE_NUMBER, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN


def settings_for_tests(database_url: str, instance: Path) -> dict[str, object]:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "OFFICE_HOURS": "Mon-Sun 00:00-24:00",  # the urgent-help reply as in office hours
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret-key",
        "PSEUDONYM_KEY": "test-pseudonym-key",
        "CONTACT_KEY": Fernet.generate_key().decode(),
        "SMS_GATEWAY": "twilio",
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_FROM": SERVICE_NUMBER,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Pages move at a machine's pace; the time rule has its own tests.
        "SURVEY_SECONDS_PER_QUESTION": "0",
    }


def served_environment(database_url: str, instance: Path) -> dict[str, str]:
    """The environment of ``changemakers serve`` (or ``worker``) run by a test: this one's, with
    the test settings, as a deployment sets them."""
    settings = settings_for_tests(database_url, instance)
    env = {k: v for k, v in os.environ.items() if k not in {"TESTING"}}
    env.update({k: str(v) for k, v in settings.items() if k not in {"TESTING"}})
    return env


def migrated_app(database_url: str, instance: Path, **overrides: object) -> Flask:
    app = create_app({**settings_for_tests(database_url, instance), **overrides})
    with app.app_context():
        flask_migrate.upgrade(directory=app.extensions["migrate"].directory)
    return app


def dispose_engines(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()
