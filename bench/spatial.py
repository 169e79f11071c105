"""Nearby-50 and viewport clusters: the app's own SQL replayed raw, and the same requests over HTTP.

The SQL is not rewritten here: each request is made once in-process with a listener on the
engine, and the statements it ran are replayed with psycopg, so the two timings measure the
same queries and their difference is the cost of the HTTP request path.
"""

from __future__ import annotations

import math
import random
import socket
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

import psycopg
from flask import Flask
from sqlalchemy import event

from bench.database import BenchDatabase, libpq_url
from server.app import CONNECTION_OPTIONS
from server.extensions import db
from tests.support.bulk import CITY_CENTRE, KM_PER_DEG_LAT, KM_PER_DEG_LNG

CENTRES_WITHIN_KM = 10.0
CITY_BBOX = "25.93,44.32,26.27,44.54"  # the whole city, about 27 x 24 km
CLUSTER_ZOOM = 12
CLUSTER_REPEATS = 30
WARM_UP = 20

Statement = tuple[str, Any]


@dataclass(frozen=True)
class Timings:
    """Milliseconds of one measurement repeated: its median and 95th percentile."""

    p50: float
    p95: float

    @classmethod
    def of(cls, samples: list[float]) -> Timings:
        """Percentiles of the samples (milliseconds)."""
        cuts = statistics.quantiles(samples, n=100, method="inclusive")
        return cls(p50=cuts[49], p95=cuts[94])


def random_centres(count: int, seed: int = 42) -> list[tuple[float, float]]:
    """(lng, lat) spread evenly over a disc around the city centre, the same on every run."""
    rng = random.Random(seed)
    centres = []
    for _ in range(count):
        distance = CENTRES_WITHIN_KM * math.sqrt(rng.random())
        angle = rng.uniform(0, 2 * math.pi)
        centres.append(
            (
                CITY_CENTRE[0] + distance * math.cos(angle) / KM_PER_DEG_LNG,
                CITY_CENTRE[1] + distance * math.sin(angle) / KM_PER_DEG_LAT,
            )
        )
    return centres


def nearby_path(lng: float, lat: float) -> str:
    """GET path of the 50 accounts nearest to (lng, lat)."""
    return f"/api/v1/accounts?lat={lat:.6f}&lng={lng:.6f}&limit=50"


def cluster_path() -> str:
    """GET path of the clustered city-wide map viewport."""
    return f"/api/v1/accounts?bbox={CITY_BBOX}&zoom={CLUSTER_ZOOM}"


def capture(app: Flask, token: str, path: str, marker: str) -> list[Statement]:
    """The statements (with parameters) containing `marker` that one GET of `path` runs."""
    captured: list[Statement] = []

    def listen(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if marker in statement:
            captured.append((statement, parameters))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            response = app.test_client().get(path, headers={"Authorization": f"Bearer {token}"})
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
    if response.status_code != 200 or not captured:
        raise RuntimeError(f"{path} answered {response.status_code} running no {marker!r}")
    return captured


def time_sql(url: str, requests: list[list[Statement]]) -> list[float]:
    """Milliseconds per request to run its statements with psycopg, the way the app runs them."""
    # The app ends every read-only request with a rollback, and psycopg forgets its prepared
    # statements on rollback, so the app's statements always run unprepared, planned for their
    # own parameters. Preparing them here would soon switch to PostgreSQL's generic plan, which
    # is slower for the cluster query, and time something the app never runs.
    with psycopg.connect(
        libpq_url(url), options=CONNECTION_OPTIONS, autocommit=True, prepare_threshold=None
    ) as connection:
        cursor = connection.cursor()

        def run(statements: list[Statement]) -> None:
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                cursor.fetchall()

        for statements in requests[:WARM_UP]:
            run(statements)
        return [_elapsed_ms(run, statements) for statements in requests]


def time_http(port: int, token: str, paths: list[str]) -> list[float]:
    """Milliseconds per GET over one keep-alive connection, after a warm-up.

    Each sample runs from sending the request to holding the whole body, as http.client would,
    but over a plain socket: http.client parses every response's headers with email.parser,
    a few hundred microseconds of client time a request that the server has no part in.
    """
    with keep_alive_get(port, token) as get:
        for path in paths[:WARM_UP]:
            get(path)
        return [_elapsed_ms(get, path) for path in paths]


@contextmanager
def keep_alive_get(port: int, token: str) -> Iterator[Callable[[str], None]]:
    """A function that GETs a path over one keep-alive connection with the bearer token and
    reads the whole answer, failing on any status but 200."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        responses = connection.makefile("rb")
        head = f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n\r\n"

        def get(path: str) -> None:
            connection.sendall(f"GET {path} HTTP/1.1\r\n{head}".encode())
            status, length = _read_head(responses)
            body = responses.read(length)
            if status != 200 or len(body) != length:
                raise RuntimeError(f"{path} answered {status} with {len(body)} of {length} bytes")

        yield get


def _read_head(responses: BinaryIO) -> tuple[int, int]:
    """The status and Content-Length of the next response; its headers are consumed."""
    status_line = responses.readline()
    parts = status_line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise RuntimeError(f"not an HTTP response: {status_line!r}")
    length = None
    while (line := responses.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        elif name.strip().lower() == b"transfer-encoding":
            raise RuntimeError("chunked responses are not expected here")
    if length is None:
        raise RuntimeError("the response has no Content-Length")
    return int(parts[1]), length


def _elapsed_ms(work: Any, argument: Any) -> float:
    started = time.perf_counter()
    work(argument)
    return (time.perf_counter() - started) * 1000


def measure(bench: BenchDatabase, port: int, queries: int) -> dict[str, Timings]:
    """Nearby-50 over `queries` centres and the city viewport's clusters, raw SQL and HTTP."""
    paths = [nearby_path(lng, lat) for lng, lat in random_centres(queries)]
    nearby = [capture(bench.app, bench.token, path, "<->") for path in paths]
    clusters = capture(bench.app, bench.token, cluster_path(), "GROUP BY")
    return {
        "nearby_sql": Timings.of(time_sql(bench.url, nearby)),
        "nearby_http": Timings.of(time_http(port, bench.token, paths)),
        "clusters_sql": Timings.of(time_sql(bench.url, [clusters] * CLUSTER_REPEATS)),
        "clusters_http": Timings.of(
            time_http(port, bench.token, [cluster_path()] * CLUSTER_REPEATS)
        ),
    }
