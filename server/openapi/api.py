"""GET /api/v1/openapi.json: the contract, public like the rest of the documentation."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from server.openapi.spec import openapi_document

blueprint = Blueprint("openapi", __name__)


@blueprint.get("/api/v1/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3.1 description of the API (no login; every /api/ answer is no-store)."""
    return jsonify(openapi_document())
