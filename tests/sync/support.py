"""Building sync requests in tests: mutations, pushes and full pulls."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from typing import Any

from tests.support.fixtures import SHOP

__all__ = [
    "SHOP",
    "contact_data",
    "expected_checksum",
    "mutation",
    "note_data",
    "pull_all",
    "push",
    "visit_data",
]


def expected_checksum(rows: Iterable[tuple[Any, int]]) -> str:
    """The checksum hash the contract defines for (id, version) rows, computed here on its own:
    the sum mod 2^64 of the first 8 bytes (big-endian) of sha256("id:version"), 16 hex digits."""
    total = sum(
        int.from_bytes(hashlib.sha256(f"{str(i).lower()}:{v}".encode()).digest()[:8], "big")
        for i, v in rows
    )
    return f"{total % 2**64:016x}"


def visit_data(account_id: Any, **fields: Any) -> dict[str, Any]:
    """The data of a visit.create mutation at the shop."""
    return {
        "id": str(uuid.uuid4()),
        "account_id": str(account_id),
        "started_at": "2026-12-01T09:30:00Z",
        "location": {"type": "Point", "coordinates": list(SHOP)},
        "accuracy_m": 10.0,
        "outcome": "met",
        "notes": "",
    } | fields


def note_data(account_id: Any, **fields: Any) -> dict[str, Any]:
    """The data of a note.create mutation (and the body of POST /notes) on the account."""
    return {
        "id": str(uuid.uuid4()),
        "account_id": str(account_id),
        "body": "Owner wants the spring catalogue",
        "written_at": "2026-12-01T09:30:00Z",
    } | fields


def contact_data(account_id: Any, **fields: Any) -> dict[str, Any]:
    """The data of a contact.create mutation (and the body of POST /contacts) on the
    account."""
    return {
        "id": str(uuid.uuid4()),
        "account_id": str(account_id),
        "name": "Ioana Marin",
        "title": "Buyer",
        "phones": ["+40 21 555 0101"],
        "emails": ["ioana@example.com"],
        "language": "ro",
    } | fields


def mutation(number: int, op: str, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """One outbox entry."""
    return {"id": number, "op": op, "data": data, "at": "2026-12-01T09:31:00Z"} | extra


def push(api: Any, client_id: Any, mutations: list[dict[str, Any]]) -> Any:
    """POST /sync/push and return the response."""
    return api.post("/api/v1/sync/push", json={"client_id": str(client_id), "mutations": mutations})


def pull_all(
    api: Any, cursor: str | None = None, limit: int = 500, **params: Any
) -> tuple[list[dict[str, Any]], str]:
    """Every page of changes after `cursor`: (changes, the cursor to continue from)."""
    changes: list[dict[str, Any]] = []
    while True:
        query = {"limit": limit, **params} | ({"cursor": cursor} if cursor else {})
        response = api.get("/api/v1/sync/pull", query_string=query)
        assert response.status_code == 200, response.json
        changes += response.json["changes"]
        cursor = response.json["cursor"]
        if not response.json["has_more"]:
            return changes, cursor
