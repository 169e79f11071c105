"""Password rules and argon2id hashing, without the app."""

from __future__ import annotations

import pytest

from server.users.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    hash_password,
    password_problem,
    spend_verification_time,
    verify_password,
)


@pytest.fixture(scope="module")
def stored():
    """One hash to verify against (argon2id is slow on purpose)."""
    return hash_password("correct horse battery")


@pytest.mark.parametrize(
    ("password", "acceptable"),
    [
        ("k" * (MIN_LENGTH - 1), False),
        ("k" * MIN_LENGTH, True),
        ("k" * MAX_LENGTH, True),
        ("k" * (MAX_LENGTH + 1), False),
        ("", False),
    ],
)
def test_password_length_is_judged_when_between_8_and_128_characters(password, acceptable):
    """8 and 128 characters are fine; 7 and 129 are not."""
    assert (password_problem(password) is None) == acceptable


def test_password_length_counts_characters_when_the_password_is_not_ascii():
    """Eight accented letters are eight characters, though sixteen bytes."""
    assert password_problem("é" * 8) is None
    assert password_problem("é" * 7) is not None


@pytest.mark.parametrize("password", ["password123", "PASSWORD123", "Password", "12345678"])
def test_common_password_is_refused_when_in_any_case(password):
    """A password from the common list is refused whatever its case."""
    assert "common" in password_problem(password)


def test_min_and_max_lengths_are_8_and_128_when_read_from_the_module():
    """The limits the API documents."""
    assert (MIN_LENGTH, MAX_LENGTH) == (8, 128)


def test_hash_is_argon2id_when_a_password_is_hashed(stored):
    """PHC string format with the argon2id variant; never the password itself."""
    assert stored.startswith("$argon2id$")
    assert "correct horse battery" not in stored


def test_hashes_differ_when_the_same_password_is_hashed_twice():
    """Each hash has its own salt."""
    assert hash_password("same password!") != hash_password("same password!")


def test_verify_accepts_the_password_when_it_matches(stored):
    """The right password verifies."""
    assert verify_password(stored, "correct horse battery") is True


@pytest.mark.parametrize("attempt", ["correct horse batter", "Correct horse battery", "", "\u0000"])
def test_verify_refuses_the_password_when_it_differs(stored, attempt):
    """Any other password, even one letter off, fails."""
    assert verify_password(stored, attempt) is False


@pytest.mark.parametrize("garbage", ["", "not a hash", "$argon2id$v=19$broken", "$2b$12$abc"])
def test_verify_answers_false_when_the_stored_hash_is_not_argon2(garbage):
    """A damaged or foreign hash refuses the login instead of raising."""
    assert verify_password(garbage, "correct horse battery") is False


def test_decoy_verification_returns_nothing_when_the_email_is_unknown():
    """Spending verification time for an unknown email neither raises nor reveals anything."""
    assert spend_verification_time("any password") is None
