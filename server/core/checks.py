"""SQL text for CHECK constraints that keep a column to a fixed set of values."""

from __future__ import annotations


def one_of(column: str, values: tuple[str, ...]) -> str:
    """`column IN ('a', 'b')`: the column may hold only these values."""
    return f"{column} IN ({', '.join(repr(value) for value in values)})"
