"""Queue core tables: tickets, periods, number sequences, counters, command log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:34:04.074458
"""

from alembic import op
import sqlalchemy as sa


revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "command_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("verb", sa.String(length=40), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error_code", sa.String(length=40), nullable=True),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "device_id", "request_id", name="uq_command_request"),
    )
    op.create_index("ix_command_log_time", "command_log", ["site_id", "received_at"], unique=False)
    op.create_table(
        "counter_states",
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("counter_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=True),
        sa.Column("current_ticket_id", sa.Integer(), nullable=True),
        sa.Column("priority_streak", sa.Integer(), nullable=False),
        sa.Column("pause_reason", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "counter_id"),
    )
    op.create_table(
        "number_sequences",
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("prefix", sa.String(length=3), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "service_day", "prefix"),
    )
    op.create_table(
        "site_state",
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("site_id"),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("number", sa.String(length=12), nullable=False),
        sa.Column("prefix", sa.String(length=3), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("original_service", sa.String(length=40), nullable=False),
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("priority", sa.String(length=40), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("counter_id", sa.String(length=40), nullable=True),
        sa.Column("target_counter", sa.String(length=40), nullable=True),
        sa.Column("front", sa.Boolean(), nullable=False),
        sa.Column("recall_count", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "service_day", "number", name="uq_ticket_number"),
    )
    op.create_index(
        "ix_tickets_queue",
        "tickets",
        ["site_id", "service_day", "state", "service_code"],
        unique=False,
    )
    op.create_table(
        "ticket_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("counter_id", sa.String(length=40), nullable=True),
        sa.Column("officer_id", sa.String(length=40), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id", "position", name="uq_period_position"),
    )
    op.create_index("ix_periods_kind_time", "ticket_periods", ["kind", "started_at"], unique=False)


def downgrade() -> None:

    op.drop_index("ix_periods_kind_time", table_name="ticket_periods")
    op.drop_table("ticket_periods")
    op.drop_index("ix_tickets_queue", table_name="tickets")
    op.drop_table("tickets")
    op.drop_table("site_state")
    op.drop_table("number_sequences")
    op.drop_table("counter_states")
    op.drop_index("ix_command_log_time", table_name="command_log")
    op.drop_table("command_log")
