"""Territories (areas with their reps; accounts point at the one covering them), saved segments,
campaigns and their targets; a rep's home base for "nearest rep" assignment.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geography
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_geospatial_table(
        "territories",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "area",
            Geography(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeogFromText",
                name="geography",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("territories", schema=None) as batch_op:
        batch_op.create_index(
            "territories_org_area_gist", ["org_id", "area"], unique=False, postgresql_using="gist"
        )
        batch_op.create_index("territories_org_name_idx", ["org_id", "name", "id"], unique=False)

    op.create_table(
        "segments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("area", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "filters", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.create_index("segments_org_name_idx", ["org_id", "name", "id"], unique=False)

    op.create_table(
        "territory_reps",
        sa.Column("territory_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["territory_id"], ["territories.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("territory_id", "user_id"),
    )
    with op.batch_alter_table("territory_reps", schema=None) as batch_op:
        batch_op.create_index("territory_reps_user_idx", ["user_id", "territory_id"], unique=False)

    op.create_table(
        "campaigns",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("area", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("segment_id", sa.Uuid(), nullable=True),
        sa.Column(
            "filters", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("talking_points", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "task_template",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assignment", sa.String(length=16), nullable=True),
        sa.Column("launched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "assignment IS NULL OR assignment IN ('owner', 'territory', 'nearest_rep')",
            name="campaigns_assignment_known",
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'launched', 'done')", name="campaigns_status_known"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(
            "campaigns_org_created_idx", ["org_id", "created_at", "id"], unique=False
        )

    op.create_table(
        "campaign_targets",
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("task_id", sa.Uuid(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
        ),
        sa.PrimaryKeyConstraint("campaign_id", "account_id"),
    )
    with op.batch_alter_table("campaign_targets", schema=None) as batch_op:
        batch_op.create_index("campaign_targets_task_idx", ["task_id"], unique=False)

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index(
            "accounts_org_territory_idx", ["org_id", "territory_id"], unique=False
        )
        batch_op.create_foreign_key(
            "accounts_territory_id_fkey",
            "territories",
            ["territory_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index("tasks_campaign_idx", ["campaign_id", "status"], unique=False)
        batch_op.create_foreign_key("tasks_campaign_id_fkey", "campaigns", ["campaign_id"], ["id"])

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_geospatial_column(
            sa.Column(
                "home_location",
                Geography(
                    geometry_type="POINT",
                    srid=4326,
                    dimension=2,
                    spatial_index=False,
                    from_text="ST_GeogFromText",
                    name="geography",
                ),
                nullable=True,
            )
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_geospatial_column("home_location")

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_constraint("tasks_campaign_id_fkey", type_="foreignkey")
        batch_op.drop_index("tasks_campaign_idx")

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_constraint("accounts_territory_id_fkey", type_="foreignkey")
        batch_op.drop_index("accounts_org_territory_idx")

    with op.batch_alter_table("campaign_targets", schema=None) as batch_op:
        batch_op.drop_index("campaign_targets_task_idx")

    op.drop_table("campaign_targets")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index("campaigns_org_created_idx")

    op.drop_table("campaigns")
    with op.batch_alter_table("territory_reps", schema=None) as batch_op:
        batch_op.drop_index("territory_reps_user_idx")

    op.drop_table("territory_reps")
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_index("segments_org_name_idx")

    op.drop_table("segments")
    with op.batch_alter_table("territories", schema=None) as batch_op:
        batch_op.drop_index("territories_org_name_idx")
        batch_op.drop_index("territories_org_area_gist", postgresql_using="gist")

    op.drop_geospatial_table("territories")
