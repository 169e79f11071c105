"""Account edits made offline go through the outbox; a conflict waits in the inbox."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import log_in
from tests.e2e.sync_steps import open_inbox, wait_until_sent

SHOP = (26.1031, 44.4279)


@pytest.fixture
def admin_api(org, make_user, logged_in):
    """Someone in the office, changing accounts through the API."""
    return logged_in(make_user(org, role="admin"))


@pytest.fixture
def shop(org, rep, make_account):
    return str(make_account(org, *SHOP, owner_id=rep.id, name="Farmacia", phone="+40 21 1"))


def _edit_offline(context, rep, shop, **values):
    page = context.new_page()
    log_in(page, rep.email)
    page.goto(f"/accounts/{shop}")
    page.wait_for_selector("wp-account button.edit")
    context.set_offline(True)
    page.click("wp-account button.edit")
    for name, value in values.items():
        page.fill(f"wp-account form.edit [name={name}]", value)
    page.click("wp-account form.edit button.save")
    expect(page.locator("wp-account .saved")).to_contain_text("device")
    expect(page.locator("wp-sync-status .badge")).to_have_text("1 waiting")
    return page


def test_offline_edit_without_a_conflict_reaches_the_server_when_back_online(
    phone, rep, shop, admin_api
):
    """Edited with no network: shown at once, sent once the network is back."""
    page = _edit_offline(phone, rep, shop, phone="+40 21 555 77 77")
    expect(page.locator("wp-account [data-field=phone]")).to_have_text("+40 21 555 77 77")

    phone.set_offline(False)
    wait_until_sent(page)

    stored = admin_api.get(f"/api/v1/accounts/{shop}").json
    assert (stored["phone"], stored["version"]) == ("+40 21 555 77 77", 2)


def test_offline_edit_conflicting_with_the_office_waits_in_the_inbox_and_keeping_mine_wins(
    phone, rep, shop, admin_api
):
    """The office changed the phone meanwhile: the push is a conflict, the inbox shows both,
    "keep mine" sends the edit again on the server's version."""
    page = _edit_offline(phone, rep, shop, phone="+40 21 555 77 77")
    assert (
        admin_api.patch(f"/api/v1/accounts/{shop}", json={"phone": "+40 21 9"}).status_code == 200
    )

    phone.set_offline(False)
    open_inbox(page)
    conflict = page.locator("wp-inbox li.conflict")
    expect(conflict).to_contain_text("+40 21 9")
    expect(conflict).to_contain_text("+40 21 555 77 77")
    page.click("wp-inbox button.keep-mine")
    expect(page.locator("wp-inbox li")).to_have_count(0)
    wait_until_sent(page)

    stored = admin_api.get(f"/api/v1/accounts/{shop}").json
    assert (stored["phone"], stored["version"]) == ("+40 21 555 77 77", 3)


def test_taking_theirs_drops_the_offline_edit_and_shows_the_servers_values(
    phone, rep, shop, admin_api
):
    """ "Take theirs": nothing more is sent and the account shows what the server has."""
    page = _edit_offline(phone, rep, shop, phone="+40 21 555 77 77")
    assert (
        admin_api.patch(f"/api/v1/accounts/{shop}", json={"phone": "+40 21 9"}).status_code == 200
    )

    phone.set_offline(False)
    open_inbox(page)
    page.click("wp-inbox button.take-theirs")
    expect(page.locator("wp-inbox li")).to_have_count(0)
    page.goto(f"/accounts/{shop}")

    expect(page.locator("wp-account [data-field=phone]")).to_have_text("+40 21 9")
    stored = admin_api.get(f"/api/v1/accounts/{shop}").json
    assert (stored["phone"], stored["version"]) == ("+40 21 9", 2)
