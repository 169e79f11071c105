"""Password rules and hashing: argon2id with argon2-cffi's defaults (ASVS 2.4)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.core.concurrency import off_the_event_loop

MIN_LENGTH = 8
MAX_LENGTH = 128

_hasher = PasswordHasher()


@cache
def _common_passwords() -> frozenset[str]:
    text = resources.files(__package__).joinpath("common_passwords.txt").read_text()
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"use at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"use at most {MAX_LENGTH} characters"
    if password.lower() in _common_passwords():
        return "this password is too common; choose another"
    return None


def hash_password(password: str) -> str:
    """An argon2id hash of the password (off the event loop: see core.concurrency)."""
    return off_the_event_loop(_hasher.hash, password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches the stored hash (off the event loop: see core.concurrency)."""
    return off_the_event_loop(_verify, password_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _decoy_hash() -> str:
    return hash_password("waypoint-decoy-password")


def spend_verification_time(password: str) -> None:
    """Verify against a decoy so an unknown email takes as long as a wrong password."""
    verify_password(_decoy_hash(), password)
