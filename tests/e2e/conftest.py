"""Headless Debian Chromium driven by Playwright against the live app."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, expect, sync_playwright

from tests.e2e.pages import log_in

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
# A Bucharest street corner.
STREET_CORNER = {"latitude": 44.4268, "longitude": 26.1025, "accuracy": 12}
# Several browsers and app servers share the machine while the suite runs in parallel: an app
# booting after a reload may take longer than Playwright's default five seconds to pull.
expect.set_options(timeout=15_000)
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


def new_phone(browser: Browser, base_url: str, timezone_id: str | None = None) -> BrowserContext:
    """A phone-sized browser context on `base_url` at a Bucharest street corner, location
    allowed, in the machine's time zone unless given one; the caller closes it."""
    return browser.new_context(
        base_url=base_url,
        viewport=PHONE,
        geolocation=STREET_CORNER,
        permissions=["geolocation"],
        timezone_id=timezone_id,
    )


def new_laptop(browser: Browser, base_url: str) -> BrowserContext:
    """A laptop-sized browser context on `base_url`, no location; the caller closes it."""
    return browser.new_context(base_url=base_url, viewport=LAPTOP)


@pytest.fixture
def phone(browser: Browser, live_server: Any, app: Any) -> Iterator[Any]:
    """A phone-sized browser context at a Bucharest street corner, location allowed."""
    context = new_phone(browser, live_server.url)
    yield context
    close_context(context)


@pytest.fixture
def laptop(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    """A laptop-sized browser context with no location: a manager's desk, beside the rep's
    phone."""
    context = new_laptop(browser, live_server.url)
    yield context
    close_context(context)


def close_context(context: BrowserContext) -> None:
    """Close a context whose route handlers may still be running (a request the app sent at the
    end of the test): their errors would otherwise surface in the worker's next test."""
    context.unroute_all(behavior="ignoreErrors")
    context.close()


@pytest.fixture
def page(phone: Any, rep: Any) -> Any:
    """The rep logged in on the phone, the service worker in control."""
    page = phone.new_page()
    log_in(page, rep.email)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    return page
