"""A small organisation built the way an outside client would: through the HTTP API.

The fuzz runs need users of every role, accounts, tasks, visits, notes and contacts to aim at;
they are made here with plain requests, so the seed itself goes through the same doors as the
fuzzer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

PASSWORD = "a long fuzz password 42"
# Accounts stand around Bucharest's centre, a few hundred metres apart.
CENTRE = (26.1025, 44.4268)


@dataclass(frozen=True)
class World:
    """Bearer tokens of one organisation's admin and one of its reps."""

    admin_token: str
    rep_token: str


class Client:
    """requests with a base URL and a bearer token; every answer must be what the seed expects."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        if token is not None:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def send(self, method: str, path: str, status: int, **kwargs: Any) -> Any:
        """Send one request, insist on `status` and return the JSON answer (None when empty)."""
        response = self.http.request(method, self.base_url + path, timeout=30, **kwargs)
        assert response.status_code == status, (method, path, response.text)
        return response.json() if response.content else None


def build_world(base_url: str, admin_email: str) -> World:
    """Log in as the organisation's first admin, add a manager, two reps and their work, and
    return bearer tokens for the admin and the first rep."""
    login = requests.Session()
    session = login.post(
        f"{base_url}/api/v1/auth/login",
        json={"email": admin_email, "password": PASSWORD},
        timeout=30,
    )
    assert session.status_code == 200, session.text
    minted = login.post(
        f"{base_url}/api/v1/api-tokens",
        json={"name": "fuzz admin"},
        headers={"X-CSRF-Token": session.json()["csrf_token"]},
        timeout=30,
    )
    assert minted.status_code == 201, minted.text
    admin = Client(base_url, minted.json()["token"])
    manager = _user(admin, "manager", None)
    reps = [_user(admin, "rep", manager) for _ in range(2)]
    for number, rep in enumerate(reps):
        _work(admin, rep, number)
    rep_token = admin.send(
        "POST", "/api/v1/api-tokens", 201, json={"name": "fuzz rep", "user_id": reps[0]}
    )
    return World(admin_token=minted.json()["token"], rep_token=rep_token["token"])


def _user(admin: Client, role: str, manager_id: str | None) -> str:
    body = {
        "email": f"{role}-{uuid.uuid4().hex[:8]}@example.com",
        "name": f"Fuzz {role}",
        "role": role,
        "password": PASSWORD,
        "manager_id": manager_id,
    }
    return str(admin.send("POST", "/api/v1/users", 201, json=body)["id"])


def _work(admin: Client, rep_id: str, number: int) -> None:
    """Three accounts of `rep_id`, each with a task, a visit, a note and a contact."""
    rep = Client(
        admin.base_url,
        admin.send("POST", "/api/v1/api-tokens", 201, json={"name": "seed", "user_id": rep_id})[
            "token"
        ],
    )
    now = datetime.now(UTC)
    for index in range(3):
        lng, lat = CENTRE[0] + 0.003 * index, CENTRE[1] + 0.003 * number
        account = rep.send(
            "POST",
            "/api/v1/accounts",
            201,
            json={
                "kind": "customer",
                "name": f"Shop {number}-{index}",
                "location": {"type": "Point", "coordinates": [lng, lat]},
                "tags": ["fuzz"],
            },
        )
        task = rep.send(
            "POST",
            "/api/v1/tasks",
            201,
            json={"title": f"Call shop {index}", "account_id": account["id"]},
        )
        rep.send(
            "POST",
            "/api/v1/visits",
            201,
            json={
                "id": str(uuid.uuid4()),
                "account_id": account["id"],
                "task_id": task["id"],
                "started_at": (now - timedelta(minutes=30)).isoformat(),
                "ended_at": (now - timedelta(minutes=10)).isoformat(),
                "location": {"type": "Point", "coordinates": [lng, lat]},
                "accuracy_m": 10,
                "outcome": "order",
            },
        )
        rep.send(
            "POST",
            "/api/v1/notes",
            201,
            json={
                "id": str(uuid.uuid4()),
                "account_id": account["id"],
                "body": "Likes the new range",
            },
        )
        rep.send(
            "POST",
            "/api/v1/contacts",
            201,
            json={
                "account_id": account["id"],
                "name": f"Owner {number}-{index}",
                "phones": ["+40 722 000 111"],
                "is_primary": True,
            },
        )
