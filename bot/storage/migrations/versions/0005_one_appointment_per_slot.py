"""a patient has at most one active appointment at a given time (a double tap on Save)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Duplicates saved by a double tap before this revision: keep the first, cancel the rest.
    op.execute(
        "UPDATE appointments SET status = 'cancelled' WHERE status != 'cancelled' AND EXISTS ("
        " SELECT 1 FROM appointments AS first WHERE first.patient_id = appointments.patient_id"
        " AND first.starts_at = appointments.starts_at AND first.status != 'cancelled'"
        " AND first.id < appointments.id)"
    )
    op.create_index(
        "uq_appointments_active_slot",
        "appointments",
        ["patient_id", "starts_at"],
        unique=True,
        sqlite_where=sa.text("status != 'cancelled'"),
        postgresql_where=sa.text("status != 'cancelled'"),
    )


def downgrade() -> None:
    op.drop_index("uq_appointments_active_slot", table_name="appointments")
