"""A seeded randomised fault run: visits recorded in two tabs, and contacts made (some edited
at once) on an account, while the network comes and goes, acknowledgements are lost, the server
answers 5xx and 429, and tabs reload. At the end the device's ledger (every visit and contact
change whose IndexedDB transaction completed), the server's rows, its mutation ledger and the
checksums must agree: nothing lost, nothing duplicated.

FAULT_RUN_MUTATIONS (default 2,000) sets the length and FAULT_RUN_SEED the seed; `make
fault-run` runs 10,000. A failing seed is printed so it can be replayed.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import log_in
from tests.e2e.sync_steps import (
    RECORD_VISITS_JS,
    expected_hash,
    open_account,
    record_contacts,
    record_visits,
    server_contacts,
    server_ledger,
    server_visits,
    sync_now,
    sync_state,
    wait_until_sent,
)

CENTRE = (26.1025, 44.4268)
MUTATIONS = int(os.environ.get("FAULT_RUN_MUTATIONS", "2000"))
SEED = int(os.environ.get("FAULT_RUN_SEED", "20261123"))

# Per push: what goes wrong (the rest pass through). Pulls fail with a 503 now and then too.
PUSH_FAULTS = [
    ("lost_ack", 0.12),  # the server applies the batch, the answer never arrives
    ("503", 0.04),
    ("500", 0.04),
    ("429", 0.02),
]
PULL_503 = 0.05


class FaultInjector:
    """Playwright routes in front of the live server for the sync endpoints; seeded."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.active = True
        self.counts: Counter[str] = Counter()

    def push(self, route) -> None:
        self.counts["push"] += 1
        fault = self._pick() if self.active else None
        if fault is None:
            route.fulfill(response=route.fetch())
            return
        self.counts[fault] += 1
        if fault == "lost_ack":
            route.fetch()
            route.abort("connectionreset")
            return
        headers = {"Retry-After": "1"} if fault in ("503", "429") else {}
        error = {"error": {"code": "injected", "message": fault, "fields": {}}}
        route.fulfill(status=int(fault), headers=headers, body=json.dumps(error))

    def pull(self, route) -> None:
        self.counts["pull"] += 1
        if self.active and self.rng.random() < PULL_503:
            self.counts["pull_503"] += 1
            route.fulfill(status=503, headers={"Retry-After": "1"}, body="{}")
            return
        route.fulfill(response=route.fetch())

    def _pick(self) -> str | None:
        roll = self.rng.random()
        for name, chance in PUSH_FAULTS:
            if roll < chance:
                return name
            roll -= chance
        return None


@pytest.fixture
def shops(org, rep, make_account):
    """Two accounts of the rep, one per tab."""
    return [make_account(org, *CENTRE, owner_id=rep.id) for _ in range(2)]


@pytest.mark.timeout(120 + MUTATIONS // 10)
def test_seeded_fault_run_loses_and_duplicates_nothing(phone, app, rep, shops):
    """MUTATIONS visits under random faults: 0 lost, 0 duplicated, checksums equal."""
    rng = random.Random(SEED)
    faults = FaultInjector(random.Random(SEED + 1))
    tabs = [phone.new_page(), None]
    log_in(tabs[0], rep.email)
    tabs[0].evaluate("navigator.serviceWorker.ready.then(() => true)")
    tabs[1] = phone.new_page()
    for tab, shop in zip(tabs, shops, strict=True):
        open_account(tab, shop)
    phone.route("**/api/v1/sync/push", faults.push)
    phone.route("**/api/v1/sync/pull*", faults.pull)
    ledger: list[str] = []
    contacts: list[str] = []
    edited: set[str] = set()
    events: Counter[str] = Counter()
    offline = False
    started = time.monotonic()

    while len(ledger) + len(contacts) + len(edited) < MUTATIONS:
        action = rng.choices(
            ["record", "two_tabs", "contacts", "offline", "reload", "pause"],
            weights=[45, 15, 8, 10, 8, 14],
        )[0]
        events[action] += 1
        size = min(rng.randint(5, 60), MUTATIONS - len(ledger) - len(contacts) - len(edited))
        if action == "contacts":
            # A contact and its edit are two mutations: size // 2 contacts, some edited.
            count = max(1, min(5, size // 2))
            made, edits = record_contacts(tabs[rng.randrange(2)], count, rng.randint(0, count))
            contacts += made
            edited |= set(made[:edits])
        elif action == "record":
            ledger += record_visits(tabs[rng.randrange(2)], size)
        elif action == "two_tabs" and size >= 2:
            # Both tabs record at once: the device's counter is shared through IndexedDB.
            tabs[1].evaluate(
                f"() => {{ window.__batch = ({RECORD_VISITS_JS})"
                f"({{count: {size // 2}, outcome: 'met'}}); }}"
            )
            ledger += record_visits(tabs[0], size - size // 2)
            ledger += tabs[1].evaluate("window.__batch")
        elif action == "offline":
            offline = not offline
            phone.set_offline(offline)
        elif action == "reload":
            tab = tabs[rng.randrange(2)]
            tab.reload()
            tab.wait_for_selector("wp-visit-flow button.check-in")
        else:
            tabs[0].wait_for_timeout(rng.randint(50, 500))

    faults.active = False
    phone.set_offline(False)
    sync_now(tabs[0])
    wait_until_sent(tabs[0], timeout_s=180)
    sync_now(tabs[0])  # one more pull after the last push
    expect(tabs[0].locator("wp-diagnostics .last-error")).to_be_visible()
    tabs[0].click("wp-diagnostics button.compare")
    expect(tabs[0].locator("wp-diagnostics dl.checksums")).to_be_visible()
    client_same = tabs[0].get_attribute("wp-diagnostics dl.checksums", "data-same")
    server_checksum = tabs[0].request.get("/api/v1/sync/checksum").json()
    client_id = sync_state(tabs[0])["client_id"]
    stored = server_visits(app, rep.id)
    people = server_contacts(app, rep.id)
    mutations = server_ledger(app, client_id)
    elapsed = time.monotonic() - started

    print(
        f"\nfault run seed={SEED}: {len(ledger)} visits saved on the device, "
        f"{len(stored)} on the server; {len(contacts)} contacts ({len(edited)} edited) on the "
        f"device, {len(people)} on the server; {len(mutations)} ledger rows, {elapsed:.0f} s; "
        f"faults {dict(faults.counts)}; actions {dict(events)}"
    )
    saved = set(ledger)
    on_server = [str(visit["id"]) for visit in stored]
    assert len(saved) == len(ledger), "a visit id was reported twice by the device"
    assert saved - set(on_server) == set(), f"lost (seed {SEED})"
    assert len(on_server) == len(set(on_server)) == len(saved), f"duplicated (seed {SEED})"
    total = len(ledger) + len(contacts) + len(edited)
    assert [row["mutation_id"] for row in mutations] == list(range(1, total + 1))
    assert {row["status"] for row in mutations} == {"applied"}
    assert {str(row["entity_id"]) for row in mutations} == saved | set(contacts)
    assert server_checksum["visit"]["count"] == len(saved)
    assert server_checksum["visit"]["hash"] == expected_hash([(i, 1) for i in on_server])
    versions = {str(row["id"]): row["version"] for row in people}
    assert len(versions) == len(people) == len(set(contacts)) == len(contacts), f"seed {SEED}"
    assert versions == {i: 2 if i in edited else 1 for i in contacts}, f"contacts (seed {SEED})"
    assert {str(row["id"]) for row in people if row["title"] == "Edited"} == edited
    assert server_checksum["contact"]["count"] == len(contacts)
    assert server_checksum["contact"]["hash"] == expected_hash(list(versions.items()))
    assert client_same == "true"
    assert faults.counts["lost_ack"] > 0
    assert faults.counts["503"] + faults.counts["500"] + faults.counts["429"] > 0
