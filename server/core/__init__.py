"""Plumbing with no business words: errors, transactions, auth, tenancy, paging, validation."""
