"""Map cells: the triggers' statements are planned on every run, for the rows it brings.

A PL/pgSQL function plans its static SQL once per connection and keeps that plan: the map cell
triggers' plans were made for the transition tables of the first statement a connection ran on
accounts (often a handful of rows) and kept for every later one. Planned for a few rows, the
UPDATE trigger joined its old and new rows by nested loops over tuplestores; on a statement of
20,000 rows that is 400 million row reads, spilled to disk (a territory's batch re-assigning
20,000 city accounts ran for more than ten minutes instead of seconds). The statements now run
through EXECUTE, which plans them for the transition tables of the statement at hand, and without
JIT compilation (its cost, hundreds of milliseconds, exceeds what it saves on these statements).
The UPDATE trigger also joins its old and new rows once instead of twice, and turns each changed
pair into the row counted out and the row counted in.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-10
"""

import importlib.util
from pathlib import Path
from types import ModuleType

from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def _revision_0015() -> ModuleType:
    """The migration that made the cells: its statements are reused as they were written."""
    path = Path(__file__).with_name("0015_account_map_cells.py")
    spec = importlib.util.spec_from_file_location("waypoint_revision_0015", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"revision 0015 is not at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MADE = _revision_0015()

# An UPDATE changes the cells only when one of the columns they are keyed by or count on
# changed: anything else (a visit's time, a name) leaves them untouched and unlocked. Each
# changed row is counted out as it was and in as it is, where it was (is) located and live.
CHANGED = """
    SELECT side.org_id, side.owner_id, side.territory_id, side.kind, side.status,
           ST_X(side.location::geometry) AS x, ST_Y(side.location::geometry) AS y, side.sign
    FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
    CROSS JOIN LATERAL (VALUES
        (o.org_id, o.owner_id, o.territory_id, o.kind, o.status, o.location, o.archived_at, -1),
        (n.org_id, n.owner_id, n.territory_id, n.kind, n.status, n.location, n.archived_at, 1)
    ) AS side (org_id, owner_id, territory_id, kind, status, location, archived_at, sign)
    WHERE (o.org_id, o.owner_id, o.territory_id, o.kind, o.status, o.archived_at IS NULL,
           ST_AsEWKB(o.location::geometry))
          IS DISTINCT FROM
          (n.org_id, n.owner_id, n.territory_id, n.kind, n.status, n.archived_at IS NULL,
           ST_AsEWKB(n.location::geometry))
      AND side.location IS NOT NULL AND side.archived_at IS NULL
"""

CHANGES = {
    "insert": MADE.LOCATED.format(sign=1, rows="new_rows"),
    "update": CHANGED,
    "delete": MADE.LOCATED.format(sign=-1, rows="old_rows"),
}


def _replace_functions(planned_per_run: bool) -> None:
    """The trigger functions as revision 0015 wrote them, with these changes; their statement
    run through EXECUTE and without JIT when `planned_per_run` (a transition table is visible
    to the dynamic statements of the function its trigger calls too)."""
    for name, changes in CHANGES.items():
        statement = MADE.APPLY.format(changes=changes, key=MADE.KEY)
        run = f"EXECUTE $apply${statement}$apply$" if planned_per_run else statement
        function = MADE.TRIGGER_FUNCTION.format(name=name, apply=run)
        function = function.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
        if planned_per_run:
            function = function.replace("plpgsql AS", "plpgsql SET jit = off AS", 1)
        op.execute(function)


def upgrade():
    _replace_functions(planned_per_run=True)


def downgrade():
    _replace_functions(planned_per_run=False)
