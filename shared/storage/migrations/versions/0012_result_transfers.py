"""Results transferred between branches: the dossier's return point, held results, notices.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 17:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("result_site_id", sa.String(40), nullable=True))
        batch.add_column(
            sa.Column("result_site_name", sa.String(200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("result_arrived_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("central_sites") as batch:
        batch.add_column(sa.Column("base", sa.String(200), nullable=False, server_default=""))
    op.create_table(
        "held_results",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site_id", sa.String(40), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("owner_site_id", sa.String(40), nullable=False),
        sa.Column("owner_site_name", sa.String(200), nullable=False),
        sa.Column("view", sa.Text(), nullable=False),
        sa.Column("arrived_at", sa.DateTime(), nullable=False),
        sa.Column("arrived_by", sa.String(40), nullable=False),
        sa.Column("returned_at", sa.DateTime(), nullable=True),
        sa.Column("returned_by", sa.String(40), nullable=False),
        sa.Column("return_counter", sa.String(40), nullable=False),
        sa.Column("return_ticket", sa.String(12), nullable=False),
        sa.UniqueConstraint("site_id", "code", name="uq_held_result_code"),
    )
    _outbox_of_codes()
    op.create_table(
        "central_handovers",
        sa.Column("code", sa.String(60), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("site_id", sa.String(40), nullable=False),
        sa.Column("owner_site_id", sa.String(40), nullable=False),
        sa.Column("notice", sa.Text(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
    )
    op.create_index(
        "ix_central_handovers_owner_site_id", "central_handovers", ["owner_site_id"]
    )
    op.create_index("ix_central_handovers_applied_at", "central_handovers", ["applied_at"])


def _outbox_of_codes() -> None:
    """The outbox keyed by code: a row may be a notice about a result held here (no dossier)."""
    op.create_table(
        "dossier_outbox_by_code",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "dossier_id",
            sa.Integer(),
            sa.ForeignKey("dossiers.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("site_id", sa.String(40), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("acked_version", sa.Integer(), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.Column("entry", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.execute(
        "INSERT INTO dossier_outbox_by_code (dossier_id, kind, site_id, code, version, "
        "acked_version, pending, entry, updated_at) SELECT dossier_id, 'dossier', site_id, code, "
        "version, acked_version, pending, entry, updated_at FROM dossier_outbox"
    )
    op.drop_index("ix_outbox_pending", "dossier_outbox")
    op.drop_table("dossier_outbox")
    op.rename_table("dossier_outbox_by_code", "dossier_outbox")
    op.create_index("uq_outbox_code", "dossier_outbox", ["site_id", "code"], unique=True)
    op.create_index("uq_outbox_dossier", "dossier_outbox", ["dossier_id"], unique=True)
    op.create_index(
        "ix_outbox_pending", "dossier_outbox", ["site_id", "pending", "updated_at"]
    )


def _outbox_of_dossiers() -> None:
    """Back to one outbox row per dossier (notices about held results are dropped)."""
    op.create_table(
        "dossier_outbox_by_dossier",
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
    )
    op.execute(
        "INSERT INTO dossier_outbox_by_dossier (dossier_id, site_id, code, version, "
        "acked_version, pending, entry, updated_at) SELECT dossier_id, site_id, code, version, "
        "acked_version, pending, entry, updated_at FROM dossier_outbox "
        "WHERE dossier_id IS NOT NULL"
    )
    for index in ("ix_outbox_pending", "uq_outbox_dossier", "uq_outbox_code"):
        op.drop_index(index, "dossier_outbox")
    op.drop_table("dossier_outbox")
    op.rename_table("dossier_outbox_by_dossier", "dossier_outbox")
    op.create_index("uq_outbox_code", "dossier_outbox", ["site_id", "code"], unique=True)
    op.create_index(
        "ix_outbox_pending", "dossier_outbox", ["site_id", "pending", "updated_at"]
    )


def downgrade() -> None:
    op.drop_table("central_handovers")
    _outbox_of_dossiers()
    op.drop_table("held_results")
    with op.batch_alter_table("central_sites") as batch:
        batch.drop_column("base")
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("result_arrived_at")
        batch.drop_column("result_site_name")
        batch.drop_column("result_site_id")
