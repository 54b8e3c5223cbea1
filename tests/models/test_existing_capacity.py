"""Existing capacity (sheet Existing, formulation §2.1), hand-solved.

Capacity = existing + new; existing capacity is a lower bound (never retired); the capital
annuity is paid on new capacity only, fixed O&M on all capacity. Cases are built in code
(`planner.synthetic`); the expected costs are recomputed here from the inputs.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from planner import synthetic
from planner.inputs.case import build_case
from planner.inputs.errors import InputError, InputErrors
from planner.report import sites_tables
from planner.run import RunOptions, Solved, solve_case

REL = 1e-6
HOURS = 8760.0
RATE = 0.07  # Settings · discount_rate of the small cases
USABLE = 0.85
AIR_CAPEX, AIR_OM, AIR_LIFE = 50.0, 0.02, 20.0  # M yuan/MW IT, share/yr, yr
PV_CAPEX, PV_OM, PV_LIFE = 3.0, 0.015, 25.0
BAT_E_CAPEX, BAT_P_CAPEX, BAT_OM, BAT_LIFE = 0.35, 0.30, 0.02, 12.0
PRICE, EF, CARBON_PRICE = 0.5, 0.6, 95.0  # yuan/kWh, t/MWh, yuan/t
AIR_PUE_15C = 1.16 + (15 - 10) / (18 - 10) * (1.19 - 1.16)  # air curve at 15 degC
AIR_ONLY = {"cold_plate": {"available": False}, "immersion": {"available": False}}


def annuity(life: float) -> float:
    return RATE / (1 - (1 + RATE) ** -life)


def _tables(existing: list[dict] | None, **kw: object):
    raw, profiles = synthetic.case_tables(**kw)  # type: ignore[arg-type]
    if existing is not None:
        raw["Existing"] = synthetic.table("Existing", existing)
    return raw, profiles


def _case(existing: list[dict] | None, **kw: object):
    raw, profiles = _tables(existing, **kw)
    return build_case(raw, None, "existing", scenario=None, profiles=profiles)


def _solve(existing: list[dict] | None, **kw: object) -> Solved:
    solved = solve_case(_case(existing, **kw), RunOptions())
    assert solved.outcome.status == "optimal", solved.outcome.status
    assert solved.results is not None
    return solved


def _one_site(demand_mw: float) -> dict[str, object]:
    """One grid-only site beside its region (no bandwidth cost), air cooling only, 15 degC."""
    return {
        "sites": [{"site": "s1", "grid_price": PRICE, "emission_factor": EF}],
        "classes": [{"workload_class": "flat", "bandwidth": 0.0}],
        "demand": {("r1", "flat"): demand_mw},
        "technologies": AIR_ONLY,
        "temperature": 15.0,
    }


def _energy_costs(demand_mw: float) -> float:
    """Grid energy and carbon [M yuan/yr] of serving demand_mw IT on air cooling at 15 degC."""
    energy_mwh = demand_mw * AIR_PUE_15C * HOURS
    return energy_mwh * PRICE * 1e-3 + CARBON_PRICE * EF * energy_mwh * 1e-6


def _costs(solved: Solved) -> pd.Series:
    return solved.results.costs.set_index("term")["cost_myuan"]


def _site(solved: Solved, site: str) -> pd.Series:
    return solved.results.sites.set_index("site").loc[site]


@pytest.mark.parametrize("existing_mw", [100.0, 200.0])
def test_existing_capacity_costs_only_its_om_and_new_capacity_is_built_on_top(existing_mw):
    demand = 120.0
    need = demand / USABLE  # 141.2 MW IT: 100 MW existing is short, 200 MW is more than enough
    solved = _solve(
        [{"site": "s1", "technology": "air", "capacity": existing_mw}], **_one_site(demand)
    )
    total = max(need, existing_mw)  # existing capacity is never retired
    new = total - existing_mw
    costs = _costs(solved)
    assert costs["facility_capital"] == pytest.approx(annuity(AIR_LIFE) * AIR_CAPEX * new, abs=1e-6)
    assert costs["facility_om"] == pytest.approx(AIR_OM * AIR_CAPEX * total, rel=REL)
    expected = AIR_OM * AIR_CAPEX * total + annuity(AIR_LIFE) * AIR_CAPEX * new
    expected += _energy_costs(demand)
    assert solved.outcome.objective == pytest.approx(expected, rel=REL)
    assert costs.sum() == pytest.approx(solved.outcome.objective, rel=REL)
    s1 = _site(solved, "s1")
    assert s1["it_capacity_mw"] == pytest.approx(total, rel=REL)
    assert s1["existing_it_mw"] == pytest.approx(existing_mw, rel=REL)
    assert s1["new_it_mw"] == pytest.approx(new, abs=1e-6)
    assert s1["cost_myuan"] == pytest.approx(solved.outcome.objective, rel=REL)


def test_milp_builds_whole_modules_on_top_of_existing_capacity():
    """MILP mode, 20 MW modules: 141.2 MW IT needed, 30 MW exist (not a whole module), so
    6 new modules (120 MW) are built: 150 MW in all."""
    demand, existing, module = 120.0, 30.0, 20.0
    case = _case([{"site": "s1", "technology": "air", "capacity": existing}], **_one_site(demand))
    solved = solve_case(case, RunOptions(mip=True, gap=0.0), explain=False)
    assert solved.outcome.status == "optimal", solved.outcome.status
    new = module * math.ceil((demand / USABLE - existing) / module)
    s1 = _site(solved, "s1")
    assert s1["new_it_mw"] == pytest.approx(new, rel=REL)
    assert s1["it_capacity_mw"] == pytest.approx(existing + new, rel=REL)
    expected = annuity(AIR_LIFE) * AIR_CAPEX * new + AIR_OM * AIR_CAPEX * (existing + new)
    assert solved.outcome.objective == pytest.approx(expected + _energy_costs(demand), rel=REL)


def test_without_existing_rows_the_plan_is_the_greenfield_one():
    greenfield = _solve(None, **_one_site(120.0))
    empty = _solve([], **_one_site(120.0))
    need = 120.0 / USABLE
    expected = (annuity(AIR_LIFE) + AIR_OM) * AIR_CAPEX * need + _energy_costs(120.0)
    assert greenfield.outcome.objective == pytest.approx(expected, rel=REL)
    assert empty.outcome.objective == pytest.approx(expected, rel=REL)


def test_a_site_with_existing_capacity_is_used_before_a_greenfield_one():
    """Two identical sites; 50 MW of air IT already stands at s2. Total capacity is the same
    as on a greenfield, so the plan saves exactly the capital of the existing 50 MW, and
    s2's existing capacity is fully loaded."""
    demand, existing = 100.0, 50.0
    sites = [
        {"site": "s1", "grid_price": PRICE, "emission_factor": EF},
        {"site": "s2", "grid_price": PRICE, "emission_factor": EF},
    ]
    kw = {**_one_site(demand), "sites": sites}
    greenfield = _solve(None, **kw)
    brownfield = _solve([{"site": "s2", "technology": "air", "capacity": existing}], **kw)
    saved = annuity(AIR_LIFE) * AIR_CAPEX * existing
    assert brownfield.outcome.objective == pytest.approx(
        greenfield.outcome.objective - saved, rel=REL
    )
    s2 = _site(brownfield, "s2")
    assert s2["it_capacity_mw"] >= existing - 1e-6
    # no spare capacity is built, so every MW stands loaded at its usable share, s2's too
    assert s2["it_energy_mwh"] >= USABLE * existing * HOURS * (1 - 1e-6)
    total = brownfield.results.sites["it_capacity_mw"].sum()
    assert total == pytest.approx(demand / USABLE, rel=REL)


def test_existing_pv_and_battery_pay_om_on_all_and_capital_on_new_capacity():
    """s1 may build PV (100 MW) and a battery; 30 MW PV, 10 MWh and 5 MW battery exist."""
    existing = [
        {"site": "s1", "technology": "pv", "capacity": 30.0},
        {"site": "s1", "technology": "battery_energy", "capacity": 10.0},
        {"site": "s1", "technology": "battery_power", "capacity": 5.0},
    ]
    kw = _one_site(120.0)
    kw["sites"] = [{"site": "s1", "grid_price": PRICE, "emission_factor": EF, "pv_max": 100.0}]
    solved = _solve(existing, **kw)
    s1, costs = _site(solved, "s1"), _costs(solved)
    pv, mwh, mw = s1["pv_mw"], s1["battery_mwh"], s1["battery_mw"]
    assert pv >= 30.0 - 1e-6 and mwh >= 10.0 - 1e-6 and mw >= 5.0 - 1e-6
    assert costs["pv_capital"] == pytest.approx(annuity(PV_LIFE) * PV_CAPEX * (pv - 30.0), abs=1e-6)
    assert costs["pv_om"] == pytest.approx(PV_OM * PV_CAPEX * pv, rel=REL)
    battery_capital = annuity(BAT_LIFE) * (BAT_E_CAPEX * (mwh - 10.0) + BAT_P_CAPEX * (mw - 5.0))
    assert costs["battery_capital"] == pytest.approx(battery_capital, abs=1e-6)
    assert costs["battery_om"] == pytest.approx(
        BAT_OM * (BAT_E_CAPEX * mwh + BAT_P_CAPEX * mw), rel=REL
    )
    assert solved.results.sites["cost_myuan"].sum() == pytest.approx(
        solved.outcome.objective, rel=REL
    )
    for total, old, name in (
        (pv, 30.0, "pv_mw"),
        (mwh, 10.0, "battery_mwh"),
        (mw, 5.0, "battery_mw"),
    ):
        assert s1[f"existing_{name}"] == pytest.approx(old, rel=REL), name
        assert s1[f"new_{name}"] == pytest.approx(total - old, abs=1e-6), name
    assert s1["existing_wind_mw"] == 0.0 and s1["new_wind_mw"] == 0.0


def test_the_report_shows_existing_and_new_capacity_only_for_a_brownfield_plan():
    brownfield = _solve(
        [{"site": "s1", "technology": "air", "capacity": 100.0}], **_one_site(120.0)
    )
    greenfield = _solve(None, **_one_site(120.0))
    shown, _ = sites_tables(brownfield.results.sites)
    assert {"existing IT [MW]", "new IT [MW]", "IT capacity [MW]"} <= {
        str(c) for c in shown.columns
    }
    plain, _ = sites_tables(greenfield.results.sites)
    assert not [c for c in plain.columns if "existing" in str(c) or "new" in str(c)]
    assert (greenfield.results.sites["existing_it_mw"] == 0.0).all()


# --- validation ------------------------------------------------------------------------------


def _errors(existing: list[dict], **kw: object) -> list[InputError]:
    with pytest.raises(InputErrors) as caught:
        _case(existing, **kw)
    return [p for p in caught.value.errors if p.sheet == "Existing"]


def _two_site_kw() -> dict[str, object]:
    return {
        "sites": [
            {"site": "s1", "max_it": 100.0, "pv_max": 40.0},
            {"site": "s2", "max_it": 100.0},
        ],
        "technologies": {"battery_power": {"available": False}},
    }


@pytest.mark.parametrize(
    ("row", "column", "says"),
    [
        ({"site": "nowhere", "technology": "air", "capacity": 1.0}, "site", "unknown id"),
        ({"site": "s1", "technology": "tape", "capacity": 1.0}, "technology", "unknown"),
        ({"site": "s1", "technology": "air", "capacity": -1.0}, "capacity [MW or MWh]", ">= 0"),
        ({"site": "s1", "technology": "pv", "capacity": 41.0}, "capacity [MW or MWh]", "pv_max"),
        (
            {"site": "s1", "technology": "battery_energy", "capacity": 5.0},
            "technology",
            "battery_power",
        ),
    ],
)
def test_a_bad_existing_row_is_an_error_at_its_cell(row, column, says):
    errors = _errors([{"site": "s2", "technology": "air", "capacity": 10.0}, row], **_two_site_kw())
    assert [(e.row, e.column) for e in errors] == [(3, column)], errors
    assert says in errors[0].message


def test_existing_it_above_the_sites_max_it_is_an_error():
    rows = [
        {"site": "s1", "technology": "air", "capacity": 60.0},
        {"site": "s1", "technology": "immersion", "capacity": 50.0},
    ]
    errors = _errors(rows, **_two_site_kw())
    assert [(e.row, e.column) for e in errors] == [(3, "capacity [MW or MWh]")], errors
    assert "110 MW" in errors[0].message and "max_it (100 MW)" in errors[0].message
