"""`python -m bench.issue_acceptance`: every acceptance figure of the territories and campaigns
issue, at 100k and 1M accounts, measured in one run and printed side by side, never asserted.

For each size, in one throw-away organisation filled as bench.map_viewport fills it (most
accounts in the capital's hubs, the others around six cities and over the country; owners drawn
among two teams):
- the audience preview of a city-sized polygon with three filters: its first page and count,
  and the whole preview with the clusters of a city viewport (what the campaign builder asks on
  every drag); the same polygon without filters, an audience past the count's cap at 1M;
- a manager's city-wide and country-wide map viewports, in the app's process and over HTTP
  through the production server;
- the same viewports and audience computed the way the open-source CRMs do it (float latitude
  and longitude columns under B-tree indexes, the polygon test and the clustering in Python),
  and the ratio to the app's figure;
- a territory edit that re-assigns about 100,000 accounts (as many as the city holds, when
  fewer): the request (which queues the
  assignment job) and the job, run by a real procrastinate worker, until every account points
  at its territory;
- the launch of a campaign of about 5,000 accounts: the request and the launch job, until every
  target and task is made.

Targets at 1M accounts: audience preview p95 <= 200 ms, map viewport p95 <= 50 ms.
"""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from bench.database import BenchDatabase, create_bench_database, drop_bench_database
from bench.map_viewport import (
    AUDIENCE_FILTERS,
    AUDIENCE_RING,
    PAGE,
    REPEATS,
    RESULTS,
    VIEWPORTS,
    Staff,
    _exit_on_sigterm,
    _time,
    audience_figures,
    refill,
    sizes_argument,
    viewport_figures,
)
from bench.server import production_server
from server.accounts.models import Account
from server.campaigns import operations as campaigns
from server.campaigns import queries as campaign_queries
from server.campaigns.schemas import CampaignCreate, CampaignFilters
from server.core.transaction import unit_of_work
from server.extensions import db
from server.geo import queries as geo
from server.geo.geojson import Polygon
from server.tasks.models import Task
from server.territories import operations as territories
from server.territories.schemas import TerritoryCreate, TerritoryPatch
from tests.support.jobs import run_jobs

CENTRE = (26.1025, 44.4350)  # the capital's busiest hub
TERRITORY_ACCOUNTS = 100_000
CAMPAIGN_ACCOUNTS = 5_000
CITY_HALF_DEG = 0.7
AWAY = (30.5, 40.5)  # no account there: where the territory starts and a box grows from
# The builder's map over the audience polygon while it is dragged.
PREVIEW_VIEWPORT = ("25.95,44.33,26.25,44.52", 12)


def _box(lng: float, lat: float, half: float) -> dict[str, Any]:
    ring = [
        [lng - half, lat - half * 0.75],
        [lng + half, lat - half * 0.75],
        [lng + half, lat + half * 0.75],
        [lng - half, lat + half * 0.75],
        [lng - half, lat - half * 0.75],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _box_holding(count: Callable[[dict[str, Any]], int], wanted: int) -> tuple[dict[str, Any], int]:
    """The box around CENTRE whose count is closest to `wanted` (bisecting its size), and that
    count; the city's box (about 110 x 80 km) when it holds fewer. Never wider: over a
    country-sized polygon the geography tests cost minutes per 100,000 accounts."""
    low, high = 0.0, CITY_HALF_DEG
    best = _box(*CENTRE, high)
    best_count = count(best)
    if best_count <= wanted:
        return best, best_count
    for _ in range(18):
        middle = (low + high) / 2
        box = _box(*CENTRE, middle)
        found = count(box)
        if abs(found - wanted) < abs(best_count - wanted):
            best, best_count = box, found
        if abs(found - wanted) <= wanted // 200:
            break
        low, high = (middle, high) if found < wanted else (low, middle)
    return best, best_count


def _accounts_in(app: Flask, box: dict[str, Any]) -> int:
    """Every account of the organisation in the box: those a territory edit re-assigns."""
    area = Polygon.model_validate(box)
    with app.app_context():
        inside = (
            select(func.count()).select_from(Account).where(geo.inside_area(Account.location, area))
        )
        found = int(db.session.scalar(inside) or 0)
        db.session.rollback()
    return found


def _audience_of(app: Flask, staff: Staff, box: dict[str, Any]) -> int:
    """The accounts of the box the bench manager may see: a campaign's audience."""
    area = Polygon.model_validate(box)
    with app.app_context():
        query = campaign_queries.audience_query(staff.principal, area, None, CampaignFilters())
        ids = query.with_only_columns(Account.id).subquery()
        found = int(db.session.scalar(select(func.count()).select_from(ids)) or 0)
        db.session.rollback()
    return found


def territory_figures(bench: BenchDatabase, staff: Staff) -> dict[str, Any]:
    """A territory away from every account is edited to a box holding about 100,000: the
    request, then the job, until every account in the box points at it."""
    app = bench.app
    box, inside = _box_holding(lambda box: _accounts_in(app, box), TERRITORY_ACCOUNTS)
    with app.app_context(), unit_of_work():
        created = TerritoryCreate.model_validate(
            {"name": "Acceptance", "area": _box(*AWAY, 0.01), "rep_ids": staff.team[:2]}
        )
        territory_id = territories.create_territory(staff.principal, created).id
    patch = TerritoryPatch.model_validate({"area": box})
    started = time.perf_counter()
    with app.app_context(), unit_of_work():
        territories.update_territory(staff.principal, territory_id, patch)
    requested = time.perf_counter()
    run_jobs(app)
    done = time.perf_counter()
    with app.app_context():
        held = select(func.count()).select_from(Account).where(Account.territory_id == territory_id)
        moved = int(db.session.scalar(held) or 0)
        db.session.rollback()
    if moved != inside:
        raise RuntimeError(f"the territory holds {moved:,} accounts of the {inside:,} in its area")
    return {"accounts": moved, "request_s": requested - started, "with_job_s": done - started}


def launch_figures(bench: BenchDatabase, staff: Staff) -> dict[str, Any]:
    """A campaign over a box of about 5,000 accounts the manager sees, assigned by owner: the
    launch request, then its job, until every target has its task."""
    app = bench.app
    box, audience = _box_holding(lambda box: _audience_of(app, staff, box), CAMPAIGN_ACCOUNTS)
    with app.app_context(), unit_of_work():
        created = CampaignCreate.model_validate({"name": f"Acceptance {uuid.uuid4()}", "area": box})
        campaign_id = campaigns.create_campaign(staff.principal, created).id
    started = time.perf_counter()
    with app.app_context(), unit_of_work():
        campaigns.launch_campaign(staff.principal, campaign_id, "owner")
    requested = time.perf_counter()
    run_jobs(app)
    done = time.perf_counter()
    with app.app_context():
        made = select(func.count()).select_from(Task).where(Task.campaign_id == campaign_id)
        tasks = int(db.session.scalar(made) or 0)
        db.session.rollback()
    if tasks != audience:
        raise RuntimeError(f"the launch made {tasks:,} tasks for an audience of {audience:,}")
    return {"accounts": tasks, "request_s": requested - started, "with_job_s": done - started}


def preview_figures(
    bench: BenchDatabase, staff: Staff, filters_given: dict[str, Any]
) -> dict[str, float]:
    """The campaign builder's whole preview: count, first page and the clusters of its map."""
    area = Polygon(type="Polygon", coordinates=[AUDIENCE_RING])
    filters = CampaignFilters.model_validate(filters_given)
    text, zoom = PREVIEW_VIEWPORT
    bbox = geo.parse_bbox(text)

    def preview() -> Any:
        query = campaign_queries.audience_of(staff.principal, area, None, filters)
        answer = campaign_queries.audience_page(query, PAGE, None, bbox, zoom)
        db.session.rollback()
        return answer

    with bench.app.app_context():
        return _time(preview, REPEATS)


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min) / {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def _pair(timing: dict[str, float]) -> str:
    return f"{timing['p50']:7.1f} / {timing['p95']:7.1f}"


def _shown(cell: Callable[[dict[str, Any]], str], figures: dict[str, Any]) -> str:
    """A figure of the table, or "-" while it is not measured yet."""
    try:
        return cell(figures)
    except KeyError:
        return "-"


def print_table(results: dict[str, dict[str, Any]]) -> None:
    """Every figure, one column per size."""
    sizes = list(results)
    width = 22
    print("\n== Issue acceptance: territories, campaigns and the map at scale ==")
    print(f"{'':52}" + "".join(f"{int(size):>{width},}" for size in sizes) + "   target at 1M")
    rows: list[tuple[str, Callable[[dict[str, Any]], str], str]] = [
        (
            "audience preview, 3 filters: page + count (ms)",
            lambda r: _pair(r["audience"]["page_and_count"]),
            "p95 <= 200",
        ),
        ("  the same with the map's clusters (ms)", lambda r: _pair(r["preview"]), "p95 <= 200"),
        (
            "  no filters (capped at 100k), with clusters (ms)",
            lambda r: _pair(r["preview_unfiltered"]),
            "",
        ),
        (
            "  POST /accounts/search first page, HTTP (ms)",
            lambda r: _pair(r["audience"]["http_search_page"]),
            "",
        ),
        ("  the CRM way (ms)", lambda r: _pair(r["audience"]["crm_way"]), ""),
        (
            "  ratio CRM way / app (p95)",
            lambda r: (
                f"{r['audience']['crm_way']['p95'] / r['audience']['page_and_count']['p95']:.1f}x"
            ),
            "",
        ),
    ]
    for name in VIEWPORTS:
        rows += [
            (
                f"{name} viewport, manager, in process (ms)",
                lambda r, n=name: _pair(r[n]["cells"]),
                "p95 <= 50",
            ),
            ("  over HTTP (ms)", lambda r, n=name: _pair(r[n]["http"]), "p95 <= 50"),
            ("  the CRM way (ms)", lambda r, n=name: _pair(r[n]["crm_way"]), ""),
            (
                "  ratio CRM way / app over HTTP (p95)",
                lambda r, n=name: f"{r[n]['crm_way']['p95'] / r[n]['http']['p95']:.1f}x",
                "",
            ),
        ]
    rows += [
        ("territory edit: accounts re-assigned", lambda r: f"{r['territory']['accounts']:,}", ""),
        (
            "  request / request + job (s)",
            lambda r: f"{r['territory']['request_s']:7.2f} / {r['territory']['with_job_s']:7.2f}",
            "seconds",
        ),
        ("campaign launch: targets and tasks made", lambda r: f"{r['launch']['accounts']:,}", ""),
        (
            "  request / request + job (s)",
            lambda r: f"{r['launch']['request_s']:7.2f} / {r['launch']['with_job_s']:7.2f}",
            "",
        ),
    ]
    for label, cell, target in rows:
        print(
            f"{label:52}"
            + "".join(f"{_shown(cell, results[size]):>{width}}" for size in sizes)
            + f"   {target}"
        )
    print(
        "(ms figures are p50 / p95; "
        + "; ".join(f"{int(s):,}: {results[s]['load']}" for s in sizes)
        + ")"
    )


def main() -> None:
    """Every size: fill, measure everything, print; figures also go to bench/results/."""
    sizes = sizes_argument("bench.issue_acceptance", __doc__)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    RESULTS.mkdir(exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    print("Preparing the bench database ...", flush=True)
    bench = create_bench_database("_bench_acceptance")
    try:
        staff = Staff(bench)
        with production_server(bench.url, RESULTS / "gunicorn-acceptance.log") as port:
            for size in sizes:
                setup = refill(bench, staff, size)
                figures: dict[str, Any] = {"setup": setup, "load": _load()}
                print(f"measuring at {size:,} accounts ({figures['load']}) ...", flush=True)
                figures.update(viewport_figures(bench, staff, port))
                figures["audience"] = audience_figures(bench, staff, port)
                figures["preview"] = preview_figures(bench, staff, AUDIENCE_FILTERS)
                figures["preview_unfiltered"] = preview_figures(bench, staff, {})
                results[str(size)] = figures
                # The read figures first: the writes below take the longest at 1M.
                print_table(results)
                figures["territory"] = territory_figures(bench, staff)
                figures["launch"] = launch_figures(bench, staff)
                results[str(size)] = figures
                (RESULTS / "issue_acceptance.json").write_text(json.dumps(results, indent=2))
                print_table(results)
    finally:
        drop_bench_database(bench)
    print("\nFigures written to bench/results/issue_acceptance.json")


if __name__ == "__main__":
    main()
