"""GET /api/v1/geocode/reverse: the address at a position, through the real geopy client.

The geocoder is a local server speaking Nominatim's /reverse protocol
(tests/support/fake_nominatim.py).
"""

from __future__ import annotations

import pytest

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
