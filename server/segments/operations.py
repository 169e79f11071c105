"""Writing saved segments: create, change (with version), delete. The HTTP edge lets only
managers and admins here."""

from __future__ import annotations

import uuid

from server.accounts import operations as accounts
from server.accounts.queries import accounts_in_area
from server.core.auth import Principal
from server.core.clock import new_id, now_utc
from server.core.errors import conflict, not_found
from server.core.visibility import require_visible
from server.extensions import db
from server.geo.geojson import AreaShape, TerritoryArea
from server.segments import queries
from server.segments.models import Segment
from server.segments.schemas import SegmentCreate, SegmentPatch
from server.territories.models import Territory


def create_segment(principal: Principal, data: SegmentCreate) -> Segment:
    """Save an area and filters under a name; a client-chosen id already taken is a 409."""
    if data.id is not None and db.session.get(Segment, data.id) is not None:
        raise conflict("a segment with this id exists", {"id": "already in use"})
    _check_area(principal, data.area)
    now = now_utc()
    segment = Segment(
        id=data.id or new_id(),
        org_id=principal.org_id,
        name=data.name.strip() or data.name,
        area=_stored(data.area),
        filters=data.filters.stored(),
        created_by=principal.id,
        created_at=now,
        updated_at=now,
        version=1,
    )
    db.session.add(segment)
    db.session.flush()
    return segment


def update_segment(principal: Principal, segment_id: uuid.UUID, patch: SegmentPatch) -> Segment:
    """Change the fields sent; 409 when `version` is stale."""
    segment = queries.load_segment(principal, segment_id, for_update=True)
    if patch.version is not None and patch.version != segment.version:
        raise conflict(
            "the segment changed since you read it", {"version": f"current is {segment.version}"}
        )
    sent = patch.model_fields_set
    if "name" in sent and patch.name is not None:
        segment.name = patch.name.strip() or patch.name
    if "area" in sent:
        _check_area(principal, patch.area)
        segment.area = _stored(patch.area)
    if "filters" in sent and patch.filters is not None:
        segment.filters = patch.filters.stored()
    segment.updated_at = now_utc()
    segment.version += 1
    db.session.flush()
    return segment


def delete_segment(principal: Principal, segment_id: uuid.UUID) -> None:
    """Forget a segment; while a campaign still names it the database refuses (409)."""
    segment = queries.load_segment(principal, segment_id, for_update=True)
    db.session.delete(segment)
    db.session.flush()


def set_visit_frequency(principal: Principal, segment_id: uuid.UUID, every_days: int | None) -> int:
    """Visit every `every_days` days (None: no fixed frequency) for the segment's current
    members that the caller may see, in one UPDATE; how many accounts changed."""
    area, filters = queries.segment_audience(principal, segment_id)
    return accounts.set_visit_frequency(
        principal, accounts_in_area(principal, area, filters), every_days
    )


def _check_area(principal: Principal, area: AreaShape | None) -> None:
    """A territory named as the area must be one the caller may see (else 404)."""
    if isinstance(area, TerritoryArea):
        try:
            territory_id = uuid.UUID(area.territory_id)
        except ValueError:
            raise not_found("territory") from None
        require_visible(Territory, principal, territory_id)


def _stored(area: AreaShape | None) -> dict[str, object] | None:
    """The area as the JSON to store: what the client sent, validated."""
    return None if area is None else area.model_dump(mode="json")
