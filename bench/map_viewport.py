"""`python -m bench.map_viewport`: a manager's map viewports and a campaign audience preview at
100k and 1M accounts, printed, never asserted.

For each size, in one throw-away organisation (accounts written by one INSERT ... SELECT over
generate_series, the map cells kept by their triggers as it runs):
- the city-wide and the country-wide map viewport of a manager: the map cells path and the
  former live clustering of every account in view, side by side (in the app's process), and
  the endpoint over HTTP through the production server;
- the audience preview of a city-sized polygon with three filters: the first page of
  POST /accounts/search over HTTP, and that page plus the count in the app's process;
- the same viewports and audience computed the way the open-source CRMs do it: a plain table
  with float latitude and longitude columns under B-tree indexes, a bounding-box filter in SQL,
  then the clustering, the polygon test and the distances in Python; and the ratio.

Targets at 1M accounts: audience preview p95 <= 200 ms, map viewport p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import signal
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import psycopg
from sqlalchemy import func, select

from bench.database import BenchDatabase, create_bench_database, drop_bench_database, libpq_url
from bench.progress import progress
from bench.server import production_server
from bench.spatial import keep_alive_get
from server.accounts import queries
from server.accounts.models import Account
from server.accounts.schemas import AccountFilters
from server.core.auth import SystemPrincipal
from server.core.transaction import unit_of_work
from server.extensions import db
from server.geo import queries as geo
from server.geo.geojson import Polygon
from server.users.models import User
from server.users.operations import create_api_token
from server.users.schemas import ApiTokenCreate

RESULTS = Path(__file__).resolve().parent / "results"
REPEATS = 30
NAIVE_REPEATS = 8
WARM_UP = 3
TEAM = 10  # reps per manager; two managers, the bench's one and another
VIEWPORTS = {
    "city": ("25.93,44.32,26.27,44.54", 12),  # Bucharest, about 27 x 24 km
    "country": ("20.2,43.6,29.8,48.3", 7),  # Romania
}
# A city-sized hexagon over Bucharest, about 20 x 16 km.
AUDIENCE_RING = [
    [26.00, 44.36],
    [26.12, 44.35],
    [26.22, 44.40],
    [26.20, 44.49],
    [26.07, 44.50],
    [25.98, 44.44],
    [26.00, 44.36],
]
AUDIENCE_FILTERS = {"kind": "customer", "industry": "pharmacy", "not_visited_days": 60}
PAGE = 50

# Most accounts in the capital's hubs, the others around six other cities and spread over the
# country; owners drawn at random among both teams (no rep keeps to an area: the most owners
# per map cell), a tenth unowned; kinds, statuses, industries and last visits mixed.
FILL_SQL = """
WITH hubs(lng, lat, sigma_km, share_end) AS (
  VALUES (26.1025, 44.4350, 2.0, 0.20), (26.0300, 44.4350, 1.6, 0.30),
         (26.0450, 44.4150, 1.4, 0.38), (26.1700, 44.4200, 1.6, 0.46),
         (26.1200, 44.3800, 1.8, 0.54), (26.1200, 44.4850, 1.2, 0.60),
         (23.5900, 46.7700, 3.0, 0.66), (27.5900, 47.1600, 3.0, 0.72),
         (21.2300, 45.7500, 3.0, 0.78), (28.6300, 44.1800, 3.0, 0.83),
         (25.6000, 45.6500, 3.0, 0.88), (23.8000, 44.3200, 3.0, 0.92)
), draws AS (
  SELECT n, random() AS pick, sqrt(-2 * ln(1 - random())) AS r, 2 * pi() * random() AS a,
         random() AS u, random() AS v
  FROM generate_series(1, %(count)s) AS n
), placed AS (
  SELECT d.n, d.u, d.v,
         COALESCE(h.lng + h.sigma_km * d.r * cos(d.a) / 79.5, 20.5 + 9.0 * d.u) AS lng,
         COALESCE(h.lat + h.sigma_km * d.r * sin(d.a) / 111.1, 43.8 + 4.2 * d.v) AS lat
  FROM draws AS d
  LEFT JOIN LATERAL (
    SELECT * FROM hubs WHERE hubs.share_end >= d.pick ORDER BY hubs.share_end LIMIT 1
  ) AS h ON true
)
INSERT INTO accounts (id, org_id, kind, name, address, location, geocode_status, status,
                      industry, tags, custom, owner_id, last_visit_at, created_at, updated_at,
                      version)
SELECT gen_random_uuid(), %(org_id)s,
       CASE WHEN p.u < 0.6 THEN 'customer' ELSE 'prospect' END,
       'Account ' || p.n, 'Strada ' || (p.n %% 500) || ' nr. ' || (p.n %% 97),
       ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326)::geography,
       'manual',
       CASE WHEN p.u < 0.6 THEN (ARRAY['active', 'at_risk', 'inactive'])[1 + p.n %% 3]
            ELSE (ARRAY['new', 'contacted', 'qualified', 'lost'])[1 + p.n %% 4] END,
       (ARRAY['pharmacy', 'grocery', 'hospitality', 'hardware', 'retail'])[1 + p.n %% 5],
       '{}', '{}',
       CASE WHEN p.v < 0.1 THEN NULL
            ELSE (%(owners)s::uuid[])[1 + (p.n::bigint * 7919) %% %(owner_count)s] END,
       CASE WHEN p.n %% 3 = 0 THEN NULL ELSE now() - (p.n %% 120) * interval '1 day' END,
       now(), now(), 1
FROM placed AS p
"""

# The open-source CRMs' way: coordinates as two float columns, each under its own B-tree.
NAIVE_SQL = [
    "DROP TABLE IF EXISTS crm_accounts",
    """CREATE TABLE crm_accounts AS
       SELECT id, org_id, name, owner_id, kind, status, industry, last_visit_at, archived_at,
              ST_Y(location::geometry) AS latitude, ST_X(location::geometry) AS longitude
       FROM accounts""",
    "CREATE INDEX crm_accounts_latitude ON crm_accounts (latitude)",
    "CREATE INDEX crm_accounts_longitude ON crm_accounts (longitude)",
    "CREATE INDEX crm_accounts_org_owner ON crm_accounts (org_id, owner_id)",
    "VACUUM ANALYZE crm_accounts",
]


def _percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": round(cuts[49], 1), "p95": round(cuts[94], 1)}


def _time(work: Callable[[], Any], repeats: int) -> dict[str, float]:
    for _ in range(WARM_UP):
        work()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return _percentiles(samples)


class Staff:
    """The bench manager (with a bearer token), their team, another team."""

    def __init__(self, bench: BenchDatabase) -> None:
        with bench.app.app_context(), unit_of_work():
            admin = db.session.scalars(select(User).where(User.org_id == bench.org_id)).one()
            self.manager_id, other_manager = uuid.uuid4(), uuid.uuid4()
            managers = [self.manager_id, other_manager]
            reps = [(uuid.uuid4(), manager) for manager in managers for _ in range(TEAM)]
            for number, (user_id, manager_id, role) in enumerate(
                [(m, None, "manager") for m in managers] + [(r, m, "rep") for r, m in reps]
            ):
                db.session.add(
                    User(
                        id=user_id,
                        org_id=bench.org_id,
                        email=f"staff{number}@example.com",
                        name=f"Staff {number}",
                        role=role,
                        manager_id=manager_id,
                        password_hash=admin.password_hash,
                        is_active=True,
                        version=1,
                    )
                )
            db.session.flush()
            principal = SystemPrincipal(id=admin.id, org_id=bench.org_id)
            _, self.token = create_api_token(
                principal, ApiTokenCreate(name="manager", user_id=self.manager_id)
            )
        self.owners = [str(user_id) for user_id in managers + [rep for rep, _ in reps]]
        self.principal = SystemPrincipal(id=self.manager_id, org_id=bench.org_id, role="manager")
        self.team = [str(rep) for rep, manager in reps if manager == self.manager_id]


def refill(bench: BenchDatabase, staff: Staff, size: int) -> dict[str, float]:
    """Replace every account by `size` new ones (the triggers keep the cells as they go), and
    copy them into the plain-columns table; seconds per step and the cells kept. The territories
    of an earlier size go too: an account belongs to the oldest territory covering it."""
    url = libpq_url(bench.url)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("TRUNCATE accounts, account_map_cells, territories CASCADE")
        started = time.perf_counter()
        with progress(f"filling {size:,} accounts (and their map cells)"):
            connection.execute(
                FILL_SQL,
                {
                    "count": size,
                    "org_id": bench.org_id,
                    "owners": staff.owners,
                    "owner_count": len(staff.owners),
                },
            )
        filled = time.perf_counter()
        with progress("VACUUM ANALYZE"):
            connection.execute("VACUUM ANALYZE accounts")
            connection.execute("VACUUM ANALYZE account_map_cells")
        with progress("the plain latitude/longitude table"):
            for statement in NAIVE_SQL:
                connection.execute(statement)
        row = connection.execute("SELECT count(*) FROM account_map_cells").fetchone()
    return {"fill_with_cells_s": round(filled - started, 1), "map_cells": row[0] if row else 0}


def _bbox(text: str) -> geo.BBox:
    return geo.parse_bbox(text)


def viewport_figures(bench: BenchDatabase, staff: Staff, port: int) -> dict[str, Any]:
    """Each viewport: cells and live in-process, the endpoint over HTTP, the CRM way."""
    figures: dict[str, Any] = {}
    filters = AccountFilters()
    with bench.app.app_context():
        for name, (text, zoom) in VIEWPORTS.items():
            bbox = _bbox(text)

            def cells(bbox: geo.BBox = bbox, zoom: int = zoom) -> Any:
                result = queries.clusters_in_bbox(staff.principal, filters, bbox, zoom)
                db.session.rollback()
                return result

            def live(bbox: geo.BBox = bbox, zoom: int = zoom) -> Any:
                result = queries.clusters_in_bbox(
                    staff.principal, filters, bbox, zoom, use_cells=False
                )
                db.session.rollback()
                return result

            counted = sum(cluster.count for cluster in cells())
            if counted != sum(cluster.count for cluster in live()):
                raise RuntimeError(f"{name}: the cells and the live path disagree")
            path = f"/api/v1/accounts?bbox={text}&zoom={zoom}"
            figures[name] = {
                "accounts_in_view": counted,
                "cells": _time(cells, REPEATS),
                "live": _time(live, max(NAIVE_REPEATS, REPEATS // 3)),
                "http": _time_http(port, staff.token, path),
                "crm_way": _time(
                    lambda bbox=bbox, zoom=zoom: crm_viewport(bench, staff, bbox, zoom),
                    NAIVE_REPEATS,
                ),
            }
    return figures


def _time_http(port: int, token: str, path: str) -> dict[str, float]:
    # A connection of its own: one kept open while the slower paths run would time out.
    with keep_alive_get(port, token) as get:
        return _time(lambda: get(path), REPEATS)


def crm_viewport(bench: BenchDatabase, staff: Staff, bbox: geo.BBox, zoom: int) -> int:
    """Rows of the bounding box by the float columns' B-trees, clustered in Python on the
    same grid; the number of clusters."""
    rows = _crm_rows(
        bench,
        staff,
        "latitude, longitude",
        "latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s",
        [bbox.min_lat, bbox.max_lat, bbox.min_lng, bbox.max_lng],
    )
    cell = geo.grid_cell_deg(bbox, zoom)
    clusters: dict[tuple[int, int], list[float]] = {}
    for lat, lng in rows:
        key = (math.floor(lng / cell), math.floor(lat / cell))
        found = clusters.get(key)
        if found is None:
            clusters[key] = [1, lng, lat, lng, lat, lng, lat]
        else:
            found[0] += 1
            found[1] += lng
            found[2] += lat
            found[3], found[4] = min(found[3], lng), min(found[4], lat)
            found[5], found[6] = max(found[5], lng), max(found[6], lat)
    return len(clusters)


def _crm_rows(
    bench: BenchDatabase, staff: Staff, columns: str, where: str, values: list[Any]
) -> list[tuple[Any, ...]]:
    # The manager's rule, the same as the app's: their team's, their own, the unowned.
    visible = "(owner_id IS NULL OR owner_id = %s OR owner_id = ANY(%s::uuid[]))"
    statement = (
        f"SELECT {columns} FROM crm_accounts WHERE org_id = %s AND archived_at IS NULL "
        f"AND {visible} AND {where}"
    )
    with bench.app.app_context():
        connection = db.engine.raw_connection()
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement, [bench.org_id, staff.manager_id, staff.team, *values])
                return list(cursor.fetchall())
        finally:
            connection.rollback()
            connection.close()


def audience_figures(bench: BenchDatabase, staff: Staff, port: int) -> dict[str, Any]:
    """The city polygon with three filters: first page + count, three ways."""
    area = Polygon(type="Polygon", coordinates=[AUDIENCE_RING])
    filters = AccountFilters(**AUDIENCE_FILTERS)

    def preview() -> int:
        page = queries.search_in_area(staff.principal, area, filters, PAGE, None)
        counted = apply_area(select(func.count()).select_from(Account), area, filters)
        total = int(db.session.scalar(counted) or 0)
        db.session.rollback()
        if len(page.items) != min(PAGE, total):
            raise RuntimeError("the audience page and its count disagree")
        return total

    def apply_area(query: Any, area: Polygon, filters: AccountFilters) -> Any:
        query = query.where(queries.visibility(staff.principal))
        return queries.apply_filters(query, filters).where(geo.inside_area(Account.location, area))

    body = json.dumps({"area": area.model_dump(), "filters": AUDIENCE_FILTERS, "limit": PAGE})
    with bench.app.app_context():
        total = preview()
        crm_total = crm_audience(bench, staff)
        if crm_total != total:
            print(f"  (the CRM way counts {crm_total:,}, the app {total:,})", flush=True)
        return {
            "audience": total,
            "page_and_count": _time(preview, REPEATS),
            "http_search_page": _time(lambda: _post(port, staff.token, body), REPEATS),
            "crm_way": _time(lambda: crm_audience(bench, staff), NAIVE_REPEATS),
        }


def _post(port: int, token: str, body: str) -> None:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST",
            "/api/v1/accounts/search",
            body=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"search answered {response.status}")
    finally:
        connection.close()


def crm_audience(bench: BenchDatabase, staff: Staff) -> int:
    """The polygon's bounding box by the B-trees with the filters in SQL; the polygon test
    (ray casting) and the distance from the polygon's centre (haversine) in Python; the
    count, and the first page by name."""
    lngs = [lng for lng, _ in AUDIENCE_RING]
    lats = [lat for _, lat in AUDIENCE_RING]
    rows = _crm_rows(
        bench,
        staff,
        "id, name, latitude, longitude",
        "latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s AND kind = %s "
        "AND industry = %s AND (last_visit_at IS NULL OR last_visit_at < now() - %s::interval)",
        [min(lats), max(lats), min(lngs), max(lngs), "customer", "pharmacy", "60 days"],
    )
    centre = (sum(lngs[:-1]) / (len(lngs) - 1), sum(lats[:-1]) / (len(lats) - 1))
    inside = [
        (name, account_id, _haversine_m(centre, (lng, lat)))
        for account_id, name, lat, lng in rows
        if _in_ring(lng, lat, AUDIENCE_RING)
    ]
    inside.sort()
    return len(inside)


def _in_ring(x: float, y: float, ring: list[list[float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lng1, lat1, lng2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def print_size(size: int, setup: dict[str, Any], figures: dict[str, Any]) -> None:
    """One size's table."""
    print(
        f"\n== {size:,} accounts (filled with their map cells in {setup['fill_with_cells_s']} s; "
        f"{setup['map_cells']:,} map cells) =="
    )
    print(
        f"{'ms (p50 / p95)':34} {'cells':>15} {'old live':>15} {'HTTP':>15} {'CRM way':>17} ratio"
    )
    for name in VIEWPORTS:
        row = figures[name]
        ratio = row["crm_way"]["p95"] / row["http"]["p95"]
        print(
            f"{name + ' viewport, manager':34} {_pair(row['cells'])} {_pair(row['live'])} "
            f"{_pair(row['http'])} {_pair(row['crm_way']):>17} {ratio:5.1f}x"
            f"   ({row['accounts_in_view']:,} accounts in view)"
        )
    audience = figures["audience"]
    ratio = audience["crm_way"]["p95"] / audience["page_and_count"]["p95"]
    print(
        f"{'audience preview, 3 filters':34} {_pair(audience['page_and_count'])} {'':>15} "
        f"{_pair(audience['http_search_page'])} {_pair(audience['crm_way']):>17} {ratio:5.1f}x"
        f"   ({audience['audience']:,} accounts; cells = first page + count in-process, "
        f"HTTP = POST /accounts/search first page)"
    )


def _pair(timing: dict[str, float]) -> str:
    return f"{timing['p50']:6.1f} / {timing['p95']:6.1f}"


def sizes_argument(module: str, description: str | None) -> list[int]:
    """The account counts asked for on the command line (--sizes, comma-separated) of the
    bench `module` (this one's and bench/issue_acceptance.py's)."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {module}",
        description=description,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated account counts")
    return [int(size.replace("_", "")) for size in parser.parse_args().sizes.split(",")]


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    sys.exit(128 + signum)


def main() -> None:
    """Every size: fill, measure, print; the figures also go to bench/results/map_viewport.json."""
    sizes = sizes_argument("bench.map_viewport", __doc__)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    RESULTS.mkdir(exist_ok=True)
    results: dict[str, Any] = {}
    print("Preparing the bench database ...", flush=True)
    bench = create_bench_database("_bench_map")
    try:
        staff = Staff(bench)
        with production_server(bench.url, RESULTS / "gunicorn-map.log") as port:
            for size in sizes:
                setup = refill(bench, staff, size)
                figures = viewport_figures(bench, staff, port)
                figures["audience"] = audience_figures(bench, staff, port)
                print_size(size, setup, figures)
                results[str(size)] = {"setup": setup, **figures}
                (RESULTS / "map_viewport.json").write_text(json.dumps(results, indent=2))
    finally:
        drop_bench_database(bench)
    print("\nTargets at 1M: audience preview p95 <= 200 ms, map viewport p95 <= 50 ms.")
    print("Figures written to bench/results/map_viewport.json")


if __name__ == "__main__":
    main()
