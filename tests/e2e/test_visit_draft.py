"""A visit checked in and not yet checked out is kept on the device: a reload, another screen or
another tab comes back to it, and it is saved once."""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import log_in
from tests.e2e.sync_steps import (
    open_account,
    outbox_count,
    server_visits,
    visit_drafts,
    wait_until_sent,
)

CENTRE = (26.1025, 44.4268)
FLOW = "wp-visit-flow"
BANNER = "wp-visits-in-progress .visit-in-progress"


@pytest.fixture
def shop(org, rep, make_account):
    """An account of the rep where the emulated phone stands."""
    return make_account(org, *CENTRE, owner_id=rep.id, name="Corner Shop")


@pytest.fixture
def bakery(org, rep, make_account):
    """Another account of the rep, a street away."""
    return make_account(org, CENTRE[0] + 0.002, CENTRE[1], owner_id=rep.id, name="Bakery")


def _kept(page: Any, account_id: Any, **fields: Any) -> dict[str, Any]:
    """Until the device's draft of the visit at `account_id` holds `fields`; returns it. Polled
    from here, as the write follows a pause in typing."""
    deadline = time.monotonic() + 10
    while True:
        draft = visit_drafts(page).get(str(account_id))
        if draft and all(draft.get(name) == value for name, value in fields.items()):
            return draft
        assert time.monotonic() < deadline, f"draft on the device: {draft}"
        page.wait_for_timeout(50)


def _check_in(page: Any) -> str:
    """Tap Check in and wait for the fix; the started_at the flow shows."""
    page.click(f"{FLOW} button.check-in")
    expect(page.locator(f"{FLOW} .fix[data-accuracy]")).to_be_visible()
    started_at = page.get_attribute(f"{FLOW} .checked-in", "data-started-at")
    assert started_at
    return started_at


def test_visit_in_progress_is_resumed_and_saved_once_when_the_page_reloads_offline(
    phone, page, app, rep, shop
):
    """Offline: check in, outcome, notes and next step, reload: the same check-in (time and
    fix) and everything typed is back; check out, online: one visit with those on the server."""
    open_account(page, shop)
    phone.set_offline(True)
    started_at = _check_in(page)
    page.check(f"{FLOW} input[value=order]")
    page.fill(f"{FLOW} textarea[name=notes]", "Ordered 12 crates")
    page.fill(f"{FLOW} input[name=next_title]", "Deliver crates")
    page.fill(f"{FLOW} input[name=next_due]", "2030-01-15")
    _kept(page, shop, outcome="order", notes="Ordered 12 crates", next_due="2030-01-15")
    # Were the fix taken again after the reload, it would be this one.
    phone.set_geolocation({"latitude": CENTRE[1], "longitude": CENTRE[0], "accuracy": 40})

    page.reload()

    expect(page.locator(f"{FLOW} .checked-in")).to_have_attribute("data-started-at", started_at)
    expect(page.locator(f"{FLOW} .fix")).to_have_attribute("data-accuracy", "12")
    expect(page.locator(f"{FLOW} input[value=order]")).to_be_checked()
    expect(page.locator(f"{FLOW} textarea[name=notes]")).to_have_value("Ordered 12 crates")
    expect(page.locator(f"{FLOW} input[name=next_title]")).to_have_value("Deliver crates")
    expect(page.locator(f"{FLOW} input[name=next_due]")).to_have_value("2030-01-15")
    page.click(f"{FLOW} button.check-out")
    page.wait_for_selector(f"{FLOW} .saved")
    assert visit_drafts(page) == {}
    assert outbox_count(page) == 1
    phone.set_offline(False)
    wait_until_sent(page)

    [stored] = server_visits(app, rep.id)
    assert stored["account_id"] == shop
    assert stored["outcome"] == "order"
    assert stored["notes"] == "Ordered 12 crates"
    assert stored["started_at"] == datetime.fromisoformat(started_at)
    assert stored["accuracy_m"] == 12


def test_another_accounts_screen_leads_back_to_the_visit_in_progress_when_one_is_open(
    page, shop, bakery
):
    """Checked in at the shop, the rep opens the bakery: a banner names the shop, and Continue
    brings back the visit with its notes."""
    open_account(page, shop)
    started_at = _check_in(page)
    page.fill(f"{FLOW} textarea[name=notes]", "Owner away until noon")
    _kept(page, shop, notes="Owner away until noon")

    open_account(page, bakery)

    banner = page.locator(BANNER)
    expect(banner).to_have_count(1)
    expect(banner).to_contain_text("Corner Shop")
    banner.locator("a.continue").click()
    expect(page).to_have_url(re.compile(f"/accounts/{shop}$"))
    expect(page.locator(f"{FLOW} .checked-in")).to_have_attribute("data-started-at", started_at)
    expect(page.locator(f"{FLOW} textarea[name=notes]")).to_have_value("Owner away until noon")
    expect(page.locator(BANNER)).to_have_count(0)


def test_app_started_on_near_me_shows_the_visit_in_progress_when_there_is_one(page, shop):
    """The installed app starts on Near me: the visit checked in before is offered there."""
    open_account(page, shop)
    _check_in(page)

    page.goto("/near")

    expect(page.locator(BANNER)).to_contain_text("Corner Shop")
    expect(page.locator(f"{BANNER} a.continue")).to_have_attribute("href", f"/accounts/{shop}")


def test_cancelled_visit_is_gone_from_the_device_when_the_page_reloads(page, shop):
    """Cancel drops the draft: after a reload the account offers Check in again."""
    open_account(page, shop)
    _check_in(page)
    _kept(page, shop)

    page.click(f"{FLOW} button.cancel")
    expect(page.locator(f"{FLOW} button.check-in")).to_be_visible()
    page.reload()

    expect(page.locator(f"{FLOW} button.check-in")).to_be_visible()
    expect(page.locator(f"{FLOW} .checked-in")).to_have_count(0)
    assert visit_drafts(page) == {}
    assert outbox_count(page) == 0


def test_visit_checked_out_in_one_tab_is_not_saved_again_when_the_other_checks_out(
    phone, page, app, rep, shop
):
    """Two tabs show the same visit in progress; the second Check out is refused: one visit."""
    open_account(page, shop)
    phone.set_offline(True)
    _check_in(page)
    page.check(f"{FLOW} input[value=met]")
    _kept(page, shop, outcome="met")
    other = phone.new_page()
    other.goto(f"/accounts/{shop}")
    expect(other.locator(f"{FLOW} input[value=met]")).to_be_checked()

    page.click(f"{FLOW} button.check-out")
    page.wait_for_selector(f"{FLOW} .saved")
    other.click(f"{FLOW} button.check-out")

    expect(other.locator(f"{FLOW} .error")).to_contain_text("already saved")
    assert outbox_count(page) == 1
    phone.set_offline(False)
    wait_until_sent(page)
    assert len(server_visits(app, rep.id)) == 1


def test_log_out_drops_the_visit_in_progress_when_one_is_open(page, rep, shop):
    """A visit checked in and not out does not outlive its rep's session on the device."""
    open_account(page, shop)
    _check_in(page)
    _kept(page, shop)

    page.click("wp-app header button:has-text('Log out')")
    page.wait_for_selector("wp-login")

    assert visit_drafts(page) == {}
    log_in(page, rep.email)
    open_account(page, shop)
    expect(page.locator(f"{FLOW} .checked-in")).to_have_count(0)
