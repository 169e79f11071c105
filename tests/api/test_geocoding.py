"""Accounts with an address and no location are geocoded by the real geopy client.

The geocoder is a local server speaking Nominatim's protocol (tests/support/fake_nominatim.py).
"""

from __future__ import annotations

import pytest

from server.accounts.models import Account
from server.extensions import db

ADDRESS = "Calea Victoriei 12, Bucharest"


@pytest.fixture
def api(org, make_user, logged_in):
    return logged_in(make_user(org, role="admin"))


def _create(api, address=ADDRESS):
    return api.post(
        "/api/v1/accounts", json={"kind": "prospect", "name": "Cafe", "address": address}
    )


def test_address_is_geocoded_when_no_location_is_given(api, fake_geocoder):
    """The geocoder's answer becomes the location, with geocode_status ok."""
    fake_geocoder.add(ADDRESS, 26.0963, 44.4325)

    response = _create(api)

    assert response.status_code == 201
    assert response.json["geocode_status"] == "ok"
    assert response.json["location"] == {"type": "Point", "coordinates": [26.0963, 44.4325]}
    assert fake_geocoder.requests[0]["path"] == "/search"
    assert fake_geocoder.requests[0]["ua"].startswith("waypoint")


def test_account_is_stored_as_failed_when_geocoder_finds_nothing(api, fake_geocoder):
    """No match: the account is kept without a location and says so."""
    response = _create(api, "Nowhere Street 1")

    assert response.status_code == 201
    assert response.json["geocode_status"] == "failed"
    assert response.json["location"] is None


def test_account_is_stored_as_pending_when_geocoder_is_down(api, fake_geocoder):
    """A geocoder outage never loses the account: it waits as pending."""
    fake_geocoder.down = True

    response = _create(api)

    assert response.status_code == 201
    assert response.json["geocode_status"] == "pending"
    assert api.get(f"/api/v1/accounts/{response.json['id']}").status_code == 200


def test_geocode_pending_locates_waiting_accounts_when_geocoder_is_back(app, api, fake_geocoder):
    """`flask geocode-pending` retries pending accounts once the geocoder answers again."""
    fake_geocoder.down = True
    account_id = _create(api).json["id"]
    fake_geocoder.down = False
    fake_geocoder.add(ADDRESS, 26.0963, 44.4325)

    result = app.test_cli_runner().invoke(args=["geocode-pending"])

    assert result.exit_code == 0, result.output
    assert "located 1" in result.output
    account = api.get(f"/api/v1/accounts/{account_id}").json
    assert account["geocode_status"] == "ok"
    assert account["version"] == 2


def test_geocode_pending_stops_and_keeps_accounts_pending_when_geocoder_is_still_down(
    app, api, fake_geocoder
):
    """While the geocoder is down the retry changes nothing."""
    fake_geocoder.down = True
    account_id = _create(api).json["id"]

    result = app.test_cli_runner().invoke(args=["geocode-pending"])

    assert "still pending 1" in result.output
    with app.app_context():
        assert db.session.get(Account, account_id).geocode_status == "pending"


def test_same_address_is_asked_once_when_geocoded_twice(api, fake_geocoder):
    """Answers are cached: the provider is not asked the same thing twice."""
    fake_geocoder.add(ADDRESS, 26.0963, 44.4325)

    _create(api)
    _create(api, "  calea victoriei 12,   BUCHAREST ")

    assert len(fake_geocoder.requests) == 1


def test_changed_address_is_geocoded_again_unless_location_was_set_by_hand(api, fake_geocoder):
    """A new address moves a geocoded account but not a manually placed one."""
    fake_geocoder.add(ADDRESS, 26.0963, 44.4325)
    fake_geocoder.add("Strada Lipscani 5, Bucharest", 26.1003, 44.4312)
    geocoded = _create(api).json
    manual = api.post(
        "/api/v1/accounts",
        json={
            "kind": "customer",
            "name": "Placed",
            "address": ADDRESS,
            "location": {"type": "Point", "coordinates": [26.0, 44.0]},
        },
    ).json

    moved = api.patch(
        f"/api/v1/accounts/{geocoded['id']}", json={"address": "Strada Lipscani 5, Bucharest"}
    ).json
    kept = api.patch(
        f"/api/v1/accounts/{manual['id']}", json={"address": "Strada Lipscani 5, Bucharest"}
    ).json

    assert moved["location"]["coordinates"] == [26.1003, 44.4312]
    assert kept["location"]["coordinates"] == [26.0, 44.0]
    assert kept["geocode_status"] == "manual"
