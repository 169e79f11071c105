"""Steps shared by the browser tests."""

from __future__ import annotations

from typing import Any

from tests.support.fixtures import PASSWORD


def log_in(page: Any, email: str, then_wait_for: str | None = "wp-near") -> None:
    """Log in through the form, then wait for `then_wait_for` (a selector) when given."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    if then_wait_for:
        page.wait_for_selector(then_wait_for)
