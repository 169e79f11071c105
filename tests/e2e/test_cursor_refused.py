"""A device whose pull cursor the server no longer takes (SECRET_KEY changed, or a cursor of an
older format) downloads everything again instead of retrying that cursor for ever."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

from tests.e2e.pages import log_in
from tests.e2e.sync_steps import local_account_ids, sync_now, sync_state, wait_for

PULLS = "**/api/v1/sync/pull?*"
# A cursor as the server made them before they were signed: base64 JSON, nothing more.
UNSIGNED = base64.urlsafe_b64encode(json.dumps(["3:3:", None, 0, None, None]).encode()).decode()


class ForgeUntilSnapshot:
    """Route for the pulls: every pull from a cursor goes out with an unsigned one instead, until
    the device asks for a full snapshot. A page the test navigates away from may be cut off
    between the refusal and forgetting its cursor; the next page then sends that cursor again and
    is refused in turn. Records the cursor each pull sent (None: a full snapshot)."""

    def __init__(self) -> None:
        self.sent: list[str | None] = []

    def __call__(self, route: Any) -> None:
        url = urlparse(route.request.url)
        query = {name: values[-1] for name, values in parse_qs(url.query).items()}
        if "cursor" in query and None not in self.sent:
            query["cursor"] = UNSIGNED
        self.sent.append(query.get("cursor"))
        route.continue_(url=urlunparse(url._replace(query=urlencode(query))))


def first_sync_done(page: Any) -> bool:
    state = sync_state(page) or {}
    return (
        len(local_account_ids(page)) == 1
        and bool(state.get("cursor"))
        and bool(state.get("last_synced_at"))
    )


def test_refused_cursor_makes_the_device_download_everything_again(phone, org, rep, make_account):
    make_account(org, 26.1, 44.43, owner_id=rep.id)
    page = phone.new_page()
    log_in(page, rep.email)
    # The first sync has ended with a cursor stored: every later pull starts from one (the pull
    # the socket's connect asks for may otherwise still go out without, as a second snapshot).
    wait_for(page, "the first sync", lambda: first_sync_done(page))
    pulls = ForgeUntilSnapshot()
    phone.route(PULLS, pulls)
    added = str(make_account(org, 26.1, 44.43, owner_id=rep.id))

    sync_now(page)
    wait_for(page, "the new account", lambda: added in local_account_ids(page))

    refused = pulls.sent[: pulls.sent.index(None)]
    assert refused and set(refused) == {UNSIGNED}
