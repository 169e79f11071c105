"""The demo organisation's visits: a history behind every account's `last_visit_at`, each visit
with a plausible outcome and note, a position near the account and the verification the server
would compute for it.

Positions follow how phones behave in a city: most fixes are a few metres off and verified,
some come from the car park down the road (out of range), some are too coarse to say, and a
few visits have no position at all (location capture off). Visits older than the
organisation's retention period have lost their coordinates, as the daily job leaves them.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from server.accounts.models import Account
from server.core.auth import SystemPrincipal
from server.core.visibility import visible
from server.extensions import db
from server.geo.distance import geodesic_destination, geodesic_m
from server.geo.geojson import Point
from server.geo.queries import latitude, longitude, point_to_store
from server.orgs.models import Organisation
from server.visits.operations import verification_for

# Earlier visits before an account's latest: how many, and how far apart (days).
EARLIER_VISITS = (0, 0, 1, 1, 2, 3)
DAYS_BETWEEN_VISITS = (9, 40)
# The oldest visit the demo remembers.
HISTORY_DAYS = 365
MINUTES_ON_SITE = (6, 35)

OUTCOME_WEIGHTS = {
    "customer": {"met": 30, "order": 35, "follow_up": 12, "no_answer": 12, "other": 6},
    "prospect": {"met": 30, "follow_up": 25, "no_answer": 15, "not_interested": 20, "other": 5},
}
NOTES = {
    "met": (
        "Talked to the owner; happy with the delivery times.",
        "Went through the shelf with the manager; facings are fine.",
        "Met the new shift lead and left the price list.",
        "",
    ),
    "order": (
        "Ordered 12 cases of the usual range.",
        "Order for next week's delivery; wants the promotion price again.",
        "Reordered the best sellers and tried two new lines.",
        "Big order ahead of the weekend.",
    ),
    "follow_up": (
        "Asked for a quote on the premium line; call back on Thursday.",
        "Interested in the loyalty scheme: send the terms.",
        "Owner away; come back when she is in.",
    ),
    "no_answer": (
        "Closed at the time of the visit.",
        "Nobody at the counter who could decide; left the catalogue.",
        "",
    ),
    "not_interested": (
        "Happy with their current supplier for now.",
        "No shelf space this season.",
    ),
    "other": (
        "Dropped off samples.",
        "Checked the display after the refit.",
        "",
    ),
}


@dataclass(frozen=True)
class DemoAccount:
    """What the generators need of an account."""

    org_id: uuid.UUID
    id: uuid.UUID
    owner_id: uuid.UUID | None
    kind: str
    lng: float
    lat: float
    last_visit_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class Rules:
    """The organisation's verification radius and location retention, and the time of the
    seed (which is when the retention job last ran, for the demo)."""

    radius_m: float
    retention: timedelta
    now: datetime

    @classmethod
    def of(cls, organisation: Organisation, now: datetime) -> Rules:
        """The rules `organisation` sets, at `now`."""
        retention = timedelta(days=organisation.visit_location_retention_days)
        return cls(float(organisation.verification_radius_m), retention, now)


def demo_accounts(org_id: uuid.UUID) -> list[DemoAccount]:
    """Every account of the organisation, in id order (so generators draw the same way)."""
    query = (
        select(
            Account.id,
            Account.owner_id,
            Account.kind,
            longitude(Account.location),
            latitude(Account.location),
            Account.last_visit_at,
            Account.created_at,
        )
        .where(visible(Account, SystemPrincipal(None, org_id)), Account.location.is_not(None))
        .order_by(Account.id)
    )
    return [DemoAccount(org_id, *row) for row in db.session.execute(query)]


def visit_history(
    rng: random.Random, accounts: list[DemoAccount], rules: Rules
) -> list[dict[str, Any]]:
    """Visits of every account with a last visit: its latest at exactly `last_visit_at`, and
    a few before it, all by the account's owner."""
    rows: list[dict[str, Any]] = []
    for account in accounts:
        if account.last_visit_at is None or account.owner_id is None:
            continue
        for started_at in _visit_times(rng, account):
            rows.append(visit_row(rng, account, account.owner_id, started_at, rules))
    return rows


def _visit_times(rng: random.Random, account: DemoAccount) -> list[datetime]:
    assert account.last_visit_at is not None  # noqa: S101  (only visited accounts come here)
    times = [account.last_visit_at]
    oldest = max(account.created_at, account.last_visit_at - timedelta(days=HISTORY_DAYS))
    for _ in range(rng.choice(EARLIER_VISITS)):
        earlier = times[-1] - timedelta(days=rng.randint(*DAYS_BETWEEN_VISITS))
        if earlier <= oldest:
            break
        times.append(earlier.replace(hour=rng.randint(7, 15), minute=rng.randrange(0, 60, 5)))
    return times


def visit_row(
    rng: random.Random,
    account: DemoAccount,
    user_id: uuid.UUID,
    started_at: datetime,
    rules: Rules,
    outcome: str | None = None,
    task_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """One visit's column values: a fix near the account and its verification as the server
    computes it; the coordinates already dropped when the visit is past the retention."""
    if outcome is None:
        weights = OUTCOME_WEIGHTS[account.kind]
        outcome = rng.choices(list(weights), weights=list(weights.values()))[0]
    ended_at = min(started_at + timedelta(minutes=rng.randint(*MINUTES_ON_SITE)), rules.now)
    position, accuracy_m = _fix(rng, account, rules.radius_m)
    distance_m = None if position is None else geodesic_m(*position, account.lng, account.lat)
    dropped = position is not None and started_at < rules.now - rules.retention
    return {
        "id": uuid.UUID(int=rng.getrandbits(128), version=4),
        "org_id": account.org_id,
        "user_id": user_id,
        "account_id": account.id,
        "task_id": task_id,
        "started_at": started_at,
        "ended_at": ended_at,
        "location": None if position is None or dropped else point_to_store(Point.at(*position)),
        "accuracy_m": accuracy_m,
        "distance_m": distance_m,
        "verification": verification_for(distance_m, accuracy_m, rules.radius_m),
        "outcome": outcome,
        "notes": rng.choice(NOTES[outcome]),
        "next_step": None,
        "created_at": ended_at,
        "location_dropped_at": rules.now if dropped else None,
    }


def _fix(
    rng: random.Random, account: DemoAccount, radius_m: float
) -> tuple[tuple[float, float] | None, float | None]:
    """Where the phone said it was, and how accurate it said it was."""
    draw = rng.random()
    if draw < 0.05:
        return None, None  # location capture off
    if draw < 0.10:
        accuracy, distance = rng.uniform(550, 1500), rng.uniform(20, 400)  # too coarse to say
    elif draw < 0.18:
        accuracy = rng.uniform(8, 30)  # from down the road
        distance = rng.uniform(radius_m + accuracy + 40, radius_m + accuracy + 600)
    else:
        accuracy, distance = rng.uniform(4, 35), rng.uniform(2, min(radius_m, 90))
    position = geodesic_destination(account.lng, account.lat, rng.uniform(0, 360), distance)
    return position, round(accuracy, 1)
