"""`python -m bench.planning_week`: planning a 5-day week of 60 accounts, printed only.

Seeded random weeks around a city centre: 60 accounts with a visit frequency, due on a random
day of the week or overdue (a fifth of them), two appointments, 08:00 to 18:00, geodesic
travel times, 20-minute visits. Each week is planned as the API plans it (server.planning.week,
its fixed iterations) and again with ten times the iterations, the strong reference; the
gap is the extra driving time of the API's plan over the reference's (its visits count too:
an account left out that the reference fits in is reported). `make bench-routes` prints the
same figures as one row of bench/planning.py's table.
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from dataclasses import dataclass

from server.planning import week
from server.planning.matrix import geodesic_matrix
from tests.support.bulk import CITY_CENTRE

DAY_S = 86_400
ACCOUNTS = 60
DAYS = 5
# The reference run: this many times the API's iterations.
LONGER = 10


def random_week(seed: int) -> tuple[list[week.Shift], list[week.Stop], week.LngLat]:
    """Shifts and stops of one seeded week (CITY_CENTRE as the start of every day)."""
    rng = random.Random(seed)
    shifts = [week.Shift(d * DAY_S + 8 * 3600, d * DAY_S + 18 * 3600) for d in range(DAYS)]
    stops = []
    for _ in range(ACCOUNTS):
        point = (CITY_CENTRE[0] + rng.uniform(-0.2, 0.2), CITY_CENTRE[1] + rng.uniform(-0.15, 0.15))
        day = rng.randrange(-1, DAYS)
        opens = 0 if day < 0 else shifts[day].start_s
        stops.append(week.Stop(point, opens, shifts[-1].end_s, 1200, overdue_days=max(0, -day)))
    for day in (1, 3):
        at = shifts[day].start_s + 3 * 3600
        point = (CITY_CENTRE[0] + rng.uniform(-0.1, 0.1), CITY_CENTRE[1] + rng.uniform(-0.1, 0.1))
        stops.append(week.Stop(point, at, at, 1200, appointment=True))
    return shifts, stops, CITY_CENTRE


def driving_s(plan: week.WeekPlan, matrix: week.TravelMatrix) -> int:
    """Seconds driven over the week: from the start to each day's visits in order."""
    total = 0
    for visits in plan.days:
        rows = [0, *(visit.stop + 1 for visit in visits)]
        total += sum(matrix.duration_s[a][b] for a, b in itertools.pairwise(rows))
    return total


@dataclass(frozen=True)
class WeekRun:
    """One seeded week planned as the API plans it and by the longer reference run."""

    plan_ms: float
    plan_cpu_ms: float
    ref_ms: float
    visits: int
    ref_visits: int
    driving_s: int
    ref_driving_s: int

    @property
    def gap(self) -> str:
        """Accounts the plan leaves out beyond the reference, else its extra driving in %."""
        if self.visits != self.ref_visits:
            return f"{self.ref_visits - self.visits:+d} stops"
        return f"{100 * (self.driving_s - self.ref_driving_s) / self.ref_driving_s:.2f} %"


def run_week(seed: int, longer: int) -> WeekRun:
    """Plan seeded week `seed` with the API's iterations and with `longer` times as many."""
    shifts, stops, start = random_week(seed)
    matrix = geodesic_matrix(week.points_of(start, None, stops))
    began, began_cpu = time.perf_counter(), time.process_time()
    plan = week.plan_week(shifts, stops, matrix, False)
    plan_ms = (time.perf_counter() - began) * 1000
    plan_cpu_ms = (time.process_time() - began_cpu) * 1000
    began = time.perf_counter()
    reference = week.plan_week(shifts, stops, matrix, False, week.ITERATIONS * longer)
    ref_ms = (time.perf_counter() - began) * 1000
    return WeekRun(
        plan_ms,
        plan_cpu_ms,
        ref_ms,
        len(stops) - len(plan.unplanned),
        len(stops) - len(reference.unplanned),
        driving_s(plan, matrix),
        driving_s(reference, matrix),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="how many random weeks")
    parser.add_argument(
        "--longer", type=int, default=LONGER, help="reference run: times the iterations"
    )
    args = parser.parse_args()
    print(
        f"5-day week, {ACCOUNTS} accounts + 2 appointments; {week.ITERATIONS} iterations "
        f"vs {week.ITERATIONS * args.longer} (reference)"
    )
    print(
        f"{'seed':>4} {'plan ms':>8} {'CPU ms':>7} {'ref ms':>8} {'visits':>7} {'ref':>4} "
        f"{'drive min':>9} {'ref min':>8} {'gap':>9}"
    )
    for seed in range(args.seeds):
        run = run_week(seed, args.longer)
        print(
            f"{seed:>4} {run.plan_ms:>8.0f} {run.plan_cpu_ms:>7.0f} {run.ref_ms:>8.0f} "
            f"{run.visits:>7} {run.ref_visits:>4} {run.driving_s / 60:>9.0f} "
            f"{run.ref_driving_s / 60:>8.0f} {run.gap:>9}",
            flush=True,
        )


if __name__ == "__main__":
    main()
