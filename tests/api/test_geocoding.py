"""Accounts with an address and no location are stored pending and geocoded by a background
job (a real procrastinate worker) through the real geopy client; no request waits for it.

The geocoder is a local server speaking Nominatim's protocol (tests/support/fake_nominatim.py).
"""

from __future__ import annotations

import uuid

import pytest

from server.accounts.models import Account
from server.accounts.operations import GEOCODE_TASK, create_account
from server.accounts.schemas import AccountCreate
from server.core.transaction import savepoint, unit_of_work
from server.extensions import db
from tests.support.jobs import jobs_of, run_jobs

ADDRESS = "Calea Victoriei 12, Bucharest"


@pytest.fixture
def admin(org, make_user):
    return make_user(org, role="admin")


@pytest.fixture
def api(admin, logged_in):
    return logged_in(admin)


def _create(api, address=ADDRESS):
    return api.post(
        "/api/v1/accounts", json={"kind": "prospect", "name": "Cafe", "address": address}
    )


def test_account_is_stored_pending_without_asking_the_geocoder_when_created(api, fake_geocoder):
    """The answer comes before any geocoding: pending, no location, the geocoder not asked."""
    fake_geocoder.add(ADDRESS, 26.0963, 44.4325)

    response = _create(api)

    assert response.status_code == 201
    assert response.json["geocode_status"] == "pending"
    assert response.json["location"] is None
    assert fake_geocoder.requests == []


def test_worker_locates_the_account_when_it_runs_the_queued_job(app, api, fake_geocoder):
    """The job geocodes the address: location, status ok, a new version."""
    fake_geocoder.add(ADDRESS, 26.0963, 44.4325)
    account_id = _create(api).json["id"]

    run_jobs(app)

    account = api.get(f"/api/v1/accounts/{account_id}").json
    assert account["geocode_status"] == "ok"
    assert account["location"] == {"type": "Point", "coordinates": [26.0963, 44.4325]}
    assert account["version"] == 2
    assert fake_geocoder.requests[0]["path"] == "/search"
    assert fake_geocoder.requests[0]["ua"].startswith("waypoint")


def test_worker_marks_the_account_failed_when_the_geocoder_finds_nothing(app, api, fake_geocoder):
    """No match: the account is kept without a location and says so."""
    account_id = _create(api, "Nowhere Street 1").json["id"]

    run_jobs(app)

    account = api.get(f"/api/v1/accounts/{account_id}").json
    assert account["geocode_status"] == "failed"
    assert account["location"] is None


def test_account_stays_pending_when_the_geocoder_is_down_for_its_job(app, api, fake_geocoder):
    """A geocoder outage never loses the account: it waits as pending, unchanged."""
    fake_geocoder.down = True
    account_id = _create(api).json["id"]

    run_jobs(app)

    account = api.get(f"/api/v1/accounts/{account_id}").json
    assert account["geocode_status"] == "pending"
    assert account["version"] == 1


def test_one_geocoding_job_waits_when_accounts_with_addresses_are_created(app, api):
    """A geocoding job is deferred after each commit; one waiting already takes them all."""
    _create(api)
    _create(api, "Strada Lipscani 5, Bucharest")

    assert jobs_of(app, GEOCODE_TASK) == [{"status": "todo", "args": {}}]


def test_nothing_is_queued_when_the_creating_transaction_rolls_back(app, admin):
    """A rollback drops the job request with the account."""
    with app.app_context(), pytest.raises(RuntimeError):
        with unit_of_work():
            create_account(admin, AccountCreate(kind="prospect", name="Cafe", address=ADDRESS))
            raise RuntimeError("the request failed after the account was written")

    assert jobs_of(app, GEOCODE_TASK) == []


def test_nothing_is_queued_when_the_creating_savepoint_rolls_back(app, admin):
    """A savepoint rolled back (a rejected sync mutation) drops its job request while the rest
    of the transaction commits."""
    with app.app_context(), unit_of_work():
        create_account(admin, AccountCreate(kind="prospect", name="Without an address"))
        with pytest.raises(RuntimeError), savepoint():
            create_account(admin, AccountCreate(kind="prospect", name="B", address=ADDRESS))
            raise RuntimeError("this mutation is rejected")

    assert jobs_of(app, GEOCODE_TASK) == []


def test_nothing_is_queued_when_the_transaction_rolls_back_after_a_savepoint(app, admin):
    """A savepoint released is not a commit: the job waits for the enclosing transaction, and
    its rollback drops it (as for a push that fails after applying some mutations)."""
    with app.app_context(), pytest.raises(RuntimeError):
        with unit_of_work():
            with savepoint():
                create_account(admin, AccountCreate(kind="prospect", name="B", address=ADDRESS))
            raise RuntimeError("the push failed after this mutation was applied")

    assert jobs_of(app, GEOCODE_TASK) == []


def test_geocode_pending_locates_waiting_accounts_when_geocoder_is_back(app, api, fake_geocoder):
    """`flask geocode-pending` geocodes pending accounts in the foreground."""
    account_id = _create(api).json["id"]
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
        assert db.session.get(Account, uuid.UUID(account_id)).geocode_status == "pending"


def test_same_address_is_asked_once_when_geocoded_twice(app, api, fake_geocoder):
    """Answers are cached: the provider is not asked the same thing twice."""
    fake_geocoder.add(ADDRESS, 26.0963, 44.4325)

    _create(api)
    _create(api, "  calea victoriei 12,   BUCHAREST ")
    run_jobs(app)

    assert len(fake_geocoder.requests) == 1


def test_changed_address_is_geocoded_again_unless_location_was_set_by_hand(app, api, fake_geocoder):
    """A new address moves a geocoded account (pending until the job runs) but not a manually
    placed one."""
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
    run_jobs(app)

    patched = api.patch(
        f"/api/v1/accounts/{geocoded['id']}", json={"address": "Strada Lipscani 5, Bucharest"}
    ).json
    kept = api.patch(
        f"/api/v1/accounts/{manual['id']}", json={"address": "Strada Lipscani 5, Bucharest"}
    ).json
    run_jobs(app)

    moved = api.get(f"/api/v1/accounts/{geocoded['id']}").json
    assert patched["geocode_status"] == "pending"
    assert moved["location"]["coordinates"] == [26.1003, 44.4312]
    assert moved["geocode_status"] == "ok"
    assert kept["location"]["coordinates"] == [26.0, 44.0]
    assert kept["geocode_status"] == "manual"
