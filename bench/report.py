"""The printed tables and the acceptance line; the JSON figures."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bench.spatial import CITY_BBOX, CLUSTER_ZOOM, Timings

ROWS = (
    ("nearby_sql", "nearby-50, raw SQL"),
    ("nearby_http", "nearby-50, HTTP"),
    ("clusters_sql", f"clusters z{CLUSTER_ZOOM}, raw SQL"),
    ("clusters_http", f"clusters z{CLUSTER_ZOOM}, HTTP"),
)


def target_ms(figures: dict[str, Timings]) -> float:
    """The HTTP p95 the nearby request should stay under: twice the SQL p95 plus 3 ms."""
    return 2 * figures["nearby_sql"].p95 + 3


def verdict(figures: dict[str, Timings]) -> str:
    """PASS when the nearby HTTP p95 is within the target."""
    return "PASS" if figures["nearby_http"].p95 <= target_ms(figures) else "FAIL"


def print_size(size: int, figures: dict[str, Timings]) -> None:
    """The table for one table size, with the ratio and the acceptance line."""
    print(f"\n{f'{size:,} accounts':<30}{'p50 ms':>9}{'p95 ms':>10}")
    for key, label in ROWS:
        print(f"  {label:<28}{figures[key].p50:>9.2f}{figures[key].p95:>10.2f}")
    ratio = figures["nearby_http"].p95 / figures["nearby_sql"].p95
    print(f"  p95 http / p95 sql: {ratio:.2f}")
    print(
        f"  target: http p95 <= 2 x sql p95 + 3 ms → {verdict(figures)} "
        f"({figures['nearby_http'].p95:.2f} <= {target_ms(figures):.2f})",
        flush=True,
    )


def print_summary(results: dict[int, dict[str, Timings]]) -> None:
    """One line per size: every figure side by side."""
    print(f"\nSummary (ms; clusters over bbox {CITY_BBOX} at zoom {CLUSTER_ZOOM})")
    header = (
        f"{'rows':>10} | {'nearby sql':>15} | {'nearby http':>15} | {'ratio':>5} | "
        f"{'target':>6} {'':4} | {'clusters sql':>15} | {'clusters http':>15}"
    )
    print(header)
    print(
        f"{'':>10} | {'p50    p95':>15} | {'p50    p95':>15} | {'p95':>5} | {'':>11} | "
        f"{'p50    p95':>15} | {'p50    p95':>15}"
    )
    print("-" * len(header))
    for size, figures in results.items():
        pairs = [f"{figures[key].p50:7.2f}{figures[key].p95:8.2f}" for key, _ in ROWS]
        ratio = figures["nearby_http"].p95 / figures["nearby_sql"].p95
        print(
            f"{size:>10,} | {pairs[0]} | {pairs[1]} | {ratio:5.2f} | "
            f"{target_ms(figures):6.2f} {verdict(figures)} | {pairs[2]} | {pairs[3]}"
        )


def as_json(
    results: dict[int, dict[str, Timings]], setup: dict[int, dict[str, float]], meta: dict[str, Any]
) -> dict[str, Any]:
    """The figures as plain data for bench/results/spatial.json."""
    sizes = {}
    for size, figures in results.items():
        entry: dict[str, Any] = {key: asdict(timings) for key, timings in figures.items()}
        entry["nearby_p95_ratio"] = figures["nearby_http"].p95 / figures["nearby_sql"].p95
        entry["target_ms"] = target_ms(figures)
        entry["verdict"] = verdict(figures)
        entry.update(setup[size])
        sizes[str(size)] = entry
    return {**meta, "sizes": sizes}
