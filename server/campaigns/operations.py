"""Writing campaigns: create, change while a draft, launch and refresh (a background job makes
the targets and their tasks, a chunk per unit of work), and queue audience deliveries.

Launching twice creates nothing new: a target is a (campaign, account) primary key inserted
with ON CONFLICT DO NOTHING, and only the targets a chunk really inserted get a task, whose id
derives from the campaign's and the account's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import DateTime, Uuid, and_, bindparam, func, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY, insert

from server.accounts.models import Account
from server.accounts.schemas import AccountData
from server.campaigns import assignment, queries
from server.campaigns.models import Campaign, CampaignDelivery, CampaignTarget
from server.campaigns.schemas import (
    DELIVERY_JSON,
    CampaignCreate,
    CampaignFilters,
    CampaignPatch,
    DeliveryBody,
    DeliveryOut,
    template_of,
)
from server.config import current_settings
from server.core import egress
from server.core.auth import Principal
from server.core.clock import new_id, now_utc
from server.core.errors import ApiError, conflict, invalid
from server.core.events import Audience, Event, queue_event
from server.core.queue import queue_job
from server.core.visibility import load_visible, visible_ids
from server.core.webhooks import signing_secret
from server.extensions import db
from server.geo.geojson import Area
from server.tasks.models import Task
from server.tasks.operations import PlannedTask, create_planned_tasks
from server.users.models import User

LAUNCH_TASK = "launch-campaign"
DELIVER_TASK = "deliver-campaign-audience"
SIGNING_PURPOSE = "campaign-deliveries"
TASK_NAMESPACE = uuid.UUID("0f3b8f9e-6a51-4c0e-9d7e-2b8c5a1e4f70")
MANAGING = frozenset({"admin", "manager"})
# Campaign events reach the organisation's managers and admins.
OVERSEERS = frozenset({"admin", "manager"})
# How many accounts one delivery carries at most.
MAX_DELIVERY_ACCOUNTS = 50_000
# Attempts of a delivery in all (the queue's retry strategy, jobs.schedule, uses it too).
DELIVERY_ATTEMPTS = 8


def require_managing(principal: Principal) -> None:
    """Campaigns are written by managers and admins: 403 for anyone else."""
    if principal.role not in MANAGING:
        raise ApiError(403, "forbidden", "only managers and admins run campaigns")


def _check_audience(
    principal: Principal,
    area: Area | None,
    segment_id: uuid.UUID | None,
    filters: CampaignFilters,
) -> None:
    """404 when the segment or territory named is not one the caller may see (the query is
    built, not run)."""
    queries.audience_query(principal, area, segment_id, filters)


def create_campaign(principal: Principal, data: CampaignCreate) -> Campaign:
    """A new draft campaign."""
    require_managing(principal)
    if data.id is not None and db.session.get(Campaign, data.id) is not None:
        raise conflict("a campaign with this id exists", {"id": "already in use"})
    _check_audience(principal, data.area, data.segment_id, data.filters)
    now = now_utc()
    campaign = Campaign(
        id=data.id or new_id(),
        org_id=principal.org_id,
        name=data.name.strip() or data.name,
        area=_area_json(data.area),
        segment_id=data.segment_id,
        filters=data.filters.model_dump(mode="json", exclude_none=True),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        talking_points=data.talking_points,
        task_template=data.task_template.model_dump(mode="json"),
        status="draft",
        assignment=None,
        launched_at=None,
        launch_state=None,
        launch_created=0,
        launch_total=0,
        created_by=principal.id,
        created_at=now,
        updated_at=now,
        version=1,
    )
    db.session.add(campaign)
    db.session.flush()
    return campaign


def _area_json(area: Area | None) -> dict[str, Any] | None:
    return None if area is None else area.model_dump(mode="json")


def update_campaign(principal: Principal, campaign_id: uuid.UUID, patch: CampaignPatch) -> Campaign:
    """Change a draft; a launched campaign only ends (`status: "done"`). 409 on a stale
    version."""
    require_managing(principal)
    campaign = queries.load_campaign_for_update(principal, campaign_id)
    if patch.version is not None and patch.version != campaign.version:
        raise conflict(
            "the campaign changed since you read it", {"version": f"current is {campaign.version}"}
        )
    fields = patch.model_fields_set - {"version"}
    if campaign.status != "draft" and fields - {"status"}:
        raise conflict("a launched campaign can only be marked done", {"status": campaign.status})
    for name in fields - {"area", "filters", "task_template", "status"}:
        setattr(campaign, name, getattr(patch, name))
    if "area" in fields:
        campaign.area = _area_json(patch.area)
    if patch.filters is not None:
        campaign.filters = patch.filters.model_dump(mode="json", exclude_none=True)
    if patch.task_template is not None:
        campaign.task_template = patch.task_template.model_dump(mode="json")
    if patch.status is not None:
        campaign.status = patch.status
    _check_stored(principal, campaign)
    campaign.updated_at = now_utc()
    campaign.version += 1
    db.session.flush()
    return campaign


def _check_stored(principal: Principal, campaign: Campaign) -> None:
    if (campaign.area is None) == (campaign.segment_id is None):
        raise invalid({"area": "give either an area or a segment_id"})
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        raise invalid({"ends_on": "comes before starts_on"})
    if campaign.status == "draft":
        queries.campaign_audience(principal, campaign)


def launch_campaign(principal: Principal, campaign_id: uuid.UUID, how: str) -> Campaign:
    """Launch a draft: it becomes `launched` and a job makes one target and task per account
    of the audience (as the caller sees it). Launching a launched campaign again changes
    nothing, unless its job has not finished: then the job is queued again, which makes only
    what is missing."""
    require_managing(principal)
    campaign = queries.load_campaign_for_update(principal, campaign_id)
    if campaign.status == "done":
        raise conflict("the campaign is done", {"status": "done"})
    if campaign.status == "launched":
        if campaign.launch_state != "done":
            _queue_launch(principal, campaign)
        return campaign
    # The audience is checked now: a segment or territory that went away is a 404 here.
    queries.campaign_audience(principal, campaign)
    now = now_utc()
    campaign.status = "launched"
    campaign.assignment = how
    campaign.launched_at = now
    campaign.updated_at = now
    campaign.version += 1
    _queue_launch(principal, campaign)
    db.session.flush()
    _announce("campaign.launched", campaign)
    return campaign


def refresh_campaign(principal: Principal, campaign_id: uuid.UUID) -> Campaign:
    """Add the accounts that entered a launched campaign's audience since, as targets with
    tasks assigned the way the launch did (a job, as for the launch)."""
    require_managing(principal)
    campaign = queries.load_campaign_for_update(principal, campaign_id)
    if campaign.status != "launched":
        raise conflict("only a launched campaign is refreshed", {"status": campaign.status})
    queries.campaign_audience(principal, campaign)
    _queue_launch(principal, campaign)
    db.session.flush()
    return campaign


def _queue_launch(principal: Principal, campaign: Campaign) -> None:
    campaign.launch_state = "queued"
    queue_job(db.session(), LAUNCH_TASK, campaign_id=str(campaign.id), user_id=str(principal.id))


def _announce(name: str, campaign: Campaign) -> None:
    payload = {"campaign": queries.to_out(campaign).model_dump(mode="json")}
    queue_event(db.session(), Event(name, Audience(campaign.org_id, roles=OVERSEERS), payload))


# The launch job's steps, each called in a unit of work of its own.


@dataclass(frozen=True)
class Placement:
    """A target to make: the account and who gets its task."""

    account_id: uuid.UUID
    assignee_id: uuid.UUID


def plan_targets(campaign_id: uuid.UUID, user_id: uuid.UUID) -> list[Placement]:
    """The audience (as `user_id` sees it) that is not a target yet, each account placed by the
    campaign's assignment; the campaign's launch is marked running with that total. Nothing
    when the campaign is not launched (any more) or the user may no longer run it."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.role not in MANAGING:
        _finish_silently(campaign_id)
        return []
    campaign: Campaign = load_visible(Campaign, user, campaign_id, for_update=True)
    if campaign.status != "launched" or campaign.assignment is None:
        return []
    audience = queries.campaign_audience(user, campaign)
    fresh = audience.with_only_columns(
        Account.id, Account.owner_id, Account.territory_id, Account.location.is_not(None)
    ).where(Account.id.not_in(queries.target_account_ids(campaign.id)))
    targets = [
        assignment.Target(row[0], row[1], row[2], bool(row[3]))
        for row in db.session.execute(fresh.order_by(Account.id))
    ]
    chosen = assignment.assign(user, campaign.id, targets, campaign.assignment)
    campaign.launch_state = "running"
    campaign.launch_created = 0
    campaign.launch_total = len(targets)
    db.session.flush()
    _announce("campaign.updated", campaign)
    return [Placement(t.account_id, chosen[t.account_id]) for t in targets]


def _finish_silently(campaign_id: uuid.UUID) -> None:
    campaign = db.session.get(Campaign, campaign_id, with_for_update=True)
    if campaign is not None and campaign.launch_state != "done":
        campaign.launch_state = "done"
        db.session.flush()


def add_targets(campaign_id: uuid.UUID, user_id: uuid.UUID, placements: list[Placement]) -> int:
    """Insert one chunk of targets (ON CONFLICT DO NOTHING) and a task for each target really
    inserted, through the tasks' own operation (announced as `task.created` after commit).
    The campaign's row is locked, so two runs at once take turns chunk by chunk. Returns how
    many targets were new."""
    user = db.session.get(User, user_id)
    if user is None or not placements:
        return 0
    campaign: Campaign = load_visible(Campaign, user, campaign_id, for_update=True)
    now = now_utc()
    pairs = (
        func.unnest(
            bindparam(None, [p.account_id for p in placements], type_=ARRAY(Uuid())),
            bindparam(None, [p.assignee_id for p in placements], type_=ARRAY(Uuid())),
        )
        .table_valued("account_id", "assignee_id")
        .render_derived()
    )
    source = select(
        literal(campaign.id, Uuid()),
        pairs.c.account_id,
        pairs.c.assignee_id,
        literal(now, DateTime(timezone=True)),
    )
    table = CampaignTarget.__table__
    statement = (
        insert(table)
        .from_select(["campaign_id", "account_id", "assignee_id", "added_at"], source)
        .on_conflict_do_nothing()
        .returning(table.c.account_id, table.c.assignee_id)
    )
    inserted = db.session.execute(statement).all()
    if not inserted:
        return 0
    template = template_of(campaign.task_template)
    notes = "\n\n".join(part for part in (template.notes, campaign.talking_points) if part)
    due_at = now + timedelta(days=template.due_in_days)
    planned = [
        PlannedTask(
            id=task_id_for(campaign.id, account_id),
            title=template.title or campaign.name,
            notes=notes,
            account_id=account_id,
            assignee_id=assignee_id,
            due_at=due_at,
            campaign_id=campaign.id,
        )
        for account_id, assignee_id in inserted
        if assignee_id is not None
    ]
    create_planned_tasks(user, planned)
    db.session.execute(
        update(CampaignTarget)
        .where(
            and_(
                CampaignTarget.campaign_id == campaign.id,
                CampaignTarget.task_id.is_(None),
                Task.campaign_id == CampaignTarget.campaign_id,
                Task.account_id == CampaignTarget.account_id,
            )
        )
        .values(task_id=Task.id)
        .execution_options(synchronize_session=False)
    )
    campaign.launch_created += len(inserted)
    db.session.flush()
    _announce("campaign.updated", campaign)
    return len(inserted)


def task_id_for(campaign_id: uuid.UUID, account_id: uuid.UUID) -> uuid.UUID:
    """The id of the task a campaign makes for an account: the same on every run."""
    return uuid.uuid5(TASK_NAMESPACE, f"{campaign_id}:{account_id}")


def finish_launch(campaign_id: uuid.UUID) -> None:
    """Mark the campaign's launch job done, and say so to the managers and admins."""
    campaign = db.session.get(Campaign, campaign_id, with_for_update=True)
    if campaign is None:
        return
    campaign.launch_state = "done"
    db.session.flush()
    _announce("campaign.updated", campaign)


# Deliveries of the audience to another tool.


def queue_delivery(principal: Principal, campaign_id: uuid.UUID, url: str) -> DeliveryOut:
    """Queue a signed POST of the campaign's audience (as the caller sees it) to `url`; 422 on
    `url` when its host does not resolve or is an address deliveries may not reach."""
    require_managing(principal)
    campaign = queries.get_campaign(principal, campaign_id)
    queries.campaign_audience(principal, campaign)
    try:
        egress.check_url(url, current_settings().webhook_allow_private_targets)
    except egress.BlockedTargetError as error:
        raise invalid({"url": str(error)}) from None
    at = now_utc()
    delivery = CampaignDelivery(
        id=f"msg_{uuid.uuid4().hex}",
        org_id=campaign.org_id,
        campaign_id=campaign.id,
        requested_by=principal.id,
        url=url,
        state="queued",
        attempts=0,
        created_at=at,
        updated_at=at,
    )
    db.session.add(delivery)
    db.session.flush()
    queue_job(
        db.session(),
        DELIVER_TASK,
        campaign_id=str(campaign.id),
        user_id=str(principal.id),
        url=url,
        delivery_id=delivery.id,
    )
    return queries.delivery_out(delivery)


@dataclass(frozen=True)
class DeliveryPayload:
    """What one attempt sends: the organisation (whose secret signs it), the JSON body, how
    many accounts it carries, and which attempt this is (1 for the first)."""

    org_id: uuid.UUID
    body: bytes
    accounts: int
    attempt: int


def start_delivery(
    campaign_id: uuid.UUID, user_id: uuid.UUID, delivery_id: str
) -> DeliveryPayload | None:
    """Count one more attempt of a delivery and build its body: `{"campaign": {...},
    "accounts": [...]}`, the audience as the user who asked sees it now. None when the user
    may no longer see the campaign (nothing is sent; the delivery is marked failed)."""
    delivery = db.session.get(CampaignDelivery, delivery_id, with_for_update=True)
    attempt = 1
    if delivery is not None:
        delivery.attempts += 1
        delivery.updated_at = now_utc()
        attempt = delivery.attempts
    found = _delivery_body(campaign_id, user_id)
    if found is None:
        finish_delivery(delivery_id, "failed", error="the campaign is no longer visible")
        return None
    org_id, body, accounts = found
    return DeliveryPayload(org_id=org_id, body=body, accounts=accounts, attempt=attempt)


def finish_delivery(
    delivery_id: str,
    state: str,
    status: int | None = None,
    error: str | None = None,
    accounts: int | None = None,
) -> None:
    """Record how an attempt went (a delivery queued before deliveries were recorded has no
    row: nothing to record)."""
    delivery = db.session.get(CampaignDelivery, delivery_id, with_for_update=True)
    if delivery is None:
        return
    delivery.state = state
    delivery.last_status = status
    delivery.last_error = error
    if accounts is not None:
        delivery.accounts = accounts
    delivery.updated_at = now_utc()
    db.session.flush()


def state_after_failure(attempt: int) -> str:
    """A failed attempt leaves the delivery retrying, or failed when it was the last one."""
    return "failed" if attempt >= DELIVERY_ATTEMPTS else "retrying"


def _delivery_body(
    campaign_id: uuid.UUID, user_id: uuid.UUID
) -> tuple[uuid.UUID, bytes, int] | None:
    """(organisation id, JSON body, accounts in it) of an audience delivery, or None when the
    user may no longer see the campaign."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.role not in MANAGING:
        return None
    if not visible_ids(Campaign, user, [campaign_id]):
        return None
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        return None
    audience = queries.campaign_audience(user, campaign)
    accounts: list[AccountData] = []
    for chunk in queries.audience_pages(audience, 500):
        accounts.extend(chunk)
        if len(accounts) >= MAX_DELIVERY_ACCOUNTS:
            break
    body = DeliveryBody(
        campaign=queries.to_out(campaign), accounts=accounts[:MAX_DELIVERY_ACCOUNTS]
    )
    return campaign.org_id, DELIVERY_JSON.dump_json(body), len(body["accounts"])


def delivery_secret(org_id: uuid.UUID) -> str:
    """The organisation's secret that signs audience deliveries."""
    return signing_secret(org_id, SIGNING_PURPOSE)
