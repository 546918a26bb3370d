"""The safeguarding detector: each alert's category and severity, and reviewed versions of the
detector's rules in place of the phrase list.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "category", sa.String(length=32), nullable=False, server_default="other_danger"
            )
        )
        batch_op.add_column(
            sa.Column(
                "severity",
                sa.Enum(
                    "immediate",
                    "concern",
                    name="alert_severity",
                    native_enum=False,
                    create_constraint=True,
                    length=16,
                ),
                nullable=False,
                server_default="concern",
            )
        )
        batch_op.create_index(batch_op.f("ix_alerts_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_severity"), ["severity"], unique=False)
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.alter_column("category", server_default=None)
        batch_op.alter_column("severity", server_default=None)

    op.create_table(
        "safeguarding_rule_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "in_force",
                "superseded",
                "returned",
                name="rule_set_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("evaluation", sa.JSON(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["staff_users.id"],
            name=op.f("fk_safeguarding_rule_sets_proposed_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["staff_users.id"],
            name=op.f("fk_safeguarding_rule_sets_decided_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_rule_sets")),
    )
    with op.batch_alter_table("safeguarding_rule_sets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safeguarding_rule_sets_status"), ["status"], unique=False
        )
    op.drop_table("phrase_lists")


def downgrade() -> None:
    op.create_table(
        "phrase_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phrases", sa.JSON(), nullable=False),
        sa.Column("should_alert", sa.JSON(), nullable=False),
        sa.Column("should_not_alert", sa.JSON(), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["saved_by_id"],
            ["staff_users.id"],
            name=op.f("fk_phrase_lists_saved_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phrase_lists")),
    )
    with op.batch_alter_table("safeguarding_rule_sets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safeguarding_rule_sets_status"))
    op.drop_table("safeguarding_rule_sets")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_severity"))
        batch_op.drop_index(batch_op.f("ix_alerts_category"))
        batch_op.drop_column("severity")
        batch_op.drop_column("category")
