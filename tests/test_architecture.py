"""The package rules of docs/architecture.md that an import graph cannot show: what loading a
plain-Python part brings in with it (a package's ``__init__`` runs first)."""

from __future__ import annotations

import subprocess
import sys

PLAIN_PYTHON = (
    "changemakers.safeguarding",
    "changemakers.content.editing",
    "changemakers.disclosure",
    "messages.flows.engine",
    "messages.flows.validation",
    "messages.flows.findings",
    "messages.router",
    "messages.whatsapp",
    "surveys.answers",
    "surveys.findings",
    "surveys.summary",
)
WEB_STACK = ("flask", "werkzeug", "sqlalchemy", "flask_sqlalchemy", "flask_login", "flask_wtf")


def test_the_plain_python_parts_load_without_the_web_stack():
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys\nfor name in {PLAIN_PYTHON!r}: __import__(name)\n"
            f"print(' '.join(m for m in {WEB_STACK!r} if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.split() == []


def test_each_area_plugs_itself_into_the_app(app):
    assert set(app.blueprints) == {
        "main",
        "accounts",
        "audit",
        "messages",
        "surveys",
        "alerts",
        "subject_access",
        "annual",
    }
    commands = set(app.cli.list_commands(None))
    assert {"contacts", "worker", "reconcile", "flows", "surveys", "findings"} <= commands
    assert [item.endpoint for item in app.extensions["navigation"]][:2] == [
        "messages.simulator",
        "messages.flow_list",
    ]
