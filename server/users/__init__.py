"""People and how they prove who they are: users, roles, sessions, API tokens, login throttling."""
