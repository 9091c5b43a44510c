"""Failed logins per officer id and device; PINs older versions logged are scrubbed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa

from shared.storage.scrub import scrub_login_payloads


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("site_id", "scope", "subject"),
    )
    # Up to 0003 the audit log kept officer_login payloads whole, PIN included.
    scrub_login_payloads(op.get_bind())


def downgrade() -> None:
    op.drop_table("login_failures")  # the scrubbed PINs cannot come back, and must not
