"""Writing territories: create, change, delete, import; managers and admins only.

A change of area re-assigns the accounts it concerns (territories.assignment): in the request
when they are few, else in a background job. A change of reps changes what those reps see with
no account row changing, so their sync epochs are bumped (their devices download again).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select

from server.core.auth import Principal
from server.core.clock import new_id, now_utc
from server.core.errors import ApiError, conflict, invalid, not_found
from server.core.events import queue_event, sync_poke
from server.core.visibility import load_visible, visible
from server.extensions import db
from server.geo.assignment import area_to_store
from server.territories.assignment import reassign_leaving, reassign_or_queue, rep_ids_of
from server.territories.models import Territory, TerritoryRep
from server.territories.schemas import (
    FeatureCollection,
    TerritoryCreate,
    TerritoryPatch,
    as_multipolygon,
)
from server.users.models import User
from server.users.operations import bump_sync_epochs

MANAGING_ROLES = ("admin", "manager")


def _require_managing(principal: Principal) -> None:
    if principal.role not in MANAGING_ROLES:
        raise ApiError(403, "forbidden", "only admins and managers change territories")


def _reps_problem(principal: Principal, rep_ids: Sequence[uuid.UUID]) -> tuple[bool, bool]:
    """(some id names no user the caller may see, some user is not an active rep)."""
    if not rep_ids:
        return False, False
    query = select(User.id, User.role, User.is_active).where(
        User.id.in_(set(rep_ids)), visible(User, principal)
    )
    found = {row.id: row for row in db.session.execute(query)}
    missing = any(rep_id not in found for rep_id in rep_ids)
    not_reps = any(row.role != "rep" or not row.is_active for row in found.values())
    return missing, not_reps


def _check_reps(principal: Principal, rep_ids: Sequence[uuid.UUID]) -> None:
    """404 when an id names no user the caller may see; 422 when one is not an active rep."""
    missing, not_reps = _reps_problem(principal, rep_ids)
    if missing:
        raise not_found("user")
    if not_reps:
        raise invalid({"rep_ids": "every rep of a territory is an active user with role rep"})


def create_territory(principal: Principal, data: TerritoryCreate) -> Territory:
    """A new territory of the caller's organisation; the accounts it covers are assigned to it
    (unless an older territory covers them)."""
    _require_managing(principal)
    _check_reps(principal, data.rep_ids)
    return _new_territory(principal, data)


def _new_territory(principal: Principal, data: TerritoryCreate) -> Territory:
    now = now_utc()
    territory = Territory(
        id=new_id(),
        org_id=principal.org_id,
        name=data.name.strip(),
        area=area_to_store(as_multipolygon(data.area)),
        created_at=now,
        updated_at=now,
        version=1,
        assignment_state="done",
        assignment_done=0,
        assignment_total=0,
    )
    db.session.add(territory)
    db.session.flush()
    reps = dict.fromkeys(data.rep_ids)
    db.session.add_all(TerritoryRep(territory_id=territory.id, user_id=rep) for rep in reps)
    # Its reps gain only the accounts assigned to it from now on: those rows change, so the
    # next pull brings them; nothing to restart.
    reassign_or_queue(principal, territory)
    db.session.flush()
    db.session.expire(territory, ["area"])
    return territory


def update_territory(
    principal: Principal, territory_id: uuid.UUID, patch: TerritoryPatch
) -> Territory:
    """Change the fields sent; 409 when `version` is stale. A new area re-assigns accounts; new
    or removed reps download their working set again."""
    _require_managing(principal)
    territory: Territory = load_visible(Territory, principal, territory_id, for_update=True)
    if patch.version is not None and patch.version != territory.version:
        raise conflict(
            "the territory changed since you read it",
            {"version": f"current is {territory.version}"},
        )
    if patch.rep_ids is not None:
        _replace_reps(principal, territory, patch.rep_ids)
    if patch.name is not None:
        territory.name = patch.name.strip()
    if patch.area is not None:
        territory.area = area_to_store(as_multipolygon(patch.area))
    territory.updated_at = now_utc()
    territory.version += 1
    db.session.flush()
    if patch.area is not None:
        reassign_or_queue(principal, territory)
        db.session.flush()
        db.session.expire(territory, ["area"])
    return territory


def _replace_reps(principal: Principal, territory: Territory, rep_ids: list[uuid.UUID]) -> None:
    current = set(rep_ids_of([territory.id]))
    wanted = set(rep_ids)
    added, removed = wanted - current, current - wanted
    _check_reps(principal, [rep for rep in rep_ids if rep in added])
    if removed:
        db.session.execute(
            delete(TerritoryRep).where(
                TerritoryRep.territory_id == territory.id, TerritoryRep.user_id.in_(removed)
            )
        )
    db.session.add_all(TerritoryRep(territory_id=territory.id, user_id=rep) for rep in added)
    # Their working sets change with no account row changing: a tombstone cannot tell a removed
    # rep, nor a pull bring an added rep, the territory's accounts.
    bump_sync_epochs(added | removed)
    if added or removed:
        queue_event(db.session(), sync_poke(principal.org_id, *(added | removed)))


def delete_territory(principal: Principal, territory_id: uuid.UUID) -> None:
    """Delete a territory: its accounts go to the next oldest territory covering them, or to
    none; its reps lose them."""
    _require_managing(principal)
    territory: Territory = load_visible(Territory, principal, territory_id, for_update=True)
    reassign_leaving(principal, territory.id)
    db.session.delete(territory)
    db.session.flush()


def import_territories(principal: Principal, collection: FeatureCollection) -> list[Territory]:
    """One territory per feature, in order, or none: a feature naming a user who is not an
    active rep of the organisation is a 422 naming that feature."""
    _require_managing(principal)
    problems: dict[str, str] = {}
    for index, feature in enumerate(collection.features):
        missing, not_reps = _reps_problem(principal, feature.properties.rep_ids)
        if missing or not_reps:
            problems[f"features.{index}.properties.rep_ids"] = (
                "every rep of a territory is an active user of the organisation with role rep"
            )
    if problems:
        raise invalid(problems, "some features cannot be imported")
    return [
        _new_territory(
            principal,
            TerritoryCreate.model_construct(
                name=feature.properties.name,
                area=feature.geometry,
                rep_ids=feature.properties.rep_ids,
            ),
        )
        for feature in collection.features
    ]
