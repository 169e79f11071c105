"""What clients send and receive about geocoding."""

from __future__ import annotations

from pydantic import BaseModel, Field

from server.core.validation import Schema


class ReverseQuery(Schema):
    """GET /geocode/reverse: the position to name, as separate lat and lng."""

    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lng: float = Field(ge=-180, le=180, allow_inf_nan=False)


class ReverseAddress(BaseModel):
    """The address at a position, null when the geocoder knows none there."""

    address: str | None
