"""Read use cases of saved segments, and their visibility rule."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, true

from server.accounts.queries import accounts_in_area, page_by_name
from server.accounts.schemas import AccountData, AccountFilters, AudienceFilters
from server.core.auth import Principal
from server.core.pagination import Page, keyset_page
from server.core.visibility import load_visible, register, visible
from server.extensions import db
from server.geo.geojson import AreaShape, area_from_json
from server.segments.models import Segment
from server.segments.schemas import SegmentOut


def may_see(principal: Principal) -> ColumnElement[bool]:
    """Managers and admins share the organisation's segments; a rep sees the ones they saved."""
    if principal.role in ("admin", "manager"):
        return true()
    own: ColumnElement[bool] = Segment.created_by == principal.id
    return own


register(Segment, "segment", may_see)


def to_out(segment: Segment) -> SegmentOut:
    """A SegmentOut from a Segment."""
    return SegmentOut(
        id=segment.id,
        name=segment.name,
        area=stored_area(segment),
        filters=AudienceFilters.model_validate(segment.filters),
        version=segment.version,
        created_by=segment.created_by,
        created_at=segment.created_at,
        updated_at=segment.updated_at,
    )


def stored_area(segment: Segment) -> AreaShape | None:
    """The segment's area as the queries take it (stored as the JSON of a validated area)."""
    return None if segment.area is None else area_from_json(segment.area)


def list_segments(principal: Principal, limit: int, cursor: str | None) -> Page[SegmentOut]:
    """The segments the caller may see, by name."""
    query: Any = db.select(Segment).where(visible(Segment, principal))
    page = keyset_page(
        query, [Segment.name, Segment.id], limit, cursor, lambda row: [row[0].name, str(row[0].id)]
    )
    return Page([to_out(row[0]) for row in page.items], page.next_cursor)


def load_segment(principal: Principal, segment_id: uuid.UUID, for_update: bool = False) -> Segment:
    """The segment if the caller may see it (row-locked when `for_update`); else 404."""
    segment: Segment = load_visible(Segment, principal, segment_id, for_update=for_update)
    return segment


def get_segment(principal: Principal, segment_id: uuid.UUID) -> SegmentOut:
    """One visible segment, or 404."""
    return to_out(load_segment(principal, segment_id))


def segment_audience(
    principal: Principal, segment_id: uuid.UUID
) -> tuple[AreaShape | None, AccountFilters]:
    """What a segment selects, for accounts.queries.accounts_in_area: its area (None: the
    filters alone) and its filters. 404 when the caller may not see the segment."""
    segment = load_segment(principal, segment_id)
    filters = AudienceFilters.model_validate(segment.filters).as_filters()
    return stored_area(segment), filters


def segment_members(
    principal: Principal, segment_id: uuid.UUID, limit: int, cursor: str | None
) -> Page[AccountData]:
    """The accounts a segment selects now, among those the caller may see, by name."""
    area, filters = segment_audience(principal, segment_id)
    return page_by_name(accounts_in_area(principal, area, filters), limit, cursor)
