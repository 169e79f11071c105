"""Notes on accounts, change-stamped like visits (the stamp function comes from 0002).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "change_xid",
            sa.BigInteger(),
            server_default=sa.text("(pg_current_xact_id()::text)::bigint"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index(
            "notes_org_account_idx", ["org_id", "account_id", "written_at"], unique=False
        )
        batch_op.create_index(
            "notes_org_author_idx", ["org_id", "author_id", "written_at"], unique=False
        )
        batch_op.create_index("notes_org_change_idx", ["org_id", "change_xid", "id"], unique=False)

    op.execute(
        "CREATE TRIGGER notes_stamp_change BEFORE INSERT OR UPDATE ON notes "
        "FOR EACH ROW EXECUTE FUNCTION waypoint_stamp_change()"
    )


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS notes_stamp_change ON notes")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_index("notes_org_change_idx")
        batch_op.drop_index("notes_org_author_idx")
        batch_op.drop_index("notes_org_account_idx")

    op.drop_table("notes")
