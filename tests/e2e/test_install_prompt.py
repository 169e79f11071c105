"""The in-app install offer: Chromium's deferred prompt, and the iOS "Add to Home Screen" help."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import PHONE, close_context

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)

# What Chromium fires when the app is installable: an event whose prompt() shows its dialog.
FIRE_INSTALLABLE = """() => {
  window.promptShown = false;
  const event = new Event("beforeinstallprompt", { cancelable: true });
  event.prompt = async () => { window.promptShown = true; };
  event.userChoice = Promise.resolve({ outcome: "accepted" });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}"""


@pytest.fixture
def iphone(browser: Any, live_server: Any, app: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, user_agent=IPHONE_SAFARI, is_mobile=True
    )
    yield context
    close_context(context)


def test_install_button_shows_chromiums_prompt_when_the_app_is_installable(phone):
    page = phone.new_page()
    page.goto("/login")
    page.wait_for_selector("wp-login form")
    assert page.locator("wp-install button.install").count() == 0

    prevented = page.evaluate(FIRE_INSTALLABLE)
    page.click("wp-install button.install")

    page.wait_for_function("window.promptShown === true")
    assert prevented is True
    page.wait_for_selector("wp-install button.install", state="detached")


def test_not_now_hides_the_offer_for_good_when_tapped(phone):
    page = phone.new_page()
    page.goto("/login")
    page.wait_for_selector("wp-login form")
    page.evaluate(FIRE_INSTALLABLE)

    page.click("wp-install button.close")
    page.reload()
    page.wait_for_selector("wp-login form")
    page.evaluate(FIRE_INSTALLABLE)

    assert page.locator("wp-install .bar").count() == 0


def test_iphone_safari_gets_add_to_home_screen_steps_when_not_installed(iphone):
    page = iphone.new_page()
    page.goto("/login")

    help_text = page.locator("wp-install .bar").inner_text()

    assert "Add to Home Screen" in help_text
