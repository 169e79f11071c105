"""HTTP edge for accounts: parse, call a query or operation, dump. No SQL here."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, request, stream_with_context

from server.accounts import imports, operations, queries
from server.accounts.schemas import (
    ACCOUNT_LIST_JSON,
    ACCOUNT_MAP_JSON,
    AccountCreate,
    AccountFilters,
    AccountListData,
    AccountListQuery,
    AccountMapData,
    AccountPatch,
    AccountSearch,
)
from server.config import current_settings
from server.core.auth import current_principal, require_login
from server.core.errors import ApiError, invalid
from server.core.http import json_data_response, json_response
from server.core.transaction import reads_without_transaction, unit_of_work
from server.core.validation import (
    allow_body_up_to,
    body_limit_passed,
    parse_body,
    parse_query,
)
from server.geo.geojson import Point
from server.geo.queries import BBox, parse_bbox, zoom_for

blueprint = Blueprint("accounts", __name__, url_prefix="/api/v1/accounts")


@blueprint.post("")
@require_login
def create_account() -> Response:
    """Add an account; an address without a location is geocoded."""
    data = parse_body(AccountCreate)
    with unit_of_work():
        account = operations.create_account(current_principal(), data)
        body = queries.account_by_id(account.id)
    return json_response(body, 201)


@blueprint.get("")
@reads_without_transaction
@require_login
def list_accounts() -> Response:
    """Accounts by name, nearest first (lat, lng, radius_m) or for a map viewport (bbox)."""
    args = parse_query(AccountListQuery)
    principal = current_principal()
    if args.bbox is not None:
        return _map_viewport(args, _bbox(args.bbox))
    if args.lat is not None and args.lng is not None:
        center = Point.at(args.lng, args.lat)
        page = queries.list_nearby(principal, args, center, args.radius_m, args.limit, args.cursor)
    else:
        page = queries.list_accounts(principal, args, args.limit, args.cursor)
    return json_data_response(
        ACCOUNT_LIST_JSON, AccountListData(items=page.items, next_cursor=page.next_cursor)
    )


def _bbox(text: str) -> BBox:
    try:
        return parse_bbox(text)
    except ValueError as error:
        raise invalid({"bbox": str(error)}) from None


def _map_viewport(args: AccountListQuery, bbox: BBox) -> Response:
    principal = current_principal()
    threshold = current_settings().clusters_above
    if queries.count_in_bbox(principal, args, bbox, threshold + 1) > threshold:
        zoom = args.zoom if args.zoom is not None else zoom_for(bbox)
        clusters = queries.clusters_in_bbox(principal, args, bbox, zoom)
        return json_data_response(
            ACCOUNT_MAP_JSON, AccountMapData(clusters=clusters, items=[], next_cursor=None)
        )
    page = queries.list_in_bbox(principal, args, bbox, args.limit, args.cursor)
    return json_data_response(
        ACCOUNT_MAP_JSON,
        AccountMapData(clusters=[], items=page.items, next_cursor=page.next_cursor),
    )


@blueprint.post("/search")
@require_login
def search_accounts() -> Response:
    """Accounts inside a polygon, multipolygon, circle or territory, with filters."""
    data = parse_body(AccountSearch)
    page = queries.search_in_area(
        current_principal(), data.area, data.filters.as_filters(), data.limit, data.cursor
    )
    return json_data_response(
        ACCOUNT_LIST_JSON, AccountListData(items=page.items, next_cursor=page.next_cursor)
    )


@blueprint.get("/<uuid:account_id>")
@require_login
def get_account(account_id: uuid.UUID) -> Response:
    """One account."""
    return json_response(queries.get_account(current_principal(), account_id))


@blueprint.patch("/<uuid:account_id>")
@require_login
def update_account(account_id: uuid.UUID) -> Response:
    """Change an account; send `version` to be told (409) when someone changed it first."""
    patch = parse_body(AccountPatch)
    with unit_of_work():
        operations.update_account(current_principal(), account_id, patch)
        body = queries.account_by_id(account_id)
    return json_response(body)


@blueprint.delete("/<uuid:account_id>")
@require_login
def archive_account(account_id: uuid.UUID) -> Response:
    """Archive an account (it leaves every list)."""
    with unit_of_work():
        operations.archive_account(current_principal(), account_id)
    return Response(status=204)


@blueprint.post("/import")
@require_login
def import_accounts() -> Response:
    """Create accounts from a CSV file (multipart field `file`, or a text/csv body)."""
    raw = _uploaded_csv()
    with unit_of_work():
        report = imports.import_accounts(current_principal(), raw)
    return json_response(report, 201)


def _uploaded_csv() -> bytes:
    """The CSV of an import: multipart field `file` or a text/csv body, held to the import's
    own size limit while it is read (413 past it)."""
    allow_body_up_to(current_settings().max_request_bytes)
    upload = request.files.get("file")
    raw: bytes | None = upload.read() if upload is not None else None
    if raw is None and request.mimetype == "text/csv":
        raw = request.get_data()
    if body_limit_passed():
        raise imports.too_large()
    if raw is None:
        raise ApiError(
            415, "unsupported_media_type", "send a CSV as multipart field `file` or text/csv"
        )
    return raw


@blueprint.get("/export.csv")
@require_login
def export_accounts() -> Response:
    """The accounts you can see, with the list filters, as a CSV download."""
    filters = parse_query(AccountFilters)
    chunks = imports.export_accounts(current_principal(), filters)
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="accounts.csv"'
    return response
