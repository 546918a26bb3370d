"""Message flows and their versions, and the signposting directory with its shipped entries.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The services the signposting directory ships with (``messages/signposting.py``), to be
# checked by reviewers by this date.
SHIPPED_SIGNPOSTS = [
    ("emergency", "Emergency services", "999", "999", "24 hours", "anyone in danger now"),
    (
        "childline",
        "Childline",
        "Childline on 0800 1111",
        "0800 1111",
        "24 hours",
        "children and young people under 19",
    ),
    ("shout", "Shout", "text SHOUT to 85258", "text SHOUT to 85258", "24 hours", "anyone"),
    (
        "nspcc",
        "NSPCC helpline",
        "the NSPCC on 0808 800 5000",
        "0808 800 5000",
        "Monday to Friday 8am to 10pm, weekends 9am to 6pm",
        "adults worried about a child",
    ),
    (
        "fearless",
        "Fearless (Crimestoppers)",
        "Fearless, anonymously, on 0800 555 111 or at fearless.org",
        "0800 555 111",
        "24 hours",
        "young people reporting crime anonymously",
    ),
]
REVIEW_BY = datetime.date(2027, 5, 1)


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "flows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("keyword", sa.String(length=32), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flows")),
    )
    op.create_index("ix_flows_keyword", "flows", ["keyword"])
    signposts = op.create_table(
        "signposts",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("text", sa.String(length=160), nullable=False),
        sa.Column("contact", sa.String(length=80), nullable=False),
        sa.Column("hours", sa.String(length=80), nullable=False),
        sa.Column("audience", sa.String(length=160), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_signposts")),
    )
    op.create_table(
        "flow_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flow_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "in_review",
                "published",
                "archived",
                name="content_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("contributor_ids", sa.JSON(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("submitted_at", nullable=True),
        _timestamp("published_at", nullable=True),
        _timestamp("archived_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["staff_users.id"],
            name=op.f("fk_flow_versions_author_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["flows.id"],
            name=op.f("fk_flow_versions_flow_id_flows"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["staff_users.id"],
            name=op.f("fk_flow_versions_reviewer_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_versions")),
        sa.UniqueConstraint("flow_id", "number", name=op.f("uq_flow_versions_flow_id")),
    )
    op.create_index("ix_flow_versions_flow_id", "flow_versions", ["flow_id"])
    now = datetime.datetime.now(datetime.UTC)
    op.bulk_insert(
        signposts,
        [
            dict(
                zip(("name", "title", "text", "contact", "hours", "audience"), row, strict=True),
                review_by=REVIEW_BY,
                updated_at=now,
            )
            for row in SHIPPED_SIGNPOSTS
        ],
    )


def downgrade() -> None:
    op.drop_table("flow_versions")
    op.drop_table("signposts")
    op.drop_table("flows")
