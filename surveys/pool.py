"""The mixing pool: finished responses wait here, then join the results in shuffled batches.

Someone holding the database (a SQLite file, a PostgreSQL dump), its backups and its keys knows
which phone texted when; the pool makes sure none of that orders the responses::

    finished (an SMS survey's last answer, a web send)
        │  enter: at a random place in its survey's single pool row
        ▼
    waiting ──── at least the threshold of real responses wait, or one from an earlier day
        │  release (the worker each round; a web send that fills the pool)
        ▼
    survey_responses: shuffled, each with a random id and its days only; the pool row deleted

The pool row holds no time and no id of its own (its key is the survey), and its list is in
random order (inserting each newcomer at a uniformly random place gives a uniformly random
order), so neither the row nor the list says who finished when. Responses from the staff's
simulator ride along marked as tests, but only real ones count towards a batch: a batch never
holds fewer than the threshold of real responses, except the day's last.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, insert, or_, select, update

from changemakers.database import insert_for, send_with_next
from changemakers.extensions import db
from surveys.models import Channel, SurveyPool, SurveyResponse, random_response_id

_shuffler = secrets.SystemRandom()
_pools = cast(Table, SurveyPool.__table__)
_responses = cast(Table, SurveyResponse.__table__)
_LOCK = (
    select(_pools.c.responses, _pools.c.waiting, _pools.c.oldest_day)
    .where(_pools.c.survey_id == bindparam("survey"))
    .with_for_update()
)
_SET = send_with_next(
    update(_pools)
    .where(_pools.c.survey_id == bindparam("survey"))
    .values(
        responses=bindparam("responses"),
        waiting=bindparam("waiting"),
        oldest_day=bindparam("oldest"),
    )
)


def _made_or_locked(dialect: str) -> Any:
    """The survey's pool row, made if missing, locked until the transaction ends, as it was:
    one statement, which also waits out a release deleting the row."""
    upsert = insert_for(dialect)(_pools).values(
        survey_id=bindparam("survey"), responses=[], waiting=0, oldest_day=None
    )
    return upsert.on_conflict_do_update(
        index_elements=["survey_id"], set_={"waiting": _pools.c.waiting}
    ).returning(_pools.c.responses, _pools.c.waiting, _pools.c.oldest_day)


_MADE_OR_LOCKED = {dialect: _made_or_locked(dialect) for dialect in ("postgresql", "sqlite")}


def finished(
    version_id: int,
    channel: Channel,
    answers: dict[str, Any],
    started_on: date,
    completed_on: date,
    test: bool = False,
    language: str | None = None,
) -> dict[str, Any]:
    """A finished response as it waits in the pool (plain JSON). ``language``: the code of
    the language a web survey was read in; never an SMS survey's, which the contact row also
    holds (a rare language shared by a response and a few phones would link them)."""
    return {
        "language": language,
        "version": version_id,
        "channel": channel.value,
        "answers": answers,
        "started_on": started_on.isoformat(),
        "completed_on": completed_on.isoformat(),
        "test": test,
    }


def new_response_row(survey_id: int, waiting: dict[str, Any]) -> dict[str, Any]:
    """The ``survey_responses`` row a released response becomes: the one place a response row
    is made."""
    return {
        "id": random_response_id(),
        "survey_id": survey_id,
        "version_id": int(waiting["version"]),
        "channel": Channel(waiting["channel"]),
        "answers": waiting["answers"],
        "started_on": date.fromisoformat(waiting["started_on"]),
        "completed_on": date.fromisoformat(waiting["completed_on"]),
        "is_test": bool(waiting.get("test")),
        "language": waiting.get("language"),
    }


def enter(connection: Connection, survey_id: int, response: dict[str, Any]) -> int:
    """Put a finished response into its survey's pool, at a random place, in the caller's
    transaction (the pool row stays locked until it ends); how many real responses wait."""
    pool = connection.execute(_MADE_OR_LOCKED[connection.dialect.name], {"survey": survey_id}).one()
    waiting = list(pool.responses)
    waiting.insert(secrets.randbelow(len(waiting) + 1), response)
    day = date.fromisoformat(response["completed_on"])
    real = pool.waiting + (0 if response.get("test") else 1)
    connection.execute(
        _SET,
        {
            "survey": survey_id,
            "responses": waiting,
            "waiting": real,
            "oldest": min(pool.oldest_day, day) if pool.oldest_day else day,
        },
    )
    return int(real)


def release(survey_id: int) -> int:
    """Move a survey's waiting responses into the results, shuffled, in the caller's
    transaction; how many moved."""
    connection = db.session.connection()
    pool = connection.execute(_LOCK, {"survey": survey_id}).first()
    if pool is None or not pool.responses:
        return 0
    rows = [new_response_row(survey_id, waiting) for waiting in pool.responses]
    _shuffler.shuffle(rows)
    for row in rows:  # one at a time, so the rows are written in the shuffled order
        connection.execute(insert(_responses), row)
    connection.execute(delete(_pools).where(_pools.c.survey_id == survey_id))
    return len(rows)


def release_due(today: date, threshold: int) -> int:
    """Release every pool with at least ``threshold`` real responses waiting, or one waiting
    since an earlier day, a transaction each (several workers: each takes other pools); how
    many responses joined the results. The worker runs this every round."""
    released = 0
    while True:
        survey_id = db.session.scalar(
            select(SurveyPool.survey_id)
            .where(or_(SurveyPool.waiting >= threshold, SurveyPool.oldest_day < today))
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if survey_id is None:
            db.session.rollback()
            return released
        released += release(survey_id)
        db.session.commit()


def waiting_count(survey_id: int) -> int:
    """How many real responses wait in a survey's pool, for the board."""
    waiting = db.session.scalar(select(SurveyPool.waiting).where(SurveyPool.survey_id == survey_id))
    return int(waiting or 0)
