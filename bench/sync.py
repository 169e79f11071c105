"""`python -m bench.sync`: the offline protocol's figures, printed, never asserted.

Against the production server configuration (gunicorn.conf.py) on its own database
(`<name>_bench_sync`): a push of 1,000 visit.create mutations from a fresh device, the very same
batch pushed again (all duplicates, nothing changes), and a pull of 1,000 changes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.database import create_bench_database, drop_bench_database, refill
from bench.server import production_server
from bench.spatial import Timings
from server.accounts.models import Account
from server.extensions import db

RESULTS = Path(__file__).resolve().parent / "results"
BATCH = 1_000
TARGETS_MS = {"push": 1_000.0, "re-push": 300.0}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.sync", description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="pushes and pulls to time")
    return parser.parse_args()


class Api:
    """A keep-alive HTTP connection with the bench's bearer token."""

    def __init__(self, port: int, token: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: Any = None) -> tuple[float, Any]:
        """(milliseconds, decoded answer) of one request; fails on any status but 200."""
        payload = None if body is None else json.dumps(body)
        started = time.perf_counter()
        self.connection.request(method, path, body=payload, headers=self.headers)
        response = self.connection.getresponse()
        raw = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"{method} {path} answered {response.status}: {raw[:500]!r}")
        return elapsed, json.loads(raw)


def visit_batch(account_ids: list[str]) -> list[dict[str, Any]]:
    """BATCH visit.create mutations, numbered from 1, spread over the accounts."""
    return [
        {
            "id": number,
            "op": "visit.create",
            "at": "2026-12-01T09:31:00Z",
            "data": {
                "id": str(uuid.uuid4()),
                "account_id": account_ids[number % len(account_ids)],
                "started_at": "2026-12-01T09:30:00Z",
                "location": {"type": "Point", "coordinates": [26.1025, 44.4268]},
                "accuracy_m": 15.0,
                "outcome": "met",
                "notes": "bench visit",
            },
        }
        for number in range(1, BATCH + 1)
    ]


def measure(api: Api, account_ids: list[str], repeats: int) -> dict[str, Timings]:
    """Push, re-push and pull timings over `repeats` rounds."""
    push, repush, pull = [], [], []
    for _ in range(repeats):
        body = {"client_id": str(uuid.uuid4()), "mutations": visit_batch(account_ids)}
        elapsed, answer = api.call("POST", "/api/v1/sync/push", body)
        if answer["last_mutation_id"] != BATCH:
            raise RuntimeError(f"push stopped at {answer['last_mutation_id']}")
        push.append(elapsed)
        repush.append(api.call("POST", "/api/v1/sync/push", body)[0])
        elapsed, answer = api.call("GET", f"/api/v1/sync/pull?limit={BATCH}")
        if len(answer["changes"]) != BATCH:
            raise RuntimeError(f"pull brought {len(answer['changes'])} changes")
        pull.append(elapsed)
    return {"push": Timings.of(push), "re-push": Timings.of(repush), "pull": Timings.of(pull)}


def print_figures(figures: dict[str, Timings]) -> None:
    """One line per measurement, with its target where the issue sets one."""
    print(f"\n{f'{BATCH:,} mutations / changes':<32}{'p50 ms':>9}{'p95 ms':>10}  target")
    for name, timing in figures.items():
        target = TARGETS_MS.get(name)
        verdict = ""
        if target is not None:
            verdict = f"p50 <= {target:,.0f} ms: {'PASS' if timing.p50 <= target else 'FAIL'}"
        print(f"  {name:<30}{timing.p50:>9.1f}{timing.p95:>10.1f}  {verdict}", flush=True)


def main() -> None:
    """Set up, measure, print, clean up."""
    args = _arguments()
    bench = create_bench_database("_bench_sync")
    try:
        refill(bench, 2_000)
        with bench.app.app_context():
            account_ids = [str(i) for i in db.session.scalars(select(Account.id).limit(500))]
        RESULTS.mkdir(exist_ok=True)
        log = RESULTS / "gunicorn-sync.log"
        with production_server(bench.url, log) as port:
            figures = measure(Api(port, bench.token), account_ids, max(2, args.repeats))
    finally:
        drop_bench_database(bench)
    print_figures(figures)


if __name__ == "__main__":
    main()
