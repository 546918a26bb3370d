"""The migrations are the schema: one head, and nothing in the models they do not create."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from changemakers import MIGRATIONS_DIRECTORY
from changemakers.extensions import db


def test_one_head():
    assert len(ScriptDirectory(str(MIGRATIONS_DIRECTORY)).get_heads()) == 1


def test_models_match_migrations(db_session):
    context = MigrationContext.configure(db_session.connection(), opts={"compare_type": True})
    assert compare_metadata(context, db.metadata) == []


def test_database_is_at_head(db_session):
    context = MigrationContext.configure(db_session.connection())
    heads = ScriptDirectory(str(MIGRATIONS_DIRECTORY)).get_heads()
    assert set(context.get_current_heads()) == set(heads)
