"""The disclosure gate: each survey response's record key (0 to 255, drawn at random), for cell
key perturbation of the findings; the Changemakers' coding of free-text answers (a codebook of
themes per question, each coder's reading of each answer) and quotes proposed for the board.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# As survey_responses.id (0009): random 53-bit ids, the rowid on SQLite.
RESPONSE_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_key", sa.SmallInteger(), nullable=True))
    # Responses made before the gate draw their keys now: random, as new ones are.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE survey_responses SET record_key = floor(random() * 256)::int")
    else:
        op.execute("UPDATE survey_responses SET record_key = abs(random()) % 256")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.alter_column("record_key", existing_type=sa.SmallInteger(), nullable=False)
    op.create_table(
        "survey_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_themes_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_themes")),
        sa.UniqueConstraint(
            "survey_id",
            "question_id",
            "name",
            name=op.f("uq_survey_themes_survey_id"),
        ),
    )
    op.create_table(
        "survey_codings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", RESPONSE_ID, nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["staff_users.id"],
            name=op.f("fk_survey_codings_coder_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_survey_codings_response_id_survey_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["survey_themes.id"],
            name=op.f("fk_survey_codings_theme_id_survey_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_codings")),
        sa.UniqueConstraint(
            "response_id",
            "question_id",
            "coder_id",
            "theme_id",
            name=op.f("uq_survey_codings_response_id"),
        ),
    )
    op.create_index(
        op.f("ix_survey_codings_response_id"), "survey_codings", ["response_id"], unique=False
    )
    op.create_table(
        "survey_quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", RESPONSE_ID, nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "approved",
                "refused",
                name="quote_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"],
            ["staff_users.id"],
            name=op.f("fk_survey_quotes_proposed_by_staff_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_survey_quotes_response_id_survey_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"],
            ["staff_users.id"],
            name=op.f("fk_survey_quotes_reviewed_by_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["survey_themes.id"],
            name=op.f("fk_survey_quotes_theme_id_survey_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_quotes")),
        sa.UniqueConstraint(
            "response_id", "question_id", name=op.f("uq_survey_quotes_response_id")
        ),
    )
    op.create_index(
        op.f("ix_survey_quotes_response_id"), "survey_quotes", ["response_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("survey_quotes")
    op.drop_table("survey_codings")
    op.drop_table("survey_themes")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_column("record_key")
