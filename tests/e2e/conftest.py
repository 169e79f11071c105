"""Headless Debian Chromium driven by Playwright against the live app."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.e2e.pages import log_in

PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium per test worker (Debian's, found on PATH)."""
    executable = shutil.which("chromium")
    assert executable, "Chromium is missing: run scripts/ensure-browser.sh"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser: Browser, live_server: Any, app: Any) -> Iterator[Any]:
    """A phone-sized browser context at a Bucharest street corner, location allowed."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        geolocation={"latitude": 44.4268, "longitude": 26.1025, "accuracy": 12},
        permissions=["geolocation"],
    )
    yield context
    context.close()


@pytest.fixture
def page(phone: Any, rep: Any) -> Any:
    """The rep logged in on the phone, the service worker in control."""
    page = phone.new_page()
    log_in(page, rep.email)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    return page
