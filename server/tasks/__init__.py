"""Tasks: work assigned to a rep (a visit to make, a call), with status, due time and priority."""
