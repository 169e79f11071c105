"""The offline protocol: a per-device mutation ledger (exactly once), an op registry that calls
the same domain operations as the REST API, push with a savepoint per mutation, and a pull
change feed whose cursors are PostgreSQL snapshots (see core.changes)."""
