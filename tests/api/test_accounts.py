"""The Accounts section of the contract: CRUD, versions, archive, filters, paging, errors."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

from tests.support.races import race_with_uncommitted

BUCHAREST = {"type": "Point", "coordinates": [26.1025, 44.4268]}


@pytest.fixture
def admin_api(org, make_user, logged_in):
    return logged_in(make_user(org, role="admin"))


def _create(api, **fields):
    body = {"kind": "customer", "name": "Farmacia Nord", "location": BUCHAREST} | fields
    return api.post("/api/v1/accounts", json=body)


def test_create_returns_201_with_every_field_when_body_is_valid(admin_api):
    """POST /accounts stores the account and answers it in full."""
    response = _create(admin_api, tags=["chain", "chain", "key-account"], custom={"tier": "A"})

    assert response.status_code == 201
    body = response.json
    assert body["location"] == BUCHAREST
    assert body["geocode_status"] == "manual"
    assert body["status"] == "active"
    assert body["tags"] == ["chain", "key-account"]
    assert body["custom"] == {"tier": "A"}
    assert body["version"] == 1
    assert set(body) >= {"id", "territory_id", "last_visit_at", "created_at", "updated_at"}


def test_create_keeps_client_chosen_id_when_given(admin_api):
    """A client may choose the id of what it creates (offline creation needs it)."""
    chosen = str(uuid.uuid4())

    response = _create(admin_api, id=chosen)

    assert response.status_code == 201
    assert response.json["id"] == chosen
    assert admin_api.get(f"/api/v1/accounts/{chosen}").status_code == 200


def test_create_answers_409_when_id_already_used(admin_api):
    """Reusing an id is a conflict, and the stored account is untouched."""
    first = _create(admin_api, name="Original").json

    response = _create(admin_api, id=first["id"], name="Impostor")

    assert response.status_code == 409
    assert admin_api.get(f"/api/v1/accounts/{first['id']}").json["name"] == "Original"


def test_prospect_gets_status_new_when_no_status_given(admin_api):
    """Each kind starts in its own first status."""
    response = _create(admin_api, kind="prospect")

    assert response.json["status"] == "new"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "customer"}, "name"),
        ({"kind": "lead", "name": "X"}, "kind"),
        ({"kind": "customer", "name": "X", "colour": "red"}, "colour"),
        ({"kind": "customer", "name": 5}, "name"),
        ({"kind": "customer", "name": "X", "tags": "a,b"}, "tags"),
        (
            {
                "kind": "customer",
                "name": "X",
                "location": {"type": "Point", "coordinates": [200, 10]},
            },
            "location.coordinates",
        ),
        (
            {
                "kind": "customer",
                "name": "X",
                "location": {"type": "Point", "coordinates": [10, -91]},
            },
            "location.coordinates",
        ),
        (
            {
                "kind": "customer",
                "name": "X",
                "location": {"type": "Point", "coordinates": ["10", "20"]},
            },
            "location.coordinates.0",
        ),
        (
            {"kind": "customer", "name": "X", "location": {"type": "Point", "coordinates": [10]}},
            "location.coordinates",
        ),
        ({"kind": "customer", "name": "X", "email": "not-an-email"}, "email"),
        ({"kind": "customer", "name": "X", "owner_id": "nope"}, "owner_id"),
        ({"kind": "customer", "name": "X", "status": "sleeping"}, "status"),
        ({"kind": "customer", "name": "nul\u0000byte"}, "name"),
        ({"kind": "customer", "name": "X", "custom": {"k\u0000": 1}}, "custom"),
    ],
)
def test_create_answers_422_naming_the_field_when_input_is_invalid(admin_api, body, field):
    """Every kind of bad input is a 422 whose fields name the culprit; nothing is stored."""
    response = admin_api.post("/api/v1/accounts", json=body)

    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    assert any(name.startswith(field) for name in response.json["error"]["fields"])
    assert admin_api.get("/api/v1/accounts").json["items"] == []


def test_create_answers_400_when_json_is_malformed(admin_api):
    """Broken JSON is a 400 with the error envelope."""
    response = admin_api.post(
        "/api/v1/accounts", data='{"kind": "customer",', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json["error"]["code"] == "malformed_json"


def test_create_answers_404_when_owner_is_in_another_organisation(admin_api, make_org, make_user):
    """An owner must be a user of the caller's organisation: another one's is not found."""
    stranger = make_user(make_org())

    response = _create(admin_api, owner_id=str(stranger.id))

    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_patch_changes_sent_fields_and_bumps_version_when_version_is_current(admin_api):
    """PATCH with the current version applies and increments it."""
    account = _create(admin_api).json

    response = admin_api.patch(
        f"/api/v1/accounts/{account['id']}", json={"status": "at_risk", "version": 1}
    )

    assert response.status_code == 200
    assert response.json["status"] == "at_risk"
    assert response.json["name"] == account["name"]
    assert response.json["version"] == 2


def test_patch_answers_409_and_changes_nothing_when_version_is_stale(admin_api):
    """A stale version is a conflict; the stored account keeps the newer change."""
    account = _create(admin_api).json
    admin_api.patch(f"/api/v1/accounts/{account['id']}", json={"name": "First edit", "version": 1})

    response = admin_api.patch(
        f"/api/v1/accounts/{account['id']}", json={"name": "Second edit", "version": 1}
    )

    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"
    assert admin_api.get(f"/api/v1/accounts/{account['id']}").json["name"] == "First edit"


def test_patch_answers_422_when_a_required_field_is_nulled(admin_api):
    """name cannot be removed."""
    account = _create(admin_api).json

    response = admin_api.patch(f"/api/v1/accounts/{account['id']}", json={"name": None})

    assert response.status_code == 422


def test_patch_moves_account_and_marks_it_manual_when_location_sent(admin_api):
    """A new location replaces the old one."""
    account = _create(admin_api).json
    moved = {"type": "Point", "coordinates": [23.6, 46.77]}

    response = admin_api.patch(f"/api/v1/accounts/{account['id']}", json={"location": moved})

    assert response.json["location"] == moved
    assert response.json["geocode_status"] == "manual"


def test_delete_archives_and_hides_account_from_every_list_when_admin(admin_api):
    """DELETE archives: the account leaves lists, nearby, bbox and search, and answers 404."""
    account = _create(admin_api).json

    response = admin_api.delete(f"/api/v1/accounts/{account['id']}")

    assert response.status_code == 204
    assert admin_api.get(f"/api/v1/accounts/{account['id']}").status_code == 404
    assert admin_api.get("/api/v1/accounts").json["items"] == []
    assert admin_api.get("/api/v1/accounts?lat=44.4&lng=26.1").json["items"] == []
    assert admin_api.get("/api/v1/accounts?bbox=26,44,27,45").json["items"] == []
    area = {"center": BUCHAREST, "radius_m": 1000}
    assert admin_api.post("/api/v1/accounts/search", json={"area": area}).json["items"] == []


def test_delete_answers_403_when_caller_is_a_rep(org, make_user, make_account, logged_in):
    """Reps cannot archive accounts, even their own."""
    rep = make_user(org)
    account_id = make_account(org, 26.1, 44.4, owner_id=rep.id)

    response = logged_in(rep).delete(f"/api/v1/accounts/{account_id}")

    assert response.status_code == 403


def test_every_account_endpoint_answers_404_when_id_belongs_to_another_organisation(
    admin_api, make_org, make_account
):
    """Another organisation's ids look exactly like ids that don't exist."""
    foreign = make_account(make_org(), 26.1, 44.4)
    path = f"/api/v1/accounts/{foreign}"

    responses = [
        admin_api.get(path),
        admin_api.patch(path, json={"name": "Mine now"}),
        admin_api.delete(path),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert all(response.json["error"]["code"] == "not_found" for response in responses)


def test_lists_never_show_another_organisations_accounts(admin_api, make_org, make_account):
    """Plain list, nearby, bbox and area search are all tenant-scoped."""
    make_account(make_org(), 26.1025, 44.4268, name="Foreign")

    lists = [
        admin_api.get("/api/v1/accounts"),
        admin_api.get("/api/v1/accounts?lat=44.4268&lng=26.1025&radius_m=1000"),
        admin_api.get("/api/v1/accounts?bbox=26,44,27,45"),
        admin_api.post(
            "/api/v1/accounts/search", json={"area": {"center": BUCHAREST, "radius_m": 1000}}
        ),
    ]

    assert [response.json["items"] for response in lists] == [[], [], [], []]


def test_rep_sees_only_own_accounts_when_listing(org, make_user, make_account, logged_in):
    """A rep's lists hold the accounts they own and nothing else."""
    rep, other_rep = make_user(org), make_user(org)
    mine = make_account(org, 26.1, 44.4, owner_id=rep.id)
    make_account(org, 26.1, 44.4, owner_id=other_rep.id)
    make_account(org, 26.1, 44.4)

    response = logged_in(rep).get("/api/v1/accounts")

    assert [item["id"] for item in response.json["items"]] == [str(mine)]


def test_manager_sees_team_and_unowned_accounts_when_listing(
    org, make_user, make_account, logged_in
):
    """A manager sees their reps' accounts, their own and unowned ones, not other teams'."""
    manager, other_manager = make_user(org, role="manager"), make_user(org, role="manager")
    team_rep = make_user(org, manager_id=manager.id)
    other_rep = make_user(org, manager_id=other_manager.id)
    visible = {
        make_account(org, owner_id=team_rep.id),
        make_account(org, owner_id=manager.id),
        make_account(org),
    }
    make_account(org, owner_id=other_rep.id)

    response = logged_in(manager).get("/api/v1/accounts")

    assert {uuid.UUID(item["id"]) for item in response.json["items"]} == visible


def test_rep_cannot_read_a_colleagues_account_when_asking_by_id(
    org, make_user, make_account, logged_in
):
    """Invisible accounts answer 404, like absent ones."""
    rep, other_rep = make_user(org), make_user(org)
    theirs = make_account(org, owner_id=other_rep.id)

    response = logged_in(rep).get(f"/api/v1/accounts/{theirs}")

    assert response.status_code == 404


def test_rep_owns_accounts_they_create(org, make_user, logged_in):
    """A rep's new account is theirs without saying so."""
    rep = make_user(org)

    response = _create(logged_in(rep))

    assert response.json["owner_id"] == str(rep.id)


def test_plain_list_pages_cover_every_account_once_when_following_cursors(
    admin_api, org, make_account
):
    """Following next_cursor visits each account exactly once, in name order."""
    ids = {make_account(org, name=f"Shop {n:02d}") for n in range(7)}
    seen, cursor = [], None

    while True:
        query = "/api/v1/accounts?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = admin_api.get(query).json
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert {uuid.UUID(item["id"]) for item in seen} == ids
    assert len(seen) == 7
    assert [item["name"] for item in seen] == sorted(item["name"] for item in seen)


def _cursor(*values):
    """A cursor as a client would forge it: base64 JSON carrying `values`, unsigned (JSON
    escapes kept, so NULs and lone surrogates reach the server as a tampering client sends
    them). Cursors the server signed go through `_signed` below."""
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=501",
        "limit=ten",
        "cursor=%%%",
        "cursor=WzFd",
        "cursor=" + _cursor("shop\u0000", str(uuid.UUID(int=1))),
        "cursor=" + _cursor("shop\ud800", str(uuid.UUID(int=1))),
        "radius_m=10",
        "lat=10",
        "lat=10&lng=20&radius_m=0",
        "lat=10&lng=20&radius_m=-5",
        "lat=10&lng=20&radius_m=500001",
        "lat=nan&lng=20",
        "lat=10&lng=inf",
        "bbox=1,2,3",
        "bbox=a,b,c,d",
        "bbox=0,10,1,5",
        "bbox=0,0,1,1&lat=1&lng=1",
        "zoom=5",
        "bbox=0,0,1,1&zoom=40",
        "kind=lead",
        "not_visited_days=-1",
        "q=%00",
        "unknown=1",
        "owner_id=xyz",
    ],
)
def test_list_answers_4xx_envelope_when_query_is_invalid(admin_api, query):
    """Bad query strings are refused with a clear error, never a 500."""
    response = admin_api.get(f"/api/v1/accounts?{query}")

    assert response.status_code in (400, 422)
    assert set(response.json["error"]) == {"code", "message", "fields"}


def test_filters_combine_when_several_are_given(admin_api, org, make_account):
    """kind, status, industry, tag, q and owner filters narrow together."""
    wanted = make_account(
        org,
        26.1,
        44.4,
        name="Farmacia Dona",
        kind="customer",
        status="active",
        industry="pharmacy",
        tags=["chain", "key-account"],
    )
    make_account(
        org,
        26.1,
        44.4,
        name="Farmacia Tei",
        kind="prospect",
        status="new",
        industry="pharmacy",
        tags=["chain"],
    )
    make_account(
        org,
        26.1,
        44.4,
        name="Farmacia Catena",
        kind="customer",
        status="active",
        industry="pharmacy",
        tags=[],
    )
    make_account(
        org,
        26.1,
        44.4,
        name="Brutaria Dona",
        kind="customer",
        status="active",
        industry="bakery",
        tags=["chain"],
    )

    response = admin_api.get(
        "/api/v1/accounts?kind=customer&status=active&industry=pharmacy&tag=chain&q=dona"
    )

    assert [item["id"] for item in response.json["items"]] == [str(wanted)]


def test_q_matches_address_and_treats_wildcards_literally(admin_api, org, make_account):
    """q searches name and address; % and _ are plain characters."""
    by_address = make_account(org, name="Alpha", address="Calea Victoriei 12")
    make_account(org, name="100 percent", address="Strada Lipscani 3")

    assert [i["id"] for i in admin_api.get("/api/v1/accounts?q=victoriei").json["items"]] == [
        str(by_address)
    ]
    assert admin_api.get("/api/v1/accounts?q=%25").json["items"] == []


def test_not_visited_days_keeps_never_and_long_ago_visited_accounts(admin_api, org, make_account):
    """not_visited_days=N lists accounts not visited in the last N days."""
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    never = make_account(org, name="A never")
    old = make_account(org, name="B old", last_visit_at=now - timedelta(days=90))
    make_account(org, name="C recent", last_visit_at=now - timedelta(days=3))

    response = admin_api.get("/api/v1/accounts?not_visited_days=60")

    assert [item["id"] for item in response.json["items"]] == [str(never), str(old)]


def test_list_answers_401_when_not_logged_in(client):
    """Accounts need a login."""
    response = client.get("/api/v1/accounts")

    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


# Input the database could not store: refused up front, never a 500


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('"custom": {"a": NaN}', "custom.a"),
        ('"custom": {"a": [1, Infinity]}', "custom.a.1"),
        ('"custom": {"a": -Infinity}', "custom.a"),
        ('"custom": {"a": 1e400}', "custom.a"),
        ('"custom": {"a": "x\\u0000y"}', "custom.a"),
        ('"custom": {"\\ud800": 1}', "custom"),
        ('"custom": {"a": {"b": "\\udc00"}}', "custom.a.b"),
        ('"address": "Strada \\ud83d"', "address"),
    ],
)
def test_create_answers_422_naming_the_field_when_a_value_cannot_be_stored(admin_api, body, field):
    """NaN, the infinities, NUL and lone surrogates: PostgreSQL refuses them in jsonb and text."""
    raw = '{"kind": "customer", "name": "Farmacia Nord", ' + body + "}"

    response = admin_api.post("/api/v1/accounts", data=raw, content_type="application/json")

    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == [field]
    assert admin_api.get("/api/v1/accounts").json["items"] == []


def test_update_answers_422_when_custom_holds_nan(admin_api):
    """The same refusal on PATCH: one strict parser for every JSON body."""
    account = _create(admin_api).json

    response = admin_api.patch(
        f"/api/v1/accounts/{account['id']}",
        data='{"custom": {"score": NaN}}',
        content_type="application/json",
    )

    assert response.status_code == 422
    assert "custom.score" in response.json["error"]["fields"]


def _signed(app, *values):
    """A cursor the server itself made (so its values reach the checks behind the signature)."""
    from server.core.pagination import encode_cursor

    with app.app_context():
        return encode_cursor(list(values))


@pytest.mark.parametrize(
    ("where", "values"),
    [
        ("", ("shop\u0000", str(uuid.UUID(int=1)))),
        ("", ("shop\ud800", str(uuid.UUID(int=1)))),
        ("", (10**30, str(uuid.UUID(int=1)))),
        ("lat=44.4&lng=26.1&", (10**30, str(uuid.UUID(int=1)))),
        ("lat=44.4&lng=26.1&", (10**400, str(uuid.UUID(int=1)))),
        ("lat=44.4&lng=26.1&", (float("inf"), str(uuid.UUID(int=1)))),
        ("lat=44.4&lng=26.1&", (True, str(uuid.UUID(int=1)))),
        ("bbox=26,44,27,45&", (10**30,)),
    ],
)
def test_list_answers_400_when_a_cursor_holds_a_value_no_key_can_take(
    app, admin_api, make_account, org, where, values
):
    """Even a cursor with a valid signature is checked: a huge integer is a 400, not a 500."""
    make_account(org, 26.1, 44.4)

    response = admin_api.get(f"/api/v1/accounts?{where}cursor={_signed(app, *values)}")

    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_cursor"


def test_list_answers_400_when_the_cursor_was_not_signed_by_the_server(
    admin_api, org, make_account
):
    """A cursor is signed: one built by a client (the old unsigned form) is refused."""
    for n in range(3):
        make_account(org, name=f"Shop {n}")
    cursor = admin_api.get("/api/v1/accounts?limit=1").json["next_cursor"]
    payload = cursor.split(".")[0]

    for forged in (payload, _cursor("Shop 0", str(uuid.UUID(int=1))), payload + ".AAAA"):
        response = admin_api.get(f"/api/v1/accounts?limit=1&cursor={forged}")

        assert response.status_code == 400
        assert response.json["error"]["code"] == "invalid_cursor"


def test_search_answers_400_when_the_body_cursor_was_tampered_with(admin_api, org, make_account):
    """The cursor in a search body is signed like any other."""
    for n in range(3):
        make_account(org, 26.1, 44.4, name=f"Shop {n}")
    body = {"area": {"center": BUCHAREST, "radius_m": 50000}, "limit": 1}
    cursor = admin_api.post("/api/v1/accounts/search", json=body).json["next_cursor"]
    signature = cursor.split(".")[1]
    tampered = _cursor("Shop 9", str(uuid.UUID(int=1))) + "." + signature

    response = admin_api.post("/api/v1/accounts/search", json=body | {"cursor": tampered})

    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_cursor"


def test_concurrent_creates_with_one_client_chosen_id_answer_201_and_409(
    admin_api, org, database_url
):
    """The second of two creates racing with one id waits for the first, then is a conflict."""
    chosen = uuid.uuid4()
    first = (
        "INSERT INTO accounts (id, org_id, kind, name, geocode_status, status, created_at, "
        "updated_at, version) VALUES (%s, %s, 'customer', 'First', 'failed', 'active', now(), "
        "now(), 1)"
    )

    response = race_with_uncommitted(
        database_url, first, (chosen, org.id), lambda: _create(admin_api, id=str(chosen))
    )

    assert response.status_code == 409
    assert response.json["error"]["fields"] == {"id": "already in use"}
    assert admin_api.get(f"/api/v1/accounts/{chosen}").json["name"] == "First"


@pytest.mark.parametrize("kind", [{}, [], 7, None])
def test_search_answers_422_naming_the_area_when_its_type_is_not_a_string(admin_api, kind):
    """An area's `type` that is an object (found by fuzzing) once raised inside the area
    discriminator and answered 500."""
    area = {"type": kind, "coordinates": [[[]]]}

    response = admin_api.post("/api/v1/accounts/search", json={"area": area})

    assert response.status_code == 422
    assert "area" in response.json["error"]["fields"]
