"""The dispatcher running on its own: in a thread (as the demo runs it) and as a command."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from changemakers.cli import cli
from changemakers.database import utcnow
from changemakers.extensions import db
from messages import outbox
from messages.gateways import ConsoleGateway
from messages.models import OutboundMessage, OutboxPurpose, OutboxStatus
from messages.worker import run_in_background
from tests.support.apps import dispose_engines, migrated_app
from tests.support.contacts import a_contact


def test_the_background_dispatcher_sends_what_falls_due_and_stops(tmp_path: Path, caplog):
    app = migrated_app(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path, QUIET_HOURS="00:00-00:00")
    try:
        with app.app_context():
            message = outbox.enqueue(
                a_contact().id, "Your follow-up", OutboxPurpose.FOLLOW_UP, utcnow()
            )
            db.session.commit()
            message_id = message.id
            db.session.remove()
        with caplog.at_level(logging.INFO, logger="messages.gateways"):
            dispatcher = run_in_background(app, ConsoleGateway())
            deadline = time.monotonic() + 10
            with app.app_context():
                while db.session.get(OutboundMessage, message_id).status is OutboxStatus.QUEUED:
                    assert time.monotonic() < deadline, "the dispatcher sent nothing"
                    db.session.remove()
                    time.sleep(0.05)
                db.session.remove()
            dispatcher.stop()
        assert "Your follow-up" in caplog.text
        assert dispatcher.stopping.is_set()
    finally:
        dispose_engines(app)


def test_the_worker_needs_a_public_address_for_twilio_callbacks(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", None)
    result = app.test_cli_runner().invoke(cli, ["worker"])
    assert result.exit_code == 1
    assert "SMS_GATEWAY=twilio needs PUBLIC_BASE_URL" in result.output
