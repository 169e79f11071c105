"""Visits recorded in a real browser reach the server exactly once, whatever the network does."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.sync_steps import (
    local_visits,
    open_account,
    outbox_count,
    record_visit,
    server_ledger,
    server_visits,
    sync_now,
    sync_state,
    wait_until_sent,
)
from tests.support.fixtures import PASSWORD

CENTRE = (26.1025, 44.4268)


@pytest.fixture
def shop(org, rep, make_account):
    """An account of the rep where the emulated phone stands."""
    return make_account(org, *CENTRE, owner_id=rep.id, name="Corner Shop")


def _pushes(context, handler):
    """Route the sync pushes through `handler`; returns the list of bodies it saw."""
    seen = []

    def route(route):
        seen.append(json.loads(route.request.post_data))
        handler(route, len(seen))

    context.route("**/api/v1/sync/push", route)
    return seen


def test_visit_checked_in_and_out_online_shows_verified_from_the_server(page, app, rep, shop):
    """Check in at the shop, outcome, notes, next step, check out: one visit on the server,
    verified, and the account's history says so."""
    open_account(page, shop)
    expect(page.locator("wp-visit-history .note")).to_be_visible()

    page.click("wp-visit-flow button.check-in")
    expect(page.locator("wp-visit-flow .fix[data-accuracy='12']")).to_be_visible()
    page.check("wp-visit-flow input[value=order]")
    page.fill("wp-visit-flow textarea[name=notes]", "Ordered 12 crates")
    page.fill("wp-visit-flow input[name=next_title]", "Deliver crates")
    page.fill("wp-visit-flow input[name=next_due]", "2030-01-15")
    page.click("wp-visit-flow button.check-out")
    page.wait_for_selector("wp-visit-flow .saved")
    wait_until_sent(page)

    expect(page.locator("wp-visit-history li[data-status=verified]")).to_have_count(1)
    [stored] = server_visits(app, rep.id)
    assert stored["account_id"] == shop
    assert stored["outcome"] == "order"
    assert stored["verification"] == "verified"


def test_three_visits_recorded_offline_survive_a_reload_and_reach_the_server_once(
    phone, page, app, rep, shop
):
    """Offline: 3 visits, reload (shell from the cache, visits from IndexedDB), online: 3 on
    the server, no more."""
    open_account(page, shop)
    phone.set_offline(True)
    for outcome in ("met", "no_answer", "follow_up"):
        record_visit(page, outcome)
    expect(page.locator("wp-sync-status .badge")).to_have_text("3 waiting")

    page.reload()

    expect(page.locator("wp-visit-history li[data-status=waiting]")).to_have_count(3)
    expect(page.locator("wp-sync-status .badge")).to_have_text("3 waiting")
    assert server_visits(app, rep.id) == []
    phone.set_offline(False)
    wait_until_sent(page)
    expect(page.locator("wp-sync-status .badge")).to_have_text("0 waiting")
    assert sorted(visit["outcome"] for visit in server_visits(app, rep.id)) == [
        "follow_up",
        "met",
        "no_answer",
    ]
    assert {visit["id"] for visit in local_visits(page)} == {
        str(visit["id"]) for visit in server_visits(app, rep.id)
    }


def test_lost_acknowledgement_is_retried_and_applied_once(phone, page, app, rep, shop):
    """The first push reaches the server but its answer is cut: the retry is a duplicate."""
    open_account(page, shop)
    phone.set_offline(True)
    for _ in range(3):
        record_visit(page)

    def cut_first(route, number):
        response = route.fetch()
        if number == 1:
            assert response.status == 200
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    seen = _pushes(phone, cut_first)
    phone.set_offline(False)
    wait_until_sent(page)

    assert len(seen) >= 2
    assert [m["id"] for m in seen[1]["mutations"]] == [m["id"] for m in seen[0]["mutations"]]
    assert len(server_visits(app, rep.id)) == 3
    ledger = server_ledger(app, sync_state(page)["client_id"])
    assert [(row["mutation_id"], row["status"]) for row in ledger] == [
        (1, "applied"),
        (2, "applied"),
        (3, "applied"),
    ]


def test_server_errors_and_an_expired_session_in_a_backlog_drop_nothing(
    phone, page, app, rep, shop
):
    """503, 429, 500 and a 401 answer the backlog in turn: every mutation stays queued, the
    rep logs in again, and all of them arrive once."""
    open_account(page, shop)
    phone.set_offline(True)
    for _ in range(5):
        record_visit(page)
    faults = [
        {"status": 503, "headers": {"Retry-After": "1"}},
        {"status": 429, "headers": {"Retry-After": "1"}},
        {"status": 500},
        {"status": 401},
    ]
    waiting_at_each_fault = []

    def failing(route, number):
        if number <= len(faults):
            waiting_at_each_fault.append(len(json.loads(route.request.post_data)["mutations"]))
            error = {"error": {"code": "fault", "message": "injected", "fields": {}}}
            route.fulfill(**faults[number - 1], json=error)
        else:
            route.fulfill(response=route.fetch())

    seen = _pushes(phone, failing)
    phone.set_offline(False)

    page.wait_for_selector("wp-app .session-ended")
    assert outbox_count(page) == 5
    assert server_visits(app, rep.id) == []
    page.fill("input[name=email]", rep.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    wait_until_sent(page)

    assert waiting_at_each_fault == [5, 5, 5, 5]
    assert len(seen) == 5
    assert len(server_visits(app, rep.id)) == 5


def test_location_capture_off_sends_visits_without_a_position(phone, page, app, rep, shop):
    """With location capture off no fix is taken: the visit is stored as unverifiable."""
    page.goto("/settings")
    page.uncheck("wp-settings input[name=location]")
    open_account(page, shop)

    page.click("wp-visit-flow button.check-in")
    expect(page.locator("wp-visit-flow .fix")).to_contain_text("off")
    page.check("wp-visit-flow input[value=met]")
    page.click("wp-visit-flow button.check-out")
    page.wait_for_selector("wp-visit-flow .saved")
    wait_until_sent(page)

    [stored] = server_visits(app, rep.id)
    assert stored["verification"] == "unverifiable"
    expect(page.locator("wp-visit-history li[data-status=unverifiable]")).to_have_count(1)


def test_diagnostics_show_the_device_matching_the_server(page, app, rep, shop):
    """After syncing, the diagnostics' checksum comparison says the device holds what the
    server says it should."""
    open_account(page, shop)
    record_visit(page)
    wait_until_sent(page)

    sync_now(page)
    page.click("wp-diagnostics button.compare")

    expect(page.locator("wp-diagnostics dl.checksums")).to_have_attribute("data-same", "true")
    expect(page.locator("wp-diagnostics .client-id")).to_have_text(sync_state(page)["client_id"])
    expect(page.locator("wp-diagnostics .outbox")).to_have_text("0")


def test_visit_logged_on_another_device_appears_through_the_poke(page, rep, shop, logged_in):
    """The rep's other device posts a visit: the server pokes, this page pulls and shows it in
    the account's history without a reload."""
    open_account(page, shop)
    expect(page.locator("wp-visit-history .note")).to_be_visible()
    other_device = logged_in(rep)

    created = other_device.post(
        "/api/v1/visits",
        json={
            "id": "5b8e2f4c-9a1d-4c3e-8f7a-2b6d1e0c9a11",
            "account_id": str(shop),
            "started_at": "2026-11-23T09:30:00Z",
            "ended_at": "2026-11-23T09:45:00Z",
            "location": {"type": "Point", "coordinates": list(CENTRE)},
            "accuracy_m": 10,
            "outcome": "not_interested",
        },
    )

    assert created.status_code == 201, created.json
    expect(
        page.locator("wp-visit-history li[data-id='5b8e2f4c-9a1d-4c3e-8f7a-2b6d1e0c9a11']")
    ).to_have_attribute("data-status", "verified")


def test_rough_fix_offers_a_retry_that_keeps_the_better_position(phone, page, app, rep, shop):
    """A fix worse than 100 m offers "retry for a better fix"; the better one is sent."""
    phone.set_geolocation({"latitude": CENTRE[1], "longitude": CENTRE[0], "accuracy": 350})
    open_account(page, shop)

    page.click("wp-visit-flow button.check-in")
    expect(page.locator("wp-visit-flow .fix[data-accuracy='350']")).to_be_visible()
    phone.set_geolocation({"latitude": CENTRE[1], "longitude": CENTRE[0], "accuracy": 20})
    page.click("wp-visit-flow button.retry-fix")
    expect(page.locator("wp-visit-flow .fix[data-accuracy='20']")).to_be_visible()
    expect(page.locator("wp-visit-flow button.retry-fix")).to_have_count(0)
    page.check("wp-visit-flow input[value=met]")
    page.click("wp-visit-flow button.check-out")
    page.wait_for_selector("wp-visit-flow .saved")
    wait_until_sent(page)

    [stored] = server_visits(app, rep.id)
    assert stored["verification"] == "verified"
