"""The manager's view of their team: each rep's day at a glance (tasks, visits, last sync)."""
