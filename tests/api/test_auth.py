"""The Auth section of the contract: sessions, CSRF, Fetch Metadata, throttling, bearer tokens."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from server.audit.models import AuditEntry
from server.config import Settings
from server.core.clock import now_utc
from server.core.rate_limits import RateCounter
from server.core.transaction import unit_of_work
from server.extensions import db
from server.users.models import ApiToken, UserSession
from tests.support.fixtures import PASSWORD, ApiClient

COOKIE = "__Host-waypoint"
DEV_COOKIE = "waypoint-dev-session"
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"


@pytest.fixture
def admin(org, make_user):
    return make_user(org, role="admin")


def _cookie_attributes(response, name):
    """The attributes of the Set-Cookie header for `name`, lower-cased, e.g. {"path": "/"}."""
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "="))
    attributes = {}
    for part in header.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        attributes[key.lower()] = value
    return attributes


def _cookie_names(response):
    return [h.split("=", 1)[0] for h in response.headers.getlist("Set-Cookie")]


def _login(client, email, password=PASSWORD, address="127.0.0.1", headers=None):
    return client.post(
        LOGIN,
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers or {},
    )


def _set_sessions(app, **values):
    with app.app_context(), unit_of_work():
        db.session.execute(update(UserSession).values(**values))


def _new_user_body():
    return {"email": "new@example.com", "name": "New", "role": "rep", "password": "fine passphrase"}


# Login


def test_login_answers_the_user_and_a_csrf_token_when_credentials_are_right(client, rep):
    """200 with {"user": {id, email, name, role, org_id, ...}, "csrf_token"}."""
    response = client.login(rep.email)

    assert response.status_code == 200
    user = response.json["user"]
    assert (user["id"], user["email"], user["name"]) == (str(rep.id), rep.email, rep.name)
    assert (user["role"], user["org_id"]) == ("rep", str(rep.org_id))
    assert isinstance(response.json["csrf_token"], str) and len(response.json["csrf_token"]) >= 32


def test_login_sets_a_host_prefixed_http_only_lax_cookie_when_credentials_are_right(client, rep):
    """The session cookie is `__Host-waypoint`, HttpOnly, SameSite=Lax, Path=/, no Domain."""
    response = client.login(rep.email)

    attributes = _cookie_attributes(response, COOKIE)
    assert "httponly" in attributes
    assert attributes["samesite"] == "Lax"
    assert attributes["path"] == "/"
    assert "domain" not in attributes


def test_login_cookie_is_secure_and_the_only_one_when_cookie_secure_is_set(secure_app, rep):
    """Behind HTTPS the cookie carries Secure, and no unprefixed development twin is set."""
    response = _login(secure_app.test_client(), rep.email)

    assert response.status_code == 200
    assert "secure" in _cookie_attributes(response, COOKIE)
    assert _cookie_names(response) == [COOKIE]


def test_login_also_sets_an_unprefixed_cookie_when_in_plain_http_development(client, rep):
    """Browsers drop `__Host-` cookies without Secure, so local development adds a twin."""
    response = client.login(rep.email)

    attributes = _cookie_attributes(response, DEV_COOKIE)
    assert "httponly" in attributes and attributes["samesite"] == "Lax"
    assert "secure" not in _cookie_attributes(response, COOKIE)


def test_unprefixed_cookie_logs_in_when_in_plain_http_development(client, rep, new_client):
    """The development twin alone is enough for a browser on plain HTTP."""
    client.login(rep.email)
    browser = new_client()
    browser.client.set_cookie(DEV_COOKIE, client.client.get_cookie(DEV_COOKIE).value)

    response = browser.get(ME)

    assert response.status_code == 200


def test_unprefixed_cookie_is_ignored_when_cookie_secure_is_set(secure_app, client, rep):
    """In a real deployment only the `__Host-` cookie counts."""
    client.login(rep.email)
    attacker = secure_app.test_client()
    attacker.set_cookie(DEV_COOKIE, client.client.get_cookie(DEV_COOKIE).value)

    response = attacker.get(ME)

    assert response.status_code == 401


def test_login_answers_the_same_401_when_email_is_unknown_or_password_wrong(client, rep):
    """The answer does not tell which of the two was wrong."""
    wrong_password = client.login(rep.email, "not the password")
    unknown_email = client.login("nobody@example.com", "not the password")

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json == unknown_email.json
    assert COOKIE not in _cookie_names(wrong_password)


def test_login_is_refused_like_a_wrong_password_when_the_user_is_disabled(client, org, make_user):
    """A disabled account cannot log in, and the answer does not say it exists."""
    user = make_user(org, is_active=False)

    response = client.login(user.email)

    assert response.status_code == 401
    assert response.json == client.login("nobody@example.com").json


def test_login_finds_the_user_when_the_email_differs_in_case_and_spaces(client, rep):
    """Emails identify people whatever their case, and stray spaces are forgiven."""
    response = client.login(f"  {rep.email.upper()} ")

    assert response.status_code == 200
    assert response.json["user"]["id"] == str(rep.id)


def test_login_finds_the_user_when_the_email_has_letters_lowered_differently(
    client, org, make_user
):
    """An email with "İ" logs in as written (PostgreSQL and Python lower it differently)."""
    user = make_user(org, email="İnan@example.com")

    response = client.login("İnan@example.com")

    assert response.status_code == 200
    assert response.json["user"]["id"] == str(user.id)


def test_login_refuses_bad_input_with_a_4xx_when_the_body_is_wrong(client):
    """NUL bytes, huge strings, wrong types and missing fields: never a 500."""
    bodies = [
        {"email": "a\u0000@example.com", "password": PASSWORD},
        {"email": "x" * 100_000, "password": PASSWORD},
        {"email": "a@example.com", "password": "p" * 100_000},
        {"email": 5, "password": PASSWORD},
        {"email": "a@example.com"},
        {"email": "a@example.com", "password": PASSWORD, "remember": True},
    ]

    statuses = [client.client.post(LOGIN, json=body).status_code for body in bodies]

    assert statuses == [422] * len(bodies)


@settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    email=st.text(max_size=300) | st.integers() | st.none(),
    password=st.text(max_size=300) | st.lists(st.integers()),
)
def test_login_never_answers_500_when_the_credentials_are_arbitrary(client, email, password):
    """Any email and password values give 401, 422 or 429; never a 500."""
    response = client.client.post(LOGIN, json={"email": email, "password": password})

    assert response.status_code in {401, 422, 429}, response.json


# Sessions


def test_every_login_starts_a_new_session_when_the_user_logs_in_twice(app, new_client, rep):
    """Two logins, two different session cookies and CSRF tokens, both valid until logout."""
    first, second = new_client(), new_client()

    one, two = first.login(rep.email), second.login(rep.email)

    assert first.client.get_cookie(COOKIE).value != second.client.get_cookie(COOKIE).value
    assert one.json["csrf_token"] != two.json["csrf_token"]
    assert (first.get(ME).status_code, second.get(ME).status_code) == (200, 200)
    with app.app_context():
        assert len(db.session.scalars(select(UserSession.id)).all()) == 2


def test_me_answers_the_user_and_the_sessions_csrf_token_when_logged_in(client, rep):
    """/auth/me gives back what login gave."""
    login = client.login(rep.email)

    response = client.get(ME)

    assert response.status_code == 200
    assert response.json == login.json


def test_me_answers_a_401_envelope_when_not_logged_in(client):
    """No session: 401 with the error envelope."""
    response = client.get(ME)

    assert response.status_code == 401
    assert response.json == {
        "error": {"code": "unauthorized", "message": "log in first", "fields": {}}
    }


def test_me_answers_401_when_the_cookie_is_unknown(client):
    """A made-up session id is no session."""
    client.client.set_cookie(COOKIE, "made-up-session-id")

    response = client.get(ME)

    assert response.status_code == 401


def test_logout_ends_every_session_of_the_user_when_called_from_one(new_client, rep):
    """204; the old cookie and the user's other devices answer 401 afterwards."""
    phone, laptop = new_client(), new_client()
    phone.login(rep.email)
    laptop.login(rep.email)
    old_cookie = phone.client.get_cookie(COOKIE).value

    response = phone.post("/api/v1/auth/logout")

    assert response.status_code == 204
    assert laptop.get(ME).status_code == 401
    replay = new_client()
    replay.client.set_cookie(COOKIE, old_cookie)
    assert replay.get(ME).status_code == 401


def test_logout_leaves_other_users_logged_in_when_one_user_logs_out(new_client, rep, admin):
    """Logout ends the caller's sessions only."""
    leaving, staying = new_client(), new_client()
    leaving.login(rep.email)
    staying.login(admin.email)

    leaving.post("/api/v1/auth/logout")

    assert staying.get(ME).status_code == 200


def test_logout_is_refused_when_the_csrf_token_is_missing(client, rep):
    """A cross-site page cannot log a user out: logout is a write like any other."""
    client.login(rep.email)
    client.csrf_token = None

    response = client.post("/api/v1/auth/logout")

    assert response.status_code == 403
    assert client.get(ME).status_code == 200


def test_disabling_a_user_ends_their_sessions_for_good_when_an_admin_does_it(admin, rep, logged_in):
    """Sessions are revoked, so re-enabling the user does not bring the old cookie back."""
    rep_api = logged_in(rep)
    admin_api = logged_in(admin)

    disabled = admin_api.patch(f"/api/v1/users/{rep.id}", json={"is_active": False})
    locked_out = rep_api.get(ME).status_code
    admin_api.patch(f"/api/v1/users/{rep.id}", json={"is_active": True})

    assert disabled.status_code == 200
    assert locked_out == 401
    assert rep_api.get(ME).status_code == 401


def test_changing_a_password_ends_sessions_when_an_admin_sets_a_new_one(
    new_client, admin, rep, logged_in
):
    """A new password logs the user out everywhere; the new password then works."""
    rep_api = logged_in(rep)

    response = logged_in(admin).patch(
        f"/api/v1/users/{rep.id}", json={"password": "a brand new passphrase"}
    )

    assert response.status_code == 200
    assert rep_api.get(ME).status_code == 401
    assert new_client().login(rep.email, "a brand new passphrase").status_code == 200


def test_session_ends_when_idle_longer_than_the_configured_timeout(app, app_with, rep):
    """SESSION_IDLE_TIMEOUT_S (here ten minutes) ends a session nobody used for longer."""
    short = ApiClient(app_with(session_idle_timeout_s=600).test_client())
    short.login(rep.email)
    _set_sessions(app, last_seen_at=now_utc() - timedelta(minutes=11))

    response = short.get(ME)

    assert response.status_code == 401


def test_session_stays_when_idle_less_than_the_configured_timeout(app, app_with, rep):
    """A session used nine minutes ago survives a ten-minute idle timeout."""
    short = ApiClient(app_with(session_idle_timeout_s=600).test_client())
    short.login(rep.email)
    _set_sessions(app, last_seen_at=now_utc() - timedelta(minutes=9))

    response = short.get(ME)

    assert response.status_code == 200


def test_session_idle_clock_restarts_when_the_session_is_used(app, rep, logged_in):
    """A request refreshes last_seen_at, so a session in use does not idle out."""
    api = logged_in(rep)
    earlier = now_utc() - timedelta(minutes=5)
    _set_sessions(app, last_seen_at=earlier)

    api.get(ME)

    with app.app_context():
        assert db.session.scalar(select(UserSession.last_seen_at)) > earlier + timedelta(minutes=4)


def test_session_lifetime_follows_the_configured_absolute_lifetime_when_logging_in(
    app, app_with, rep
):
    """SESSION_ABSOLUTE_LIFETIME_S sets the session's end and the cookie's Max-Age."""
    short = ApiClient(app_with(session_absolute_lifetime_s=3600).test_client())

    response = short.login(rep.email)

    assert _cookie_attributes(response, COOKIE)["max-age"] == "3600"
    with app.app_context():
        session = db.session.scalars(select(UserSession)).one()
    assert session.expires_at - session.created_at == timedelta(hours=1)


def test_session_ends_when_past_its_absolute_lifetime_even_if_in_use(app, rep, logged_in):
    """A session past expires_at is over, however recently it was used."""
    api = logged_in(rep)
    _set_sessions(app, expires_at=now_utc() - timedelta(seconds=1), last_seen_at=now_utc())

    response = api.get(ME)

    assert response.status_code == 401


def test_session_cookie_still_works_when_a_stray_remember_cookie_is_sent(rep, logged_in):
    """A `remember_token` cookie from another app on the same host does not log users out."""
    api = logged_in(rep)
    api.client.set_cookie("remember_token", "1|whatever")

    response = api.get(ME)

    assert response.status_code == 200


# CSRF and Fetch Metadata


def test_cookie_write_is_refused_when_the_csrf_token_is_missing(admin, logged_in):
    """A cookie-authenticated unsafe request without X-CSRF-Token gets 403 csrf_failed."""
    api = logged_in(admin)
    api.csrf_token = None

    response = api.post("/api/v1/users", json=_new_user_body())

    assert response.status_code == 403
    assert response.json["error"]["code"] == "csrf_failed"


@pytest.mark.parametrize("token", ["forged", "", "é" * 43, "x" * 10_000])
def test_cookie_write_is_refused_when_the_csrf_token_is_wrong(admin, logged_in, token):
    """Any token but the session's own is refused with 403 csrf_failed, never a 500."""
    api = logged_in(admin)

    response = api.post("/api/v1/users", json=_new_user_body(), headers={"X-CSRF-Token": token})

    assert response.status_code == 403
    assert response.json["error"]["code"] == "csrf_failed"


def test_cookie_write_is_refused_when_the_csrf_token_belongs_to_another_session(admin, logged_in):
    """CSRF tokens are bound to their session."""
    api, other = logged_in(admin), logged_in(admin)

    response = api.post(
        "/api/v1/users", json=_new_user_body(), headers={"X-CSRF-Token": other.csrf_token}
    )

    assert response.status_code == 403


@pytest.mark.parametrize(("send_token", "status"), [(True, 201), (False, 403)])
def test_cookie_write_is_judged_by_the_csrf_token_alone_when_no_browser_headers_are_sent(
    admin, logged_in, send_token, status
):
    """Without Sec-Fetch-Site and Origin the CSRF header decides."""
    api = logged_in(admin)
    api.csrf_token = api.csrf_token if send_token else None

    response = api.post("/api/v1/users", json=_new_user_body())

    assert response.status_code == status


def test_same_origin_write_still_needs_the_csrf_token_when_the_cookie_authenticates(
    admin, logged_in
):
    """Fetch Metadata adds to the CSRF token; it does not replace it."""
    api = logged_in(admin)
    api.csrf_token = None

    response = api.post(
        "/api/v1/users", json=_new_user_body(), headers={"Sec-Fetch-Site": "same-origin"}
    )

    assert response.status_code == 403


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}]
)
def test_cookie_write_is_refused_when_cross_site_even_with_a_valid_csrf_token(
    admin, logged_in, headers
):
    """A browser saying the request is cross-site is refused whatever the token."""
    api = logged_in(admin)

    response = api.post("/api/v1/users", json=_new_user_body(), headers=headers)

    assert response.status_code == 403
    assert response.json["error"]["code"] == "csrf_failed"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"}, 403),
        ({"Sec-Fetch-Site": "same-origin"}, 200),
        ({"Sec-Fetch-Site": "none"}, 200),
        ({"Origin": "https://evil.example"}, 403),
        ({"Origin": "http://localhost.evil.example"}, 403),
        ({"Origin": "null"}, 403),
        ({"Origin": "http://localhost"}, 200),
        ({}, 200),
    ],
)
def test_login_is_judged_by_fetch_metadata_then_origin_when_browsers_send_them(
    client, rep, headers, status
):
    """Cross-site logins are refused (login CSRF); same-origin and non-browser clients pass."""
    response = _login(client.client, rep.email, headers=headers)

    assert response.status_code == status


def test_login_needs_no_csrf_token_when_a_session_cookie_is_already_sent(client, rep):
    """Login is exempt from the CSRF header, even for a client that is already logged in."""
    client.login(rep.email)

    response = _login(client.client, rep.email)

    assert response.status_code == 200


# Throttling


def _fail(client, email, address):
    return _login(client.client, email, "wrong password!", address)


def test_login_is_throttled_when_one_address_failed_five_times_for_one_account(client, rep):
    """The sixth attempt of an account and address pair gets 429 rate_limited with Retry-After,
    even with the right password."""
    failures = [_fail(client, rep.email, "10.0.0.1").status_code for _ in range(5)]

    response = _login(client.client, rep.email, address="10.0.0.1")

    assert failures == [401] * 5
    assert response.status_code == 429
    assert response.json["error"]["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_login_from_another_address_still_works_when_one_pair_is_throttled(client, rep):
    """Failing on purpose from one address does not lock the account out for everyone."""
    for _ in range(6):
        _fail(client, rep.email, "10.0.0.1")

    response = _login(client.client, rep.email, address="10.0.0.2")

    assert response.status_code == 200


def test_login_is_throttled_when_failures_spell_the_account_differently(client, rep):
    """Case and spaces around the email do not buy fresh attempts."""
    spellings = [rep.email, rep.email.upper(), f" {rep.email}", f"{rep.email}  ", rep.email.title()]
    for spelling in spellings:
        _fail(client, spelling, "10.0.0.1")

    response = _login(client.client, rep.email, address="10.0.0.1")

    assert response.status_code == 429


def test_login_is_throttled_from_every_address_when_the_account_reached_its_own_limit(
    app_with, rep
):
    """Past the account's (much higher) allowance, spread over many addresses, the account
    answers 429 wherever the next attempt comes from."""
    api = ApiClient(app_with(login_failures_per_account_per_minute=8).test_client())
    failures = [_fail(api, rep.email, f"10.0.0.{n}").status_code for n in range(8)]

    response = _login(api.client, rep.email, address="10.0.1.1")

    assert failures == [401] * 8
    assert response.status_code == 429
    assert response.json["error"]["code"] == "rate_limited"


def test_account_allows_ten_times_the_pairs_failures_when_only_the_pair_limit_is_set(
    monkeypatch,
):
    """LOGIN_FAILURES_PER_MINUTE sets the pair's allowance; the account's and the address's
    default to ten times it."""
    monkeypatch.setenv("LOGIN_FAILURES_PER_MINUTE", "3")

    settings = Settings.from_environment()

    assert settings.login_failures_per_minute == 3
    assert settings.login_failures_per_account_per_minute == 30
    assert settings.login_failures_per_address_per_minute == 30


def test_login_is_throttled_when_one_address_failed_at_its_limit_across_emails(app_with, rep):
    """Guessing many accounts from one address is throttled too."""
    api = ApiClient(app_with(login_failures_per_address_per_minute=5).test_client())
    failures = [_fail(api, f"someone{n}@example.com", "10.9.9.9").status_code for n in range(5)]

    response = _login(api.client, rep.email, address="10.9.9.9")

    assert failures == [401] * 5
    assert response.status_code == 429
    assert response.json["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1


def test_login_from_another_address_still_works_when_one_address_is_throttled(app_with, rep):
    """The address throttle blocks that address, not the account."""
    api = ApiClient(app_with(login_failures_per_address_per_minute=5).test_client())
    for number in range(5):
        _fail(api, f"someone{number}@example.com", "10.9.9.9")

    response = _login(api.client, rep.email, address="10.8.8.8")

    assert response.status_code == 200


def _fail_via_proxy(client, email, forwarded_for):
    """A failed login arriving through a reverse proxy on 10.0.0.2 for `forwarded_for`."""
    return _login(
        client,
        email,
        "wrong password!",
        address="10.0.0.2",
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_address_throttle_sees_the_client_behind_a_trusted_proxy_when_one_is_configured(
    app_with, rep
):
    """Behind one trusted proxy, the throttle counts the forwarded client, not the proxy."""
    proxied = app_with(trusted_proxy_hops=1, login_failures_per_address_per_minute=5).test_client()
    for number in range(5):
        _fail_via_proxy(proxied, f"someone{number}@example.com", "203.0.113.7")

    blocked = _login(
        proxied, rep.email, address="10.0.0.2", headers={"X-Forwarded-For": "203.0.113.7"}
    )
    other = _login(
        proxied, rep.email, address="10.0.0.2", headers={"X-Forwarded-For": "198.51.100.4"}
    )

    assert blocked.status_code == 429
    assert other.status_code == 200


def test_forwarded_address_is_ignored_when_no_proxy_is_trusted(app_with, rep):
    """Without TRUSTED_PROXY_HOPS a client cannot dodge the throttle by forging the header."""
    api = app_with(login_failures_per_address_per_minute=5).test_client()
    for number in range(5):
        _fail_via_proxy(api, f"someone{number}@example.com", f"203.0.113.{number}")

    response = _login(
        api, rep.email, address="10.0.0.2", headers={"X-Forwarded-For": "198.51.100.4"}
    )

    assert response.status_code == 429


def test_login_is_not_throttled_when_the_attempts_succeeded(client, rep):
    """Only failures are counted: many good logins from one address in a row all pass."""
    statuses = [_login(client.client, rep.email, address="10.7.7.7").status_code for _ in range(7)]

    assert statuses == [200] * 7


def test_login_success_clears_its_pairs_failures_when_the_password_is_right_at_last(client, rep):
    """Four typos, then the right password: the next typos start counting from zero."""
    for _ in range(4):
        _fail(client, rep.email, "10.0.0.1")
    _login(client.client, rep.email, address="10.0.0.1")

    statuses = [_fail(client, rep.email, "10.0.0.1").status_code for _ in range(5)]

    assert statuses == [401] * 5


def test_login_is_not_throttled_when_the_failures_are_older_than_a_minute(app, client, rep):
    """The window closes a minute after it opened: older failures are forgotten."""
    for _ in range(5):
        _fail(client, rep.email, "10.0.0.1")
    with app.app_context(), unit_of_work():
        db.session.execute(
            update(RateCounter).values(window_start=now_utc() - timedelta(seconds=61))
        )

    response = _login(client.client, rep.email, address="10.0.0.1")

    assert response.status_code == 200


# Bearer tokens


@pytest.fixture
def token(admin, logged_in):
    """A bearer token the admin issued for themself, and the admin's client."""
    admin_api = logged_in(admin)
    created = admin_api.post("/api/v1/api-tokens", json={"name": "ERP sync"})
    assert created.status_code == 201, created.json
    return created.json, admin_api


def _bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_bearer_token_authenticates_reads_and_writes_when_no_csrf_token_is_sent(token, new_client):
    """Integrations send only Authorization: Bearer; no cookie, no CSRF header."""
    created, _ = token
    integration = new_client().client

    read = integration.get("/api/v1/users", headers=_bearer(created["token"]))
    write = integration.post(
        "/api/v1/users", json=_new_user_body(), headers=_bearer(created["token"])
    )

    assert (read.status_code, write.status_code) == (200, 201)


def test_me_answers_no_csrf_token_when_called_with_a_bearer_token(token, admin, new_client):
    """Bearer callers have no session, hence no CSRF token."""
    created, _ = token

    response = new_client().client.get(ME, headers=_bearer(created["token"]))

    assert response.json["user"]["id"] == str(admin.id)
    assert response.json["csrf_token"] is None


def test_bearer_token_is_refused_when_revoked(token, new_client):
    """DELETE /api-tokens/{id} → 204, and the token answers 401 afterwards."""
    created, admin_api = token

    revoked = admin_api.delete(f"/api/v1/api-tokens/{created['id']}")

    assert revoked.status_code == 204
    assert new_client().client.get(ME, headers=_bearer(created["token"])).status_code == 401


@pytest.mark.parametrize("secret", ["made-up", "", "é", "x" * 10_000])
def test_bearer_token_is_refused_when_unknown(client, secret):
    """A made-up token gets the 401 envelope."""
    response = client.client.get(ME, headers=_bearer(secret))

    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_bearer_token_is_refused_when_its_user_is_disabled(admin, rep, logged_in, new_client):
    """Disabling the user behind a token disables the token."""
    api = logged_in(admin)
    created = api.post("/api/v1/api-tokens", json={"name": "x", "user_id": str(rep.id)}).json
    api.patch(f"/api/v1/users/{rep.id}", json={"is_active": False})

    response = new_client().client.get(ME, headers=_bearer(created["token"]))

    assert response.status_code == 401


def test_bearer_token_is_stored_as_its_sha256_when_created(app, token):
    """Only a 32-byte digest is kept, never the token itself."""
    created, _ = token

    with app.app_context():
        stored = db.session.scalar(select(ApiToken.token_hash))

    assert len(stored) == 32
    assert stored == hashlib.sha256(created["token"].encode()).digest()


def test_token_list_never_shows_secrets_when_tokens_exist(token):
    """The secret is in the creation answer only."""
    created, admin_api = token

    response = admin_api.get("/api/v1/api-tokens")

    assert [(item["id"], item["token"]) for item in response.json["items"]] == [
        (created["id"], None)
    ]
    assert created["token"] not in response.get_data(as_text=True)


def test_token_is_refused_when_issued_for_another_organisations_user(token, make_org, make_user):
    """A token can act only as a user of the admin's own organisation."""
    _, admin_api = token
    stranger = make_user(make_org())

    response = admin_api.post("/api/v1/api-tokens", json={"name": "x", "user_id": str(stranger.id)})

    assert response.status_code == 404


def _audit_entries(app):
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(e.actor_id, e.subject_user_id, e.action, e.details) for e in entries]


def test_token_that_acts_as_another_user_is_audited_when_an_admin_mints_it(
    app, admin, rep, logged_in
):
    """Who made a token for whom is in the audit log: the admin, the user, the token."""
    api = logged_in(admin)

    created = api.post("/api/v1/api-tokens", json={"name": "ERP", "user_id": str(rep.id)}).json

    assert _audit_entries(app) == [
        (
            admin.id,
            rep.id,
            "api_token.create_for_other_user",
            {"token_id": created["id"], "name": "ERP"},
        )
    ]


def test_token_for_oneself_is_not_audited_when_an_admin_mints_it(app, admin, token):
    """An admin's token for their own integration acts as no one else: nothing to audit."""
    assert _audit_entries(app) == []


def test_token_refused_for_another_organisations_user_is_not_audited(
    app, token, make_org, make_user
):
    """A refused request leaves no audit entry behind."""
    _, admin_api = token
    stranger = make_user(make_org())

    admin_api.post("/api/v1/api-tokens", json={"name": "x", "user_id": str(stranger.id)})

    assert _audit_entries(app) == []


def test_token_revocation_answers_404_when_the_token_is_another_organisations(
    token, make_org, make_user, logged_in
):
    """Another organisation's admin cannot revoke (or learn of) our token."""
    created, _ = token
    foreign_admin = logged_in(make_user(make_org(), role="admin"))

    response = foreign_admin.delete(f"/api/v1/api-tokens/{created['id']}")

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["manager", "rep"])
def test_api_tokens_are_admin_only_when_a_manager_or_rep_asks(
    token, org, make_user, logged_in, role
):
    """Listing, creating and revoking tokens answer 403 to other roles."""
    created, _ = token
    api = logged_in(make_user(org, role=role))

    statuses = [
        api.get("/api/v1/api-tokens").status_code,
        api.post("/api/v1/api-tokens", json={"name": "mine"}).status_code,
        api.delete(f"/api/v1/api-tokens/{created['id']}").status_code,
    ]

    assert statuses == [403, 403, 403]
