"""CLI messages reach a pipe or a log whole: never wrapped or cut, whatever the path length.

Outside a terminal rich used to lay text out at 80 columns, so a long path came out split over
lines (`.../changed/s\\nites.csv`) and `grep` or a test looking for it failed depending on
the folder the project was cloned into.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from planner.cli import app
from planner.cli_common import console


def _long_folder(root: Path) -> Path:
    """A folder whose path is far longer than any terminal line (>300 characters)."""
    folder = root.joinpath(*[f"level_{i:02d}_" + "x" * 40 for i in range(7)])
    folder.mkdir(parents=True)
    assert len(str(folder)) > 300
    return folder


def test_a_long_path_reaches_a_piped_stderr_on_one_line(tmp_path: Path):
    missing = _long_folder(tmp_path) / "no_such_run"
    env = {**os.environ, "COLUMNS": "40"}  # a narrow terminal setting must not matter either
    done = subprocess.run(
        [sys.executable, "-m", "planner", "report", str(missing)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2
    assert str(missing) in done.stderr.splitlines()[0]
    assert "Traceback" not in done.stderr


def test_a_problem_table_keeps_every_cell_whole_outside_a_terminal(tmp_path: Path):
    missing = _long_folder(tmp_path) / "case.xlsx"
    result = CliRunner().invoke(app, ["validate", str(missing)])  # default 80 columns
    assert result.exit_code == 2
    assert str(missing) in result.output


def test_messages_and_tables_are_not_wrapped_when_written_to_a_file(tmp_path: Path):
    from rich.table import Table

    text = "/" + "/".join(f"folder_{i}" for i in range(60)) + "/sites.csv"
    target = console()
    target.file = (tmp_path / "log.txt").open("w", encoding="utf-8")
    target.print(f"error: {text}: changed since the run")
    table = Table(title="problems")
    table.add_column("problem", overflow="fold")
    table.add_row(text)
    target.print(table)
    target.file.close()
    lines = (tmp_path / "log.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"error: {text}: changed since the run"
    assert any(text in line for line in lines[1:])
