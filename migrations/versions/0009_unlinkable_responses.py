"""Unlinkable survey responses: a mixing pool, random response ids, test responses marked,
participation as a keyed token that survives DELETE, one-time web submission tokens.

Existing data is brought in line: the answers of SMS surveys in progress move into their
conversation's state and unfinished responses go; finished responses are written again in
random order with random ids; participations become tokens; the times of survey answers in
the message log become days.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

import hashlib
import hmac
import json
import secrets
from datetime import date

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

RESPONSE_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ANONYMOUS_ANSWER = "[survey answer]"

responses = sa.table(
    "survey_responses",
    sa.column("id", sa.BigInteger()),
    sa.column("survey_id", sa.Integer()),
    sa.column("version_id", sa.Integer()),
    sa.column("channel", sa.String()),
    sa.column("answers", sa.JSON()),
    sa.column("started_on", sa.Date()),
    sa.column("completed_on", sa.Date()),
)
conversations = sa.table(
    "conversations",
    sa.column("id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("state", sa.JSON()),
    sa.column("ended_at", sa.DateTime(timezone=True)),
)


def _state(value: object) -> dict:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def _answers_into_conversations(bind: sa.Connection) -> None:
    """An SMS survey in progress keeps its answers in its state, not in a response row."""
    running = bind.execute(
        sa.select(conversations.c.id, conversations.c.state).where(
            conversations.c.kind == "survey", conversations.c.ended_at.is_(None)
        )
    ).all()
    for row in running:
        state = _state(row.state)
        response_id = state.pop("_response", None)
        found = bind.execute(
            sa.select(responses.c.survey_id, responses.c.answers, responses.c.started_on).where(
                responses.c.id == response_id
            )
        ).first()
        if found is None:
            continue
        state.update(
            survey=found.survey_id,
            _answers=_state(found.answers),
            _started_on=found.started_on.isoformat(),
        )
        bind.execute(conversations.update().where(conversations.c.id == row.id).values(state=state))
    bind.execute(responses.delete().where(responses.c.completed_on.is_(None)))


def _responses_rewritten(bind: sa.Connection) -> None:
    """Every response again, shuffled, with a random id (rows in a new physical order)."""
    rows = [dict(row._mapping) for row in bind.execute(sa.select(responses)).all()]
    bind.execute(responses.delete())
    secrets.SystemRandom().shuffle(rows)
    used: set[int] = set()
    for row in rows:
        row["id"] = secrets.randbits(53) or 1
        while row["id"] in used:
            row["id"] = secrets.randbits(53) or 1
        used.add(row["id"])
        bind.execute(responses.insert().values(**row))


def _participations_as_tokens(bind: sa.Connection) -> list[dict]:
    old = sa.table(
        "survey_participations",
        sa.column("survey_id", sa.Integer()),
        sa.column("pseudonym", sa.String()),
        sa.column("on", sa.Date()),
    )
    key = current_app.config["PSEUDONYM_KEY"].encode()
    return [
        {
            "token": hmac.new(
                key, f"answered survey {row.survey_id}: {row.pseudonym}".encode(), hashlib.sha256
            ).hexdigest(),
            "survey_id": row.survey_id,
            "on": row.on,
        }
        for row in bind.execute(sa.select(old.c.survey_id, old.c.pseudonym, old.c.on))
    ]


def upgrade() -> None:
    bind = op.get_bind()
    _answers_into_conversations(bind)

    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.alter_column(
            "id",
            existing_type=sa.Integer(),
            type_=RESPONSE_ID,
            server_default=None,
            existing_nullable=False,
        )
        batch_op.add_column(
            sa.Column("is_test", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    if bind.dialect.name == "postgresql":
        op.execute("DROP SEQUENCE IF EXISTS survey_responses_id_seq")
    _responses_rewritten(bind)

    participations = _participations_as_tokens(bind)
    op.drop_table("survey_participations")
    participation_table = op.create_table(
        "survey_participations",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_participations_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_survey_participations")),
    )
    with op.batch_alter_table("survey_participations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_participations_survey_id"), ["survey_id"], unique=False
        )
    if participations:
        op.bulk_insert(participation_table, participations)

    op.create_table(
        "survey_pools",
        sa.Column("survey_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("responses", sa.JSON(), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.Column("oldest_day", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_pools_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", name=op.f("pk_survey_pools")),
    )
    op.create_table(
        "survey_submission_tokens",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_submission_tokens_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_survey_submission_tokens")),
    )
    with op.batch_alter_table("survey_submission_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_submission_tokens_survey_id"), ["survey_id"], unique=False
        )

    # The survey answers already in the message log keep their day only.
    if bind.dialect.name == "postgresql":
        day = "date_trunc('day', received_at)"
    else:
        day = "substr(received_at, 1, 10) || ' 00:00:00.000000'"
    op.execute(
        sa.text(
            f"UPDATE inbound_messages SET received_at = {day}, handled_at = {day} "
            "WHERE body_redacted = :answer"
        ).bindparams(answer=ANONYMOUS_ANSWER)
    )


def downgrade() -> None:
    """The tables as they were. Participation tokens cannot become pseudonyms again, so
    participations start afresh; waiting responses join the results; test responses go."""
    bind = op.get_bind()
    kept = [
        dict(row._mapping)
        for row in bind.execute(sa.select(responses).where(sa.text("NOT is_test"))).all()
    ]
    for pool in bind.execute(sa.text("SELECT survey_id, responses FROM survey_pools")).all():
        waiting = json.loads(pool.responses) if isinstance(pool.responses, str) else pool.responses
        kept += [
            {
                "survey_id": pool.survey_id,
                "version_id": item["version"],
                "channel": item["channel"],
                "answers": item["answers"],
                "started_on": date.fromisoformat(item["started_on"]),
                "completed_on": date.fromisoformat(item["completed_on"]),
            }
            for item in waiting
            if not item.get("test")
        ]
    secrets.SystemRandom().shuffle(kept)
    with op.batch_alter_table("survey_submission_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_submission_tokens_survey_id"))
    op.drop_table("survey_submission_tokens")
    op.drop_table("survey_pools")
    with op.batch_alter_table("survey_participations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_participations_survey_id"))
    op.drop_table("survey_participations")
    op.create_table(
        "survey_participations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_participations_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_participations")),
        sa.UniqueConstraint(
            "survey_id", "pseudonym", name=op.f("uq_survey_participations_survey_id")
        ),
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_responses_version_id"))
        batch_op.drop_index(batch_op.f("ix_survey_responses_survey_id"))
    op.drop_table("survey_responses")
    table = op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "web",
                "sms",
                name="survey_channel",
                native_enum=False,
                create_constraint=True,
                length=8,
            ),
            nullable=False,
        ),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_responses_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["survey_versions.id"],
            name=op.f("fk_survey_responses_version_id_survey_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_responses_survey_id"), ["survey_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_survey_responses_version_id"), ["version_id"], unique=False
        )
    if kept:
        op.bulk_insert(
            table, [{key: row[key] for key in row if key not in ("id", "is_test")} for row in kept]
        )
