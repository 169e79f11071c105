"""Notes: what a rep wrote down about an account (a call, a meeting, a fact worth keeping)."""
