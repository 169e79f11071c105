"""Contacts on an account in a real browser: made and edited offline, kept on the device across
a reload, sent once when the connection is back, then on the server as the rep left them, with
tap-to-call and e-mail links, found by name, and counted by the diagnostics' checksums."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.sync_steps import open_account, server_ledger, sync_now, sync_state, wait_until_sent

CENTRE = (26.1025, 44.4268)


@pytest.fixture
def shop(org, rep, make_account):
    """An account of the rep where the emulated phone stands."""
    return make_account(org, *CENTRE, owner_id=rep.id, name="Corner Shop")


def contacts(page, status=None):
    """The account's contacts as the page lists them (of one sync status)."""
    selector = "wp-account-contacts li.contact"
    return page.locator(f"{selector}[data-status={status}]" if status else selector)


def fill_contact(page, **fields):
    """Type into the open contact form and save; returns once the device says it is saved."""
    form = page.locator("wp-account-contacts form.contact-form")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button.save-contact").click()
    expect(page.locator("wp-account-contacts .saved")).to_be_visible()


def test_contact_made_and_edited_offline_reaches_the_server_once(phone, page, app, rep_api, shop):
    """Offline: a contact added (primary, two phones, an address) then edited; a reload keeps
    both changes on the device; online: one contact on the server, as edited, and two ledger
    rows, both applied."""
    open_account(page, shop)
    phone.set_offline(True)
    page.click("wp-account-contacts button.add-contact")
    page.check("wp-account-contacts input[name=is_primary]")
    fill_contact(
        page,
        name="Ioana Marin",
        title="Buyer",
        phones="+40 21 555 0101\n0722 000 111",
        emails="ioana@example.com",
    )
    contacts(page).locator("button.edit-contact").click()
    fill_contact(page, title="Owner")
    expect(page.locator("wp-sync-status .badge")).to_have_text("2 waiting")

    page.reload()

    expect(contacts(page, "waiting")).to_have_count(1)
    expect(contacts(page).locator(".meta")).to_have_text("Owner")
    assert rep_api.get("/api/v1/contacts", query_string={"account_id": str(shop)}).json == {
        "items": [],
        "next_cursor": None,
    }
    phone.set_offline(False)
    wait_until_sent(page)

    [stored] = rep_api.get("/api/v1/contacts", query_string={"account_id": str(shop)}).json["items"]
    assert (stored["name"], stored["title"], stored["version"]) == ("Ioana Marin", "Owner", 2)
    assert stored["phones"] == ["+40 21 555 0101", "0722 000 111"]
    assert stored["emails"] == ["ioana@example.com"]
    assert stored["is_primary"] is True
    ledger = server_ledger(app, sync_state(page)["client_id"])
    assert [(row["op"], row["status"]) for row in ledger] == [
        ("contact.create", "applied"),
        ("contact.update", "applied"),
    ]
    assert {str(row["entity_id"]) for row in ledger} == {stored["id"]}
    expect(contacts(page, "synced")).to_have_count(1)
    expect(contacts(page).locator("a.tel")).to_have_text(["+40 21 555 0101", "0722 000 111"])
    expect(contacts(page).locator("a.tel").first).to_have_attribute("href", "tel:+40215550101")
    expect(contacts(page).locator("a.mail")).to_have_attribute("href", "mailto:ioana@example.com")
    sync_now(page)
    page.click("wp-diagnostics button.compare")
    expect(page.locator("wp-diagnostics dl.checksums")).to_have_attribute("data-same", "true")
    expect(page.locator("wp-diagnostics dd[data-entity=contact]")).to_contain_text("(1 / 1)")


def test_contacts_of_the_working_set_are_found_by_name_on_the_device(
    phone, page, rep_api, org, rep, make_account, shop
):
    """Contacts the server has reach the device in the pull; offline, the search finds them by
    part of the name, without accents, and leads to their account."""
    other = make_account(org, *CENTRE, owner_id=rep.id, name="Bistro Amzei")
    for account, name in ((shop, "Ana Popescu"), (other, "Ștefan Dobre"), (other, "Dan Ene")):
        created = rep_api.post("/api/v1/contacts", json={"account_id": str(account), "name": name})
        assert created.status_code == 201, created.json
    open_account(page, shop)
    expect(contacts(page)).to_have_count(1)
    phone.set_offline(True)

    page.fill("wp-account-contacts input.contact-search", "stefan")

    found = page.locator("wp-account-contacts ul.found li")
    expect(found).to_have_count(1)
    expect(found.locator("strong")).to_have_text("Ștefan Dobre")
    found.locator("a.account").click()
    expect(page.locator("h1")).to_have_text("Bistro Amzei")
    expect(contacts(page)).to_have_count(2)
