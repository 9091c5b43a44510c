"""Each agency code belongs to one site: dossier codes cannot collide between branches.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 13:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency_codes",
        sa.Column("agency_code", sa.String(30), primary_key=True),
        sa.Column("site_id", sa.String(40), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("agency_codes")
