"""`python -m bench.checksum`: GET /api/v1/sync/checksum at 100k accounts, printed, never asserted.

On its own database (`<name>_bench_checksum`) filled with 100,000 accounts of one organisation,
for its admin (whose working set is every account): the checksum's SQL by the former formula
(sha256 of every "id:version" joined in id order, so a sort and a 4 MB string) and by the
current one (a sum of stored per-row digests), measured in turn in the same run, then the whole
endpoint over HTTP through the production server configuration (gunicorn.conf.py).
"""

from __future__ import annotations

import argparse
import http.client
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Text, cast, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from bench.database import create_bench_database, drop_bench_database, refill
from bench.server import production_server
from bench.spatial import Timings
from server.extensions import db
from server.sync.checksum import checksums
from server.sync.feeds import FEEDS, Feed
from server.users.models import User

RESULTS = Path(__file__).resolve().parent / "results"
ACCOUNTS = 100_000


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.checksum", description=__doc__)
    parser.add_argument("--accounts", type=int, default=ACCOUNTS, help="accounts to fill")
    parser.add_argument("--repeats", type=int, default=15, help="timed runs of each")
    return parser.parse_args()


def former_entity_checksum(principal: Any, feed: Feed) -> tuple[int, str]:
    """The checksum as it was: sha256 hex of "id:version" joined by "," in id order."""
    version: Any = getattr(feed.model, "version", literal(1))
    item = cast(feed.model.id, Text) + literal(":") + cast(version, Text)
    joined = func.coalesce(
        func.string_agg(item, aggregate_order_by(literal(","), feed.model.id)), ""
    )
    digest = func.encode(func.sha256(func.convert_to(joined, "UTF8")), "hex")
    count, hashed = db.session.execute(
        select(func.count(), digest).where(feed.visibility(principal))
    ).one()
    return int(count), str(hashed)


def former_checksums(principal: Any) -> dict[str, tuple[int, str]]:
    """Every entity's checksum by the former formula."""
    return {feed.entity: former_entity_checksum(principal, feed) for feed in FEEDS}


def _time_ms(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def measure_sql(principal: Any, repeats: int) -> dict[str, Timings]:
    """Both formulas in turn, `repeats` times each after one warm-up run of each."""
    runs: dict[str, Callable[[], Any]] = {
        "former: sorted sha256": lambda: former_checksums(principal),
        "current: sum of digests": lambda: checksums(principal),
    }
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        run()
    for _ in range(repeats):
        for name, run in runs.items():
            samples[name].append(_time_ms(run))
    return {name: Timings.of(values) for name, values in samples.items()}


def measure_http(port: int, token: str, repeats: int) -> Timings:
    """GET /api/v1/sync/checksum through gunicorn, `repeats` times on one connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Authorization": f"Bearer {token}"}
    samples = []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        connection.request("GET", "/api/v1/sync/checksum", headers=headers)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"checksum answered {response.status}: {body[:300]!r}")
        samples.append((time.perf_counter() - started) * 1000)
    return Timings.of(samples[1:])


def main() -> None:
    """Fill, measure both formulas and the endpoint, print side by side."""
    args = _arguments()
    RESULTS.mkdir(exist_ok=True)
    # The bench asks more often than a device would.
    os.environ["CHECKSUMS_PER_MINUTE"] = str(10 * (args.repeats + 1))
    print("Preparing the bench database ...", flush=True)
    bench = create_bench_database("_bench_checksum")
    try:
        refill(bench, args.accounts)
        with bench.app.app_context():
            admin = db.session.scalar(select(User).where(User.email == "bench@example.com"))
            sql = measure_sql(admin, args.repeats)
            db.session.remove()
        with production_server(bench.url, RESULTS / "gunicorn-checksum.log") as port:
            over_http = measure_http(port, bench.token, args.repeats)
    finally:
        drop_bench_database(bench)
    _print(args.accounts, sql, over_http)


def _print(accounts: int, sql: dict[str, Timings], over_http: Timings) -> None:
    print(f"\nsync checksum of an admin's working set, {accounts:,} accounts (ms)")
    print(f"{'':<28}{'p50':>10}{'p95':>10}")
    for name, timings in sql.items():
        print(f"{'SQL, ' + name:<28}{timings.p50:>10.1f}{timings.p95:>10.1f}")
    former, current = sql.values()
    print(f"{'speed-up (p50)':<28}{former.p50 / current.p50:>9.1f}x")
    print(f"{'HTTP, current (gunicorn)':<28}{over_http.p50:>10.1f}{over_http.p95:>10.1f}")


if __name__ == "__main__":
    main()
