"""The provincial dossier index: each branch's outbox, and the central index's tables.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_outbox",
        sa.Column(
            "dossier_id",
            sa.Integer(),
            sa.ForeignKey("dossiers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("site_id", sa.String(40), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("acked_version", sa.Integer(), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.Column("entry", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("site_id", "code", name="uq_outbox_code"),
    )
    op.create_index(
        "ix_outbox_pending", "dossier_outbox", ["site_id", "pending", "updated_at"]
    )
    op.create_table(
        "central_dossiers",
        sa.Column("code", sa.String(60), primary_key=True),
        sa.Column("site_id", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(12), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=True),
        sa.Column("entry", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_central_token", "central_dossiers", ["token_hash"])
    op.create_index("ix_central_dossiers_site_id", "central_dossiers", ["site_id"])
    op.create_table(
        "central_sites",
        sa.Column("site_id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key_id", sa.String(12), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("central_sites")
    op.drop_index("ix_central_dossiers_site_id", table_name="central_dossiers")
    op.drop_index("ix_central_token", table_name="central_dossiers")
    op.drop_table("central_dossiers")
    op.drop_index("ix_outbox_pending", table_name="dossier_outbox")
    op.drop_table("dossier_outbox")
