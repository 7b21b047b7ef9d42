"""pain diary with its own consent, daily prompt with the diary, uploaded files

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patients") as batch_op:
        batch_op.add_column(sa.Column("diary_consented_at", UtcDateTime(), nullable=True))
    with op.batch_alter_table("subscriptions") as batch_op:
        batch_op.add_column(
            sa.Column("with_diary", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "pain_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("tags", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_pain_scores_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pain_scores")),
        sa.UniqueConstraint("patient_id", "day", name="uq_pain_scores_day"),
    )
    op.create_table(
        "uploaded_files",
        sa.Column("key", sa.String(length=96), nullable=False),
        sa.Column("file_id", sa.String(length=256), nullable=False),
        sa.Column("uploaded_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_uploaded_files")),
    )


def downgrade() -> None:
    op.drop_table("uploaded_files")
    op.drop_table("pain_scores")
    with op.batch_alter_table("subscriptions") as batch_op:
        batch_op.drop_column("with_diary")
    with op.batch_alter_table("patients") as batch_op:
        batch_op.drop_column("diary_consented_at")
