"""Alembic environment: Flask-Migrate's app wiring plus GeoAlchemy2's helpers.

PostGIS owns spatial_ref_sys and the topology/tiger tables, and the job queue (procrastinate,
revision 0005) its procrastinate_* tables; include_object keeps autogenerate and `flask db check`
from proposing to drop them.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from geoalchemy2 import alembic_helpers

config = context.config
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

POSTGIS_OWNED_TABLES = {"spatial_ref_sys", "layer", "topology"}
JOB_QUEUE_PREFIX = "procrastinate_"


def get_engine():
    return current_app.extensions["migrate"].db.engine


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name in POSTGIS_OWNED_TABLES:
        return False
    if type_ == "table" and name.startswith(JOB_QUEUE_PREFIX):
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


config.set_main_option(
    "sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
)
target_db = current_app.extensions["migrate"].db


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        literal_binds=True,
        include_object=include_object,
        render_item=alembic_helpers.render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")
            return
        alembic_helpers.writer.process_revision_directives(context, revision, directives)

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args["include_object"] = include_object
    conf_args["render_item"] = alembic_helpers.render_item

    with get_engine().connect() as connection:
        context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
