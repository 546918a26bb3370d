"""The database layer shared by every package: the declarative base, the session, SQLite pragmas.

SQLite is the embedded default, PostgreSQL the production database; the same models and Alembic
migrations serve both.
"""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import flask_sqlalchemy.session
from sqlalchemy import DateTime, Engine, Enum, MetaData, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic can alter constraints on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


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


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")
