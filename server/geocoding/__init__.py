"""Outbound geocoding: one interface, one place that talks to a geocoder."""

from server.geocoding.base import (
    Geocoder,
    GeocoderBusyError,
    GeocodeResult,
    GeocodingUnavailableError,
)
from server.geocoding.factory import get_geocoder

__all__ = [
    "GeocodeResult",
    "Geocoder",
    "GeocoderBusyError",
    "GeocodingUnavailableError",
    "get_geocoder",
]
