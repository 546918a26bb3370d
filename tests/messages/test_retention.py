"""The worker runs the daily retention purge: one worker a day, checked every few minutes."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import select

from changemakers.database import utcnow
from changemakers.extensions import db
from changemakers.retention import services as retention
from changemakers.retention.models import JobRun
from messages import worker
from messages.gateways import ConsoleGateway
from messages.models import Contact
from messages.worker import Dispatcher
from tests.support.apps import dispose_engines, migrated_app
from tests.support.contacts import a_contact


def test_each_worker_asks_every_few_minutes_and_one_purges_a_day(tmp_path: Path):
    app = migrated_app(f"sqlite:///{tmp_path / 'workers.db'}", tmp_path)
    first = Dispatcher(app, ConsoleGateway(), name="first")
    second = Dispatcher(app, ConsoleGateway(), name="second")
    try:
        with app.app_context():
            silent_for = timedelta(days=app.config["CONTACT_RETENTION_DAYS"] + 1)
            a_contact(last_seen_at=utcnow() - silent_for)
            db.session.commit()
            db.session.remove()

        first.run_once()
        second.run_once()

        with app.app_context():
            assert db.session.scalars(select(Contact)).all() == []
            run = db.session.get(JobRun, retention.DAILY_JOB)
            assert run is not None and run.finished_at is not None
            assert run.counts["silent_participants"] == 1
            started = run.started_at
            db.session.remove()

        # The next day, whichever worker asks first runs it.
        tomorrow = utcnow() + timedelta(days=1, hours=2)
        for dispatcher in (second, first):
            dispatcher._next_daily_check = 0.0
            dispatcher.run_once(tomorrow)
        with app.app_context():
            run = db.session.get(JobRun, retention.DAILY_JOB)
            assert run is not None and run.started_at == tomorrow != started
            db.session.remove()
    finally:
        first.close()
        second.close()
        dispose_engines(app)


def test_a_worker_asks_about_the_purge_at_most_every_few_minutes(app, monkeypatch):
    calls: list[object] = []
    monkeypatch.setattr(retention, "run_daily_if_due", lambda now, stop: calls.append(now))
    clock = [1000.0]
    monkeypatch.setattr(worker, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    dispatcher = Dispatcher(app, ConsoleGateway(), name="test-worker")
    try:
        for _ in range(3):
            dispatcher.run_once()
        assert len(calls) == 1
        clock[0] += worker.DAILY_CHECK_EVERY + 1
        dispatcher.run_once()
        assert len(calls) == 2
    finally:
        dispatcher.close()


def test_a_failed_purge_is_logged_and_the_round_goes_on(app, monkeypatch, caplog):
    def fail(now, stop):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(retention, "run_daily_if_due", fail)
    dispatcher = Dispatcher(app, ConsoleGateway(), name="test-worker")
    try:
        with caplog.at_level(logging.ERROR, logger="messages.worker"):
            assert dispatcher.run_once() == 0
    finally:
        dispatcher.close()
    assert "retention purge failed" in caplog.text
