"""`--hold-full-year` on `policy_2025`: rounds and wall time, with the site LPs kept between
rounds (planner/site_lps.py) and, with `--fresh`, built again each round (as before).

    python -m benchmarks.hold [--fresh] [--case inputs/china_east_west.xlsx]
        [--scenario policy_2025] [--time typical:8] [--rounds 4]

Prints one markdown row per round (typical-day objective and full-year cost [M yuan/yr],
largest relative shortfall, seconds of the round's re-dispatch, how many site LPs were kept)
and the total wall time from loading the case to the last re-dispatch, with the load average
(other jobs share the machine: wall times are noisy). Issue 16's target: ≤ 4 rounds and
≤ 5 minutes on 2 cores. Not a test: timings belong here (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import time

import planner.hold as hold
from planner.inputs.case import load_case
from planner.pipeline import Pipeline, RunOptions
from planner.redispatch import TOTAL


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="inputs/china_east_west.xlsx")
    parser.add_argument("--scenario", default="policy_2025")
    parser.add_argument("--time", default="typical:8")
    parser.add_argument("--rounds", type=int, default=hold.DEFAULT_ROUNDS)
    parser.add_argument("--fresh", action="store_true", help="build the site LPs every round")
    args = parser.parse_args(argv)

    calls: list[tuple[float, int]] = []  # (seconds, site LPs kept) of each re-dispatch
    redispatch = hold.redispatch

    def timed(case, results, options=None):
        start = time.perf_counter()
        table = redispatch(case, results, options)
        total = table.set_index("site").loc[TOTAL]
        kept = int(total.get("lp_kept", 0) or 0) if "lp_kept" in table else 0
        calls.append((time.perf_counter() - start, kept))
        return table

    hold.redispatch = timed
    load = os.getloadavg()
    start = time.perf_counter()
    case = load_case(args.case, args.scenario)
    pipeline = Pipeline(case, RunOptions(scenario=args.scenario, time=args.time))
    _, rounds = hold.hold_full_year(pipeline, rounds=args.rounds, keep_lps=not args.fresh)
    wall = time.perf_counter() - start
    hold.redispatch = redispatch

    mode = "built every round" if args.fresh else "kept between rounds"
    print(f"`{args.scenario}`, `{args.time}`, site LPs {mode}")
    print()
    print("| round | plan M yuan/yr | full year M yuan/yr | shortfall | re-dispatch s | LPs kept |")
    print("|---|---|---|---|---|---|")
    for r, (seconds, kept) in zip(rounds, calls, strict=False):
        print(
            f"| {r.round} | {r.plan_cost_myuan:,.1f} | {r.annual_cost_myuan:,.1f} | "
            f"{r.shortfall:.3%} | {seconds:.1f} | {kept} |"
        )
    end = os.getloadavg()
    print()
    print(
        f"{len(rounds)} rounds ({len(rounds) - 1} tightenings), {wall:.1f} s wall from loading "
        f"the case; load average {load[0]:.1f} at start, {end[0]:.1f} at end"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
