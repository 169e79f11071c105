"""Account lists are serialised from plain data: the JSON must be what the models give."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from server.accounts.schemas import (
    ACCOUNT_LIST_JSON,
    ACCOUNT_MAP_JSON,
    AccountData,
    AccountList,
    AccountMap,
    AccountOut,
    Cluster,
)
from server.geo.geojson import Point


def _account(**changes: object) -> AccountData:
    data: AccountData = {
        "id": uuid.UUID("6f1c2a53-1b1e-4c43-9d3e-0f9a4f3b2c11"),
        "kind": "customer",
        "name": "Farmacia Nord „Ana”",
        "address": "Strada 1 nr. 2",
        "location": {"type": "Point", "coordinates": [26.1025, 44.435]},
        "geocode_status": "manual",
        "status": "active",
        "industry": "pharmacy",
        "phone": "+40 21 000 0000",
        "email": "ana@example.com",
        "owner_id": uuid.UUID("0b6e3f4c-4f0e-4a39-8f5b-7d2c1e9a8b77"),
        "territory_id": None,
        "tags": ["vip", "north"],
        "custom": {"floors": 2, "notes": ["a", None], "ratio": 0.5},
        "last_visit_at": datetime(2024, 5, 1, 9, 30, 15, 123456, tzinfo=UTC),
        "visit_every_days": 14,
        "created_at": datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
        "updated_at": datetime(2024, 6, 7, 8, 9, 10, 1, tzinfo=UTC),
        "version": 3,
        "distance_m": 1234.5678,
    }
    return {**data, **changes}  # type: ignore[typeddict-item]


def test_account_data_has_the_models_fields_when_compared_in_order():
    """Same names, same order: the JSON keys come out in the data's order."""
    assert list(AccountData.__annotations__) == list(AccountOut.model_fields)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {
            "distance_m": None,
            "location": None,
            "last_visit_at": None,
            "owner_id": None,
            "visit_every_days": None,
        },
        {"distance_m": 0.0, "custom": {}, "tags": [], "address": None, "email": None},
        {"distance_m": 3.2e-05},
    ],
)
def test_account_list_json_is_the_models_json_when_serialised_from_data(changes):
    """Byte for byte what AccountList gives, None fields and tiny floats included."""
    account = _account(**changes)
    model = AccountList(items=[AccountOut.model_validate(account)], next_cursor="abc")

    body = ACCOUNT_LIST_JSON.dump_json({"items": [account], "next_cursor": "abc"})

    assert body == model.model_dump_json().encode()


def test_account_map_json_is_the_models_json_when_it_holds_clusters_or_items():
    """Both branches of a map answer match AccountMap."""
    cluster = Cluster(location=Point.at(26.1, 44.4), count=7, bbox=[26.0, 44.3, 26.2, 44.5])
    account = _account(distance_m=None)

    clusters = ACCOUNT_MAP_JSON.dump_json({"clusters": [cluster], "items": [], "next_cursor": None})
    items = ACCOUNT_MAP_JSON.dump_json({"clusters": [], "items": [account], "next_cursor": "c"})

    assert clusters == AccountMap(clusters=[cluster], items=[]).model_dump_json().encode()
    expected = AccountMap(clusters=[], items=[AccountOut.model_validate(account)], next_cursor="c")
    assert items == expected.model_dump_json().encode()
