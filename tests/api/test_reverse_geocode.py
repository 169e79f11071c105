"""GET /api/v1/geocode/reverse: the address at a position, through the real geopy client.

The geocoder is a local server speaking Nominatim's /reverse protocol
(tests/support/fake_nominatim.py).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from server.extensions import db
from tests.support.fixtures import ApiClient

ADDRESS = "Calea Victoriei 12, Sector 1, Bucharest, 010061, Romania"
LNG, LAT = 26.0963, 44.4325
PATH = "/api/v1/geocode/reverse"


@pytest.fixture
def api(make_org, make_user, logged_in):
    return logged_in(make_user(make_org()))


def test_reverse_answers_the_address_when_the_geocoder_knows_the_position(api, fake_geocoder):
    """A known position answers the geocoder's display name, asked as Nominatim JSON."""
    fake_geocoder.add(ADDRESS, LNG, LAT, {"road": "Calea Victoriei", "house_number": "12"})

    response = api.get(f"{PATH}?lat={LAT}&lng={LNG}")

    assert response.status_code == 200
    assert response.json == {"address": ADDRESS}
    request = fake_geocoder.requests[0]
    assert request["path"] == "/reverse"
    assert request["query"]["format"] in {"json", "jsonv2"}
    assert (float(request["query"]["lat"]), float(request["query"]["lon"])) == (LAT, LNG)
    assert request["ua"].startswith("waypoint")


def test_reverse_answers_null_when_nothing_is_at_the_position(api, fake_geocoder):
    """Nominatim's "Unable to geocode" becomes {"address": null}, not an error."""
    response = api.get(f"{PATH}?lat=0.5&lng=-30.25")

    assert response.status_code == 200
    assert response.json == {"address": None}


def test_reverse_asks_the_geocoder_once_when_the_same_position_is_asked_twice(api, fake_geocoder):
    """Answers are cached like forward geocoding: the provider is asked once."""
    fake_geocoder.add(ADDRESS, LNG, LAT)

    first = api.get(f"{PATH}?lat={LAT}&lng={LNG}")
    second = api.get(f"{PATH}?lat={LAT}&lng={LNG}")

    assert first.json == second.json == {"address": ADDRESS}
    assert len(fake_geocoder.requests) == 1


def test_reverse_answers_503_envelope_when_the_geocoder_is_down(api, fake_geocoder):
    """An outage is a 503 geocoding_unavailable with Retry-After, never a 500."""
    fake_geocoder.down = True

    response = api.get(f"{PATH}?lat={LAT}&lng={LNG}")

    assert response.status_code == 503
    assert response.json["error"]["code"] == "geocoding_unavailable"
    assert set(response.json["error"]) == {"code", "message", "fields"}
    assert response.headers["Retry-After"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "lat"),
        ("lat=44.4", "lng"),
        ("lng=26.1", "lat"),
        ("lat=north&lng=26.1", "lat"),
        ("lat=91&lng=26.1", "lat"),
        ("lat=44.4&lng=-180.5", "lng"),
        ("lat=nan&lng=26.1", "lat"),
        ("lat=44.4&lng=inf", "lng"),
    ],
)
def test_reverse_answers_422_naming_the_field_when_the_position_is_invalid(
    api, fake_geocoder, query, field
):
    """A missing, non-numeric or out-of-range lat/lng is a 422 (as for the accounts queries);
    the geocoder is not asked."""
    response = api.get(f"{PATH}?{query}")

    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    assert field in response.json["error"]["fields"]
    assert fake_geocoder.requests == []


def test_reverse_answers_422_when_an_unknown_parameter_is_sent(api):
    """Unknown query parameters are refused like everywhere else."""
    response = api.get(f"{PATH}?lat={LAT}&lng={LNG}&zoom=3")

    assert response.status_code == 422
    assert "zoom" in response.json["error"]["fields"]


def test_reverse_answers_401_when_no_one_is_logged_in(client, fake_geocoder):
    """Anonymous callers are refused before the geocoder is asked."""
    response = client.get(f"{PATH}?lat={LAT}&lng={LNG}")

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


def test_lookups_beyond_the_wait_bound_answer_503_busy_holding_no_connection(
    paced_app, org, make_user, fake_geocoder
):
    """Forty users ask at once of a slow geocoder: the few whose turn comes within the bound
    are answered, the others get 503 geocoder_busy with Retry-After instead of queueing; no
    request holds a database connection while the geocoder is asked. Each asks of a place of
    their own: on a loaded machine the threads start spread out, and a question asked after an
    answer came would be answered from the cache, without the geocoder."""
    places = [(LNG, LAT + index * 0.001) for index in range(40)]
    for index, (lng, lat) in enumerate(places):
        fake_geocoder.add(f"{index} {ADDRESS}", lng, lat)
    fake_geocoder.delay_s = 0.3
    with paced_app.app_context():
        engine = db.engine
    held: list[int] = []
    fake_geocoder.on_request = lambda: held.append(engine.pool.checkedout())
    apis = [_logged_in_to(paced_app, make_user(org)) for _ in range(40)]

    responses = _in_parallel(
        [
            lambda api=api, lng=lng, lat=lat: api.get(f"{PATH}?lat={lat:.6f}&lng={lng:.6f}")
            for api, (lng, lat) in zip(apis, places, strict=True)
        ]
    )

    answered = [r for r in responses if r.status_code == 200]
    busy = [r for r in responses if r.status_code == 503]
    assert len(answered) + len(busy) == 40
    assert len(busy) >= 20
    assert {r.json["error"]["code"] for r in busy} == {"geocoder_busy"}
    assert all(int(r.headers["Retry-After"]) >= 1 for r in busy)
    assert len(fake_geocoder.requests) == len(answered)
    assert held[1:] == [0] * (len(held) - 1)


def test_a_user_waiting_already_does_not_crowd_out_another(
    paced_app, org, make_user, fake_geocoder
):
    """Fair per user: five parallel lookups of one user take one turn, the rest are refused at
    once, and another user asking meanwhile still gets an answer."""
    fake_geocoder.add(ADDRESS, LNG, LAT)
    fake_geocoder.delay_s = 0.3
    greedy = _logged_in_to(paced_app, make_user(org))
    other = _logged_in_to(paced_app, make_user(org))
    greedy_calls = [
        lambda n=n: greedy.get(f"{PATH}?lat={LAT + n * 0.01}&lng={LNG}") for n in range(5)
    ]

    responses = _in_parallel([*greedy_calls, lambda: other.get(f"{PATH}?lat={LAT}&lng={LNG}")])

    assert sorted(r.status_code for r in responses[:5]) == [200, 503, 503, 503, 503]
    assert responses[5].status_code == 200
