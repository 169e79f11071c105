"""HTTP edge for tasks: create, list, read, change. No SQL here."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response

from server.core.auth import current_principal, require_login
from server.core.http import json_response
from server.core.transaction import unit_of_work
from server.core.validation import parse_body, parse_query
from server.tasks import operations, queries
from server.tasks.schemas import TaskCreate, TaskList, TaskListQuery, TaskPatch

blueprint = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks")


@blueprint.post("")
@require_login
def create_task() -> Response:
    """Add a task (announced live to its assignee); the same client-chosen id with the same
    content again answers 200 with the stored task."""
    data = parse_body(TaskCreate)
    with unit_of_work():
        task, created = operations.create_task(current_principal(), data)
        body = queries.to_out(task)
    return json_response(body, 201 if created else 200)


@blueprint.get("")
@require_login
def list_tasks() -> Response:
    """Tasks the caller may see: `?assignee=me&status=open` for a rep's open work."""
    filters = parse_query(TaskListQuery)
    page = queries.list_tasks(current_principal(), filters)
    return json_response(TaskList(items=page.items, next_cursor=page.next_cursor))


@blueprint.get("/<uuid:task_id>")
@require_login
def get_task(task_id: uuid.UUID) -> Response:
    """One task."""
    return json_response(queries.get_task(current_principal(), task_id))


@blueprint.patch("/<uuid:task_id>")
@require_login
def update_task(task_id: uuid.UUID) -> Response:
    """Change a task; send `version` to be told (409) when someone changed it first."""
    patch = parse_body(TaskPatch)
    with unit_of_work():
        task = operations.update_task(current_principal(), task_id, patch)
        body = queries.to_out(task)
    return json_response(body)
