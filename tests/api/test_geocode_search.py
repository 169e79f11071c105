"""GET /api/v1/geocode/search: places matching free text, through the real geopy client, for
searching around a place when the device gives no position.

The geocoder is a local server speaking Nominatim's /search protocol
(tests/support/fake_nominatim.py).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from server.extensions import db
from tests.support.fixtures import ApiClient

PATH = "/api/v1/geocode/search"
VICTORIEI = ("Piața Victoriei, Sector 1, Bucharest, Romania", 26.0864, 44.4522)
UNIRII = ("Piața Unirii, Sector 3, Bucharest, Romania", 26.1027, 44.4268)
ROMANA = ("Piața Romană, Sector 1, Bucharest, Romania", 26.0969, 44.4466)


@pytest.fixture
def api(make_org, make_user, logged_in):
    return logged_in(make_user(make_org()))


def _know(fake_geocoder, *places):
    for address, lng, lat in places:
        fake_geocoder.add(address, lng, lat)


def test_search_answers_the_matching_places_with_their_points_when_the_geocoder_knows_them(
    api, fake_geocoder
):
    """Every place whose name holds the words searched, as the geocoder wrote it, with a
    GeoJSON Point; asked as Nominatim JSON with the limit, by Waypoint's user agent."""
    _know(fake_geocoder, VICTORIEI, UNIRII, ROMANA)

    response = api.get(f"{PATH}?q=Sector 1 Bucharest")

    assert response.status_code == 200
    assert response.json == {
        "items": [
            {
                "address": VICTORIEI[0],
                "location": {"type": "Point", "coordinates": [26.0864, 44.4522]},
            },
            {
                "address": ROMANA[0],
                "location": {"type": "Point", "coordinates": [26.0969, 44.4466]},
            },
        ]
    }
    [request] = fake_geocoder.requests
    assert request["path"] == "/search"
    assert request["query"]["q"] == "Sector 1 Bucharest"
    assert request["query"]["format"] in {"json", "jsonv2"}
    assert request["query"]["limit"] == "5"
    assert request["ua"].startswith("waypoint")


def test_search_answers_at_most_limit_places_when_more_match(api, fake_geocoder):
    """?limit= is passed on and held to."""
    _know(fake_geocoder, VICTORIEI, UNIRII, ROMANA)

    response = api.get(f"{PATH}?q=Bucharest&limit=2")

    assert response.status_code == 200
    assert [item["address"] for item in response.json["items"]] == [VICTORIEI[0], UNIRII[0]]
    assert fake_geocoder.requests[0]["query"]["limit"] == "2"


def test_search_answers_no_items_when_nothing_matches(api, fake_geocoder):
    """No match is an empty list, not an error."""
    _know(fake_geocoder, VICTORIEI)

    response = api.get(f"{PATH}?q=Atlantis")

    assert response.status_code == 200
    assert response.json == {"items": []}


def test_search_asks_the_geocoder_once_when_the_same_words_are_searched_again(api, fake_geocoder):
    """Answers are cached by the words searched, whatever their case and spacing."""
    _know(fake_geocoder, UNIRII)

    first = api.get(f"{PATH}?q=Piața Unirii")
    second = api.get(f"{PATH}?q=  piața   UNIRII ")

    assert first.json == second.json
    assert len(first.json["items"]) == 1
    assert len(fake_geocoder.requests) == 1


def test_search_answers_503_envelope_when_the_geocoder_is_down(api, fake_geocoder):
    """An outage is a 503 geocoding_unavailable with Retry-After, never a 500."""
    fake_geocoder.down = True

    response = api.get(f"{PATH}?q=Piața Unirii")

    assert response.status_code == 503
    assert response.json["error"]["code"] == "geocoding_unavailable"
    assert set(response.json["error"]) == {"code", "message", "fields"}
    assert response.headers["Retry-After"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "q"),
        ("q=", "q"),
        ("q=%20%20%20", "q"),
        ("q=" + "x" * 201, "q"),
        ("q=Unirii&limit=0", "limit"),
        ("q=Unirii&limit=11", "limit"),
        ("q=Unirii&limit=many", "limit"),
        ("q=Unirii&lat=44.4", "lat"),
    ],
)
def test_search_answers_422_naming_the_field_when_the_query_is_invalid(
    api, fake_geocoder, query, field
):
    """Missing, blank or overlong text, a limit out of 1..10 and unknown parameters are a 422
    naming the field; the geocoder is not asked."""
    response = api.get(f"{PATH}?{query}")

    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    assert field in response.json["error"]["fields"]
    assert fake_geocoder.requests == []


def test_search_answers_401_when_no_one_is_logged_in(client, fake_geocoder):
    """Anonymous callers are refused before the geocoder is asked."""
    response = client.get(f"{PATH}?q=Unirii")

    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert fake_geocoder.requests == []


@pytest.fixture
def paced_app(app_with):
    """The app spacing geocoder requests a second apart (as for the public service), and
    refusing a lookup that would wait more than a second for its turn."""
    return app_with(geocoder_min_interval_s=1.0, geocoder_max_wait_s=1.0)


def _logged_in_to(app, user):
    api = ApiClient(app.test_client())
    assert api.login(user.email).status_code == 200
    return api


def _in_parallel(calls):
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_searches_beyond_the_wait_bound_answer_503_busy_holding_no_connection(
    paced_app, org, make_user, fake_geocoder
):
    """Thirty users search at once of a slow geocoder: those whose turn comes within the bound
    are answered, the others get 503 geocoder_busy with Retry-After at once; no request holds a
    database connection while the geocoder is asked."""
    _know(fake_geocoder, UNIRII)
    fake_geocoder.delay_s = 0.3
    with paced_app.app_context():
        engine = db.engine
    held: list[int] = []
    fake_geocoder.on_request = lambda: held.append(engine.pool.checkedout())
    apis = [_logged_in_to(paced_app, make_user(org)) for _ in range(30)]

    responses = _in_parallel(
        [lambda api=api, n=n: api.get(f"{PATH}?q=Unirii {n}") for n, api in enumerate(apis)]
    )

    answered = [r for r in responses if r.status_code == 200]
    busy = [r for r in responses if r.status_code == 503]
    assert len(answered) + len(busy) == 30
    assert len(busy) >= 15
    assert {r.json["error"]["code"] for r in busy} == {"geocoder_busy"}
    assert all(int(r.headers["Retry-After"]) >= 1 for r in busy)
    assert len(fake_geocoder.requests) == len(answered)
    assert held[1:] == [0] * (len(held) - 1)


def test_a_user_searching_already_waits_in_the_same_queue_as_reverse_lookups(
    paced_app, org, make_user, fake_geocoder
):
    """Searches and reverse lookups share one fair queue: a user's five searches and a reverse
    lookup at once take one turn (the rest refused at once), and another user asking meanwhile
    is still answered."""
    _know(fake_geocoder, UNIRII)
    fake_geocoder.delay_s = 0.3
    greedy = _logged_in_to(paced_app, make_user(org))
    other = _logged_in_to(paced_app, make_user(org))
    greedy_calls = [lambda n=n: greedy.get(f"{PATH}?q=Unirii {n}") for n in range(5)]
    greedy_calls.append(lambda: greedy.get("/api/v1/geocode/reverse?lat=44.4268&lng=26.1027"))

    responses = _in_parallel([*greedy_calls, lambda: other.get(f"{PATH}?q=Unirii")])

    assert sorted(r.status_code for r in responses[:6]) == [200, 503, 503, 503, 503, 503]
    assert responses[6].status_code == 200
