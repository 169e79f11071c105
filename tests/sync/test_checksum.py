"""GET /sync/checksum: a sum of stored per-row digests that follows every write, and a per-user
rate limit so no caller can make the server aggregate its working set over and over."""

from __future__ import annotations

import pytest

from tests.support.fixtures import ApiClient
from tests.sync.support import SHOP, expected_checksum

CHECKSUM = "/api/v1/sync/checksum"


@pytest.fixture
def limited(app_with):
    """An app that allows 3 checksums a minute per user, and a way to log in to it."""
    limited_app = app_with(checksums_per_minute=3)

    def login(user):
        api = ApiClient(limited_app.test_client())
        assert api.login(user.email).status_code == 200
        return api

    return login


def test_checksum_follows_a_new_version_when_an_account_is_changed(org, rep, make_account, rep_api):
    """The stored digest is recomputed by the database on every update."""
    account = make_account(org, *SHOP, owner_id=rep.id)
    patched = rep_api.patch(f"/api/v1/accounts/{account}", json={"name": "Renamed", "version": 1})
    assert patched.status_code == 200, patched.json

    checksum = rep_api.get(CHECKSUM).json

    assert checksum["account"] == {"count": 1, "hash": expected_checksum([(account, 2)])}


def test_checksum_answers_429_with_retry_after_when_a_user_asks_too_often(rep, limited):
    """Past CHECKSUMS_PER_MINUTE calls in a minute the answer is 429 rate_limited."""
    api = limited(rep)
    statuses = [api.get(CHECKSUM).status_code for _ in range(3)]

    refused = api.get(CHECKSUM)

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_checksum_limit_is_per_user_when_another_user_has_spent_theirs(
    org, rep, make_user, limited
):
    """One user's calls do not use up another's."""
    spent = limited(rep)
    for _ in range(4):
        spent.get(CHECKSUM)

    response = limited(make_user(org)).get(CHECKSUM)

    assert response.status_code == 200
