"""Synced tables store a version digest per row (the first 8 bytes of sha256("id:version") as a
bigint, computed by PostgreSQL), so a working set's sync checksum is a plain sum.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Spelled out rather than imported: a migration keeps the SQL it was written with.
VERSIONED = "version::text"
NEVER_CHANGED = "'1'"
TABLES = {
    "accounts": VERSIONED,
    "tasks": VERSIONED,
    "visits": NEVER_CHANGED,
    "notes": NEVER_CHANGED,
}


def _digest(version):
    row = f"(id::text || ':' || {version})::bytea"
    return f"('x' || encode(substr(sha256({row}), 1, 8), 'hex'))::bit(64)::bigint"


def upgrade():
    for table, version in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "version_digest",
                    sa.BigInteger(),
                    sa.Computed(_digest(version), persisted=True),
                    nullable=True,
                )
            )


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version_digest")
