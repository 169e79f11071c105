"""Flask CLI commands: `flask --app wsgi create-org | seed-demo | geocode-pending |
drop-visit-locations`."""

from __future__ import annotations

import click
from flask import Flask
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
    """Create the demo organisation once (later runs change nothing) and print its logins."""
    from server.demo.seed import DEMO_PASSWORD, seed_demo_organisation

    with unit_of_work():
        logins, created = seed_demo_organisation()
    click.echo("Demo organisation " + ("created." if created else "already present."))
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in logins:
        click.echo(f"  {role:<8} {email}")


@click.command("geocode-pending")
@with_appcontext
@click.option("--batch-size", default=100, show_default=True)
def geocode_pending(batch_size: int) -> None:
    """Retry geocoding accounts whose geocoder was unavailable when they were saved."""
    from server.accounts.operations import geocode_pending as retry

    with unit_of_work():
        located, failed, waiting = retry(batch_size)
    click.echo(f"located {located}, not found {failed}, still pending {waiting}")


@click.command("drop-visit-locations")
@with_appcontext
def drop_visit_locations() -> None:
    """Drop the raw coordinates of visits older than their organisation's retention period
    (60 days unless changed); distance and verification stay. Run it daily (cron, a timer)."""
    from server.visits.operations import drop_expired_locations

    with unit_of_work():
        dropped = drop_expired_locations()
    click.echo(f"dropped the coordinates of {dropped} visits")


def register_commands(app: Flask) -> None:
    """Attach the commands to the app's CLI."""
    for command in (create_org, seed_demo, geocode_pending, drop_visit_locations):
        app.cli.add_command(command)
