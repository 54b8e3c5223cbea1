"""Read a dcplan results folder from Python (run by tests/docs/test_examples.py in CI).

python docs/examples/read_results.py results/<run folder>
"""

from __future__ import annotations

import sys

from planner import load_run
from planner.statistics import annual_energy, capacity, cost_breakdown


def main(folder: str) -> None:
    run = load_run(folder)
    summary = run.summary
    print(f"{summary['case']} / {run.scenario}: {summary['objective_myuan']:,.1f} M yuan/yr")

    # what is built where: MW of IT per cooling technology, PV, wind, battery
    built = capacity(run)
    it = built[built["technology"].str.startswith("it:")]
    print(it.groupby("technology")["capacity"].sum().round(1).to_string())

    # where the energy comes from: MWh per year by source, each hour weighted
    energy = annual_energy(run)
    sources = [c for c in ("grid_mwh", "pv_mwh", "wind_mwh") if c in energy.columns]
    print(energy[sources].sum().round(0).to_string())

    # what it costs: the terms add up to the objective
    costs = cost_breakdown(run)
    print(costs[costs.abs() > 0.05].round(1).to_string())
    assert abs(costs.sum() - summary["objective_myuan"]) <= 1e-6 * abs(summary["objective_myuan"])


if __name__ == "__main__":
    main(sys.argv[1])
