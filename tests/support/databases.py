"""Databases for tests and benchmarks: scratch ones beside the test database, emptied ones."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def fresh_database(kind: str, postgres_url: str, workdir: Path, name: str) -> str:
    """An empty database called ``name``: a SQLite file in ``workdir``, or a PostgreSQL
    database beside the one ``postgres_url`` names (prefixed with that one's name, so that two
    runs against different test databases never drop each other's)."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / (name + '.db')}"
    name = f"{make_url(postgres_url).database}_{name}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(postgres_url).set(database=name).render_as_string(hide_password=False)


def reset_postgres(url: str) -> None:
    """Empty the PostgreSQL database ``url`` names: every table, type and sequence goes."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
