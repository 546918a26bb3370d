"""Languages: the language menu on the contact, fixed replies' and helplines' translations, and
the language each survey response was given in (a language code only).

Revision ID: 0013_translations
Revises: 0012_whatsapp
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_translations"
down_revision = "0012_whatsapp"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as contacts:
        contacts.add_column(
            sa.Column("language_menu_open", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("keywords") as keywords:
        keywords.add_column(sa.Column("reply_translations", sa.JSON(), nullable=True))
    with op.batch_alter_table("signposts") as signposts:
        signposts.add_column(
            sa.Column("translations", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    with op.batch_alter_table("survey_responses") as responses:
        responses.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("survey_responses") as responses:
        responses.drop_column("language")
    with op.batch_alter_table("signposts") as signposts:
        signposts.drop_column("translations")
    with op.batch_alter_table("keywords") as keywords:
        keywords.drop_column("reply_translations")
    with op.batch_alter_table("contacts") as contacts:
        contacts.drop_column("language_menu_open")
