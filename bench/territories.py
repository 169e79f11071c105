"""`python -m bench.territories`: territory edits re-assigning 100k accounts, printed only.

On its own database (`<name>_bench_territories`) filled with 100,000 accounts over a city, one
territory with two reps is edited from a small square outside the city to one covering the whole
city (every account joins it), then back (every account leaves it), and a territory over the
whole-city territory is deleted while a younger one covers its western half (half the accounts
move to that one, the rest to none). Each
edit is timed as a manager makes it: the request (which queues the background job, the change
concerning more than TERRITORY_ASSIGN_IN_REQUEST_MAX accounts) plus the job, run by a real
procrastinate worker, until every account points at its territory; and the same edit done in
one transaction with no job (the set-based UPDATE alone). For comparison, the same run times
an UPDATE that rewrites every account row unchanged: the cost of writing that many rows of the
accounts table (ten indexes, two triggers), which any edit moving them all pays.
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import func, select, update

from bench.database import create_bench_database, drop_bench_database, refill
from server.accounts.models import Account
from server.core.auth import SystemPrincipal
from server.core.transaction import unit_of_work
from server.extensions import db
from server.territories import operations
from server.territories.models import Territory
from server.territories.schemas import TerritoryCreate, TerritoryPatch
from server.users.operations import create_user
from server.users.schemas import UserCreate
from tests.support.bulk import CITY_CENTRE
from tests.support.jobs import run_jobs

ACCOUNTS = 100_000
PASSWORD = "bench pass phrase 7"  # noqa: S105


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.territories", description=__doc__)
    parser.add_argument("--accounts", type=int, default=ACCOUNTS, help="accounts to fill")
    return parser.parse_args()


def _box(min_lng: float, min_lat: float, max_lng: float, max_lat: float) -> dict[str, Any]:
    ring = [
        [min_lng, min_lat],
        [max_lng, min_lat],
        [max_lng, max_lat],
        [min_lng, max_lat],
        [min_lng, min_lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


LNG, LAT = CITY_CENTRE
WHOLE_CITY = _box(LNG - 0.5, LAT - 0.4, LNG + 0.5, LAT + 0.4)
WEST_HALF = _box(LNG - 0.5, LAT - 0.4, LNG, LAT + 0.4)
AWAY = _box(LNG + 2.0, LAT + 2.0, LNG + 2.01, LAT + 2.01)


def _manager(app: Flask, org_id: uuid.UUID) -> tuple[SystemPrincipal, list[uuid.UUID]]:
    with app.app_context(), unit_of_work():
        admin = SystemPrincipal(id=None, org_id=org_id)
        users = [
            create_user(
                admin,
                UserCreate(email=f"{role}{n}@example.com", name=role, role=role, password=PASSWORD),
            )
            for n, role in enumerate(("manager", "rep", "rep"))
        ]
        manager = SystemPrincipal(id=users[0].id, org_id=org_id, role="manager")
        return manager, [user.id for user in users[1:]]


def _count(app: Flask, territory_id: uuid.UUID | None) -> int:
    with app.app_context():
        held = select(func.count()).select_from(Account)
        if territory_id is None:
            held = held.where(Account.territory_id.is_(None))
        else:
            held = held.where(Account.territory_id == territory_id)
        count = int(db.session.scalar(held) or 0)
        db.session.rollback()
        return count


def _timed(app: Flask, change: Callable[[], Any], with_job: bool) -> tuple[float, float]:
    """(seconds of the change's transaction, seconds until its job is done as well)."""
    started = time.perf_counter()
    with app.app_context(), unit_of_work():
        change()
    requested = time.perf_counter()
    if with_job:
        run_jobs(app)
    return requested - started, time.perf_counter() - started


def _rewrite_every_account() -> None:
    """UPDATE every account without changing it: what writing 100k rows of this table costs
    (its indexes and triggers), the floor under any edit that moves them all."""
    db.session.execute(update(Account).values(name=Account.name))


def _edit(
    app: Flask, manager: SystemPrincipal, territory_id: uuid.UUID, area: dict[str, Any]
) -> Callable[[], Any]:
    patch = TerritoryPatch.model_validate({"area": area})
    return lambda: operations.update_territory(manager, territory_id, patch)


def main() -> None:
    arguments = _arguments()
    bench = create_bench_database("_bench_territories")
    try:
        refill(bench, arguments.accounts)
        manager, reps = _manager(bench.app, bench.org_id)
        jobbed = bench.app
        with jobbed.app_context(), unit_of_work():
            data = TerritoryCreate.model_validate(
                {"name": "Whole city", "area": AWAY, "rep_ids": [str(rep) for rep in reps]}
            )
            territory_id = operations.create_territory(manager, data).id
        print(f"\nTerritory edits over {arguments.accounts:,} accounts (seconds)")
        print(f"{'edit':<54} {'request':>8} {'+ job':>8} {'moved':>8}")
        runs = [
            ("grow over the whole city (all join)", WHOLE_CITY, _count, territory_id),
            ("shrink away from the city (all leave)", AWAY, _count, None),
        ]
        for label, area, count, holder in runs:
            request_s, total_s = _timed(jobbed, _edit(jobbed, manager, territory_id, area), True)
            moved = count(jobbed, holder)
            print(f"{label + ', job':<54} {request_s:>8.2f} {total_s:>8.2f} {moved:>8,}")
        in_request = bench.app.config["WAYPOINT_SETTINGS"].replace(
            territory_assign_in_request_max=10 * arguments.accounts
        )
        from server import create_app

        direct = create_app(in_request)
        for label, area, count, holder in runs:
            request_s, _ = _timed(direct, _edit(direct, manager, territory_id, area), False)
            moved = count(direct, holder)
            print(f"{label + ', one transaction':<54} {request_s:>8.2f} {'':>8} {moved:>8,}")
        _timed(direct, _edit(direct, manager, territory_id, WHOLE_CITY), False)
        with direct.app_context(), unit_of_work():
            data = TerritoryCreate.model_validate({"name": "West", "area": WEST_HALF})
            west = operations.create_territory(manager, data).id
        remove = lambda: operations.delete_territory(manager, territory_id)  # noqa: E731
        request_s, _ = _timed(direct, remove, False)
        moved = _count(direct, west)
        label = "delete the whole city (west half to West)"
        print(f"{label:<54} {request_s:>8.2f} {'':>8} {moved:>8,}")
        request_s, _ = _timed(direct, _rewrite_every_account, False)
        label = "for comparison: rewrite every account row"
        print(f"{label:<54} {request_s:>8.2f} {'':>8} {arguments.accounts:>8,}")
        with direct.app_context():
            states = db.session.execute(select(Territory.assignment_state)).scalars().all()
            print(f"assignment states at the end: {sorted(states)}")
            db.engine.dispose()
    finally:
        drop_bench_database(bench)


if __name__ == "__main__":
    main()
