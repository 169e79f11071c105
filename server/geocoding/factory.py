"""get_geocoder(): the one factory; tests point it at a local fake server through config."""

from __future__ import annotations

import threading

from flask import current_app

from server.config import current_settings
from server.geocoding.base import Geocoder
from server.geocoding.nominatim import NominatimGeocoder

EXTENSION_KEY = "waypoint_geocoder"
# Requests arriving together must share one geocoder: its pacer is the queue they wait in.
_building = threading.Lock()


def get_geocoder() -> Geocoder:
    """The app's geocoder, built once per app from its settings."""
    geocoder: Geocoder | None = current_app.extensions.get(EXTENSION_KEY)
    if geocoder is None:
        with _building:
            geocoder = current_app.extensions.get(EXTENSION_KEY) or _build()
    return geocoder


def _build() -> Geocoder:
    settings = current_settings()
    geocoder = NominatimGeocoder(
        url=settings.geocoder_url,
        user_agent=settings.geocoder_user_agent,
        timeout_s=settings.geocoder_timeout_s,
        min_interval_s=settings.geocoder_min_interval_s,
    )
    current_app.extensions[EXTENSION_KEY] = geocoder
    return geocoder
