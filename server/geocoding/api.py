"""HTTP edge for geocoding: the address at a position (for "create an account here") and the
places matching a search (for "search around this place" without a GPS fix)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, Response

from server.config import current_settings
from server.core.auth import current_principal, require_login
from server.core.errors import ApiError
from server.core.http import json_response
from server.core.transaction import release_connection
from server.core.validation import parse_query
from server.geocoding.base import Geocoder, GeocoderBusyError, GeocodingUnavailableError
from server.geocoding.factory import get_geocoder
from server.geocoding.schemas import (
    Place,
    PlaceList,
    PlacePoint,
    ReverseAddress,
    ReverseQuery,
    SearchQuery,
)

blueprint = Blueprint("geocoding", __name__, url_prefix="/api/v1/geocode")

RETRY_AFTER_S = "30"
T = TypeVar("T")


@blueprint.get("/reverse")
@require_login
def reverse_geocode() -> Response:
    """The address at ?lat=&lng=, null when there is none; 503 while the geocoder is down, or at
    once when this request would wait too long for its turn."""
    args = parse_query(ReverseQuery)
    found = _in_turn(
        lambda geocoder, caller, max_wait_s: geocoder.reverse(
            args.lng, args.lat, caller=caller, max_wait_s=max_wait_s
        )
    )
    return json_response(ReverseAddress(address=found.address if found else None))


@blueprint.get("/search")
@require_login
def search_places() -> Response:
    """The places matching ?q= (at most ?limit=), best first; 503 like /reverse."""
    args = parse_query(SearchQuery)
    found = _in_turn(
        lambda geocoder, caller, max_wait_s: geocoder.search(
            args.q, args.limit, caller=caller, max_wait_s=max_wait_s
        )
    )
    items = [
        Place(address=place.address, location=PlacePoint(coordinates=(place.lng, place.lat)))
        for place in found
    ]
    return json_response(PlaceList(items=items))


def _in_turn(ask: Callable[[Geocoder, str, float], T]) -> T:
    """Ask the geocoder in the caller's turn of the shared fair queue. No database connection
    is held while it waits: the login check has committed, and nothing here reads the
    database. A turn too far away, or a caller already waiting, is a 503 geocoder_busy at once;
    an outage a 503 geocoding_unavailable; both with Retry-After."""
    caller = str(current_principal().id)
    max_wait_s = current_settings().geocoder_max_wait_s
    release_connection()
    try:
        return ask(get_geocoder(), caller, max_wait_s)
    except GeocoderBusyError as busy:
        raise ApiError(
            503,
            "geocoder_busy",
            "too many requests wait for the geocoder, try again shortly",
            headers={"Retry-After": str(busy.retry_after_s)},
        ) from None
    except GeocodingUnavailableError:
        raise ApiError(
            503,
            "geocoding_unavailable",
            "the geocoder is unavailable, try again later",
            headers={"Retry-After": RETRY_AFTER_S},
        ) from None
