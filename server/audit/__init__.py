"""The audit log: who read what sensitive data (other people's visit coordinates, say) and who
made a bearer token that acts as someone else."""
