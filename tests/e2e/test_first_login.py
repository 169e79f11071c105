"""First login, tried as a new user would: without a position Near me searches a place through
the geocoder (typed coordinates kept, offline too); a task due soon raises a reminder once;
the reminder setting is the user's own; a manager's Today holds only the manager's own tasks."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from server.core.clock import now_utc
from tests.e2e.conftest import PHONE, close_context
from tests.e2e.pages import log_in
from tests.e2e.sync_steps import local_account_ids, wait_for

VICTORIEI = ("Piața Victoriei, Sector 1, Bucharest, Romania", 26.0864, 44.4522)
UNIRII = ("Piața Unirii, Sector 3, Bucharest, Romania", 26.1027, 44.4268)
# Accounts around Piața Victoriei (about 150 m and 600 m away) and one by Piața Unirii, 3 km off.
NEAR_VICTORIEI = ((26.0880, 44.4530), (26.0920, 44.4490))
BY_UNIRII = (26.1030, 44.4270)

TASKS_JS = """async () => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open("waypoint");
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    return await new Promise((resolve, reject) => {
      const request = db.transaction("tasks").objectStore("tasks").getAll();
      request.onsuccess = () => resolve(request.result.map((task) => task.title).sort());
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}"""


@pytest.fixture
def no_location(browser: Any, live_server: Any, app: Any) -> Any:
    """A phone-sized context whose user never allowed location: every request is refused."""
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    yield context
    close_context(context)


@pytest.fixture
def accounts(org, rep, make_account):
    """The rep's accounts: two near Piața Victoriei, nearest first, and one by Piața Unirii."""
    near = [
        str(make_account(org, lng, lat, owner_id=rep.id, name=f"Near {number}"))
        for number, (lng, lat) in enumerate(NEAR_VICTORIEI, 1)
    ]
    far = str(make_account(org, *BY_UNIRII, owner_id=rep.id, name="By Unirii"))
    return near, far


def _listed(page):
    return page.eval_on_selector_all("wp-near ul li", "items => items.map(item => item.dataset.id)")


def test_user_without_location_searches_a_place_and_sees_the_accounts_around_it(
    no_location, rep, accounts, fake_geocoder
):
    """Location refused: Near me says so and offers a place search; the user picks one of the
    geocoder's answers and the accounts around it are listed nearest first, also after a
    reload (the place is kept like a position)."""
    for address, lng, lat in (VICTORIEI, UNIRII):
        fake_geocoder.add(address, lng, lat)
    near, far = accounts
    page = no_location.new_page()
    log_in(page, rep.email, then_wait_for="wp-near .place")
    expect(page.locator("wp-near .place #place-why")).to_contain_text("Location is off")

    page.fill("wp-near input[name=q]", "Piața")
    page.click("wp-near form[role=search] button[type=submit]")
    answers = page.locator("wp-near .places button.pick")
    expect(answers).to_have_text([VICTORIEI[0], UNIRII[0]])
    answers.first.click()

    expect(page.locator("wp-near .where")).to_have_text(f"Around {VICTORIEI[0]}")
    expect(page.locator("wp-near ul li")).to_have_count(3)
    assert _listed(page) == [*near, far]
    assert fake_geocoder.requests[-1]["query"]["q"] == "Piața"
    page.reload()
    expect(page.locator("wp-near .where")).to_have_text(f"Around {VICTORIEI[0]}")
    expect(page.locator("wp-near ul li")).to_have_count(3)
    assert _listed(page) == [*near, far]


def test_place_search_says_so_when_offline_and_typed_coordinates_still_work(
    no_location, rep, accounts
):
    """Offline, the search says it needs a connection and opens the coordinates, which list
    the accounts this device holds around the point typed."""
    near, far = accounts
    page = no_location.new_page()
    log_in(page, rep.email, then_wait_for="wp-near .place")
    wait_for(page, "the accounts on the device", lambda: len(local_account_ids(page)) == 3)

    no_location.set_offline(True)
    page.fill("wp-near input[name=q]", "Piața Victoriei")
    page.click("wp-near form[role=search] button[type=submit]")

    expect(page.locator("wp-near .place-status")).to_contain_text("You are offline")
    expect(page.locator("wp-near details.coordinates")).to_have_attribute("open", "")
    page.fill("wp-near input[name=lat]", str(BY_UNIRII[1]))
    page.fill("wp-near input[name=lng]", str(BY_UNIRII[0]))
    page.click("wp-near details.coordinates button[type=submit]")
    expect(page.locator("wp-near ul li")).to_have_count(3)
    assert _listed(page) == [far, *reversed(near)]


@pytest.fixture
def admin_api(org, make_user, logged_in):
    """Someone in the office, giving the rep tasks through the API."""
    return logged_in(make_user(org, role="admin"))


@pytest.fixture
def give_task(admin_api, rep):
    """POST /api/v1/tasks for the rep, due `due_in` from now."""

    def give(title: str, due_in: timedelta) -> dict[str, Any]:
        body = {
            "title": title,
            "assignee_id": str(rep.id),
            "due_at": (now_utc() + due_in).isoformat(),
        }
        response = admin_api.post("/api/v1/tasks", json=body)
        assert response.status_code == 201, response.json
        task: dict[str, Any] = response.json
        return task

    return give


def _reminder(page, task):
    return page.locator(f"wp-reminders [role=status] .reminder[data-task='{task['id']}']")


def test_task_due_soon_raises_one_reminder_that_a_reload_does_not_repeat(page, give_task):
    """A task due in ten minutes raises a notice in the live region (one due in three hours
    does not); dismissed, it goes; after a reload only a newer task due soon is announced."""
    # The app is closed while the tasks are given: open, it could pull them at once (the live
    # event) and raise the first notice before the test looks.
    page.goto("about:blank")
    soon = give_task("Bring the new price list", timedelta(minutes=10))
    later = give_task("Count the stock", timedelta(hours=3))
    page.goto("/today")

    notice = _reminder(page, soon)
    expect(notice).to_contain_text(
        re.compile(r"Reminder: “Bring the new price list” is due in \d+ minutes")
    )
    expect(_reminder(page, later)).to_have_count(0)
    notice.locator("button.dismiss").click()
    expect(notice).to_have_count(0)

    page.reload()
    newer = give_task("Call the owner", timedelta(minutes=5))
    expect(_reminder(page, newer)).to_be_visible()
    expect(page.locator("wp-reminders .reminder")).to_have_count(1)


def test_reminder_setting_changed_in_settings_reminds_of_tasks_further_ahead(
    page, give_task, rep, logged_in
):
    """Thirty minutes ahead by default; set to two hours in Settings (kept on the server), a
    task due in ninety minutes is reminded of at once."""
    task = give_task("Deliver the display stand", timedelta(minutes=90))
    page.goto("/today")
    expect(page.locator(f"wp-today li[data-id='{task['id']}']")).to_be_visible()
    expect(_reminder(page, task)).to_have_count(0)

    page.goto("/settings")
    page.select_option("wp-settings select[name=reminder]", "120")

    expect(page.locator("wp-settings .reminder-note")).to_have_text("Saved.")
    expect(_reminder(page, task)).to_contain_text("Deliver the display stand")
    assert logged_in(rep).get("/api/v1/auth/me").json["user"]["reminder_minutes"] == 120


def test_managers_today_lists_only_their_own_tasks(phone, org, make_user, make_account, logged_in):
    """The manager's device holds the team's tasks (the pull brings them), but Today lists only
    the tasks assigned to the manager."""
    manager = make_user(org, role="manager")
    rep = make_user(org, manager_id=manager.id)
    shop = str(make_account(org, *BY_UNIRII, owner_id=rep.id, name="Farmacia Unirii"))
    manager_api = logged_in(manager)
    due = (now_utc() + timedelta(hours=2)).isoformat()
    for title, assignee in (("Prepare the team review", manager), ("Visit the pharmacy", rep)):
        body = {"title": title, "assignee_id": str(assignee.id), "account_id": shop, "due_at": due}
        assert manager_api.post("/api/v1/tasks", json=body).status_code == 201
    page = phone.new_page()
    log_in(page, manager.email, then_wait_for=None)
    page.wait_for_selector("wp-sync-status")

    page.goto("/today")

    expect(page.locator("wp-today li.task .title")).to_have_text(["Prepare the team review"])
    wait_for(
        page,
        "the team's tasks on the device",
        lambda: page.evaluate(TASKS_JS) == ["Prepare the team review", "Visit the pharmacy"],
    )
    expect(page.locator("wp-today li.task")).to_have_count(1)
