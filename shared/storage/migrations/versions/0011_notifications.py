"""Messages to citizens: the notification outbox.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-14 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("channels", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(160), nullable=False),
        sa.Column("reference", sa.String(60), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("resends", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("in_flight_at", sa.DateTime(), nullable=True),
        sa.Column("worker", sa.String(64), nullable=False),
        sa.Column("last_error", sa.String(300), nullable=False),
        sa.Column("provider_id", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("recipient_removed_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("site_id", "dedupe_key", name="uq_notification_dedupe"),
    )
    op.create_index(
        "ix_notifications_due", "notifications", ["site_id", "state", "next_attempt_at"]
    )
    op.create_index("ix_notifications_reference", "notifications", ["site_id", "reference"])


def downgrade() -> None:
    op.drop_index("ix_notifications_reference", table_name="notifications")
    op.drop_index("ix_notifications_due", table_name="notifications")
    op.drop_table("notifications")
