"""HTTP edge for planning a week: parse, read, solve, (save), dump. No SQL here."""

from __future__ import annotations

from flask import Blueprint, Response

from server.core.auth import current_principal, require_login
from server.core.http import json_response
from server.core.transaction import unit_of_work
from server.core.validation import parse_body
from server.planning import week_operations
from server.planning.week_schemas import PlanWeekIn

blueprint = Blueprint("planning_week", __name__, url_prefix="/api/v1/routes")


@blueprint.post("/plan-week")
@require_login
def plan_week() -> Response:
    """Spread the caller's due accounts over the days around their appointments, each day in
    its best order; with `create_tasks`, the visits become the caller's tasks."""
    data = parse_body(PlanWeekIn)
    principal = current_principal()
    with unit_of_work():
        inputs = week_operations.week_inputs(principal, data)
    solved = week_operations.solve_week(inputs, data)
    created = 0
    if data.create_tasks:
        with unit_of_work():
            created = week_operations.save_week(principal, solved)
    return json_response(week_operations.week_answer(solved, data, created))
