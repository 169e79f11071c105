"""Sync epochs: a per-user counter a pull cursor carries, so a cursor made before the caller's
working set changed in a way tombstones cannot follow is refused and the device downloads
everything again (see sync.pull).

Besides the role and team changes the users area bumps, the trigger of 0005 bumps the holder an
account or task forgets: when a row changes hands again, `previous_owner_id` /
`previous_assignee_id` is overwritten, and a device of the holder before that (or of that
holder's manager) that has not pulled since would never be sent the row's tombstone.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# (table, holder column, its "previous" column, whether managers see the rows nobody holds)
HOLDERS = (
    ("accounts", "owner_id", "previous_owner_id", "true"),
    ("tasks", "assignee_id", "previous_assignee_id", "false"),
)

# Everyone whose device may hold a row `holder` held: the holder, their manager, and, when the
# row was held by nobody and managers see such rows, every manager of the organisation.
BUMP_FUNCTION = """
CREATE FUNCTION waypoint_bump_sync_epochs(org uuid, holder uuid, unheld_seen_by_managers boolean)
RETURNS void LANGUAGE sql AS $$
    UPDATE users SET sync_epoch = sync_epoch + 1
    WHERE org_id = org AND (
        id = holder
        OR id = (SELECT manager_id FROM users WHERE id = holder)
        OR (holder IS NULL AND unheld_seen_by_managers AND role = 'manager')
    )
$$
"""

REMEMBER_FUNCTION = """
CREATE OR REPLACE FUNCTION waypoint_remember_{table}_{previous}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.{previous} := NEW.{holder};
    ELSIF NEW.{holder} IS DISTINCT FROM OLD.{holder} THEN
        -- The previous holder is about to be forgotten while not holding the row again.
        IF OLD.{previous} IS DISTINCT FROM OLD.{holder}
                AND OLD.{previous} IS DISTINCT FROM NEW.{holder} THEN
            PERFORM waypoint_bump_sync_epochs(NEW.org_id, OLD.{previous}, {unheld});
        END IF;
        NEW.{previous} := OLD.{holder};
    ELSE
        NEW.{previous} := OLD.{previous};
    END IF;
    RETURN NEW;
END
$$
"""

# 0005's function, restored on downgrade.
PREVIOUS_REMEMBER_FUNCTION = """
CREATE OR REPLACE FUNCTION waypoint_remember_{table}_{previous}() RETURNS trigger
LANGUAGE plpgsql AS $$
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
    op.add_column(
        "users", sa.Column("sync_epoch", sa.BigInteger(), nullable=False, server_default="0")
    )
    op.execute(BUMP_FUNCTION)
    for table, holder, previous, unheld in HOLDERS:
        op.execute(
            REMEMBER_FUNCTION.format(table=table, holder=holder, previous=previous, unheld=unheld)
        )


def downgrade():
    for table, holder, previous, _ in HOLDERS:
        op.execute(PREVIOUS_REMEMBER_FUNCTION.format(table=table, holder=holder, previous=previous))
    op.execute("DROP FUNCTION IF EXISTS waypoint_bump_sync_epochs(uuid, uuid, boolean)")
    op.drop_column("users", "sync_epoch")
