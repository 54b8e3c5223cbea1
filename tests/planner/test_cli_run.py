"""`dcplan run`: exit codes, the files of a results folder and what they hold.

The default case is solved once per session (`default_run_dir`, conftest); the CLI's own
paths (exit codes, --out, --overwrite) run on a small case written to a temporary folder.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.inputs.case import load_case
from planner.synthetic import case_tables, near_far_pair, write_case
from planner.writers import MANIFEST, verify_manifest

RESULT_FILES = (
    "manifest.json",
    "summary.json",
    "sites.csv",
    "routing.csv",
    "hourly.csv",
    "hourly.parquet",
    "costs.csv",
    "duals.csv",
    "results.xlsx",
    "run.log",
    "report.html",
)
DEFAULT_CASE = Path(__file__).resolve().parents[2] / "inputs" / "china_east_west.xlsx"
SMALL = near_far_pair()


def _run(*args: str):
    return CliRunner().invoke(app, ["run", *args])


def _write_small(folder: Path, **changes) -> Path:
    raw, profiles = case_tables(**{**SMALL, **changes})
    return write_case(raw, profiles, folder / "case" / "small")


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _assert_complete(folder: Path) -> None:
    missing = [name for name in RESULT_FILES if not (folder / name).is_file()]
    assert not missing, missing
    assert (folder / "inputs").is_dir()
    assert verify_manifest(folder) == []


# --- the default case (one solve per session) ------------------------------------------------


def test_default_run_folder_has_every_file(default_run_dir: Path):
    _assert_complete(default_run_dir)
    manifest = json.loads((default_run_dir / MANIFEST).read_text(encoding="utf-8"))
    listed = set(manifest["files"])
    # every output is hashed except the manifest itself and report.html, which is written
    # after the manifest (it shows it) and may be rebuilt by `dcplan report`
    assert {name for name in RESULT_FILES if name not in (MANIFEST, "report.html")} <= listed
    assert any(name.startswith("inputs/") for name in listed)
    assert manifest["solver"]["status"] == "optimal"


def test_default_run_tables_agree_with_the_summary(default_run_dir: Path, default_solved):
    summary = json.loads((default_run_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal"
    costs = pd.read_csv(default_run_dir / "costs.csv")
    assert costs["cost_myuan"].sum() == pytest.approx(summary["objective_myuan"], rel=1e-6)
    assert summary["objective_myuan"] == pytest.approx(default_solved.outcome.objective, rel=1e-6)
    hourly_csv = pd.read_csv(default_run_dir / "hourly.csv")
    hourly_parquet = pd.read_parquet(default_run_dir / "hourly.parquet")
    assert list(hourly_csv.columns) == list(hourly_parquet.columns)
    assert len(hourly_csv) == len(hourly_parquet) == len(default_solved.results.hourly)
    numeric = hourly_parquet.select_dtypes("number").columns
    pd.testing.assert_frame_equal(
        hourly_csv[numeric], hourly_parquet[numeric], check_dtype=False, rtol=1e-9
    )
    routing = pd.read_csv(default_run_dir / "routing.csv")
    assert routing["served_mw"].sum() == pytest.approx(summary["served_mw"], rel=1e-6)
    sites = pd.read_csv(default_run_dir / "sites.csv")
    assert sites["emissions_t"].sum() == pytest.approx(summary["emissions_t"], rel=1e-6)


def test_default_run_copies_inputs_that_load_back(default_run_dir: Path, default_solved):
    case = load_case(default_run_dir / "inputs" / "case")
    original = default_solved.case
    pd.testing.assert_frame_equal(case.demand, original.demand)
    pd.testing.assert_frame_equal(case.sites, original.sites)
    for name, frame in original.profiles.items():
        pd.testing.assert_frame_equal(case.profiles[name], frame, rtol=1e-9)


@pytest.mark.slow
def _dcplan(*args: str) -> subprocess.CompletedProcess:
    """The `dcplan` command as its own process (its entry point, planner.cli.main, ends the
    process itself once the results are written)."""
    command = [sys.executable, "-c", "from planner.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def test_dcplan_process_on_the_default_case_exits_0_and_writes_every_file(tmp_path: Path):
    done = _dcplan("run", str(DEFAULT_CASE), "--out", str(tmp_path / "run"), "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "run")  # flushed before the process ends
    _assert_complete(tmp_path / "run")


# --- CLI paths on a small case -----------------------------------------------------------------


def test_cli_run_on_a_small_case_exits_0_and_writes_every_file(tmp_path: Path):
    case = _write_small(tmp_path)
    out = tmp_path / "run"
    result = _run(str(case), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    _assert_complete(out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal"
    assert summary["time"] == "typical:2"


def test_cli_run_json_reports_the_folder_exit_code_and_timings(tmp_path: Path):
    case = _write_small(tmp_path)
    out = tmp_path / "run"
    result = _run(str(case), "--out", str(out), "--json", "--time", "typical:3")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["folder"] == str(out)
    assert report["exit_code"] == 0
    assert report["summary"]["time"] == "typical:3"
    assert {"read", "prepare", "build", "load", "solve", "extract", "write"} <= set(
        report["timings_s"]
    )


def test_cli_run_into_an_existing_folder_without_overwrite_exits_2_and_leaves_it(
    tmp_path: Path,
):
    case = _write_small(tmp_path)
    out = tmp_path / "run"
    assert _run(str(case), "--out", str(out), "--quiet").exit_code == 0
    before = _snapshot(out)
    result = _run(str(case), "--out", str(out), "--quiet")
    assert result.exit_code == 2
    assert "exists" in result.output
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case", "run"]  # no temporary folder left
    assert _run(str(case), "--out", str(out), "--quiet", "--overwrite").exit_code == 0
    _assert_complete(out)


def test_cli_run_on_bad_input_exits_2_without_a_folder(tmp_path: Path):
    case = _write_small(tmp_path, demand={("r1", "realtime"): -40.0, ("r1", "batch"): 60.0})
    out = tmp_path / "run"
    result = _run(str(case), "--out", str(out))
    assert result.exit_code == 2
    assert "Demand" in result.output
    assert not out.exists()


def test_cli_run_with_a_bad_time_option_exits_2(tmp_path: Path):
    case = _write_small(tmp_path)
    result = _run(str(case), "--out", str(tmp_path / "run"), "--time", "weekly")
    assert result.exit_code == 2
    assert not (tmp_path / "run").exists()


def test_cli_run_on_an_infeasible_case_exits_1_with_an_explanation(tmp_path: Path):
    case = _write_small(tmp_path, sites=[{"site": "s1", "max_it": 20.0}])
    out = tmp_path / "run"
    result = _run(str(case), "--out", str(out))
    assert result.exit_code == 1, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] in ("infeasible", "infeasible_or_unbounded")
    assert summary["objective_myuan"] is None
    assert summary.get("explanation")
    assert verify_manifest(out) == []


def test_dcplan_process_keeps_the_exit_code_of_an_infeasible_run(tmp_path: Path):
    case = _write_small(tmp_path, sites=[{"site": "s1", "max_it": 20.0}])
    done = _dcplan("run", str(case), "--out", str(tmp_path / "run"))
    assert done.returncode == 1, done.stderr
    assert "infeasible" in done.stderr  # explanations go to stderr
    assert "nan" not in done.stderr
    assert verify_manifest(tmp_path / "run") == []


def test_redispatch_option_reports_the_plan_over_the_full_year(tmp_path: Path):
    """Daily-periodic profiles make the typical days exact: the full-year cost equals the
    plan's, and the folder, summary, console and report all say so."""
    case = _write_small(tmp_path)
    out = tmp_path / "run"
    result = _run(str(case), "--out", str(out), "--redispatch")
    assert result.exit_code == 0, result.output
    assert "full-year re-dispatch:" in result.output
    table = pd.read_csv(out / "redispatch.csv")
    assert list(table["site"]) == ["s1", "s2", "total"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    total = summary["redispatch"]
    assert total["status"] == "optimal"
    assert total["annual_cost_myuan"] == pytest.approx(summary["objective_myuan"], rel=1e-7)
    assert abs(total["cost_error_pct"]) < 1e-5
    assert verify_manifest(out) == []
    report = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="full-year"' in report and "meets every site limit" in report


def test_without_redispatch_there_is_no_full_year_section(default_run_dir: Path):
    assert not (default_run_dir / "redispatch.csv").exists()
    assert 'id="full-year"' not in (default_run_dir / "report.html").read_text(encoding="utf-8")
