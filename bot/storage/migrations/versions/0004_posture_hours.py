"""posture subscriptions keep their own working hours

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch_op:
        batch_op.alter_column(
            "local_time", existing_type=sa.String(length=5), type_=sa.String(length=11)
        )
    # Posture subscriptions stored their start time; give them the default working hours.
    op.execute(
        "UPDATE subscriptions SET local_time = local_time || '-18:00' WHERE kind = 'posture'"
    )


def downgrade() -> None:
    op.execute("UPDATE subscriptions SET local_time = substr(local_time, 1, 5)")
    with op.batch_alter_table("subscriptions") as batch_op:
        batch_op.alter_column(
            "local_time", existing_type=sa.String(length=11), type_=sa.String(length=5)
        )
