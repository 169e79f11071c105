"""Map cells: the accounts counted per grid cell at a fixed set of grid levels, per owner,
territory, kind and status, kept true by statement-level triggers on accounts, so a map
viewport sums a bounded number of cells instead of clustering every account it shows.

Level L is the grid of 360 / 2^L degree cells aligned on (0, 0) that geo.queries.grid_clusters
draws (cell index floor(lng / size), floor(lat / size)); levels 2 to 18 are kept.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

MIN_LEVEL = 2
MAX_LEVEL = 18

KEY = "org_id, level, cell_x, cell_y, owner_id, territory_id, kind, status"

# The located, live accounts of a transition table as signed changes: +1 counts a row in,
# -1 counts it out. Written once per trigger function, since a transition table is only
# visible to the statements of the function its trigger calls.
LOCATED = """
    SELECT org_id, owner_id, territory_id, kind, status,
           ST_X(location::geometry) AS x, ST_Y(location::geometry) AS y, {sign} AS sign
    FROM {rows}
    WHERE location IS NOT NULL AND archived_at IS NULL
"""

# An UPDATE changes the cells only when one of the columns they are keyed by or count on
# changed: anything else (a visit's time, a name) leaves them untouched and unlocked.
CHANGED = """
    SELECT o.id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
    WHERE (o.org_id, o.owner_id, o.territory_id, o.kind, o.status, o.archived_at IS NULL,
           ST_AsEWKB(o.location::geometry))
          IS DISTINCT FROM
          (n.org_id, n.owner_id, n.territory_id, n.kind, n.status, n.archived_at IS NULL,
           ST_AsEWKB(n.location::geometry))
"""

# Add the changes to their cells at every level: one grouped upsert, its rows taken in key
# order so two transactions lock shared cells in the same order. A cell's box only widens as
# accounts come in (an account leaving does not shrink it); a cell that counts nobody goes.
APPLY = """
    WITH changes AS ({changes}),
    grouped AS (
        SELECT c.org_id, l.level,
               floor(c.x / l.size)::integer AS cell_x, floor(c.y / l.size)::integer AS cell_y,
               c.owner_id, c.territory_id, c.kind, c.status,
               sum(c.sign)::integer AS members,
               sum(c.sign * c.x) AS sum_lng, sum(c.sign * c.y) AS sum_lat,
               -- Infinite when nothing comes in: least() and greatest() then keep the box.
               coalesce(min(c.x) FILTER (WHERE c.sign > 0), 'Infinity') AS min_lng,
               coalesce(min(c.y) FILTER (WHERE c.sign > 0), 'Infinity') AS min_lat,
               coalesce(max(c.x) FILTER (WHERE c.sign > 0), '-Infinity') AS max_lng,
               coalesce(max(c.y) FILTER (WHERE c.sign > 0), '-Infinity') AS max_lat
        FROM changes AS c CROSS JOIN waypoint_map_cell_levels() AS l
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
        HAVING sum(c.sign) <> 0 OR bool_or(c.sign > 0)
    ),
    applied AS (
        INSERT INTO account_map_cells AS cell ({key}, members, sum_lng, sum_lat,
                                               min_lng, min_lat, max_lng, max_lat)
        SELECT * FROM grouped ORDER BY {key}
        ON CONFLICT ({key}) DO UPDATE SET
            members = cell.members + excluded.members,
            sum_lng = cell.sum_lng + excluded.sum_lng,
            sum_lat = cell.sum_lat + excluded.sum_lat,
            min_lng = least(cell.min_lng, excluded.min_lng),
            min_lat = least(cell.min_lat, excluded.min_lat),
            max_lng = greatest(cell.max_lng, excluded.max_lng),
            max_lat = greatest(cell.max_lat, excluded.max_lat)
        RETURNING cell.ctid AS row_id, cell.members
    )
    SELECT array_agg(row_id) FROM applied WHERE members <= 0
"""

TRIGGER_FUNCTION = """
CREATE FUNCTION waypoint_account_map_cells_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    emptied tid[];
BEGIN
    {apply} INTO emptied;
    -- The rows just updated are locked by this transaction until it ends: their ctid holds.
    IF emptied IS NOT NULL THEN
        DELETE FROM account_map_cells WHERE ctid = ANY(emptied) AND members <= 0;
    END IF;
    RETURN NULL;
END
$$
"""


def _changes(name: str) -> str:
    added = LOCATED.format(sign=1, rows="new_rows")
    removed = LOCATED.format(sign=-1, rows="old_rows")
    if name == "insert":
        return added
    if name == "delete":
        return removed
    changed = f"id IN ({CHANGED})"
    return f"{added} AND {changed} UNION ALL {removed} AND {changed}"


def upgrade():
    op.create_table(
        "account_map_cells",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("cell_x", sa.Integer(), nullable=False),
        sa.Column("cell_y", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("territory_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("sum_lng", sa.Float(), nullable=False),
        sa.Column("sum_lat", sa.Float(), nullable=False),
        sa.Column("min_lng", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lng", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
    )
    op.create_index(
        "account_map_cells_key",
        "account_map_cells",
        KEY.split(", "),
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.execute(
        f"""
        CREATE FUNCTION waypoint_map_cell_levels() RETURNS TABLE (level smallint, size float8)
        LANGUAGE sql IMMUTABLE AS $$
            SELECT l::smallint, 360.0::float8 / (1::bigint << l)::float8
            FROM generate_series({MIN_LEVEL}, {MAX_LEVEL}) AS l
        $$
        """
    )
    for name, event, tables in (
        ("insert", "INSERT", "NEW TABLE AS new_rows"),
        ("update", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("delete", "DELETE", "OLD TABLE AS old_rows"),
    ):
        apply = APPLY.format(changes=_changes(name), key=KEY)
        op.execute(TRIGGER_FUNCTION.format(name=name, apply=apply))
        op.execute(
            f"CREATE TRIGGER accounts_map_cells_{name} AFTER {event} ON accounts "
            f"REFERENCING {tables} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION waypoint_account_map_cells_{name}()"
        )
    op.execute(
        """
        CREATE FUNCTION waypoint_account_map_cells_truncate() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            -- Not TRUNCATE: the same statement may be truncating the cells already.
            DELETE FROM account_map_cells;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER accounts_map_cells_truncate AFTER TRUNCATE ON accounts "
        "FOR EACH STATEMENT EXECUTE FUNCTION waypoint_account_map_cells_truncate()"
    )
    # The accounts already there, counted once.
    op.execute(
        APPLY.format(changes=LOCATED.format(sign=1, rows="accounts"), key=KEY).replace(
            "SELECT array_agg(row_id) FROM applied WHERE members <= 0",
            "SELECT count(*) FROM applied",
        )
    )


def downgrade():
    for name in ("insert", "update", "delete", "truncate"):
        op.execute(f"DROP TRIGGER IF EXISTS accounts_map_cells_{name} ON accounts")
        op.execute(f"DROP FUNCTION IF EXISTS waypoint_account_map_cells_{name}()")
    op.execute("DROP FUNCTION IF EXISTS waypoint_map_cell_levels()")
    op.drop_index("account_map_cells_key", table_name="account_map_cells")
    op.drop_table("account_map_cells")
