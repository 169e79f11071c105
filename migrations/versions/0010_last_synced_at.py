"""When each device last synced: sync_clients.last_synced_at, set by every push and (at most
once a minute) by every pull, so a manager sees when each rep's devices last reached the server.
Devices known already start from their last push.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sync_clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_synced_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "sync_clients_user_synced_idx", ["user_id", "last_synced_at"], unique=False
        )
    op.execute("UPDATE sync_clients SET last_synced_at = updated_at")


def downgrade():
    with op.batch_alter_table("sync_clients", schema=None) as batch_op:
        batch_op.drop_index("sync_clients_user_synced_idx")
        batch_op.drop_column("last_synced_at")
