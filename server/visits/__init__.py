"""Visits: a rep's check-in at an account, with its outcome and how well its GPS fix verifies it."""
