"""The database layer shared by every package: the declarative base, the session, SQLite pragmas.

SQLite is the embedded default, PostgreSQL the production database; the same models and Alembic
migrations serve both.
"""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar

import flask_sqlalchemy.session
import psycopg
from flask import Flask, request
from sqlalchemy import DateTime, Engine, Enum, MetaData, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, ExecutionContext
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.sql import Executable
from sqlalchemy.types import TypeDecorator
from werkzeug.routing import IntegerConverter, Map

# Stable constraint names, so Alembic can alter constraints on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


LARGEST_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL: a larger one is never a row


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every database (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC timestamp is expected")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def string_enum(enum_class: type[enum.StrEnum], name: str, length: int = 16) -> Enum:
    """A column of an enum's values, stored as text with a CHECK (no native enum type, so
    adding a value is a plain migration on SQLite and PostgreSQL alike)."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        values_callable=lambda members: [member.value for member in members],
        length=length,
    )


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class Session(flask_sqlalchemy.session.Session):
    """Flask-SQLAlchemy's session, but one given an explicit ``bind`` uses it.

    That lets the tests run each test inside a transaction on one connection that is rolled back
    afterwards, on SQLite and PostgreSQL alike.
    """

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def insert_for(dialect: str) -> Callable[..., Any]:
    """``insert`` of a database, with its ``on_conflict_do_…`` (PostgreSQL and SQLite)."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see "begin" below),
    # so that savepoints and the pragmas below behave as documented.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.execute("PRAGMA journal_mode")
    if cursor.fetchone()[0] not in ("memory", "wal"):
        cursor.execute("PRAGMA journal_mode = WAL")
    # With WAL, NORMAL keeps the database consistent and skips an fsync on every commit.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


# True while a request that changes something (a POST) is handled: its SQLite transactions
# begin as the writer. In WAL mode a transaction that has read and then writes cannot wait for
# another writer that committed meanwhile: SQLite says "database is locked" at once, whatever
# the busy timeout. Beginning as the writer makes it wait its turn instead.
_WRITES: ContextVar[bool] = ContextVar("writes", default=False)
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _WRITES.get() else "BEGIN")


def begin_changes_as_writer(app: Flask) -> None:
    """Let the SQLite transactions of each request that changes something begin as the
    writer (see ``_WRITES``); PostgreSQL needs nothing of the kind."""

    @app.before_request
    def _writes() -> None:
        _WRITES.set(request.method not in READ_ONLY_METHODS)

    @app.teardown_request
    def _done(error: BaseException | None) -> None:
        _WRITES.set(False)


SEND_WITH_NEXT = "send_with_next"
"""Execution option of a statement whose answer nobody reads (an ``UPDATE``, an ``INSERT``
without ``RETURNING``): inside ``pipelined`` it travels to PostgreSQL with the next statement
that is awaited, or with the end of the transaction."""

S = TypeVar("S", bound=Executable)


def send_with_next(statement: S) -> S:
    """``statement`` marked ``SEND_WITH_NEXT``."""
    return statement.execution_options(**{SEND_WITH_NEXT: True})


class _Pipelined(NamedTuple):
    pipeline: psycopg.Pipeline
    end: ExitStack  # leaves pipeline mode, sending whatever still waits


_PIPELINE = "pipeline"  # in a pooled connection's info, a ``_Pipelined``


@contextmanager
def pipelined(connection: Connection) -> Iterator[None]:
    """Fewer trips to PostgreSQL for one short transaction (psycopg's pipeline mode).

    The ``BEGIN`` goes with the first statement, and statements marked ``SEND_WITH_NEXT`` wait
    to go with the next one awaited; every other statement is answered at once, as usual. End
    the transaction with ``end_transaction`` inside the block: the ``COMMIT`` then travels with
    whatever still waits. An error in a statement sent later surfaces when its batch is
    answered, and the transaction fails as a whole, as it would have otherwise. Elsewhere
    (SQLite, an older libpq) statements simply go one at a time.
    """
    driver = connection.connection.driver_connection
    if not isinstance(driver, psycopg.Connection) or not psycopg.Pipeline.is_supported():
        yield
        return
    info = connection.info  # the pooled connection's: it outlives the Connection
    with ExitStack() as pipeline_mode:
        info[_PIPELINE] = _Pipelined(pipeline_mode.enter_context(driver.pipeline()), pipeline_mode)
        try:
            yield
        finally:
            info.pop(_PIPELINE, None)


def end_transaction(session: Any, *, commit: bool) -> None:
    """Commit or roll back ``session``; inside ``pipelined``, in a single trip with the
    statements still waiting (a failure among them raises as it would from the ``COMMIT``)."""
    connection = session.connection()
    in_pipeline: _Pipelined | None = connection.info.pop(_PIPELINE, None)
    if in_pipeline is not None:
        failure: psycopg.Error | None = None
        if not connection.in_nested_transaction():  # (a savepoint is the session's to end)
            try:
                connection.connection.driver_connection.execute("COMMIT" if commit else "ROLLBACK")
            except psycopg.Error as error:  # a statement sent earlier failed, already known
                failure = error
        try:
            in_pipeline.end.close()  # the trip: what waited, the COMMIT, and the end of the mode
        except psycopg.Error as error:
            failure = failure or error
        if failure is not None:
            raise DBAPIError.instance(
                "COMMIT", None, failure, psycopg.Error, hide_parameters=True
            ) from failure
    # The session catches up: nothing is left to send, unless it ends a savepoint.
    if commit:
        session.commit()
    else:
        session.rollback()


@event.listens_for(Engine, "after_cursor_execute")
def _answer_at_once(
    conn: Connection,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: ExecutionContext | None,
    executemany: bool,
) -> None:
    in_pipeline: _Pipelined | None = conn.info.get(_PIPELINE)
    if in_pipeline is not None and not (context and context.execution_options.get(SEND_WITH_NEXT)):
        in_pipeline.pipeline.sync()


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` in a URL: a number too large to be an id is a 404, not a database error."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)
