"""Read use cases of campaigns, and their visibility rule."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, select, true

from server.campaigns.models import Campaign, CampaignTarget
from server.core.auth import Principal
from server.core.visibility import register


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
