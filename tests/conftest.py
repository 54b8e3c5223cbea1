"""Shared fixtures: the shipped default case, solved once per test session.

Solving the default case takes most of a minute, so every test that needs a solved default
case uses `default_solved` (the `Solved` in memory: case, model data, Pyomo model, outcome,
results) or `default_run_dir` (the results folder written by `planner.run.run`). Both come
from ONE call of `planner.run.run`, which loads the workbook, calls `solve_case(case,
RunOptions())` and writes the folder. Small cases are built in code with `planner.synthetic`.

With pytest-xdist, each worker has its own session; the tests that use these fixtures are put
in one xdist group so that `--dist loadgroup` runs them on one worker (one solve in all).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.run import RunOptions, RunRecord, Solved, run

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CASE = ROOT / "inputs" / "china_east_west.xlsx"
DEFAULT_CASE_FIXTURES = {"default_solved", "default_run_dir", "_default_record"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if DEFAULT_CASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("default_case"))


@pytest.fixture(scope="session")
def _default_record(tmp_path_factory: pytest.TempPathFactory) -> RunRecord:
    out = tmp_path_factory.mktemp("default_case") / "run"
    return run(DEFAULT_CASE, RunOptions(), out=out, command="pytest default_run_dir")


@pytest.fixture(scope="session")
def default_solved(_default_record: RunRecord) -> Solved:
    """The default case solved with `RunOptions()` (its Settings time, typical days)."""
    return _default_record.solved


@pytest.fixture(scope="session")
def default_run_dir(_default_record: RunRecord) -> Path:
    """Results folder of the default case (same solve as `default_solved`)."""
    return _default_record.folder
