"""The background job queue: procrastinate's tables, functions and triggers.

The schema is procrastinate 3.10.0's own (migrations/sql/procrastinate-3.10.0.sql, copied
unchanged from the package), so this revision applies the same thing whatever version is
installed later; a procrastinate upgrade that changes its schema comes with a revision applying
that release's migration scripts.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from pathlib import Path

from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SCHEMA = Path(__file__).resolve().parent.parent / "sql" / "procrastinate-3.10.0.sql"

TABLES = [
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
]
FUNCTIONS = [
    "procrastinate_defer_jobs_v1",
    "procrastinate_defer_periodic_job_v2",
    "procrastinate_fetch_job_v2",
    "procrastinate_finish_job_v1",
    "procrastinate_cancel_job_v1",
    "procrastinate_retry_job_v1",
    "procrastinate_retry_job_v2",
    "procrastinate_notify_queue_job_inserted_v1",
    "procrastinate_notify_queue_abort_job_v1",
    "procrastinate_trigger_function_status_events_insert_v1",
    "procrastinate_trigger_function_status_events_update_v1",
    "procrastinate_trigger_function_scheduled_events_v1",
    "procrastinate_trigger_abort_requested_events_procedure_v1",
    "procrastinate_unlink_periodic_defers_v1",
    "procrastinate_register_worker_v1",
    "procrastinate_unregister_worker_v1",
    "procrastinate_update_heartbeat_v1",
    "procrastinate_prune_stalled_workers_v1",
]
TYPES = [
    "procrastinate_job_to_defer_v1",
    "procrastinate_job_event_type",
    "procrastinate_job_status",
]


def upgrade():
    # Sent to psycopg as is, in this migration's transaction: the script is several statements
    # with PL/pgSQL bodies, and its "%" characters are not parameter markers.
    driver = op.get_bind().connection.driver_connection
    driver.execute(SCHEMA.read_text(encoding="utf-8"))


def downgrade():
    bind = op.get_bind()
    for table in TABLES:
        bind.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
    for function in FUNCTIONS:
        bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}")
    for type_ in TYPES:
        bind.exec_driver_sql(f"DROP TYPE IF EXISTS {type_}")
