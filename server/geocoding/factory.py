"""get_geocoder(): the one factory; tests point it at a local fake server through config."""

from __future__ import annotations

from flask import current_app

from server.config import current_settings
from server.geocoding.base import Geocoder
from server.geocoding.nominatim import NominatimGeocoder

EXTENSION_KEY = "waypoint_geocoder"


def get_geocoder() -> Geocoder:
    """The app's geocoder, built once per app from its settings."""
    geocoder = current_app.extensions.get(EXTENSION_KEY)
    if geocoder is None:
        settings = current_settings()
        geocoder = NominatimGeocoder(
            url=settings.geocoder_url,
            user_agent=settings.geocoder_user_agent,
            timeout_s=settings.geocoder_timeout_s,
            min_interval_s=settings.geocoder_min_interval_s,
        )
        current_app.extensions[EXTENSION_KEY] = geocoder
    return geocoder
