"""A local HTTP server speaking OSRM's `table` and `route` services (HTTP API v1), for the
route planner.

Its figures are geodesic distances stretched by `road_factor` at `speed_m_s`: different from the
app's own geodesic fallback, so a test can tell which one a plan was made on. Like osrm-routed
it answers 400 with `InvalidQuery` / `InvalidOptions` for requests it cannot read, `TooBig`
when sources x destinations exceed `max_table_size` squared, and `null` cells between points it
cannot route (`unroutable`). A route's geometry goes through each waypoint with a bend
between each two (so a test can tell it from straight lines); an `unroutable` waypoint makes
it answer `NoRoute`.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from server.geo.distance import geodesic_m
from tests.support.loopback import LoopbackHttpServer, QuietJsonHandler

TABLE = "/table/v1/"
ROUTE = "/route/v1/"


@dataclass
class FakeOsrm:
    """Answers `GET /table/v1/{profile}/{lng,lat;...}?annotations=duration,distance[&sources=]`
    and `GET /route/v1/{profile}/{lng,lat;...}?overview=full&geometries=geojson`.
    `down` answers 503, `hold` (an Event) keeps each answer until it is set, `code` answers that
    error code instead of Ok, `unroutable` (a point index) makes every cell to and from that
    point null. `route_hold` and `route_code` do the same as `hold` and `code` for the `route`
    service only."""

    road_factor: float = 1.5
    speed_m_s: float = 15.0
    max_table_size: int = 100
    down: bool = False
    hold: threading.Event | None = None
    code: str | None = None
    unroutable: int | None = None
    route_hold: threading.Event | None = None
    route_code: str | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    server: LoopbackHttpServer | None = None

    @property
    def url(self) -> str:
        """Base URL to put in ROUTING_URL."""
        assert self.server is not None
        return self.server.origin

    def start(self) -> FakeOsrm:
        """Serve on a free loopback port in a daemon thread."""
        fake = self

        class Handler(QuietJsonHandler):
            def get(self) -> None:
                path, query = self.path_and_query()
                fake.requests.append({"path": path, "query": query})
                hold = fake.route_hold if path.startswith(ROUTE) else None
                for event in (fake.hold, hold):
                    if event is not None:
                        event.wait()
                status, body = fake.answer(path, query)
                self.send_json(status, body, "application/json; charset=UTF-8")

        self.server = LoopbackHttpServer(Handler)
        return self

    def stop(self) -> None:
        """Release any held answer and shut the server down."""
        for event in (self.hold, self.route_hold):
            if event is not None:
                event.set()
        if self.server is not None:
            self.server.stop()

    def figures(self, a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
        """What this fake answers from a to b: (metres, seconds), unrounded as OSRM's are."""
        metres = geodesic_m(*a, *b) * self.road_factor
        return metres, metres / self.speed_m_s

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, Any]:
        """The status and JSON body osrm-routed would give."""
        if self.down:
            return 503, {"code": "Unavailable", "message": "service unavailable"}
        if not path.startswith((TABLE, ROUTE)) or path.count("/") != 4:
            return 400, {"code": "InvalidUrl", "message": f"URL string malformed: {path}"}
        try:
            points = [
                (float(lng), float(lat))
                for lng, lat in (pair.split(",") for pair in path.rsplit("/", 1)[1].split(";"))
            ]
        except ValueError:
            return 400, {"code": "InvalidQuery", "message": "Query string malformed"}
        if path.startswith(ROUTE):
            return self._route(points, query)
        try:
            sources = _indices(query.get("sources"), len(points))
            destinations = _indices(query.get("destinations"), len(points))
        except ValueError:
            return 400, {"code": "InvalidQuery", "message": "Query string malformed"}
        annotations = set(query.get("annotations", "duration").split(","))
        if not annotations <= {"duration", "distance"}:
            return 400, {"code": "InvalidOptions", "message": "Invalid annotations"}
        if len(sources) * len(destinations) > self.max_table_size**2:
            return 400, {"code": "TooBig", "message": "Too many table coordinates"}
        if self.code is not None:
            return 400, {"code": self.code, "message": "scripted failure"}
        return 200, self._table(points, sources, destinations, annotations)

    def _route(self, points: list[tuple[float, float]], query: dict[str, str]) -> tuple[int, Any]:
        if query.get("geometries") != "geojson" or query.get("overview") != "full":
            return 400, {"code": "InvalidOptions", "message": "expected full GeoJSON overview"}
        code = self.route_code or self.code
        if code is not None:
            return 400, {"code": code, "message": "scripted failure"}
        if self.unroutable is not None:
            return 400, {"code": "NoRoute", "message": "Impossible route between points"}
        legs = [self.figures(a, b) for a, b in itertools.pairwise(points)]
        line = [list(points[0])]
        for a, b in itertools.pairwise(points):
            line += [list(bend(a, b)), list(b)]
        return 200, {
            "code": "Ok",
            "routes": [
                {
                    "geometry": {"type": "LineString", "coordinates": line},
                    "distance": round(sum(metres for metres, _ in legs), 1),
                    "duration": round(sum(seconds for _, seconds in legs), 1),
                    "weight": round(sum(seconds for _, seconds in legs), 1),
                    "weight_name": "routability",
                    "legs": [
                        {
                            "steps": [],
                            "summary": "",
                            "distance": round(metres, 1),
                            "duration": round(seconds, 1),
                            "weight": round(seconds, 1),
                        }
                        for metres, seconds in legs
                    ],
                }
            ],
            "waypoints": [_waypoint(point) for point in points],
        }

    def _table(
        self,
        points: list[tuple[float, float]],
        sources: list[int],
        destinations: list[int],
        annotations: set[str],
    ) -> dict[str, Any]:
        figures = {
            (i, j): self.figures(points[i], points[j]) for i in sources for j in destinations
        }

        def cell(i: int, j: int, which: int) -> float | None:
            if self.unroutable in (i, j) and i != j:
                return None
            return round(figures[(i, j)][which], 1)

        body: dict[str, Any] = {
            "code": "Ok",
            "sources": [_waypoint(points[i]) for i in sources],
            "destinations": [_waypoint(points[j]) for j in destinations],
        }
        if "duration" in annotations:
            body["durations"] = [[cell(i, j, 1) for j in destinations] for i in sources]
        if "distance" in annotations:
            body["distances"] = [[cell(i, j, 0) for j in destinations] for i in sources]
        return body


def bend(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """The corner the fake's road turns at between a and b: off the straight line."""
    return (round(a[0], 6), round(b[1], 6))


def _waypoint(point: tuple[float, float]) -> dict[str, Any]:
    return {"hint": "", "distance": 0.0, "name": "", "location": list(point)}


def _indices(text: str | None, size: int) -> list[int]:
    if text is None or text == "all":
        return list(range(size))
    indices = [int(part) for part in text.split(";")]
    if any(not 0 <= index < size for index in indices):
        raise ValueError("index out of range")
    return indices
