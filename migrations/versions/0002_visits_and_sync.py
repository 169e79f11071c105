"""Visits, the sync ledger, the audit log, per-organisation visit settings, and change stamps
(accounts and visits carry the id of the transaction that last wrote them, set by a trigger).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geography
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


STAMPED_TABLES = ("accounts", "visits")

STAMP_FUNCTION = """
CREATE FUNCTION waypoint_stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_xid := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END
$$
"""


def create_stamp_triggers():
    op.execute(STAMP_FUNCTION)
    for table in STAMPED_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_stamp_change BEFORE INSERT OR UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION waypoint_stamp_change()"
        )


def drop_stamp_triggers():
    for table in STAMPED_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_stamp_change ON {table}")
    op.execute("DROP FUNCTION IF EXISTS waypoint_stamp_change()")


def upgrade():
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject_user_id", sa.Uuid(), nullable=True),
        sa.Column(
            "details", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["subject_user_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("audit_log_org_at_idx", ["org_id", "at"], unique=False)

    op.create_table(
        "sync_clients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("last_mutation_id", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sync_mutations",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("mutation_id", sa.BigInteger(), nullable=False),
        sa.Column("op", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=True),
        sa.Column("error", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["sync_clients.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("client_id", "mutation_id"),
    )
    op.create_geospatial_table(
        "visits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "location",
            Geography(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeogFromText",
                name="geography",
            ),
            nullable=True,
        ),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("verification", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("next_step", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location_dropped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "change_xid",
            sa.BigInteger(),
            server_default=sa.text("(pg_current_xact_id()::text)::bigint"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "outcome IN ('met', 'no_answer', 'order', 'follow_up', 'not_interested', 'other')",
            name="visits_outcome_known",
        ),
        sa.CheckConstraint(
            "verification IN ('verified', 'out_of_range', 'unverifiable')",
            name="visits_verification_known",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(
            "visits_located_idx",
            ["started_at"],
            unique=False,
            postgresql_where=sa.text("location IS NOT NULL"),
        )
        batch_op.create_index(
            "visits_org_account_idx", ["org_id", "account_id", "started_at"], unique=False
        )
        batch_op.create_index("visits_org_change_idx", ["org_id", "change_xid", "id"], unique=False)
        batch_op.create_index(
            "visits_org_user_idx", ["org_id", "user_id", "started_at"], unique=False
        )

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "change_xid",
                sa.BigInteger(),
                server_default=sa.text("(pg_current_xact_id()::text)::bigint"),
                nullable=False,
            )
        )
        batch_op.create_index(
            "accounts_org_change_idx", ["org_id", "change_xid", "id"], unique=False
        )

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("verification_radius_m", sa.Float(), server_default="150", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "visit_location_retention_days", sa.Integer(), server_default="60", nullable=False
            )
        )

    create_stamp_triggers()


def downgrade():
    drop_stamp_triggers()
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("visit_location_retention_days")
        batch_op.drop_column("verification_radius_m")

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index("accounts_org_change_idx")
        batch_op.drop_column("change_xid")

    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("visits_org_user_idx")
        batch_op.drop_index("visits_org_change_idx")
        batch_op.drop_index("visits_org_account_idx")
        batch_op.drop_index("visits_located_idx", postgresql_where=sa.text("location IS NOT NULL"))

    op.drop_geospatial_table("visits")
    op.drop_table("sync_mutations")
    op.drop_table("sync_clients")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("audit_log_org_at_idx")

    op.drop_table("audit_log")
