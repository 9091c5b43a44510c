"""Per-ticket facts for the reports, backfilled from the periods of every finished ticket.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa

from shared.storage.facts import backfill


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_facts",
        sa.Column("ticket_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("original_service", sa.String(length=40), nullable=False),
        sa.Column("priority", sa.String(length=40), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("transfers", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("wait_seconds", sa.Float(), nullable=True),
        sa.Column("wait_counter", sa.String(length=40), nullable=True),
        sa.Column("wait_officer", sa.String(length=40), nullable=True),
        sa.Column("service_started_at", sa.DateTime(), nullable=True),
        sa.Column("service_seconds", sa.Float(), nullable=True),
        sa.Column("service_code", sa.String(length=40), nullable=True),
        sa.Column("service_counter", sa.String(length=40), nullable=True),
        sa.Column("service_officer", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ticket_id"),
    )
    op.create_index(
        "ix_ticket_facts_day", "ticket_facts", ["site_id", "service_day"], unique=False
    )
    # One INSERT…SELECT, so a database upgraded with a history reports it at once.
    backfill(op.get_bind())
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE ticket_facts")  # so reports plan against the filled table at once


def downgrade() -> None:
    op.drop_index("ix_ticket_facts_day", table_name="ticket_facts")
    op.drop_table("ticket_facts")
