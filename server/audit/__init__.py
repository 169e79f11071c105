"""The audit log: who read what sensitive data (other people's visit coordinates, say)."""
