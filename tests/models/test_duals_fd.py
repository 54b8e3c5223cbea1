"""Every registered limit's dual, in planner units, is the finite-difference slope of the
optimum: move the row's right-hand side (as Pyomo stores it) by ±δ, re-solve, and the dual of
duals.csv lies between the one-sided slopes Δobjective/Δrhs converted to planner units with
the factor and unit that docs/formulation.md §11 states for the constraint (the registry's own
factor is not used, so a wrong factor or unit there fails).

The cases switch every limit with a reported dual on, and each limit binds in at least one of
them, so no check is vacuous. A new block's limit is checked by the same loop (registry)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyomo.environ as pyo
import pytest
from pyomo.repn import generate_standard_repn

from models.build import BuildOptions, build
from models.registry import key_text, registry
from planner import synthetic
from planner.prepare import prepare
from planner.results import duals_table
from planner.solve import ModelSolver
from tests.models.hardware_cases import every_hardware_option

RELATIVE_STEP = 1e-4
DOC = Path(__file__).resolve().parents[2] / "docs" / "formulation.md"
FACTORS = {"$10^6/8760$": 1e6 / 8760, "$10^6$": 1e6, "1": 1.0}


def documented_units() -> dict[str, tuple[float, str]]:
    """constraint → (factor, planner unit) from the duals table of formulation.md §11."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## 11. Duals") : text.index("## 12.")]
    out = {}
    for line in section.splitlines():
        match = re.match(r"\| `m\.(\w+)` \| [^|]+ \| ([^|]+) \| ([^|]+) \|", line)
        if match:
            name, factor, unit = (g.strip() for g in match.groups())
            out[name] = (FACTORS[factor], unit.replace("·", "*"))
    return out


def _policies():
    kwargs = synthetic.east_west_policies()
    kwargs["vouchers"][0].update(rate=0.001, budget=100.0)  # the use limit binds, not the budget
    kwargs["links"] = [{"region": "yrd", "site": "west", "capacity": 20.0}]  # 100 MW of batch
    return synthetic.small_case(name="policies", **kwargs)


def _site_policies():
    """Interactive load follows the day (peak 1.3 × mean) and batch is not shiftable, so east,
    sized for the peak, needs some flat batch load to reach the utilisation target."""
    kwargs = synthetic.east_west_pair()
    day = np.interp(np.arange(24), [0, 6, 14, 20, 23], [0.8, 0.7, 1.3, 1.2, 0.9])
    kwargs["classes"][0]["shape"] = "day"
    kwargs["classes"][1]["flexibility"] = "fixed"
    kwargs["demand_shapes"] = {"day": day / day.mean()}
    kwargs["policy"] = {
        "green_share_min": 0.3,  # east meets it with certificates
        "green_share_scope": "site",
        "gec_price": 50.0,
        "min_utilisation": 0.7,
    }
    kwargs["sites"][0]["pue_cap"] = 1.08
    return synthetic.small_case(name="site_policies", **kwargs)


def _overall_green():
    kwargs = synthetic.east_west_pair()
    kwargs["policy"] = {"green_share_min": 0.7}
    kwargs["sites"][1]["max_it"] = 100  # west holds 85 MW of the 120 MW of batch
    return synthetic.small_case(name="overall_green", **kwargs)


def _power_line():
    """A supply node (max_it 0, grid at 0.25 yuan/kWh) sends power to east (0.6 yuan/kWh):
    the existing capacity open to data centres (30 MW) and the buildable new capacity (20 MW)
    both bind, so both line limits have shadow prices."""
    return synthetic.small_case(
        name="power_line",
        sites=[
            {"site": "east", "grid_price": 0.6},
            {"site": "base", "max_it": 0.0, "grid_price": 0.25, "lat": 36.0, "lon": 100.0},
        ],
        lines=[
            {
                "line": "l1",
                "from": "base",
                "to": "east",
                "existing": 30.0,
                "tariff": 0.02,
                "max_new": 20.0,
                "capex": 0.002,
                "length": 1500.0,
            }
        ],
    )


def _domestic_share():
    """§8b: the domestic accelerator share binds (the imported supply does not)."""
    return every_hardware_option(share=0.7, supply_servers=400.0)


def _chip_supply():
    """§8b: the imported family's supply binds (no domestic share)."""
    return every_hardware_option(share=None, supply_servers=40.0)


CASES = {
    "policies": _policies,
    "site_policies": _site_policies,
    "overall_green": _overall_green,
    "power_line": _power_line,
    "domestic_share": _domestic_share,
    "chip_supply": _chip_supply,
}


def _objective(data, name: str, key, delta: float) -> float:
    m = build(data, BuildOptions())
    con = m.component(name)[key]
    if con.equality:
        con.set_value(con.body == float(pyo.value(con.upper)) + delta)
    elif con.upper is not None:
        con.set_value(con.body <= float(pyo.value(con.upper)) + delta)
    else:
        con.set_value(con.body >= float(pyo.value(con.lower)) + delta)
    outcome = ModelSolver(m).solve(want_duals=False)
    assert outcome.status == "optimal", (name, key, delta)
    return float(outcome.objective)


def _step(con) -> float:
    """δ in model units: small beside the row's right-hand side and its terms' values."""
    repn = generate_standard_repn(con.body, compute_values=True)
    pairs = zip(repn.linear_coefs, repn.linear_vars, strict=True)
    terms = sum(abs(c * (v.value or 0.0)) for c, v in pairs)
    bound = con.upper if con.upper is not None else con.lower
    return RELATIVE_STEP * max(1.0, abs(float(pyo.value(bound))), terms)


@pytest.fixture(scope="module")
def solved() -> dict:
    out = {}
    for name, factory in CASES.items():
        data = prepare(factory())
        m = build(data)
        outcome = ModelSolver(m).solve()
        assert outcome.status == "optimal", name
        out[name] = (data, m, outcome, duals_table(m, outcome))
    return out


def test_every_limit_with_a_dual_binds_in_some_case(solved):
    limits, binding = set(), set()
    for _, m, _, duals in solved.values():
        limits |= {lim.name for lim in registry(m).active_limits(m) if lim.dual}
        binding |= set(duals.loc[duals["binding"], "constraint"])
    assert limits - {lim.name for lim in _bound_limits(solved)} == binding


def _bound_limits(solved):
    return [
        lim
        for _, m, _, _ in solved.values()
        for lim in registry(m).limits.values()
        if lim.bound is not None
    ]


@pytest.mark.parametrize("case", sorted(CASES))
def test_duals_are_finite_difference_slopes_in_planner_units(solved, case: str):
    data, m, outcome, duals = solved[case]
    base = float(outcome.objective)
    units = documented_units()
    checked = 0
    for limit in registry(m).active_limits(m):
        if not limit.dual or limit.bound is not None:
            continue
        for key, con in m.component(limit.name).items():
            row = duals[(duals["constraint"] == limit.name) & (duals["index"] == key_text(key))]
            assert len(row) == 1, (limit.name, key)
            factor, unit = units[limit.name]
            assert row["unit"].iloc[0] == unit, (limit.name, row["unit"].iloc[0], unit)
            dual = float(row["dual"].iloc[0])  # planner units
            if not bool(row["binding"].iloc[0]):
                continue
            delta = _step(con)
            up = factor * (_objective(data, limit.name, key, delta) - base) / delta
            down = factor * (base - _objective(data, limit.name, key, -delta)) / delta
            low, high = min(up, down), max(up, down)
            slack = 1e-5 * max(abs(dual), abs(low), abs(high)) + 1e-9
            assert low - slack <= dual <= high + slack, (limit.name, key, dual, up, down)
            checked += 1
    assert checked > 0
