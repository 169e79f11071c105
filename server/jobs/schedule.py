"""Which tasks the queue knows, on which queue and lock, and when the periodic ones run."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import procrastinate
from flask import Flask

from server.accounts.operations import GEOCODE_TASK
from server.campaigns.operations import DELIVER_TASK, DELIVERY_ATTEMPTS, LAUNCH_TASK
from server.jobs import tasks
from server.territories.assignment import ASSIGN_TASK

# Every geocoding job holds this lock: one runs at a time over all workers, which with the
# padding in the job keeps the provider's request spacing. Its queueing lock keeps at most one
# waiting: asking again while one waits queues nothing more.
GEOCODER_LOCK = "geocoder"

# (task name, function, cron) of the periodic jobs run in the app context; every worker defers
# them, and procrastinate makes sure each run is deferred once whatever the number of workers.
PERIODIC: list[tuple[str, Callable[..., Any], str]] = [
    ("sweep-pending-geocodes", tasks.sweep_pending_geocodes, "*/10 * * * *"),
    ("drop-visit-locations", tasks.drop_visit_locations, "17 3 * * *"),
    ("purge-stale-logins", tasks.purge_logins, "7 * * * *"),
]
RETRY_STALLED = "retry-stalled-jobs"
# An audience delivery that fails is tried again after 2, 4, 8, ... seconds, eight times in all.
DELIVERY_RETRY = procrastinate.RetryStrategy(max_attempts=DELIVERY_ATTEMPTS, exponential_wait=2)
# Territory re-assignments run one at a time over all workers: two of them over overlapping
# territories would lock the same accounts in different orders.
TERRITORY_LOCK = "territory-assignment"


def register(queue: procrastinate.App, app: Flask) -> None:
    """Give `queue` Waypoint's tasks, each run inside `app`'s context, and the schedule."""
    queue.task(
        name=GEOCODE_TASK, queue=tasks.GEOCODE_QUEUE, lock=GEOCODER_LOCK, queueing_lock=GEOCODE_TASK
    )(_in_app(app, tasks.geocode_pending_accounts))
    queue.task(name=LAUNCH_TASK)(_in_app(app, tasks.launch_campaign))
    queue.task(name=DELIVER_TASK, retry=DELIVERY_RETRY)(
        _in_app(app, tasks.deliver_campaign_audience)
    )
    queue.task(name=ASSIGN_TASK, lock=TERRITORY_LOCK)(_in_app(app, tasks.assign_territory))
    for name, function, cron in PERIODIC:
        task = queue.task(name=name, queueing_lock=name)(_in_app(app, function))
        queue.periodic(cron=cron)(task)
    retry = queue.task(name=RETRY_STALLED, queueing_lock=RETRY_STALLED, pass_context=True)
    queue.periodic(cron="*/5 * * * *")(retry(tasks.retry_stalled_jobs))


def _in_app(app: Flask, function: Callable[..., Any]) -> Callable[..., Any]:
    """Run `function` in an app context of its own (a worker thread has none)."""

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        with app.app_context():
            return function(*args, **kwargs)

    return run
