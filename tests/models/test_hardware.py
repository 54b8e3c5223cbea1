"""The hardware block (sheet Hardware, demand in PFLOPS): small cases whose optimum is known
by hand, cooling compatibility, the domestic share, PFLOPS and MW classes in one case.

Every case has one region and one site at the same place (no bandwidth cost), grid power only
at a flat price, a constant 15 degC and flat fixed classes, so one PFLOPS served by family f
for a year costs exactly rate_f + mw_f · C, with C the annual cost of one MW of flat IT load
(facility capital and O&M per usable MW, grid energy and carbon at the air-cooled PUE).
"""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from planner import synthetic
from planner.inputs.case import build_case
from planner.run import RunOptions, Solved, solve_case
from tests.models.hardware_cases import every_hardware_option

REL = 1e-6
HOURS = 8760.0
RATE, LIFE_FACILITY, OM_FACILITY, CAPEX_AIR = 0.07, 20.0, 0.02, 50.0
USABLE = 0.85
PRICE, EF, CARBON = 0.5, 0.6, 95.0  # yuan/kWh, t/MWh, yuan/t
PUE_AIR_15C = 1.16 + (15 - 10) / (18 - 10) * (1.19 - 1.16)  # Cooling curve of air at 15 degC

# (family, origin, PFLOPS/server, kW/server, rack kW, M yuan/server, life yr)
CHEAP = ("cheap", "imported", 7.9, 10.2, 25.0, 1.8, 5.0)
DEAR = ("dear", "domestic", 6.4, 11.9, 25.0, 1.9, 5.0)


def _annuity(rate: float, life: float) -> float:
    return rate / (1 - (1 + rate) ** -life)


def _mw_cost() -> float:
    """M yuan per MW of flat IT load served for a year on air cooling."""
    facility = (_annuity(RATE, LIFE_FACILITY) + OM_FACILITY) * CAPEX_AIR / USABLE
    energy = HOURS * PUE_AIR_15C * (PRICE * 1e-3 + CARBON * EF * 1e-6)
    return facility + energy


def _pflops_cost(family: tuple) -> float:
    """M yuan per PFLOPS-year served by `family` (servers + power + facility)."""
    _, _, pflops, kw, _, capex, life = family
    return _annuity(RATE, life) * capex / pflops + kw / pflops / 1000 * _mw_cost()


def _family_row(family: tuple, classes: str = "train", supply: float | None = None) -> dict:
    name, origin, pflops, kw, rack, capex, life = family
    return {
        "family": name,
        "kind": "accelerator",
        "origin": origin,
        "pflops_per_server": pflops,
        "kw_per_server": kw,
        "rack_kw": rack,
        "capex_per_server": capex,
        "life": life,
        "supply": supply,
        "classes": classes,
    }


def _tables(
    families: list[dict],
    demand: dict[tuple[str, str], tuple[float, str]] | None = None,
    max_rack: dict[str, float] | None = None,
    only_air: bool = True,
    **kw,
):
    demand = demand or {("r1", "train"): (1000.0, "PFLOPS")}
    classes = sorted({w for _, w in demand})
    technologies = (
        {"cold_plate": {"available": False}, "immersion": {"available": False}} if only_air else {}
    )
    raw, profiles = synthetic.case_tables(
        classes=[{"workload_class": w, "bandwidth": 0.2} for w in classes],
        demand={k: v for k, (v, _) in demand.items()},
        sites=[{"site": "s1", "grid_price": PRICE, "emission_factor": EF, "max_it": 5000.0}],
        settings={"carbon_price": CARBON},
        technologies=technologies,
        **kw,
    )
    raw["Demand"] = synthetic.table(
        "Demand",
        [
            {"region": r, "workload_class": w, "demand": v, "unit": unit}
            for (r, w), (v, unit) in demand.items()
        ],
    )
    raw["Hardware"] = synthetic.table("Hardware", families)
    cooling = raw["Cooling"]
    header = "max_rack_density [kW/rack]"
    for tech, limit in (max_rack or {}).items():
        cooling.loc[cooling["cooling"] == tech, header] = limit
    return raw, profiles


def _solve(families: list[dict], **kw) -> Solved:
    raw, profiles = _tables(families, **kw)
    solved = solve_case(build_case(raw, None, "hw", profiles=profiles), RunOptions())
    assert solved.outcome.status == "optimal", solved.outcome.status
    return solved


def _installed(m: pyo.ConcreteModel, family: str) -> float:
    return sum(pyo.value(v) for (s, f, k), v in m.H.items() if f == family)


def test_the_cheap_familys_supply_binds_and_its_shadow_price_is_the_cost_difference():
    cap_servers, demand = 50.0, 1000.0
    cheap, dear = _pflops_cost(CHEAP), _pflops_cost(DEAR)
    assert cheap < dear  # more power per PFLOPS and no cheaper servers: dear stays dear
    solved = _solve([_family_row(CHEAP, supply=cap_servers), _family_row(DEAR)])
    m = solved.model
    cap_pflops = cap_servers * CHEAP[2]
    assert _installed(m, "cheap") == pytest.approx(cap_pflops, rel=REL)
    assert _installed(m, "dear") == pytest.approx(demand - cap_pflops, rel=REL)
    expected = cap_pflops * cheap + (demand - cap_pflops) * dear
    assert solved.outcome.objective == pytest.approx(expected, rel=REL)
    duals = solved.results.duals.set_index(["constraint", "index"])
    row = duals.loc[("supply_cap", "cheap")]
    assert row["unit"] == "yuan/(PFLOPS*yr)" and bool(row["binding"])
    assert row["shadow_price"] == pytest.approx((dear - cheap) * 1e6, rel=1e-6)
    # one more PFLOPS of demand is served by the dear family
    assert duals.loc[("compute_met", "r1/train"), "shadow_price"] == pytest.approx(
        dear * 1e6, rel=1e-6
    )
    costs = solved.results.costs.set_index("term")["cost_myuan"]
    servers = sum(
        _annuity(RATE, f[6]) * f[5] / f[2] * pflops
        for f, pflops in ((CHEAP, cap_pflops), (DEAR, demand - cap_pflops))
    )
    assert costs["server_capital"] == pytest.approx(servers, rel=REL)


def test_it_power_is_compute_times_kw_per_pflops():
    solved = _solve([_family_row(CHEAP, supply=50.0), _family_row(DEAR)])
    cap = 50.0 * CHEAP[2]
    mw = cap * CHEAP[3] / CHEAP[2] / 1000 + (1000.0 - cap) * DEAR[3] / DEAR[2] / 1000
    site = solved.results.sites.set_index("site").loc["s1"]
    assert site["it_energy_mwh"] == pytest.approx(mw * HOURS, rel=REL)
    assert solved.results.routing["served_mw"].sum() == pytest.approx(mw, rel=REL)


def test_racks_denser_than_air_can_take_force_cold_plate():
    dense = ("dense", "imported", 7.9, 10.2, 41.0, 1.8, 5.0)  # 4 x DGX H100 per rack
    limits = {"air": 30.0, "cold_plate": 140.0, "immersion": 250.0}
    solved = _solve([_family_row(dense)], max_rack=limits, only_air=False)
    site = solved.results.sites.set_index("site").loc["s1"]
    assert site["it_capacity_air_mw"] == pytest.approx(0.0, abs=1e-6)
    assert site["it_capacity_cold_plate_mw"] > 0
    assert {k for (_, _, k), v in solved.model.H.items() if pyo.value(v) > 1e-6} <= {
        "cold_plate",
        "immersion",
    }
    # the same family in 25 kW racks runs on air, the cheapest cooling at 15 degC
    airy = ("dense", "imported", 7.9, 10.2, 25.0, 1.8, 5.0)
    solved = _solve([_family_row(airy)], max_rack=limits, only_air=False)
    site = solved.results.sites.set_index("site").loc["s1"]
    assert site["it_capacity_air_mw"] > 0
    assert site["it_capacity_cold_plate_mw"] == pytest.approx(0.0, abs=1e-6)


def test_a_binding_domestic_share_buys_dear_domestic_compute():
    share, demand = 0.6, 1000.0
    solved = _solve([_family_row(CHEAP), _family_row(DEAR)], policy={"domestic_share_min": share})
    m = solved.model
    assert _installed(m, "dear") == pytest.approx(share * demand, rel=REL)
    assert _installed(m, "cheap") == pytest.approx((1 - share) * demand, rel=REL)
    cheap, dear = _pflops_cost(CHEAP), _pflops_cost(DEAR)
    assert solved.outcome.objective == pytest.approx(
        share * demand * dear + (1 - share) * demand * cheap, rel=REL
    )
    row = solved.results.duals.set_index(["constraint", "index"]).loc[
        ("domestic_share_limit", "all")
    ]
    assert bool(row["binding"])
    assert row["shadow_price"] == pytest.approx((dear - cheap) * 1e6, rel=1e-6)


def test_pflops_and_mw_classes_in_one_case():
    web_mw = 100.0
    solved = _solve(
        [_family_row(CHEAP, classes="train")],
        demand={("r1", "train"): (1000.0, "PFLOPS"), ("r1", "web"): (web_mw, "MW")},
    )
    routing = solved.results.routing.set_index("workload_class")["served_mw"]
    train_mw = 1000.0 * CHEAP[3] / CHEAP[2] / 1000
    assert routing["web"] == pytest.approx(web_mw, rel=REL)
    assert routing["train"] == pytest.approx(train_mw, rel=REL)
    site = solved.results.sites.set_index("site").loc["s1"]
    assert site["it_energy_mwh"] == pytest.approx((web_mw + train_mw) * HOURS, rel=REL)
    # only the PFLOPS class buys servers
    assert solved.results.costs.set_index("term").loc["server_capital", "cost_myuan"] == (
        pytest.approx(_annuity(RATE, CHEAP[6]) * CHEAP[5] / CHEAP[2] * 1000.0, rel=REL)
    )


def test_without_a_hardware_sheet_the_model_has_no_hardware_block():
    raw, profiles = synthetic.case_tables()
    solved = solve_case(build_case(raw, None, "mw", profiles=profiles), RunOptions())
    m = solved.model
    assert m.component("H") is None and m.component("compute_met") is None
    assert "server_capital" not in set(solved.results.costs["term"])


def test_domestic_voucher_rate_and_power_discount_follow_the_domestic_chips_in_the_west():
    """Hangzhou-style voucher (2% of compute price, 1% more for domestic chips) at the west
    site, which also cuts 30% of the grid bill for its domestic-chip energy."""
    solved = solve_case(every_hardware_option(), RunOptions())
    assert solved.outcome.status == "optimal"
    m = solved.model
    domestic_mw = sum(
        pyo.value(m.c[i]) * 11.9 / 6.4 / 1000 for i in m.APF if i[2] == "west" and i[3] == "ascend"
    )
    assert domestic_mw > 1.0
    extra = (0.02 - 0.01) * 20000.0 * HOURS * 1e-6  # M yuan per MW-year
    assert pyo.value(m.vd["v1"]) == pytest.approx(extra * domestic_mw, rel=REL)
    grid_bill = 0.36e-3 * sum(
        pyo.value(m.weight[t] * m.tou_factor["west", t] * m.G["west", t]) for t in m.T
    )
    energy_cut = 0.3 * 0.36e-3 * HOURS * domestic_mw
    assert pyo.value(m.credit["west"]) == pytest.approx(min(energy_cut, 0.3 * grid_bill), rel=REL)
    costs = solved.results.costs.set_index("term")["cost_myuan"]
    assert costs["vouchers_domestic"] == pytest.approx(-pyo.value(m.vd["v1"]), rel=REL)
    assert costs["domestic_power_discount"] == pytest.approx(-pyo.value(m.credit["west"]), rel=REL)
