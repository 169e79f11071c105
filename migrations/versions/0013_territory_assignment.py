"""Territory assignment progress: when an edit re-assigns many accounts, a background job does it
and the territory shows how far it got (state, done, total).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("territories", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "assignment_state", sa.String(length=16), server_default="done", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("assignment_done", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("assignment_total", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            "territories_assignment_state_known",
            "assignment_state IN ('queued', 'running', 'done')",
        )


def downgrade():
    with op.batch_alter_table("territories", schema=None) as batch_op:
        batch_op.drop_constraint("territories_assignment_state_known", type_="check")
        batch_op.drop_column("assignment_total")
        batch_op.drop_column("assignment_done")
        batch_op.drop_column("assignment_state")
