"""The published OpenAPI document is valid, complete, and describes what the server answers."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from server.accounts.models import Account
from server.config import current_settings
from server.core.clock import now_utc
from server.core.transaction import unit_of_work
from server.extensions import db
from server.geo.geojson import Point
from server.geo.queries import point_to_store

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
DOCUMENT_URI = "urn:waypoint:openapi"


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


@pytest.fixture
def api(org, make_user, logged_in):
    return logged_in(make_user(org, role="admin"))


def _spec_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def _served_operations(app) -> set[tuple[str, str]]:
    return {
        (_spec_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and (rule.rule.startswith("/api/v1/") or rule.rule == "/healthz")
        for method in (rule.methods or set()) & METHODS
    }


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for child in node.values():
            yield from _refs(child)
    elif isinstance(node, list):
        for child in node:
            yield from _refs(child)


def _resolve(document, ref):
    node = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _points_somewhere(document, ref):
    if not ref.startswith("#/"):
        return False
    try:
        _resolve(document, ref)
    except (KeyError, IndexError, TypeError):
        return False
    return True


def _validator(document, *pointer):
    """A validator for the schema at `pointer` inside the document, its $refs resolving there."""
    escaped = "/".join(part.replace("~", "~0").replace("/", "~1") for part in pointer)
    registry = Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(document))
    return Draft202012Validator({"$ref": f"{DOCUMENT_URI}#/{escaped}"}, registry=registry)


def _answer_errors(document, path, method, status, body):
    pointer = ("paths", path, method, "responses", str(status), "content", "application/json")
    return [error.message for error in _validator(document, *pointer, "schema").iter_errors(body)]


def _add_located_accounts(app, org, count):
    now = now_utc()
    accounts = [
        Account(
            id=uuid.uuid4(),
            org_id=org.id,
            kind="customer",
            name=f"Shop {n}",
            location=point_to_store(Point.at(26.0 + (n % 30) * 0.01, 44.3 + (n // 30) * 0.01)),
            geocode_status="manual",
            status="active",
            tags=[],
            custom={},
            created_at=now,
            updated_at=now,
            version=1,
        )
        for n in range(count)
    ]
    with app.app_context(), unit_of_work():
        db.session.add_all(accounts)


def test_document_validates_as_openapi_3_1_when_served(document):
    """The served document passes the OpenAPI 3.1 validator."""
    validate(document)

    assert document["openapi"].startswith("3.1.")


def test_document_is_served_as_json_when_no_one_is_logged_in(client):
    """The contract is public: an anonymous client gets it as JSON."""
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json["info"]["title"] == "Waypoint"


def test_every_route_is_documented_when_the_app_serves_it(app, document):
    """Adding a route under /api/v1 or /healthz without describing it fails here."""
    served = _served_operations(app)

    documented = {(path, method) for path, method, _ in _operations(document)}

    assert sorted(served - documented) == []


def test_no_operation_is_documented_when_the_app_does_not_serve_it(app, document):
    """The document promises nothing the server does not serve."""
    served = _served_operations(app)

    documented = {(path, method) for path, method, _ in _operations(document)}

    assert sorted(documented - served) == []


def test_every_ref_resolves_when_followed_inside_the_document(document):
    """Each $ref is a local pointer to something that exists in the document."""
    refs = set(_refs(document))

    unresolved = [ref for ref in sorted(refs) if not _points_somewhere(document, ref)]

    assert refs
    assert unresolved == []


def test_schemas_carry_no_nested_defs_when_hoisted_into_components(document):
    """Pydantic's $defs all live in components.schemas, none are left inside a schema."""
    text = str(document)

    assert "'$defs'" not in text
    assert "#/$defs/" not in text


def test_account_list_documents_place_viewport_paging_and_filters_when_read(document):
    """GET /accounts names lat, lng, radius_m, bbox, zoom, limit, cursor and every filter."""
    operation = document["paths"]["/api/v1/accounts"]["get"]

    names = {p["name"] for p in operation["parameters"] if p["in"] == "query"}

    assert {"lat", "lng", "radius_m", "bbox", "zoom", "limit", "cursor"} <= names
    assert {"kind", "status", "industry", "tag", "q", "owner_id", "not_visited_days"} <= names


def test_account_list_answer_is_one_of_list_or_map_when_documented(document):
    """GET /accounts answers an AccountList, or an AccountMap when bbox is given."""
    content = document["paths"]["/api/v1/accounts"]["get"]["responses"]["200"]["content"]

    branches = content["application/json"]["schema"]["oneOf"]

    assert [branch["$ref"].rsplit("/", 1)[-1] for branch in branches] == [
        "AccountList",
        "AccountMap",
    ]


def test_every_request_body_documents_422_with_the_error_envelope_when_present(document):
    """Every body, JSON or CSV, can be refused with a 422 in the error envelope."""
    missing = []
    for path, method, operation in _operations(document):
        if "requestBody" not in operation:
            continue
        error = operation["responses"].get("422", {}).get("content", {}).get("application/json")
        if error != {"schema": {"$ref": "#/components/schemas/Error"}}:
            missing.append(f"{method} {path}")

    assert missing == []


def test_every_client_error_uses_the_error_envelope_when_documented(document):
    """Each documented 4xx answer is the {"error": {...}} envelope, except 414, which the HTTP
    server answers before the app sees the request."""
    others = [
        f"{method} {path} {status}"
        for path, method, operation in _operations(document)
        for status, response in operation["responses"].items()
        if status.startswith("4")
        and status != "414"
        and response["content"]["application/json"]["schema"]
        != {"$ref": "#/components/schemas/Error"}
    ]

    assert others == []


def test_error_envelope_requires_code_message_and_fields_when_read(document):
    """The Error schema is {"error": {"code", "message", "fields"}}."""
    error = document["components"]["schemas"]["Error"]

    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "fields"]


def test_security_schemes_document_cookie_csrf_header_and_bearer_when_read(document):
    """Session cookie, CSRF header and bearer token are the three ways in."""
    schemes = document["components"]["securitySchemes"]

    assert schemes["session"] == {"type": "apiKey", "in": "cookie", "name": "__Host-waypoint"}
    assert schemes["csrf"]["in"] == "header"
    assert schemes["csrf"]["name"] == "X-CSRF-Token"
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer"}


def test_public_operations_need_no_security_when_documented(document):
    """Login, health, config and this document are open to anyone."""
    public = {
        f"{method} {path}"
        for path, method, operation in _operations(document)
        if operation["security"] == []
    }

    assert public == {
        "post /api/v1/auth/login",
        "get /healthz",
        "get /api/v1/config",
        "get /api/v1/openapi.json",
    }


def test_import_documents_a_multipart_file_field_when_read(document):
    """POST /accounts/import takes a CSV in the multipart field `file`."""
    body = document["paths"]["/api/v1/accounts/import"]["post"]["requestBody"]["content"]

    schema = body["multipart/form-data"]["schema"]

    assert schema["required"] == ["file"]
    assert "file" in schema["properties"]


def test_export_documents_a_csv_answer_when_read(document):
    """GET /accounts/export.csv answers text/csv."""
    responses = document["paths"]["/api/v1/accounts/export.csv"]["get"]["responses"]

    assert "text/csv" in responses["200"]["content"]


def test_created_account_conforms_to_account_out_when_posted(document, api):
    """A real POST /accounts answer validates against AccountOut from the document."""
    body = {
        "kind": "customer",
        "name": "Farmacia",
        "location": {"type": "Point", "coordinates": [26.1, 44.4]},
    }

    created = api.post("/api/v1/accounts", json=body)

    assert created.status_code == 201
    validator = _validator(document, "components", "schemas", "AccountOut")
    assert [error.message for error in validator.iter_errors(created.json)] == []


def test_nearby_list_conforms_to_the_list_operation_when_lat_and_lng_are_given(
    document, api, org, make_account
):
    """A nearest-first page with distance_m matches the documented GET /accounts answer."""
    make_account(org, 26.1, 44.4)

    response = api.get("/api/v1/accounts?lat=44.4&lng=26.1&radius_m=1000")

    assert response.status_code == 200
    assert response.json["items"][0]["distance_m"] is not None
    assert _answer_errors(document, "/api/v1/accounts", "get", 200, response.json) == []


def test_viewport_items_conform_to_the_list_operation_when_bbox_is_given(
    document, api, org, make_account
):
    """A map viewport holding few accounts matches exactly one branch of the documented answer."""
    make_account(org, 26.1, 44.4)

    response = api.get("/api/v1/accounts?bbox=26.0,44.3,26.2,44.5")

    assert response.status_code == 200
    assert response.json["clusters"] == []
    assert _answer_errors(document, "/api/v1/accounts", "get", 200, response.json) == []


def test_viewport_clusters_conform_to_the_list_operation_when_bbox_holds_many(
    app, document, api, org
):
    """A clustered map viewport matches the documented GET /accounts answer."""
    with app.app_context():
        threshold = current_settings().clusters_above
    _add_located_accounts(app, org, threshold + 1)

    response = api.get("/api/v1/accounts?bbox=25.9,44.2,26.4,44.6&zoom=11")

    assert response.status_code == 200
    assert response.json["clusters"] != []
    assert _answer_errors(document, "/api/v1/accounts", "get", 200, response.json) == []


def test_import_report_conforms_to_the_import_operation_when_a_csv_is_uploaded(document, api):
    """The answer to a CSV upload matches the documented 201 of POST /accounts/import."""
    csv = b"kind,name,lat,lng\ncustomer,Farmacia,44.43,26.09\n"

    response = api.post(
        "/api/v1/accounts/import",
        data={"file": (io.BytesIO(csv), "accounts.csv")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 201
    path = "/api/v1/accounts/import"
    assert _answer_errors(document, path, "post", 201, response.json) == []


def test_validation_error_conforms_to_the_envelope_when_a_body_is_invalid(document, api):
    """A real 422 matches the documented error answer of POST /accounts."""
    response = api.post("/api/v1/accounts", json={"kind": "neither"})

    assert response.status_code == 422
    assert _answer_errors(document, "/api/v1/accounts", "post", 422, response.json) == []


def test_route_plan_conforms_to_the_document_when_a_day_is_planned(
    document, api, org, make_account
):
    """A real POST /routes/plan answer (a window, an unplanned stop, an end) matches its
    documented 200."""
    stops = [str(make_account(org, 26.1 + n / 100, 44.4)) for n in range(3)]
    body = {
        "start": {"type": "Point", "coordinates": [26.1, 44.43]},
        "end": {"type": "Point", "coordinates": [26.2, 44.43]},
        "stops": stops,
        "departure_at": "2026-03-10T08:00:00+02:00",
        "windows": {stops[2]: ["2026-03-10T20:00:00+02:00", "2026-03-10T21:00:00+02:00"]},
    }

    response = api.post("/api/v1/routes/plan", json=body)

    assert response.status_code == 200, response.json
    assert response.json["unplanned"] != []
    assert _answer_errors(document, "/api/v1/routes/plan", "post", 200, response.json) == []


def test_health_answer_conforms_to_the_document_when_the_database_answers(document, client):
    """GET /healthz matches its documented 200."""
    response = client.get("/healthz")

    assert response.status_code == 200
    assert _answer_errors(document, "/healthz", "get", 200, response.json) == []


def test_every_link_names_an_operation_and_its_parameters_when_read(document):
    """Links (what a client calls next) point at real operations and real path or query
    parameters of them, so a client or a fuzzer can follow each one."""
    operations = {op["operationId"]: op for _, _, op in _operations(document)}
    broken = [
        f"{name}: {link['operationId']} {parameter}"
        for _, _, operation in _operations(document)
        for response in operation["responses"].values()
        for name, link in response.get("links", {}).items()
        for parameter in [None, *link.get("parameters", {})]
        if link["operationId"] not in operations
        or (
            parameter is not None
            and parameter
            not in {p["name"] for p in operations[link["operationId"]].get("parameters", [])}
        )
    ]

    assert broken == []
    assert any("links" in r for _, _, op in _operations(document) for r in op["responses"].values())
