"""patients table

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("consented_at", UtcDateTime(), nullable=False),
        sa.Column("last_seen_at", UtcDateTime(), nullable=False),
        sa.Column("blocked_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_patients"),
        sa.UniqueConstraint("telegram_id", name="uq_patients_telegram_id"),
    )


def downgrade() -> None:
    op.drop_table("patients")
