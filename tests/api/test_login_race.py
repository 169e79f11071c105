"""The login throttle holds under concurrency, against the production server (gunicorn, one
thread per request): guesses sent all at once are counted one by one, before any password is
checked, so no more than the allowance is ever checked."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.support.app_process import AppProcess

GUESSES = 32
# gunicorn's environment leaves LOGIN_FAILURES_PER_MINUTE at its default.
PAIR_LIMIT = 5


def _guess_all_at_once(server: AppProcess, email: str) -> list[requests.Response]:
    """GUESSES wrong passwords for `email` from one address, released together."""
    start = threading.Barrier(GUESSES)

    def guess(number: int) -> requests.Response:
        start.wait()
        return requests.post(
            f"{server.url}/api/v1/auth/login",
            json={"email": email, "password": f"wrong guess {number}"},
            timeout=60,
        )

    with ThreadPoolExecutor(max_workers=GUESSES) as pool:
        return list(pool.map(guess, range(GUESSES)))


def test_concurrent_wrong_passwords_are_checked_at_most_the_limit_when_sent_at_once(
    production_server, rep
):
    """32 simultaneous wrong passwords for one account: 5 are checked (401), 27 get 429."""
    answers = _guess_all_at_once(production_server, rep.email)

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [401] * PAIR_LIMIT + [429] * (GUESSES - PAIR_LIMIT)
    assert all(
        answer.json()["error"]["code"] == "rate_limited"
        for answer in answers
        if answer.status_code == 429
    )


def test_concurrent_guesses_at_an_unknown_email_are_throttled_alike_when_sent_at_once(
    production_server, app
):
    """An unknown email is counted the same way, and answers the same 401 as a known one."""
    answers = _guess_all_at_once(production_server, "nobody@example.com")

    refused = [answer.json()["error"] for answer in answers if answer.status_code == 401]
    assert len(refused) == PAIR_LIMIT
    assert {error["message"] for error in refused} == {"the email or password is not correct"}
