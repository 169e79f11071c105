"""HTTP edge for saved segments: list, create, read, change, delete, members. No SQL here."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response

from server.accounts.schemas import ACCOUNT_LIST_JSON, AccountListData
from server.core.auth import current_principal, require_login, require_role
from server.core.http import json_data_response, json_response
from server.core.transaction import unit_of_work
from server.core.validation import PageQuery, parse_body, parse_query
from server.segments import operations, queries
from server.segments.schemas import (
    SegmentCreate,
    SegmentList,
    SegmentPatch,
    VisitFrequency,
    VisitFrequencyResult,
)

blueprint = Blueprint("segments", __name__, url_prefix="/api/v1/segments")
WRITERS = ("manager", "admin")


@blueprint.get("")
@require_login
def list_segments() -> Response:
    """The segments the caller may see, by name."""
    args = parse_query(PageQuery)
    page = queries.list_segments(current_principal(), args.limit, args.cursor)
    return json_response(SegmentList(items=page.items, next_cursor=page.next_cursor))


@blueprint.post("")
@require_role(*WRITERS)
def create_segment() -> Response:
    """Save an area and filters under a name."""
    data = parse_body(SegmentCreate)
    with unit_of_work():
        segment = operations.create_segment(current_principal(), data)
        body = queries.to_out(segment)
    return json_response(body, 201)


@blueprint.get("/<uuid:segment_id>")
@require_login
def get_segment(segment_id: uuid.UUID) -> Response:
    """One segment."""
    return json_response(queries.get_segment(current_principal(), segment_id))


@blueprint.patch("/<uuid:segment_id>")
@require_role(*WRITERS)
def update_segment(segment_id: uuid.UUID) -> Response:
    """Change a segment; send `version` to be told (409) when someone changed it first."""
    patch = parse_body(SegmentPatch)
    with unit_of_work():
        segment = operations.update_segment(current_principal(), segment_id, patch)
        body = queries.to_out(segment)
    return json_response(body)


@blueprint.delete("/<uuid:segment_id>")
@require_role(*WRITERS)
def delete_segment(segment_id: uuid.UUID) -> Response:
    """Forget a segment."""
    with unit_of_work():
        operations.delete_segment(current_principal(), segment_id)
    return Response(status=204)


@blueprint.get("/<uuid:segment_id>/members")
@require_login
def segment_members(segment_id: uuid.UUID) -> Response:
    """The accounts the segment selects now (among those the caller may see), by name."""
    args = parse_query(PageQuery)
    page = queries.segment_members(current_principal(), segment_id, args.limit, args.cursor)
    return json_data_response(
        ACCOUNT_LIST_JSON, AccountListData(items=page.items, next_cursor=page.next_cursor)
    )


@blueprint.post("/<uuid:segment_id>/visit-frequency")
@require_role(*WRITERS)
def set_visit_frequency(segment_id: uuid.UUID) -> Response:
    """Visit the segment's current members (those the caller may see) every N days, or clear it."""
    data = parse_body(VisitFrequency)
    with unit_of_work():
        updated = operations.set_visit_frequency(
            current_principal(), segment_id, data.visit_every_days
        )
    return json_response(VisitFrequencyResult(updated=updated))
