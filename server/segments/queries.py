"""Read use cases of saved segments, and their visibility rule."""

from __future__ import annotations

import uuid

from pydantic import TypeAdapter
from sqlalchemy import ColumnElement, true

from server.accounts.schemas import AccountFilters
from server.core.auth import Principal
from server.core.visibility import load_visible, register
from server.geo.geojson import Area
from server.segments.models import Segment

AREA: TypeAdapter[Area] = TypeAdapter(Area)


def may_see(principal: Principal) -> ColumnElement[bool]:
    """Managers and admins share the organisation's segments; a rep sees the ones they saved."""
    if principal.role in ("admin", "manager"):
        return true()
    own: ColumnElement[bool] = Segment.created_by == principal.id
    return own


register(Segment, "segment", may_see)


def segment_audience(
    principal: Principal, segment_id: uuid.UUID
) -> tuple[Area | None, AccountFilters]:
    """The area (or None) and filters a segment the caller may see selects its members by;
    404 for a segment the caller may not see."""
    segment: Segment = load_visible(Segment, principal, segment_id)
    area = AREA.validate_python(segment.area) if segment.area is not None else None
    return area, AccountFilters.model_validate(segment.filters or {})
