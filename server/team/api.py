"""HTTP edge for the team: each rep's day, for managers and admins. No SQL here."""

from __future__ import annotations

from flask import Blueprint, Response

from server.core.auth import current_principal, require_role
from server.core.http import json_response
from server.core.validation import parse_query
from server.team import queries
from server.team.schemas import TeamDay, TeamDayQuery

blueprint = Blueprint("team", __name__, url_prefix="/api/v1/team")


@blueprint.get("/day")
@require_role("manager", "admin")
def team_day() -> Response:
    """Each rep the caller oversees, by name: tasks and visits of the window, last sync."""
    window = parse_query(TeamDayQuery)
    page = queries.team_day(current_principal(), window)
    return json_response(TeamDay(items=page.items, next_cursor=page.next_cursor))
