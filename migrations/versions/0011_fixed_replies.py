"""Fixed replies as versioned content (draft, review, published): each keyword bound to a fixed
reply becomes a fixed reply with one published version, shipped with no author, and its keyword
names it.

Revision ID: 0011_fixed_replies
Revises: 0010
Create Date: 2026-12-04
"""

import datetime

import sqlalchemy as sa
from alembic import op

revision = "0011_fixed_replies"
down_revision = "0010"
branch_labels = None
depends_on = None

FIXED_REPLY = "reply"  # the keywords' kind for a fixed reply (messages/keywords.py)


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    fixed_replies = op.create_table(
        "fixed_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("keyword", sa.String(length=32), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fixed_replies")),
        sa.UniqueConstraint("keyword", name=op.f("uq_fixed_replies_keyword")),
    )
    versions = op.create_table(
        "fixed_reply_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fixed_reply_id", sa.Integer(), nullable=False),
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
            name=op.f("fk_fixed_reply_versions_author_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["fixed_reply_id"],
            ["fixed_replies.id"],
            name=op.f("fk_fixed_reply_versions_fixed_reply_id_fixed_replies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["staff_users.id"],
            name=op.f("fk_fixed_reply_versions_reviewer_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fixed_reply_versions")),
        sa.UniqueConstraint(
            "fixed_reply_id", "number", name=op.f("uq_fixed_reply_versions_fixed_reply_id")
        ),
    )
    op.create_index(
        "ix_fixed_reply_versions_fixed_reply_id", "fixed_reply_versions", ["fixed_reply_id"]
    )
    _publish_bound_replies(fixed_replies, versions)


def _publish_bound_replies(fixed_replies: sa.Table, versions: sa.Table) -> None:
    """Each keyword bound to a fixed reply becomes that reply's published version 1, as if
    loaded with the service (no author, so anyone may review its next version), and the
    keyword names it, as a published version binds it."""
    bind = op.get_bind()
    keywords = sa.table(
        "keywords",
        sa.column("word", sa.String()),
        sa.column("kind", sa.String()),
        sa.column("ref", sa.String()),
        sa.column("reply", sa.Text()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    bound = bind.execute(
        sa.select(keywords.c.word, keywords.c.reply, keywords.c.created_at)
        .where(keywords.c.kind == FIXED_REPLY)
        .order_by(keywords.c.word)
    ).all()
    now = datetime.datetime.now(datetime.UTC)
    for row in bound:
        fixed_reply_id = bind.execute(
            sa.insert(fixed_replies)
            .values(keyword=row.word, created_at=row.created_at or now)
            .returning(fixed_replies.c.id)
        ).scalar_one()
        bind.execute(
            sa.insert(versions).values(
                fixed_reply_id=fixed_reply_id,
                number=1,
                status="published",
                content={"keyword": row.word, "reply": row.reply or ""},
                author_id=None,
                contributor_ids=[],
                created_at=row.created_at or now,
                updated_at=now,
                published_at=row.created_at or now,
            )
        )
        bind.execute(
            sa.update(keywords).where(keywords.c.word == row.word).values(ref=str(fixed_reply_id))
        )


def downgrade() -> None:
    # The keywords stay bound to their published replies, as fixed replies were before.
    op.execute(f"UPDATE keywords SET ref = NULL WHERE kind = '{FIXED_REPLY}'")
    op.drop_index("ix_fixed_reply_versions_fixed_reply_id", table_name="fixed_reply_versions")
    op.drop_table("fixed_reply_versions")
    op.drop_table("fixed_replies")
