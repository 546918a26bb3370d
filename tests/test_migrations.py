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


AT_0007 = [
    "INSERT INTO surveys (id, slug, title, created_at) VALUES (1, 'old', 'Old', :now)",
    "INSERT INTO survey_versions (id, survey_id, number, status, content, contributor_ids,"
    " created_at, updated_at) VALUES (1, 1, 1, 'published', '{}', '[]', :now, :now)",
    "INSERT INTO contacts (id, pseudonym, opted_out, in_conversation, language, first_seen_at,"
    " last_seen_at) VALUES (1, 'p-running', false, true, 'en', :now, :now)",
    "INSERT INTO survey_responses (id, survey_id, version_id, channel, answers, started_on,"
    " completed_on) VALUES (1000, 1, 1, 'sms', '{\"colour\": \"Red\"}', :day, NULL)",
    "INSERT INTO conversations (id, contact_id, kind, ref, state, started_at, updated_at)"
    ' VALUES (1, 1, \'survey\', \'1\', \'{"version": 1, "question": "q2", "_response": 1000}\','
    " :now, :now)",
    'INSERT INTO survey_participations (id, survey_id, pseudonym, "on")'
    " VALUES (1, 1, 'p-finished', :day)",
    "INSERT INTO inbound_messages (message_sid, pseudonym, body_redacted, num_media, status,"
    " replies, received_at, handled_at)"
    " VALUES ('SM1', 'p-finished', '[survey answer]', 0, 'handled', '[]', :now, :now)",
]


def test_upgrading_keeps_finished_responses_shuffled_and_answers_in_progress(tmp_path):
    """Data written before the mixing pool: finished responses are written again with random
    ids, the answers of a survey in progress move into its conversation, participations
    become tokens, survey answers in the message log keep their day."""
    import json
    import os
    from datetime import UTC, date, datetime

    import flask_migrate
    from sqlalchemy import text

    from changemakers import create_app
    from surveys.services import participation_token
    from tests.support.apps import dispose_engines, settings_for_tests
    from tests.support.databases import fresh_database

    postgres = os.environ.get("TEST_DATABASE_URL", "")
    url = fresh_database("postgres" if postgres else "sqlite", postgres, tmp_path, "upgrading")
    app = create_app(settings_for_tests(url, tmp_path))
    directory = app.extensions["migrate"].directory
    now, day = datetime(2026, 11, 30, 15, 42, 7, tzinfo=UTC), date(2026, 11, 30)
    try:
        with app.app_context():
            flask_migrate.upgrade(directory=directory, revision="0007")
            with db.engine.begin() as connection:
                for statement in AT_0007:
                    connection.execute(text(statement), {"now": now, "day": day})
                for n in range(20):
                    connection.execute(
                        text(
                            "INSERT INTO survey_responses (survey_id, version_id, channel,"
                            " answers, started_on, completed_on)"
                            " VALUES (1, 1, 'web', :answers, :day, :day)"
                        ),
                        {"answers": json.dumps({"n": n}), "day": day},
                    )
            flask_migrate.upgrade(directory=directory)
            with db.engine.connect() as connection:
                rows = connection.execute(text("SELECT id, answers FROM survey_responses"))
                found = [(row.id, row.answers) for row in rows]
                state = connection.execute(text("SELECT state FROM conversations")).scalar_one()
                tokens = (
                    connection.execute(text("SELECT token FROM survey_participations"))
                    .scalars()
                    .all()
                )
                received = connection.execute(
                    text("SELECT received_at FROM inbound_messages")
                ).scalar_one()
                expected_token = participation_token(1, "p-finished")
            flask_migrate.downgrade(directory=directory, revision="0007")  # and back, whole
            with db.engine.connect() as connection:
                back = connection.execute(text("SELECT count(*) FROM survey_responses"))
                assert back.scalar_one() == 20
        answers = [json.loads(a) if isinstance(a, str) else a for _, a in found]
        assert sorted(a["n"] for a in answers) == list(range(20))  # the unfinished one went
        assert sorted(r[0] for r in found) != list(range(2, 22))  # random ids now
        assert [a["n"] for a in answers] != list(range(20))  # and another order
        state = json.loads(state) if isinstance(state, str) else state
        assert "_response" not in state and state["_answers"] == {"colour": "Red"}
        assert state["survey"] == 1 and state["_started_on"] == day.isoformat()
        assert tokens == [expected_token]
        assert str(received)[:10] == "2026-11-30" and "15:42" not in str(received)
    finally:
        dispose_engines(app)
