"""Request ids are scoped per (device, command): the same id for another verb is a new request.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 09:00:00.000000
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("command_log") as batch:
        batch.drop_constraint("uq_command_request", type_="unique")
        batch.create_unique_constraint(
            "uq_command_request", ["site_id", "device_id", "verb", "request_id"]
        )


def downgrade() -> None:
    # Rows reusing an id for another verb would break the narrower key: they cannot go back.
    with op.batch_alter_table("command_log") as batch:
        batch.drop_constraint("uq_command_request", type_="unique")
        batch.create_unique_constraint("uq_command_request", ["site_id", "device_id", "request_id"])
