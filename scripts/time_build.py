"""Median time to derive the parameters and build the model of the default case [s].

    .venv/bin/python scripts/time_build.py [--repeat 5] [--time typical:8]

A quick check beside `make bench` (an hour) for changes of `models/` or `planner/prepare.py`.
The time aggregation (tsam, `planner.timeseries.select`) runs once and is reported apart: its
run time varies with the machine's load far more than the rest, so derive and build are timed
on the same time steps.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    from models.build import build
    from planner.inputs.case import load_case
    from planner.prepare import demand_peak_series, derive
    from planner.timeseries import select

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--time", default="typical:8")
    args = parser.parse_args()
    case = load_case(ROOT / "inputs" / "china_east_west.xlsx")
    start = time.perf_counter()
    steps = select(case.profiles, args.time, demand_peak_series(case))
    aggregate = time.perf_counter() - start
    derived, built = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        data = derive(case, steps)
        middle = time.perf_counter()
        build(data)
        derived.append(middle - start)
        built.append(time.perf_counter() - middle)
    d, b = statistics.median(derived), statistics.median(built)
    print(
        f"time aggregation {aggregate:.3f} s (once); derive {d:.3f} s, build {b:.3f} s, "
        f"derive + build {d + b:.3f} s (medians of {args.repeat})"
    )


if __name__ == "__main__":
    main()
