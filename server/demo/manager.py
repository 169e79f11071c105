"""The demo manager's desk: a territory per rep, a saved segment, a campaign launched a few days
ago with some of its targets visited since, and a draft campaign.

Everything is made through the operations the API uses, as the demo manager: the territories
assign the accounts they cover, and the launch makes its targets and tasks by the launch job's
own steps, run here within the seed's transaction (no worker needed). Only the clock is the
seed's: the launch is moved back to a few days before the seed runs, so the visits since fall
on past working days.
"""

from __future__ import annotations

import random
from contextlib import nullcontext
from datetime import datetime, time, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import insert, select, update

from server.accounts.operations import set_visit_frequency
from server.accounts.queries import accounts_in_area
from server.accounts.schemas import AccountFilters
from server.campaigns.models import Campaign, CampaignTarget
from server.campaigns.operations import create_campaign, launch_campaign
from server.campaigns.schemas import CampaignCreate
from server.core.queue import discard_jobs_after, queued_jobs
from server.demo.activity import DemoAccount, Rules, visit_row
from server.demo.workday import follow_on_accounts, local_day, local_time
from server.extensions import db
from server.jobs.tasks import make_campaign_targets
from server.segments.operations import create_segment
from server.segments.schemas import SegmentCreate
from server.tasks.models import Task
from server.territories.operations import create_territory
from server.territories.schemas import TerritoryCreate
from server.users.models import User
from server.visits.models import Visit

# The city's outline for the territories: every demo account lies inside it.
CITY_WEST, CITY_SOUTH, CITY_EAST, CITY_NORTH = 25.95, 44.35, 26.27, 44.51
TERRITORY_NAMES = ("West", "Centre", "East")

SEGMENT = {
    "name": "Prospects not visited in 60 days",
    "filters": {"kind": "prospect", "not_visited_days": 60},
}
# Visit frequencies, the more specific last (it overrides the broader one).
VISIT_FREQUENCIES = (
    ({"kind": "customer"}, 14),
    ({"kind": "customer", "status": "active", "industry": "hospitality"}, 7),
)
DUE_IN_DAYS = 10
# The launched campaign: hospitality customers in the historic centre, Cișmigiu to Unirii.
CENTRE = ((26.086, 44.4245), (26.127, 44.4245), (26.127, 44.4385), (26.086, 44.4385))
LAUNCHED = {
    "name": "Spring range in the city centre",
    "area": {"type": "Polygon", "coordinates": [[*CENTRE, CENTRE[0]]]},
    "filters": {"kind": "customer", "industry": "hospitality"},
    "talking_points": (
        "The spring range is in: elderflower and rhubarb lemonades, a cold brew and two light "
        "rosés.\nOpening offer: 10% off the first two cases until the end of the month.\n"
        "Offer the terrace display stand to anyone who takes three lines or more."
    ),
    "task_template": {
        "title": "Present the spring range",
        "notes": "Bring the tasting kit and the price list.",
        "due_in_days": DUE_IN_DAYS,
    },
}
LAUNCH_DAYS_AGO = 4
LAUNCHED_AT = time(16, 0)
ASSIGNMENT = "owner"
# Share of the targets visited since the launch, and what came of those visits.
VISITED_SHARE = 0.4
CAMPAIGN_OUTCOMES = {"order": 45, "met": 25, "follow_up": 20, "no_answer": 10}
DRAFT = {
    "name": "Win back quiet prospects",
    "filters": {"status": "qualified"},
    "talking_points": "Ask what changed since we last met; offer a trial delivery.",
    "task_template": {"title": "Call in on a quiet prospect", "due_in_days": 14},
}


def seed_manager_desk(
    rng: random.Random, manager: User, reps: list[User], accounts: list[DemoAccount], rules: Rules
) -> None:
    """The manager's territories, segment and campaigns, and the visits on the launched
    campaign's targets (their accounts' last visits follow)."""
    _territories(manager, reps, accounts)
    _visit_frequencies(manager)
    segment = create_segment(manager, SegmentCreate.model_validate(SEGMENT))
    launched = create_campaign(manager, CampaignCreate.model_validate(LAUNCHED))
    _launch(manager, launched, rules.now)
    _visit_targets(rng, launched, accounts, rules)
    create_campaign(manager, CampaignCreate.model_validate({**DRAFT, "segment_id": segment.id}))


def _visit_frequencies(manager: User) -> None:
    """Customers are visited every two weeks, active hospitality ones every week: so "plan
    my week" has a real week to plan on a rep's first login."""
    for filters, every_days in VISIT_FREQUENCIES:
        audience = accounts_in_area(manager, None, AccountFilters.model_validate(filters))
        set_visit_frequency(manager, audience, every_days)


def _territories(manager: User, reps: list[User], accounts: list[DemoAccount]) -> None:
    """One band of the city per rep, west to east, split midway between the easternmost
    account of a rep and the westernmost of the next, so every account lies in its owner's."""
    spans = {
        rep.id: [account.lng for account in accounts if account.owner_id == rep.id] for rep in reps
    }
    ordered = sorted(reps, key=lambda rep: min(spans[rep.id]))
    splits = [(max(spans[west.id]) + min(spans[east.id])) / 2 for west, east in pairwise(ordered)]
    edges = [CITY_WEST, *splits, CITY_EAST]
    for name, rep, (west, east) in zip(TERRITORY_NAMES, ordered, pairwise(edges), strict=True):
        ring = [
            (west, CITY_SOUTH),
            (east, CITY_SOUTH),
            (east, CITY_NORTH),
            (west, CITY_NORTH),
            (west, CITY_SOUTH),
        ]
        area = {"type": "Polygon", "coordinates": [ring]}
        data = TerritoryCreate.model_validate({"name": name, "area": area, "rep_ids": [rep.id]})
        create_territory(manager, data)


def _launch(manager: User, campaign: Campaign, now: datetime) -> None:
    """Launch as the API does, make the targets and tasks as the launch job does, and move it
    all back to the launch day."""
    session = db.session()
    mark = len(queued_jobs(session))
    launch_campaign(manager, campaign.id, ASSIGNMENT)
    # The job's work is done right here: the request for a worker to do it is withdrawn.
    discard_jobs_after(session, mark)
    make_campaign_targets(campaign.id, manager.id, nullcontext)
    launched_at = local_time(local_day(now) - timedelta(days=LAUNCH_DAYS_AGO), LAUNCHED_AT)
    due_at = launched_at + timedelta(days=DUE_IN_DAYS)
    db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(
            launched_at=launched_at,
            created_at=launched_at - timedelta(days=1),
            updated_at=launched_at,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(CampaignTarget)
        .where(CampaignTarget.campaign_id == campaign.id)
        .values(added_at=launched_at)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Task)
        .where(Task.campaign_id == campaign.id)
        .values(created_at=launched_at, updated_at=launched_at, due_at=due_at)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(campaign)


def _visit_targets(
    rng: random.Random, campaign: Campaign, accounts: list[DemoAccount], rules: Rules
) -> None:
    """Visits on some targets, each doing the target's task, in working hours on the days
    between the launch and the seed's day."""
    assert campaign.launched_at is not None  # noqa: S101  (launched just before)
    first_day = local_day(campaign.launched_at) + timedelta(days=1)
    days = [first_day + timedelta(days=n) for n in range((local_day(rules.now) - first_day).days)]
    targets = db.session.execute(
        select(CampaignTarget.account_id, CampaignTarget.assignee_id, CampaignTarget.task_id)
        .where(CampaignTarget.campaign_id == campaign.id)
        .order_by(CampaignTarget.account_id)
    ).all()
    by_id = {account.id: account for account in accounts}
    visited = rng.sample(targets, round(len(targets) * VISITED_SHARE)) if days else []
    rows: list[dict[str, Any]] = []
    for target in visited:
        if target.assignee_id is None or target.task_id is None:
            continue
        started_at = local_time(rng.choice(days), time(rng.randint(9, 16), rng.randrange(0, 60, 5)))
        outcome = rng.choices(list(CAMPAIGN_OUTCOMES), weights=list(CAMPAIGN_OUTCOMES.values()))
        row = visit_row(
            rng,
            by_id[target.account_id],
            target.assignee_id,
            started_at,
            rules,
            outcome[0],
            target.task_id,
        )
        rows.append(row)
        db.session.execute(
            update(Task)
            .where(Task.id == target.task_id)
            .values(status="done", updated_at=row["ended_at"], version=Task.version + 1)
            .execution_options(synchronize_session=False)
        )
    if rows:
        db.session.execute(insert(Visit), rows)
        follow_on_accounts(rows)
