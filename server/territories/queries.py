"""Read use cases of territories, and their visibility rule."""

from __future__ import annotations

from server.core.visibility import register
from server.territories.models import Territory

# Every member of the organisation may see its territories (a rep's map shows where theirs
# end); only managers and admins change them.
register(Territory, "territory")
