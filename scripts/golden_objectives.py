"""Record the optimum of every shipped scenario and of the small in-code cases.

    .venv/bin/python scripts/golden_objectives.py [--out tests/models/golden_objectives.json]

The file pins the formulation: a refactoring of `models/` or `planner/prepare.py` must leave
every objective (M yuan/yr), every cost term and every site's attributable cost unchanged to
1e-9 relative (tests/models/test_golden_objectives.py). Regenerate it only for a deliberate
change of the formulation, and say so in the commit.

Cases (`CASES`): the default workbook's scenarios at its own time setting (typical:8), and
the small synthetic cases of `planner.synthetic` in LP and MILP mode.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT / "inputs" / "china_east_west.xlsx"
OUT = ROOT / "tests" / "models" / "golden_objectives.json"


def _small(kind: str, **changes: object):
    from planner import synthetic

    kwargs = getattr(synthetic, kind)() if kind != "small" else {}
    kwargs.update(changes)
    return synthetic.small_case(name=kind, **kwargs)


def _site_policies():
    from planner import synthetic

    kwargs = synthetic.east_west_policies()
    kwargs["policy"] = {
        "green_share_min": 0.4,
        "green_share_scope": "site",
        "min_utilisation": 0.5,
        "gec_price": 30.0,
    }
    kwargs["settings"] = {"allow_unserved": True}
    return synthetic.small_case(name="east_west_site_policies", **kwargs)


def _shipped(scenario: str):
    from planner.inputs.case import load_case

    return load_case(WORKBOOK, None if scenario == "baseline" else scenario)


# name: (case factory, time option or None for the case's own, mip)
SMALL: dict[str, tuple[Callable, str | None, bool]] = {
    "small": (lambda: _small("small"), None, False),
    "near_far": (lambda: _small("near_far_pair"), None, False),
    "east_west": (lambda: _small("east_west_pair"), None, False),
    "east_west_policies": (lambda: _small("east_west_policies"), None, False),
    "east_west_site_policies": (_site_policies, None, False),
    "east_west_mip": (lambda: _small("east_west_pair"), None, True),
    "east_west_typical2": (lambda: _small("east_west_policies"), "typical:2", False),
}


def shipped_names() -> list[str]:
    from planner.inputs.scenarios import scenario_names
    from planner.inputs.tables import read_tables

    names = scenario_names(read_tables(WORKBOOK))
    return ["baseline", *(n for n in names if n != "baseline")]


def record(case, time: str | None, mip: bool) -> dict:
    """Objective, cost terms and site costs [M yuan/yr] of one solved case."""
    from planner.run import RunOptions, solve_case

    solved = solve_case(case, RunOptions(time=time, mip=mip), explain=False)
    assert solved.outcome.status == "optimal", solved.outcome.status
    results = solved.results
    return {
        "objective_myuan": float(results.summary["objective_myuan"]),
        "costs": {
            str(t): float(c)
            for t, c in zip(results.costs["term"], results.costs["cost_myuan"], strict=True)
        },
        "site_costs": {
            str(s): float(c)
            for s, c in zip(results.sites["site"], results.sites["cost_myuan"], strict=True)
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--small-only", action="store_true")
    args = parser.parse_args()
    golden: dict[str, dict] = {"small": {}, "shipped": {}}
    for name, (factory, time, mip) in SMALL.items():
        golden["small"][name] = {"time": time, "mip": mip, **record(factory(), time, mip)}
        print(name, golden["small"][name]["objective_myuan"], flush=True)
    if not args.small_only:
        for scenario in shipped_names():
            golden["shipped"][scenario] = record(_shipped(scenario), None, False)
            print(scenario, golden["shipped"][scenario]["objective_myuan"], flush=True)
    args.out.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
