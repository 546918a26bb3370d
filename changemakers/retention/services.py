"""Purging what the retention settings no longer allow the service to keep.

Each area that owns personal data registers ``RetentionTask``\\ s with the app (``register``), so
the core purges everything without knowing the areas. A task removes one batch of what is due
and says how many it removed; ``purge`` commits after every batch, so a purge that is killed or
hits a database error leaves every item whole or wholly removed, and the next run goes on where
it stopped. ``changemakers purge`` runs it by hand; every worker calls ``run_daily_if_due``, and
one of them runs it each day.

Logs and the audit log hold counts only: never words, pseudonyms or numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Select, and_, delete, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from changemakers.audit import services as audit
from changemakers.database import insert_for, utcnow
from changemakers.extensions import db
from changemakers.office_hours import LONDON
from changemakers.retention.models import JobRun

log = logging.getLogger(__name__)

BATCH_SIZE = 200
DAILY_JOB = "purge"
# A daily run that started this long ago and never finished (its worker was killed or stopped)
# may be claimed again the same day.
STALE_AFTER = timedelta(hours=2)

Step = Callable[[datetime, Mapping[str, Any]], int]


@dataclass(frozen=True)
class RetentionTask:
    """One kind of data an area deletes once it is past its retention period.

    ``purge(now, config)`` removes one batch of what is due, in the caller's transaction, and
    returns how many items it removed (0: nothing is left). Each item in a batch is removed
    whole: a batch rolled back leaves it as it was. ``count(now, config)`` says how many items
    are due, without changing anything (``changemakers purge --dry-run``).
    """

    name: str
    purge: Step
    count: Step


Due = Callable[[datetime, Mapping[str, Any]], Select[Any]]


def count_of(query: Select[Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def deleting(name: str, key: InstrumentedAttribute[Any], due: Due) -> RetentionTask:
    """A task that deletes, a batch at a time, the rows whose ``key`` the query ``due(now,
    config)`` selects."""

    def purge_batch(now: datetime, config: Mapping[str, Any]) -> int:
        keys = db.session.scalars(due(now, config).order_by(key).limit(BATCH_SIZE)).all()
        if keys:
            db.session.execute(delete(key.class_).where(key.in_(keys)))
        return len(keys)

    return RetentionTask(name, purge_batch, lambda now, config: count_of(due(now, config)))


def register(app: Flask, task: RetentionTask) -> None:
    app.extensions.setdefault("retention_tasks", []).append(task)


def tasks() -> list[RetentionTask]:
    return list(current_app.extensions.get("retention_tasks", []))


def _describe(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items()) or "no tasks"


def count_due(now: datetime) -> dict[str, int]:
    """How many items each task would remove now; nothing is changed."""
    config = current_app.config
    counts = {task.name: task.count(now, config) for task in tasks()}
    db.session.rollback()
    return counts


def purge(now: datetime, *, stop: Callable[[], bool] | None = None) -> dict[str, int]:
    """Run every task, batch by batch, a transaction each; how many items each removed.

    ``stop`` is asked between batches (a worker asked to stop); the counts are then of what was
    done so far. A failing batch is rolled back and its error raised, after logging the counts
    of what was already done.
    """
    config = current_app.config
    counts: dict[str, int] = {}
    for task in tasks():
        counts[task.name] = 0
        while not (stop and stop()):
            try:
                removed = task.purge(now, config)
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.error(
                    "retention purge failed in %s; removed before that: %s",
                    task.name,
                    _describe(counts),
                )
                raise
            if not removed:
                break
            counts[task.name] += removed
    log.info("retention purge removed: %s", _describe(counts))
    if any(counts.values()):
        audit.record(None, "retention.purged", "retention", None, **counts)
        db.session.commit()
    return counts


def _start_of_day(now: datetime) -> datetime:
    """Midnight in London on ``now``'s day, in UTC: the service's day."""
    day = now.astimezone(LONDON).date()
    return datetime.combine(day, time(), LONDON).astimezone(UTC)


def claim_daily(name: str, now: datetime) -> bool:
    """Claim today's run of a daily job; ``True`` for exactly one caller a day.

    One conditional upsert, committed at once: the row is made, or its ``started_at`` moved to
    ``now`` only if the last run started before today (or started long ago and never finished).
    On PostgreSQL a second claimant waits for the first's row lock and then sees today's
    ``started_at``; SQLite lets one writer in at a time.
    """
    insert = insert_for(db.session.get_bind().dialect.name)
    statement = insert(JobRun).values(name=name, started_at=now, finished_at=None, counts={})
    statement = statement.on_conflict_do_update(
        index_elements=["name"],
        set_={
            "started_at": statement.excluded.started_at,
            "finished_at": statement.excluded.finished_at,
            "counts": statement.excluded.counts,
        },
        where=or_(
            JobRun.started_at < _start_of_day(now),
            and_(JobRun.finished_at.is_(None), JobRun.started_at < now - STALE_AFTER),
        ),
    ).returning(JobRun.name)
    claimed = db.session.execute(statement).first() is not None
    db.session.commit()
    return claimed


def run_daily_if_due(
    now: datetime, *, stop: Callable[[], bool] | None = None
) -> dict[str, int] | None:
    """Purge if no worker has yet today; the counts, or ``None`` when it was not due.

    A run cut short by ``stop`` is not marked finished, so another worker takes it up after
    ``STALE_AFTER``.
    """
    if not claim_daily(DAILY_JOB, now):
        return None
    counts = purge(now, stop=stop)
    if stop and stop():
        log.info("retention purge stopped early; it will be taken up again")
        return counts
    run = db.session.get(JobRun, DAILY_JOB)
    if run is not None:
        run.finished_at = utcnow()
        run.counts = counts
        db.session.commit()
    return counts
