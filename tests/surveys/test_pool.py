"""The mixing pool: finished responses wait, then join the results shuffled, in batches."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from changemakers.database import utcnow
from changemakers.extensions import db
from messages.gateways import ConsoleGateway
from messages.worker import Dispatcher
from surveys import pool, services
from surveys.models import Channel, SurveyPool, SurveyResponse
from tests.support.apps import dispose_engines, migrated_app
from tests.support.surveys import EVERY_KIND


def finish(survey_id: int, version_id: int, label: str, day: date, test: bool = False) -> int:
    response = pool.finished(version_id, Channel.SMS, {"change": label}, day, day, test=test)
    waiting = pool.enter(db.session.connection(), survey_id, response)
    db.session.commit()
    return waiting


def results() -> list[SurveyResponse]:
    return db.session.scalars(select(SurveyResponse)).all()


def test_a_batch_joins_once_the_threshold_of_real_responses_wait(app, every_kind):
    today = services.today()
    threshold = app.config["SUPPRESSION_THRESHOLD"]
    for n in range(threshold - 1):
        finish(every_kind.survey_id, every_kind.id, f"real {n}", today)
    finish(every_kind.survey_id, every_kind.id, "simulator", today, test=True)
    assert services.release_due_pools(utcnow()) == 0  # a test never makes up a batch
    assert pool.waiting_count(every_kind.survey_id) == threshold - 1

    finish(every_kind.survey_id, every_kind.id, "the last", today)
    assert services.release_due_pools(utcnow()) == threshold + 1
    stored = results()
    assert sorted(r.answers["change"] for r in stored if not r.is_test) == sorted(
        [f"real {n}" for n in range(threshold - 1)] + ["the last"]
    )
    assert [r.answers["change"] for r in stored if r.is_test] == ["simulator"]
    assert db.session.scalars(select(SurveyPool)).all() == []


def test_what_waits_from_an_earlier_day_joins_the_next_day_whatever_the_number(every_kind):
    finish(every_kind.survey_id, every_kind.id, "alone", services.today())
    assert services.release_due_pools(utcnow()) == 0
    assert services.release_due_pools(utcnow() + timedelta(days=1)) == 1
    [response] = results()
    assert response.started_on == response.completed_on == services.today()


def test_the_pool_and_the_results_hold_responses_in_random_order(every_kind):
    """Ten finish one after another, in the same order every time: the order they wait in and
    the order they join in come out different between runs (a fixed order would repeat)."""
    labels = [f"#{n}" for n in range(10)]
    waiting_orders, released_orders, id_orders = set(), set(), set()
    for _ in range(4):
        for label in labels:
            finish(every_kind.survey_id, every_kind.id, label, services.today())
        waiting = db.session.scalar(select(SurveyPool.responses))
        waiting_orders.add(tuple(item["answers"]["change"] for item in waiting))
        services.release_due_pools(utcnow())
        stored = results()
        released_orders.add(tuple(r.answers["change"] for r in stored))
        id_orders.add(tuple(r.answers["change"] for r in sorted(stored, key=lambda r: r.id)))
        db.session.execute(SurveyResponse.__table__.delete())
    assert len(waiting_orders) > 1 and len(released_orders) > 1 and len(id_orders) > 1


def test_every_worker_round_releases_what_is_due(tmp_path: Path):
    app = migrated_app(f"sqlite:///{tmp_path / 'pool.db'}", tmp_path)
    worker = Dispatcher(app, ConsoleGateway(), name="pool-worker")
    try:
        with app.app_context():
            version = services.load_published(EVERY_KIND)
            finish(version.survey_id, version.id, "yesterday's", services.today())
            db.session.remove()
        worker.run_once(utcnow() + timedelta(days=1))
        with app.app_context():
            assert [r.answers["change"] for r in results()] == ["yesterday's"]
            db.session.remove()
    finally:
        worker.close()
        dispose_engines(app)
