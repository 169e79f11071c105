"""Seeded random days to plan, and exact answers for small ones: the route tests' and the
planning bench's instances.

A day is a rep's start in the city centre and stops scattered over the city and its outskirts
(about 40 x 30 km), with geodesic figures; with windows, a third of the stops have an
appointment of one to two hours somewhere in the working day.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

from pyvrp import Solution

from server.planning.matrix import geodesic_matrix
from server.planning.solver import DayPlan, DayProblem, Stop, problem_data
from tests.support.bulk import CITY_CENTRE

WORKING_DAY_S = 10 * 3600
SERVICE_S = 20 * 60


def random_day(
    stops: int,
    seed: int,
    *,
    windows: bool = False,
    separate_end: bool = False,
    shift_s: int = WORKING_DAY_S,
    service_s: int = SERVICE_S,
) -> DayProblem:
    """A seeded day of `stops` stops (the same seed gives the same day)."""
    rng = random.Random(seed)
    lng, lat = CITY_CENTRE
    points = [(lng, lat)] + [
        (lng + rng.uniform(-0.25, 0.25), lat + rng.uniform(-0.14, 0.14))
        for _ in range(stops + (1 if separate_end else 0))
    ]
    matrix = geodesic_matrix(points)
    day_stops = []
    for _ in range(stops):
        window = None
        if windows and rng.random() < 1 / 3:
            opens = rng.randrange(0, shift_s - 2 * 3600, 900)
            window = (opens, opens + rng.choice((3600, 5400, 7200)))
        day_stops.append(Stop(service_s=service_s, window=window))
    return DayProblem(
        duration_s=matrix.duration_s,
        distance_m=matrix.distance_m,
        stops=day_stops,
        shift=(0, shift_s),
        separate_end=separate_end,
    )


def travel_s(problem: DayProblem, order: Sequence[int]) -> int:
    """Seconds on the road from the start through `order` to the end."""
    route = [0, *(number + 1 for number in order), problem.end_index]
    return sum(problem.duration_s[a][b] for a, b in itertools.pairwise(route))


def objective(problem: DayProblem, order: Sequence[int]) -> tuple[int, int]:
    """What the planner minimises, as PyVRP evaluates it: the stops left out first, then the
    day's duration (driving, waiting and visits, leaving as late as helps)."""
    everyone = list(range(len(problem.stops)))
    data = problem_data(problem, everyone)
    duration = Solution(data, [list(order)]).duration() if order else 0
    return len(problem.stops) - len(order), duration


def plan_objective(problem: DayProblem, plan: DayPlan) -> tuple[int, int]:
    """`objective` of a plan."""
    return objective(problem, plan.order)


def best_order_by_subsets(problem: DayProblem) -> tuple[int, list[int]]:
    """The least travel time visiting every stop, and its order, by dynamic programming over
    subsets (Held-Karp): exact, for days without windows of up to a dozen stops."""
    count = len(problem.stops)
    duration = problem.duration_s
    # best[(subset, last)] = (seconds from the start through subset ending at last, previous)
    best: dict[tuple[int, int], tuple[int, int]] = {
        (1 << stop, stop): (duration[0][stop + 1], -1) for stop in range(count)
    }
    for size in range(2, count + 1):
        for members in itertools.combinations(range(count), size):
            subset = sum(1 << stop for stop in members)
            for last in members:
                before = subset & ~(1 << last)
                best[(subset, last)] = min(
                    (best[(before, previous)][0] + duration[previous + 1][last + 1], previous)
                    for previous in members
                    if previous != last
                )
    everything = (1 << count) - 1
    total, last = min(
        (best[(everything, last)][0] + duration[last + 1][problem.end_index], last)
        for last in range(count)
    )
    order, subset = [], everything
    while last != -1:
        order.append(last)
        subset, last = subset & ~(1 << last), best[(subset, last)][1]
    return total, order[::-1]


def best_by_permutations(problem: DayProblem) -> tuple[int, int]:
    """The best `objective` over every subset of stops in every order (windows and hours
    respected): exact, for up to about 7 stops."""
    count = len(problem.stops)
    best = (count, 0)
    everyone = list(range(count))
    data = problem_data(problem, everyone)
    for size in range(1, count + 1):
        for order in itertools.permutations(everyone, size):
            route = Solution(data, [list(order)])
            if route.is_feasible():
                best = min(best, (count - size, route.duration()))
    return best
