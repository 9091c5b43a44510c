"""Appointments and remote tickets booked from a phone; tickets remember their slot.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("appointment_at", sa.DateTime(), nullable=True))
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site_id", sa.String(40), nullable=False),
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("request", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("service_code", sa.String(40), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("slot_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("otp_hash", sa.String(64), nullable=False),
        sa.Column("otp_expires_at", sa.DateTime(), nullable=False),
        sa.Column("otp_attempts", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("ticket_number", sa.String(12), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
    )
    op.create_index("uq_booking_code", "bookings", ["site_id", "code"], unique=True)
    op.create_index("uq_booking_request", "bookings", ["request"], unique=True)
    op.create_index("ix_bookings_slot", "bookings", ["site_id", "service_code", "slot_at"])
    op.create_index("ix_bookings_day", "bookings", ["site_id", "service_day", "state"])
    op.create_index("ix_bookings_phone", "bookings", ["site_id", "phone", "created_at"])
    op.create_index("ix_bookings_id_hash", "bookings", ["site_id", "id_hash"])


def downgrade() -> None:
    for name in (
        "ix_bookings_id_hash",
        "ix_bookings_phone",
        "ix_bookings_day",
        "ix_bookings_slot",
        "uq_booking_request",
        "uq_booking_code",
    ):
        op.drop_index(name, table_name="bookings")
    op.drop_table("bookings")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("appointment_at")
