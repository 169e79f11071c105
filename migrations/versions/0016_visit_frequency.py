"""Visit frequency: how often an account should be visited (every N days, NULL: no fixed
frequency), and which tasks the week planner wrote and has not seen changed since (the version
it last wrote), so planning the same days again replaces only those.

Revision ID: 0016
Revises: 0015
Create Date: 2027-01-12
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("visit_every_days", sa.Integer(), nullable=True))
    op.create_check_constraint(
        "accounts_visit_every_days_range", "accounts", "visit_every_days BETWEEN 1 AND 365"
    )
    op.add_column("tasks", sa.Column("planned_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("tasks", "planned_version")
    op.drop_constraint("accounts_visit_every_days_range", "accounts", type_="check")
    op.drop_column("accounts", "visit_every_days")
