"""Imports every model module so the metadata (and Alembic) knows every table."""

from server.accounts.models import Account
from server.orgs.models import Organisation
from server.users.models import ApiToken, LoginFailure, User, UserSession

__all__ = ["Account", "ApiToken", "LoginFailure", "Organisation", "User", "UserSession"]
