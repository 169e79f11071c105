"""An audience leaving the app, in a real browser: on a saved draft the manager finds the CSV
download, is told when a URL cannot receive deliveries, sends the audience to a webhook
receiver (a local one speaking Standard Webhooks), follows the delivery from queued to
delivered, and copies the signing secret the receiver checks the signature with."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import log_in
from tests.support.jobs import run_jobs
from tests.support.webhook_receiver import WebhookReceiver, signed_by

CAMPAIGNS = "/api/v1/campaigns"
AREA = {
    "type": "Polygon",
    "coordinates": [
        [[26.09, 44.42], [26.11, 44.42], [26.11, 44.44], [26.09, 44.44], [26.09, 44.42]]
    ],
}


@pytest.fixture
def receiver():
    made = WebhookReceiver()
    yield made
    made.stop()


@pytest.fixture
def manager(org, make_user):
    return make_user(org, role="manager", name="Maria Manager")


@pytest.fixture
def campaign(org, manager, make_user, make_account, logged_in) -> dict[str, Any]:
    """A draft over two of the team's three accounts."""
    rep = make_user(org, manager_id=manager.id)
    make_account(org, 26.1, 44.43, owner_id=rep.id, name="Farmacia Centrală")
    make_account(org, 26.101, 44.431, owner_id=rep.id, name="Farmacia Unirii")
    make_account(org, 27.0, 45.0, owner_id=rep.id, name="Far away")
    response = logged_in(manager).post(CAMPAIGNS, json={"name": "Spring", "area": AREA})
    assert response.status_code == 201, response.json
    return response.json


def test_a_manager_sends_the_audience_to_a_webhook_and_sees_it_delivered(
    app, laptop, manager, campaign, receiver
):
    laptop.grant_permissions(["clipboard-read", "clipboard-write"])
    desk = laptop.new_page()
    log_in(desk, manager.email, then_wait_for="wp-team")
    desk.goto(f"/campaigns/{campaign['id']}")
    panel = desk.locator("wp-campaign-deliveries")

    expect(panel.locator("h2")).to_have_text("Send the audience to another tool")
    expect(panel.locator("a.export-csv")).to_have_attribute(
        "href", f"{CAMPAIGNS}/{campaign['id']}/audience.csv"
    )

    panel.locator("#webhook-url").fill("ftp://tool.example/hook")
    panel.locator("button.send-webhook").click()
    expect(panel.locator(".delivery-problem")).to_contain_text(
        "This address cannot receive the audience"
    )

    panel.locator("#webhook-url").fill(receiver.url)
    panel.locator("button.send-webhook").click()
    state = panel.locator(".delivery-state")
    expect(state).to_have_text("Queued: sending shortly.")
    expect(panel.locator(".delivery-problem")).to_have_count(0)

    run_jobs(app)
    expect(state).to_have_text("Delivered: 2 accounts (HTTP 204).")
    expect(state).to_have_attribute("data-state", "delivered")

    panel.locator("button.show-secret").click()
    shown = panel.locator("#signing-secret")
    expect(shown).to_have_text(re.compile(r"^whsec_[A-Za-z0-9+/=]{44}$"))
    panel.locator("button.copy-secret").click()
    expect(panel.locator(".saved")).to_have_text("Copied")
    secret = desk.evaluate("navigator.clipboard.readText()")

    assert secret == shown.text_content()
    ((headers, body),) = receiver.received
    assert signed_by(secret, headers, body)
    delivered = json.loads(body)
    assert delivered["campaign"]["id"] == campaign["id"]
    assert sorted(account["name"] for account in delivered["accounts"]) == [
        "Farmacia Centrală",
        "Farmacia Unirii",
    ]
