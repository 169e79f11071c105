"""Imports every model module so the metadata (and Alembic) knows every table."""

from server.accounts.models import Account
from server.audit.models import AuditEntry
from server.campaigns.models import Campaign, CampaignTarget
from server.core.rate_limits import RateCounter
from server.notes.models import Note
from server.orgs.models import Organisation
from server.segments.models import Segment
from server.sync.models import SyncClient, SyncMutation
from server.tasks.models import Task
from server.territories.models import Territory, TerritoryRep
from server.users.models import ApiToken, User, UserSession
from server.visits.models import Visit

__all__ = [
    "Account",
    "ApiToken",
    "AuditEntry",
    "Campaign",
    "CampaignTarget",
    "Note",
    "Organisation",
    "RateCounter",
    "Segment",
    "SyncClient",
    "SyncMutation",
    "Task",
    "Territory",
    "TerritoryRep",
    "User",
    "UserSession",
    "Visit",
]
