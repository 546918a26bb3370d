"""SQLite as the embedded database: a request that changes something waits for another writer
rather than failing with "database is locked"."""

from __future__ import annotations

import sqlite3

import pytest
from flask import Flask
from sqlalchemy import text

from changemakers import create_app
from changemakers.extensions import db
from tests.support.apps import dispose_engines, settings_for_tests


@pytest.fixture
def app(tmp_path):
    made = create_app(settings_for_tests(f"sqlite:///{tmp_path / 'shared.db'}", tmp_path))
    with made.app_context():
        db.session.execute(text("CREATE TABLE tally (n INTEGER)"))
        db.session.execute(text("INSERT INTO tally VALUES (0)"))
        db.session.commit()
    yield made
    dispose_engines(made)


def other_writer_commits(app: Flask) -> None:
    """Another process adds to the tally and commits, without waiting for any lock."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("UPDATE tally SET n = n + 1")
    finally:
        other.close()


def read_then_write(app: Flask, method: str) -> None:
    """A request that reads the tally, lets another writer try meanwhile, then writes."""
    with app.test_request_context("/", method=method):
        app.preprocess_request()
        db.session.execute(text("SELECT n FROM tally")).scalar_one()
        try:
            other_writer_commits(app)
        except sqlite3.OperationalError as error:
            assert "locked" in str(error)  # it would have waited its turn
        db.session.execute(text("UPDATE tally SET n = n + 10"))
        db.session.commit()


def test_a_request_that_changes_something_holds_the_writer_s_turn_from_its_start(app):
    read_then_write(app, "POST")
    with app.app_context():
        assert db.session.execute(text("SELECT n FROM tally")).scalar_one() == 10


def test_a_reading_request_lets_other_writers_in_and_cannot_write_after_them(app):
    """What a POST is spared: in WAL mode a transaction that read before another writer
    committed cannot write afterwards, whatever the busy timeout."""
    with pytest.raises(Exception, match="database is locked"):
        read_then_write(app, "GET")
