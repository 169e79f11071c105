"""Map cells: the key index carries the counted columns too (INCLUDE), so a viewport reads its
cells by index-only scans, one probe per column of cells, without visiting the table; and the
cells table is vacuumed sooner, which keeps its pages all-visible for those scans.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-09
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

KEY = "org_id, level, cell_x, cell_y, owner_id, territory_id, kind, status"
COUNTED = "members, sum_lng, sum_lat, min_lng, min_lat, max_lng, max_lat"


def upgrade():
    # The triggers' ON CONFLICT infers the unique index from its key columns alone, so the
    # covering index replaces the key index under the same name.
    op.execute("DROP INDEX account_map_cells_key")
    op.execute(
        f"CREATE UNIQUE INDEX account_map_cells_key ON account_map_cells ({KEY}) "
        f"INCLUDE ({COUNTED}) NULLS NOT DISTINCT"
    )
    op.execute(
        "ALTER TABLE account_map_cells SET (autovacuum_vacuum_scale_factor = 0.02, "
        "autovacuum_vacuum_insert_scale_factor = 0.02)"
    )


def downgrade():
    op.execute(
        "ALTER TABLE account_map_cells RESET (autovacuum_vacuum_scale_factor, "
        "autovacuum_vacuum_insert_scale_factor)"
    )
    op.execute("DROP INDEX account_map_cells_key")
    op.execute(
        f"CREATE UNIQUE INDEX account_map_cells_key ON account_map_cells ({KEY}) NULLS NOT DISTINCT"
    )
