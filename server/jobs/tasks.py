"""The task functions: each runs domain operations in units of work, with no transaction open
while it waits on anything outside (the geocoder)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import procrastinate

from server.accounts import operations as accounts
from server.campaigns import operations as campaigns
from server.config import current_settings
from server.core import webhooks
from server.core.transaction import unit_of_work
from server.territories import assignment as territories
from server.users.housekeeping import purge_stale_logins
from server.visits.operations import drop_expired_locations

GEOCODE_QUEUE = "geocode"
# A campaign's targets and tasks are made this many to a unit of work: each commit sends its
# tasks' events, and the campaign's progress moves.
LAUNCH_CHUNK = 500
# A geocoding job hands over to a fresh one after this long, so a worker asked to stop waits
# for it a minute at most.
GEOCODE_FOR_S = 60.0
BATCH = 100


def geocode_pending_accounts() -> int:
    """Geocode pending accounts, longest waiting first, until none is left or the geocoder is
    down (the sweep tries again later); after a minute, queue a fresh job for the rest.
    Returns how many accounts were located or found to have no match."""
    deadline = time.monotonic() + GEOCODE_FOR_S
    settled = 0
    while time.monotonic() < deadline:
        with unit_of_work():
            waiting = accounts.pending_account_ids(limit=BATCH)
        if not waiting:
            return settled
        for account_id in waiting:
            status = geocode_account(account_id)
            if status == "pending":
                return settled
            settled += status != "skipped"
            if time.monotonic() >= deadline:
                break
    with unit_of_work():
        accounts.geocode_later()
    return settled


def geocode_account(account_id: uuid.UUID) -> str:
    """Geocode one pending account and record the answer (a new version, its owner poked);
    returns its geocode_status afterwards, or "skipped" when it was no longer pending. No
    transaction is open while the geocoder is asked."""
    with unit_of_work():
        address = accounts.pending_address(account_id)
    if address is None:
        return "skipped"
    started = time.monotonic()
    location, status = accounts.geocode_address(address)
    if status != "pending":
        with unit_of_work():
            accounts.record_geocode(account_id, address, location, status)
    _keep_spacing(started)
    return status


def _keep_spacing(started: float) -> None:
    """Hold the geocoder's job lock for the provider's minimum interval: geocoding jobs run one
    at a time over every worker, so the next request, wherever it runs, comes no sooner."""
    rest = current_settings().geocoder_min_interval_s - (time.monotonic() - started)
    if rest > 0:
        time.sleep(rest)


def sweep_pending_geocodes(timestamp: int) -> bool:
    """Queue a geocoding job when accounts wait for one: their job was lost (the process died
    between its commit and deferring it) or gave up while the geocoder was down. Returns
    whether there were any."""
    with unit_of_work():
        waiting = bool(accounts.pending_account_ids(limit=1))
        if waiting:
            accounts.geocode_later()
    return waiting


def geocode_pending(batch_size: int) -> tuple[int, int, int]:
    """Geocode pending accounts now, in the foreground: (located, not found, still pending).
    Stops at the first the geocoder cannot answer for: it is down, so the rest wait."""
    with unit_of_work():
        waiting = accounts.pending_account_ids(limit=batch_size)
    outcomes = {"ok": 0, "failed": 0, "pending": 0, "skipped": 0}
    for position, account_id in enumerate(waiting):
        status = geocode_account(account_id)
        if status == "pending":
            outcomes["pending"] = len(waiting) - position
            break
        outcomes[status] += 1
    return outcomes["ok"], outcomes["failed"], outcomes["pending"]


def assign_territory(territory_id: str) -> int:
    """Re-assign the accounts a territory's change concerns, a batch per transaction, counting
    progress on the territory; stops early when the territory is deleted or changed again (the
    job that change queued starts over). Returns how many accounts it examined."""
    found = uuid.UUID(territory_id)
    with unit_of_work():
        account_ids = territories.start_job(found)
    if not account_ids:
        return 0
    examined = 0
    for start in range(0, len(account_ids), territories.JOB_BATCH):
        batch = account_ids[start : start + territories.JOB_BATCH]
        with unit_of_work():
            if not territories.run_job_batch(found, batch):
                break
        examined += len(batch)
    return examined


def drop_visit_locations(timestamp: int) -> int:
    """Forget the raw coordinates of visits past their organisation's retention period."""
    with unit_of_work():
        return drop_expired_locations()


def purge_logins(timestamp: int) -> tuple[int, int]:
    """Delete closed rate-limit windows (failed logins) and sessions that can no longer be
    used."""
    with unit_of_work():
        return purge_stale_logins()


async def retry_stalled_jobs(context: procrastinate.JobContext, timestamp: int) -> int:
    """Put back the jobs of workers that died mid-job (no heartbeat), so their locks free."""
    if context.app is None:
        return 0
    stalled = list(await context.app.job_manager.get_stalled_jobs())
    for job in stalled:
        await context.app.job_manager.retry_job(job)
    return len(stalled)


def launch_campaign(campaign_id: str, user_id: str) -> int:
    """Make a launched campaign's missing targets and their tasks, as `user_id` (the manager
    who launched or refreshed it) sees the audience: planned in one unit of work, made a chunk
    per unit of work, then marked done. Returns how many targets were new."""
    return make_campaign_targets(uuid.UUID(campaign_id), uuid.UUID(user_id), unit_of_work)


def make_campaign_targets(
    campaign: uuid.UUID, user: uuid.UUID, step: Callable[[], AbstractContextManager[Any]]
) -> int:
    """The launch job's work, each step inside `step()`: a unit of work of its own for the job,
    or no more than the transaction already open (the demo seed launches its campaign within
    its own). Returns how many targets were new."""
    with step():
        placements = campaigns.plan_targets(campaign, user)
    made = 0
    for start in range(0, len(placements), LAUNCH_CHUNK):
        with step():
            made += campaigns.add_targets(campaign, user, placements[start : start + LAUNCH_CHUNK])
    with step():
        campaigns.finish_launch(campaign)
    return made


def deliver_campaign_audience(campaign_id: str, user_id: str, url: str, delivery_id: str) -> bool:
    """POST a campaign's audience, signed, to `url`: read in one unit of work, sent with none
    open, the outcome recorded in another. A failure raises, and the queue tries again later
    (see jobs.schedule); a receiver at an address deliveries may not reach is refused for good.
    Returns whether the receiver took it."""
    with unit_of_work():
        payload = campaigns.start_delivery(uuid.UUID(campaign_id), uuid.UUID(user_id), delivery_id)
    if payload is None:
        return False
    secret = campaigns.delivery_secret(payload.org_id)
    headers = webhooks.signed_headers(secret, delivery_id, int(time.time()), payload.body)
    try:
        status = webhooks.post(url, payload.body, headers)
    except webhooks.DeliveryRefusedError as error:
        with unit_of_work():
            campaigns.finish_delivery(delivery_id, "refused", error=str(error))
        return False
    except webhooks.DeliveryFailedError as error:
        with unit_of_work():
            state = campaigns.state_after_failure(payload.attempt)
            campaigns.finish_delivery(delivery_id, state, error.status, error.message)
        raise
    with unit_of_work():
        campaigns.finish_delivery(delivery_id, "delivered", status, accounts=payload.accounts)
    return True
