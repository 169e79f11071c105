"""`python -m bench.planning_week`: planning a 5-day week of 60 accounts, printed only.

Seeded random weeks around a city centre: 60 accounts with a visit frequency, due on a random
day of the week or overdue (a fifth of them), two appointments, 08:00 to 18:00, geodesic
travel times, 20-minute visits. Each week is planned as the API plans it (server.planning.week,
its fixed iterations) and again with twenty times the iterations, the strong reference; the
gap is the extra driving time of the API's plan over the reference's (its visits count too:
an account left out that the reference fits in is reported).
"""

from __future__ import annotations

import argparse
import itertools
import random
import time

from server.planning import week
from server.planning.matrix import geodesic_matrix
from tests.support.bulk import CITY_CENTRE

DAY_S = 86_400
ACCOUNTS = 60
DAYS = 5


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="how many random weeks")
    parser.add_argument(
        "--longer", type=int, default=20, help="reference run: times the iterations"
    )
    args = parser.parse_args()
    print(
        f"5-day week, {ACCOUNTS} accounts + 2 appointments; {week.ITERATIONS} iterations "
        f"vs {week.ITERATIONS * args.longer} (reference)"
    )
    print(
        f"{'seed':>4} {'plan ms':>8} {'ref ms':>8} {'visits':>7} {'ref':>4} {'drive min':>9} "
        f"{'ref min':>8} {'gap %':>6}"
    )
    for seed in range(args.seeds):
        shifts, stops, start = random_week(seed)
        matrix = geodesic_matrix(week.points_of(start, None, stops))
        began = time.perf_counter()
        plan = week.plan_week(shifts, stops, matrix, False)
        plan_ms = (time.perf_counter() - began) * 1000
        began = time.perf_counter()
        reference = week.plan_week(shifts, stops, matrix, False, week.ITERATIONS * args.longer)
        ref_ms = (time.perf_counter() - began) * 1000
        ours, best = driving_s(plan, matrix), driving_s(reference, matrix)
        visits = len(stops) - len(plan.unplanned)
        ref_visits = len(stops) - len(reference.unplanned)
        gap = 100 * (ours - best) / best if best else 0.0
        print(
            f"{seed:>4} {plan_ms:>8.0f} {ref_ms:>8.0f} {visits:>7} {ref_visits:>4} "
            f"{ours / 60:>9.0f} {best / 60:>8.0f} {gap:>6.1f}"
        )


if __name__ == "__main__":
    main()
