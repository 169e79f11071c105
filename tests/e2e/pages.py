"""Steps shared by the browser tests."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.support.fixtures import PASSWORD


def log_in(page: Any, email: str, then_wait_for: str | None = "wp-near") -> None:
    """Log in through the form, then wait for `then_wait_for` (a selector) when given."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    if then_wait_for:
        page.wait_for_selector(then_wait_for)


def assign_work(
    desk: Any,
    assignee_id: Any,
    account_id: Any,
    account_query: str,
    account_name: str,
    title: str,
    priority: str | None = None,
    notes: str | None = None,
) -> None:
    """A manager's Assign work, from the navigation to the saved note: the rep, the account
    found by `account_query`, the title, and the priority and notes when given."""
    desk.click("wp-app nav a[href='/assign']")
    desk.select_option("wp-assign select[name=assignee]", str(assignee_id))
    desk.fill("wp-assign input[name=account_query]", account_query)
    desk.click(f"wp-assign ul.results button[data-id='{account_id}']")
    expect(desk.locator("wp-assign .chosen")).to_have_text(account_name)
    desk.fill("wp-assign input[name=title]", title)
    if priority is not None:
        desk.select_option("wp-assign select[name=priority]", priority)
    if notes is not None:
        desk.fill("wp-assign textarea[name=notes]", notes)
    desk.click("wp-assign button[type=submit]")
    expect(desk.locator("wp-assign .saved")).to_contain_text(title)
