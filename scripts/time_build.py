"""Median build time of the default case: prepare and `models.build` [s], median of N runs.

    .venv/bin/python scripts/time_build.py [--repeat 3] [--time typical:8]

A quick check beside `make bench` (an hour) for changes of `models/` or `planner/prepare.py`.
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
    from planner.prepare import prepare

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--time", default="typical:8")
    args = parser.parse_args()
    case = load_case(ROOT / "inputs" / "china_east_west.xlsx")
    prep, built = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        data = prepare(case, args.time)
        middle = time.perf_counter()
        build(data)
        prep.append(middle - start)
        built.append(time.perf_counter() - middle)
    print(f"prepare {statistics.median(prep):.3f} s, build {statistics.median(built):.3f} s")


if __name__ == "__main__":
    main()
