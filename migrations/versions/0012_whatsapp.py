"""WhatsApp: the channel a participant used last and their last WhatsApp message (the 24-hour
window), and the outbox's quick-reply buttons.

Revision ID: 0012_whatsapp
Revises: 0011_fixed_replies
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_whatsapp"
down_revision = "0011_fixed_replies"
branch_labels = None
depends_on = None

_PURPOSES = ("follow_up", "broadcast", "staff_reply", "late_reply", "staff_alert")


def _purposes(*values: str) -> sa.TextClause:
    return sa.text("purpose IN (" + ", ".join(f"'{value}'" for value in values) + ")")


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=16), nullable=False, server_default="sms")
        )
        batch_op.add_column(
            sa.Column("whatsapp_seen_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.alter_column("channel", server_default=None)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("choices", sa.JSON(), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_outbox_outbox_purpose"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_outbox_outbox_purpose"), _purposes(*_PURPOSES, "buttons")
        )


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE purpose = 'buttons'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_outbox_outbox_purpose"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_outbox_outbox_purpose"), _purposes(*_PURPOSES)
        )
        batch_op.drop_column("choices")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("whatsapp_seen_at")
        batch_op.drop_column("channel")
