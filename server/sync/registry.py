"""Sync ops -> the very domain operations the REST API calls, with the same validation.

A handler returns the entity as the API shows it, raises StaleBase when the device's
base_version is behind (a conflict), or raises ApiError for a permanent failure (rejected).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from server.accounts import operations as accounts
from server.accounts import queries as account_queries
from server.accounts.schemas import AccountCreate, AccountPatch
from server.contacts import operations as contacts
from server.contacts import queries as contact_queries
from server.contacts.schemas import ContactArchive, ContactCreate, ContactPatch
from server.core.auth import Principal
from server.core.errors import ApiError, invalid
from server.core.validation import parse_json
from server.notes import operations as notes
from server.notes.schemas import NoteCreate
from server.tasks import operations as tasks
from server.tasks import queries as task_queries
from server.tasks.schemas import TaskCreate, TaskPatch
from server.visits import operations as visits
from server.visits.schemas import VisitCreate

T = TypeVar("T")

Handler = Callable[[Principal, dict[str, Any], int | None], dict[str, Any]]
BatchHandler = Callable[[Principal, list[dict[str, Any]]], list[dict[str, Any] | ApiError]]


class StaleBase(Exception):  # noqa: N818  (a state, not a failure)
    """The device edited an older version than the server's: nothing was applied."""

    def __init__(self, entity: dict[str, Any]) -> None:
        super().__init__("stale base_version")
        self.entity = entity


def _parse(schema: Any, data: dict[str, Any]) -> Any:
    # The same strict JSON validation as a REST body, field names prefixed with `data.`.
    return parse_json(schema, json.dumps(data), prefix="data.")


def _parse_each(
    batch: list[dict[str, Any]], parse: Callable[[dict[str, Any]], T]
) -> list[T | ApiError]:
    """Each mutation's data of a run parsed, or why it could not be (that one is rejected)."""
    parsed: list[T | ApiError] = []
    for data in batch:
        try:
            parsed.append(parse(data))
        except ApiError as error:
            parsed.append(error)
    return parsed


def _visit_create(principal: Principal, data: dict[str, Any], _: int | None) -> dict[str, Any]:
    visit, _created = visits.record_visit(principal, _parse(VisitCreate, data))
    return visit.model_dump(mode="json")


def _visit_create_batch(
    principal: Principal, batch: list[dict[str, Any]]
) -> list[dict[str, Any] | ApiError]:
    """visit.create for a run of mutations at once: each one's entity, or why it failed."""
    parsed = _parse_each(batch, lambda data: _parse(VisitCreate, data))
    valid = [item for item in parsed if isinstance(item, VisitCreate)]
    recorded = iter(visits.record_visits(principal, valid))
    return [item if isinstance(item, ApiError) else _shown(next(recorded)) for item in parsed]


def _shown(recorded: visits.Recorded) -> dict[str, Any] | ApiError:
    if recorded.error is not None:
        return recorded.error
    assert recorded.visit is not None  # noqa: S101  (no error means a visit)
    return recorded.visit.model_dump(mode="json")


def _note_create(principal: Principal, data: dict[str, Any], _: int | None) -> dict[str, Any]:
    note, _created = notes.record_note(principal, _parse(NoteCreate, data))
    return note.model_dump(mode="json")


def _account_create(principal: Principal, data: dict[str, Any], _: int | None) -> dict[str, Any]:
    account = accounts.create_account(principal, _offline_account(data))
    return account_queries.account_by_id(account.id).model_dump(mode="json")


def _account_create_batch(
    principal: Principal, batch: list[dict[str, Any]]
) -> list[dict[str, Any] | ApiError]:
    """account.create for a run of mutations at once: each one's entity, or why it failed."""
    parsed = _parse_each(batch, _offline_account)
    made = accounts.create_accounts(principal, [p for p in parsed if isinstance(p, AccountCreate)])
    shown = account_queries.accounts_by_ids([a.id for a in made if not isinstance(a, ApiError)])
    outcomes = iter(made)
    results: list[dict[str, Any] | ApiError] = []
    for item in parsed:
        outcome = item if isinstance(item, ApiError) else next(outcomes)
        results.append(outcome if isinstance(outcome, ApiError) else _dumped(shown[outcome.id]))
    return results


def _offline_account(data: dict[str, Any]) -> AccountCreate:
    created: AccountCreate = _made_offline(AccountCreate, data, "an account")
    return created


def _made_offline(schema: Any, data: dict[str, Any], what: str) -> Any:
    """The create's data parsed; 422 unless it names the id the device gave the new row."""
    created = _parse(schema, data)
    if created.id is None:
        raise invalid({"data.id": f"{what} made offline carries its own id"})
    return created


def _dumped(account: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = account.model_dump(mode="json")
    return dumped


def _versioned_update(
    schema: Any,
    update: Callable[[Principal, uuid.UUID, Any], dict[str, Any]],
    current: Callable[[Principal, uuid.UUID], dict[str, Any]],
) -> Handler:
    """An `<entity>.update` handler: data is `{"id", ...changed fields}`, base_version the
    version the device edited; a stale one is a conflict carrying the server's entity."""

    def handle(
        principal: Principal, data: dict[str, Any], base_version: int | None
    ) -> dict[str, Any]:
        fields = dict(data)
        entity_id = _entity_id(fields.pop("id", None))
        if base_version is not None:
            fields["version"] = base_version
        patch = _parse(schema, fields)
        try:
            return update(principal, entity_id, patch)
        except ApiError as error:
            if error.code == "conflict" and "version" in error.fields:
                raise StaleBase(current(principal, entity_id)) from None
            raise

    return handle


def _account_updated(principal: Principal, account_id: uuid.UUID, patch: Any) -> dict[str, Any]:
    account = accounts.update_account(principal, account_id, patch)
    return account_queries.account_by_id(account.id).model_dump(mode="json")


def _account_now(principal: Principal, account_id: uuid.UUID) -> dict[str, Any]:
    return account_queries.get_account(principal, account_id).model_dump(mode="json")


def _task_create(principal: Principal, data: dict[str, Any], _: int | None) -> dict[str, Any]:
    created: TaskCreate = _made_offline(TaskCreate, data, "a task")
    task, _created = tasks.create_task(principal, created)
    return task_queries.to_out(task).model_dump(mode="json")


def _task_updated(principal: Principal, task_id: uuid.UUID, patch: Any) -> dict[str, Any]:
    return task_queries.to_out(tasks.update_task(principal, task_id, patch)).model_dump(mode="json")


def _task_now(principal: Principal, task_id: uuid.UUID) -> dict[str, Any]:
    return task_queries.get_task(principal, task_id).model_dump(mode="json")


def _contact_create(principal: Principal, data: dict[str, Any], _: int | None) -> dict[str, Any]:
    created: ContactCreate = _made_offline(ContactCreate, data, "a contact")
    contact, _created = contacts.create_contact(principal, created)
    return contact_queries.to_out(contact).model_dump(mode="json")


def _contact_updated(principal: Principal, contact_id: uuid.UUID, patch: Any) -> dict[str, Any]:
    contact = contacts.update_contact(principal, contact_id, patch)
    return contact_queries.to_out(contact).model_dump(mode="json")


def _contact_now(principal: Principal, contact_id: uuid.UUID) -> dict[str, Any]:
    contact = contact_queries.load_contact_for_update(principal, contact_id)
    return contact_queries.to_out(contact).model_dump(mode="json")


def _contact_archive(principal: Principal, data: dict[str, Any], _: int | None) -> dict[str, Any]:
    """contact.archive: data is `{"id"}`; archiving is never stale, so no base_version."""
    archived: ContactArchive = _parse(ContactArchive, data)
    contact = contacts.archive_contact(principal, archived.id)
    return contact_queries.to_out(contact).model_dump(mode="json")


def _entity_id(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise invalid({"data.id": "the id of the entity to change, a UUID"}) from None


OPERATIONS: dict[str, Handler] = {
    "visit.create": _visit_create,
    "account.create": _account_create,
    "account.update": _versioned_update(AccountPatch, _account_updated, _account_now),
    "task.create": _task_create,
    "task.update": _versioned_update(TaskPatch, _task_updated, _task_now),
    "note.create": _note_create,
    "contact.create": _contact_create,
    "contact.update": _versioned_update(ContactPatch, _contact_updated, _contact_now),
    "contact.archive": _contact_archive,
}
# Ops whose consecutive mutations one call can apply together (a device's backlog of visits):
# each mutation still gets its own result, and nothing is written for one that fails.
BATCH_OPERATIONS: dict[str, BatchHandler] = {
    "visit.create": _visit_create_batch,
    "account.create": _account_create_batch,
}


def handler_for(op: str) -> Handler:
    """The handler of `op`, or ApiError (the mutation is then rejected, never retried)."""
    handler = OPERATIONS.get(op)
    if handler is not None:
        return handler
    raise ApiError(422, "unknown_op", f"unknown op {op!r}", {"op": "unknown"})
