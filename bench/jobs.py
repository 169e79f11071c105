"""`python -m bench.jobs`: geocoding off the request path, printed, never asserted.

Against the production server configuration (gunicorn.conf.py) and `flask --app wsgi worker`, on
their own database (`<name>_bench_jobs`), with a local Nominatim stand-in:

(a) 40 users ask `GET /api/v1/geocode/reverse` at once of a slow geocoder (0.5 s an answer,
    requests a second apart as the public service asks, GEOCODER_MAX_WAIT_S=3): how long the
    answered and the refused requests took, and how many database connections were in use by
    the server while the answered ones waited for their turn (sampled from pg_stat_activity).
(b) One push of 1,000 `account.create` with addresses through `/api/v1/sync/push`: the push's
    response time (target under 2 s), and the time until the worker has geocoded them all.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import func, select

from bench.database import SECRET_KEY, BenchDatabase, create_bench_database, drop_bench_database
from bench.server import ROOT, production_server
from server.accounts.models import Account
from server.core.auth import SystemPrincipal
from server.core.transaction import unit_of_work
from server.extensions import db
from server.users.models import User
from server.users.operations import create_api_token, create_user
from server.users.schemas import ApiTokenCreate, UserCreate
from tests.support.database import libpq
from tests.support.fake_nominatim import FakeNominatim

RESULTS = Path(__file__).resolve().parent / "results"
USERS = 40
BATCH = 1_000
GEOCODER_DELAY_S = 0.5
MAX_WAIT_S = 3.0
PUSH_TARGET_MS = 2_000.0
GEOCODED_TIMEOUT_S = 600.0


def _tokens(bench: BenchDatabase, count: int) -> list[str]:
    """API tokens of `count` new reps of the bench organisation."""
    tokens = []
    with bench.app.app_context(), unit_of_work():
        admin_id = db.session.scalar(select(User.id).where(User.email == "bench@example.com"))
        admin = SystemPrincipal(id=admin_id, org_id=bench.org_id)
        for number in range(count):
            user = create_user(
                admin,
                UserCreate(
                    email=f"rep{number}@example.com",
                    name=f"Rep {number}",
                    role="rep",
                    password="bench pass phrase 7",  # noqa: S106
                ),
            )
            request = ApiTokenCreate(name="bench", user_id=user.id)
            tokens.append(create_api_token(admin, request)[1])
    return tokens


def _call(
    port: int, token: str, method: str, path: str, body: Any = None
) -> tuple[float, int, Any]:
    """(milliseconds, status, headers and decoded answer) of one request on a new connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    connection.request(
        method, path, body=None if body is None else json.dumps(body), headers=headers
    )
    response = connection.getresponse()
    raw = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    return elapsed, response.status, (dict(response.getheaders()), json.loads(raw))


class ConnectionSampler:
    """Samples how many of the server's connections to the bench database are in use (running
    a statement or inside a transaction), every 20 ms from a connection of its own."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ConnectionSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with psycopg.connect(libpq(self.url), autocommit=True) as connection:
            while not self._stop.is_set():
                row = connection.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                    " AND state <> 'idle'"
                ).fetchone()
                self.samples.append((time.perf_counter(), int(row[0]) if row else 0))
                time.sleep(0.02)

    def in_use_between(self, start: float, end: float) -> int:
        """The most connections seen in use between two perf_counter times."""
        return max((count for at, count in self.samples if start <= at <= end), default=0)


def reverse_lookups(bench: BenchDatabase, fake: FakeNominatim) -> dict[str, Any]:
    """(a): 40 parallel reverse lookups at different positions."""
    tokens = _tokens(bench, USERS)
    env = {
        "GEOCODER_URL": fake.url,
        "GEOCODER_MIN_INTERVAL_S": "1.0",
        "GEOCODER_MAX_WAIT_S": str(MAX_WAIT_S),
    }
    fake.delay_s = GEOCODER_DELAY_S
    results: list[tuple[float, int, Any]] = [(0.0, 0, None)] * USERS
    with production_server(bench.url, RESULTS / "gunicorn-jobs.log", env) as port:
        _call(port, tokens[0], "GET", "/api/v1/geocode/reverse?lat=0&lng=0")  # warm up
        time.sleep(1.5)  # the warm-up's turn is over

        def ask(number: int) -> None:
            path = f"/api/v1/geocode/reverse?lat={44 + number / 1000}&lng=26.1"
            results[number] = _call(port, tokens[number], "GET", path)

        threads = [threading.Thread(target=ask, args=(n,)) for n in range(USERS)]
        with ConnectionSampler(bench.url) as sampler:
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            ended = time.perf_counter()
    answered = [ms for ms, status, _ in results if status == 200]
    refused = [ms for ms, status, _ in results if status == 503]
    retry_after = sorted({int(answer[0]["Retry-After"]) for _, s, answer in results if s == 503})
    # The first half second holds every request's login check; after it, only waiting.
    in_use = sampler.in_use_between(started + 0.5, ended)
    return {
        "answered": _summary(answered),
        "refused": _summary(refused),
        "answered_n": len(answered),
        "refused_n": len(refused),
        "other_n": USERS - len(answered) - len(refused),
        "retry_after_s": retry_after,
        "geocoder_requests": len(fake.requests) - 1,
        "connections_in_use_while_waiting": in_use,
        "total_s": ended - started,
    }


def _account_batch(fake: FakeNominatim) -> list[dict[str, Any]]:
    """BATCH account.create mutations, each with an address the geocoder knows."""
    mutations = []
    for number in range(1, BATCH + 1):
        address = f"Strada Bench {number}, Bucharest"
        fake.add(address, 26.0 + number / 10_000, 44.4)
        data = {
            "id": str(uuid.uuid4()),
            "kind": "prospect",
            "name": f"Shop {number}",
            "address": address,
        }
        mutations.append(
            {"id": number, "op": "account.create", "at": "2026-12-01T09:31:00Z", "data": data}
        )
    return mutations


@contextmanager
def worker(url: str, fake: FakeNominatim, log_path: Path) -> Iterator[None]:
    """`flask --app wsgi worker` against the bench database, stopped with SIGTERM."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "GEOCODER_URL": fake.url,
        "GEOCODER_MIN_INTERVAL_S": "0",
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "worker"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(flask, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _pending(bench: BenchDatabase) -> int:
    with bench.app.app_context():
        count = db.session.scalar(
            select(func.count()).select_from(Account).where(Account.geocode_status == "pending")
        )
        db.session.rollback()
    return int(count or 0)


def push_and_geocode(bench: BenchDatabase, fake: FakeNominatim) -> dict[str, Any]:
    """(b): one push of 1,000 account.create, then the worker geocodes them."""
    fake.reset()
    mutations = _account_batch(fake)
    body = {"client_id": str(uuid.uuid4()), "mutations": mutations}
    env = {"GEOCODER_URL": fake.url, "GEOCODER_MIN_INTERVAL_S": "0"}
    with (
        production_server(bench.url, RESULTS / "gunicorn-jobs.log", env) as port,
        worker(bench.url, fake, RESULTS / "worker-jobs.log"),
    ):
        started = time.perf_counter()
        push_ms, status, (_, answer) = _call(port, bench.token, "POST", "/api/v1/sync/push", body)
        if status != 200 or answer["last_mutation_id"] != BATCH:
            raise RuntimeError(f"push answered {status}: {str(answer)[:300]}")
        pending_after_push = _pending(bench)
        deadline = started + GEOCODED_TIMEOUT_S
        while _pending(bench) and time.perf_counter() < deadline:
            time.sleep(0.1)
        geocoded_s = time.perf_counter() - started
    return {
        "push_ms": push_ms,
        "pending_after_push": pending_after_push,
        "geocoded_s": geocoded_s,
        "still_pending": _pending(bench),
        "geocoder_requests": len(fake.requests),
    }


def _summary(samples: list[float]) -> tuple[float, float, float] | None:
    """(p50, p95, max) of some milliseconds, None for none."""
    if not samples:
        return None
    if len(samples) == 1:
        return samples[0], samples[0], samples[0]
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], max(samples)


def _timing_line(label: str, count: int, timing: tuple[float, float, float] | None) -> str:
    figures = "".join(f"{value:>10.0f}" for value in timing) if timing else ""
    return f"  {label:<26}{count:>4}{figures}"


def print_figures(lookups: dict[str, Any], push: dict[str, Any]) -> None:
    """The two tables."""
    print(
        f"\n(a) {USERS} parallel reverse geocodes, geocoder {GEOCODER_DELAY_S} s an answer, "
        f"1 request/s, GEOCODER_MAX_WAIT_S={MAX_WAIT_S:g}"
    )
    print(f"  {'':<26}{'n':>4}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    print(_timing_line("answered (200)", lookups["answered_n"], lookups["answered"]))
    print(_timing_line("refused (503 busy)", lookups["refused_n"], lookups["refused"]))
    if lookups["other_n"]:
        print(f"  other answers: {lookups['other_n']}")
    print(f"  Retry-After given (s): {lookups['retry_after_s']}")
    requests, total = lookups["geocoder_requests"], lookups["total_s"]
    print(f"  geocoder requests: {requests}; all answered within {total:.1f} s")
    held = lookups["connections_in_use_while_waiting"]
    print(
        f"  server connections in use while lookups waited: {held} "
        f"→ {'none held a DB connection' if held == 0 else 'FAIL'}"
    )
    verdict = "PASS" if push["push_ms"] < PUSH_TARGET_MS else "FAIL"
    print(f"\n(b) push of {BATCH:,} account.create with addresses, worker beside the server")
    print(f"  push response: {push['push_ms']:.0f} ms (< {PUSH_TARGET_MS:,.0f} ms: {verdict})")
    print(f"  pending right after the push: {push['pending_after_push']:,}")
    print(
        f"  geocoded by the worker {push['geocoded_s']:.1f} s after the push started "
        f"({push['geocoder_requests']:,} geocoder requests, still pending: {push['still_pending']})"
    )
    print(
        "  (against the public service, 1 request/s, the worker would take about "
        f"{BATCH / 60:.0f} min; the push answers as fast)",
        flush=True,
    )


def main() -> None:
    """Set up, measure, print, clean up."""
    RESULTS.mkdir(exist_ok=True)
    fake = FakeNominatim().start()
    bench = create_bench_database("_bench_jobs")
    try:
        lookups = reverse_lookups(bench, fake)
        push = push_and_geocode(bench, fake)
    finally:
        drop_bench_database(bench)
        fake.stop()
    print_figures(lookups, push)


if __name__ == "__main__":
    main()
