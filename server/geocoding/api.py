"""HTTP edge for geocoding: the address at a position, for "create an account here"."""

from __future__ import annotations

from flask import Blueprint, Response

from server.config import current_settings
from server.core.auth import current_principal, require_login
from server.core.errors import ApiError
from server.core.http import json_response
from server.core.transaction import release_connection
from server.core.validation import parse_query
from server.geocoding.base import GeocoderBusyError, GeocodingUnavailableError
from server.geocoding.factory import get_geocoder
from server.geocoding.schemas import ReverseAddress, ReverseQuery

blueprint = Blueprint("geocoding", __name__, url_prefix="/api/v1/geocode")

RETRY_AFTER_S = "30"


@blueprint.get("/reverse")
@require_login
def reverse_geocode() -> Response:
    """The address at ?lat=&lng=, null when there is none; 503 while the geocoder is down, or at
    once when this request would wait too long for its turn (no database connection is held
    while it waits: the login check has committed, and nothing here reads the database)."""
    args = parse_query(ReverseQuery)
    caller = str(current_principal().id)
    max_wait_s = current_settings().geocoder_max_wait_s
    release_connection()
    try:
        found = get_geocoder().reverse(args.lng, args.lat, caller=caller, max_wait_s=max_wait_s)
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
    return json_response(ReverseAddress(address=found.address if found else None))
