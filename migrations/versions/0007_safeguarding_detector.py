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


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_severity"))
        batch_op.drop_index(batch_op.f("ix_alerts_category"))
        batch_op.drop_column("severity")
        batch_op.drop_column("category")
