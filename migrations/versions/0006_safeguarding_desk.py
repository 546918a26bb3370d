"""The safeguarding desk (alerts picked up, closed and replied to), saved phrase lists, MYDATA
references, and when each periodic job last ran.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_references",
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_data_references")),
        sa.UniqueConstraint("pseudonym", name=op.f("uq_data_references_pseudonym")),
    )
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_runs")),
    )
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
    op.create_table(
        "alert_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("form_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_replies_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["staff_users.id"],
            name=op.f("fk_alert_replies_author_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_replies")),
        sa.UniqueConstraint("form_token", name=op.f("uq_alert_replies_form_token")),
    )
    with op.batch_alter_table("alert_replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_replies_alert_id"), ["alert_id"], unique=False)

    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_to_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("picked_up_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("close_note", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_alerts_closed_at"), ["closed_at"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_alerts_assigned_to_id_staff_users"),
            "staff_users",
            ["assigned_to_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # The directory keeps a service's bare number or text code; the words around it are in
    # the entry's text.
    op.execute(
        "UPDATE signposts SET contact = '85258' "
        "WHERE name = 'shout' AND contact = 'text SHOUT to 85258'"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE signposts SET contact = 'text SHOUT to 85258' "
        "WHERE name = 'shout' AND contact = '85258'"
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_alerts_assigned_to_id_staff_users"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_alerts_closed_at"))
        batch_op.drop_column("close_note")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("picked_up_at")
        batch_op.drop_column("assigned_to_id")

    with op.batch_alter_table("alert_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_replies_alert_id"))

    op.drop_table("alert_replies")
    op.drop_table("phrase_lists")
    op.drop_table("job_runs")
    op.drop_table("data_references")
