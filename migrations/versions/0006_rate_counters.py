"""Rate limits count uses in one row per key (a login's account and address pair, its account,
its address; a user's checksum calls), counted atomically; the failed-login log goes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("login_failures_email_idx")
        batch_op.drop_index("login_failures_address_idx")
    op.drop_table("login_failures")


def downgrade():
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("login_failures_address_idx", ["address", "at"], unique=False)
        batch_op.create_index("login_failures_email_idx", ["email", "at"], unique=False)
    op.drop_table("rate_counters")
