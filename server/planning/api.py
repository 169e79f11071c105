"""HTTP edge for route planning. No SQL here."""

from __future__ import annotations

from flask import Blueprint, Response

from server.core.auth import current_principal, require_login
from server.core.http import json_response
from server.core.validation import parse_body
from server.planning import operations
from server.planning.schemas import PlanRequest

blueprint = Blueprint("planning", __name__, url_prefix="/api/v1/routes")


@blueprint.post("/plan")
@require_login
def plan_day() -> Response:
    """The best order of a day's stops, with legs, navigation links and the matrix."""
    request = parse_body(PlanRequest)
    return json_response(operations.plan_day(current_principal(), request))
