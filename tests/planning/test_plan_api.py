"""POST /api/v1/routes/plan: the order, legs, times and links of a rep's day, over HTTP."""

from __future__ import annotations

import itertools
import threading
import uuid
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.app_process import free_port
from tests.support.bulk import CITY_CENTRE
from tests.support.fake_osrm import bend
from tests.support.fixtures import ApiClient

PLAN = "/api/v1/routes/plan"
START = {"type": "Point", "coordinates": list(CITY_CENTRE)}
# A Tuesday morning in Bucharest (UTC+2 in March).
MORNING = "2026-03-10T08:00:00+02:00"
SPOTS = [
    (26.05, 44.45),
    (26.16, 44.40),
    (26.12, 44.48),
    (26.02, 44.41),
    (26.20, 44.46),
    (26.08, 44.38),
    (26.14, 44.44),
    (26.03, 44.47),
    (26.18, 44.42),
    (26.11, 44.36),
    (26.06, 44.43),
    (26.22, 44.39),
]


def at(text):
    return datetime.fromisoformat(text)


@pytest.fixture
def spots(org, rep, make_account):
    """Twelve accounts of the rep around the city."""
    return [str(make_account(org, lng, lat, owner_id=rep.id)) for lng, lat in SPOTS]


def logged_in_to(app, user):
    """A client of a variant of the app, logged in as `user`."""
    client = ApiClient(app.test_client())
    assert client.login(user.email).status_code == 200
    return client


def plan(api, **body):
    return api.post(PLAN, json={"start": START, "departure_at": MORNING} | body)


def test_plan_orders_every_stop_with_legs_totals_and_matrix_when_asked(rep_api, spots):
    """Five stops: all in the order, five legs from the start to the last visit (no end was
    given), totals that add up, the matrix over start and stops in request order, geodesic
    figures."""
    stops = spots[:5]

    response = plan(rep_api, stops=stops)

    assert response.status_code == 200, response.json
    body = response.json
    assert sorted(body["order"]) == sorted(stops)
    assert body["unplanned"] == []
    assert body["provider"] == "geodesic"
    legs = body["legs"]
    assert [leg["from"] for leg in legs] == ["start", *body["order"][:-1]]
    assert [leg["to"] for leg in legs] == body["order"]
    assert body["total_distance_m"] == sum(leg["distance_m"] for leg in legs)
    assert body["total_duration_s"] == sum(leg["duration_s"] for leg in legs)
    matrix = body["matrix"]
    assert matrix["ids"] == ["start", *stops]
    index = {name: n for n, name in enumerate(matrix["ids"])}
    route = ["start", *body["order"]]
    assert [leg["duration_s"] for leg in legs] == [
        matrix["duration_s"][index[a]][index[b]] for a, b in itertools.pairwise(route)
    ]
    assert [stop["id"] for stop in body["stops"]] == stops
    assert body["navigation_url"] == body["navigation_urls"][0]


def test_plan_is_the_shortest_tour_when_the_stops_are_few(rep_api, spots):
    """Six stops: no order of them drives less than the plan, on the answer's own matrix."""
    stops = spots[:6]

    body = plan(rep_api, stops=stops).json

    matrix = body["matrix"]
    index = {name: n for n, name in enumerate(matrix["ids"])}

    def drive(order):
        route = ["start", *order]
        return sum(matrix["duration_s"][index[a]][index[b]] for a, b in itertools.pairwise(route))

    assert drive(body["order"]) == min(drive(order) for order in itertools.permutations(stops))


def test_visits_follow_each_other_from_the_departure_when_planned(rep_api, spots):
    """The first visit begins after the first leg from the departure; each visit lasts its
    service time (20 minutes unless told) and the next begins after the drive."""
    stops = spots[:4]
    first = stops[0]

    body = plan(rep_api, stops=stops, service_s={first: 600}).json

    clock = at(MORNING)
    for leg in body["legs"][:-1]:
        stop = leg["to"]
        clock += timedelta(seconds=leg["duration_s"])
        assert at(body["arrivals"][stop]) == clock
        clock += timedelta(seconds=600 if stop == first else 1200)
        assert at(body["departures"][stop]) == clock


def test_windows_and_working_hours_hold_when_appointments_are_given(rep_api, spots):
    """Appointments at 11:00-11:30 and 09:00-09:15 and a short working day: every visit begins
    inside its window and the hours, and the rep is back before the day ends."""
    stops = spots[:6]
    windows = {
        stops[0]: ["2026-03-10T11:00:00+02:00", "2026-03-10T11:30:00+02:00"],
        stops[1]: ["2026-03-10T09:00:00+02:00", "2026-03-10T09:15:00+02:00"],
    }
    hours = {"start": "08:30", "end": "14:00"}

    body = plan(rep_api, stops=stops, windows=windows, working_hours=hours).json

    assert body["unplanned"] == []
    for stop, (opens, closes) in windows.items():
        assert at(opens) <= at(body["arrivals"][stop]) <= at(closes)
    assert min(map(at, body["arrivals"].values())) >= at("2026-03-10T08:30:00+02:00")
    last = body["legs"][-1]
    back = at(body["departures"][last["from"]]) + timedelta(seconds=last["duration_s"])
    assert back <= at("2026-03-10T14:00:00+02:00")


def test_stops_that_cannot_fit_are_unplanned_with_a_reason_when_the_day_is_short(rep_api, spots):
    """A window outside the working hours is unplanned as such; the rest are planned."""
    stops = spots[:3]
    evening = ["2026-03-10T19:00:00+02:00", "2026-03-10T20:00:00+02:00"]

    body = plan(rep_api, stops=stops, windows={stops[2]: evening}).json

    assert body["unplanned"] == [{"id": stops[2], "reason": "outside_working_hours"}]
    assert sorted(body["order"]) == sorted(stops[:2])
    assert stops[2] not in body["arrivals"]


def test_the_last_leg_goes_to_the_end_and_the_matrix_names_it_when_an_end_is_given(rep_api, spots):
    """With an end point, the matrix has an "end" row and the last leg goes there."""
    end = {"type": "Point", "coordinates": [26.3, 44.5]}

    body = plan(rep_api, stops=spots[:3], end=end).json

    assert body["matrix"]["ids"] == ["start", *spots[:3], "end"]
    last = body["legs"][-1]
    assert last["to"] == "end"
    destination = parse_qs(urlsplit(last["links"]["google"]).query)["destination"][0]
    assert destination == "44.500000,26.300000"
    assert last["duration_s"] == body["matrix"]["duration_s"][spots.index(last["from"]) + 1][4]


def test_navigation_is_split_into_google_urls_of_nine_waypoints_when_the_day_is_long(
    rep_api, spots
):
    """Twelve stops after the start: two Google Maps URLs, the second starting at the first's
    destination; each leg has its Apple, Waze and geo: links."""
    body = plan(rep_api, stops=spots).json

    first, second = body["navigation_urls"]
    first_query = parse_qs(urlsplit(first).query)
    second_query = parse_qs(urlsplit(second).query)
    assert len(first_query["waypoints"][0].split("|")) == 9
    assert second_query["origin"] == first_query["destination"]
    assert len(second_query["waypoints"][0].split("|")) == 1
    for leg in body["legs"]:
        assert set(leg["links"]) == {"google", "apple", "waze", "geo"}
        assert leg["links"]["geo"].startswith("geo:")


def test_road_figures_come_from_the_routing_service_when_it_is_configured(
    app_with, rep, spots, fake_osrm
):
    """ROUTING_URL set: provider osrm, and the legs carry the fake's figures."""
    client = logged_in_to(app_with(routing_url=fake_osrm.url), rep)

    body = plan(client, stops=spots[:3]).json

    assert body["provider"] == "osrm"
    first = body["legs"][0]
    lng, lat = SPOTS[spots.index(first["to"])]
    metres, seconds = fake_osrm.figures(CITY_CENTRE, (lng, lat))
    assert first["distance_m"] == round(round(metres, 1))
    assert first["duration_s"] == round(round(seconds, 1))


def test_the_route_line_follows_the_roads_when_the_routing_service_gives_one(
    app_with, rep, spots, fake_osrm
):
    """One `route` request for the start and the stops in their planned order; its geometry
    is the plan's `geometry`, bends and all."""
    client = logged_in_to(app_with(routing_url=fake_osrm.url), rep)

    body = plan(client, stops=spots[:4]).json

    [route] = [r for r in fake_osrm.requests if r["path"].startswith("/route/v1/driving/")]
    assert route["query"] == {"overview": "full", "geometries": "geojson"}
    ordered = [CITY_CENTRE, *(SPOTS[spots.index(stop)] for stop in body["order"])]
    expected = [list(ordered[0])]
    for a, b in itertools.pairwise(ordered):
        expected += [list(bend(a, b)), list(b)]
    assert body["geometry"] == {"type": "LineString", "coordinates": expected}


def test_a_plan_without_a_routing_service_has_no_route_line(rep_api, spots):
    """Geodesic figures: no road line, clients draw straight lines."""
    body = plan(rep_api, stops=spots[:3]).json

    assert body["geometry"] is None


@pytest.mark.parametrize("failure", ["down", "slow", "NoRoute"])
def test_the_plan_is_answered_without_a_route_line_when_the_routing_service_gives_none(
    app_with, rep, spots, fake_osrm, failure
):
    """The table answered but the route did not (refused, too slow, no route), or nothing
    answers at all: the plan still comes, with `geometry` null."""
    url = fake_osrm.url
    if failure == "down":
        url = f"http://127.0.0.1:{free_port()}"
    elif failure == "slow":
        fake_osrm.route_hold = threading.Event()
    else:
        fake_osrm.route_code = failure
    client = logged_in_to(app_with(routing_url=url, routing_timeout_s=0.5), rep)

    try:
        response = plan(client, stops=spots[:3])
    finally:
        if fake_osrm.route_hold is not None:
            fake_osrm.route_hold.set()

    assert response.status_code == 200
    assert len(response.json["order"]) == 3
    assert response.json["geometry"] is None
    assert response.json["provider"] == ("geodesic" if failure == "down" else "osrm")


def test_plan_falls_back_to_geodesic_figures_when_the_routing_service_is_down(app_with, rep, spots):
    """A routing service nobody answers at: still a plan, on geodesic figures."""
    client = logged_in_to(app_with(routing_url=f"http://127.0.0.1:{free_port()}"), rep)

    response = plan(client, stops=spots[:3])

    assert response.status_code == 200
    assert response.json["provider"] == "geodesic"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stops": []} | {"start": None}, "start"),
        ({"stops": "tomorrow"}, "stops"),
        ({"stops": [str(uuid.uuid4()) for _ in range(101)]}, "stops"),
        ({"working_hours": {"start": "18:00", "end": "08:00"}}, "working_hours"),
        ({"working_hours": {"start": "8am", "end": "18:00"}}, "working_hours.start"),
        ({"solver_ms": 60_000}, "solver_ms"),
        ({"service_s": {"not-a-uuid": 60}}, "service_s.not-a-uuid.[key]"),
        ({"departure_at": "2026-03-10T08:00:00"}, "departure_at"),
    ],
)
def test_plan_answers_422_naming_the_field_when_the_request_is_invalid(rep_api, body, field):
    """Malformed requests are refused with the field named, never planned."""
    response = rep_api.post(PLAN, json={"start": START, "stops": []} | body)

    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "validation_error"
    assert field in response.json["error"]["fields"], response.json


def test_plan_answers_422_when_a_stop_is_named_twice(rep_api, spots):
    """Each account is one stop."""
    response = plan(rep_api, stops=[spots[0], spots[0]])

    assert response.status_code == 422
    assert "stops" in response.json["error"]["fields"]


def test_plan_answers_422_when_a_window_closes_before_it_opens(rep_api, spots):
    """A window's end before its start is refused."""
    window = ["2026-03-10T11:00:00+02:00", "2026-03-10T10:00:00+02:00"]

    response = plan(rep_api, stops=spots[:1], windows={spots[0]: window})

    assert response.status_code == 422
    assert "windows" in response.json["error"]["fields"]


def test_plan_answers_422_when_windows_or_service_times_name_other_accounts(rep_api, spots):
    """Windows and service times only for the plan's stops."""
    window = ["2026-03-10T11:00:00+02:00", "2026-03-10T12:00:00+02:00"]

    response = plan(rep_api, stops=spots[:1], windows={spots[1]: window}, service_s={spots[2]: 60})

    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        f"windows.{spots[1]}": "not one of the stops",
        f"service_s.{spots[2]}": "not one of the stops",
    }


def test_plan_answers_422_naming_each_stop_without_a_location(
    org, rep, rep_api, make_account, spots
):
    """An account with no location cannot be driven to: named by its place in `stops`."""
    nowhere = str(make_account(org, owner_id=rep.id))

    response = plan(rep_api, stops=[spots[0], nowhere])

    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"stops.1": "the account has no location"}


def test_plan_answers_404_when_a_stop_is_another_reps_or_another_orgs_account(
    org, make_org, make_user, make_account, rep_api, spots
):
    """Ids the caller may not see are answered as absent, whoever holds them."""
    colleague = make_user(org)
    theirs = str(make_account(org, 26.1, 44.4, owner_id=colleague.id))
    elsewhere = make_org()
    foreign = str(make_account(elsewhere, 26.1, 44.4, owner_id=make_user(elsewhere).id))

    for hidden in (theirs, foreign):
        response = plan(rep_api, stops=[spots[0], hidden])

        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"


def test_today_plans_the_accounts_of_the_callers_open_tasks_due_today_when_asked(
    org, rep, rep_api, make_user, make_account, logged_in, spots
):
    """ "today": open and in-progress tasks of the caller due by the end of the departure's
    day (overdue included), each account once with its task; not tomorrow's, done or
    cancelled tasks, tasks without an account or a located one, nor a colleague's."""

    def task(account, due, **fields):
        body = {"title": "Visit", "account_id": account, "due_at": due} | fields
        response = rep_api.post("/api/v1/tasks", json=body)
        assert response.status_code == 201, response.json
        return response.json["id"]

    today_task = task(spots[0], "2026-03-10T15:00:00+02:00")
    overdue = task(spots[1], "2026-03-09T10:00:00+02:00", status="in_progress")
    task(spots[0], "2026-03-10T17:00:00+02:00")  # the same account again: one stop
    task(spots[2], "2026-03-11T09:00:00+02:00")  # tomorrow
    task(spots[3], "2026-03-10T12:00:00+02:00", status="done")
    task(spots[4], "2026-03-10T12:00:00+02:00", status="cancelled")
    task(None, "2026-03-10T12:00:00+02:00")
    task(str(make_account(org, owner_id=rep.id)), "2026-03-10T12:00:00+02:00")
    colleague = make_user(org)
    their_account = str(make_account(org, 26.1, 44.4, owner_id=colleague.id))
    theirs = logged_in(colleague).post(
        "/api/v1/tasks",
        json={
            "title": "Theirs",
            "account_id": their_account,
            "due_at": "2026-03-10T12:00:00+02:00",
        },
    )
    assert theirs.status_code == 201

    body = plan(rep_api, stops="today").json

    assert sorted(body["order"]) == sorted([spots[0], spots[1]])
    assert {stop["id"]: stop["task_id"] for stop in body["stops"]} == {
        spots[1]: overdue,
        spots[0]: today_task,
    }
    assert body["matrix"]["ids"] == ["start", spots[1], spots[0]]


def test_today_with_no_tasks_is_a_day_without_stops_when_nothing_is_due(rep_api):
    """Nothing due: an empty order and no legs."""
    body = plan(rep_api, stops="today").json

    assert body["order"] == []
    assert body["legs"] == []
