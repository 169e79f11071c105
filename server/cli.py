"""Flask CLI commands: `flask --app wsgi create-org | seed-demo | worker | geocode-pending |
drop-visit-locations | purge-stale-logins`."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from server.core.errors import ApiError
from server.core.transaction import unit_of_work


@click.command("create-org")
@with_appcontext
@click.option("--name", required=True, help="The organisation's name.")
@click.option("--admin-email", required=True, help="Email of its first admin.")
@click.option("--admin-password", required=True, help="Password of its first admin.")
@click.option("--admin-name", default="Administrator", show_default=True)
def create_org(name: str, admin_email: str, admin_password: str, admin_name: str) -> None:
    """Create an organisation with its first admin; prints the organisation's id."""
    from server.orgs.operations import create_organisation
    from server.users.operations import create_first_admin

    try:
        with unit_of_work():
            organisation = create_organisation(name)
            create_first_admin(organisation.id, admin_email, admin_name, admin_password)
    except ApiError as error:
        details = "; ".join(f"{field}: {why}" for field, why in error.fields.items())
        suffix = f" ({details})" if details else ""
        raise click.ClickException(f"{error.message}{suffix}") from None
    click.echo(str(organisation.id))


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Create the demo organisation once, give it today's work once a day (later runs that day
    change nothing) and print its logins."""
    from server.demo.seed import DEMO_PASSWORD, seed_demo_organisation

    with unit_of_work():
        seeded = seed_demo_organisation()
    click.echo("Demo organisation " + ("created." if seeded.created else "already present."))
    if seeded.day_added is not None:
        click.echo(f"Demo work for {seeded.day_added.isoformat()} added.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in seeded.logins:
        click.echo(f"  {role:<8} {email}")


@click.command("worker")
@with_appcontext
@click.option("--concurrency", default=2, show_default=True, help="Jobs run at once.")
@click.option("--queue", "queues", multiple=True, help="Only these queues (default: all).")
def worker(concurrency: int, queues: tuple[str, ...]) -> None:
    """Run background jobs (geocoding, scheduled clean-ups) until stopped (Ctrl-C, SIGTERM).
    Run as many as needed, on any machine that reaches the database."""
    from server.core.queue import new_queue

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    queue = new_queue(current_app, max_connections=concurrency + 4)
    # Finished jobs are forgotten; failed ones stay in procrastinate_jobs to be looked into.
    queue.run_worker(concurrency=concurrency, queues=list(queues) or None, delete_jobs="successful")


@click.command("geocode-pending")
@with_appcontext
@click.option("--batch-size", default=100, show_default=True)
def geocode_pending(batch_size: int) -> None:
    """Geocode accounts still pending now, in the foreground (workers do it on their own)."""
    from server.jobs.tasks import geocode_pending as geocode

    located, failed, waiting = geocode(batch_size)
    click.echo(f"located {located}, not found {failed}, still pending {waiting}")


@click.command("drop-visit-locations")
@with_appcontext
def drop_visit_locations() -> None:
    """Drop the raw coordinates of visits older than their organisation's retention period
    (60 days unless changed); distance and verification stay. Workers run it daily."""
    from server.visits.operations import drop_expired_locations

    with unit_of_work():
        dropped = drop_expired_locations()
    click.echo(f"dropped the coordinates of {dropped} visits")


@click.command("purge-stale-logins")
@with_appcontext
def purge_stale_logins() -> None:
    """Delete closed rate-limit windows (failed logins) and ended sessions. Workers run it
    hourly."""
    from server.users.housekeeping import purge_stale_logins as purge

    with unit_of_work():
        counters, sessions = purge()
    click.echo(f"deleted {counters} closed rate-limit windows and {sessions} ended sessions")


def register_commands(app: Flask) -> None:
    """Attach the commands to the app's CLI."""
    commands = (
        create_org,
        seed_demo,
        worker,
        geocode_pending,
        drop_visit_locations,
        purge_stale_logins,
    )
    for command in commands:
        app.cli.add_command(command)
