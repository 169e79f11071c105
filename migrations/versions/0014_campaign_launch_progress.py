"""A campaign's launch progress: the state of the job that makes its targets and tasks, and how
many it made of how many.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("launch_state", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("launch_created", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("launch_total", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            "campaigns_launch_state_known",
            "launch_state IS NULL OR launch_state IN ('queued', 'running', 'done')",
        )


def downgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_constraint("campaigns_launch_state_known", type_="check")
        batch_op.drop_column("launch_total")
        batch_op.drop_column("launch_created")
        batch_op.drop_column("launch_state")
