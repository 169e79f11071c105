"""HTTP edge for campaigns: parse, call a query or operation, dump. No SQL here."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, stream_with_context

from server.accounts.imports import export_pages
from server.campaigns import operations, queries
from server.campaigns.models import Campaign
from server.campaigns.schemas import (
    AUDIENCE_JSON,
    AudiencePreview,
    AudienceQuery,
    CampaignCreate,
    CampaignList,
    CampaignListQuery,
    CampaignPatch,
    DeliveryIn,
    JobOut,
    LaunchAnswer,
    LaunchIn,
    RefreshQuery,
    SigningSecretOut,
    TargetList,
)
from server.core.auth import current_principal, require_login, require_role
from server.core.errors import invalid
from server.core.http import json_data_response, json_response
from server.core.transaction import unit_of_work
from server.core.validation import PageQuery, parse_body, parse_query
from server.geo.queries import BBox, parse_bbox

blueprint = Blueprint("campaigns", __name__, url_prefix="/api/v1/campaigns")
MANAGING = ("admin", "manager")
EXPORT_CHUNK = 1_000


@blueprint.post("")
@require_role(*MANAGING)
def create_campaign() -> Response:
    """A new draft campaign."""
    data = parse_body(CampaignCreate)
    with unit_of_work():
        campaign = operations.create_campaign(current_principal(), data)
        body = queries.to_out(campaign)
    return json_response(body, 201)


@blueprint.get("")
@require_login
def list_campaigns() -> Response:
    """Campaigns, newest first: all of the organisation's for managers and admins, those with
    a target of theirs for reps."""
    args = parse_query(CampaignListQuery)
    page = queries.list_campaigns(current_principal(), args.status, args.limit, args.cursor)
    return json_response(CampaignList(items=page.items, next_cursor=page.next_cursor))


@blueprint.get("/signing-secret")
@require_role(*MANAGING)
def signing_secret() -> Response:
    """The organisation's secret that signs audience deliveries."""
    secret = operations.delivery_secret(current_principal().org_id)
    return json_response(SigningSecretOut(secret=secret))


@blueprint.post("/audience-preview")
@require_role(*MANAGING)
def audience_preview() -> Response:
    """The audience of an unsaved campaign: count, first page, clusters for a viewport."""
    data = parse_body(AudiencePreview)
    audience = queries.audience_of(current_principal(), data.area, data.segment_id, data.filters)
    body = queries.audience_page(audience, data.limit, data.cursor, _bbox(data.bbox), data.zoom)
    return json_data_response(AUDIENCE_JSON, body)


def _bbox(text: str | None) -> BBox | None:
    if text is None:
        return None
    try:
        return parse_bbox(text)
    except ValueError as error:
        raise invalid({"bbox": str(error)}) from None


@blueprint.get("/<uuid:campaign_id>")
@require_login
def get_campaign(campaign_id: uuid.UUID) -> Response:
    """One campaign."""
    return json_response(queries.to_out(queries.get_campaign(current_principal(), campaign_id)))


@blueprint.patch("/<uuid:campaign_id>")
@require_role(*MANAGING)
def update_campaign(campaign_id: uuid.UUID) -> Response:
    """Change a draft (send version); a launched campaign only takes `status: "done"`."""
    patch = parse_body(CampaignPatch)
    with unit_of_work():
        campaign = operations.update_campaign(current_principal(), campaign_id, patch)
        body = queries.to_out(campaign)
    return json_response(body)


@blueprint.get("/<uuid:campaign_id>/audience")
@require_role(*MANAGING)
def audience(campaign_id: uuid.UUID) -> Response:
    """A campaign's audience now, as the caller sees it."""
    args = parse_query(AudienceQuery)
    principal = current_principal()
    audience = queries.stored_audience(principal, queries.get_campaign(principal, campaign_id))
    body = queries.audience_page(audience, args.limit, args.cursor, _bbox(args.bbox), args.zoom)
    return json_data_response(AUDIENCE_JSON, body)


@blueprint.post("/<uuid:campaign_id>/launch")
@require_role(*MANAGING)
def launch(campaign_id: uuid.UUID) -> Response:
    """Launch: a background job makes one task per target account (202)."""
    data = parse_body(LaunchIn)
    with unit_of_work():
        campaign = operations.launch_campaign(current_principal(), campaign_id, data.assignment)
        body = _launch_answer(campaign)
    return json_response(body, 202)


def _launch_answer(campaign: Campaign) -> LaunchAnswer:
    out = queries.to_out(campaign)
    state = out.launch.state if out.launch is not None else "queued"
    return LaunchAnswer(campaign=out, job=JobOut(state=state))


@blueprint.get("/<uuid:campaign_id>/refresh")
@require_role(*MANAGING)
def refresh_diff(campaign_id: uuid.UUID) -> Response:
    """Accounts that entered the audience since the launch, and targets that left it."""
    args = parse_query(RefreshQuery)
    principal = current_principal()
    campaign = queries.get_campaign(principal, campaign_id)
    return json_response(queries.refresh_diff(principal, campaign, args.limit))


@blueprint.post("/<uuid:campaign_id>/refresh")
@require_role(*MANAGING)
def refresh(campaign_id: uuid.UUID) -> Response:
    """Add the accounts that entered the audience as targets with tasks (202, a job)."""
    with unit_of_work():
        campaign = operations.refresh_campaign(current_principal(), campaign_id)
        body = _launch_answer(campaign)
    return json_response(body, 202)


@blueprint.get("/<uuid:campaign_id>/stats")
@require_role(*MANAGING)
def stats(campaign_id: uuid.UUID) -> Response:
    """Targets, visited, converted, outcomes, per rep and per day."""
    principal = current_principal()
    campaign = queries.get_campaign(principal, campaign_id)
    return json_response(queries.campaign_stats(principal, campaign))


@blueprint.get("/<uuid:campaign_id>/targets")
@require_role(*MANAGING)
def targets(campaign_id: uuid.UUID) -> Response:
    """The targets by account name, each with its assignee, task and state."""
    args = parse_query(PageQuery)
    principal = current_principal()
    campaign = queries.get_campaign(principal, campaign_id)
    page = queries.list_targets(principal, campaign, args.limit, args.cursor)
    return json_response(TargetList(items=page.items, next_cursor=page.next_cursor))


@blueprint.get("/<uuid:campaign_id>/audience.csv")
@require_role(*MANAGING)
def audience_csv(campaign_id: uuid.UUID) -> Response:
    """The audience as CSV (the accounts export's columns), streamed."""
    principal = current_principal()
    query = queries.campaign_audience(principal, queries.get_campaign(principal, campaign_id))
    chunks = export_pages(principal, queries.audience_pages(query, EXPORT_CHUNK))
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="audience.csv"'
    return response


@blueprint.post("/<uuid:campaign_id>/audience/deliveries")
@require_role(*MANAGING)
def deliver_audience(campaign_id: uuid.UUID) -> Response:
    """POST the audience, signed, to a URL from a background job (202)."""
    data = parse_body(DeliveryIn)
    with unit_of_work():
        body = operations.queue_delivery(current_principal(), campaign_id, data.url)
    return json_response(body, 202)


@blueprint.get("/<uuid:campaign_id>/audience/deliveries/<string:delivery_id>")
@require_role(*MANAGING)
def get_delivery(campaign_id: uuid.UUID, delivery_id: str) -> Response:
    """One audience delivery and how it went."""
    delivery = queries.get_delivery(current_principal(), campaign_id, delivery_id)
    return json_response(queries.delivery_out(delivery))
