"""HTTP edge for territories: parse, call a query or operation, dump. No SQL here."""

from __future__ import annotations

import json
import uuid

from flask import Blueprint, Response

from server.core.auth import current_principal, require_login
from server.core.errors import invalid
from server.core.http import json_response
from server.core.transaction import unit_of_work
from server.core.validation import PageQuery, parse_body, parse_query
from server.geo.queries import parse_bbox
from server.territories import operations, queries
from server.territories.schemas import (
    FeatureCollection,
    GapsQuery,
    ImportedTerritories,
    OverlapList,
    TerritoryCreate,
    TerritoryList,
    TerritoryPatch,
)

blueprint = Blueprint("territories", __name__, url_prefix="/api/v1/territories")


@blueprint.post("")
@require_login
def create_territory() -> Response:
    """Add a territory (managers and admins); the accounts it covers are assigned to it."""
    data = parse_body(TerritoryCreate)
    with unit_of_work():
        territory = operations.create_territory(current_principal(), data)
        body = queries.get_territory(current_principal(), territory.id)
    return json_response(body, 201)


@blueprint.get("")
@require_login
def list_territories() -> Response:
    """The organisation's territories by name."""
    args = parse_query(PageQuery)
    page = queries.list_territories(current_principal(), args.limit, args.cursor)
    return json_response(TerritoryList(items=page.items, next_cursor=page.next_cursor))


@blueprint.get("/<uuid:territory_id>")
@require_login
def get_territory(territory_id: uuid.UUID) -> Response:
    """One territory."""
    return json_response(queries.get_territory(current_principal(), territory_id))


@blueprint.patch("/<uuid:territory_id>")
@require_login
def update_territory(territory_id: uuid.UUID) -> Response:
    """Change a territory; send `version` to be told (409) when someone changed it first."""
    patch = parse_body(TerritoryPatch)
    with unit_of_work():
        operations.update_territory(current_principal(), territory_id, patch)
        body = queries.get_territory(current_principal(), territory_id)
    return json_response(body)


@blueprint.delete("/<uuid:territory_id>")
@require_login
def delete_territory(territory_id: uuid.UUID) -> Response:
    """Delete a territory; its accounts go to another territory covering them, or to none."""
    with unit_of_work():
        operations.delete_territory(current_principal(), territory_id)
    return Response(status=204)


@blueprint.get("/overlaps")
@require_login
def list_overlaps() -> Response:
    """Accounts covered by more than one territory, with the territories covering each."""
    args = parse_query(PageQuery)
    page = queries.list_overlaps(current_principal(), args.limit, args.cursor)
    return json_response(OverlapList(items=page.items, next_cursor=page.next_cursor))


@blueprint.get("/gaps")
@require_login
def gaps() -> Response:
    """Accounts with a location and no territory in a map viewport."""
    args = parse_query(GapsQuery)
    try:
        bbox = parse_bbox(args.bbox)
    except ValueError as error:
        raise invalid({"bbox": str(error)}) from None
    return json_response(queries.gaps_in(current_principal(), bbox, args.limit))


@blueprint.get("/export.geojson")
@require_login
def export_territories() -> Response:
    """Every territory as a GeoJSON FeatureCollection."""
    collection = queries.feature_collection(current_principal())
    response = Response(json.dumps(collection), mimetype="application/geo+json")
    response.headers["Content-Disposition"] = 'attachment; filename="territories.geojson"'
    return response


@blueprint.post("/import")
@require_login
def import_territories() -> Response:
    """Create one territory per feature of a GeoJSON FeatureCollection, all or none."""
    data = parse_body(FeatureCollection)
    principal = current_principal()
    with unit_of_work():
        made = operations.import_territories(principal, data)
        items = [queries.get_territory(principal, territory.id) for territory in made]
    return json_response(ImportedTerritories(items=items), 201)
