"""A week of visits as one routing problem: the days are the vehicles, on one clock.

Time is counted in seconds from the first day's midnight, so every day's working hours are one
window of that clock and a vehicle (a day) can only serve what is open while it works: an
account due on day k opens at day k's start and stays open to the end of the plan, an overdue
one is open from the start, and an appointment is open only at its own time on its own day.
Every stop is optional with a prize, so when not everything fits the solver leaves out what
costs the least to leave out, and says so; it never breaks a day's hours to fit one more in.
The solver is PyVRP with a fixed seed and a fixed number of iterations, searching as a day's
plan does (solver.search): the same week gives the same plan on any machine, however fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyvrp import Model, Solution
from pyvrp.stop import MaxIterations

from server.planning.matrix import LngLat, TravelMatrix
from server.planning.solver import Visit, ending_anywhere, search

# A plan is a search; these make it the same search every time. 1,000 iterations (about 0.9 s
# of CPU for 60 accounts over 5 days, bench/planning.py) make every visit a run of 10 times as
# many makes, with about as much driving (within a few per cent either way).
SEED = 1
ITERATIONS = 1_000
# What an appointment kept is worth next to a visit: far more than anything else in the plan.
APPOINTMENT_PRIZE = 20_000_000
# What a due visit made is worth: more than any detour it costs (hours of driving), so a
# visit that fits in is made; each day it is overdue adds a little, so the most overdue go
# first when few fit. Prizes far above that blunt the solver's penalty for breaking working
# hours (and slow it down): keep them within a few orders of a day's cost.
VISIT_PRIZE = 1_000_000
OVERDUE_PRIZE_PER_DAY = 10_000
# The search's cap on the penalty per second late (solver.search): against these prizes, 200
# (a day's) lets it keep a week late and plan nothing; at 5,000 a visit is worth no more than
# about 3 minutes late, so it settles on days that keep their hours.
MAX_LATE_PENALTY = 5_000
# Cost per second of driving on the first day; each later day costs a little more, so of two
# equally short plans the one that visits accounts sooner wins.
FIRST_DAY_COST = 20
LATER_DAY_COST = 1


@dataclass(frozen=True)
class Shift:
    """One planned day's working hours, in seconds on the plan's clock."""

    start_s: int
    end_s: int


@dataclass(frozen=True)
class Stop:
    """A place to visit: open from `open_s` to `close_s` on the plan's clock (an appointment's
    window is a moment), `service_s` long, `overdue_days` behind its frequency."""

    point: LngLat
    open_s: int
    close_s: int
    service_s: int
    appointment: bool = False
    overdue_days: int = 0


@dataclass(frozen=True)
class WeekPlan:
    """Each shift's visits in order (a list per shift, as given; a visit's times on the plan's
    clock) and the stops left out."""

    days: list[list[Visit]]
    unplanned: list[int]


def points_of(start: LngLat, end: LngLat | None, stops: Sequence[Stop]) -> list[LngLat]:
    """The points the travel matrix of a plan is asked for: start, end (when given), stops."""
    return [start, *([end] if end is not None else []), *(stop.point for stop in stops)]


def plan_week(
    shifts: Sequence[Shift],
    stops: Sequence[Stop],
    matrix: TravelMatrix,
    has_end: bool,
    iterations: int = ITERATIONS,
) -> WeekPlan:
    """The days' routes: every day leaves the start no earlier than its working hours' start
    and reaches the end by their end (without an end, a day ends at its last visit, which must
    be over by then). `matrix` is over points_of(start, end, stops)."""
    if not stops:
        return WeekPlan([[] for _ in shifts], [])
    model = _model(shifts, stops, matrix, has_end)
    best = search(model.data(), MaxIterations(iterations), SEED, MAX_LATE_PENALTY)
    return _read(best, len(shifts), len(stops))


def _model(
    shifts: Sequence[Shift], stops: Sequence[Stop], matrix: TravelMatrix, has_end: bool
) -> Model:
    model = Model()
    offset = 2 if has_end else 1
    start = model.add_location(0, 0, name="start")
    end = model.add_location(0, 0, name="end")
    depot_start, depot_end = model.add_depot(start), model.add_depot(end)
    for day, shift in enumerate(shifts):
        model.add_vehicle_type(
            1,
            start_depot=depot_start,
            end_depot=depot_end,
            tw_early=shift.start_s,
            tw_late=shift.end_s,
            unit_distance_cost=FIRST_DAY_COST + day * LATER_DAY_COST,
            name=f"day {day}",
        )
    places = [model.add_location(0, 0, name=str(i)) for i in range(len(stops))]
    for stop, place in zip(stops, places, strict=True):
        prize = APPOINTMENT_PRIZE if stop.appointment else VISIT_PRIZE
        model.add_client(
            place,
            service_duration=stop.service_s,
            tw_early=stop.open_s,
            tw_late=stop.close_s,
            prize=prize + OVERDUE_PRIZE_PER_DAY * stop.overdue_days,
            required=False,
        )
    # Matrix rows: 0 start, 1 end when given (else the open end, ending_anywhere's last row),
    # then the stops.
    seconds = matrix.duration_s if has_end else ending_anywhere(matrix.duration_s)
    rows = [0, 1 if has_end else len(matrix.duration_s), *range(offset, offset + len(stops))]
    locations = [start, end, *places]
    for i, frm in enumerate(locations):
        for j, to in enumerate(locations):
            if i != j:
                drive = seconds[rows[i]][rows[j]]
                model.add_edge(frm, to, drive, drive)
    return model


def _read(solution: Solution, days: int, stops: int) -> WeekPlan:
    """The solver's best solution as visits per day; a day that could only be made by breaking
    its hours (never expected: every stop is optional) is given up whole."""
    routes: list[list[Visit]] = [[] for _ in range(days)]
    planned: set[int] = set()
    for route in solution.routes():
        if route.has_time_warp():
            continue
        visits = [Visit(a.idx, a.start_time, a.end_time) for a in route.schedule() if a.is_client()]
        routes[route.vehicle_type()] = visits
        planned.update(visit.stop for visit in visits)
    return WeekPlan(routes, [i for i in range(stops) if i not in planned])
