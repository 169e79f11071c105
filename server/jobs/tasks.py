"""The task functions: each runs domain operations in units of work, with no transaction open
while it waits on anything outside (the geocoder)."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta

import procrastinate

from server.accounts import operations as accounts
from server.config import current_settings
from server.core.clock import now_utc
from server.core.queue import unfinished_jobs
from server.core.transaction import unit_of_work
from server.users.housekeeping import purge_stale_logins
from server.visits.operations import drop_expired_locations

log = logging.getLogger(__name__)

GEOCODE_QUEUE = "geocode"
# A pending account unchanged for this long whose job is not queued any more had it lost.
SWEEP_GRACE = timedelta(minutes=10)
SWEEP_BATCH = 1000


def geocode_account(account_id: str) -> str:
    """Geocode one pending account and record the answer (a new version, its owner poked);
    returns its geocode_status afterwards, or "skipped" when it was no longer pending."""
    key = uuid.UUID(account_id)
    with unit_of_work():
        address = accounts.pending_address(key)
    if address is None:
        return "skipped"
    started = time.monotonic()
    location, status = accounts.geocode_address(address)
    if status != "pending":
        with unit_of_work():
            accounts.record_geocode(key, address, location, status)
    _keep_spacing(started)
    return status


def _keep_spacing(started: float) -> None:
    """Hold the geocoder's job lock for the provider's minimum interval: jobs run one at a time
    on every worker, so the next one, wherever it runs, asks no sooner."""
    rest = current_settings().geocoder_min_interval_s - (time.monotonic() - started)
    if rest > 0:
        time.sleep(rest)


def sweep_pending_geocodes(timestamp: int) -> int:
    """Queue again the pending accounts whose geocoding job was lost; nothing while geocoding
    jobs are still queued (they may be the ones). Returns how many were queued."""
    if unfinished_jobs(GEOCODE_QUEUE):
        return 0
    with unit_of_work():
        lost = accounts.pending_account_ids(now_utc() - SWEEP_GRACE, SWEEP_BATCH)
        accounts.geocode_again(lost)
    return len(lost)


def geocode_pending(batch_size: int) -> tuple[int, int, int]:
    """Geocode pending accounts now, oldest first: (located, not found, still pending). Stops at
    the first the geocoder cannot answer for: it is down, so the rest wait."""
    with unit_of_work():
        waiting = accounts.pending_account_ids(limit=batch_size)
    outcomes = {"ok": 0, "failed": 0, "pending": 0, "skipped": 0}
    for position, account_id in enumerate(waiting):
        status = geocode_account(str(account_id))
        if status == "pending":
            outcomes["pending"] = len(waiting) - position
            break
        outcomes[status] += 1
    return outcomes["ok"], outcomes["failed"], outcomes["pending"]


def drop_visit_locations(timestamp: int) -> int:
    """Forget the raw coordinates of visits past their organisation's retention period."""
    with unit_of_work():
        return drop_expired_locations()


def purge_logins(timestamp: int) -> tuple[int, int]:
    """Delete old failed logins and sessions that can no longer be used."""
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
