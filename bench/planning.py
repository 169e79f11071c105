"""`python -m bench.planning`: how fast and how good a day's plan is, printed only.

For 10, 25, 50 and 100 stops, without and with appointment windows (a third of the stops), on
seeded days over a city (tests/support/route_instances.py; five-minute visits in a long day, so
every stop can fit), it times the planner as the API runs it (PyVRP, the iteration budget of
server/planning/solver.py) and prints p50 / p95 of the wall time (and the CPU time, which a busy
machine inflates less) and the gap to the best known
plan: the best of a long PyVRP run and, when `ortools` is importable (it is not a dependency:
`pip install ortools` to compare), a long OR-Tools run (guided local search). OR-Tools is also
timed at the same wall time the planner took, side by side. Gaps compare what the planner
minimises (stops left out, then the day's duration) as PyVRP evaluates it, for both solvers.

The last row is the week (bench/planning_week.py: a 5-day week of 60 accounts against a run ten
times as long); `make bench-routes` prints the whole table, `make bench-week` the week per seed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence

from bench.planning_week import ACCOUNTS, DAYS, LONGER, run_week
from server.planning.solver import DayProblem, solve
from tests.support.route_instances import objective, random_day

SIZES = (10, 25, 50, 100)
LONG_DAY_S = 24 * 3600
SERVICE_S = 300
LONG_ITERATIONS = 1_500
LONG_TIME_LIMIT_MS = 10_000
# The targets for the planning time (25 and 100 stops), and the week's.
TARGET_MS = {25: 100, 100: 1_000}
WEEK_TARGET_MS = 2_000

Order = list[int]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.planning", description=__doc__)
    parser.add_argument("--seeds", type=int, default=5, help="days per size and kind")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument(
        "--long-ortools-s", type=float, default=5.0, help="OR-Tools' time for the best known"
    )
    parser.add_argument("--weeks", type=int, default=3, help="seeded weeks (0: no week row)")
    return parser.parse_args()


def _ortools() -> Callable[[DayProblem, float], Order] | None:
    """An OR-Tools planner for the same day, or None when ortools is not installed."""
    try:
        from ortools.constraint_solver import pywrapcp, routing_enums_pb2
    except ImportError:
        return None

    def plan(problem: DayProblem, seconds: float) -> Order:
        count = len(problem.stops)
        nodes = count + (2 if problem.separate_end else 1)
        manager = pywrapcp.RoutingIndexManager(nodes, 1, [0], [problem.end_index])
        routing = pywrapcp.RoutingModel(manager)
        service = [0] + [stop.service_s for stop in problem.stops] + [0]

        def travel(from_index: int, to_index: int) -> int:
            here, there = manager.IndexToNode(from_index), manager.IndexToNode(to_index)
            return int(problem.duration_s[here][there])

        def busy(from_index: int, to_index: int) -> int:
            return service[manager.IndexToNode(from_index)] + travel(from_index, to_index)

        routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(travel))
        shift_start, shift_end = problem.shift
        routing.AddDimension(
            routing.RegisterTransitCallback(busy), shift_end, shift_end, False, "time"
        )
        clock = routing.GetDimensionOrDie("time")
        # The day's duration (waiting included) on top of the driving, as PyVRP minimises it.
        clock.SetSpanCostCoefficientForAllVehicles(1)
        prize = shift_end - shift_start + 1
        for number, stop in enumerate(problem.stops):
            index = manager.NodeToIndex(number + 1)
            early, late = stop.window or (shift_start, shift_end)
            clock.CumulVar(index).SetRange(max(early, shift_start), min(late, shift_end))
            routing.AddDisjunction([index], prize)
        clock.CumulVar(routing.Start(0)).SetRange(shift_start, shift_end)
        clock.CumulVar(routing.End(0)).SetRange(shift_start, shift_end)
        parameters = pywrapcp.DefaultRoutingSearchParameters()
        parameters.first_solution_strategy = (
            routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
        )
        parameters.local_search_metaheuristic = (
            routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        )
        parameters.time_limit.FromMilliseconds(max(1, round(seconds * 1000)))
        solution = routing.SolveWithParameters(parameters)
        if solution is None:
            return []
        order, index = [], solution.Value(routing.NextVar(routing.Start(0)))
        while not routing.IsEnd(index):
            order.append(manager.IndexToNode(index) - 1)
            index = solution.Value(routing.NextVar(index))
        return order

    return plan


def _gap(problem: DayProblem, order: Sequence[int], best: tuple[int, int]) -> str:
    left_out, duration = objective(problem, order)
    if left_out != best[0]:
        return f"{left_out - best[0]:+d} stops"
    return f"{100 * (duration - best[1]) / best[1]:.2f} %"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    """Print the figures: one row per size and kind of day, then the week."""
    arguments = _arguments()
    ortools = _ortools()
    print("Plans: wall and CPU time of the planner (PyVRP), gap to the best known plan")
    if ortools is None:
        print("(ortools is not installed: PyVRP's long run alone is the best known)")
    header = (
        f"{'plan':<31} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50 ms':>11} {'target ms':>10}"
        f"  {'gap (max)':>10}"
    )
    if ortools is not None:
        header += f"  {'OR-Tools same time gap (max)':>29}  {'OR-Tools long gap (max)':>24}"
    print(header)
    for size in arguments.sizes:
        for windows in (False, True):
            print(_day_row(size, windows, arguments, ortools), flush=True)
    if arguments.weeks:
        print(_week_row(arguments.weeks), flush=True)
    print(
        "gap: extra time over the best known plan (a long run; for a week, its extra driving),"
        " or the stops it leaves out beyond it"
    )


def _day_row(
    size: int,
    windows: bool,
    arguments: argparse.Namespace,
    ortools: Callable[[DayProblem, float], Order] | None,
) -> str:
    """The figures of `arguments.seeds` seeded days of `size` stops."""
    times: list[float] = []
    cpu: list[float] = []
    gaps: list[str] = []
    same_time: list[str] = []
    long_gaps: list[str] = []
    for seed in range(arguments.seeds):
        problem = random_day(
            size, 1000 * size + seed, windows=windows, shift_s=LONG_DAY_S, service_s=SERVICE_S
        )
        began, began_cpu = time.perf_counter(), time.process_time()
        plan = solve(problem)
        took = time.perf_counter() - began
        times.append(took)
        cpu.append(time.process_time() - began_cpu)
        long_run = solve(problem, LONG_TIME_LIMIT_MS, LONG_ITERATIONS)
        candidates = [plan.order, long_run.order]
        rivals: tuple[Order, Order] | None = None
        if ortools is not None:
            rivals = (ortools(problem, took), ortools(problem, arguments.long_ortools_s))
            candidates += list(rivals)
        best = min(objective(problem, order) for order in candidates)
        gaps.append(_gap(problem, plan.order, best))
        if rivals is not None:
            same_time.append(_gap(problem, rivals[0], best))
            long_gaps.append(_gap(problem, rivals[1], best))
    name = f"{size} stops" + (", a third with windows" if windows else "")
    line = _row(name, times, cpu, TARGET_MS.get(size), gaps)
    if ortools is not None:
        line += f"  {_worst(same_time):>29}  {_worst(long_gaps):>24}"
    return line


def _week_row(seeds: int) -> str:
    """The figures of `seeds` seeded weeks (bench/planning_week.py)."""
    runs = [run_week(seed, LONGER) for seed in range(seeds)]
    return _row(
        f"week: {DAYS} days, {ACCOUNTS} accounts",
        [run.plan_ms / 1000 for run in runs],
        [run.plan_cpu_ms / 1000 for run in runs],
        WEEK_TARGET_MS,
        [run.gap for run in runs],
    )


def _row(
    name: str, times: list[float], cpu: list[float], target_ms: int | None, gaps: list[str]
) -> str:
    target = f"<= {target_ms}" if target_ms is not None else "-"
    return (
        f"{name:<31} {1000 * statistics.median(times):>8.1f}"
        f" {1000 * _percentile(times, 0.95):>8.1f} {1000 * statistics.median(cpu):>11.1f}"
        f" {target:>10}  {_worst(gaps):>10}"
    )


def _worst(gaps: list[str]) -> str:
    """The worst of a list of gaps ("+1 stops" is worse than any percentage)."""
    stops = [gap for gap in gaps if gap.endswith("stops")]
    if stops:
        return max(stops, key=lambda gap: int(gap.split()[0]))
    return max(gaps, key=lambda gap: float(gap.split()[0]))


if __name__ == "__main__":
    main()
