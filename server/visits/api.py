"""HTTP edge for visits: record one (idempotent by id), list them. No SQL here."""

from __future__ import annotations

from flask import Blueprint, Response

from server.audit.operations import record_location_reads
from server.core.auth import current_principal, require_login
from server.core.http import json_response
from server.core.transaction import unit_of_work
from server.core.validation import parse_body, parse_query
from server.visits import operations, queries
from server.visits.schemas import VisitCreate, VisitList, VisitListQuery

blueprint = Blueprint("visits", __name__, url_prefix="/api/v1/visits")


@blueprint.post("")
@require_login
def create_visit() -> Response:
    """Record a visit; sending the same one again answers 200 with the stored visit."""
    data = parse_body(VisitCreate)
    with unit_of_work():
        visit, created = operations.record_visit(current_principal(), data)
    return json_response(visit, 201 if created else 200)


@blueprint.get("")
@require_login
def list_visits() -> Response:
    """Visits the caller may see, newest first; reading others' coordinates is audited."""
    filters = parse_query(VisitListQuery)
    principal = current_principal()
    with unit_of_work():
        page = queries.list_visits(principal, filters)
        record_location_reads(
            principal, ((row.id, row.user_id) for row in page.items if row.lng is not None)
        )
    items = [queries.to_out(row) for row in page.items]
    return json_response(VisitList(items=items, next_cursor=page.next_cursor))
