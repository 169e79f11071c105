"""Audiences by their filters: a B-tree on the organisation, industry and kind of the live
accounts that carries what an audience's other tests read (status, last visit, owner,
territory, location), so a dense area with selective filters is read by an index-only scan of
the accounts that pass the filters instead of every account of the area.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "CREATE INDEX accounts_org_audience_idx ON accounts (org_id, industry, kind) "
        "INCLUDE (status, last_visit_at, owner_id, territory_id, location) "
        "WHERE archived_at IS NULL"
    )


def downgrade():
    op.execute("DROP INDEX accounts_org_audience_idx")
