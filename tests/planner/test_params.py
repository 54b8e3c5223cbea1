"""Sweep parameter names resolve to input cells (or fail with what exists), values are checked
like cells, and a built model re-used with changed mutable Params solves to the same optimum
as a fresh build; structural changes are refused."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from models.build import build
from models.update import update
from planner.inputs.case import Case, build_case
from planner.params import (
    Parameter,
    ParameterError,
    parse_value,
    resolve,
    reuse_plan,
)
from planner.prepare import ModelData, prepare
from planner.solve import ModelSolver
from planner.sweep import CasePayload, Point, point_case
from planner.synthetic import case_tables, east_west_policies

# Two sites: interactive demand (20 ms) can only reach `east`; batch may go west. East has a
# binding water cap, both have PV/wind at their potential or not, a voucher whose budget binds.
CASE = east_west_policies()


@pytest.fixture(scope="module")
def payload() -> CasePayload:
    raw, profiles = case_tables(**CASE)
    base = build_case(raw, None, "params", scenario=None, profiles=profiles)
    return CasePayload.from_case(raw, base)


@pytest.fixture(scope="module")
def base_case(payload: CasePayload) -> Case:
    return build_case(payload.raw, None, payload.name, scenario=None, profiles=payload.profiles)


@pytest.fixture(scope="module")
def built(base_case: Case) -> tuple[ModelData, pyo.ConcreteModel]:
    """The base case's model data and model (not solved; tests must not change it)."""
    data = prepare(base_case)
    return data, build(data)


def _case(payload: CasePayload, base: Case, values: dict[str, str]) -> Case:
    """The base case with {name: value} overrides (names and values as a sweep takes them)."""
    settings = []
    for name, text in values.items():
        parameter = resolve(name, base)
        settings.append((name, parameter, parse_value(parameter, text)))
    return point_case(payload, Point(0, tuple(settings)))


def _fresh_objective(case: Case) -> float:
    solver = ModelSolver(build(prepare(case)))
    outcome = solver.solve()
    assert outcome.status == "optimal", outcome.status
    return float(outcome.objective)


# ----------------------------------------------------------------------------- names


def test_settings_key_alone_and_with_sheet_name_the_same_cell(base_case: Case):
    assert resolve("carbon_price", base_case) == Parameter("Settings", "carbon_price", "value")
    assert resolve("Settings.carbon_price", base_case) == resolve("carbon_price", base_case)
    assert resolve("Policy.carbon_cap", base_case) == Parameter("Policy", "carbon_cap", "value")
    assert resolve("carbon_cap", base_case).name == "Policy.carbon_cap"


def test_table_cell_by_internal_name_or_header_label(base_case: Case):
    by_name = resolve("Sites.west.grid_price_yuan_per_kwh", base_case)
    assert by_name == resolve("Sites.west.grid_price", base_case)
    assert by_name.name == "Sites.west.grid_price_yuan_per_kwh"
    assert by_name.unit == "yuan/kWh"
    demand = resolve("Demand.yrd/batch.demand", base_case)
    assert (demand.sheet, demand.row, demand.column) == ("Demand", "yrd/batch", "demand_mw")
    curve = resolve("Cooling.air/18.0.pue", base_case)  # numbers in ids match by value
    assert (curve.row, curve.column) == ("air/18", "pue")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("carbon_prise", ["did you mean 'carbon_price'", "discount_rate"]),
        ("Sitez.west.grid_price", ["unknown sheet 'Sitez'", "Sites", "Technologies"]),
        ("Sites.nowhere.grid_price", ["no row 'nowhere'", "east, west"]),
        ("Sites.west.colour", ["no column 'colour'", "grid_price_yuan_per_kwh", "pue_cap"]),
        ("Settings.carbon", ["no key 'carbon'", "carbon_price"]),
        ("Sites.west", ["Sites.row.column"]),
        ("Sites.west.site", ["cannot be varied"]),
        ("Scenarios.x.value", ["unknown sheet"]),
    ],
)
def test_unknown_names_are_refused_with_what_exists(base_case: Case, name: str, words: list[str]):
    with pytest.raises(ParameterError) as caught:
        resolve(name, base_case)
    for word in words:
        assert word in str(caught.value)


def test_values_are_checked_like_cells(base_case: Case):
    usable = resolve("usable_share", base_case)
    assert parse_value(usable, "0.9") == 0.9
    with pytest.raises(ParameterError, match=r"out of range"):
        parse_value(usable, "1.5")
    with pytest.raises(ParameterError, match=r"expected a number"):
        parse_value(resolve("carbon_price", base_case), "cheap")
    with pytest.raises(ParameterError, match=r"value is required"):
        parse_value(resolve("carbon_price", base_case), "blank")
    assert parse_value(resolve("carbon_cap", base_case), "blank") is None
    assert parse_value(resolve("Sites.east.water_cap", base_case), "none") is None
    assert parse_value(resolve("Technologies.pv.available", base_case), "false") is False


# ----------------------------------------------------------------------------- re-use


def test_the_model_holds_the_prepared_values_and_update_changes_nothing(built: tuple):
    """models/ declares every Param from ModelData.params, so pushing the same data back
    changes nothing."""
    data, model = built
    values = data.params
    assert values["vre_capital_rate"]["pv"] > 0 and values["carbon_cap_t"] == 450000.0
    for param in model.component_objects(pyo.Param):
        value = values[param.local_name]
        if param.is_indexed():
            assert {k: pyo.value(param[k]) for k in param} == pytest.approx(value), param.name
        else:
            assert pyo.value(param) == pytest.approx(value), param.name
    assert update(model, data) == []


REUSABLE_POINTS = [
    {"carbon_price": "300"},
    {"discount_rate": "0.05"},
    {"Technologies.pv.capex": "2.0"},
    {"Sites.west.grid_price": "0.45"},
    {"battery_round_trip_efficiency": "0.8"},
    {"carbon_cap": "420000"},
    {"Sites.west.wind_max": "150"},  # a Var bound
    {"Vouchers.v1.budget": "1.0"},  # a Var bound
    {"Sites.east.water_cap": "120000"},
    {"carbon_price": "150", "Sites.west.grid_price": "0.3"},
]


def test_reused_model_matches_a_fresh_build_for_each_parameter(
    payload: CasePayload, base_case: Case
):
    data = prepare(base_case)
    model = build(data)
    solver = ModelSolver(model)
    base = float(solver.solve().objective)
    for values in REUSABLE_POINTS:
        case = _case(payload, base_case, values)
        plan = reuse_plan(model, data, case)
        assert plan.reusable, (values, plan.reasons)
        changed = update(model, plan.data)
        assert changed, values
        data = plan.data
        outcome = solver.solve()
        assert outcome.status == "optimal", values
        fresh = _fresh_objective(case)
        assert outcome.objective == pytest.approx(fresh, rel=1e-6), values
        assert abs(fresh - base) > 1e-6 * abs(base), f"{values} does not change the optimum"


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"carbon_cap": "blank"}, "switched off"),
        ({"Sites.east.lat": "32"}, "structural"),
        ({"Technologies.immersion.available": "false"}, "structural"),
        ({"tou_energy_share": "0.5"}, "structural"),
        ({"Demand.yrd/batch.demand": "100"}, "peak day"),
        ({"Sites.west.max_it": "0"}, "index set of link_cost"),
        ({"Sites.west.water_cap": "1e6"}, "index set of water_cap_m3"),
    ],
)
def test_structural_changes_need_a_rebuild(
    payload: CasePayload, base_case: Case, built: tuple, values: dict, reason: str
):
    data, model = built
    plan = reuse_plan(model, data, _case(payload, base_case, values))
    assert not plan.reusable
    assert any(reason in r for r in plan.reasons), plan.reasons
