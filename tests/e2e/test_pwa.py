"""A rep's first minutes with the app, in a real browser: log in, near me, install, offline."""

from __future__ import annotations

import struct

from geopy.distance import geodesic
from playwright.sync_api import expect

from tests.e2e.pages import log_in

CENTRE = (26.1025, 44.4268)


def _destination(metres, bearing):
    point = geodesic(meters=metres).destination((CENTRE[1], CENTRE[0]), bearing)
    return point.longitude, point.latitude


def _listed_ids(page):
    page.wait_for_selector("wp-near li")
    return page.eval_on_selector_all("wp-near li", "items => items.map(item => item.dataset.id)")


def test_near_me_lists_accounts_in_true_distance_order_after_login(
    phone, make_org, make_user, make_account
):
    """The rep logs in and sees their accounts nearest first from the emulated GPS fix."""
    org = make_org()
    rep = make_user(org)
    expected = [
        str(
            make_account(
                org, *_destination(metres, bearing), owner_id=rep.id, name=f"Shop {metres}"
            )
        )
        for metres, bearing in ((120, 10), (450, 200), (900, 95), (2300, 300), (5200, 170))
    ]
    page = phone.new_page()

    log_in(page, rep.email, then_wait_for=None)

    page.wait_for_selector("wp-near li >> nth=4")
    assert _listed_ids(page) == expected
    assert page.url.endswith("/near")


def test_near_me_filters_by_kind_and_status_when_chosen(phone, make_org, make_user, make_account):
    """Kind and status filters narrow the list, still nearest first."""
    org = make_org()
    rep = make_user(org)
    shops = {
        (kind, status): str(
            make_account(org, *_destination(metres, 45), owner_id=rep.id, kind=kind, status=status)
        )
        for metres, kind, status in (
            (100, "customer", "active"),
            (200, "prospect", "new"),
            (300, "customer", "at_risk"),
            (400, "prospect", "qualified"),
        )
    }
    page = phone.new_page()
    log_in(page, rep.email, then_wait_for="wp-near li >> nth=3")

    page.select_option("wp-near select[name=kind]", "customer")
    expect(page.locator("wp-near li")).to_have_count(2)
    customers = _listed_ids(page)
    page.select_option("wp-near select[name=status]", "at_risk")
    expect(page.locator("wp-near li")).to_have_count(1)

    assert customers == [shops[("customer", "active")], shops[("customer", "at_risk")]]
    assert _listed_ids(page) == [shops[("customer", "at_risk")]]


def test_login_error_is_shown_inline(phone, make_org, make_user):
    """A wrong password shows the server's message under the form."""
    rep = make_user(make_org())
    page = phone.new_page()
    page.goto("/login")
    page.fill("input[name=email]", rep.email)
    page.fill("input[name=password]", "not the password")

    page.click("button[type=submit]")

    page.wait_for_selector("wp-login .error:has-text('not correct')")


def _png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_manifest_icons_and_service_worker_make_the_app_installable(phone):
    """Manifest fields, icon sizes (any and maskable) and a controlling service worker."""
    page = phone.new_page()
    page.goto("/")
    manifest = page.request.get("/manifest.webmanifest").json()

    for field in (
        "id",
        "name",
        "short_name",
        "start_url",
        "scope",
        "theme_color",
        "background_color",
    ):
        assert manifest[field]
    assert manifest["display"] == "standalone"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    } <= sizes
    for icon in manifest["icons"]:
        width, height = _png_size(page.request.get(icon["src"]).body())
        assert f"{width}x{height}" == icon["sizes"]
    assert {shortcut["name"] for shortcut in manifest["shortcuts"]} == {"Near me", "Today"}
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")


def test_offline_reload_still_shows_shell_and_last_seen_accounts(
    phone, make_org, make_user, make_account
):
    """With the network gone, a reload shows the app and the accounts seen before."""
    org = make_org()
    rep = make_user(org)
    ids = {
        str(make_account(org, *_destination(300 * n, 40 * n), owner_id=rep.id)) for n in range(1, 4)
    }
    page = phone.new_page()
    log_in(page, rep.email, then_wait_for=None)
    page.wait_for_selector("wp-near li >> nth=2")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    phone.set_offline(True)
    page.reload()

    page.wait_for_selector("wp-near li >> nth=2")
    assert set(_listed_ids(page)) == ids
    assert page.is_visible("wp-near .note")
