"""Who may see which row: every id a request names is resolved here, by the rule of its GET.

Each business area registers its entities when its queries module is imported: the model, the
name its errors use ("account") and its role rule (which rows of the organisation a caller of
each role may see). The tenant condition is added here, so a rule cannot forget it. A reference
to a row the caller may not see is answered exactly as a row that does not exist: 404
`not_found` over HTTP, a `rejected` mutation with code `not_found` in a sync push.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, select, true

from server.core.auth import Principal
from server.core.errors import not_found
from server.core.tenancy import in_org
from server.extensions import db

Rule = Callable[[Principal], ColumnElement[bool]]


def whole_organisation(_: Principal) -> ColumnElement[bool]:
    """The rule of entities every member of the organisation may see (its users, say)."""
    return true()


@dataclass(frozen=True)
class Entity:
    """A registered entity: its model, its name in errors, its role rule."""

    model: Any
    name: str
    rule: Rule


_ENTITIES: dict[Any, Entity] = {}


def register(model: Any, name: str, rule: Rule = whole_organisation) -> None:
    """Make `model` resolvable by id; its rows are visible where `rule` holds (in the
    caller's organisation: that part is added here)."""
    known = _ENTITIES.get(model)
    if known is not None and known.rule is not rule:
        raise ValueError(f"{model.__name__} already has a visibility rule")
    _ENTITIES[model] = Entity(model, name, rule)


def entity(model: Any) -> Entity:
    """The registration of `model`, made by its area's queries module (imported here if no
    one has yet: core may not name the areas, so the module is found by convention)."""
    found = _ENTITIES.get(model)
    if found is None:
        queries = model.__module__.rpartition(".")[0] + ".queries"
        importlib.import_module(queries)
        found = _ENTITIES.get(model)
        if found is None:
            raise LookupError(f"{model.__name__} has no visibility rule: {queries} registers one")
    return found


def visible(model: Any, principal: Principal) -> ColumnElement[bool]:
    """The rows of `model` the caller may see: their organisation's, where the rule holds."""
    return and_(in_org(model, principal), entity(model).rule(principal))


def visible_ids(
    model: Any, principal: Principal, ids: Collection[uuid.UUID], *conditions: Any
) -> set[uuid.UUID]:
    """Which of `ids` name rows the caller may see (one query for the whole collection)."""
    if not ids:
        return set()
    query = select(model.id).where(model.id.in_(set(ids)), visible(model, principal), *conditions)
    return set(db.session.scalars(query))


def require_visible(model: Any, principal: Principal, entity_id: uuid.UUID) -> None:
    """Nothing when the caller may see the row `entity_id` names; else 404 not_found."""
    if not visible_ids(model, principal, [entity_id]):
        raise not_found(entity(model).name)


def load_visible(
    model: Any,
    principal: Principal,
    entity_id: uuid.UUID | str,
    *conditions: Any,
    for_update: bool = False,
) -> Any:
    """The row `entity_id` names if the caller may see it (and `conditions` hold), row-locked
    when `for_update`; else 404 not_found. Ids are UUIDs but for the few rows named by a text
    id the receiver of a webhook also sees (a delivery's `msg_...`)."""
    query = select(model).where(model.id == entity_id, visible(model, principal), *conditions)
    if for_update:
        query = query.with_for_update()
    found = db.session.scalar(query)
    if found is None:
        raise not_found(entity(model).name)
    return found
