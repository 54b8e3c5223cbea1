"""`planner.run`: one run in memory (`solve_case`) and into a results folder (`run`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.inputs.case import load_case
from planner.run import RunOptions, run, solve_case
from planner.synthetic import case_tables, near_far_pair, small_case, write_case

PHASES = ("prepare", "build", "load", "solve", "extract")
TWO_SITES = near_far_pair()


def test_solve_case_times_every_phase_and_reaches_optimal():
    seen: list[str] = []
    solved = solve_case(small_case(**TWO_SITES), RunOptions(), on_phase=seen.append)
    assert solved.outcome.status == "optimal"
    assert solved.outcome.exit_code == 0
    assert tuple(solved.timings) == PHASES
    assert seen == list(PHASES)
    assert all(seconds >= 0 for seconds in solved.timings.values())
    assert solved.results is not None
    assert solved.results.summary["status"] == "optimal"
    assert solved.results.summary["time"] == "typical:2"  # the case's Settings time
    assert solved.explanation is None


def test_time_option_overrides_the_case_setting():
    solved = solve_case(small_case(**TWO_SITES), RunOptions(time="typical:3"))
    assert solved.data.time.mode == "typical:3"
    assert solved.results.summary["options"]["time"] == "typical:3"


def test_infeasible_case_has_no_results_and_exit_code_1():
    # 100 MW of demand, but only 50 MW of IT can be built
    solved = solve_case(small_case(sites=[{"site": "s1", "max_it": 50.0}]), RunOptions())
    assert solved.outcome.status in ("infeasible", "infeasible_or_unbounded")
    assert solved.outcome.exit_code == 1
    assert solved.results is None
    assert "diagnose" in solved.timings


def test_run_writes_a_folder_whose_inputs_reproduce_the_plan(tmp_path: Path):
    raw, profiles = case_tables(**TWO_SITES)
    case_path = write_case(raw, profiles, tmp_path / "case" / "two_sites")
    record = run(case_path, RunOptions(), out=tmp_path / "out")
    assert record.folder == tmp_path / "out"
    assert record.exit_code == 0
    assert set(record.solved.timings) >= {"read", *PHASES, "write"}
    again = solve_case(load_case(record.folder / "inputs" / "case"), RunOptions())
    assert again.outcome.objective == pytest.approx(record.solved.outcome.objective, rel=1e-9)
