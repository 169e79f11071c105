"""Contacts: people at accounts, change-stamped and version-digested like tasks; a change of an
account's owner, territory or archive restamps its contacts, so they follow it in the pull.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# Spelled out rather than imported: a migration keeps the SQL it was written with.
DIGEST = (
    "('x' || encode(substr(sha256((id::text || ':' || version::text)::bytea), 1, 8), 'hex'))"
    "::bit(64)::bigint"
)

RESTAMP_FUNCTION = """
CREATE FUNCTION waypoint_restamp_contacts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The contacts' own stamp trigger gives them this transaction's id.
    UPDATE contacts SET change_xid = 0 WHERE account_id = NEW.id;
    RETURN NULL;
END
$$
"""


def upgrade():
    op.create_table(
        "contacts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), server_default="", nullable=False),
        sa.Column(
            "phones", postgresql.ARRAY(sa.String(length=50)), server_default="{}", nullable=False
        ),
        sa.Column(
            "emails", postgresql.ARRAY(sa.String(length=254)), server_default="{}", nullable=False
        ),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("consent_email_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_sms_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_phone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_primary", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "change_xid",
            sa.BigInteger(),
            server_default=sa.text("(pg_current_xact_id()::text)::bigint"),
            nullable=False,
        ),
        sa.Column("version_digest", sa.BigInteger(), sa.Computed(DIGEST, persisted=True)),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index("contacts_org_account_idx", ["org_id", "account_id"], unique=False)
        batch_op.create_index(
            "contacts_org_change_idx", ["org_id", "change_xid", "id"], unique=False
        )
        batch_op.create_index(
            "contacts_one_primary_idx",
            ["account_id"],
            unique=True,
            postgresql_where=sa.text("is_primary AND archived_at IS NULL"),
        )

    op.execute(
        "CREATE TRIGGER contacts_stamp_change BEFORE INSERT OR UPDATE ON contacts "
        "FOR EACH ROW EXECUTE FUNCTION waypoint_stamp_change()"
    )
    op.execute(RESTAMP_FUNCTION)
    op.execute(
        "CREATE TRIGGER accounts_restamp_contacts "
        "AFTER UPDATE OF owner_id, territory_id, archived_at ON accounts FOR EACH ROW "
        "WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id "
        "OR OLD.territory_id IS DISTINCT FROM NEW.territory_id "
        "OR OLD.archived_at IS DISTINCT FROM NEW.archived_at) "
        "EXECUTE FUNCTION waypoint_restamp_contacts()"
    )


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS accounts_restamp_contacts ON accounts")
    op.execute("DROP FUNCTION IF EXISTS waypoint_restamp_contacts()")
    op.execute("DROP TRIGGER IF EXISTS contacts_stamp_change ON contacts")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(
            "contacts_one_primary_idx",
            postgresql_where=sa.text("is_primary AND archived_at IS NULL"),
        )
        batch_op.drop_index("contacts_org_change_idx")
        batch_op.drop_index("contacts_org_account_idx")

    op.drop_table("contacts")
