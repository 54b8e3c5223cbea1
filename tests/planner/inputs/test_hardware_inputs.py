"""Validation of the hardware inputs: every new column (Hardware, Demand unit, Cooling max rack
density, Sites domestic power discount, Vouchers domestic rate, Policy domestic share) names
the exact sheet, Excel row and column of a bad value, unit or unknown id."""

from __future__ import annotations

import pytest

from planner import synthetic
from planner.inputs.case import build_case
from planner.inputs.errors import InputErrors
from planner.inputs.validate import check

FAMILY = {
    "family": "ascend",
    "kind": "accelerator",
    "origin": "domestic",
    "pflops_per_server": 6.4,
    "kw_per_server": 11.9,
    "rack_kw": 35.0,
    "capex_per_server": 1.8,
    "life": 5.0,
    "supply": 1000.0,
    "classes": "train",
}


def _tables(families=(FAMILY,), units=("PFLOPS", "MW")):
    """Region r1; class train (row 2) and class web (row 3) with the given units."""
    raw, profiles = synthetic.case_tables(
        classes=[{"workload_class": "train"}, {"workload_class": "web"}],
        demand={("r1", "train"): 500.0, ("r1", "web"): 50.0},
        vouchers=[
            {
                "voucher": "v1",
                "issuer_region": "r1",
                "budget": 1.0,
                "rate": 0.2,
                "compute_price": 20000.0,
                "eligible_sites": "s1",
            }
        ],
    )
    demand = raw["Demand"]
    demand["unit"] = list(units)
    if families is not None:
        raw["Hardware"] = synthetic.table("Hardware", list(families))
    return raw, profiles


def _errors(raw, profiles, severity="error"):
    return [p for p in check(raw, None, profiles).problems if p.severity == severity]


def _at(problems, sheet, row, column):
    hits = [p for p in problems if (p.sheet, p.row, p.column) == (sheet, row, column)]
    assert hits, f"no problem at {(sheet, row, column)} in {[str(p) for p in problems]}"
    return hits[0]


def test_the_hardware_case_is_valid():
    raw, profiles = _tables()
    assert _errors(raw, profiles) == []
    case = build_case(raw, None, profiles=profiles)
    assert list(case.extra["Hardware"]["family"]) == ["ascend"]


@pytest.mark.parametrize(
    ("column", "header", "value", "words"),
    [
        ("kw_per_server", "power_per_server [kW]", 0.0, "> 0"),
        ("pflops_per_server", "pflops_per_server [PFLOPS]", -1.0, "> 0"),
        ("rack_kw", "rack_density [kW/rack]", "dense", "number"),
        ("capex_per_server", "capex_per_server [M yuan]", -0.5, ">= 0"),
        ("life", "life [yr]", 0.0, "> 0"),
        ("supply", "supply", -10.0, ">= 0"),
        ("supply_unit", "supply_unit", "GPUs", "servers, PFLOPS"),
        ("kind", "kind", "fpga", "accelerator, general_purpose"),
        ("origin", "origin", "foreign", "imported, domestic"),
        ("classes", "classes", "train,videogen", "unknown id 'videogen'"),
        ("family", "family", "ascend/910c", "cannot contain"),
    ],
)
def test_a_bad_hardware_cell_is_named(column, header, value, words):
    raw, profiles = _tables(families=({**FAMILY, column: value},))
    problem = _at(_errors(raw, profiles), "Hardware", 2, header)
    assert words.lower() in problem.message.lower() or words in str(problem), str(problem)


def test_an_accelerator_needs_its_pflops():
    raw, profiles = _tables(families=({**FAMILY, "pflops_per_server": None},))
    _at(_errors(raw, profiles), "Hardware", 2, "pflops_per_server [PFLOPS]")


def test_a_duplicate_family_is_refused():
    raw, profiles = _tables(families=(FAMILY, FAMILY))
    assert "duplicate id" in _at(_errors(raw, profiles), "Hardware", 3, "family").message


def test_an_unknown_demand_unit_is_refused():
    raw, profiles = _tables(units=("TFLOPS", "MW"))
    assert "MW, PFLOPS" in _at(_errors(raw, profiles), "Demand", 2, "unit").message


def test_pflops_demand_needs_the_hardware_sheet():
    raw, profiles = _tables(families=None)
    problem = _at(_errors(raw, profiles), "Demand", 2, "unit")
    assert "Hardware" in problem.message
    with pytest.raises(InputErrors):
        build_case(raw, None, profiles=profiles)


def test_one_class_has_one_unit():
    raw, profiles = _tables()
    extra = synthetic.table(
        "Demand", [{"region": "r1", "workload_class": "train", "demand": 5.0, "unit": "MW"}]
    )
    raw["Regions"] = synthetic.table(
        "Regions",
        [{"region": "r1", "lat": 31.2, "lon": 121.5}, {"region": "r2", "lat": 31.3, "lon": 121.5}],
    )
    extra["region"] = "r2"
    raw["Demand"] = synthetic.pd.concat([raw["Demand"], extra], ignore_index=True)
    raw["Demand"].index = range(2, 2 + len(raw["Demand"]))
    assert "share one unit" in _at(_errors(raw, profiles), "Demand", 4, "unit").message


def test_a_pflops_class_no_family_serves_is_named():
    raw, profiles = _tables(families=({**FAMILY, "classes": "web"},))
    problems = _errors(raw, profiles)
    assert "no accelerator family" in _at(problems, "Demand", 2, "workload_class").message
    # and an accelerator cannot serve a class demanded in MW
    assert "demanded in MW" in _at(problems, "Hardware", 2, "classes").message


def test_general_purpose_servers_serve_mw_classes_and_have_no_pflops_supply():
    cpu = {
        **FAMILY,
        "family": "cpu",
        "kind": "general_purpose",
        "pflops_per_server": None,
        "classes": "train",
        "supply_unit": "PFLOPS",
    }
    raw, profiles = _tables(families=(FAMILY, cpu))
    problems = _errors(raw, profiles)
    assert "demanded in PFLOPS" in _at(problems, "Hardware", 3, "classes").message
    _at(problems, "Hardware", 3, "supply_unit")


def test_cooling_max_rack_density_is_checked():
    raw, profiles = _tables()
    cooling = raw["Cooling"]
    header = "max_rack_density [kW/rack]"
    air = cooling.index[cooling["cooling"] == "air"]
    cooling.loc[air[0], header] = 30.0
    cooling.loc[air[1], header] = 40.0
    immersion = cooling.index[cooling["cooling"] == "immersion"]
    cooling.loc[immersion[0], header] = -5.0
    problems = _errors(raw, profiles)
    assert "differs" in _at(problems, "Cooling", int(air[1]), header).message
    _at(problems, "Cooling", int(immersion[0]), header)


def test_a_family_too_dense_for_every_cooling_is_warned():
    raw, profiles = _tables(families=({**FAMILY, "rack_kw": 300.0},))
    cooling = raw["Cooling"]
    cooling["max_rack_density [kW/rack]"] = 140.0
    warning = _at(_errors(raw, profiles, "warning"), "Hardware", 2, "rack_density [kW/rack]")
    assert "cannot be used" in warning.message


def test_domestic_policy_voucher_and_discount_ranges():
    raw, profiles = _tables()
    raw["Sites"]["domestic_power_discount [share]"] = 1.5
    raw["Vouchers"]["domestic_rate [share]"] = -0.3
    policy = raw["Policy"]
    policy.loc[policy["key"] == "domestic_share_min", "value"] = 2.0
    policy.loc[policy["key"] == "domestic_share_scope", "value"] = "province"
    problems = _errors(raw, profiles)
    _at(problems, "Sites", 2, "domestic_power_discount [share]")
    _at(problems, "Vouchers", 2, "domestic_rate [share]")
    assert {p.sheet for p in problems if "domestic_share" in str(p)} == {"Policy"}
    assert len([p for p in problems if p.sheet == "Policy"]) == 2


def test_a_scenario_naming_an_unknown_family_is_refused():
    raw, profiles = _tables()
    raw["Scenarios"] = synthetic.table(
        "Scenarios",
        [{"scenario": "ban", "sheet": "Hardware", "key": "h100", "column": "supply", "value": "0"}],
    )
    with pytest.raises(InputErrors) as caught:
        build_case(raw, None, scenario="ban", profiles=profiles)
    assert any(p.sheet == "Scenarios" and "h100" in str(p) for p in caught.value.problems)
