"""Creating organisations."""

from __future__ import annotations

from server.core.clock import new_id
from server.extensions import db
from server.orgs.models import Organisation


def create_organisation(name: str) -> Organisation:
    """Add a new organisation; the caller's unit of work commits it."""
    organisation = Organisation(id=new_id(), name=name.strip())
    db.session.add(organisation)
    db.session.flush()
    return organisation
