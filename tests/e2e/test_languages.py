"""The app speaks the browser's language, can be switched, and formats figures per locale."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from geopy.distance import geodesic
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PHONE, close_context
from tests.e2e.pages import log_in
from tests.e2e.sync_steps import open_account

CENTRE = (26.1025, 44.4268)


@pytest.fixture
def bulgarian_phone(browser: Browser, live_server: Any, app: Any) -> Iterator[Any]:
    """A phone whose browser asks for Bulgarian, in Bucharest, location allowed."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        locale="bg-BG",
        geolocation={"latitude": CENTRE[1], "longitude": CENTRE[0], "accuracy": 12},
        permissions=["geolocation"],
    )
    yield context
    close_context(context)


def _html_lang(page: Page) -> str:
    return str(page.evaluate("document.documentElement.lang"))


def _distance_text(page: Page) -> str:
    page.wait_for_selector("wp-near li .distance")
    return page.inner_text("wp-near li .distance").replace("\u00a0", " ")


def test_login_is_in_bulgarian_when_the_browser_asks_for_bulgarian(bulgarian_phone):
    """The first visit shows the login screen in the browser's language."""
    page = bulgarian_phone.new_page()

    page.goto("/login")

    page.wait_for_selector("wp-login button[type=submit]:has-text('Вход')")
    assert page.inner_text("wp-login label >> nth=1").startswith("Парола")
    assert _html_lang(page) == "bg-BG"
    assert page.input_value("wp-login wp-language select") == "bg"


def test_picking_romanian_translates_the_page_and_is_remembered(bulgarian_phone):
    """Choosing Romanian re-renders the texts and <html lang>, and survives a reload."""
    page = bulgarian_phone.new_page()
    page.goto("/login")
    page.fill("input[name=email]", "half-typed@example.com")

    page.select_option("wp-login wp-language select", "ro")

    page.wait_for_selector("wp-login button[type=submit]:has-text('Autentificare')")
    assert page.inner_text("wp-login label >> nth=1").startswith("Parolă")
    assert _html_lang(page) == "ro"
    assert page.input_value("input[name=email]") == "half-typed@example.com"
    page.reload()
    page.wait_for_selector("wp-login button[type=submit]:has-text('Autentificare')")
    assert _html_lang(page) == "ro"


def test_distances_follow_the_chosen_language(bulgarian_phone, make_org, make_user, make_account):
    """The Near-me list writes 2.3 km the Bulgarian way, then the English way once chosen."""
    org = make_org()
    rep = make_user(org)
    point = geodesic(meters=2340).destination((CENTRE[1], CENTRE[0]), 60)
    make_account(org, point.longitude, point.latitude, owner_id=rep.id)
    page = bulgarian_phone.new_page()
    log_in(page, rep.email, then_wait_for="header a:has-text('Наблизо')")

    assert _distance_text(page).startswith("2,3 ")

    page.select_option("header wp-language select", "en")

    page.wait_for_selector("header a:has-text('Near me')")
    assert _distance_text(page) == "2.3 km"
    assert _html_lang(page) == "en"


def test_screens_already_open_follow_a_language_change(page, shop):
    """Switching the language in the header re-renders the account screen's parts, the visit
    flow and the note form, without a reload."""
    open_account(page, shop)
    expect(page.locator("wp-note-form button.add-note")).to_have_text("Add note")

    page.select_option("header wp-language select", "ro")

    expect(page.locator("wp-note-form button.add-note")).to_have_text("Adaugă notița")
    expect(page.locator("wp-visit-flow button.check-in")).not_to_have_text("Check in")
    page.goto("/settings")
    expect(page.locator("wp-settings h1")).to_have_text("Setări")
