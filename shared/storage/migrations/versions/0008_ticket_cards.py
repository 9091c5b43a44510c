"""ID card details a citizen shares at the kiosk for the counter, kept until the ticket ends.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 14:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_cards",
        sa.Column(
            "ticket_id",
            sa.Integer(),
            sa.ForeignKey("tickets.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("site_id", sa.String(40), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("full_name", sa.String(100), nullable=False),
        sa.Column("id_number", sa.String(12), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("attached_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_ticket_cards_site_id", "ticket_cards", ["site_id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_cards_site_id", table_name="ticket_cards")
    op.drop_table("ticket_cards")
