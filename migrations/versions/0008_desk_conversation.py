"""The desk holds a conversation: each alert's thread with the young person (and a flag on the
contact while one may be open), the reviewers on duty, the notifications that tell them of new
alerts, and the outbox's texts to the staff on-call phone.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ALERT_TIMES = (
    "first_response_at",
    "thread_opened_at",
    "thread_ended_at",
    "last_message_at",
    "awaiting_reply_since",
    "acknowledged_at",
    "flagged_at",
    "notified_at",
    "escalated_at",
)


_PURPOSES = ("follow_up", "broadcast", "staff_reply", "late_reply")


def _purposes(*values: str) -> sa.TextClause:
    return sa.text("purpose IN (" + ", ".join(f"'{value}'" for value in values) + ")")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=16)


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_outbox_outbox_purpose"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_outbox_outbox_purpose"), _purposes(*_PURPOSES, "staff_alert")
        )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("in_desk_thread", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.alter_column("in_desk_thread", server_default=None)
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        for name in _ALERT_TIMES:
            batch_op.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("thread_end_reason", sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_alerts_notified_at"), ["notified_at"], unique=False)
    op.create_table(
        "alert_thread_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("from_young_person", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_thread_messages_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_thread_messages")),
    )
    with op.batch_alter_table("alert_thread_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_thread_messages_alert_id"), ["alert_id"], unique=False
        )
    op.create_table(
        "reviewers_on_duty",
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_users.id"],
            name=op.f("fk_reviewers_on_duty_staff_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_user_id", name=op.f("pk_reviewers_on_duty")),
    )
    op.create_table(
        "alert_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind", _enum("notification_kind", "immediate", "reminder", "digest"), nullable=False
        ),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("status", _enum("notification_status", "queued", "sent"), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_notifications_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_notifications")),
    )
    with op.batch_alter_table("alert_notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_notifications_alert_id"), ["alert_id"], unique=False
        )
        batch_op.create_index(
            "ix_alert_notifications_status_next", ["status", "next_attempt_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("alert_notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_notifications_status_next")
        batch_op.drop_index(batch_op.f("ix_alert_notifications_alert_id"))
    op.drop_table("alert_notifications")
    op.drop_table("reviewers_on_duty")
    with op.batch_alter_table("alert_thread_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_thread_messages_alert_id"))
    op.drop_table("alert_thread_messages")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_notified_at"))
        batch_op.drop_column("thread_end_reason")
        for name in reversed(_ALERT_TIMES):
            batch_op.drop_column(name)
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("in_desk_thread")
    op.execute("DELETE FROM outbox WHERE purpose = 'staff_alert'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_outbox_outbox_purpose"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_outbox_outbox_purpose"), _purposes(*_PURPOSES)
        )
