"""Dossiers, their steps and pauses, the procedure catalogue, officers, sessions, ratings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:33:20.681739
"""

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("token", sa.String(length=16), nullable=False),
        sa.Column("procedure_code", sa.String(length=60), nullable=False),
        sa.Column("procedure_name", sa.String(length=400), nullable=False),
        sa.Column("department", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("citizen_name", sa.String(length=200), nullable=False),
        sa.Column("citizen_id_number", sa.String(length=20), nullable=False),
        sa.Column("citizen_address", sa.String(length=400), nullable=False),
        sa.Column("citizen_phone", sa.String(length=20), nullable=False),
        sa.Column("citizen_email", sa.String(length=200), nullable=False),
        sa.Column("documents", sa.Text(), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=False),
        sa.Column("legal_days", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("received_by", sa.String(length=40), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("legal_due", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("apology_at", sa.DateTime(), nullable=True),
        sa.Column("apology_reason", sa.String(length=400), nullable=False),
        sa.Column("apology_by", sa.String(length=40), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("returned_at", sa.DateTime(), nullable=True),
        sa.Column("return_place", sa.String(length=200), nullable=False),
        sa.Column("fee", sa.String(length=400), nullable=False),
        sa.Column("counter_id", sa.String(length=40), nullable=True),
        sa.Column("ticket_number", sa.String(length=12), nullable=True),
        sa.Column("late_notice_at", sa.DateTime(), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", name="uq_dossier_code"),
        sa.UniqueConstraint("token", name="uq_dossier_token"),
    )
    op.create_index(
        "ix_dossiers_open", "dossiers", ["site_id", "status", "legal_due"], unique=False
    )
    op.create_index("ix_dossiers_received", "dossiers", ["site_id", "received_at"], unique=False)
    op.create_table(
        "officer_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("counter_id", sa.String(length=40), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_officer_sessions",
        "officer_sessions",
        ["site_id", "officer_id", "started_at"],
        unique=False,
    )
    op.create_table(
        "officers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("counters", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "officer_id", name="uq_officer"),
    )
    op.create_table(
        "procedures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("department", sa.String(length=40), nullable=False),
        sa.Column("legal_days", sa.Integer(), nullable=False),
        sa.Column("fee", sa.String(length=400), nullable=False),
        sa.Column("return_place", sa.String(length=200), nullable=False),
        sa.Column("service_code", sa.String(length=40), nullable=True),
        sa.Column("documents", sa.Text(), nullable=False),
        sa.Column("search", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "code", name="uq_procedure_code"),
    )
    op.create_table(
        "dossier_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dossier_id", "position", name="uq_dossier_pause"),
    )
    op.create_table(
        "dossier_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("from_unit", sa.String(length=200), nullable=False),
        sa.Column("to_unit", sa.String(length=200), nullable=False),
        sa.Column("receiver", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dossier_id", "position", name="uq_dossier_step"),
    )
    op.create_index("ix_dossier_steps_kind", "dossier_steps", ["kind", "at"], unique=False)
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("counter_id", sa.String(length=40), nullable=False),
        sa.Column("officer_id", sa.String(length=40), nullable=True),
        sa.Column("dossier_code", sa.String(length=60), nullable=True),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("scale", sa.SmallInteger(), nullable=False),
        sa.Column("rated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id", name="uq_rating_ticket"),
    )
    op.create_index("ix_ratings_time", "ratings", ["site_id", "rated_at"], unique=False)
    op.create_table(
        "ticket_dossiers",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ticket_id", "dossier_id"),
    )


def downgrade() -> None:
    op.drop_table("ticket_dossiers")
    op.drop_index("ix_ratings_time", table_name="ratings")
    op.drop_table("ratings")
    op.drop_index("ix_dossier_steps_kind", table_name="dossier_steps")
    op.drop_table("dossier_steps")
    op.drop_table("dossier_pauses")
    op.drop_table("procedures")
    op.drop_table("officers")
    op.drop_index("ix_officer_sessions", table_name="officer_sessions")
    op.drop_table("officer_sessions")
    op.drop_index("ix_dossiers_received", table_name="dossiers")
    op.drop_index("ix_dossiers_open", table_name="dossiers")
    op.drop_table("dossiers")
