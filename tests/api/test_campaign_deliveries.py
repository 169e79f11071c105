"""Audience deliveries: each one's recorded state, and receivers inside the server's own network
refused both when the delivery is asked for and when the job connects."""

from __future__ import annotations

from typing import Any

import pytest

from server.campaigns.operations import DELIVER_TASK
from tests.support.devices import wait_for
from tests.support.fixtures import ApiClient
from tests.support.jobs import jobs_of, run_jobs
from tests.support.webhook_receiver import WebhookReceiver

CAMPAIGNS = "/api/v1/campaigns"
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[26.09, 44.42], [26.11, 44.42], [26.11, 44.44], [26.09, 44.44], [26.09, 44.42]]
    ],
}
# Addresses inside a server's own network, each spelled as a user could: loopback (and a name
# for it), RFC 1918, shared (RFC 6598), link-local with the cloud metadata address, the
# unspecified address, IPv6 loopback, unique-local and link-local, and IPv4-mapped loopback.
BLOCKED_URLS = [
    "http://127.0.0.1:8080/hook",
    "http://127.9.9.9/hook",
    "http://localhost/hook",
    "http://10.1.2.3/hook",
    "http://172.16.5.4/hook",
    "http://192.168.1.10/hook",
    "http://100.64.0.1/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://0.0.0.0/hook",
    "http://[::1]/hook",
    "http://[fd00:ec2::254]/hook",
    "http://[fe80::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
]


@pytest.fixture
def receiver():
    """A receiver that answers 500 until told to accept."""
    made = WebhookReceiver(accepting=False)
    yield made
    made.stop()


@pytest.fixture
def manager(org, make_user):
    return make_user(org, role="manager")


@pytest.fixture
def campaign(org, manager, make_user, make_account, logged_in) -> dict[str, Any]:
    rep = make_user(org, manager_id=manager.id)
    make_account(org, 26.1, 44.43, owner_id=rep.id)
    make_account(org, 26.101, 44.431, owner_id=rep.id)
    make_account(org, 27.0, 45.0, owner_id=rep.id)
    response = logged_in(manager).post(CAMPAIGNS, json={"name": "Spring", "area": SQUARE})
    assert response.status_code == 201, response.json
    return response.json


def _guarded_api(app_with, manager) -> ApiClient:
    """The manager on an app that keeps deliveries out of private addresses (production's
    default)."""
    api = ApiClient(app_with(webhook_allow_private_targets=False).test_client())
    assert api.login(manager.email).status_code == 200
    return api


def test_a_delivery_is_recorded_from_queued_through_retrying_to_delivered(
    app, manager, campaign, logged_in, receiver
):
    api = logged_in(manager)
    deliveries = f"{CAMPAIGNS}/{campaign['id']}/audience/deliveries"

    queued = api.post(deliveries, json={"url": receiver.url})
    one = f"{deliveries}/{queued.json['id']}"
    before = api.get(one).json
    run_jobs(app)
    failed_once = api.get(one).json
    receiver.accepting = True

    def delivered() -> dict[str, Any] | None:
        run_jobs(app)
        body = api.get(one).json
        return body if body["state"] == "delivered" else None

    done = wait_for(delivered, timeout_s=60, what="the retried delivery")

    assert queued.status_code == 202
    assert queued.json["state"] == "queued" and queued.json["url"] == receiver.url
    assert before["state"] == "queued" and before["attempts"] == 0
    assert failed_once["state"] == "retrying"
    assert failed_once["last_status"] == 500
    assert failed_once["last_error"] == "the receiver answered 500"
    assert done["attempts"] == receiver.requests >= 2
    assert done["last_status"] == 204 and done["last_error"] is None
    assert done["accounts"] == 2


def test_delivery_urls_into_the_servers_network_are_refused_when_asked(
    app, app_with, manager, campaign
):
    api = _guarded_api(app_with, manager)
    deliveries = f"{CAMPAIGNS}/{campaign['id']}/audience/deliveries"

    answers = {url: api.post(deliveries, json={"url": url}) for url in BLOCKED_URLS}

    for url, answer in answers.items():
        assert answer.status_code == 422, url
        assert answer.json["error"]["code"] == "validation_error", url
        assert answer.json["error"]["fields"] == {
            "url": "the host is a loopback, private or link-local address"
        }, url
    assert jobs_of(app, DELIVER_TASK) == []


def test_a_public_address_passes_the_check(app_with, manager, campaign):
    api = _guarded_api(app_with, manager)

    # A public address written as a literal: nothing is looked up over the network, and the
    # job that would connect is never run (the queue is emptied after each test).
    answer = api.post(
        f"{CAMPAIGNS}/{campaign['id']}/audience/deliveries", json={"url": "https://1.1.1.1/hook"}
    )

    assert answer.status_code == 202, answer.json
    assert answer.json["state"] == "queued"


def test_the_job_refuses_a_receiver_that_has_become_private(
    app, app_with, manager, campaign, logged_in, receiver
):
    """Asked for while private receivers were allowed (as a name that resolved elsewhere then
    would be), sent by a worker that does not allow them: the connection is checked, nothing
    reaches the receiver, and the delivery ends refused without being tried again."""
    api = logged_in(manager)
    receiver.accepting = True
    queued = api.post(
        f"{CAMPAIGNS}/{campaign['id']}/audience/deliveries", json={"url": receiver.url}
    )

    run_jobs(app_with(webhook_allow_private_targets=False))

    delivery = api.get(f"{CAMPAIGNS}/{campaign['id']}/audience/deliveries/{queued.json['id']}")
    assert queued.status_code == 202
    assert receiver.requests == 0
    assert delivery.json["state"] == "refused"
    assert delivery.json["attempts"] == 1
    assert delivery.json["last_error"] == "the host is a loopback, private or link-local address"
    assert [job["status"] for job in jobs_of(app, DELIVER_TASK)] == ["succeeded"]


def test_another_organisations_delivery_is_not_found(
    manager, campaign, logged_in, make_org, make_user, receiver
):
    api = logged_in(manager)
    queued = api.post(
        f"{CAMPAIGNS}/{campaign['id']}/audience/deliveries", json={"url": receiver.url}
    )
    stranger = logged_in(make_user(make_org(), role="admin"))
    path = f"{CAMPAIGNS}/{campaign['id']}/audience/deliveries/{queued.json['id']}"

    answer = stranger.get(path)

    assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"
    assert api.get(path).status_code == 200
