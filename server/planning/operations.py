"""Planning a day's route: the stops, the figures between them, the solver, the answer.

Nothing is written. The stops are read first; then the request gives its database connection
back before it asks the routing service (which may take up to ROUTING_TIMEOUT_S) and runs the
solver (off the event loop under gevent: it computes for up to a second); the routing service
is then asked once more, for the road line through the stops in their planned order.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from server.core.auth import Principal
from server.core.clock import now_utc
from server.core.concurrency import off_the_event_loop
from server.core.errors import invalid
from server.core.transaction import release_connection
from server.planning import queries
from server.planning.answer import plan_answer, route_indices
from server.planning.hours import WorkingHours
from server.planning.matrix import LngLat, travel_matrix
from server.planning.queries import StopRow
from server.planning.road_line import road_line
from server.planning.schemas import (
    DEFAULT_SERVICE_S,
    MAX_STOPS,
    PlanOut,
    PlanRequest,
)
from server.planning.solver import DayProblem, Stop, ending_anywhere, solve

DEFAULT_HOURS = WorkingHours()


def plan_day(principal: Principal, request: PlanRequest) -> PlanOut:
    """The best order of the request's stops from its start to its end (without one, the day
    ends at its last visit), within the working hours and each stop's window."""
    departure = request.departure_at or now_utc()
    stops = _stops(principal, request, departure)
    _check_named_stops(request, stops)
    release_connection()
    points: list[LngLat] = [(request.start.lng, request.start.lat)]
    points += [(stop.lng, stop.lat) for stop in stops]
    if request.end is not None:
        points.append((request.end.lng, request.end.lat))
    matrix = travel_matrix(points)
    duration_s, distance_m = matrix.duration_s, matrix.distance_m
    if request.end is None:
        duration_s, distance_m = ending_anywhere(duration_s), ending_anywhere(distance_m)
    problem = day_problem(request, stops, departure, duration_s, distance_m)
    plan = off_the_event_loop(solve, problem, request.solver_ms)
    geometry = road_line([points[index] for index in route_indices(request, stops, plan)])
    return plan_answer(request, stops, departure, points, matrix, plan, geometry)


def _stops(principal: Principal, request: PlanRequest, departure: datetime) -> list[StopRow]:
    if request.stops != "today":
        return queries.named_stops(principal, request.stops)
    stops = queries.todays_stops(principal, day_bounds(departure)[1])
    if len(stops) > MAX_STOPS:
        raise invalid(
            {"stops": f"{len(stops)} stops today, at most {MAX_STOPS}: name the accounts"}
        )
    return stops


def _check_named_stops(request: PlanRequest, stops: list[StopRow]) -> None:
    """Windows and service times may only name stops of the plan (422 naming each other)."""
    ids = {stop.id for stop in stops}
    fields = {
        f"{name}.{account_id}": "not one of the stops"
        for name, given in (("windows", request.windows), ("service_s", request.service_s))
        for account_id in given
        if account_id not in ids
    }
    if fields:
        raise invalid(fields)


def day_bounds(departure: datetime) -> tuple[datetime, datetime]:
    """The day `departure` falls on, in its own offset: [midnight, next midnight)."""
    midnight = datetime.combine(departure.date(), datetime.min.time(), departure.tzinfo)
    try:
        return midnight, midnight + timedelta(days=1)
    except OverflowError:  # 9999-12-31: the day ends when time does
        return midnight, datetime.max.replace(tzinfo=departure.tzinfo)


def shift(departure: datetime, hours: WorkingHours | None) -> tuple[int, int]:
    """The working hours of the departure's day as seconds from the departure; the day starts
    no earlier than the departure (an empty shift when it leaves after the hours)."""
    opens, closes = (hours or DEFAULT_HOURS).times()
    work_start = datetime.combine(departure.date(), opens, departure.tzinfo)
    work_end = datetime.combine(departure.date(), closes, departure.tzinfo)
    start = max(0, _seconds(work_start - departure))
    return start, max(start, _seconds(work_end - departure))


def _seconds(delta: timedelta) -> int:
    return int(delta.total_seconds())


def day_problem(
    request: PlanRequest,
    stops: list[StopRow],
    departure: datetime,
    duration_s: list[list[int]],
    distance_m: list[list[int]],
) -> DayProblem:
    """The solver's problem: times in seconds from the departure, 20 minutes a visit unless
    told otherwise."""
    problem_stops = []
    for stop in stops:
        window = request.windows.get(stop.id)
        problem_stops.append(
            Stop(
                service_s=request.service_s.get(stop.id, DEFAULT_SERVICE_S),
                window=(
                    (_seconds(window[0] - departure), _seconds(window[1] - departure))
                    if window
                    else None
                ),
            )
        )
    return DayProblem(
        duration_s=duration_s,
        distance_m=distance_m,
        stops=problem_stops,
        shift=shift(departure, request.working_hours),
        separate_end=True,
    )
