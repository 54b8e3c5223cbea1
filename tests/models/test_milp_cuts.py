"""The MILP's per-technology PUE cap `m.pue_cap_cooling[s,k]` (formulation §9) is a valid
inequality: it changes the LP relaxation of the MILP, never the MILP's optimum.

Each case is solved as the MILP with the inequality and with it deactivated (the plain
formulation (15)); the optima must agree. Where the relaxation mixes technologies to meet a
PUE cap, the inequality must lift it to the closed-form cost of the compliant technology.

The cases run at a constant 15 °C, the region and the sites at one point (no bandwidth cost),
grid power only, so a plan's cost is closed-form (as in test_milp.py):
  capacity [MW] · (annuity + O&M share) · capex  +  load [MW] · PUE · 8760 h · (tariff + carbon).
"""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from models.build import BuildOptions, build
from planner import synthetic
from planner.inputs.case import build_case
from planner.prepare import prepare
from planner.solve import ModelSolver, SolveOptions

REL = 1e-7
HOURS = 8760.0
RATE, LIFE, OM = 0.07, 20.0, 0.02  # default Settings discount rate; facility life and O&M
ANNUITY = RATE / (1 - (1 + RATE) ** -LIFE)
CAPEX = {"air": 50.0, "cold_plate": 54.0}  # M yuan/MW IT
USABLE = 0.85
CARBON_PRICE, EF = 95.0, 0.6  # yuan/t (default Settings); t/MWh (small-case site default)
PUE = {"air": 1.16 + 5 / 8 * 0.03, "cold_plate": 1.10}  # default curves at 15 °C
NO_IMMERSION = {"immersion": {"available": False}}


def _case(existing: list[dict] | None = None, **kw: object):
    """A small case (planner.synthetic.case_tables), with `existing` rows of the Existing sheet."""
    raw, profiles = synthetic.case_tables(**kw)  # type: ignore[arg-type]
    if existing is not None:
        raw["Existing"] = synthetic.table("Existing", existing)
    return build_case(raw, None, "cuts", scenario=None, profiles=profiles)


def _solve(case, time: str, cut: bool, relax: bool = False) -> pyo.ConcreteModel:
    """The MILP of `case` solved to a zero gap (or its LP relaxation: `relax`), with the
    per-technology PUE cap (`cut`) or without it; the solved model."""
    model = build(prepare(case, time), BuildOptions(mip=True))
    if not cut:
        model.pue_cap_cooling.deactivate()
    if relax:
        for var in [*model.Y.values(), *model.Open.values(), *model.N.values()]:
            var.domain = pyo.NonNegativeReals
        for var in [*model.Y.values(), *model.Open.values()]:
            var.setub(1.0)
    outcome = ModelSolver(model, SolveOptions(gap=0.0, mip_start=False)).solve(want_duals=False)
    assert outcome.status == "optimal", outcome.status
    model.objective_value = outcome.objective
    return model


def _energy_cost(load_mw: float, pue: float, price_yuan_per_kwh: float) -> float:
    """M yuan/yr of grid energy and carbon for a flat load."""
    mwh = load_mw * pue * HOURS
    return mwh * price_yuan_per_kwh * 1e-3 + mwh * EF * CARBON_PRICE * 1e-6


def _capacity_cost(cap_mw: float, cooling: str) -> float:
    return cap_mw * (ANNUITY + OM) * CAPEX[cooling]


PUE_CAP = {
    # air (PUE 1.17875 at 15 °C) alone breaks the cap of 1.15; cold plate (1.10) meets it
    "sites": [{"site": "s1", "pue_cap": 1.15, "grid_price": 0.5}],
    "classes": [{"workload_class": "flat", "bandwidth": 0.0}],
    "demand": {("r1", "flat"): 100.0},
    "settings": {"module_size": 25.0},
    "technologies": NO_IMMERSION,
    "temperature": 15.0,
}


def test_the_cut_lifts_the_relaxation_from_the_mix_to_the_compliant_technology():
    """Relaxed, the plain MILP mixes air and cold plate so as to just meet the cap (as the LP
    does); with the cut air alone cannot carry load, so the relaxation is all cold plate,
    with continuous capacity 100 / 0.85 MW."""
    alpha = (1.15 - PUE["cold_plate"]) / (PUE["air"] - PUE["cold_plate"])  # air share
    mixed = (
        _capacity_cost(alpha * 100.0 / USABLE, "air")
        + _capacity_cost((1 - alpha) * 100.0 / USABLE, "cold_plate")
        + _energy_cost(100.0, 1.15, 0.5)
    )
    compliant = _capacity_cost(100.0 / USABLE, "cold_plate") + _energy_cost(
        100.0, PUE["cold_plate"], 0.5
    )
    case = _case(**PUE_CAP)
    plain = _solve(case, "typical:1", cut=False, relax=True)
    tight = _solve(case, "typical:1", cut=True, relax=True)
    assert plain.objective_value == pytest.approx(mixed, rel=REL)
    assert tight.objective_value == pytest.approx(compliant, rel=REL)
    assert tight.objective_value > plain.objective_value


def test_existing_capacity_keeps_its_mix_with_new_capacity():
    """50 MW of existing air and new cold plate may mix at one site (the one-technology rule
    is on new capacity): the right side of the cut allows the existing air's overshoot, so
    the optimum is the plain formulation's, and it does run the existing air."""
    existing = [{"site": "s1", "technology": "air", "capacity": 50.0}]
    case = _case(existing, **PUE_CAP)
    plain = _solve(case, "typical:1", cut=False)
    tight = _solve(case, "typical:1", cut=True)
    assert tight.objective_value == pytest.approx(plain.objective_value, rel=REL)
    # three 25 MW cold-plate modules carry 63.75 MW (two and the air's 42.5 MW are short of
    # 100); the existing air carries the rest, above the cap on its own (which a right side
    # of 0 would forbid, at the price of a fourth module)
    assert pyo.value(tight.Cap_IT["s1", "cold_plate"]) == pytest.approx(75.0, rel=1e-9)
    air_load = max(pyo.value(tight.L["s1", "air", t]) for t in tight.T)
    assert air_load == pytest.approx(100.0 - USABLE * 75.0, rel=1e-6)
    assert PUE["air"] > 1.15


@pytest.mark.parametrize("seed", [0, 1])
def test_the_milp_optimum_is_the_same_with_and_without_the_cut(seed: int):
    """Four sites in two regions, with their own climates, caps and cooling technologies."""
    case = synthetic.synthetic_case(n_sites=4, n_regions=2, seed=seed, name="cuts")
    plain = _solve(case, "typical:2", cut=False)
    tight = _solve(case, "typical:2", cut=True)
    assert tight.objective_value == pytest.approx(plain.objective_value, rel=1e-6)
    plain_relaxed = _solve(case, "typical:2", cut=False, relax=True)
    tight_relaxed = _solve(case, "typical:2", cut=True, relax=True)
    assert plain_relaxed.objective_value <= tight_relaxed.objective_value * (1 + 1e-9)
    assert tight_relaxed.objective_value <= tight.objective_value * (1 + 1e-9)
