"""The Account screen in a real browser: details and links, editing, a stale edit, create here.
Edits and new accounts go through the outbox online too; the push's answer comes back here."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from server.core.clock import now_utc
from tests.e2e.pages import log_in
from tests.e2e.sync_steps import open_inbox

HERE = (26.1025, 44.4268)  # the phone fixture's emulated position (lng, lat)
SHOP = (26.1031, 44.4279)  # about 130 m north-east of it
HERE_ADDRESS = "Bulevardul Regina Elisabeta 5, Sector 3, București, 030016, România"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture
def admin_api(org, make_user, logged_in):
    """Someone else in the office, changing accounts through the API."""
    return logged_in(make_user(org, role="admin"))


@pytest.fixture
def shop(org, rep, make_account):
    return str(
        make_account(
            org,
            *SHOP,
            owner_id=rep.id,
            name="Farmacia Centrală",
            kind="customer",
            status="at_risk",
            address="Strada Academiei 7, București",
            phone="+40 21 555-01 02",
            email="office@farmacia.example",
            industry="Pharmacy",
            last_visit_at=now_utc() - timedelta(days=3),
        )
    )


def _open(page, rep, account_id):
    log_in(page, rep.email)
    page.goto(f"/accounts/{account_id}")
    page.wait_for_selector("wp-account button.edit")


def _saved_on_the_server(page):
    """The push of the last change was applied: the screen says "Saved." (not "on device")."""
    expect(page.locator("wp-account .saved[data-notice=saved]")).to_be_visible()


def _edit(page, **values):
    page.click("wp-account button.edit")
    for name, value in values.items():
        page.fill(f"wp-account form.edit [name={name}]", value)


def test_account_opened_from_near_me_shows_details_and_call_email_navigate_links(phone, rep, shop):
    """Tapping a nearby account shows its details, distance and links that dial, mail and route."""
    page = phone.new_page()
    log_in(page, rep.email)

    page.click(f"wp-near li[data-id='{shop}'] a.name")

    expect(page.locator("wp-account h1")).to_have_text("Farmacia Centrală")
    assert page.url.endswith(f"/accounts/{shop}")
    account = page.locator("wp-account")
    expect(account.locator(".tag.kind")).to_have_text("Customer")
    expect(account.locator(".tag.status")).to_have_text("At risk")
    expect(account.locator(".tag.distance")).to_have_text(re.compile(r"^1[0-9]{2} m away$"))
    expect(account.locator("dd[data-field=address]")).to_have_text("Strada Academiei 7, București")
    expect(account.locator("dd[data-field=industry]")).to_have_text("Pharmacy")
    expect(account.locator("dd[data-field=last_visit]")).to_contain_text("3 days ago")
    lng, lat = SHOP
    hrefs = {
        name: account.locator(f"a.{name}").get_attribute("href")
        for name in ("call", "email", "nav-google", "nav-apple", "nav-waze", "nav-geo")
    }
    assert hrefs == {
        "call": "tel:+40215550102",
        "email": "mailto:office@farmacia.example",
        "nav-google": f"https://www.google.com/maps/dir/?api=1&destination={lat},{lng}",
        "nav-apple": f"https://maps.apple.com/?daddr={lat},{lng}&dirflg=d",
        "nav-waze": f"https://waze.com/ul?ll={lat},{lng}&navigate=yes",
        "nav-geo": f"geo:{lat},{lng}?q={lat},{lng}({quote('Farmacia Centrală')})",
    }


def test_edit_saves_the_changed_fields_when_no_one_else_changed_the_account(
    phone, rep, shop, admin_api
):
    """Edit, save: the page shows the new values and the server has them, one version later."""
    page = phone.new_page()
    _open(page, rep, shop)

    _edit(page, name="Farmacia Nouă", phone="+40 21 555 09 09")
    page.click("wp-account form.edit button.save")

    _saved_on_the_server(page)
    expect(page.locator("wp-account h1")).to_have_text("Farmacia Nouă")
    expect(page.locator("wp-account a.call")).to_have_attribute("href", "tel:+40215550909")
    stored = admin_api.get(f"/api/v1/accounts/{shop}").json
    assert (stored["name"], stored["phone"], stored["version"]) == (
        "Farmacia Nouă",
        "+40 21 555 09 09",
        2,
    )


def test_edit_shows_the_servers_field_message_inline_when_the_server_refuses_it(phone, rep, shop):
    """A value the server refuses (a rejected push) is marked on its field with the server's
    own message, the account shows its stored values again and the inbox holds the refusal."""
    page = phone.new_page()
    _open(page, rep, shop)

    _edit(page, email="not an address")
    page.click("wp-account form.edit button.save")

    expect(page.locator("wp-account form.edit .field-error")).to_have_count(1)
    expect(page.locator("wp-account #error-email")).to_contain_text("email")
    expect(page.locator("wp-account input[name=email]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("wp-account input[name=email]")).to_have_value("not an address")
    open_inbox(page)
    expect(page.locator("wp-inbox li.rejected")).to_contain_text("email")
    page.goto(f"/accounts/{shop}")
    expect(page.locator("wp-account dd[data-field=email]")).to_have_text("office@farmacia.example")


def test_fixing_a_refused_edit_on_the_form_saves_it_and_closes_the_refusal(
    phone, rep, shop, admin_api
):
    """The rep corrects the refused field and saves: applied, and nothing is left to resolve."""
    page = phone.new_page()
    _open(page, rep, shop)
    _edit(page, email="not an address")
    page.click("wp-account form.edit button.save")
    expect(page.locator("wp-account #error-email")).to_be_visible()

    page.fill("wp-account form.edit [name=email]", "orders@farmacia.example")
    page.click("wp-account form.edit button.save")

    _saved_on_the_server(page)
    expect(page.locator("wp-sync-status a.inbox")).to_have_count(0)
    stored = admin_api.get(f"/api/v1/accounts/{shop}").json
    assert (stored["email"], stored["version"]) == ("orders@farmacia.example", 2)


def test_stale_edit_shows_the_conflict_and_keeping_mine_saves_over_the_new_version(
    phone, rep, shop, admin_api
):
    """Someone changes the account meanwhile: the push's conflict shown side by side; "keep
    mine" sends the edit again on the server's version."""
    page = phone.new_page()
    _open(page, rep, shop)
    _edit(page, phone="+40 21 555 77 77")
    changed = admin_api.patch(
        f"/api/v1/accounts/{shop}", json={"phone": "+40 21 555 11 11", "industry": "Health"}
    )
    assert changed.status_code == 200

    page.click("wp-account form.edit button.save")

    row = page.locator("wp-account .conflict tr[data-field=phone]")
    expect(row.locator("td.theirs")).to_have_text("+40 21 555 11 11")
    expect(row.locator("td.mine")).to_have_text("+40 21 555 77 77")
    expect(page.locator("wp-sync-status a.inbox")).to_be_visible()
    page.click("wp-account .conflict button.keep-mine")
    _saved_on_the_server(page)
    expect(page.locator("wp-sync-status a.inbox")).to_have_count(0)
    expect(page.locator("wp-account a.call")).to_have_attribute("href", "tel:+40215557777")
    stored = admin_api.get(f"/api/v1/accounts/{shop}").json
    assert (stored["phone"], stored["industry"], stored["version"]) == (
        "+40 21 555 77 77",
        "Health",
        3,
    )


def test_stale_edit_taking_theirs_shows_the_servers_values_and_changes_nothing(
    phone, rep, shop, admin_api
):
    """Choosing the saved values drops the user's edit and shows what the server has."""
    page = phone.new_page()
    _open(page, rep, shop)
    _edit(page, name="My Name For It")
    admin_api.patch(f"/api/v1/accounts/{shop}", json={"name": "Their Name For It"})

    page.click("wp-account form.edit button.save")
    page.click("wp-account .conflict button.take-theirs")

    expect(page.locator("wp-account h1")).to_have_text("Their Name For It")
    expect(page.locator("wp-account form.edit")).to_have_count(0)
    expect(page.locator("wp-sync-status a.inbox")).to_have_count(0)
    stored = admin_api.get(f"/api/v1/accounts/{shop}").json
    assert (stored["name"], stored["version"]) == ("Their Name For It", 2)


def test_create_here_fills_the_reverse_geocoded_address_and_stores_the_position(
    phone, rep, admin_api, fake_geocoder
):
    """At /accounts/new the address of the emulated position is filled in; saving creates the
    account there and opens it."""
    fake_geocoder.add(HERE_ADDRESS, *HERE)
    page = phone.new_page()
    log_in(page, rep.email)

    page.goto("/accounts/new")
    expect(page.locator("wp-account textarea[name=address]")).to_have_value(HERE_ADDRESS)
    page.fill("wp-account input[name=name]", "Chioșc Nou")
    page.click("wp-account form.edit button.save")

    page.wait_for_url(re.compile(rf"/accounts/{UUID}$"))
    expect(page.locator("wp-account h1")).to_have_text("Chioșc Nou")
    expect(page.locator("wp-account dd[data-field=address]")).to_have_text(HERE_ADDRESS)
    created = admin_api.get(f"/api/v1/accounts/{page.url.rsplit('/', 1)[-1]}").json
    assert created["location"] == {"type": "Point", "coordinates": list(HERE)}
    assert created["geocode_status"] == "manual"
    assert created["address"] == HERE_ADDRESS
    assert created["kind"] == "prospect"
    assert [request["path"] for request in fake_geocoder.requests] == ["/reverse"]


def test_account_opened_offline_shows_the_copy_saved_on_the_device(phone, rep, shop):
    """An account seen once still opens after a reload with the network gone, marked offline."""
    page = phone.new_page()
    _open(page, rep, shop)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    phone.set_offline(True)
    page.reload()

    expect(page.locator("wp-account h1")).to_have_text("Farmacia Centrală")
    expect(page.locator("wp-account .offline")).to_be_visible()
    expect(page.locator("wp-account a.call")).to_have_attribute("href", "tel:+40215550102")


def test_the_office_sets_the_visit_frequency_and_the_rep_only_reads_it(
    phone, laptop, rep, shop, org, make_user, admin_api
):
    """Someone in the office sets "visit every 14 days" on the form; the rep sees it read-only,
    and the rep's own edit (which never carries the frequency) is applied, not refused."""
    office = laptop.new_page()
    log_in(office, make_user(org, role="admin").email, then_wait_for="wp-team")
    office.goto(f"/accounts/{shop}")
    office.click("wp-account button.edit")
    office.fill("wp-account form.edit [name=visit_every_days]", "14")
    office.click("wp-account form.edit button.save")

    _saved_on_the_server(office)
    expect(office.locator("wp-account dd[data-field=visit_every_days]")).to_have_text(
        "Every 14 days"
    )
    assert admin_api.get(f"/api/v1/accounts/{shop}").json["visit_every_days"] == 14

    page = phone.new_page()
    _open(page, rep, shop)
    expect(page.locator("wp-account dd[data-field=visit_every_days]")).to_have_text("Every 14 days")
    _edit(page, industry="Pharmacy chain")
    expect(page.locator("wp-account form.edit [name=visit_every_days]")).to_have_count(0)
    page.click("wp-account form.edit button.save")

    _saved_on_the_server(page)
    stored = admin_api.get(f"/api/v1/accounts/{shop}").json
    assert (stored["industry"], stored["visit_every_days"]) == ("Pharmacy chain", 14)
