"""`python -m bench.campaigns`: launching a 5,000-account campaign, printed, never asserted.

On its own database (`<name>_bench_campaigns`): 5,000 accounts spread over a city, a manager and
ten reps with home bases around it. For each assignment (`nearest_rep`, then `owner` with the
accounts shared among the reps) a campaign whose area covers the city is launched, and the
launch job (the same function the worker runs: plan, then 500 targets and tasks per unit of
work, each task's `task.created` queued for after its commit) is timed end to end. The audience
preview of the same area is timed too.
"""

from __future__ import annotations

import argparse
import math
import time
import uuid

import psycopg
from sqlalchemy import func, select

from bench.database import (
    PASSWORD,
    create_bench_database,
    drop_bench_database,
    libpq_url,
)
from server.campaigns import operations, queries
from server.campaigns.models import Campaign
from server.campaigns.schemas import CampaignCreate, CampaignFilters
from server.core.auth import SystemPrincipal
from server.core.transaction import unit_of_work
from server.extensions import db
from server.geo.geojson import Point
from server.jobs.tasks import launch_campaign
from server.tasks.models import Task
from server.users.models import User
from server.users.operations import create_user
from server.users.schemas import UserCreate
from tests.support.bulk import fill_accounts

ACCOUNTS = 5_000
REPS = 10
CITY = {
    "type": "Polygon",
    "coordinates": [[[25.8, 44.2], [26.4, 44.2], [26.4, 44.7], [25.8, 44.7], [25.8, 44.2]]],
}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.campaigns", description=__doc__)
    parser.add_argument("--accounts", type=int, default=ACCOUNTS, help="accounts in the area")
    parser.add_argument("--reps", type=int, default=REPS, help="reps of the manager")
    return parser.parse_args()


def _team(org_id: uuid.UUID, reps: int) -> tuple[uuid.UUID, list[uuid.UUID]]:
    admin = db.session.scalar(select(User).where(User.role == "admin"))
    principal = SystemPrincipal(id=admin.id if admin else None, org_id=org_id)
    manager = create_user(
        principal,
        UserCreate(email="manager@example.com", name="Manager", role="manager", password=PASSWORD),
    )
    rep_ids = []
    for number in range(reps):
        angle = 2 * math.pi * number / reps
        home = Point.at(26.10 + 0.12 * math.cos(angle), 44.43 + 0.08 * math.sin(angle))
        rep = create_user(
            principal,
            UserCreate(
                email=f"rep{number}@example.com",
                name=f"Rep {number}",
                role="rep",
                password=PASSWORD,
                manager_id=manager.id,
                home_base=home,
            ),
        )
        rep_ids.append(rep.id)
    return manager.id, rep_ids


def _launch(manager_id: uuid.UUID, assignment: str) -> tuple[int, float, int]:
    """(targets made, seconds, tasks in the database) of one launch."""
    with unit_of_work():
        manager = db.session.get(User, manager_id)
        campaign = operations.create_campaign(
            manager, CampaignCreate(name=f"Bench {assignment}", area=CITY)
        )
        operations.launch_campaign(manager, campaign.id, assignment)
        campaign_id = campaign.id
    started = time.perf_counter()
    made = launch_campaign(str(campaign_id), str(manager_id))
    elapsed = time.perf_counter() - started
    with unit_of_work():
        tasks = db.session.scalar(
            select(func.count()).select_from(Task).where(Task.campaign_id == campaign_id)
        )
    return made, elapsed, int(tasks or 0)


def main() -> None:
    """Fill, launch with each assignment, print."""
    args = _arguments()
    bench = create_bench_database("_bench_campaigns")
    try:
        with bench.app.app_context():
            with unit_of_work():
                manager_id, rep_ids = _team(bench.org_id, args.reps)
            with psycopg.connect(libpq_url(bench.url), autocommit=True) as connection:
                with connection.cursor() as cursor:
                    fill_accounts(cursor, bench.org_id, args.accounts)
                connection.execute("VACUUM ANALYZE accounts")
            with unit_of_work():
                manager = db.session.get(User, manager_id)
                area = CampaignCreate(name="Preview", area=CITY).area
                started = time.perf_counter()
                query = queries.audience_of(manager, area, None, CampaignFilters())
                preview = queries.audience_page(query, 50, None, None, None)
                preview_ms = (time.perf_counter() - started) * 1000
            print(f"audience preview: {preview['count']:,} accounts in {preview_ms:.0f} ms")

            made, seconds, tasks = _launch(manager_id, "nearest_rep")
            print(f"launch nearest_rep: {made:,} targets and {tasks:,} tasks in {seconds:.2f} s")

            with psycopg.connect(libpq_url(bench.url), autocommit=True) as connection:
                connection.execute(
                    "UPDATE accounts"
                    " SET owner_id = (%s::uuid[])[1 + abs(hashtext(id::text)) %% %s]",
                    (rep_ids, len(rep_ids)),
                )
            made, seconds, tasks = _launch(manager_id, "owner")
            print(f"launch owner: {made:,} targets and {tasks:,} tasks in {seconds:.2f} s")

            with unit_of_work():
                campaign_ids = list(db.session.scalars(select(Campaign.id)))
            for campaign_id in campaign_ids:
                started = time.perf_counter()
                again = launch_campaign(str(campaign_id), str(manager_id))
                print(
                    f"launching again: {again} new targets in {time.perf_counter() - started:.2f} s"
                )
    finally:
        drop_bench_database(bench)


if __name__ == "__main__":
    main()
