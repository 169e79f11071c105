"""Nominatim through geopy: URL, user agent, timeout and request spacing from config.

The public service's usage policy asks for at most one request a second and a real user
agent; answers are cached so the same address is never asked twice in a process.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from server.geocoding.base import GeocodeResult, GeocodingUnavailableError

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
        self._min_interval_s = min_interval_s
        self._last_request_at = 0.0
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, str], GeocodeResult | None] = OrderedDict()

    def geocode(self, address: str) -> GeocodeResult | None:
        """The best match for `address`, None when nothing matches."""
        key = ("geocode", " ".join(address.lower().split()))
        return self._cached(key, lambda: self._client.geocode(address, exactly_one=True))

    def reverse(self, lng: float, lat: float) -> GeocodeResult | None:
        """The address at a position, None when there is none."""
        key = ("reverse", f"{lat:.6f},{lng:.6f}")
        return self._cached(key, lambda: self._client.reverse((lat, lng), exactly_one=True))

    def _cached(self, key: tuple[str, str], ask: Any) -> GeocodeResult | None:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            result = self._ask_politely(ask)
            self._cache[key] = result
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
            return result

    def _ask_politely(self, ask: Any) -> GeocodeResult | None:
        wait = self._last_request_at + self._min_interval_s - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            location = ask()
        except GeopyError as error:
            raise GeocodingUnavailableError(str(error)) from error
        finally:
            self._last_request_at = time.monotonic()
        if location is None:
            return None
        return GeocodeResult(
            lng=float(location.longitude), lat=float(location.latitude), address=location.address
        )
