"""Read use cases of campaigns (audience, refresh, targets, stats), and their visibility rule.

A campaign's audience is always `accounts.queries.accounts_in_area` of its area (or its saved
segment's area and filters, narrowed by its own filters), seen by whoever acts: the manager who
previews, launches or refreshes it sees, and targets, the accounts they may see.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    cast,
    exists,
    false,
    func,
    literal,
    select,
    true,
)

from server.accounts.models import Account
from server.accounts.queries import (
    account_columns,
    accounts_in_area,
    area_cells_for,
    area_clusters_from_cells,
    clusters_from_rows,
    count_in_cells,
    to_data,
)
from server.accounts.schemas import AccountData, AccountFilters, Cluster
from server.campaigns.models import Campaign, CampaignDelivery, CampaignTarget
from server.campaigns.schemas import (
    AudienceData,
    CampaignFilters,
    CampaignOut,
    CampaignStats,
    DayStats,
    DeliveryOut,
    LaunchOut,
    RefreshOut,
    RepStats,
    TargetOut,
    template_of,
)
from server.core.auth import Principal
from server.core.pagination import Page, keyset_page
from server.core.tenancy import in_org
from server.core.visibility import load_visible, register, visible
from server.extensions import db
from server.geo import queries as geo
from server.geo.geojson import AreaShape, area_from_json
from server.segments.queries import segment_audience
from server.users.models import User
from server.visits.models import Visit

# An audience is counted exactly up to this many accounts; past it the answer says so.
COUNT_CAP = 100_000
CONVERTING_OUTCOME = "order"


def may_see(principal: Principal) -> ColumnElement[bool]:
    """Managers and admins see the organisation's campaigns; a rep those with a target
    assigned to them (their Today shows the campaign's name and talking points)."""
    if principal.role in ("admin", "manager"):
        return true()
    return exists(
        select(CampaignTarget.campaign_id).where(
            CampaignTarget.campaign_id == Campaign.id, CampaignTarget.assignee_id == principal.id
        )
    )


register(Campaign, "campaign", may_see)


def may_see_delivery(principal: Principal) -> ColumnElement[bool]:
    """A campaign's deliveries are seen by whoever sees the campaign."""
    return CampaignDelivery.campaign_id.in_(select(Campaign.id).where(visible(Campaign, principal)))


register(CampaignDelivery, "delivery", may_see_delivery)


def get_delivery(
    principal: Principal, campaign_id: uuid.UUID, delivery_id: str
) -> CampaignDelivery:
    """One delivery of a campaign the caller may see, or 404."""
    found: CampaignDelivery = load_visible(
        CampaignDelivery,
        principal,
        delivery_id,
        CampaignDelivery.campaign_id == campaign_id,
    )
    return found


def delivery_out(delivery: CampaignDelivery) -> DeliveryOut:
    """A delivery in API shape."""
    return DeliveryOut.model_validate(delivery, from_attributes=True)


def to_out(campaign: Campaign) -> CampaignOut:
    """A campaign in API shape."""
    launch = None
    if campaign.launch_state is not None:
        launch = LaunchOut(
            state=campaign.launch_state,
            created=campaign.launch_created,
            total=campaign.launch_total,
        )
    return CampaignOut(
        id=campaign.id,
        name=campaign.name,
        area=area_from_json(campaign.area) if campaign.area is not None else None,
        segment_id=campaign.segment_id,
        filters=CampaignFilters.model_validate(campaign.filters or {}),
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        talking_points=campaign.talking_points,
        task_template=template_of(campaign.task_template),
        status=campaign.status,
        assignment=campaign.assignment,
        launched_at=campaign.launched_at,
        launch=launch,
        created_by=campaign.created_by,
        created_at=campaign.created_at,
        updated_at=campaign.updated_at,
        version=campaign.version,
    )


def get_campaign(principal: Principal, campaign_id: uuid.UUID) -> Campaign:
    """A campaign the caller may see, or 404."""
    campaign: Campaign = load_visible(Campaign, principal, campaign_id)
    return campaign


def load_campaign_for_update(principal: Principal, campaign_id: uuid.UUID) -> Campaign:
    """The campaign, row-locked for a write, if the caller may see it; else 404."""
    campaign: Campaign = load_visible(Campaign, principal, campaign_id, for_update=True)
    return campaign


def list_campaigns(
    principal: Principal, status: str | None, limit: int, cursor: str | None
) -> Page[CampaignOut]:
    """The campaigns the caller may see, newest first."""
    query = select(Campaign).where(visible(Campaign, principal))
    if status is not None:
        query = query.where(Campaign.status == status)
    page = keyset_page(
        query,
        [Campaign.created_at, Campaign.id],
        limit,
        cursor,
        lambda row: [row[0].created_at.isoformat(), str(row[0].id)],
        descending=True,
    )
    return Page([to_out(row[0]) for row in page.items], page.next_cursor)


# The audience.


@dataclass(frozen=True)
class Audience:
    """An audience as the caller sees it: its accounts' query, and what it was made of (the
    map cells can count some audiences without reading them)."""

    query: Select[Any]
    principal: Principal
    area: AreaShape | None
    filters: AccountFilters


def audience_of(
    principal: Principal,
    area: AreaShape | None,
    segment_id: uuid.UUID | None,
    filters: CampaignFilters,
) -> Audience:
    """The audience of an area or a saved segment and filters, as the caller sees it (404
    for a segment or territory the caller may not see)."""
    base = AccountFilters()
    if segment_id is not None:
        segment_area, base = segment_audience(principal, segment_id)
        area = area if area is not None else segment_area
    merged = filters.merged_into(base)
    return Audience(accounts_in_area(principal, area, merged), principal, area, merged)


def audience_query(
    principal: Principal,
    area: AreaShape | None,
    segment_id: uuid.UUID | None,
    filters: CampaignFilters,
) -> Select[Any]:
    """SELECT account_columns() of the audience_of an area or a saved segment and filters."""
    return audience_of(principal, area, segment_id, filters).query


def stored_audience(principal: Principal, campaign: Campaign) -> Audience:
    """The audience of a stored campaign, as the caller sees it."""
    area = area_from_json(campaign.area) if campaign.area is not None else None
    filters = CampaignFilters.model_validate(campaign.filters or {})
    return audience_of(principal, area, campaign.segment_id, filters)


def campaign_audience(principal: Principal, campaign: Campaign) -> Select[Any]:
    """SELECT account_columns() of a stored campaign's audience, as the caller sees it."""
    return stored_audience(principal, campaign).query


def audience_page(
    audience: Audience,
    limit: int,
    cursor: str | None,
    bbox: geo.BBox | None,
    zoom: int | None,
    use_cells: bool = True,
) -> AudienceData:
    """The audience's count (exact up to COUNT_CAP), a page by name and, for a viewport, its
    grid clusters: quick enough to ask on every drag. The count and the clusters come from
    one reading of the audience; an audience the map cells show to pass COUNT_CAP is not
    read for its count, and its clusters are summed from the cells wholly inside its area
    (not with `use_cells=False`: the benchmark's point of comparison)."""
    query = audience.query
    chosen_zoom = zoom if zoom is not None else geo.zoom_for(bbox) if bbox is not None else 0
    clusters = _capped_clusters(audience, bbox, chosen_zoom) if use_cells else None
    if clusters is not None:
        counted = COUNT_CAP + 1
    else:
        counted, cluster_rows = _count_and_clusters(query, bbox, chosen_zoom)
        clusters = clusters_from_rows(cluster_rows)
        if bbox is not None and counted > COUNT_CAP:
            clusters = _read_clusters(query, bbox, chosen_zoom)
    page = keyset_page(
        query, [Account.name, Account.id], limit, cursor, lambda row: [row.name, str(row.id)]
    )
    return AudienceData(
        count=min(counted, COUNT_CAP),
        count_capped=counted > COUNT_CAP,
        items=[to_data(row) for row in page.items],
        next_cursor=page.next_cursor,
        clusters=clusters,
    )


def _capped_clusters(audience: Audience, bbox: geo.BBox | None, zoom: int) -> list[Cluster] | None:
    """The clusters of an audience that the map cells wholly inside its area show to pass
    COUNT_CAP (none without a viewport), or None when they do not show it."""
    if audience.area is None:
        return None
    coarsest = geo.grid_plan(bbox, zoom).level if bbox is not None else 0
    cells = area_cells_for(audience.area, audience.filters, coarsest)
    if cells is None or count_in_cells(audience.principal, audience.filters, cells) <= COUNT_CAP:
        return None
    if bbox is None:
        return []
    found = area_clusters_from_cells(
        audience.principal, audience.area, audience.filters, cells, bbox, zoom
    )
    return found if found is not None else _read_clusters(audience.query, bbox, zoom)


def _read_clusters(query: Select[Any], bbox: geo.BBox, zoom: int) -> list[Cluster]:
    """The grid clusters of all an audience's accounts in the viewport, read one by one."""
    points = query.with_only_columns(geo.planar(Account.location).label("g"))
    points = points.where(geo.in_bbox(Account.location, bbox))
    return clusters_from_rows(db.session.execute(geo.grid_clusters(points, bbox, zoom)))


def _count_and_clusters(
    query: Select[Any], bbox: geo.BBox | None, zoom: int
) -> tuple[int, list[Any]]:
    """The audience's count up to COUNT_CAP + 1 and, for a viewport, the grid clusters of
    those of its accounts: one statement over the audience's points read once (a
    materialised CTE), the count on each cluster row (or on a row of its own when none)."""
    audience = (
        query.with_only_columns(geo.planar(Account.location).label("g"))
        .limit(COUNT_CAP + 1)
        .cte("audience")
        .prefix_with("MATERIALIZED")
    )
    counted = select(func.count().label("counted")).select_from(audience).subquery()
    if bbox is None:
        return int(db.session.scalar(select(counted.c.counted)) or 0), []
    points = select(audience.c.g).where(geo.flat_in_bbox(audience.c.g, bbox))
    clusters = geo.grid_clusters(points, bbox, zoom).subquery()
    both = select(counted.c.counted, clusters).select_from(counted.outerjoin(clusters, true()))
    rows = list(db.session.execute(both))
    return int(rows[0].counted), [row for row in rows if row.members is not None]


def audience_pages(query: Select[Any], chunk: int) -> Iterator[list[AccountData]]:
    """The whole audience by name, a chunk of accounts at a time (exports, deliveries)."""
    cursor: str | None = None
    while True:
        page = keyset_page(
            query, [Account.name, Account.id], chunk, cursor, lambda row: [row.name, str(row.id)]
        )
        yield [to_data(row) for row in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return


def audience_rows(query: Select[Any], chunk: int) -> list[Any]:
    """The audience's accounts with what assignment needs: id, owner, territory, position."""
    columns = query.with_only_columns(
        Account.id, Account.owner_id, Account.territory_id, Account.location
    )
    return list(db.session.execute(columns.order_by(Account.id)))


# Targets and the refresh.


def target_account_ids(campaign_id: uuid.UUID) -> Select[Any]:
    """The ids of a campaign's target accounts."""
    return select(CampaignTarget.account_id).where(CampaignTarget.campaign_id == campaign_id)


def refresh_diff(principal: Principal, campaign: Campaign, limit: int) -> RefreshOut:
    """The audience now against the targets: who entered (not targets yet) and which targets
    left (or were archived), both as the caller sees them."""
    audience = campaign_audience(principal, campaign)
    added = audience.where(Account.id.not_in(target_account_ids(campaign.id)))
    in_audience = audience.with_only_columns(Account.id)
    removed = select(*account_columns()).where(
        visible(Account, principal),
        Account.id.in_(target_account_ids(campaign.id)),
        Account.id.not_in(in_audience),
    )
    return RefreshOut.model_validate(
        {
            "added": _by_name(added, limit),
            "removed": _by_name(removed, limit),
            "added_count": _count(added),
            "removed_count": _count(removed),
        }
    )


def _by_name(query: Select[Any], limit: int) -> list[AccountData]:
    rows = db.session.execute(query.order_by(Account.name, Account.id).limit(limit))
    return [to_data(row) for row in rows]


def _count(query: Select[Any]) -> int:
    ids = query.with_only_columns(Account.id).subquery()
    return int(db.session.scalar(select(func.count()).select_from(ids)) or 0)


def _visited(campaign: Campaign, principal: Principal, outcome: str | None) -> Any:
    """EXISTS a visit (by anyone) to the target's account since the launch (of `outcome`)."""
    since = campaign.launched_at
    if since is None:
        return false()
    condition = [
        in_org(Visit, principal),
        Visit.account_id == CampaignTarget.account_id,
        Visit.started_at >= since,
    ]
    if outcome is not None:
        condition.append(Visit.outcome == outcome)
    return exists(select(literal(1)).where(*condition))


def _visible_targets(principal: Principal, campaign: Campaign) -> Any:
    """The campaign's targets whose accounts the caller may see (archived ones included)."""
    return and_(
        CampaignTarget.campaign_id == campaign.id,
        Account.id == CampaignTarget.account_id,
        visible(Account, principal),
    )


def list_targets(
    principal: Principal, campaign: Campaign, limit: int, cursor: str | None
) -> Page[TargetOut]:
    """The targets the caller may see, by account name: each with its assignee, task and
    state (to visit, visited since the launch, converted)."""
    visited = _visited(campaign, principal, None).label("visited")
    converted = _visited(campaign, principal, CONVERTING_OUTCOME).label("converted")
    query = select(
        *account_columns(),
        CampaignTarget.assignee_id,
        CampaignTarget.task_id,
        visited,
        converted,
    ).where(_visible_targets(principal, campaign))
    page = keyset_page(
        query, [Account.name, Account.id], limit, cursor, lambda row: [row.name, str(row.id)]
    )
    items = [
        TargetOut.model_validate(
            {
                "account": to_data(row),
                "assignee_id": row.assignee_id,
                "task_id": row.task_id,
                "state": "converted" if row.converted else "visited" if row.visited else "to_visit",
            }
        )
        for row in page.items
    ]
    return Page(items, page.next_cursor)


def campaign_stats(principal: Principal, campaign: Campaign) -> CampaignStats:
    """Targets, visited, converted, outcomes, per rep and per day: aggregates in SQL over the
    targets the caller may see and the visits to them since the launch."""
    per_target = (
        select(
            CampaignTarget.account_id,
            CampaignTarget.assignee_id,
            _visited(campaign, principal, None).label("visited"),
            _visited(campaign, principal, CONVERTING_OUTCOME).label("converted"),
        )
        .select_from(CampaignTarget)
        .join(Account, Account.id == CampaignTarget.account_id)
        .where(_visible_targets(principal, campaign))
        .subquery()
    )
    per_rep = (
        select(
            per_target.c.assignee_id,
            User.name,
            func.count().label("targets"),
            func.count().filter(per_target.c.visited).label("visited"),
            func.count().filter(per_target.c.converted).label("converted"),
        )
        .select_from(per_target)
        .outerjoin(User, User.id == per_target.c.assignee_id)
        .group_by(per_target.c.assignee_id, User.name)
        .order_by(User.name, per_target.c.assignee_id)
    )
    reps = list(db.session.execute(per_rep))
    by_rep = [
        RepStats(
            user_id=row.assignee_id,
            name=row.name,
            targets=row.targets,
            visited=row.visited,
            converted=row.converted,
        )
        for row in reps
        if row.assignee_id is not None
    ]
    outcomes: dict[str, int] = {}
    by_day: list[DayStats] = []
    if campaign.launched_at is not None:
        visits = (
            select(Visit.account_id, Visit.outcome, Visit.started_at)
            .where(
                in_org(Visit, principal),
                Visit.started_at >= campaign.launched_at,
                Visit.account_id.in_(select(per_target.c.account_id)),
            )
            .subquery()
        )
        outcome_rows = db.session.execute(
            select(visits.c.outcome, func.count()).group_by(visits.c.outcome)
        )
        outcomes = {outcome: int(count) for outcome, count in outcome_rows}
        day = cast(func.timezone("UTC", visits.c.started_at), Date)
        converting = visits.c.outcome == CONVERTING_OUTCOME
        day_rows = db.session.execute(
            select(
                day.label("day"),
                func.count(func.distinct(visits.c.account_id)).label("visited"),
                func.count(func.distinct(visits.c.account_id))
                .filter(converting)
                .label("converted"),
            )
            .group_by(day)
            .order_by(day)
        )
        by_day = [
            DayStats(date=row.day, visited=row.visited, converted=row.converted) for row in day_rows
        ]
    return CampaignStats(
        targets=sum(row.targets for row in reps),
        visited=sum(row.visited for row in reps),
        converted=sum(row.converted for row in reps),
        outcomes=outcomes,
        by_rep=by_rep,
        by_day=by_day,
    )
