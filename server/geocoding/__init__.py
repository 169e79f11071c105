"""Outbound geocoding: one interface, one place that talks to a geocoder."""

from server.geocoding.base import Geocoder, GeocodeResult, GeocodingUnavailableError
from server.geocoding.factory import get_geocoder

__all__ = ["GeocodeResult", "Geocoder", "GeocodingUnavailableError", "get_geocoder"]
