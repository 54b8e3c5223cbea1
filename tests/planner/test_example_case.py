"""`dcplan template DIR --example` writes a case that validates and runs as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.inputs.case import load_case
from planner.run import RunOptions, solve_case

runner = CliRunner()


def test_the_example_validates_solves_and_sends_batch_west(tmp_path: Path):
    result = runner.invoke(app, ["template", str(tmp_path), "--example"])
    assert result.exit_code == 0, result.output
    workbook = tmp_path / "example.xlsx"
    assert workbook.exists()
    assert sorted(p.name for p in (tmp_path / "profiles").iterdir()) == [
        "price.csv", "pv.csv", "temperature.csv", "wind.csv",
    ]  # fmt: skip
    assert runner.invoke(app, ["validate", str(workbook)]).exit_code == 0
    solved = solve_case(load_case(workbook), RunOptions(), explain=False)
    assert solved.outcome.status == "optimal"
    routing = solved.results.routing.groupby(["workload_class", "site"])["served_mw"].sum()
    # interactive (20 ms) cannot reach Zhongwei from Shanghai; batch goes to cheap power there
    assert routing.get(("interactive", "wuhu"), 0.0) == pytest.approx(60.0)
    assert routing.get(("batch", "zhongwei"), 0.0) == pytest.approx(140.0)


def test_the_example_refuses_to_overwrite_without_the_flag(tmp_path: Path):
    assert runner.invoke(app, ["template", str(tmp_path), "--example"]).exit_code == 0
    again = runner.invoke(app, ["template", str(tmp_path), "--example"])
    assert again.exit_code == 2
    assert "--overwrite" in " ".join(again.output.split())
