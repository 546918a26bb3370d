"""The disclosure gate: each survey response's record key (0 to 255, drawn at random), for cell
key perturbation of the findings.

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0007"
branch_labels = None
depends_on = None


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


def downgrade() -> None:
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_column("record_key")
