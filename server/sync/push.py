"""Push: apply a device's mutations exactly once and in order.

The client's row is locked first, so two pushes of one device (two tabs, a retry racing the
original) run one after the other. Each mutation runs in its own savepoint, except that a run of
consecutive visits goes through the batch handler in one savepoint: it decides every refusal
before it writes anything, and a database error in it sends the run back through a savepoint
per mutation. The ledger entries and the advanced counter are written in the same transaction
as the effects, so either all of them are stored or none is.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from server.core.auth import Principal
from server.core.clock import now_utc
from server.core.errors import ApiError
from server.core.transaction import savepoint
from server.extensions import db
from server.sync import seen
from server.sync.models import SyncClient, SyncMutation
from server.sync.registry import BATCH_OPERATIONS, StaleBase, handler_for
from server.sync.schemas import MutationError, MutationIn, MutationResult, PushOut


def lock_client(principal: Principal, client_id: uuid.UUID) -> SyncClient:
    """The device's row, created at its first push and locked until the transaction ends;
    403 when the id belongs to another user."""
    now = now_utc()
    db.session.execute(
        insert(SyncClient)
        .values(
            id=client_id,
            org_id=principal.org_id,
            user_id=principal.id,
            last_mutation_id=0,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["id"])
    )
    client: SyncClient = db.session.scalars(
        select(SyncClient)
        .where(SyncClient.id == client_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if client.user_id != principal.id:
        raise ApiError(403, "forbidden", "this client_id belongs to another user")
    return client


def push(principal: Principal, client_id: uuid.UUID, mutations: list[MutationIn]) -> PushOut:
    """Apply the mutations after the device's counter, in order, stopping at a gap."""
    client = lock_client(principal, client_id)
    duplicates, to_apply = _sort_out(mutations, client.last_mutation_id)
    applied: dict[int, MutationResult] = {}
    for run in _runs(to_apply):
        for result in _apply_run(principal, run):
            applied[result.id] = result
    ledger = [_ledger_entry(client, mutation, applied[mutation.id]) for mutation in to_apply]
    _advance(client, to_apply[-1].id if to_apply else client.last_mutation_id, ledger)
    seen.record_push(principal, client, now_utc())
    results = [
        MutationResult(id=mutation.id, status="duplicate") if duplicate else applied[mutation.id]
        for mutation, duplicate in duplicates
    ]
    return PushOut(last_mutation_id=client.last_mutation_id, results=results)


def _sort_out(
    mutations: list[MutationIn], last: int
) -> tuple[list[tuple[MutationIn, bool]], list[MutationIn]]:
    """Walk the batch as the protocol says: (each mutation answered, with True for a
    duplicate) up to the first gap, and the mutations to apply, in order."""
    answered: list[tuple[MutationIn, bool]] = []
    to_apply: list[MutationIn] = []
    for mutation in mutations:
        if mutation.id <= last:
            answered.append((mutation, True))
        elif mutation.id == last + 1:
            answered.append((mutation, False))
            to_apply.append(mutation)
            last = mutation.id
        else:
            break
    return answered, to_apply


def _runs(mutations: list[MutationIn]) -> list[list[MutationIn]]:
    """Consecutive mutations of one op, the unit a batch handler may take at once."""
    runs: list[list[MutationIn]] = []
    for mutation in mutations:
        if runs and runs[-1][0].op == mutation.op:
            runs[-1].append(mutation)
        else:
            runs.append([mutation])
    return runs


def _apply_run(principal: Principal, run: list[MutationIn]) -> list[MutationResult]:
    """A run through its op's batch handler in one savepoint when it has one, else (or when
    the batch hits a database error, to find which mutation) a savepoint per mutation."""
    batch = BATCH_OPERATIONS.get(run[0].op)
    if batch is not None and len(run) > 1 and not any(mutation.refused for mutation in run):
        try:
            with savepoint():
                outcomes = batch(principal, [mutation.data for mutation in run])
        except DBAPIError as error:
            if not refused_by_database(error):
                raise
        else:
            return [_result(m, o) for m, o in zip(run, outcomes, strict=True)]
    return [_apply(principal, mutation) for mutation in run]


def _result(mutation: MutationIn, outcome: dict[str, Any] | ApiError) -> MutationResult:
    if isinstance(outcome, ApiError):
        return _rejected(mutation, outcome.code, outcome.message, outcome.fields)
    return MutationResult(id=mutation.id, status="applied", entity=outcome)


def _apply(principal: Principal, mutation: MutationIn) -> MutationResult:
    """Run one mutation in a savepoint: applied, conflict (nothing changed) or rejected."""
    if mutation.refused:
        return _rejected(mutation, "validation_error", "cannot store the data", mutation.refused)
    try:
        with savepoint():
            entity = handler_for(mutation.op)(principal, mutation.data, mutation.base_version)
    except StaleBase as stale:
        return MutationResult(id=mutation.id, status="conflict", entity=stale.entity)
    except ApiError as error:
        return _rejected(mutation, error.code, error.message, error.fields)
    except IntegrityError:
        return _rejected(mutation, "conflict", "the mutation contradicts stored data", {})
    except DBAPIError as error:
        if not refused_by_database(error):
            raise
        return _rejected(mutation, "validation_error", "the database refused the data", {})
    return MutationResult(id=mutation.id, status="applied", entity=entity)


def refused_by_database(error: DBAPIError) -> bool:
    """True when the database refused what a mutation sent (a value out of range, say), so
    sending it again would fail again; False for a lost connection or another passing failure
    (OperationalError: a timeout, a serialisation failure), which a retry may get past."""
    return not error.connection_invalidated and not isinstance(error, OperationalError)


def _rejected(
    mutation: MutationIn, code: str, message: str, fields: dict[str, str]
) -> MutationResult:
    error = MutationError(code=code, message=message, fields=fields)
    return MutationResult(id=mutation.id, status="rejected", error=error)


def _ledger_entry(
    client: SyncClient, mutation: MutationIn, result: MutationResult
) -> dict[str, Any]:
    entity_id = (result.entity or {}).get("id") or mutation.data.get("id")
    return {
        "client_id": client.id,
        "mutation_id": mutation.id,
        "op": mutation.op,
        "status": result.status,
        "entity_id": _uuid_or_none(entity_id),
        "error": result.error.model_dump() if result.error else None,
        "made_at": mutation.at,
        "applied_at": now_utc(),
    }


def _advance(client: SyncClient, last: int, ledger: list[dict[str, Any]]) -> None:
    """The ledger entries and the advanced counter, written in the transaction of the effects
    (one statement for all entries: a row each would cost a round trip each)."""
    if not ledger:
        return
    client.last_mutation_id = last
    client.updated_at = now_utc()
    db.session.execute(insert(SyncMutation), ledger)
    db.session.flush()


def _uuid_or_none(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
