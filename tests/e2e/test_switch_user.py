"""Another user on the same device: the previous user's unsent changes are never dropped
silently."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.pages import log_in
from tests.e2e.sync_steps import open_account, outbox_count, record_visit, sync_state

CENTRE = (26.1025, 44.4268)


def test_other_user_is_held_back_until_the_waiting_changes_are_discarded_knowingly(
    phone, org, rep, make_user, make_account
):
    """Rep A's visit cannot be sent; rep B logs in: told whose changes wait, B may only go on
    by discarding them after a warning, and then gets a device id of their own."""
    other = make_user(org)
    shop = make_account(org, *CENTRE, owner_id=rep.id)
    page = phone.new_page()
    log_in(page, rep.email)
    phone.route("**/api/v1/sync/push", lambda route: route.abort("connectionrefused"))
    open_account(page, shop)
    record_visit(page)
    first_client = sync_state(page)["client_id"]
    page.click("wp-app header button:has-text('Log out')")

    log_in(page, other.email, then_wait_for="wp-app .other-user")

    expect(page.locator("wp-app .other-user")).to_contain_text(rep.name)
    assert outbox_count(page) == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("wp-app .other-user button.discard")
    page.wait_for_selector("wp-near")
    assert outbox_count(page) == 0
    assert sync_state(page)["client_id"] != first_client
    assert sync_state(page)["user_id"] == str(other.id)
