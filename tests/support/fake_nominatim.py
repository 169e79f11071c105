"""A local HTTP server speaking Nominatim's /search and /reverse JSON, with scripted answers."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.support.loopback import LoopbackHttpServer, QuietJsonHandler


@dataclass
class Place:
    """A place the fake knows: what to answer for its address."""

    lng: float
    lat: float
    display_name: str
    address: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeNominatim:
    """Answers like Nominatim; `down` makes it answer 503 like an overloaded service, `delay_s`
    answer slowly; `on_request` (if set) is called as each request arrives."""

    places: dict[str, Place] = field(default_factory=dict)
    down: bool = False
    delay_s: float = 0.0
    on_request: Callable[[], None] | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    server: LoopbackHttpServer | None = None

    @property
    def url(self) -> str:
        """Base URL to put in GEOCODER_URL."""
        assert self.server is not None
        return self.server.origin

    def add(
        self, address: str, lng: float, lat: float, parts: dict[str, str] | None = None
    ) -> None:
        """Make `address` resolve to (lng, lat) (and match searches for words of it), and
        (lng, lat) to `address` in reverse; `parts` is the structured `address` object of
        reverse answers."""
        self.places[address.lower()] = Place(lng, lat, address, parts or {})

    def reset(self) -> None:
        """Forget places, requests and outages between tests."""
        self.places.clear()
        self.requests.clear()
        self.down = False
        self.delay_s = 0.0
        self.on_request = None

    def start(self) -> FakeNominatim:
        """Serve on a free loopback port in a daemon thread."""
        fake = self

        class Handler(QuietJsonHandler):
            def get(self) -> None:
                path, query = self.path_and_query()
                fake.requests.append(
                    {"path": path, "query": query, "ua": self.headers["User-Agent"]}
                )
                if fake.on_request is not None:
                    fake.on_request()
                if fake.delay_s:
                    time.sleep(fake.delay_s)
                if fake.down:
                    self.send_json(503, {"error": "service unavailable"})
                elif path.rstrip("/") == "/search":
                    self.send_json(*fake._search(query))
                elif path.rstrip("/") == "/reverse":
                    self.send_json(*fake._reverse(query))
                else:
                    self.send_json(404, {"error": "not found"})

        self.server = LoopbackHttpServer(Handler)
        return self

    def stop(self) -> None:
        """Shut the server down."""
        if self.server is not None:
            self.server.stop()

    def _search(self, query: dict[str, str]) -> tuple[int, Any]:
        """Nominatim's /search: a JSON array of matches, best first, at most `limit` (Nominatim
        answers 10 unless asked, never more than 40). An address added verbatim is the best
        match; then every place whose name holds each word of the query."""
        if query.get("format", "xml") not in {"json", "jsonv2"}:
            return 400, {"error": {"code": 400, "message": "only json and jsonv2 are spoken here"}}
        try:
            limit = min(max(int(query.get("limit", "10")), 1), 40)
        except ValueError:
            return 400, {
                "error": {"code": 400, "message": "Integer expected for parameter 'limit'"}
            }
        text = " ".join(query.get("q", "").lower().split())
        exact = self.places.get(text)
        words = text.split()
        found = [exact] if exact else []
        found += [
            place
            for key, place in self.places.items()
            if place is not exact and words and all(word in key for word in words)
        ]
        return 200, [self._as_json(place, rank) for rank, place in enumerate(found[:limit], 1)]

    def _reverse(self, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Nominatim's /reverse: one object (json or jsonv2), or its "Unable to geocode"."""
        if query.get("format", "xml") not in {"json", "jsonv2"}:
            return 400, {"error": {"code": 400, "message": "only json and jsonv2 are spoken here"}}
        try:
            lat, lng = float(query["lat"]), float(query["lon"])
        except (KeyError, ValueError):
            return 400, {"error": {"code": 400, "message": "Need coordinates or OSM object"}}
        for place in self.places.values():
            if abs(place.lat - lat) < 1e-4 and abs(place.lng - lng) < 1e-4:
                return 200, self._as_reverse_json(place, query)
        return 200, {"error": "Unable to geocode"}

    def _as_reverse_json(self, place: Place, query: dict[str, str]) -> dict[str, Any]:
        body = self._as_json(place)
        body.update(osm_type="node", osm_id=1, place_rank=30, importance=0.0)
        if query["format"] == "jsonv2":
            body.update(category="place", type="house", addresstype="place", name="")
        else:
            body.update({"class": "place", "type": "house"})
        if query.get("addressdetails", "1") != "0":
            body["address"] = place.address or {"road": place.display_name}
        return body

    @staticmethod
    def _as_json(place: Place, place_id: int = 1) -> dict[str, Any]:
        return {
            "place_id": place_id,
            "lat": str(place.lat),
            "lon": str(place.lng),
            "display_name": place.display_name,
            "boundingbox": [str(place.lat), str(place.lat), str(place.lng), str(place.lng)],
        }
