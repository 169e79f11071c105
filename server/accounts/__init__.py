"""Accounts: the customers and prospects reps visit."""
