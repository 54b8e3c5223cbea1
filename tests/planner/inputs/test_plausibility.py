"""Plausibility: a valid but doubtful number warns (validate and run, listed in the report);
a physically impossible one is an error.

Every numeric input keeps its hard range and gains a plausible range in the schema (and in
docs/inputs.md). The shipped case and each of its scenarios hold no doubtful value.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inputs_small_case import invoke_cli, small_profiles, small_tables, write_profiles

from planner.inputs.check import check_case
from planner.inputs.schema import BY_NAME, SHEETS, SPEED_OF_LIGHT_KM_PER_MS
from planner.inputs.tables import write_tables

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_CASE = ROOT / "inputs" / "china_east_west.xlsx"


def _numeric_specs():
    for sheet in SHEETS:
        for spec in (*sheet.columns, *sheet.keys):
            if spec.dtype in ("float", "int"):
                yield sheet.name, spec


def test_every_numeric_input_has_a_plausible_range_inside_its_hard_range():
    for sheet, spec in _numeric_specs():
        assert spec.plausible is not None, f"{sheet}.{spec.name} has no plausible range"
        low, high = spec.plausible
        assert low is not None and high is not None and low <= high, (sheet, spec.name)
        assert spec.min is None or low >= spec.min, (sheet, spec.name)
        assert spec.max is None or high <= spec.max, (sheet, spec.name)


def test_the_input_reference_lists_every_plausible_range():
    text = (ROOT / "docs" / "inputs.md").read_text(encoding="utf-8")
    for sheet, spec in _numeric_specs():
        low, high = spec.plausible
        names = (f"| `{spec.name}` |", f"| `{spec.name} (id)` |")
        rows = [line for line in text.splitlines() if any(n in line for n in names)]
        assert rows, (sheet, spec.name)
        row = rows[0]
        assert f"{low:g} to {high:g}" in row, (sheet, spec.name, row)


@pytest.mark.parametrize("case", [DEFAULT_CASE, DEFAULT_CASE.with_suffix("")])
def test_the_shipped_case_and_every_scenario_hold_no_doubtful_value(case: Path):
    problems = check_case(case)
    assert problems == [], [str(p) for p in problems]


def _set(tables, sheet: str, row_id: str | None, column: str, value) -> None:
    """Set one cell of the small case: a table cell (row_id, internal column) or a key."""
    frame = tables[sheet]
    spec = BY_NAME[sheet]
    if spec.kind == "keyvalue":
        rows = frame.index[frame["key"] == column]
        if len(rows):
            frame.loc[rows[0], "value"] = value
        else:
            frame.loc[frame.index.max() + 1] = [column, value, None, None]
        return
    header = spec.column(column).header
    key_header = spec.column(spec.key[0]).header
    row = frame.index[frame[key_header] == row_id][0]
    frame.loc[row, header] = value


def _validate(tmp_path: Path, *cells, profiles=None) -> tuple[int, list[dict]]:
    tables = small_tables()
    for cell in cells:
        _set(tables, *cell)
    write_profiles(tmp_path, profiles)
    case = write_tables(tables, tmp_path / "case")
    result = invoke_cli("validate", str(case), "--json")
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize(
    ("cell", "says"),
    [
        (("Sites", "west_b", "grid_price_yuan_per_kwh", 360), "1000 times too large"),
        (("Sites", "west_b", "pue_cap", 12), "plausible range (1 to 2"),
        (("Technologies", "pv", "life_yr", 2500), "plausible range (1 to 60 yr)"),
        (("Demand", "north", "demand_mw", 1e12), "plausible range (0 to 1e+06 MW)"),
        (("Settings", None, "discount_rate", 0.7), "plausible range (0 to 0.25"),
    ],
)
def test_a_doubtful_value_is_a_warning_at_its_cell(tmp_path: Path, cell, says: str):
    code, problems = _validate(tmp_path, cell)
    assert code == 0, problems
    (warning,) = [p for p in problems if says in p["message"]]
    assert warning["severity"] == "warning" and warning["sheet"] == cell[0]
    assert warning["row"] is not None


def test_fibre_faster_than_light_is_an_error(tmp_path: Path):
    code, problems = _validate(tmp_path, ("Settings", None, "fibre_speed", 200_000))
    assert code == 2
    (error,) = [p for p in problems if p["severity"] == "error"]
    assert error["sheet"] == "Settings" and f"{SPEED_OF_LIGHT_KM_PER_MS:g}" in error["message"]
    code, problems = _validate(tmp_path, ("Settings", None, "fibre_speed", 299.0))
    assert code == 0 and any("plausible range (150 to 250" in p["message"] for p in problems)


def test_a_wind_profile_divided_by_100_is_a_warning(tmp_path: Path):
    profiles = small_profiles()
    wind = profiles["wind"]
    wind["west_b"] = wind["west_b"] / 100
    code, problems = _validate(tmp_path, profiles=profiles)
    assert code == 0
    (warning,) = [p for p in problems if "wind profile has an annual mean" in p["message"]]
    assert warning["column"] == "west_b" and warning["severity"] == "warning"


def test_validate_warns_about_a_doubtful_value_a_scenario_sets(tmp_path: Path):
    tables = small_tables()
    scenarios = tables["Scenarios"]
    scenarios.loc[scenarios.index.max() + 1] = [
        "slip",
        "Sites",
        "west_c",
        "grid_price_yuan_per_kwh",
        350,
        None,
    ][: len(scenarios.columns)]
    write_profiles(tmp_path)
    case = write_tables(tables, tmp_path / "case")
    problems = json.loads(invoke_cli("validate", str(case), "--json").stdout)
    assert any(
        p["message"].startswith("scenario slip:") and "1000 times too large" in p["message"]
        for p in problems
    ), problems


def test_run_shows_the_warning_and_the_report_lists_it_under_assumptions(tmp_path: Path):
    tables = small_tables()
    _set(tables, "Sites", "west_b", "grid_price_yuan_per_kwh", 360)
    write_profiles(tmp_path)
    case = write_tables(tables, tmp_path / "case")
    out = tmp_path / "run"
    result = invoke_cli("run", str(case), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "1000 times too large" in result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    (warning,) = [w for w in summary["input_warnings"] if "1000 times too large" in w]
    report = (out / "report.html").read_text(encoding="utf-8")
    assembled = report[report.index('id="assumptions"') : report.index('id="run"')]
    assert "Input warnings (1)" in assembled and "1000 times too large" in assembled
    assert warning.startswith("warning: sheet Sites")
