"""Who held a synced row before its last change of hands: accounts remember their previous
owner, tasks their previous assignee, set by a trigger so no writer can forget it. A pull sends
a tombstone only to those who could have held the row (see sync.feeds).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# (table, holder column, its "previous" column)
HOLDERS = (
    ("accounts", "owner_id", "previous_owner_id"),
    ("tasks", "assignee_id", "previous_assignee_id"),
)

REMEMBER_FUNCTION = """
CREATE FUNCTION waypoint_remember_{table}_{previous}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.{previous} := NEW.{holder};
    ELSIF NEW.{holder} IS DISTINCT FROM OLD.{holder} THEN
        NEW.{previous} := OLD.{holder};
    ELSE
        NEW.{previous} := OLD.{previous};
    END IF;
    RETURN NEW;
END
$$
"""


def upgrade():
    for table, holder, previous in HOLDERS:
        op.add_column(table, sa.Column(previous, sa.Uuid(), nullable=True))
        op.execute(f"UPDATE {table} SET {previous} = {holder}")
        op.execute(REMEMBER_FUNCTION.format(table=table, holder=holder, previous=previous))
        op.execute(
            f"CREATE TRIGGER {table}_remember_{previous} BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION waypoint_remember_{table}_{previous}()"
        )


def downgrade():
    for table, _, previous in HOLDERS:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_remember_{previous} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS waypoint_remember_{table}_{previous}()")
        op.drop_column(table, previous)
