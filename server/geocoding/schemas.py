"""What clients send and receive about geocoding."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from server.core.validation import Schema

# At most this many places a search: a list to pick from, not a directory to page through.
MAX_SEARCH_RESULTS = 10


class ReverseQuery(Schema):
    """GET /geocode/reverse: the position to name, as separate lat and lng."""

    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lng: float = Field(ge=-180, le=180, allow_inf_nan=False)


class ReverseAddress(BaseModel):
    """The address at a position, null when the geocoder knows none there."""

    address: str | None


class SearchQuery(Schema):
    """GET /geocode/search: free text naming a place or an address, and how many answers."""

    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    limit: int = Field(default=5, ge=1, le=MAX_SEARCH_RESULTS)


class PlacePoint(BaseModel):
    """A GeoJSON Point, [longitude, latitude]."""

    type: Literal["Point"] = "Point"
    coordinates: tuple[float, float]


class Place(BaseModel):
    """One match: how the geocoder writes it, and where it is."""

    address: str
    location: PlacePoint


class PlaceList(BaseModel):
    """The geocoder's best matches, best first; empty when nothing matches."""

    items: list[Place]
