"""Nominatim through geopy: URL, user agent, timeout and request spacing from config.

The public service's usage policy asks for at most one request a second and a real user
agent: requests are spaced by a Pacer (no lock is held while one waits or asks), and answers are
cached so the same address is never asked twice in a process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from server.geocoding.base import GeocodeResult, GeocodingUnavailableError
from server.geocoding.pacing import Pacer

CACHE_SIZE = 2048


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
        self._cache: OrderedDict[tuple[str, str], GeocodeResult | None] = OrderedDict()

    def geocode(self, address: str) -> GeocodeResult | None:
        """The best match for `address`, None when nothing matches (waits for its turn)."""
        key = ("geocode", " ".join(address.lower().split()))
        return self._cached(
            key, lambda: self._client.geocode(address, exactly_one=True), None, None
        )

    def reverse(
        self, lng: float, lat: float, caller: str | None = None, max_wait_s: float | None = None
    ) -> GeocodeResult | None:
        """The address at a position, None when there is none; GeocoderBusyError when `caller`
        would wait longer than `max_wait_s` for its turn or already waits."""
        key = ("reverse", f"{lat:.6f},{lng:.6f}")
        ask = lambda: self._client.reverse((lat, lng), exactly_one=True)  # noqa: E731
        return self._cached(key, ask, caller, max_wait_s)

    def _cached(
        self, key: tuple[str, str], ask: Any, caller: str | None, max_wait_s: float | None
    ) -> GeocodeResult | None:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        with self._pacer.turn(caller, max_wait_s):
            result = self._ask(ask)
        with self._lock:
            self._cache[key] = result
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    @staticmethod
    def _ask(ask: Any) -> GeocodeResult | None:
        try:
            location = ask()
        except GeopyError as error:
            raise GeocodingUnavailableError(str(error)) from error
        if location is None:
            return None
        return GeocodeResult(
            lng=float(location.longitude), lat=float(location.latitude), address=location.address
        )
