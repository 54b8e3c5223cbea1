"""One test per class of input problem: each names the exact sheet, Excel row and column."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from inputs_small_case import small_profiles, small_tables, write_profiles

from planner.inputs.case import build_case
from planner.inputs.errors import InputErrors
from planner.inputs.scenarios import apply_scenario
from planner.inputs.tables import BadCell
from planner.inputs.validate import check


def _problems(tables, profiles=None, base_dir=None, severity="error"):
    profiles = small_profiles() if profiles is None and base_dir is None else profiles
    found = check(tables, base_dir, profiles).problems
    return [p for p in found if p.severity == severity]


def _where(problems):
    return {(p.sheet, p.row, p.column) for p in problems}


def _one(problems, sheet, row, column):
    hits = [p for p in problems if (p.sheet, p.row, p.column) == (sheet, row, column)]
    assert hits, f"no problem at {(sheet, row, column)} in {[str(p) for p in problems]}"
    return hits[0]


def test_the_small_case_is_valid():
    assert check(small_tables(), None, small_profiles()).problems == []
    case = build_case(small_tables(), None, profiles=small_profiles())
    assert list(case.sites.index) == ["east_a", "west_b", "west_c"]
    assert case.warnings == ()


# --- missing sheet or column ----------------------------------------------------------------


def test_missing_sheet_is_reported_and_other_sheets_are_still_checked():
    tables = small_tables()
    del tables["Regions"]
    tables["Sites"].at[3, "pue_cap [-]"] = 0.5
    problems = _problems(tables)
    assert ("Regions", None, None) in _where(problems)
    _one(problems, "Sites", 3, "pue_cap [-]")
    # Demand and Vouchers name regions: no cascade of unknown ids into the missing sheet
    assert not [p for p in problems if "unknown id" in p.message]


@pytest.mark.parametrize("sheet", ["Settings", "Sites", "Technologies", "Cooling", "Profiles"])
def test_each_required_sheet_can_be_missing_without_a_crash(sheet):
    tables = small_tables()
    del tables[sheet]
    problems = _problems(tables)
    assert (sheet, None, None) in _where(problems)
    with pytest.raises(InputErrors):
        build_case(tables, None, profiles=small_profiles())


def test_missing_column_names_the_header_expected():
    tables = small_tables()
    tables["Sites"] = tables["Sites"].drop(columns=["lat [deg]"])
    problem = _one(_problems(tables), "Sites", 1, "lat [deg]")
    assert "required column is missing" in problem.message


@pytest.mark.parametrize(
    ("sheet", "header"),
    [
        ("Sites", "grid_max [MW]"),
        ("Technologies", "kind"),
        ("Technologies", "available [bool]"),
        ("Cooling", "pue [-]"),
        ("Profiles", "file"),
        ("Demand", "demand [MW]"),
    ],
)
def test_missing_column_is_the_only_problem_reported(sheet, header):
    tables = small_tables()
    tables[sheet] = tables[sheet].drop(columns=[header])
    problems = check(tables, None, small_profiles()).problems
    expected = {(sheet, 1, header)} if header != "available [bool]" else set()
    assert _where(problems) == expected


def test_missing_optional_column_takes_its_default():
    tables = small_tables()
    tables["Sites"] = tables["Sites"].drop(columns=["open_cost [M yuan/yr]", "name"])
    case = build_case(tables, None, profiles=small_profiles())
    assert (case.sites["open_cost_myuan_per_yr"] == 0).all()


def test_empty_header_row_is_one_error():
    tables = small_tables()
    tables["Regions"] = pd.DataFrame()
    problems = _problems(tables)
    problem = _one(problems, "Regions", 1, None)
    assert "headers" in problem.message


def test_required_sheet_without_rows():
    tables = small_tables()
    tables["Demand"] = tables["Demand"].iloc[0:0]
    problem = _one(_problems(tables), "Demand", None, None)
    assert "no data rows" in problem.message


# --- ids ------------------------------------------------------------------------------------


def test_unknown_id_in_a_reference():
    tables = small_tables()
    tables["Demand"].at[4, "region"] = "southh"
    problem = _one(_problems(tables), "Demand", 4, "region")
    assert "unknown id 'southh'" in problem.message and "Regions" in problem.message
    assert "did you mean 'south'" in problem.message


def test_unknown_id_in_a_list_of_ids():
    tables = small_tables()
    tables["Vouchers"].at[2, "eligible_sites"] = "west_b, nowhere"
    problem = _one(_problems(tables), "Vouchers", 2, "eligible_sites")
    assert problem.value == "nowhere"


def test_cooling_row_must_name_a_facility_technology():
    tables = small_tables()
    tables["Cooling"].at[2, "cooling"] = "pv"
    problems = _problems(tables)
    problem = _one(problems, "Cooling", 2, "cooling")
    assert "kind=facility" in problem.message


def test_reference_of_a_row_with_another_error_is_still_checked():
    tables = small_tables()
    tables["Demand"].at[2, "region"] = "atlantis"
    tables["Demand"].at[2, "demand [MW]"] = -1
    assert {("Demand", 2, "region"), ("Demand", 2, "demand [MW]")} <= _where(_problems(tables))


def test_reference_to_a_row_with_errors_is_not_reported_again():
    tables = small_tables()
    tables["Regions"].at[2, "lat [deg]"] = "north pole"
    problems = _problems(tables)
    assert _where(problems) == {("Regions", 2, "lat [deg]")}


def test_duplicate_id():
    tables = small_tables()
    tables["Sites"].at[4, "site"] = "west_b"
    problem = _one(_problems(tables), "Sites", 4, "site")
    assert "duplicate id 'west_b'" in problem.message and "row 3" in problem.message


def test_duplicate_two_part_id():
    tables = small_tables()
    tables["Demand"].at[5, "workload_class"] = "interactive"
    problem = _one(_problems(tables), "Demand", 5, "workload_class")
    assert "south/interactive" in problem.message


def test_id_with_a_list_separator_is_refused():
    tables = small_tables()
    tables["Regions"].at[3, "region"] = "south,east"
    tables["Demand"].loc[[4, 5], "region"] = "south,east"
    problems = _problems(tables)
    _one(problems, "Regions", 3, "region")
    assert _where(problems) == {("Regions", 3, "region")}  # Demand rows are not reported too


def test_cooling_curve_needs_distinct_ambient_points():
    tables = small_tables()
    tables["Cooling"].at[3, "ambient [degC]"] = 0.0
    problem = _one(_problems(tables), "Cooling", 3, "ambient [degC]")
    assert "curve of 'air'" in problem.message and "row 2" in problem.message


def test_facility_technology_without_a_curve():
    tables = small_tables()
    tables["Cooling"] = tables["Cooling"].loc[[2, 3]]
    problem = _one(_problems(tables), "Technologies", 3, "technology")
    assert "cold_plate" in problem.message


def test_two_rows_of_one_supply_kind():
    tables = small_tables()
    tables["Technologies"].at[5, "kind"] = "pv"
    _one(_problems(tables), "Technologies", 5, "kind")


# --- wrong type, blank ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("lots", "found text"),
        ("1,5", "decimal point"),
        (True, "found true/false"),
        (dt.datetime(2030, 1, 1), "found a date"),
        (10**400, "too large"),
        ("1e999", "too large"),
        (BadCell("=A1*2", "is a formula without a saved value", "H3"), "cell H3"),
    ],
)
def test_wrong_type_in_a_number_cell(value, found):
    tables = small_tables()
    tables["Sites"].at[3, "max_it [MW]"] = value
    problem = _one(_problems(tables), "Sites", 3, "max_it [MW]")
    assert found in problem.message
    assert "expected a number >= 0 [MW]" in problem.message or "cell H3" in problem.message


def test_thousands_separator_is_read():
    tables = small_tables()
    tables["Sites"].at[3, "max_it [MW]"] = "1,500"
    case = build_case(tables, None, profiles=small_profiles())
    assert case.sites.at["west_b", "max_it_mw"] == 1500


def test_wrong_choice_and_wrong_boolean():
    tables = small_tables()
    tables["Sites"].at[2, "zone"] = "East"
    tables["Technologies"].at[2, "available [bool]"] = "maybe"
    problems = _problems(tables)
    assert "did you mean 'east'" in _one(problems, "Sites", 2, "zone").message
    assert "true or false" in _one(problems, "Technologies", 2, "available [bool]").message


def test_blank_required_cell():
    tables = small_tables()
    tables["Regions"].at[3, "lon [deg]"] = None
    problem = _one(_problems(tables), "Regions", 3, "lon [deg]")
    assert problem.message.startswith("required value is blank")


def test_blank_optional_cell_takes_the_default():
    tables = small_tables()
    tables["Classes"].at[2, "shape"] = None
    case = build_case(tables, None, profiles=small_profiles())
    assert case.classes.at["interactive", "shape"] == "flat"


# --- out of range ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "row", "column", "value"),
    [
        ("Sites", 2, "pue_cap [-]", 0.99),  # PUE < 1
        ("Cooling", 4, "pue [-]", 0.9),  # PUE < 1
        ("Technologies", 3, "capex [M yuan/unit]", -5),  # negative cost
        ("Sites", 4, "grid_price [yuan/kWh]", -0.1),  # negative cost
        ("Regions", 2, "lat [deg]", 90.5),  # latitude > 90
        ("Sites", 3, "lat [deg]", -91),  # latitude < -90
        ("Vouchers", 2, "rate [share]", 1.2),  # share > 1
        ("Technologies", 4, "fixed_om [share/yr]", 1.5),  # share > 1
        ("Demand", 3, "demand [MW]", -10),
        ("Technologies", 2, "life [yr]", 0),  # must be > 0
    ],
)
def test_out_of_range_table_value(sheet, row, column, value):
    tables = small_tables()
    tables[sheet].at[row, column] = value
    problem = _one(_problems(tables), sheet, row, column)
    assert problem.message.startswith("out of range: expected")
    assert problem.value == value


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("battery_round_trip_efficiency", 1.05),  # efficiency > 1
        ("discount_rate", 1.5),  # share > 1
        ("carbon_price", -1),  # negative cost
        ("usable_share", 0),  # must be > 0
        ("year", 2030.5),  # whole number
        ("time", "typical:0"),
        ("time", "weekly"),
    ],
)
def test_out_of_range_setting(key, value):
    tables = small_tables()
    settings = tables["Settings"]
    row = int(settings.index[settings["key"] == key][0])
    settings.at[row, "value"] = value
    problem = _one(_problems(tables), "Settings", row, "value")
    assert problem.message.startswith(f"{key}: ")


def test_unknown_and_repeated_settings_keys():
    tables = small_tables()
    settings = tables["Settings"]
    settings.loc[20] = ["carbon_prise", 5, "yuan/t", None]
    settings.loc[21] = ["carbon_price", 5, "yuan/t", None]
    problems = _problems(tables)
    assert "did you mean 'carbon_price'" in _one(problems, "Settings", 20, "key").message
    assert "repeats row" in _one(problems, "Settings", 21, "key").message


# --- units ----------------------------------------------------------------------------------


def test_unit_in_a_table_header_must_match():
    tables = small_tables()
    tables["Sites"] = tables["Sites"].rename(columns={"max_it [MW]": "max_it [kW]"})
    problems = _problems(tables)
    problem = _one(problems, "Sites", 1, "max_it [kW]")
    assert "expected 'max_it [MW]'" in problem.message
    assert not [p for p in problems if p.message == "required column is missing"]


def test_header_without_its_unit_is_refused():
    tables = small_tables()
    tables["Demand"] = tables["Demand"].rename(columns={"demand [MW]": "demand"})
    _one(_problems(tables), "Demand", 1, "demand")


def test_header_spacing_and_label_case_are_tolerated():
    tables = small_tables()
    tables["Sites"] = tables["Sites"].rename(columns={"max_it [MW]": "Max_IT  [ MW ]"})
    assert _problems(tables) == []


def test_unit_cell_of_a_setting_must_match():
    tables = small_tables()
    settings = tables["Settings"]
    row = int(settings.index[settings["key"] == "carbon_price"][0])
    settings.at[row, "unit"] = "yuan/kg"
    problem = _one(_problems(tables), "Settings", row, "unit")
    assert "expected 'yuan/t'" in problem.message


def test_repeated_header():
    tables = small_tables()
    frame = tables["Regions"]
    frame.insert(2, "lat [deg] ", frame["lat [deg]"])
    frame.columns = ["region", "name", "lat [deg]", "lat [deg]", "lon [deg]"]
    problem = _one(_problems(tables), "Regions", 1, "lat [deg] (column 4)")
    assert "appears twice" in problem.message


def test_unknown_sheet_and_column_are_warnings():
    tables = small_tables()
    tables["Sitez"] = pd.DataFrame({"a": [1]})
    tables["README"] = pd.DataFrame({"a": ["documentation"]})
    tables["Sites"]["comment"] = "x"
    warnings = _problems(tables, severity="warning")
    assert _where(warnings) == {("Sitez", None, None), ("Sites", 1, "comment")}
    assert _problems(tables) == []


# --- cross-sheet checks ---------------------------------------------------------------------


def test_site_that_can_build_it_needs_a_power_supply():
    tables = small_tables()
    for column in ("grid_max [MW]", "pv_max [MW]", "wind_max [MW]"):
        tables["Sites"].at[3, column] = 0
    problem = _one(_problems(tables), "Sites", 3, "grid_max [MW]")
    assert "no power supply" in problem.message
    tables["Sites"].at[3, "max_it [MW]"] = 0  # a closed site needs none
    assert _problems(tables) == []


def test_all_demand_zero_is_an_error():
    # an error, not a warning: `dcplan run` of such a case ended in a traceback
    tables = small_tables()
    tables["Demand"]["demand [MW]"] = 0
    _one(_problems(tables), "Demand", None, "demand [MW]")


def test_demand_class_whose_rtt_limit_no_site_meets_is_a_warning():
    tables = small_tables()
    tables["Classes"].at[2, "max_rtt [ms]"] = 2.5  # interactive: equipment delay alone is 2 ms
    case = build_case(tables, None, profiles=small_profiles())
    warned = {(w.sheet, w.row, w.column) for w in case.warnings}
    assert warned == {("Demand", 2, "workload_class"), ("Demand", 4, "workload_class")}
    assert all("RTT limit" in w.message for w in case.warnings)


# --- profiles -------------------------------------------------------------------------------


def test_profile_file_missing(tmp_path):
    write_profiles(tmp_path)
    (tmp_path / "profiles" / "wind.csv").unlink()
    problem = _one(_problems(small_tables(), base_dir=tmp_path), "Profiles", 4, "file")
    assert "not found" in problem.message


def test_profile_file_with_wrong_number_of_rows(tmp_path):
    profiles = small_profiles()
    profiles["pv"] = profiles["pv"].iloc[:8000]
    write_profiles(tmp_path, profiles)
    problem = _one(_problems(small_tables(), base_dir=tmp_path), "profiles/pv.csv", None, None)
    assert "8000 rows" in problem.message and "8760" in problem.message
    assert str(problem).startswith("error: file profiles/pv.csv: has 8000 rows")


def test_profile_with_a_gap_in_the_hours(tmp_path):
    profiles = small_profiles()
    profiles["price"].loc[100:, "hour"] += 1
    write_profiles(tmp_path, profiles)
    problem = _one(_problems(small_tables(), base_dir=tmp_path), "profiles/price.csv", 102, "hour")
    assert "without gaps" in problem.message


def test_profile_with_blank_and_text_values(tmp_path):
    profiles = small_profiles()
    profiles["temperature"]["west_c"] = profiles["temperature"]["west_c"].astype(object)
    profiles["temperature"].loc[[10, 20], "west_c"] = np.nan
    profiles["temperature"].loc[30, "west_c"] = "hot"
    write_profiles(tmp_path, profiles)
    problems = _problems(small_tables(), base_dir=tmp_path)
    problem = _one(problems, "profiles/temperature.csv", 12, "west_c")
    assert problem.message.startswith("3 blank or non-numeric")


def test_profile_values_out_of_range_and_missing_site_column():
    profiles = small_profiles()
    profiles["wind"].loc[5, "east_a"] = 1.5
    profiles["pv"] = profiles["pv"].drop(columns=["west_b"])
    problems = _problems(small_tables(), profiles)
    assert "outside [0, 1]" in _one(problems, "profile wind", 7, "east_a").message
    assert "west_b" in _one(problems, "profile pv", 1, None).message


def test_demand_shape_missing_from_the_demand_profile_names_the_class_row():
    profiles = small_profiles()
    profiles["demand"] = profiles["demand"].rename(columns={"interactive": "interactiv"})
    problem = _one(_problems(small_tables(), profiles), "Classes", 2, "shape")
    assert "did you mean 'interactiv'" in problem.message


def test_profile_not_listed():
    tables = small_tables()
    tables["Profiles"] = tables["Profiles"].loc[[2, 3, 4, 6]]  # no price
    problem = _one(_problems(tables), "Profiles", None, "profile")
    assert "'price'" in problem.message


# --- scenarios ------------------------------------------------------------------------------


def _scenario_rows(tables, rows):
    frame = tables["Scenarios"]
    start = int(frame.index.max()) + 1
    for i, row in enumerate(rows):
        frame.loc[start + i] = [*row, None]
    return start


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (("bad", "Sitez", "east_a", "max_it_mw", 0), "sheet", "did you mean 'Sites'"),
        (("bad", "Sites", "east_b", "max_it_mw", 0), "key", "no row with id 'east_b'"),
        (("bad", "Sites", "east_a", "max_itt_mw", 0), "column", "did you mean 'max_it_mw'"),
        (("bad", "Sites", "east_a", "site", "x"), "column", "cannot change a row's id"),
        (("bad", "Settings", "carbon", "value", 1), "key", "no key 'carbon'"),
        (("bad", "Settings", "carbon_price", "unit", 1), "column", "expected 'value'"),
        (("bad", "Cooling", "air/31", "pue", 1.2), "key", "no row with id 'air/31'"),
    ],
)
def test_scenario_override_naming_what_does_not_exist(row, column, words):
    tables = small_tables()
    at = _scenario_rows(tables, [row])
    _, problems = apply_scenario(tables, "bad")
    assert [(p.sheet, p.row, p.column) for p in problems] == [("Scenarios", at, column)]
    assert words in problems[0].message


def test_scenario_two_part_key_matches_numbers_by_value():
    tables = small_tables()
    _scenario_rows(tables, [("hot", "Cooling", "air/30.0", "pue", 1.6)])
    case = build_case(tables, None, scenario="hot", profiles=small_profiles())
    air = case.cooling[case.cooling["cooling"] == "air"]
    assert air["pue"].tolist() == [1.15, 1.6]


def test_two_overrides_of_one_cell_are_refused():
    tables = small_tables()
    at = _scenario_rows(
        tables,
        [
            ("twice", "Sites", "east_a", "max_it_mw", 10),
            ("twice", "Sites", "east_a", "max_it_mw", 20),
        ],
    )
    _, problems = apply_scenario(tables, "twice")
    assert [(p.sheet, p.row, p.column) for p in problems] == [("Scenarios", at + 1, "key")]
    assert f"row {at}" in problems[0].message


def test_bad_overridden_value_names_the_scenario_row():
    tables = small_tables()
    at = _scenario_rows(tables, [("neg", "Sites", "west_c", "pv_max_mw", -3)])
    with pytest.raises(InputErrors) as caught:
        build_case(tables, None, scenario="neg", profiles=small_profiles())
    problem = _one(caught.value.errors, "Sites", 4, "pv_max [MW]")
    assert f"Scenarios row {at}" in problem.message


def test_unknown_scenario_name():
    _, problems = apply_scenario(small_tables(), "carbon_20")
    assert "did you mean 'carbon_200'" in problems[0].message


def test_scenario_sets_a_settings_key_missing_from_the_sheet():
    tables = small_tables()
    settings = tables["Settings"]
    tables["Settings"] = settings[settings["key"] != "carbon_price"]
    case = build_case(tables, None, scenario="carbon_200", profiles=small_profiles())
    assert case.settings["carbon_price"] == 200
