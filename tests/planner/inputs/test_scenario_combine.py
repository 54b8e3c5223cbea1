"""Scenarios combine (`a+b`), scale cells (`*1.3`), match many rows (`yrd/*`) and accept column
labels; a combination that sets one cell twice is refused with both rows named."""

from __future__ import annotations

import pytest

from planner.inputs.case import build_case
from planner.inputs.errors import InputErrors
from planner.synthetic import case_tables, table

DEMAND = {("r1", "flat"): 100.0, ("r1", "batch"): 50.0, ("r2", "flat"): 30.0}


def _case(scenario: str | None, rows: list[dict]):
    raw, profiles = case_tables(
        regions=[
            {"region": "r1", "lat": 31.2, "lon": 121.5},
            {"region": "r2", "lat": 30.6, "lon": 114.3},
        ],
        classes=[{"workload_class": "flat"}, {"workload_class": "batch"}],
        demand=DEMAND,
    )
    raw["Scenarios"] = table("Scenarios", rows)
    return build_case(raw, None, "c", scenario=scenario, profiles=profiles)


def _demand(case) -> dict[tuple[str, str], float]:
    d = case.demand
    return dict(
        zip(zip(d["region"], d["workload_class"], strict=True), d["demand_mw"], strict=True)
    )


GROWTH = {
    "scenario": "growth",
    "sheet": "Demand",
    "key": "*/*",
    "column": "demand",
    "value": "*1.3",
}
YRD = {"scenario": "r1_boom", "sheet": "Demand", "key": "r1/*", "column": "demand_mw",
       "value": "×2"}  # fmt: skip
CARBON = {"scenario": "carbon", "sheet": "Settings", "key": "carbon_price", "column": "value",
          "value": 200}  # fmt: skip
CARBON_UP = {"scenario": "carbon_up", "sheet": "Settings", "key": "carbon_price",
             "column": "value", "value": "*2"}  # fmt: skip


def test_all_demand_scales_by_a_factor():
    case = _case("growth", [GROWTH])
    assert _demand(case) == pytest.approx({k: 1.3 * v for k, v in DEMAND.items()})


def test_one_regions_demand_scales_and_the_other_stays():
    case = _case("r1_boom", [YRD])
    expected = {("r1", "flat"): 200.0, ("r1", "batch"): 100.0, ("r2", "flat"): 30.0}
    assert _demand(case) == pytest.approx(expected)


def test_a_settings_value_scales_from_the_case_value():
    case = _case("carbon_up", [CARBON_UP])
    base = _case(None, [CARBON_UP])
    assert case.settings["carbon_price"] == pytest.approx(2 * base.settings["carbon_price"])


def test_two_scenarios_combine_with_a_plus():
    case = _case("r1_boom+carbon", [YRD, CARBON])
    assert case.scenario == "r1_boom+carbon"
    assert case.settings["carbon_price"] == 200
    assert _demand(case)[("r1", "flat")] == pytest.approx(200.0)


def test_a_combination_that_sets_one_cell_twice_is_refused_naming_both_rows():
    with pytest.raises(InputErrors) as caught:
        _case("growth+r1_boom", [GROWTH, YRD])
    messages = [p for p in caught.value.problems if p.sheet == "Scenarios"]
    assert messages, caught.value.problems
    problem = messages[0]
    assert problem.row == 3  # the second Scenarios row (Excel row 3)
    assert "row 2 (scenario 'growth')" in problem.message
    assert "must change different cells" in problem.message


def test_an_unknown_part_of_a_combination_gets_a_did_you_mean():
    with pytest.raises(InputErrors) as caught:
        _case("growth+carbn", [GROWTH, CARBON])
    text = " ".join(p.message for p in caught.value.problems)
    assert "unknown scenario 'carbn'" in text and "did you mean 'carbon'" in text


def test_scaling_a_blank_cell_or_by_a_word_is_an_error_on_the_scenarios_row():
    blank = {"scenario": "s", "sheet": "Policy", "key": "carbon_cap", "column": "value",
             "value": "*2"}  # fmt: skip
    word = {**GROWTH, "scenario": "w", "value": "*lots"}
    for scenario, row, expected in (
        ("s", blank, "blank cell"),
        ("w", word, "followed by a number"),
    ):
        with pytest.raises(InputErrors) as caught:
            _case(scenario, [row])
        problem = next(p for p in caught.value.problems if p.sheet == "Scenarios")
        assert problem.column == "value" and expected in problem.message


def test_a_sweep_parameter_takes_wildcard_rows_and_factors():
    from planner.params import ParameterError, parse_value, resolve

    case = _case(None, [GROWTH])
    parameter = resolve("Demand.r1/*.demand", case)
    assert (parameter.row, parameter.column) == ("r1/*", "demand_mw")
    assert parse_value(parameter, "*1.30") == "*1.3"
    with pytest.raises(ParameterError, match="no row matches 'r9/\\*'"):
        resolve("Demand.r9/*.demand", case)
    with pytest.raises(ParameterError, match="followed by a number"):
        parse_value(parameter, "*much")
