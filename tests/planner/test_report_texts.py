"""What the CLI and the report say after a run: texts that match the run's state.

An infeasible run's report names the carbon cap that was set and says why nothing is mapped;
`dcplan report RUN --site typo` refuses with a did-you-mean before touching report.html; the
report names the CLI option, not a Python function; `validate` shows every warning `run`
shows, for every scenario.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.inputs.case import load_case
from planner.inputs.check import check_case
from planner.inputs.scenarios import scenario_names
from planner.inputs.tables import read_tables, write_tables
from planner.synthetic import case_tables, near_far_pair, table, write_case

runner = CliRunner()


def _case(folder: Path, **changes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    raw, profiles = case_tables(**{**near_far_pair(), **changes})
    return write_case(raw, profiles, folder / "case.xlsx")


@pytest.fixture(scope="module")
def solved_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("texts")
    out = folder / "run"
    result = runner.invoke(app, ["run", str(_case(folder / "in")), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_an_infeasible_carbon_cap_is_named_in_the_report(tmp_path: Path):
    # grid power only (no PV, no wind): 100 MW of IT load cannot emit less than 1 t/yr
    case = _case(
        tmp_path / "in",
        policy={"carbon_cap": 1.0},
        sites=[{"site": "s1"}],
        classes=[{"workload_class": "flat"}],
        demand={("r1", "flat"): 100.0},
    )
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", str(case), "--out", str(out)])
    assert result.exit_code == 1, result.output
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "No carbon cap set" not in report
    assert "Carbon cap 1" in report and "carbon_cap" in report
    assert "No site locations" not in report
    assert "No plan to map" in report


def test_report_with_an_unknown_site_exits_2_with_a_hint_and_keeps_the_report(solved_run: Path):
    page = solved_run / "report.html"
    before = (page.read_bytes(), page.stat().st_mtime_ns)
    result = runner.invoke(app, ["report", str(solved_run), "--site", "s22"])
    assert result.exit_code == 2, result.output
    assert "did you mean 's2'" in result.output and "Traceback" not in result.output
    assert (page.read_bytes(), page.stat().st_mtime_ns) == before
    shown = runner.invoke(app, ["report", str(solved_run), "--site", "s2"])
    assert shown.exit_code == 0, shown.output
    assert "Hourly dispatch at s2" in page.read_text(encoding="utf-8")


def test_the_report_names_the_cli_option_not_a_python_function(solved_run: Path):
    report = (solved_run / "report.html").read_text(encoding="utf-8")
    assert "dcplan report RUN_DIR --site SITE" in report
    assert "write_report(" not in report


def test_validate_shows_every_warning_run_shows_for_every_scenario(tmp_path: Path):
    # scenario far_only: realtime demand (5 ms) can no longer be served by s1 (a warning
    # only that scenario has); scenario slip: a grid price in yuan/MWh (plausibility)
    case = _case(tmp_path / "in", settings={"allow_unserved": True})
    raw = read_tables(case)
    raw["Scenarios"] = table(
        "Scenarios",
        [
            {
                "scenario": "far_only",
                "sheet": "Sites",
                "key": "s1",
                "column": "max_it_mw",
                "value": 0,
            },
            {
                "scenario": "slip",
                "sheet": "Sites",
                "key": "s2",
                "column": "grid_price_yuan_per_kwh",
                "value": 350,
            },
        ],
    )
    write_tables(raw, case)
    shown = [p.message for p in check_case(case)]
    for scenario in scenario_names(read_tables(case)):
        warnings = load_case(case, scenario).warnings
        assert warnings, scenario
        for warning in warnings:
            assert warning.message in shown or f"scenario {scenario}: {warning.message}" in shown, (
                scenario,
                warning.message,
                shown,
            )
    as_json = json.loads(runner.invoke(app, ["validate", str(case), "--json"]).stdout)
    assert [p["message"] for p in as_json] == shown
