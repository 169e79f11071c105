"""The Geocoder interface every provider adapter implements."""

from __future__ import annotations

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


class Geocoder(Protocol):
    """Turns addresses into coordinates and back."""

    def geocode(self, address: str) -> GeocodeResult | None:
        """The best match for `address`, None when nothing matches."""
        ...

    def reverse(self, lng: float, lat: float) -> GeocodeResult | None:
        """The address at a position, None when there is none."""
        ...
