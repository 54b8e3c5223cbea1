"""The example script of docs/reading-results.md runs on a real results folder, and the
statistics it shows hold the physics: energy balances per site, capacities add up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from planner import load_run
from planner.run import RunOptions, run
from planner.statistics import annual_energy, capacity, cost_breakdown
from planner.synthetic import case_tables, near_far_pair, write_case

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stats")
    raw, profiles = case_tables(**near_far_pair())
    case = write_case(raw, profiles, root / "case")
    return run(case, RunOptions(), out=root / "run").folder


def test_the_reading_example_runs_and_prints_the_plan(run_folder: Path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "examples" / "read_results.py"), str(run_folder)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "M yuan/yr" in result.stdout and "it:air" in result.stdout


def test_annual_energy_balances_at_every_site(run_folder: Path):
    energy = annual_energy(load_run(run_folder))
    supply = energy["grid_mwh"] + energy["pv_mwh"] + energy["wind_mwh"]
    storage = energy["battery_discharge_mwh"] - energy["battery_charge_mwh"]
    assert (supply + storage).to_numpy() == pytest.approx(energy["facility_mwh"].to_numpy())


def test_capacity_by_cooling_adds_up_to_the_it_capacity_of_each_site(run_folder: Path):
    folder = load_run(run_folder)
    built = capacity(folder)
    it = built[built["technology"].str.startswith("it:")].groupby("site")["capacity"].sum()
    sites = folder.table("sites").set_index("site")["it_capacity_mw"]
    assert it.reindex(sites.index).to_numpy() == pytest.approx(sites.to_numpy())
    assert set(built["unit"]) <= {"MW", "MWh"}


def test_cost_terms_add_up_to_the_objective(run_folder: Path):
    folder = load_run(run_folder)
    assert cost_breakdown(folder).sum() == pytest.approx(folder.summary["objective_myuan"])
