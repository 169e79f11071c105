"""The reminder setting: each user's own "remind me N minutes before a task is due", kept on
the server (so every device of theirs reminds alike), read in /auth/me, changed with PATCH."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.users.models import User

ME = "/api/v1/auth/me"


@pytest.fixture
def api(rep, logged_in):
    return logged_in(rep)


def _stored(app, user):
    with app.app_context():
        row = db.session.execute(
            select(User.reminder_minutes, User.version).where(User.id == user.id)
        ).one()
        db.session.remove()
    return tuple(row)


def test_login_and_me_answer_thirty_minutes_when_the_user_never_chose(client, rep):
    """A new user is reminded half an hour ahead; the login answer says so, as /auth/me does."""
    login = client.login(rep.email)

    me = client.get(ME)

    assert login.json["user"]["reminder_minutes"] == 30
    assert me.json["user"]["reminder_minutes"] == 30


def test_patch_me_changes_the_callers_reminder_and_version_when_valid(app, api, rep):
    """PATCH answers like GET /auth/me with the new setting; the user gets a new version."""
    response = api.patch(ME, json={"reminder_minutes": 15})

    assert response.status_code == 200, response.json
    assert response.json["user"]["reminder_minutes"] == 15
    assert response.json["user"]["version"] == 2
    assert response.json["csrf_token"] == api.csrf_token
    assert api.get(ME).json["user"]["reminder_minutes"] == 15
    assert _stored(app, rep) == (15, 2)


def test_patch_me_turns_reminders_off_when_zero_is_sent(app, api, rep):
    """0 is "never remind me"."""
    response = api.patch(ME, json={"reminder_minutes": 0})

    assert response.status_code == 200
    assert _stored(app, rep) == (0, 2)


def test_patch_me_keeps_the_version_when_nothing_changes(app, api, rep):
    """Sending the value already stored, or nothing, is no new version."""
    same = api.patch(ME, json={"reminder_minutes": 30})
    empty = api.patch(ME, json={})

    assert (same.status_code, empty.status_code) == (200, 200)
    assert _stored(app, rep) == (30, 1)


def test_patch_me_changes_no_one_else_when_a_user_changes_their_setting(app, api, org, make_user):
    """The setting is the caller's own: a colleague's stays as it was."""
    colleague = make_user(org)

    api.patch(ME, json={"reminder_minutes": 5})

    assert _stored(app, colleague) == (30, 1)


@pytest.mark.parametrize(
    "body",
    [
        {"reminder_minutes": -1},
        {"reminder_minutes": 1441},
        {"reminder_minutes": "15"},
        {"reminder_minutes": 2.5},
        {"reminder_minutes": True},
        {"reminder_minutes": None},
        {"reminder_minutes": 15, "role": "admin"},
    ],
)
def test_patch_me_answers_422_naming_the_field_and_changes_nothing_when_invalid(
    app, api, rep, body
):
    """Out of 0..1440, not a whole number, null, or a field that is not a setting: 422."""
    response = api.patch(ME, json=body)

    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    assert set(response.json["error"]["fields"]) & {"reminder_minutes", "role"}
    assert _stored(app, rep) == (30, 1)


def test_patch_me_is_refused_when_the_csrf_token_is_missing(app, api, rep):
    """A cookie session's write needs its CSRF token, as every other."""
    api.csrf_token = None

    response = api.patch(ME, json={"reminder_minutes": 5})

    assert response.status_code == 403
    assert response.json["error"]["code"] == "csrf_failed"
    assert _stored(app, rep) == (30, 1)


def test_patch_me_answers_401_when_no_one_is_logged_in(client):
    """Anonymous callers have no settings."""
    response = client.patch(ME, json={"reminder_minutes": 5})

    assert response.status_code == 401
