"""`python -m bench`: spatial query timings at 10k, 100k and 1M accounts, printed, never asserted.

Needs DATABASE_URL pointing at a PostGIS server; the benchmark creates its own database
(`<name>_bench`), migrates it, fills it for each size and drops it at the end. For each size it
prints the nearby-50 query's raw SQL time, the same request over HTTP through the production
server configuration (gunicorn.conf.py), their ratio against the target, and the city-wide
cluster viewport. The figures also go to bench/results/spatial.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from bench.database import create_bench_database, drop_bench_database, refill
from bench.report import as_json, print_size, print_summary
from bench.server import production_server
from bench.spatial import Timings, measure

RESULTS = Path(__file__).resolve().parent / "results"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="comma-separated account counts"
    )
    parser.add_argument("--queries", type=int, default=200, help="nearby centres per size")
    return parser.parse_args()


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # SystemExit unwinds the `finally` blocks that stop gunicorn and drop the database.
    sys.exit(128 + signum)


def main() -> None:
    """Run every size and print and save the figures."""
    args = _arguments()
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",")]
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    RESULTS.mkdir(exist_ok=True)
    results: dict[int, dict[str, Timings]] = {}
    setup: dict[int, dict[str, float]] = {}
    print("Preparing the bench database ...", flush=True)
    bench = create_bench_database()
    try:
        with production_server(bench.url, RESULTS / "gunicorn.log") as port:
            print(f"gunicorn -c gunicorn.conf.py on 127.0.0.1:{port}", flush=True)
            for size in sizes:
                setup[size] = refill(bench, size)
                results[size] = measure(bench, port, args.queries)
                print_size(size, results[size])
                _save(as_json(results, setup, {"queries": args.queries, "cpus": os.cpu_count()}))
    finally:
        drop_bench_database(bench)
    print_summary(results)
    print("\nFigures written to bench/results/spatial.json")


def _save(figures: dict[str, Any]) -> None:
    # Saved after every size, so a long run that fails late keeps what it measured.
    (RESULTS / "spatial.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
