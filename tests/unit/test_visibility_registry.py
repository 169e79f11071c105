"""Every entity a request can name has a visibility rule, and every rule keeps to the tenant."""

from __future__ import annotations

import uuid

import pytest

from server import models  # noqa: F401  (every table known to the metadata)
from server.core.auth import SystemPrincipal
from server.core.visibility import entity, register, visible
from server.extensions import db

# Tables no request names by id: sessions go by cookie, a device's row is checked against its
# user by the sync edge, and the audit log is written, never read through the API.
NOT_NAMED_BY_ID = {"user_sessions", "sync_clients", "audit_log"}


def _tenant_models() -> list[type]:
    return [
        mapper.class_
        for mapper in db.Model.registry.mappers
        if "org_id" in mapper.columns and mapper.local_table.name not in NOT_NAMED_BY_ID
    ]


def test_every_table_of_an_organisation_has_a_visibility_rule():
    """A new area's entity without a rule fails here (entity() imports the area's queries)."""
    names = {model.__tablename__: entity(model).name for model in _tenant_models()}

    assert set(names) >= {"accounts", "tasks", "visits", "notes", "users", "api_tokens"}


@pytest.mark.parametrize("role", ["admin", "manager", "rep"])
def test_every_rule_is_limited_to_the_callers_organisation(role):
    principal = SystemPrincipal(id=uuid.uuid4(), org_id=uuid.uuid4(), role=role)

    for model in _tenant_models():
        condition = visible(model, principal).compile()
        tenant = f"{model.__tablename__}.org_id = :org_id_1"

        assert str(condition).startswith(tenant), model
        assert condition.params["org_id_1"] == principal.org_id


def test_a_second_rule_for_one_entity_is_refused():
    account = next(m for m in _tenant_models() if m.__tablename__ == "accounts")

    with pytest.raises(ValueError, match="already has a visibility rule"):
        register(account, "account", lambda principal: visible(account, principal))
