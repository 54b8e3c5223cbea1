"""Existing capacity (sheet Existing, formulation §2.1).

Capacity = existing + new; existing capacity is a lower bound (never retired); the capital
annuity is paid on new capacity only, fixed O&M on all capacity. Cases are built in code
(`planner.synthetic`); the expected costs are recomputed here from the inputs.
"""

from __future__ import annotations

import pandas as pd
import pytest

from planner import synthetic
from planner.inputs.case import build_case
from planner.inputs.errors import InputError, InputErrors
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
