"""The day's order: optimal on small days, near the best known on large ones, always inside the
windows and the working hours, and the same on every run."""

from __future__ import annotations

import itertools

import pytest

from server.planning.solver import DayProblem, Stop, solve
from tests.support.route_instances import (
    best_by_permutations,
    best_order_by_subsets,
    plan_objective,
    random_day,
    travel_s,
)

# A longer run of the same search: its best is never worse than the plan's, and is what the
# plan is held to.
REFERENCE_ITERATIONS = 1_500
# No wall-time ceiling in these tests: the iteration budget alone ends every search, so a loaded
# machine gives the same plans as an idle one.
NO_WALL_LIMIT_MS = 3_600_000
QUALITY_GAP = 0.03
LONG_DAY_S = 24 * 3600


def assert_keeps_windows_and_hours(problem: DayProblem, plan) -> None:
    """Every visit begins inside its window and the shift, follows the previous one by the
    drive between them, and the day ends at the end point within the shift."""
    clock, here = problem.shift[0], 0
    for visit in plan.visits:
        stop = problem.stops[visit.stop]
        assert visit.begins_at >= clock + problem.duration_s[here][visit.stop + 1]
        if stop.window is not None:
            assert stop.window[0] <= visit.begins_at <= stop.window[1]
        assert visit.leaves_at == visit.begins_at + stop.service_s
        clock, here = visit.leaves_at, visit.stop + 1
    assert plan.ends_at == clock + problem.duration_s[here][problem.end_index]
    assert plan.ends_at <= problem.shift[1]


@pytest.mark.parametrize(("stops", "seed"), [(5, 1), (6, 2), (7, 3), (8, 4), (9, 5), (9, 6)])
def test_plan_equals_the_exact_best_when_a_day_has_at_most_nine_stops(stops, seed):
    """Without windows every stop fits, and the order drives exactly as little as the best of
    every order (dynamic programming over subsets)."""
    problem = random_day(stops, seed, service_s=600)

    plan = solve(problem, NO_WALL_LIMIT_MS)

    best, _ = best_order_by_subsets(problem)
    assert plan.unplanned == []
    assert sorted(plan.order) == list(range(stops))
    assert travel_s(problem, plan.order) == best


def test_plan_equals_the_exact_best_when_the_day_ends_elsewhere():
    """With a separate end point the last leg goes there, and the order is still the best."""
    problem = random_day(8, 11, separate_end=True, service_s=600)

    plan = solve(problem, NO_WALL_LIMIT_MS)

    assert travel_s(problem, plan.order) == best_order_by_subsets(problem)[0]


def test_subset_search_agrees_with_every_permutation_when_checked_on_a_small_day():
    """The exact reference itself: the same best as trying every order of 6 stops."""
    problem = random_day(6, 21)

    best = min(travel_s(problem, order) for order in itertools.permutations(range(6)))

    assert best_order_by_subsets(problem)[0] == best


@pytest.mark.parametrize("seed", [31, 32, 33])
def test_plan_equals_the_exact_best_when_a_small_day_has_windows(seed):
    """With appointments and a short day, the plan leaves out as few stops as any choice of
    stops and order can, then takes as little time as the best of them (every subset in every
    order tried)."""
    problem = random_day(7, seed, windows=True, shift_s=4 * 3600)

    plan = solve(problem, NO_WALL_LIMIT_MS)

    assert plan_objective(problem, plan) == best_by_permutations(problem)
    assert_keeps_windows_and_hours(problem, plan)


@pytest.mark.parametrize(
    ("stops", "seed", "windows"),
    [
        (25, 101, False),
        (25, 102, True),
        (25, 103, False),
        (50, 201, False),
        (50, 202, True),
        (100, 301, False),
        # A hundred stops, a third with windows that clash: some stops cannot fit.
        (100, 302, True),
    ],
)
def test_plan_is_within_three_percent_of_a_long_run_when_days_are_large(stops, seed, windows):
    """On seeded 25-100 stop days (five-minute visits in a long day, so every stop can fit
    unless windows clash) the plan leaves out no more stops than a run of the same search
    five times as long (and more), and takes at most 3 % more time."""
    problem = random_day(stops, seed, windows=windows, shift_s=LONG_DAY_S, service_s=300)

    plan = solve(problem, NO_WALL_LIMIT_MS)
    reference = solve(problem, time_limit_ms=NO_WALL_LIMIT_MS, iterations=REFERENCE_ITERATIONS)

    left_out, duration = plan_objective(problem, plan)
    best_left_out, best_duration = plan_objective(problem, reference)
    assert left_out <= best_left_out
    assert duration <= best_duration * (1 + QUALITY_GAP)
    assert_keeps_windows_and_hours(problem, plan)


def test_every_visit_keeps_its_window_and_the_day_its_hours_when_appointments_are_tight():
    """A 40-stop day with appointments in an 8-hour shift: whatever fits is inside its window,
    the rep is back within the hours, and what does not fit is said to have had no time."""
    problem = random_day(40, 401, windows=True, shift_s=8 * 3600)

    plan = solve(problem, NO_WALL_LIMIT_MS)

    assert_keeps_windows_and_hours(problem, plan)
    assert plan.unplanned != []
    assert {reason for _, reason in plan.unplanned} <= {"no_time_left", "window_unreachable"}
    assert sorted(plan.order + [number for number, _ in plan.unplanned]) == list(range(40))


def test_stops_that_cannot_be_visited_are_left_out_with_their_reason_when_planned():
    """In a 4-hour shift: a window after the hours, a window that closes before the rep can get
    there, and a stop two hours' drive away (and back) are unplanned, each with its reason;
    the near stop is planned."""
    near, far = 600, 7_200
    duration = [
        [0 if a == b else (far if 4 in (a, b) else near) for b in range(5)] for a in range(5)
    ]
    problem = DayProblem(
        duration_s=duration,
        distance_m=[[seconds * 10 for seconds in row] for row in duration],
        stops=[
            Stop(1200),
            Stop(1200, window=(20_000, 21_000)),
            Stop(1200, window=(0, 300)),
            Stop(1200),
        ],
        shift=(0, 4 * 3600),
        separate_end=False,
    )

    plan = solve(problem, NO_WALL_LIMIT_MS)

    assert plan.order == [0]
    assert dict(plan.unplanned) == {
        1: "outside_working_hours",
        2: "window_unreachable",
        3: "outside_working_hours",
    }


def test_plan_is_the_same_when_the_same_day_is_planned_again():
    """A fixed seed and an iteration budget: one request, one plan."""
    problem = random_day(30, 501, windows=True)

    first, second = solve(problem, NO_WALL_LIMIT_MS), solve(problem, NO_WALL_LIMIT_MS)

    assert first == second


def test_plan_is_empty_and_the_day_a_round_trip_when_there_are_no_stops():
    """No stops: nothing to order, the day is the drive from the start to the end."""
    problem = random_day(0, 1, separate_end=True)

    plan = solve(problem, NO_WALL_LIMIT_MS)

    assert plan.visits == [] and plan.unplanned == []
    assert plan.ends_at == problem.duration_s[0][1]
