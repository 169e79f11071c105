"""Every id a request names is resolved by the rule of its GET.

Ids of rows the caller may not see (another rep's, another team's, another organisation's)
answer 404 `not_found` over HTTP and `rejected` with `not_found` in a sync push, and change
nothing. ROUTES says how each route takes ids (path, body, query filters) and SYNC_OPS how
each sync op does; a route or op added without a row there fails the coverage tests, so a new
entity's references are walked as soon as it is served.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, text

from server.extensions import db
from server.sync.registry import BATCH_OPERATIONS, OPERATIONS
from tests.support.fixtures import PASSWORD, SHOP
from tests.sync.support import mutation, note_data, push, visit_data

NOT_FOUND = "not_found"  # 404 not_found
EMPTY = "empty"  # 200, a list with no item
EMPTY_CSV = "empty_csv"  # 200, a CSV with its header only
CONFLICT = "conflict"  # 409: a client-chosen new id already taken, nothing of it shown
INVALID = "invalid"  # 422: a CSV row naming what the caller cannot use
FORBIDDEN = "forbidden"  # 403: the id belongs to another user's device
NO_COUNTER = "no_counter"  # 200, the device counter of a client that is not the caller's: 0
ABSENT = "absent"  # 200, and the id appears nowhere in the answer

ALL_ROLES = frozenset({"admin", "manager", "rep"})
MANAGING = frozenset({"admin", "manager"})
ADMIN = frozenset({"admin"})
# Rows that change on any request (sessions, login bookkeeping) or that a push records by
# design (the device's counter and its ledger, rejections included).
NOT_COMPARED = {"user_sessions", "sync_clients", "sync_mutations"}


@dataclass(frozen=True)
class Own:
    """What the caller may use, to make the rest of a request valid: an account, a task, a
    user they may change (admins only), a sync client of their own and a territory of their
    organisation."""

    account: str
    task: str
    user: str
    client: str
    territory: str = ""


@dataclass(frozen=True)
class Call:
    """One request."""

    method: str
    path: str
    json: Any = None
    query: dict[str, Any] | None = None
    csv: str | None = None


@dataclass(frozen=True)
class Probe:
    """One place a route takes an id: which kind of foreign id goes there, and the answer."""

    kind: str
    call: Callable[[Own, str], Call]
    expect: str


@dataclass(frozen=True)
class Route:
    """How a route takes ids; callers of other roles get 403 whatever the id."""

    probes: tuple[Probe, ...]
    roles: frozenset[str] = ALL_ROLES


def _visit(account: str, **fields: Any) -> dict[str, Any]:
    return visit_data(account, **fields)


def _user(**fields: Any) -> dict[str, Any]:
    number = uuid.uuid4().hex[:8]
    return {
        "email": f"new{number}@example.com",
        "name": "New user",
        "role": "rep",
        "password": PASSWORD,
    } | fields


ACCOUNTS = "/api/v1/accounts"
TASKS = "/api/v1/tasks"
TERRITORIES = "/api/v1/territories"
USERS = "/api/v1/users"
SEGMENTS = "/api/v1/segments"
# The day the reps' rows of the world were made on (tests.sync.support.visit_data's).
DAY_1, DAY_2 = "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"
TODAY = {"from": DAY_1, "to": DAY_2}
SHOP_POINT = {"type": "Point", "coordinates": list(SHOP)}
AROUND_SHOP = {"center": {"type": "Point", "coordinates": list(SHOP)}, "radius_m": 50_000}
BBOX = "25.9,44.3,26.3,44.6"
CAMPAIGNS = "/api/v1/campaigns"
CONTACTS = "/api/v1/contacts"


def _contact(**fields: Any) -> dict[str, Any]:
    return {"name": "C"} | fields


def _campaign_route(method: str, tail: str, body: Any = None) -> Route:
    """A route of one campaign (managers and admins): another organisation's is not found."""
    return Route(
        (
            Probe(
                "campaign",
                lambda o, x: Call(method, f"{CAMPAIGNS}/{x}{tail}", body),
                NOT_FOUND,
            ),
        ),
        MANAGING,
    )


def _square(half: float) -> dict[str, Any]:
    """A Polygon: the square of `half` degrees around the shop."""
    lng, lat = SHOP
    ring = [
        [lng - half, lat - half],
        [lng + half, lat - half],
        [lng + half, lat + half],
        [lng - half, lat + half],
        [lng - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _territory(**fields: Any) -> dict[str, Any]:
    return {"name": "T", "area": _square(0.01)} | fields


def _features(rep_id: str) -> dict[str, Any]:
    feature = {"type": "Feature", "geometry": _square(0.01), "properties": {"name": "F"}}
    feature["properties"]["rep_ids"] = [rep_id]
    return {"type": "FeatureCollection", "features": [feature]}


ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/api/v1/accounts/<uuid:account_id>"): Route(
        (Probe("account", lambda o, x: Call("GET", f"{ACCOUNTS}/{x}"), NOT_FOUND),)
    ),
    ("PATCH", "/api/v1/accounts/<uuid:account_id>"): Route(
        (
            Probe(
                "account", lambda o, x: Call("PATCH", f"{ACCOUNTS}/{x}", {"name": "Z"}), NOT_FOUND
            ),
            Probe(
                "user",
                lambda o, x: Call("PATCH", f"{ACCOUNTS}/{o.account}", {"owner_id": x}),
                NOT_FOUND,
            ),
        )
    ),
    ("DELETE", "/api/v1/accounts/<uuid:account_id>"): Route(
        (Probe("account", lambda o, x: Call("DELETE", f"{ACCOUNTS}/{x}"), NOT_FOUND),), MANAGING
    ),
    ("POST", "/api/v1/accounts"): Route(
        (
            Probe(
                "user",
                lambda o, x: Call(
                    "POST", ACCOUNTS, {"kind": "customer", "name": "N", "owner_id": x}
                ),
                NOT_FOUND,
            ),
            Probe(
                "account",
                lambda o, x: Call("POST", ACCOUNTS, {"id": x, "kind": "customer", "name": "N"}),
                CONFLICT,
            ),
        )
    ),
    ("GET", "/api/v1/accounts"): Route(
        (
            Probe("owner", lambda o, x: Call("GET", ACCOUNTS, query={"owner_id": x}), EMPTY),
            Probe(
                "owner",
                lambda o, x: Call(
                    "GET", ACCOUNTS, query={"owner_id": x, "lng": SHOP[0], "lat": SHOP[1]}
                ),
                EMPTY,
            ),
            Probe(
                "owner",
                lambda o, x: Call("GET", ACCOUNTS, query={"owner_id": x, "bbox": BBOX}),
                EMPTY,
            ),
            Probe(
                "territory", lambda o, x: Call("GET", ACCOUNTS, query={"territory_id": x}), EMPTY
            ),
        )
    ),
    ("POST", "/api/v1/accounts/search"): Route(
        (
            Probe(
                "owner",
                lambda o, x: Call(
                    "POST", f"{ACCOUNTS}/search", {"area": AROUND_SHOP, "filters": {"owner_id": x}}
                ),
                EMPTY,
            ),
            Probe(
                "territory",
                lambda o, x: Call("POST", f"{ACCOUNTS}/search", {"area": {"territory_id": x}}),
                NOT_FOUND,
            ),
            Probe(
                "territory",
                lambda o, x: Call(
                    "POST",
                    f"{ACCOUNTS}/search",
                    {"area": AROUND_SHOP, "filters": {"territory_id": x}},
                ),
                EMPTY,
            ),
        )
    ),
    ("GET", "/api/v1/segments/<uuid:segment_id>"): Route(
        (Probe("segment", lambda o, x: Call("GET", f"{SEGMENTS}/{x}"), NOT_FOUND),)
    ),
    ("GET", "/api/v1/segments/<uuid:segment_id>/members"): Route(
        (Probe("segment", lambda o, x: Call("GET", f"{SEGMENTS}/{x}/members"), NOT_FOUND),)
    ),
    ("POST", "/api/v1/segments/<uuid:segment_id>/visit-frequency"): Route(
        (
            Probe(
                "segment",
                lambda o, x: Call(
                    "POST", f"{SEGMENTS}/{x}/visit-frequency", {"visit_every_days": 7}
                ),
                NOT_FOUND,
            ),
        ),
        MANAGING,
    ),
    ("PATCH", "/api/v1/segments/<uuid:segment_id>"): Route(
        (
            Probe(
                "segment", lambda o, x: Call("PATCH", f"{SEGMENTS}/{x}", {"name": "Z"}), NOT_FOUND
            ),
        ),
        MANAGING,
    ),
    ("DELETE", "/api/v1/segments/<uuid:segment_id>"): Route(
        (Probe("segment", lambda o, x: Call("DELETE", f"{SEGMENTS}/{x}"), NOT_FOUND),), MANAGING
    ),
    ("POST", "/api/v1/segments"): Route(
        (
            Probe(
                "territory",
                lambda o, x: Call("POST", SEGMENTS, {"name": "S", "area": {"territory_id": x}}),
                NOT_FOUND,
            ),
            Probe("segment", lambda o, x: Call("POST", SEGMENTS, {"id": x, "name": "S"}), CONFLICT),
        ),
        MANAGING,
    ),
    ("POST", TERRITORIES): Route(
        (
            Probe(
                "user", lambda o, x: Call("POST", TERRITORIES, _territory(rep_ids=[x])), NOT_FOUND
            ),
        ),
        MANAGING,
    ),
    ("GET", "/api/v1/territories/<uuid:territory_id>"): Route(
        (Probe("territory", lambda o, x: Call("GET", f"{TERRITORIES}/{x}"), NOT_FOUND),)
    ),
    ("PATCH", "/api/v1/territories/<uuid:territory_id>"): Route(
        (
            Probe(
                "territory",
                lambda o, x: Call("PATCH", f"{TERRITORIES}/{x}", {"name": "Z"}),
                NOT_FOUND,
            ),
            Probe(
                "user",
                lambda o, x: Call("PATCH", f"{TERRITORIES}/{o.territory}", {"rep_ids": [x]}),
                NOT_FOUND,
            ),
        ),
        MANAGING,
    ),
    ("DELETE", "/api/v1/territories/<uuid:territory_id>"): Route(
        (Probe("territory", lambda o, x: Call("DELETE", f"{TERRITORIES}/{x}"), NOT_FOUND),),
        MANAGING,
    ),
    # Lists that name no id: what the caller may not see is never in them.
    ("GET", "/api/v1/territories/overlaps"): Route(
        (Probe("account", lambda o, x: Call("GET", f"{TERRITORIES}/overlaps"), ABSENT),)
    ),
    ("GET", "/api/v1/territories/gaps"): Route(
        (
            Probe(
                "account",
                lambda o, x: Call("GET", f"{TERRITORIES}/gaps", query={"bbox": BBOX}),
                ABSENT,
            ),
        )
    ),
    ("GET", "/api/v1/territories/export.geojson"): Route(
        (Probe("territory", lambda o, x: Call("GET", f"{TERRITORIES}/export.geojson"), ABSENT),)
    ),
    ("POST", "/api/v1/territories/import"): Route(
        (
            Probe(
                "user",
                lambda o, x: Call("POST", f"{TERRITORIES}/import", _features(x)),
                INVALID,
            ),
        ),
        MANAGING,
    ),
    ("POST", "/api/v1/accounts/import"): Route(
        (
            Probe(
                "user_email",
                lambda o, x: Call(
                    "POST", f"{ACCOUNTS}/import", csv=f"kind,name,owner_email\ncustomer,N,{x}\n"
                ),
                INVALID,
            ),
            Probe(
                "account",
                lambda o, x: Call(
                    "POST", f"{ACCOUNTS}/import", csv=f"id,kind,name\n{x},customer,N\n"
                ),
                INVALID,
            ),
        ),
        MANAGING,
    ),
    ("GET", "/api/v1/accounts/export.csv"): Route(
        (
            Probe(
                "owner",
                lambda o, x: Call("GET", f"{ACCOUNTS}/export.csv", query={"owner_id": x}),
                EMPTY_CSV,
            ),
        )
    ),
    ("POST", "/api/v1/visits"): Route(
        (
            Probe("account", lambda o, x: Call("POST", "/api/v1/visits", _visit(x)), NOT_FOUND),
            Probe(
                "task",
                lambda o, x: Call("POST", "/api/v1/visits", _visit(o.account, task_id=x)),
                NOT_FOUND,
            ),
            Probe(
                "visit",
                lambda o, x: Call("POST", "/api/v1/visits", _visit(o.account, id=x)),
                CONFLICT,
            ),
        )
    ),
    ("GET", "/api/v1/visits"): Route(
        (
            Probe(
                "account",
                lambda o, x: Call("GET", "/api/v1/visits", query={"account_id": x}),
                EMPTY,
            ),
            Probe("owner", lambda o, x: Call("GET", "/api/v1/visits", query={"user_id": x}), EMPTY),
            Probe(
                "owner",
                lambda o, x: Call(
                    "GET", "/api/v1/visits", query={"user_id": x, "since": DAY_1, "until": DAY_2}
                ),
                EMPTY,
            ),
        )
    ),
    ("POST", "/api/v1/notes"): Route(
        (
            Probe("account", lambda o, x: Call("POST", "/api/v1/notes", note_data(x)), NOT_FOUND),
            Probe(
                "note",
                lambda o, x: Call("POST", "/api/v1/notes", note_data(o.account, id=x)),
                CONFLICT,
            ),
        )
    ),
    ("GET", "/api/v1/notes"): Route(
        (
            Probe(
                "account", lambda o, x: Call("GET", "/api/v1/notes", query={"account_id": x}), EMPTY
            ),
            Probe(
                "owner", lambda o, x: Call("GET", "/api/v1/notes", query={"author_id": x}), EMPTY
            ),
        )
    ),
    ("GET", "/api/v1/accounts/<uuid:account_id>/contacts"): Route(
        (Probe("account", lambda o, x: Call("GET", f"{ACCOUNTS}/{x}/contacts"), NOT_FOUND),)
    ),
    ("GET", CONTACTS): Route(
        (Probe("account", lambda o, x: Call("GET", CONTACTS, query={"account_id": x}), EMPTY),)
    ),
    ("POST", CONTACTS): Route(
        (
            Probe(
                "account", lambda o, x: Call("POST", CONTACTS, _contact(account_id=x)), NOT_FOUND
            ),
            Probe(
                "contact",
                lambda o, x: Call("POST", CONTACTS, _contact(id=x, account_id=o.account)),
                CONFLICT,
            ),
        )
    ),
    ("GET", "/api/v1/contacts/<uuid:contact_id>"): Route(
        (Probe("contact", lambda o, x: Call("GET", f"{CONTACTS}/{x}"), NOT_FOUND),)
    ),
    ("PATCH", "/api/v1/contacts/<uuid:contact_id>"): Route(
        (Probe("contact", lambda o, x: Call("PATCH", f"{CONTACTS}/{x}", {"name": "Z"}), NOT_FOUND),)
    ),
    ("DELETE", "/api/v1/contacts/<uuid:contact_id>"): Route(
        (Probe("contact", lambda o, x: Call("DELETE", f"{CONTACTS}/{x}"), NOT_FOUND),)
    ),
    ("POST", "/api/v1/tasks"): Route(
        (
            Probe(
                "account",
                lambda o, x: Call("POST", TASKS, {"title": "T", "account_id": x}),
                NOT_FOUND,
            ),
            Probe(
                "user",
                lambda o, x: Call("POST", TASKS, {"title": "T", "assignee_id": x}),
                NOT_FOUND,
            ),
            Probe("task", lambda o, x: Call("POST", TASKS, {"id": x, "title": "T"}), CONFLICT),
        )
    ),
    ("GET", "/api/v1/tasks"): Route(
        (
            Probe("owner", lambda o, x: Call("GET", TASKS, query={"assignee": x}), EMPTY),
            Probe("account", lambda o, x: Call("GET", TASKS, query={"account_id": x}), EMPTY),
        )
    ),
    ("GET", "/api/v1/tasks/<uuid:task_id>"): Route(
        (Probe("task", lambda o, x: Call("GET", f"{TASKS}/{x}"), NOT_FOUND),)
    ),
    ("PATCH", "/api/v1/tasks/<uuid:task_id>"): Route(
        (
            Probe("task", lambda o, x: Call("PATCH", f"{TASKS}/{x}", {"title": "Z"}), NOT_FOUND),
            Probe(
                "account",
                lambda o, x: Call("PATCH", f"{TASKS}/{o.task}", {"account_id": x}),
                NOT_FOUND,
            ),
            Probe(
                "user",
                lambda o, x: Call("PATCH", f"{TASKS}/{o.task}", {"assignee_id": x}),
                NOT_FOUND,
            ),
        )
    ),
    ("GET", "/api/v1/users/<uuid:user_id>"): Route(
        (Probe("user", lambda o, x: Call("GET", f"{USERS}/{x}"), NOT_FOUND),)
    ),
    ("PATCH", "/api/v1/users/<uuid:user_id>"): Route(
        (
            Probe("user", lambda o, x: Call("PATCH", f"{USERS}/{x}", {"name": "Z"}), NOT_FOUND),
            Probe(
                "user",
                lambda o, x: Call("PATCH", f"{USERS}/{o.user}", {"manager_id": x}),
                NOT_FOUND,
            ),
        ),
        ADMIN,
    ),
    ("POST", "/api/v1/users"): Route(
        (
            Probe("user", lambda o, x: Call("POST", USERS, _user(manager_id=x)), NOT_FOUND),
            Probe("user", lambda o, x: Call("POST", USERS, _user(id=x)), CONFLICT),
        ),
        ADMIN,
    ),
    ("POST", "/api/v1/api-tokens"): Route(
        (
            Probe(
                "user",
                lambda o, x: Call("POST", "/api/v1/api-tokens", {"name": "T", "user_id": x}),
                NOT_FOUND,
            ),
        ),
        ADMIN,
    ),
    ("DELETE", "/api/v1/api-tokens/<uuid:token_id>"): Route(
        (Probe("api_token", lambda o, x: Call("DELETE", f"/api/v1/api-tokens/{x}"), NOT_FOUND),),
        ADMIN,
    ),
    ("POST", CAMPAIGNS): Route(
        (
            Probe(
                "segment",
                lambda o, x: Call("POST", CAMPAIGNS, {"name": "C", "segment_id": x}),
                NOT_FOUND,
            ),
            Probe(
                "territory",
                lambda o, x: Call("POST", CAMPAIGNS, {"name": "C", "area": {"territory_id": x}}),
                NOT_FOUND,
            ),
            Probe(
                "campaign",
                lambda o, x: Call("POST", CAMPAIGNS, {"id": x, "name": "C", "area": AROUND_SHOP}),
                CONFLICT,
            ),
        ),
        MANAGING,
    ),
    ("POST", f"{CAMPAIGNS}/audience-preview"): Route(
        (
            Probe(
                "owner",
                lambda o, x: Call(
                    "POST",
                    f"{CAMPAIGNS}/audience-preview",
                    {"area": AROUND_SHOP, "filters": {"owner_id": x}, "bbox": BBOX},
                ),
                EMPTY,
            ),
            Probe(
                "segment",
                lambda o, x: Call("POST", f"{CAMPAIGNS}/audience-preview", {"segment_id": x}),
                NOT_FOUND,
            ),
            Probe(
                "territory",
                lambda o, x: Call(
                    "POST", f"{CAMPAIGNS}/audience-preview", {"area": {"territory_id": x}}
                ),
                NOT_FOUND,
            ),
        ),
        MANAGING,
    ),
    ("GET", f"{CAMPAIGNS}/<uuid:campaign_id>"): Route(
        (Probe("campaign", lambda o, x: Call("GET", f"{CAMPAIGNS}/{x}"), NOT_FOUND),)
    ),
    ("PATCH", f"{CAMPAIGNS}/<uuid:campaign_id>"): _campaign_route("PATCH", "", {"name": "Z"}),
    ("GET", f"{CAMPAIGNS}/<uuid:campaign_id>/audience"): _campaign_route("GET", "/audience"),
    ("POST", f"{CAMPAIGNS}/<uuid:campaign_id>/launch"): _campaign_route(
        "POST", "/launch", {"assignment": "owner"}
    ),
    ("GET", f"{CAMPAIGNS}/<uuid:campaign_id>/refresh"): _campaign_route("GET", "/refresh"),
    ("POST", f"{CAMPAIGNS}/<uuid:campaign_id>/refresh"): _campaign_route("POST", "/refresh"),
    ("GET", f"{CAMPAIGNS}/<uuid:campaign_id>/stats"): _campaign_route("GET", "/stats"),
    ("GET", f"{CAMPAIGNS}/<uuid:campaign_id>/targets"): _campaign_route("GET", "/targets"),
    ("GET", f"{CAMPAIGNS}/<uuid:campaign_id>/audience.csv"): _campaign_route(
        "GET", "/audience.csv"
    ),
    ("POST", f"{CAMPAIGNS}/<uuid:campaign_id>/audience/deliveries"): _campaign_route(
        "POST", "/audience/deliveries", {"url": "http://127.0.0.1:9/hook"}
    ),
    # A stop of a plan is resolved like GET /accounts/{id}; windows and service times may
    # name only the plan's stops (the ids are checked before them).
    ("POST", "/api/v1/routes/plan"): Route(
        (
            Probe(
                "account",
                lambda o, x: Call(
                    "POST", "/api/v1/routes/plan", {"start": SHOP_POINT, "stops": [o.account, x]}
                ),
                NOT_FOUND,
            ),
        )
    ),
    ("GET", f"{CAMPAIGNS}/<uuid:campaign_id>/audience/deliveries/<string:delivery_id>"): (
        _campaign_route("GET", f"/audience/deliveries/msg_{'0' * 32}")
    ),
    # A team's day names no id: the reps the caller may not see are never in it.
    ("GET", "/api/v1/team/day"): Route(
        (Probe("owner", lambda o, x: Call("GET", "/api/v1/team/day", query=TODAY), ABSENT),),
        MANAGING,
    ),
    # The ops a push carries are walked by test_sync_op_*; here, the device id it names.
    ("POST", "/api/v1/sync/push"): Route(
        (
            Probe(
                "client",
                lambda o, x: Call(
                    "POST",
                    "/api/v1/sync/push",
                    {
                        "client_id": x,
                        "mutations": [mutation(1, "note.create", note_data(o.account))],
                    },
                ),
                FORBIDDEN,
            ),
        )
    ),
    ("GET", "/api/v1/sync/pull"): Route(
        (
            Probe(
                "client",
                lambda o, x: Call("GET", "/api/v1/sync/pull", query={"client_id": x}),
                NO_COUNTER,
            ),
        )
    ),
}

# Routes that take no id at all.
ID_LESS = {
    ("GET", "/healthz"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/auth/me"),
    ("PATCH", "/api/v1/auth/me"),
    ("GET", "/api/v1/users"),
    ("GET", "/api/v1/campaigns"),
    ("GET", "/api/v1/campaigns/signing-secret"),
    ("GET", "/api/v1/segments"),
    ("POST", "/api/v1/routes/plan-week"),
    ("GET", TERRITORIES),
    ("GET", "/api/v1/api-tokens"),
    ("GET", "/api/v1/sync/checksum"),
    ("GET", "/api/v1/geocode/reverse"),
    ("GET", "/api/v1/geocode/search"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/config"),
    ("GET", "/sw.js"),
    ("GET", "/manifest.webmanifest"),
    ("GET", "/assets/<path:filename>"),
    ("GET", "/icons/<path:filename>"),
    ("GET", "/<client_route:route>"),
    ("GET", "/index.html"),
    ("GET", "/"),
}


@dataclass(frozen=True)
class SyncProbe:
    """One place a sync op takes an id: the mutation data, and the rejection's error code."""

    kind: str
    data: Callable[[Own, str], dict[str, Any]]
    code: str


SYNC_OPS: dict[str, tuple[SyncProbe, ...]] = {
    "visit.create": (
        SyncProbe("account", lambda o, x: _visit(x), NOT_FOUND),
        SyncProbe("task", lambda o, x: _visit(o.account, task_id=x), NOT_FOUND),
        SyncProbe("visit", lambda o, x: _visit(o.account, id=x), CONFLICT),
    ),
    "account.create": (
        SyncProbe(
            "user",
            lambda o, x: {"id": str(uuid.uuid4()), "kind": "customer", "name": "N", "owner_id": x},
            NOT_FOUND,
        ),
        SyncProbe("account", lambda o, x: {"id": x, "kind": "customer", "name": "N"}, CONFLICT),
    ),
    "account.update": (
        SyncProbe("account", lambda o, x: {"id": x, "name": "Z"}, NOT_FOUND),
        SyncProbe("user", lambda o, x: {"id": o.account, "owner_id": x}, NOT_FOUND),
    ),
    "task.create": (
        SyncProbe(
            "account",
            lambda o, x: {"id": str(uuid.uuid4()), "title": "T", "account_id": x},
            NOT_FOUND,
        ),
        SyncProbe(
            "user",
            lambda o, x: {"id": str(uuid.uuid4()), "title": "T", "assignee_id": x},
            NOT_FOUND,
        ),
        SyncProbe("task", lambda o, x: {"id": x, "title": "T"}, CONFLICT),
    ),
    "task.update": (
        SyncProbe("task", lambda o, x: {"id": x, "title": "Z"}, NOT_FOUND),
        SyncProbe("account", lambda o, x: {"id": o.task, "account_id": x}, NOT_FOUND),
        SyncProbe("user", lambda o, x: {"id": o.task, "assignee_id": x}, NOT_FOUND),
    ),
    "note.create": (
        SyncProbe("account", lambda o, x: note_data(x), NOT_FOUND),
        SyncProbe("note", lambda o, x: note_data(o.account, id=x), CONFLICT),
    ),
    "contact.create": (
        SyncProbe("account", lambda o, x: _contact(id=str(uuid.uuid4()), account_id=x), NOT_FOUND),
        SyncProbe("contact", lambda o, x: _contact(id=x, account_id=o.account), CONFLICT),
    ),
    "contact.update": (SyncProbe("contact", lambda o, x: {"id": x, "name": "Z"}, NOT_FOUND),),
    "contact.archive": (SyncProbe("contact", lambda o, x: {"id": x}, NOT_FOUND),),
}


@dataclass
class World:
    """One organisation (admin; manager A with rep A1; manager B with rep A2) and a second
    organisation, each rep with an account, a task, a visit, a note, a contact and a device."""

    callers: dict[str, Any] = field(default_factory=dict)  # role -> logged-in client
    own: dict[str, Own] = field(default_factory=dict)  # role -> what that caller may use
    # role -> the sets of ids that caller may not see, kind -> id
    foreign: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def _created(response: Any) -> str:
    assert response.status_code in (200, 201), response.json
    return str(response.json["id"])


def _rep_rows(api: Any, account_id: uuid.UUID) -> dict[str, str]:
    """A task, a visit, a note and a contact of the rep `api` is logged in as on their account,
    and a device of theirs that pushed once."""
    account = str(account_id)
    task = _created(api.post(TASKS, json={"title": "Own", "account_id": account}))
    visit = _created(api.post("/api/v1/visits", json=_visit(account, task_id=task)))
    client = str(uuid.uuid4())
    answer = push(api, client, [mutation(1, "note.create", note_data(account))])
    assert answer.json["results"][0]["status"] == "applied", answer.json
    note = answer.json["results"][0]["entity"]["id"]
    contact = _created(api.post(CONTACTS, json=_contact(account_id=account)))
    return {
        "account": account,
        "task": task,
        "visit": visit,
        "note": note,
        "contact": contact,
        "client": client,
    }


def _own(api: Any, account: str, changeable_user: Any, territory: str) -> Own:
    task = _created(api.post(TASKS, json={"title": "Own", "account_id": account}))
    return Own(account, task, str(changeable_user.id), str(uuid.uuid4()), territory)


@pytest.fixture
def world(app, org, make_org, make_user, make_account, logged_in) -> World:
    admin = make_user(org, role="admin")
    manager_a = make_user(org, role="manager")
    manager_b = make_user(org, role="manager")
    rep_a1 = make_user(org, manager_id=manager_a.id)
    rep_a2 = make_user(org, manager_id=manager_b.id)
    other = make_org()
    rep_x = make_user(other)
    admin_x = make_user(other, role="admin")

    team_b = _rep_rows(logged_in(rep_a2), make_account(org, *SHOP, owner_id=rep_a2.id))
    team_b["owner"] = str(rep_a2.id)
    elsewhere = _rep_rows(logged_in(rep_x), make_account(other, *SHOP, owner_id=rep_x.id))
    admin_x_api = logged_in(admin_x)
    token = admin_x_api.post("/api/v1/api-tokens", json={"name": "X"})
    segment = logged_in(admin_x).post(SEGMENTS, json={"name": "X", "filters": {"kind": "prospect"}})
    elsewhere |= {
        "owner": str(rep_x.id),
        "user": str(rep_x.id),
        "user_email": rep_x.email,
        "api_token": _created(token),
        "territory": _created(admin_x_api.post(TERRITORIES, json=_territory())),
        "campaign": _created(
            logged_in(admin_x).post(CAMPAIGNS, json={"name": "Theirs", "area": AROUND_SHOP})
        ),
        "segment": _created(segment),
    }

    # Two overlapping territories over the shop: the other team's account sits in both, and
    # the overlaps a manager or rep of team A lists must not name it.
    admin_api = logged_in(admin)
    territory = _created(admin_api.post(TERRITORIES, json=_territory()))
    _created(admin_api.post(TERRITORIES, json=_territory(area=_square(0.02))))

    made = World()
    for role, user in (("rep", rep_a1), ("manager", manager_a), ("admin", admin)):
        api = made.callers[role] = logged_in(user)
        account = make_account(org, *SHOP, owner_id=user.id)
        made.own[role] = _own(api, str(account), rep_a1, territory)
    made.foreign = {
        "rep": [team_b, elsewhere],
        "manager": [team_b, elsewhere],
        "admin": [elsewhere],
    }
    return made


def snapshot(app: Flask) -> dict[str, tuple[int, str]]:
    """Per table, its row count and a digest of every row's content."""
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables if t.name not in NOT_COMPARED]
        return {
            name: tuple(
                db.session.execute(
                    text(
                        f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' "  # noqa: S608
                        f"ORDER BY t::text), '')) FROM {name} t"
                    )
                ).one()
            )
            for name in tables
        }


def send(api: Any, call: Call) -> Any:
    """Make the request `call` describes."""
    if call.csv is not None:
        return api.post(call.path, data=call.csv, content_type="text/csv")
    if call.method == "GET":
        return api.get(call.path, query_string=call.query)
    sender = getattr(api, call.method.lower())
    return sender(call.path, json=call.json, query_string=call.query)


def answer_problem(response: Any, expect: str, foreign_id: str = "") -> str | None:
    """What is wrong with `response` for the expectation, or None."""
    body = response.get_json(silent=True) or {}
    code = (body.get("error") or {}).get("code")
    wanted = {
        NOT_FOUND: response.status_code == 404 and code == "not_found",
        CONFLICT: response.status_code == 409 and code == "conflict" and set(body) == {"error"},
        INVALID: response.status_code == 422 and code == "validation_error",
        FORBIDDEN: response.status_code == 403 and code == "forbidden",
        EMPTY: response.status_code == 200 and body.get("items") == [] and not body.get("clusters"),
        EMPTY_CSV: response.status_code == 200
        and len(response.get_data(as_text=True).splitlines()) == 1,
        NO_COUNTER: response.status_code == 200 and body.get("last_mutation_id") == 0,
        ABSENT: response.status_code == 200
        and bool(foreign_id)
        and foreign_id not in response.get_data(as_text=True),
    }[expect]
    return None if wanted else f"{response.status_code} {body}"


def walk_routes(app: Flask, world: World, role: str) -> list[str]:
    """Every probe of every route as `role` with each set of ids it may not see: the problems."""
    api, own = world.callers[role], world.own[role]
    problems = []
    for (method, rule), route in ROUTES.items():
        expect_for_role = None if role in route.roles else FORBIDDEN
        for foreign in world.foreign[role]:
            for probe in route.probes:
                if probe.kind not in foreign:
                    continue
                before = snapshot(app)
                response = send(api, probe.call(own, foreign[probe.kind]))
                expect = expect_for_role or probe.expect
                problem = answer_problem(response, expect, foreign[probe.kind])
                if snapshot(app) != before:
                    problem = f"{problem or ''} and the database changed"
                if problem:
                    problems.append(f"{method} {rule} [{probe.kind}]: {problem}")
    return problems


def test_route_table_covers_every_route_of_the_app(app):
    """A route added without saying how it takes ids fails here."""
    served = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    assert served - set(ROUTES) - ID_LESS == set()
    assert set(ROUTES) | ID_LESS <= served


def test_sync_table_covers_every_sync_op():
    """An op added without saying how it takes ids fails here."""
    assert set(SYNC_OPS) == set(OPERATIONS)
    assert set(BATCH_OPERATIONS) <= set(OPERATIONS)


@pytest.mark.parametrize("role", ["rep", "manager", "admin"])
def test_every_route_answers_ids_the_caller_may_not_see_as_absent_and_changes_nothing(
    app, world, role
):
    assert walk_routes(app, world, role) == []


def _rejections(response: Any) -> list[tuple[str | None, str | None]]:
    assert response.status_code == 200, response.json
    return [
        (result["status"], (result.get("error") or {}).get("code"))
        for result in response.json["results"]
    ]


@pytest.mark.parametrize("role", ["rep", "manager", "admin"])
def test_every_sync_op_rejects_ids_the_caller_may_not_see_and_changes_nothing(app, world, role):
    """Each mutation alone, then all of them in one push (a run of visits goes through the
    batch path): every one `rejected` with its code, nothing stored."""
    api, own = world.callers[role], world.own[role]
    before = snapshot(app)
    for foreign in world.foreign[role]:
        probes = [
            (op, probe)
            for op, items in SYNC_OPS.items()
            for probe in items
            if probe.kind in foreign
        ]
        made = [(op, probe.data(own, foreign[probe.kind])) for op, probe in probes]
        expected = [("rejected", probe.code) for _, probe in probes]
        alone = [
            _rejections(push(api, uuid.uuid4(), [mutation(1, op, data)]))[0] for op, data in made
        ]
        together = push(api, uuid.uuid4(), [mutation(n, *m) for n, m in enumerate(made, 1)])

        assert alone == expected
        assert _rejections(together) == expected
    assert snapshot(app) == before


# The reported reproductions, one by one.


@pytest.fixture
def hidden_account(org, make_user, make_account):
    """An account of another rep of the organisation, at the shop."""
    return make_account(org, *SHOP, owner_id=make_user(org).id)


def _account_row(app: Flask, account_id: Any) -> Any:
    with app.app_context():
        return db.session.execute(
            text("SELECT last_visit_at, version FROM accounts WHERE id = :id"), {"id": account_id}
        ).one()


def _count(app: Flask, table: str) -> int:
    with app.app_context():
        return int(db.session.scalar(text(f"SELECT count(*) FROM {table}")))  # noqa: S608


def test_visit_on_another_reps_account_answers_404_without_distance_when_the_rep_cannot_see_it(
    app, rep_api, hidden_account
):
    assert rep_api.get(f"{ACCOUNTS}/{hidden_account}").status_code == 404

    response = rep_api.post("/api/v1/visits", json=_visit(hidden_account))

    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert "distance_m" not in response.json
    assert _count(app, "visits") == 0
    assert _account_row(app, hidden_account).last_visit_at is None


def test_note_on_another_reps_account_answers_404_when_the_rep_cannot_see_it(
    app, rep_api, hidden_account
):
    response = rep_api.post("/api/v1/notes", json=note_data(hidden_account))

    assert response.status_code == 404
    assert _count(app, "notes") == 0


def test_visit_naming_another_reps_task_answers_404_when_the_rep_cannot_see_the_task(
    app, org, make_user, make_account, logged_in, rep_api, shop
):
    other = make_user(org)
    other_account = make_account(org, *SHOP, owner_id=other.id)
    task = logged_in(other).post(TASKS, json={"title": "Theirs", "account_id": str(other_account)})

    response = rep_api.post("/api/v1/visits", json=_visit(shop, task_id=task.json["id"]))

    assert response.status_code == 404
    assert response.json["error"]["message"] == "task not found"
    assert _count(app, "visits") == 0
    assert _account_row(app, shop).last_visit_at is None


def test_visit_naming_an_unknown_task_answers_404(app, rep_api, shop):
    response = rep_api.post("/api/v1/visits", json=_visit(shop, task_id=str(uuid.uuid4())))

    assert response.status_code == 404
    assert _count(app, "visits") == 0


def test_visit_naming_the_reps_own_task_is_stored(rep_api, shop):
    task = rep_api.post(TASKS, json={"title": "Mine", "account_id": str(shop)}).json

    response = rep_api.post("/api/v1/visits", json=_visit(shop, task_id=task["id"]))

    assert response.status_code == 201
    assert response.json["task_id"] == task["id"]


def test_task_on_another_reps_account_answers_as_its_get_when_the_rep_cannot_see_it(
    app, rep_api, hidden_account
):
    read = rep_api.get(f"{ACCOUNTS}/{hidden_account}")

    response = rep_api.post(TASKS, json={"title": "T", "account_id": str(hidden_account)})

    assert (response.status_code, response.json) == (read.status_code, read.json)
    assert _count(app, "tasks") == 0


def test_manager_cannot_point_a_task_at_another_teams_account(
    app, org, make_user, make_account, logged_in
):
    manager = make_user(org, role="manager")
    elsewhere = make_account(org, *SHOP, owner_id=make_user(org).id)

    response = logged_in(manager).post(TASKS, json={"title": "T", "account_id": str(elsewhere)})

    assert response.status_code == 404
    assert _count(app, "tasks") == 0


def test_push_goes_on_after_a_visit_on_an_account_the_rep_cannot_see(
    app, rep_api, shop, hidden_account
):
    """The backlog path: the refused visit changes nothing, the next one is stored."""
    batch = [
        mutation(1, "visit.create", _visit(hidden_account)),
        mutation(2, "visit.create", _visit(shop)),
    ]

    response = push(rep_api, uuid.uuid4(), batch)

    assert _rejections(response) == [("rejected", "not_found"), ("applied", None)]
    assert response.json["last_mutation_id"] == 2
    assert _account_row(app, hidden_account).last_visit_at is None
    assert _count(app, "visits") == 1


def test_visit_and_note_still_name_an_archived_account_of_the_rep(
    app, org, rep, make_account, rep_api
):
    """Archiving is not hiding: what the rep did offline before the archive is kept."""
    archived = make_account(org, *SHOP, owner_id=rep.id, archived_at=datetime.now(UTC))

    visit = rep_api.post("/api/v1/visits", json=_visit(archived))
    note = rep_api.post("/api/v1/notes", json=note_data(archived))

    assert (visit.status_code, note.status_code) == (201, 201)
    assert rep_api.get(f"{ACCOUNTS}/{archived}").status_code == 404


def test_a_backlog_of_visits_checks_its_accounts_and_tasks_in_one_query_each(app, rep_api, shop):
    tasks = [
        rep_api.post(TASKS, json={"title": f"T{n}", "account_id": str(shop)}).json["id"]
        for n in range(20)
    ]
    batch = [
        mutation(n, "visit.create", _visit(shop, task_id=task)) for n, task in enumerate(tasks, 1)
    ]
    statements: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", capture)
    try:
        response = push(rep_api, uuid.uuid4(), batch)
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", capture)

    assert {r["status"] for r in response.json["results"]} == {"applied"}
    reads = [s for s in statements if s.lstrip().startswith("SELECT")]
    assert len([s for s in reads if "FROM tasks" in s]) == 1
    assert len([s for s in reads if "FROM accounts" in s]) == 1
