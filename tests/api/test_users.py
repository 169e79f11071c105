"""Users: admins add and change them; roles are enforced; organisations never mix."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from server.core.pagination import encode_cursor
from server.extensions import db
from server.users.models import User

USERS = "/api/v1/users"


@pytest.fixture
def admin(org, make_user):
    return make_user(org, role="admin")


@pytest.fixture
def admin_api(admin, logged_in):
    return logged_in(admin)


def _new_user(**fields):
    return {
        "email": "rep@example.com",
        "name": "Rep",
        "role": "rep",
        "password": "a fine passphrase",
    } | fields


# Any JSON value, leaning on the awkward ones: NUL bytes, odd letters, huge numbers, nesting.
ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=6,
)
USER_FIELDS = ["id", "email", "name", "role", "password", "manager_id", "is_active", "version"]
# Each test runs many examples against the same app; the examples are fixed so runs repeat.
FUZZ = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _cursor(values):
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


# Adding users


def test_admin_adds_a_rep_reporting_to_a_manager_when_the_input_is_valid(admin_api, org, make_user):
    """POST /users answers 201 with the new user of the admin's organisation; no password shown."""
    manager = make_user(org, role="manager")

    response = admin_api.post(USERS, json=_new_user(manager_id=str(manager.id)))

    assert response.status_code == 201
    body = response.json
    assert (body["email"], body["name"], body["role"]) == ("rep@example.com", "Rep", "rep")
    assert (body["org_id"], body["manager_id"]) == (str(org.id), str(manager.id))
    assert "password" not in body and "password_hash" not in body


def test_added_user_can_log_in_when_created(admin_api, new_client):
    """The password given at creation is the one that works."""
    admin_api.post(USERS, json=_new_user())

    response = new_client().login("rep@example.com", "a fine passphrase")

    assert response.status_code == 200


def test_stored_password_is_an_argon2id_hash_when_a_user_is_added(app, admin_api):
    """Passwords set through the API are hashed with argon2id."""
    admin_api.post(USERS, json=_new_user())

    with app.app_context():
        stored = db.session.scalar(
            select(User.password_hash).where(User.email == "rep@example.com")
        )

    assert stored.startswith("$argon2id$")
    assert "a fine passphrase" not in stored


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("q7#kd!2", False),
        ("q7#kd!2z", True),
        ("x" * 128, True),
        ("x" * 129, False),
        ("password123", False),
        ("PassWord123", False),
        ("é" * 8, True),
    ],
)
def test_password_rules_apply_when_adding_a_user(admin_api, password, accepted):
    """8 to 128 characters, and not a common password (422 with fields.password)."""
    response = admin_api.post(USERS, json=_new_user(password=password))

    assert response.status_code == (201 if accepted else 422)
    if not accepted:
        assert response.json["error"]["code"] == "validation_error"
        assert "password" in response.json["error"]["fields"]


@pytest.mark.parametrize("password", ["short", "x" * 129, "password123"])
def test_password_rules_apply_when_changing_a_password(admin_api, org, make_user, password):
    """PATCH /users/{id} refuses the same passwords POST does."""
    user = make_user(org)

    response = admin_api.patch(f"{USERS}/{user.id}", json={"password": password})

    assert response.status_code == 422
    assert "password" in response.json["error"]["fields"]


def test_adding_a_user_is_a_conflict_when_the_email_is_taken_in_any_case(admin_api):
    """Emails identify people at login, whatever their case: 409."""
    admin_api.post(USERS, json=_new_user())

    response = admin_api.post(USERS, json=_new_user(email="REP@Example.com"))

    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"


def test_adding_a_user_is_a_conflict_when_another_organisation_has_the_email(
    admin_api, make_org, make_user
):
    """Emails are unique across organisations, since login does not ask for one."""
    stranger = make_user(make_org())

    response = admin_api.post(USERS, json=_new_user(email=stranger.email))

    assert response.status_code == 409


def test_adding_a_user_agrees_with_the_database_when_emails_differ_only_in_unusual_case(
    app, admin_api
):
    """ "inan@" then "İnan@": a 409 exactly when the database's lower() makes them equal."""
    with app.app_context():
        same = db.session.scalar(text("SELECT lower('İnan@example.com') = 'inan@example.com'"))
    admin_api.post(USERS, json=_new_user(email="inan@example.com"))

    response = admin_api.post(USERS, json=_new_user(email="İnan@example.com"))

    assert response.status_code == (409 if same else 201)


def test_adding_a_user_is_a_conflict_when_the_id_is_taken(admin_api, admin):
    """A client-chosen id that exists already is refused."""
    response = admin_api.post(USERS, json=_new_user(id=str(admin.id)))

    assert response.status_code == 409


# Roles


@pytest.mark.parametrize("role", ["manager", "rep"])
def test_adding_a_user_is_forbidden_when_the_caller_is_not_an_admin(
    org, make_user, logged_in, role
):
    """Managers and reps get 403 on POST /users."""
    api = logged_in(make_user(org, role=role))

    response = api.post(USERS, json=_new_user())

    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"


@pytest.mark.parametrize("role", ["manager", "rep"])
def test_changing_a_user_is_forbidden_when_the_caller_is_not_an_admin(
    org, make_user, logged_in, role
):
    """Managers and reps get 403 on PATCH /users/{id}, even on themselves."""
    caller = make_user(org, role=role)
    api = logged_in(caller)

    statuses = [
        api.patch(f"{USERS}/{make_user(org).id}", json={"name": "X"}).status_code,
        api.patch(f"{USERS}/{caller.id}", json={"role": "admin"}).status_code,
    ]

    assert statuses == [403, 403]


@pytest.mark.parametrize("role", ["admin", "manager", "rep"])
def test_user_list_shows_the_organisation_when_any_role_asks(
    org, make_org, make_user, logged_in, role
):
    """GET /users works for every logged-in user, and shows only their organisation."""
    caller = make_user(org, role=role)
    colleague = make_user(org)
    make_user(make_org())

    response = logged_in(caller).get(USERS)

    assert response.status_code == 200
    assert {item["id"] for item in response.json["items"]} == {str(caller.id), str(colleague.id)}


def test_user_list_answers_401_when_not_logged_in(client):
    """Anonymous callers see no one."""
    assert client.get(USERS).status_code == 401


def test_user_list_filters_by_role_when_asked(admin_api, org, make_user):
    """?role=manager lists managers only."""
    manager = make_user(org, role="manager")
    make_user(org)

    response = admin_api.get(f"{USERS}?role=manager")

    assert [item["id"] for item in response.json["items"]] == [str(manager.id)]


# Tenancy


def test_another_organisations_user_answers_404_when_read_or_changed(
    app, admin_api, make_org, make_user
):
    """GET and PATCH on a foreign user id look like a missing one, and change nothing."""
    stranger = make_user(make_org())

    statuses = [
        admin_api.get(f"{USERS}/{stranger.id}").status_code,
        admin_api.patch(f"{USERS}/{stranger.id}", json={"name": "X"}).status_code,
        admin_api.get(f"{USERS}/{uuid.uuid4()}").status_code,
    ]

    assert statuses == [404, 404, 404]
    with app.app_context():
        assert db.session.get(User, stranger.id).name == stranger.name


@pytest.mark.parametrize("method", ["post", "patch"])
def test_manager_id_is_refused_when_it_is_a_rep_another_organisations_or_unknown(
    admin_api, org, make_org, make_user, method
):
    """A manager must be a manager or admin of the same organisation: a rep is 422 on
    fields.manager_id; another organisation's user, like an unknown one, is not found."""
    candidates = [make_user(org).id, make_user(make_org(), role="manager").id, uuid.uuid4()]
    target = make_user(org)

    responses = [
        admin_api.post(USERS, json=_new_user(manager_id=str(manager_id)))
        if method == "post"
        else admin_api.patch(f"{USERS}/{target.id}", json={"manager_id": str(manager_id)})
        for manager_id in candidates
    ]

    assert [r.status_code for r in responses] == [422, 404, 404]
    assert "manager_id" in responses[0].json["error"]["fields"]


def test_manager_id_is_refused_when_a_user_would_manage_themself(admin_api, org, make_user):
    """Nobody reports to themself."""
    manager = make_user(org, role="manager")

    response = admin_api.patch(f"{USERS}/{manager.id}", json={"manager_id": str(manager.id)})

    assert response.status_code == 422
    assert "manager_id" in response.json["error"]["fields"]


# Changing users


def test_admin_changes_a_users_name_and_role_when_the_version_is_current(admin_api, org, make_user):
    """PATCH answers the changed user with its version raised."""
    user = make_user(org)

    response = admin_api.patch(
        f"{USERS}/{user.id}", json={"name": "Renamed", "role": "manager", "version": 1}
    )

    assert response.status_code == 200
    assert (response.json["name"], response.json["role"], response.json["version"]) == (
        "Renamed",
        "manager",
        2,
    )


def test_changing_a_user_is_a_conflict_when_the_version_is_stale(admin_api, org, make_user):
    """A PATCH that sends an old version gets 409."""
    user = make_user(org)
    admin_api.patch(f"{USERS}/{user.id}", json={"name": "First"})

    response = admin_api.patch(f"{USERS}/{user.id}", json={"name": "Second", "version": 1})

    assert response.status_code == 409


@pytest.mark.parametrize("field", ["name", "role", "is_active", "password"])
def test_changing_a_user_is_refused_when_a_required_field_is_null(admin_api, org, make_user, field):
    """null cannot blank a field every user must have: 422, not a 500."""
    user = make_user(org)

    response = admin_api.patch(f"{USERS}/{user.id}", json={field: None})

    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_manager_can_be_removed_when_manager_id_is_null(admin_api, org, make_user):
    """manager_id: null unassigns the manager."""
    manager = make_user(org, role="manager")
    user = make_user(org, manager_id=manager.id)

    response = admin_api.patch(f"{USERS}/{user.id}", json={"manager_id": None})

    assert response.status_code == 200
    assert response.json["manager_id"] is None


@pytest.mark.parametrize("body", [{"is_active": False}, {"role": "rep"}])
def test_admin_cannot_disable_or_demote_themself_when_patching_their_own_user(
    admin_api, admin, body
):
    """Locking out the last door is refused."""
    response = admin_api.patch(f"{USERS}/{admin.id}", json=body)

    assert response.status_code == 422


# Bad input


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"role": 5}, "role"),
        ({"role": "owner"}, "role"),
        ({"email": 123}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "x" * 100_000 + "@example.com"}, "email"),
        ({"name": 5}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "n" * 100_000}, "name"),
        ({"password": ["a list"]}, "password"),
        ({"password": "p" * 100_000}, "password"),
        ({"manager_id": "not-a-uuid"}, "manager_id"),
        ({"id": 42}, "id"),
    ],
)
def test_adding_a_user_is_refused_with_422_when_a_field_is_wrong(admin_api, body, field):
    """Unknown fields, wrong types, bad values and huge strings name the offending field."""
    response = admin_api.post(USERS, json=_new_user(**body))

    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_unknown_field_is_named_as_such_when_a_user_is_added(admin_api):
    """fields[name] == "unknown field"."""
    response = admin_api.post(USERS, json=_new_user(colour="red"))

    assert response.json["error"]["fields"] == {"colour": "unknown field"}


@pytest.mark.parametrize("field", ["email", "name", "password", "role"])
def test_adding_a_user_is_refused_with_422_when_a_string_holds_a_nul_byte(admin_api, field):
    """PostgreSQL cannot store U+0000: a 422, never a 500."""
    body = _new_user()
    body[field] = body[field][:2] + "\u0000" + body[field][2:]

    response = admin_api.post(USERS, json=body)

    assert response.status_code == 422


def test_changing_a_user_is_refused_with_422_when_a_string_holds_a_nul_byte(
    admin_api, org, make_user
):
    """The same holds on PATCH."""
    user = make_user(org)

    response = admin_api.patch(f"{USERS}/{user.id}", json={"name": "a\u0000b"})

    assert response.status_code == 422


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        ("{", "application/json", 400),
        ("", "application/json", 400),
        ('{"email": "\\ud800"}', "application/json", 422),
        ("[1, 2]", "application/json", 422),
        ("null", "application/json", 422),
        ("email=x", "application/x-www-form-urlencoded", 415),
        ("<user/>", "text/xml", 415),
    ],
)
def test_adding_a_user_is_refused_when_the_body_is_not_a_json_object(
    admin_api, data, content_type, status
):
    """400 for broken JSON, 415 for another content type, 422 for JSON that is not an object
    or holds text no database stores (a lone surrogate)."""
    response = admin_api.post(USERS, data=data, content_type=content_type)

    assert response.status_code == status
    assert set(response.json["error"]) == {"code", "message", "fields"}


# Pagination


def _all_pages(api, limit):
    seen, cursor, pages = [], None, []
    while True:
        page = api.get(f"{USERS}?limit={limit}" + (f"&cursor={cursor}" if cursor else "")).json
        pages.append(len(page["items"]))
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen, pages


def test_user_list_pages_cover_each_user_exactly_once_when_following_cursors(
    admin_api, admin, org, make_org, make_user
):
    """Cursor paging visits every user of the organisation once, and no one else."""
    ids = {str(make_user(org).id) for _ in range(6)} | {str(admin.id)}
    make_user(make_org())

    seen, pages = _all_pages(admin_api, 2)

    assert sorted(seen) == sorted(ids)
    assert pages == [2, 2, 2, 1]


def test_user_list_holds_limit_items_and_a_cursor_when_more_remain(admin_api, org, make_user):
    """?limit= caps the page; next_cursor is null on the last page."""
    for _ in range(3):
        make_user(org)

    first = admin_api.get(f"{USERS}?limit=3").json
    everyone = admin_api.get(f"{USERS}?limit=4").json

    assert len(first["items"]) == 3 and first["next_cursor"]
    assert len(everyone["items"]) == 4 and everyone["next_cursor"] is None


@pytest.mark.parametrize(
    "cursor",
    ["zzz", "%%%", _cursor(["a@example.com", str(uuid.UUID(int=1))])],
)
def test_user_list_answers_400_when_the_cursor_is_not_one_we_made(admin_api, cursor):
    """A tampered cursor, or one a client built, is a 400 invalid_cursor."""
    response = admin_api.get(f"{USERS}?cursor={cursor}")

    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize(
    "values",
    [["a@example.com"], [1, 2], ["a@example.com", "not-a-uuid"], [{"email": "a"}, 1]],
)
def test_user_list_answers_400_when_a_cursor_we_made_holds_values_of_no_user_key(
    app, admin_api, values
):
    """Behind the signature the values are checked too (a cursor of another list, say)."""
    with app.app_context():
        cursor = encode_cursor(values)

    response = admin_api.get(f"{USERS}?cursor={cursor}")

    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "limit=-1", "limit=abc", "role=owner"])
def test_user_list_answers_422_when_a_query_parameter_is_out_of_range(admin_api, query):
    """limit is 1..500 and role one of the three."""
    response = admin_api.get(f"{USERS}?{query}")

    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"


def test_user_list_accepts_the_bounds_when_limit_is_1_or_500(admin_api):
    """The limits themselves are fine."""
    statuses = [admin_api.get(f"{USERS}?limit={n}").status_code for n in (1, 500)]

    assert statuses == [200, 200]


# Never a 500


@FUZZ
@given(body=st.dictionaries(st.sampled_from(USER_FIELDS) | st.text(max_size=5), ANY_JSON))
def test_adding_a_user_never_answers_500_when_the_body_is_arbitrary_json(admin_api, body):
    """Whatever JSON object arrives, the answer is a success or a 4xx envelope."""
    response = admin_api.post(USERS, json=body)

    assert response.status_code in {201, 400, 409, 422}, response.json


@FUZZ
@given(body=st.dictionaries(st.sampled_from(USER_FIELDS) | st.text(max_size=5), ANY_JSON))
def test_changing_a_user_never_answers_500_when_the_body_is_arbitrary_json(
    admin_api, org, make_user, body
):
    """PATCH answers a success or a 4xx envelope whatever the JSON object holds."""
    user = make_user(org)

    response = admin_api.patch(f"{USERS}/{user.id}", json=body)

    assert response.status_code in {200, 404, 409, 422}, response.json


def test_home_base_is_set_on_create_read_back_changed_and_cleared(admin_api):
    home = {"type": "Point", "coordinates": [26.1025, 44.4268]}
    created = admin_api.post("/api/v1/users", json=_new_user(home_base=home))
    user_id = created.json["id"]

    moved = admin_api.patch(
        f"/api/v1/users/{user_id}",
        json={"home_base": {"type": "Point", "coordinates": [26.05, 44.43]}},
    )
    read = admin_api.get(f"/api/v1/users/{user_id}").json
    listed = {u["id"]: u for u in admin_api.get("/api/v1/users").json["items"]}
    cleared = admin_api.patch(f"/api/v1/users/{user_id}", json={"home_base": None})
    renamed = admin_api.patch(f"/api/v1/users/{user_id}", json={"name": "Still home-less"})

    assert created.status_code == 201 and created.json["home_base"] == home
    assert moved.json["home_base"]["coordinates"] == [26.05, 44.43]
    assert read["home_base"] == moved.json["home_base"] == listed[user_id]["home_base"]
    assert cleared.json["home_base"] is None and renamed.json["home_base"] is None


def test_home_base_must_be_a_point(admin_api):
    bad = {"type": "Point", "coordinates": [200, 44]}

    response = admin_api.post("/api/v1/users", json=_new_user(home_base=bad))

    assert response.status_code == 422
