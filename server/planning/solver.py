"""The order of one day's stops: a vehicle routing problem with time windows, solved by PyVRP.

One vehicle (the rep) leaves the start, visits stops and ends at the end (the start again when
there is none), within its shift (the working hours). Each stop takes its service time and may
have a time window its visit must begin in. The cost is the time the day takes, driving and
waiting (service is the same whatever the order). Every stop is optional with a prize worth
more than any day can cost, so the solver visits as many stops as fit and drops only those that
cannot; each dropped stop is given a reason.

Why PyVRP rather than OR-Tools (bench/planning.py prints both on the same seeded days): given
the time PyVRP takes, OR-Tools' guided local search is 3-23 % worse or leaves stops out with
windows, and given seconds it still ends about 3 % above PyVRP's plan on 25-50 stops; PyVRP's
wheel is 3.5 MB against OR-Tools' 80 MB. Stopping by iterations (not wall time) keeps a plan the
same on a loaded machine; a wall-time cap is a safety net only.

Times are whole seconds from a reference instant the caller chooses (the planning module uses
the departure time); matrices are indexed 0 = start, 1..n = stops, then the end if separate.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, Solution, VehicleType
from pyvrp import solve as pyvrp_solve
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.PenaltyManager import PenaltyParams
from pyvrp.search import NeighbourhoodParams
from pyvrp.solve import SolveParams
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

# A fixed seed: the same request gives the same plan.
SEED = 20_251_123
# The solver's effort: iterations of its local search, by the number of stops. Measured in
# bench/planning.py on seeded 10-100 stop days: 3 per stop (20 to 300) reach the best known plan
# on 25 stops in about 40 ms of CPU and stay within 3 % of it on 50-100 stops in 0.15-0.9 s.
ITERATIONS_PER_STOP = 3
MIN_ITERATIONS = 20
MAX_ITERATIONS = 300
# How the search runs, tuned for budgets of a few hundred iterations (PyVRP's defaults suit
# runs of many thousands): the 25 nearest stops as neighbours (50 costs twice the time for no
# better plan); the penalty for a late visit adjusted every 10 candidates (500 by default: a
# short run would never adjust it) and capped (at PyVRP's 100,000 per second late the search
# hardly dares to cross an infeasible order, and a day with clashing windows ends with stops
# left out that a better order fits in). The cap is set against a stop's prize: a day's prize
# is its length in seconds, so 200 per second late; the week's (week.py) are larger. The plan
# given out is always feasible: the solver's best is, and schedule() drops what is not.
NEIGHBOURS = 25
PENALTY_UPDATES_EVERY = 10
MAX_LATE_PENALTY = 200
# A wall-time ceiling (milliseconds) whatever the iterations: only a machine far busier than
# planned for reaches it, and a plan cut short by it may differ from run to run.
DEFAULT_TIME_LIMIT_MS = 5_000
MAX_TIME_LIMIT_MS = 10_000


def ending_anywhere(matrix: Sequence[Sequence[int]]) -> list[list[int]]:
    """`matrix` with one more point that costs nothing to reach from anywhere: as a separate
    end, the day ends wherever its last visit is (an open route). A day's plan and each day of
    a week's plan end this way when no end is given."""
    return [[*row, 0] for row in matrix] + [[0] * (len(matrix) + 1)]


def iterations_for(stops: int) -> int:
    """The solver's iterations for a day of `stops` stops."""
    return min(max(ITERATIONS_PER_STOP * stops, MIN_ITERATIONS), MAX_ITERATIONS)


Reason = Literal["outside_working_hours", "window_unreachable", "no_time_left"]


@dataclass(frozen=True)
class Stop:
    """A stop to place: its visit's length and the window its visit must begin in (seconds
    from the reference instant; None when any time in the shift will do)."""

    service_s: int
    window: tuple[int, int] | None = None


@dataclass(frozen=True)
class DayProblem:
    """One day to plan. `duration_s` and `distance_m` are square matrices over the start, the
    stops in order and the end (when `separate_end`); the shift is [start, end] in seconds."""

    duration_s: Sequence[Sequence[int]]
    distance_m: Sequence[Sequence[int]]
    stops: Sequence[Stop]
    shift: tuple[int, int]
    separate_end: bool

    @property
    def end_index(self) -> int:
        """The matrix index of where the day ends."""
        return len(self.stops) + 1 if self.separate_end else 0


@dataclass(frozen=True)
class Visit:
    """A stop in a plan (a day's, or a day of a week's): its index in the problem's stops, when
    its visit begins (after any wait for its window) and when the rep leaves."""

    stop: int
    begins_at: int
    leaves_at: int


@dataclass(frozen=True)
class DayPlan:
    """The visits in order, when the day ends at the end point, and the stops left out."""

    visits: list[Visit]
    ends_at: int
    unplanned: list[tuple[int, Reason]]

    @property
    def order(self) -> list[int]:
        """The stop indices in visiting order."""
        return [visit.stop for visit in self.visits]


def solve(
    problem: DayProblem, time_limit_ms: int | None = None, iterations: int | None = None
) -> DayPlan:
    """The best order found for `problem`'s stops, with its schedule and what did not fit.
    `iterations` (default: by the number of stops) and `time_limit_ms` (default 5 s; a request
    asks for at most MAX_TIME_LIMIT_MS) bound the search; whichever comes first ends it."""
    candidates = [number for number in range(len(problem.stops)) if _in_shift(problem, number)]
    if not candidates:
        return schedule(problem, [])
    limit_s = (time_limit_ms or DEFAULT_TIME_LIMIT_MS) / 1000
    budget = iterations if iterations is not None else iterations_for(len(candidates))
    stop = MultipleCriteria([MaxIterations(budget), MaxRuntime(limit_s)])
    routes = search(problem_data(problem, candidates), stop, SEED, MAX_LATE_PENALTY).routes()
    visited = [activity.idx for activity in routes[0] if activity.is_client()] if routes else []
    return schedule(problem, [candidates[client] for client in visited])


def search(
    data: ProblemData, stop: StoppingCriterion, seed: int, max_late_penalty: int
) -> Solution:
    """PyVRP's best solution for `data`, searched as a day's plan and a week's are: NEIGHBOURS,
    PENALTY_UPDATES_EVERY, and at most `max_late_penalty` per second late."""
    params = SolveParams(
        penalty=PenaltyParams(
            max_penalty=max_late_penalty, solutions_between_updates=PENALTY_UPDATES_EVERY
        ),
        neighbourhood=NeighbourhoodParams(num_neighbours=NEIGHBOURS),
    )
    with warnings.catch_warnings():
        # The late-visit penalty at its cap is expected here: clashing windows make many
        # orders infeasible, and optional stops let the search leave them out instead.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = pyvrp_solve(data, stop=stop, seed=seed, collect_stats=False, params=params)
    return result.best


def _in_shift(problem: DayProblem, number: int) -> bool:
    """Whether stop `number`'s window (if any) meets the shift at all."""
    window = problem.stops[number].window
    return window is None or (window[1] >= problem.shift[0] and window[0] <= problem.shift[1])


def problem_data(problem: DayProblem, candidates: Sequence[int]) -> ProblemData:
    """The `candidates` among `problem`'s stops (their windows meet the shift) as PyVRP's
    ProblemData: the depots first (start, then the end when separate), then those stops."""
    separate_end = problem.separate_end
    depots = 2 if separate_end else 1
    # Matrix rows and columns: start, end (when separate), then each candidate stop.
    ends = [0, len(problem.stops) + 1] if separate_end else [0]
    index = [*ends, *(number + 1 for number in candidates)]
    grid = np.ix_(index, index)
    # Any: PyVRP's stubs spell a matrix's type in a way numpy's own types do not match.
    durations: Any = np.asarray(problem.duration_s, dtype=np.int64)[grid]
    distances: Any = np.asarray(problem.distance_m, dtype=np.int64)[grid]
    shift_start, shift_end = problem.shift
    # Worth more than any feasible day costs: the solver drops a stop only when it cannot fit.
    prize = shift_end - shift_start + 1
    clients = []
    for position, number in enumerate(candidates):
        stop = problem.stops[number]
        early, late = stop.window if stop.window is not None else (shift_start, shift_end)
        clients.append(
            Client(
                location=depots + position,
                service_duration=stop.service_s,
                tw_early=max(early, shift_start),
                tw_late=min(late, shift_end),
                prize=prize,
                required=False,
            )
        )
    vehicle = VehicleType(
        num_available=1,
        start_depot=0,
        end_depot=depots - 1,
        tw_early=shift_start,
        tw_late=shift_end,
        unit_distance_cost=0,
        unit_duration_cost=1,
    )
    return ProblemData(
        locations=[Location(x=0, y=0) for _ in index],
        clients=clients,
        depots=[Depot(location=number) for number in range(depots)],
        vehicle_types=[vehicle],
        distance_matrices=[distances],
        duration_matrices=[durations],
    )


def schedule(problem: DayProblem, order: Sequence[int]) -> DayPlan:
    """The day when the rep leaves at the start of the shift and visits `order`'s stops: each
    visit begins on arrival or when its window opens. A stop the day cannot honour (its window
    passed, or the rep would be back after the shift) is left out with its reason, so every
    plan given out keeps its windows and hours whatever the solver returned."""
    kept = list(order)
    while True:
        visits, late = _walk(problem, kept)
        ends_at = _ends_at(problem, visits)
        if late is None and ends_at <= problem.shift[1]:
            break
        # Drop the first stop whose window passed, else the last one, and walk again.
        kept.remove(late if late is not None else kept[-1])
    placed = set(kept)
    left_out = [number for number in range(len(problem.stops)) if number not in placed]
    unplanned = [(number, reason(problem, number)) for number in left_out]
    return DayPlan(visits, ends_at, unplanned)


def _walk(problem: DayProblem, order: Sequence[int]) -> tuple[list[Visit], int | None]:
    """The visits of `order` from the start of the shift, and the first stop reached after its
    window closed (None when none was)."""
    visits: list[Visit] = []
    clock, here = problem.shift[0], 0
    for number in order:
        stop = problem.stops[number]
        clock += problem.duration_s[here][number + 1]
        if stop.window is not None:
            if clock > stop.window[1]:
                return visits, number
            clock = max(clock, stop.window[0])
        visits.append(Visit(number, clock, clock + stop.service_s))
        clock += stop.service_s
        here = number + 1
    return visits, None


def _ends_at(problem: DayProblem, visits: Sequence[Visit]) -> int:
    if not visits:
        return problem.shift[0] + problem.duration_s[0][problem.end_index]
    last = visits[-1]
    return last.leaves_at + problem.duration_s[last.stop + 1][problem.end_index]


def reason(problem: DayProblem, number: int) -> Reason:
    """Why stop `number` is not in the plan: its window is outside the working hours, it cannot
    be reached in its window even as the only stop, or there was no time left for it."""
    stop = problem.stops[number]
    shift_start, shift_end = problem.shift
    if stop.window is not None and (stop.window[1] < shift_start or stop.window[0] > shift_end):
        return "outside_working_hours"
    visits, late = _walk(problem, [number])
    if late is not None:
        return "window_unreachable"
    if _ends_at(problem, visits) > shift_end:
        return "outside_working_hours"
    return "no_time_left"
