"""HTTP edge for geocoding: the address at a position, for "create an account here"."""

from __future__ import annotations

from flask import Blueprint, Response

from server.core.auth import require_login
from server.core.errors import ApiError
from server.core.http import json_response
from server.core.validation import parse_query
from server.geocoding.base import GeocodingUnavailableError
from server.geocoding.factory import get_geocoder
from server.geocoding.schemas import ReverseAddress, ReverseQuery

blueprint = Blueprint("geocoding", __name__, url_prefix="/api/v1/geocode")

RETRY_AFTER_S = "30"


@blueprint.get("/reverse")
@require_login
def reverse_geocode() -> Response:
    """The address at ?lat=&lng=, null when there is none; 503 while the geocoder is down."""
    args = parse_query(ReverseQuery)
    try:
        found = get_geocoder().reverse(lng=args.lng, lat=args.lat)
    except GeocodingUnavailableError:
        raise ApiError(
            503,
            "geocoding_unavailable",
            "the geocoder is unavailable, try again later",
            headers={"Retry-After": RETRY_AFTER_S},
        ) from None
    return json_response(ReverseAddress(address=found.address if found else None))
