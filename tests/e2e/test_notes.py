"""Notes on an account in a real browser: written offline and kept on the device across a
reload, sent once, shown with the account's visits newest first, counted by the diagnostics'
checksums, and a note the server refuses put in the inbox."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from server.core.clock import now_utc
from tests.e2e.sync_steps import open_account, open_inbox, record_visit, sync_now, wait_until_sent

CENTRE = (26.1025, 44.4268)
FIRST = "Owner wants the spring catalogue"
SECOND = "Call back after 14:00\nAsk for Ana at the till"


@pytest.fixture
def shop(org, rep, make_account):
    """An account of the rep where the emulated phone stands."""
    return make_account(org, *CENTRE, owner_id=rep.id, name="Corner Shop")


def add_note(page, text):
    """Type a note and tap "Add note"; returns once the device says it is saved."""
    page.fill("wp-note-form textarea[name=body]", text)
    page.click("wp-note-form button.add-note")
    expect(page.locator("wp-note-form .saved")).to_be_visible()
    expect(page.locator("wp-note-form textarea[name=body]")).to_have_value("")


def server_notes(api, account_id):
    """The account's notes as the server lists them, newest first."""
    response = api.get("/api/v1/notes", query_string={"account_id": str(account_id)})
    assert response.status_code == 200, response.json
    items: list[dict] = response.json["items"]
    return items


def history(page, kind="note", status=None):
    """The account's history items of one kind (and status)."""
    selector = f"wp-visit-history li[data-kind={kind}]"
    return page.locator(f"{selector}[data-status={status}]" if status else selector)


def test_two_notes_written_offline_survive_a_reload_and_reach_the_server_once(
    phone, page, rep_api, shop
):
    """Offline: 2 notes, reload (shell from the cache, notes from IndexedDB), online: exactly
    those 2 on the server, with the times they were written, and the device's checksums match."""
    open_account(page, shop)
    phone.set_offline(True)
    add_note(page, FIRST)
    add_note(page, SECOND)
    expect(page.locator("wp-sync-status .badge")).to_have_text("2 waiting")

    page.reload()

    expect(history(page)).to_have_count(2)
    expect(history(page).locator(".body")).to_have_text([SECOND, FIRST])
    expect(history(page, status="waiting")).to_have_count(2)
    assert server_notes(rep_api, shop) == []
    back_online = now_utc()
    phone.set_offline(False)
    wait_until_sent(page)

    stored = server_notes(rep_api, shop)
    assert [note["body"] for note in stored] == [SECOND, FIRST]
    assert all(datetime.fromisoformat(note["written_at"]) < back_online for note in stored)
    expect(history(page, status="synced")).to_have_count(2)
    sync_now(page)
    page.click("wp-diagnostics button.compare")
    expect(page.locator("wp-diagnostics dl.checksums")).to_have_attribute("data-same", "true")
    expect(page.locator("wp-diagnostics dd[data-entity=note]")).to_contain_text("(2 / 2)")


def test_note_added_online_is_sent_and_listed_above_the_visit_before_it(page, rep_api, shop):
    """Online the note takes the same way (saved on the device, then sent): it appears above
    the visit made before it, no longer waiting once the server has it."""
    open_account(page, shop)
    record_visit(page, "met")

    add_note(page, FIRST)
    wait_until_sent(page)

    expect(page.locator("wp-visit-history li")).to_have_count(2)
    expect(page.locator("wp-visit-history li").first).to_have_attribute("data-kind", "note")
    expect(history(page).first).to_have_attribute("data-status", "synced")
    expect(history(page, "visit")).to_have_count(1)
    assert [note["body"] for note in server_notes(rep_api, shop)] == [FIRST]


def test_blank_note_is_not_saved(page, shop):
    """A note of nothing but blanks stays on the form with a message and never reaches the
    outbox."""
    open_account(page, shop)

    page.fill("wp-note-form textarea[name=body]", "   \n  ")
    page.click("wp-note-form button.add-note")

    expect(page.locator("wp-note-form .error")).to_have_text("Write something first.")
    expect(history(page)).to_have_count(0)
    expect(page.locator("wp-sync-status .badge")).to_have_text("0 waiting")


def test_note_the_server_refuses_waits_in_the_inbox_and_leaves_the_history(
    phone, page, rep_api, shop
):
    """A phone clock hours ahead dates the note in the future: the server refuses it, the
    inbox says why, and the note is taken back from the account's history."""
    open_account(page, shop)
    phone.clock.set_fixed_time(now_utc() + timedelta(hours=3))

    add_note(page, FIRST)
    wait_until_sent(page)

    expect(history(page)).to_have_count(0)
    open_inbox(page)
    rejected = page.locator("wp-inbox li.rejected")
    expect(rejected).to_contain_text("Note")
    expect(rejected).to_contain_text("written_at")
    assert server_notes(rep_api, shop) == []
