"""The optimum does not move: objectives, cost terms and site costs equal the recorded ones.

`tests/models/golden_objectives.json` was written by `scripts/golden_objectives.py` before
the model was opened up (registries, technologies as data, one derivation of parameters);
any refactoring of `models/` or `planner/prepare.py` must reproduce it to 1e-9 relative.
The small in-code cases and the default case's baseline run in every `make test`; the other
shipped scenarios are slow (each solves the default case again) and run with `-m slow`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = json.loads((ROOT / "tests" / "models" / "golden_objectives.json").read_text())
sys.path.insert(0, str(ROOT / "scripts"))
import golden_objectives as script  # noqa: E402

RELATIVE = 1e-9


def _close(actual: float, expected: float) -> bool:
    return abs(actual - expected) <= RELATIVE * max(1.0, abs(expected))


def _assert_same(figures: dict, golden: dict, per_site: bool = True) -> None:
    """Objective and cost terms to 1e-9; the sites' costs one by one (`per_site`) or their
    total. Where sites are interchangeable at the optimum (same prices, policy_2025) the LP
    has several optimal vertices and the split between sites depends on the column order,
    so only the total is pinned there."""
    assert _close(figures["objective_myuan"], golden["objective_myuan"]), (
        figures["objective_myuan"],
        golden["objective_myuan"],
    )
    assert set(figures["costs"]) == set(golden["costs"])
    for term, value in golden["costs"].items():
        assert _close(figures["costs"][term], value), (term, figures["costs"][term], value)
    assert set(figures["site_costs"]) == set(golden["site_costs"])
    if not per_site:
        total, expected = sum(figures["site_costs"].values()), sum(golden["site_costs"].values())
        assert _close(total, expected), (total, expected)
        return
    for site, value in golden["site_costs"].items():
        assert _close(figures["site_costs"][site], value), (site, figures["site_costs"][site])


@pytest.mark.parametrize("name", sorted(script.SMALL))
def test_small_case_optimum_is_unchanged(name: str):
    factory, time, mip = script.SMALL[name]
    golden = GOLDEN["small"][name]
    assert (golden["time"], golden["mip"]) == (time, mip)
    _assert_same(script.record(factory(), time, mip), golden)


def test_default_case_baseline_optimum_is_unchanged(default_solved):
    results = default_solved.results
    figures = {
        "objective_myuan": results.summary["objective_myuan"],
        "costs": dict(zip(results.costs["term"], results.costs["cost_myuan"], strict=True)),
        "site_costs": dict(zip(results.sites["site"], results.sites["cost_myuan"], strict=True)),
    }
    _assert_same(figures, GOLDEN["shipped"]["baseline"])


@pytest.mark.slow
@pytest.mark.parametrize("scenario", sorted(set(GOLDEN["shipped"]) - {"baseline"}))
def test_shipped_scenario_optimum_is_unchanged(scenario: str):
    figures = script.record(script._shipped(scenario), None, False)
    _assert_same(figures, GOLDEN["shipped"][scenario], per_site=False)


def test_every_shipped_scenario_has_a_golden():
    assert set(script.shipped_names()) == set(GOLDEN["shipped"])
