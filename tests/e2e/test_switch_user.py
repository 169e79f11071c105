"""Another user on the same device: the previous user's unsent changes are never dropped
silently."""

from __future__ import annotations

from typing import Any

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import text

from server.extensions import db
from tests.e2e.pages import log_in
from tests.e2e.sync_steps import open_account, outbox_count, record_visit, sync_state

CENTRE = (26.1025, 44.4268)


def _end_sessions(app: Flask, user_id: Any) -> None:
    """The server ends every session of a user (as a password change or an expiry does)."""
    with app.app_context():
        db.session.execute(
            text("UPDATE user_sessions SET revoked_at = now() WHERE user_id = :u"), {"u": user_id}
        )
        db.session.commit()
        db.session.remove()


def test_other_user_is_held_back_until_the_waiting_changes_are_discarded_knowingly(
    phone, app, org, rep, make_user, make_account
):
    """Rep A's visit cannot be sent and A's session ends (logging out would first ask to send
    or discard it); rep B logs in: told whose changes wait, B may only go on by discarding them
    after a warning, and then gets a device id of their own."""
    other = make_user(org)
    shop = make_account(org, *CENTRE, owner_id=rep.id)
    page = phone.new_page()
    log_in(page, rep.email)
    phone.route("**/api/v1/sync/push", lambda route: route.abort("connectionrefused"))
    open_account(page, shop)
    record_visit(page)
    first_client = sync_state(page)["client_id"]
    _end_sessions(app, rep.id)
    page.reload()
    page.wait_for_selector("wp-login")

    log_in(page, other.email, then_wait_for="wp-app .other-user")

    expect(page.locator("wp-app .other-user")).to_contain_text(rep.name)
    assert outbox_count(page) == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("wp-app .other-user button.discard")
    page.wait_for_selector("wp-near")
    assert outbox_count(page) == 0
    assert sync_state(page)["client_id"] != first_client
    assert sync_state(page)["user_id"] == str(other.id)
