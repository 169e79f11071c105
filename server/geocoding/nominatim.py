"""Nominatim through geopy: URL, user agent, timeout and request spacing from config.

The public service's usage policy asks for at most one request a second and a real user
agent: requests are spaced by a Pacer (no lock is held while one waits or asks), and answers are
cached so the same question is never asked twice in a process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from server.geocoding.base import GeocodeResult, GeocodingUnavailableError
from server.geocoding.pacing import Pacer

CACHE_SIZE = 2048
T = TypeVar("T")


class NominatimGeocoder:
    """A Geocoder backed by a Nominatim-compatible service."""

    def __init__(self, url: str, user_agent: str, timeout_s: float, min_interval_s: float) -> None:
        parts = urlsplit(url)
        self._client = Nominatim(
            domain=parts.netloc + parts.path.rstrip("/"),
            scheme=parts.scheme or "https",
            user_agent=user_agent,
            timeout=timeout_s,
        )
        self._pacer = Pacer(min_interval_s)
        self._lock = threading.Lock()
        # Answers of every kind by (kind, question): a result, None, or a tuple of results.
        self._cache: OrderedDict[tuple[str, str], object] = OrderedDict()

    def geocode(self, address: str) -> GeocodeResult | None:
        """The best match for `address`, None when nothing matches (waits for its turn)."""
        key = ("geocode", _normalised(address))
        return self._cached(
            key, lambda: _result(self._client.geocode(address, exactly_one=True)), None, None
        )

    def reverse(
        self, lng: float, lat: float, caller: str | None = None, max_wait_s: float | None = None
    ) -> GeocodeResult | None:
        """The address at a position, None when there is none; GeocoderBusyError when `caller`
        would wait longer than `max_wait_s` for its turn or already waits."""
        key = ("reverse", f"{lat:.6f},{lng:.6f}")
        ask = lambda: _result(self._client.reverse((lat, lng), exactly_one=True))  # noqa: E731
        return self._cached(key, ask, caller, max_wait_s)

    def search(
        self, query: str, limit: int, caller: str | None = None, max_wait_s: float | None = None
    ) -> tuple[GeocodeResult, ...]:
        """Up to `limit` places matching `query`, best first, the provider's order; paced and
        refused like reverse()."""
        key = ("search", f"{limit}:{_normalised(query)}")

        def ask() -> tuple[GeocodeResult, ...]:
            found = self._client.geocode(query, exactly_one=False, limit=limit) or []
            return tuple(result for result in map(_result, found) if result is not None)

        return self._cached(key, ask, caller, max_wait_s)

    def _cached(
        self,
        key: tuple[str, str],
        ask: Callable[[], T],
        caller: str | None,
        max_wait_s: float | None,
    ) -> T:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return cast(T, self._cache[key])
        with self._pacer.turn(caller, max_wait_s):
            try:
                result = ask()
            except GeopyError as error:
                raise GeocodingUnavailableError(str(error)) from error
        with self._lock:
            self._cache[key] = result
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result


def _normalised(text: str) -> str:
    """One spelling per query: case and runs of spaces do not make a new question."""
    return " ".join(text.lower().split())


def _result(location: Any) -> GeocodeResult | None:
    if location is None:
        return None
    return GeocodeResult(
        lng=float(location.longitude), lat=float(location.latitude), address=location.address
    )
