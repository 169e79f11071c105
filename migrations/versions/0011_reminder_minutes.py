"""Reminders: how many minutes before a task is due its assignee's open app reminds them, per
user (0: no reminders), so every device of theirs reminds alike.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("reminder_minutes", sa.Integer(), server_default="30", nullable=False),
    )
    op.create_check_constraint(
        "users_reminder_minutes_range", "users", "reminder_minutes BETWEEN 0 AND 1440"
    )


def downgrade() -> None:
    op.drop_constraint("users_reminder_minutes_range", "users", type_="check")
    op.drop_column("users", "reminder_minutes")
