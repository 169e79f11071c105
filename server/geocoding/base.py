"""The Geocoder interface every provider adapter implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class GeocodeResult:
    """Where an address is, and how the provider wrote it."""

    lng: float
    lat: float
    address: str


class GeocodingUnavailableError(Exception):
    """The provider could not answer now (down, timed out, refused): worth retrying later."""


class GeocoderBusyError(Exception):
    """Too many requests wait for the geocoder already: come back in `retry_after_s` seconds."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"the geocoder is busy, retry after {retry_after_s} s")
        self.retry_after_s = retry_after_s


class Geocoder(Protocol):
    """Turns addresses into coordinates and back."""

    def geocode(self, address: str) -> GeocodeResult | None:
        """The best match for `address`, None when nothing matches."""
        ...

    def reverse(
        self, lng: float, lat: float, caller: str | None = None, max_wait_s: float | None = None
    ) -> GeocodeResult | None:
        """The address at a position, None when there is none; a `caller` waiting longer than
        `max_wait_s` for its turn, or already waiting, gets GeocoderBusyError instead."""
        ...

    def search(
        self, query: str, limit: int, caller: str | None = None, max_wait_s: float | None = None
    ) -> Sequence[GeocodeResult]:
        """The places or addresses matching free text `query`, best first, at most `limit`;
        paced and refused like reverse()."""
        ...
