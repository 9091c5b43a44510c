"""Personal data: the access log of reads of citizens' fields, and dossiers' keyed ID hashes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "personal_data_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("dossier_code", sa.String(length=60), nullable=True),
        sa.Column("fields", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_personal_data_access_time", "personal_data_access", ["site_id", "at"], unique=False
    )
    op.create_index(
        "ix_personal_data_access_dossier", "personal_data_access", ["dossier_code"], unique=False
    )
    # Hashes are written by `motcua data` (which holds the site key), not by this migration.
    op.create_table(
        "dossier_privacy",
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("contact_removed_at", sa.DateTime(), nullable=True),
        sa.Column("erased_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("dossier_id"),
    )
    op.create_index("ix_dossier_privacy_hash", "dossier_privacy", ["id_hash"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_dossier_privacy_hash", table_name="dossier_privacy")
    op.drop_table("dossier_privacy")
    op.drop_index("ix_personal_data_access_dossier", table_name="personal_data_access")
    op.drop_index("ix_personal_data_access_time", table_name="personal_data_access")
    op.drop_table("personal_data_access")
