"""`python -m bench.sockets`: the socket tier's figures, printed beside their targets, not asserted.

On the production server configuration (gunicorn.conf.py) and its own database
(`<name>_bench_sockets`, filled with accounts and with one rep, one session and one task per
socket), it prints:

1. `GET /healthz` and nearby-50 p50/p99 with every client's socket open and idle (2,000 by
   default), and the p99 ratio to the same requests without sockets (target: within 1.5x).
   A shared machine's other work moves a p99 more than that on its own, so the requests go in
   turn to the server under test and to a twin server that never gets a socket, and the ratio
   is between the two; the same ratio taken before any socket opened shows what is left of
   the noise.
2. The time from a task update's HTTP response (PATCH /api/v1/tasks/{id} by the admin) to the
   assignee's socket receiving `task.updated`, with 100, 1,000 and 2,000 connected clients, on
   one process and on two processes sharing a Redis this bench starts (the updates go to one
   process, the assignees are connected to the other), p50/p95/p99 beside the targets (p95 at
   most 100 ms at 1,000 sockets on one process, 150 ms across two). The event usually arrives
   before the response does (it is sent at the commit, before the response is written), so
   the time from the moment the PATCH was sent is printed beside it.

The clients are bench/socket_client.py's, all in one asyncio loop of this process. Each one is
a distinct rep, so no per-user cap is reached, and sends the server's own Origin. The updates go
one at a time, each to a rep picked at random, so the loop is idle but for the one event it
waits for. An event's time is when its bytes reached the connection's transport callback;
printed beside the latencies: how long the client then took to decode it, the loop's lag, this
process's CPU share and the machine's load, to show the client is not what is being timed. The
HTTP timings run in a process of their own. The figures also go to bench/results/sockets.json.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import multiprocessing
import os
import random
import resource
import signal
import statistics
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from bench.database import BenchDatabase, create_bench_database, drop_bench_database, refill
from bench.progress import progress
from bench.server import production_server
from bench.socket_client import Received, RefusedError, SocketClient
from bench.spatial import WARM_UP, keep_alive_get, nearby_path, random_centres
from server.core.auth import SESSION_COOKIE
from server.core.clock import new_id, now_utc
from server.core.transaction import unit_of_work
from server.extensions import db
from server.tasks.models import Task
from server.users.models import User
from server.users.operations import start_session
from server.users.passwords import hash_password
from tests.support.redis_server import private_redis

RESULTS = Path(__file__).resolve().parent / "results"
HTTP_RATIO_TARGET = 1.5
# p95 targets of the update-to-event latency (ms): at 1,000 sockets, one process and two.
LATENCY_TARGETS_MS = {"one process": 100.0, "two processes": 150.0}
TARGET_CLIENTS = 1_000
EVENT_TIMEOUT_S = 5.0
CONNECT_CONCURRENCY = 50
LAG_TICK_S = 0.005
# Quiet time (no updates, only Engine.IO's pings) before timing reads beside idle sockets.
IDLE_BEFORE_READS_S = 2.0
READS = {"healthz": "GET /healthz", "nearby": "nearby-50"}

# What the server needs to hold every client's socket from this one loopback address, on top
# of gunicorn.conf.py's own environment (each client is a user of its own: no per-user cap
# is reached).
SERVER_ENV = {"SOCKETS_PER_ADDRESS": "10000"}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.sockets",
        description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    parser.add_argument("--clients", default="100,1000,2000", help="connected clients, ascending")
    parser.add_argument("--accounts", type=int, default=100_000, help="accounts for nearby-50")
    parser.add_argument(
        "--updates", type=int, default=300, help="task updates timed at each number of clients"
    )
    parser.add_argument(
        "--healthz", type=int, default=2_000, help="GET /healthz timed on each server, twice"
    )
    parser.add_argument(
        "--nearby", type=int, default=1_000, help="nearby-50 GETs timed on each server, twice"
    )
    return parser.parse_args()


# --- figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """Milliseconds of one measurement repeated: p50, p95, p99 and how many samples."""

    p50: float
    p95: float
    p99: float
    samples: int

    @classmethod
    def of(cls, samples: list[float]) -> Spread:
        """Percentiles of the samples (milliseconds); NaN when fewer than two (every event
        missed)."""
        if len(samples) < 2:
            return cls(p50=math.nan, p95=math.nan, p99=math.nan, samples=len(samples))
        cuts = statistics.quantiles(samples, n=100, method="inclusive")
        return cls(p50=cuts[49], p95=cuts[94], p99=cuts[98], samples=len(samples))


@dataclass(frozen=True)
class ClientLoad:
    """How busy this process was while it measured: the event loop's lag (how late a
    LAG_TICK_S timer fired, ms) and the CPU it used over the wall time; and the machine's
    one-minute load average at the end (the server, PostgreSQL and anything else running)."""

    lag_p99_ms: float
    lag_max_ms: float
    cpu_share: float
    machine_load: float


# --- the bench's users ---------------------------------------------------------------------


@dataclass(frozen=True)
class Rep:
    """A rep with a live session (its cookie secret) and one task assigned to them."""

    user_id: str
    cookie: str
    task_id: str


def add_reps(bench: BenchDatabase, count: int) -> list[Rep]:
    """`count` reps, each with a session and a task; one password hash serves them all, since
    nobody logs in with it (an argon2 hash a rep would cost minutes here)."""
    now = now_utc()
    password_hash = hash_password("bench rep pass phrase 7")
    reps = []
    with bench.app.app_context(), progress(f"adding {count:,} reps with a session and a task"):
        admin = db.session.scalar(db.select(User).where(User.role == "admin"))
        assert admin is not None
        with unit_of_work():
            users = [
                User(
                    id=new_id(),
                    org_id=bench.org_id,
                    email=f"rep{number}@bench.example.com",
                    name=f"Rep {number}",
                    role="rep",
                    password_hash=password_hash,
                )
                for number in range(count)
            ]
            db.session.add_all(users)
            db.session.flush()
            for user in users:
                task = Task(
                    id=new_id(),
                    org_id=bench.org_id,
                    title="Bench task",
                    notes="",
                    assignee_id=user.id,
                    status="open",
                    priority="normal",
                    created_by=admin.id,
                    created_at=now,
                    updated_at=now,
                    version=1,
                )
                db.session.add(task)
                session = start_session(user, now)
                reps.append(Rep(str(user.id), session.secret, str(task.id)))
    return reps


# --- servers -------------------------------------------------------------------------------


def raise_file_limit() -> int:
    """Raise this process's open-file limit to its hard limit (gunicorn inherits it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        wanted = 1_048_576 if hard == resource.RLIM_INFINITY else hard
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --- the client side -----------------------------------------------------------------------


class Clients:
    """The connected socket clients, each a rep, and the waiters for their task events."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.connected: list[tuple[Rep, SocketClient]] = []
        self.waiters: dict[str, tuple[SocketClient, asyncio.Future[Received]]] = {}
        self.titles = itertools.count()
        self.strays = 0

    def _on_event(self, client: SocketClient, event: Received) -> None:
        _, _, name, data = event
        if name != "task.updated":
            return
        waiter = self.waiters.get(data["task"]["title"])
        if waiter is None or waiter[0] is not client:
            # Not the update being timed, or not its assignee's socket.
            self.strays += 1
            return
        del self.waiters[data["task"]["title"]]
        if not waiter[1].done():
            waiter[1].set_result(event)

    async def grow_to(self, reps: list[Rep], count: int) -> float:
        """Connect reps until the first `count` are connected; the seconds it took."""
        started = time.perf_counter()
        limit = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def one(rep: Rep) -> None:
            headers = {"Cookie": f"{SESSION_COOKIE}={rep.cookie}"}
            client = SocketClient(self.base_url, headers, on_event=self._on_event)
            async with limit:
                await client.open()
            self.connected.append((rep, client))

        try:
            async with asyncio.TaskGroup() as group:
                for rep in reps[len(self.connected) : count]:
                    group.create_task(one(rep))
        except* RefusedError as refused:
            first = refused.exceptions[0]
            raise RuntimeError(
                f"the server refused a socket ({first}) with {len(self.connected):,} open: "
                "a per-user or per-address cap? SERVER_ENV in bench/sockets.py raises them"
            ) from None
        position = {rep.user_id: index for index, rep in enumerate(reps)}
        self.connected.sort(key=lambda pair: position[pair[0].user_id])
        return time.perf_counter() - started

    def still_open(self) -> int:
        """How many clients the server has not closed."""
        return sum(client.is_open for _, client in self.connected)

    async def close_all(self) -> None:
        """Disconnect every client."""
        await asyncio.gather(*(client.close() for _, client in self.connected))
        self.connected = []


class Http:
    """One keep-alive HTTP/1.1 connection from the loop, with the admin's bearer token."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def patch(self, path: str, body: dict[str, Any]) -> tuple[float, float]:
        """(sent at, answered at) of one PATCH; fails on any status but 200."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        payload = json.dumps(body).encode()
        head = (
            f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Authorization: Bearer {self.token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n"
        )
        sent_at = time.perf_counter()
        self.writer.write(head.encode() + payload)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        answer = await self.reader.readexactly(length)
        answered_at = time.perf_counter()
        if status_line.split()[1:2] != [b"200"]:
            raise RuntimeError(f"PATCH {path} answered {status_line!r}: {answer[:300]!r}")
        return sent_at, answered_at

    async def close(self) -> None:
        """Close the connection."""
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()
            self.writer = None


@contextmanager
def client_load() -> Iterator[list[ClientLoad]]:
    """Watch this process while the block runs; the ClientLoad is appended when it ends."""
    lags: list[float] = []
    stop = asyncio.Event()

    async def watch() -> None:
        while not stop.is_set():
            due = time.perf_counter() + LAG_TICK_S
            await asyncio.sleep(LAG_TICK_S)
            lags.append((time.perf_counter() - due) * 1000)

    watcher = asyncio.ensure_future(watch())
    cpu, wall = time.process_time(), time.perf_counter()
    found: list[ClientLoad] = []
    try:
        yield found
    finally:
        stop.set()
        share = (time.process_time() - cpu) / (time.perf_counter() - wall)
        watcher.cancel()
        found.append(
            ClientLoad(
                lag_p99_ms=Spread.of(lags).p99 if len(lags) > 1 else 0.0,
                lag_max_ms=max(lags, default=0.0),
                cpu_share=share,
                machine_load=os.getloadavg()[0],
            )
        )


async def time_updates(clients: Clients, http: Http, updates: int, seed: int) -> dict[str, Any]:
    """`updates` task updates, one at a time, each of a random connected rep's task: the time
    from each PATCH's response to that rep's socket receiving task.updated."""
    rng = random.Random(seed)
    latencies: list[float] = []
    from_request: list[float] = []
    round_trips: list[float] = []
    handling: list[float] = []
    missed = 0
    # A connection of its own for each step: gunicorn closes keep-alive connections idle for
    # 30 s, as this one would be while the next thousand clients connect.
    try:
        with client_load() as load:
            for _ in range(updates):
                rep, client = rng.choice(clients.connected)
                # Each update gives its task a title of its own, which its event carries; the
                # waiter is in place before the PATCH goes, since the event may come before the
                # response is read.
                title = f"Bench task {next(clients.titles)}"
                waiter: asyncio.Future[Received] = asyncio.get_running_loop().create_future()
                clients.waiters[title] = (client, waiter)
                sent_at, answered_at = await http.patch(
                    f"/api/v1/tasks/{rep.task_id}", {"title": title}
                )
                try:
                    arrived, handled, _, _ = await asyncio.wait_for(waiter, EVENT_TIMEOUT_S)
                except TimeoutError:
                    clients.waiters.pop(title, None)
                    missed += 1
                    continue
                latencies.append((arrived - answered_at) * 1000)
                from_request.append((arrived - sent_at) * 1000)
                round_trips.append((answered_at - sent_at) * 1000)
                handling.append((handled - arrived) * 1000)
    finally:
        await http.close()
    return {
        "latency": Spread.of(latencies),
        "from_request": Spread.of(from_request),
        "patch_round_trip": Spread.of(round_trips),
        "client_handling": Spread.of(handling),
        "missed": missed,
        "client": load[0],
    }


def time_http_pair(
    ports: tuple[int, int], token: str, paths: list[str]
) -> tuple[list[float], list[float]]:
    """Milliseconds per GET of each path on both servers, alternating request by request (and
    which of the two goes first), one keep-alive connection to each, after a warm-up: whatever
    else the machine does meanwhile falls on both alike."""
    samples: tuple[list[float], list[float]] = ([], [])
    with keep_alive_get(ports[0], token) as first, keep_alive_get(ports[1], token) as second:
        gets = (first, second)
        for path in paths[:WARM_UP]:
            first(path)
            second(path)
        for number, path in enumerate(paths):
            for side in (0, 1) if number % 2 == 0 else (1, 0):
                started = time.perf_counter()
                gets[side](path)
                samples[side].append((time.perf_counter() - started) * 1000)
    return samples


async def time_reads(
    readers: ProcessPoolExecutor, ports: tuple[int, int], token: str, healthz: int, nearby: int
) -> dict[str, Any]:
    """GET /healthz, then nearby-50, on the server under test and its twin, from a process of
    their own: this one goes on answering its sockets' pings meanwhile, and neither waits for
    the other's turn on the interpreter lock."""
    paths = {"healthz": ["/healthz"] * healthz}
    paths["nearby"] = [nearby_path(lng, lat) for lng, lat in random_centres(nearby)]
    loop = asyncio.get_running_loop()
    figures: dict[str, Any] = {"tested": {}, "twin": {}}
    with client_load() as load:
        for name in READS:
            tested, twin = await loop.run_in_executor(
                readers, time_http_pair, ports, token, paths[name]
            )
            figures["tested"][name] = Spread.of(tested)
            figures["twin"][name] = Spread.of(twin)
    figures["p99_ratio"] = {
        name: figures["tested"][name].p99 / figures["twin"][name].p99 for name in READS
    }
    figures["client"] = load[0]
    return figures


# --- the runs ------------------------------------------------------------------------------


async def one_process(
    bench: BenchDatabase, reps: list[Rep], steps: list[int], args: argparse.Namespace
) -> dict[str, Any]:
    """HTTP without sockets, latencies as clients connect, HTTP beside them all idle; the HTTP
    figures are taken beside a twin server that never has a socket."""
    env = {**SERVER_ENV, "REDIS_URL": ""}
    spawn = multiprocessing.get_context("spawn")
    with (
        ProcessPoolExecutor(max_workers=1, mp_context=spawn) as readers,
        production_server(bench.url, RESULTS / "gunicorn-sockets.log", env) as port,
        production_server(bench.url, RESULTS / "gunicorn-twin.log", env) as twin,
    ):
        base_url = f"http://127.0.0.1:{port}"
        print(
            f"\ngunicorn -c gunicorn.conf.py on {base_url}; its twin, never given a socket, on"
            f" 127.0.0.1:{twin}",
            flush=True,
        )

        async def reads(label: str) -> dict[str, Any]:
            figures = await time_reads(
                readers, (port, twin), bench.token, args.healthz, args.nearby
            )
            print_reads(label, figures)
            return figures

        before = await reads("no socket on either")
        clients, http = Clients(base_url), Http(port, bench.token)
        latencies: dict[str, Any] = {}
        try:
            for count in steps:
                latencies[str(count)] = await _step(clients, http, reps, count, args.updates)
            idle_from = time.perf_counter()
            await asyncio.sleep(IDLE_BEFORE_READS_S)
            loaded = await reads(f"{len(clients.connected):,} idle sockets")
            open_after = clients.still_open()
            print(
                f"  sockets still open after the reads: {open_after:,} of "
                f"{len(clients.connected):,} ({time.perf_counter() - idle_from:.0f} s idle)"
            )
        finally:
            await clients.close_all()
    print_ratios(loaded["p99_ratio"], steps[-1])
    return {
        "reads": {"no socket on either": before, "idle sockets": loaded},
        "idle_sockets": steps[-1],
        "p99_ratio": loaded["p99_ratio"],
        "sockets_open_after_reads": open_after,
        "updates": latencies,
    }


async def two_processes(
    bench: BenchDatabase, reps: list[Rep], steps: list[int], args: argparse.Namespace
) -> dict[str, Any]:
    """Updates through process A, every assignee connected to process B, Redis between."""
    with ExitStack() as stack:
        redis_url = stack.enter_context(private_redis())
        env = {**SERVER_ENV, "REDIS_URL": redis_url}
        port_a = stack.enter_context(
            production_server(bench.url, RESULTS / "gunicorn-sockets-a.log", env)
        )
        port_b = stack.enter_context(
            production_server(bench.url, RESULTS / "gunicorn-sockets-b.log", env)
        )
        print(
            f"\nTwo processes sharing Redis ({redis_url}): updates to 127.0.0.1:{port_a}, "
            f"sockets on 127.0.0.1:{port_b}",
            flush=True,
        )
        clients, http = Clients(f"http://127.0.0.1:{port_b}"), Http(port_a, bench.token)
        latencies: dict[str, Any] = {}
        try:
            for count in steps:
                latencies[str(count)] = await _step(clients, http, reps, count, args.updates)
        finally:
            await http.close()
            await clients.close_all()
    return {"updates": latencies}


async def _step(
    clients: Clients, http: Http, reps: list[Rep], count: int, updates: int
) -> dict[str, Any]:
    seconds = await clients.grow_to(reps, count)
    figures = await time_updates(clients, http, updates, seed=count)
    figures["connect_s"] = seconds
    figures["clients"] = count
    figures["strays"] = clients.strays
    print_updates(count, figures)
    return figures


# --- printing ------------------------------------------------------------------------------


def print_reads(label: str, figures: dict[str, Any]) -> None:
    """HTTP p50/p99 on the server under test and on its twin, and their p99 ratio."""
    load = figures["client"]
    print(f"  HTTP, {label}")
    print(f"    {'ms':<28}{'tested p50':>11}{'p99':>8}{'twin p50':>11}{'p99':>8}{'p99 ratio':>11}")
    for name, title in READS.items():
        tested, twin = figures["tested"][name], figures["twin"][name]
        print(
            f"    {f'{title} ({tested.samples:,} each)':<28}{tested.p50:>11.2f}{tested.p99:>8.2f}"
            f"{twin.p50:>11.2f}{twin.p99:>8.2f}{figures['p99_ratio'][name]:>11.2f}"
        )
    print(
        f"    bench process: loop lag p99 {load.lag_p99_ms:.2f} ms, CPU {load.cpu_share:.0%};"
        f" machine load {load.machine_load:.1f}"
    )


def print_ratios(ratios: dict[str, float], sockets: int) -> None:
    """The p99 ratios beside their target."""
    for name, title in READS.items():
        ratio = ratios[name]
        verdict = "PASS" if ratio <= HTTP_RATIO_TARGET else "FAIL"
        print(
            f"  {title:<14} p99 beside {sockets:,} idle sockets / p99 of the twin: {ratio:.2f}"
            f"   target <= {HTTP_RATIO_TARGET} → {verdict}"
        )


def print_updates(count: int, figures: dict[str, Any]) -> None:
    """The update-to-event latencies at one number of clients, and the client's own load."""
    after, before, load = figures["latency"], figures["from_request"], figures["client"]
    print(
        f"  {count:>6,} clients (connected in {figures['connect_s']:.1f} s), "
        f"{after.samples} updates, {figures['missed']} events missed\n"
        f"    after the response      p50 {after.p50:7.2f}  p95 {after.p95:7.2f}  "
        f"p99 {after.p99:7.2f} ms\n"
        f"    after the request went  p50 {before.p50:7.2f}  p95 {before.p95:7.2f}  "
        f"p99 {before.p99:7.2f} ms   (PATCH p50 {figures['patch_round_trip'].p50:.1f} ms)\n"
        f"    bench process: arrival to handled p99 {figures['client_handling'].p99:.2f} ms, "
        f"loop lag p99 {load.lag_p99_ms:.2f} ms (max {load.lag_max_ms:.1f}), "
        f"CPU {load.cpu_share:.0%}; machine load {load.machine_load:.1f}",
        flush=True,
    )


def print_summary(results: dict[str, Any]) -> None:
    """Both runs' latencies side by side, beside the targets (p95 at TARGET_CLIENTS)."""
    print(
        "\nTask update → the assignee's socket has task.updated (ms), counted from the PATCH's"
        "\nresponse (the target's measure) and from the moment the PATCH was sent"
    )
    print(
        f"{'':<15}{'clients':>8} | {'after the response':^26} | {'after the request went':^26} |"
        f" {'missed':>6} | target"
    )
    print(f"{'':<15}{'':>8} | {'p50     p95     p99':>26} | {'p50     p95     p99':>26} |")
    for run in ("one process", "two processes"):
        for count, figures in results[run]["updates"].items():
            after, before = figures["latency"], figures["from_request"]
            target = ""
            if int(count) == TARGET_CLIENTS:
                limit = LATENCY_TARGETS_MS[run]
                target = (
                    f"p95 <= {limit:.0f}: {'PASS' if after.p95 <= limit else 'FAIL'}"
                    f" (from the request: {'PASS' if before.p95 <= limit else 'FAIL'})"
                )
            print(
                f"{run:<15}{int(count):>8,} | {after.p50:8.2f}{after.p95:8.2f}{after.p99:8.2f}  |"
                f" {before.p50:8.2f}{before.p95:8.2f}{before.p99:8.2f}  |"
                f" {figures['missed']:>6} | {target}"
            )
    run = results["one process"]
    calibration = run["reads"]["no socket on either"]["p99_ratio"]
    print(
        f"\nHTTP p99 beside {run['idle_sockets']:,} idle sockets / p99 of a twin server with"
        f" none (target <= {HTTP_RATIO_TARGET})"
    )
    for name, title in READS.items():
        ratio = run["p99_ratio"][name]
        print(
            f"  {title:<14} {ratio:5.2f} {'PASS' if ratio <= HTTP_RATIO_TARGET else 'FAIL'}"
            f"   (the same ratio before any socket: {calibration[name]:.2f})"
        )


def as_json(value: Any) -> Any:
    """Dataclasses as dicts, recursively."""
    if isinstance(value, Spread | ClientLoad):
        return {key: as_json(item) for key, item in vars(value).items()}
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    return value


# --- main ----------------------------------------------------------------------------------


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # SystemExit unwinds the `finally` blocks that stop the servers and drop the database.
    sys.exit(128 + signum)


def main() -> None:
    """Set up, run both configurations, print and save the figures."""
    args = _arguments()
    steps = sorted(int(count.replace("_", "")) for count in args.clients.split(","))
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    RESULTS.mkdir(exist_ok=True)
    files = raise_file_limit()
    if files < steps[-1] * 3:
        print(f"warning: {files} open files allowed, {steps[-1]:,} sockets asked for", flush=True)
    print("Preparing the bench database ...", flush=True)
    bench = create_bench_database("_bench_sockets")
    results: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "accounts": args.accounts,
        "updates_per_step": args.updates,
        "targets": {
            "http_p99_ratio": HTTP_RATIO_TARGET,
            "latency_p95_ms_at_1000": LATENCY_TARGETS_MS,
        },
    }
    try:
        results["setup"] = refill(bench, args.accounts)
        reps = add_reps(bench, steps[-1])
        results["one process"] = asyncio.run(one_process(bench, reps, steps, args))
        _save(results)
        results["two processes"] = asyncio.run(two_processes(bench, reps, steps, args))
        _save(results)
    finally:
        drop_bench_database(bench)
    print_summary(results)
    print("\nFigures written to bench/results/sockets.json")


def _save(results: dict[str, Any]) -> None:
    (RESULTS / "sockets.json").write_text(json.dumps(as_json(results), indent=2))


if __name__ == "__main__":
    main()
