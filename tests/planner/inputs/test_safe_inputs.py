"""Input text that could reach the file system or drive a terminal is refused, with its cell.

A scenario name becomes part of a results folder's name: one that is a path (`../../x`, `a/b`,
`a\\b`), hidden (`.x`) or holds control characters is refused by `validate`. Control characters
(ANSI/OSC escape sequences, BEL, bidi overrides) in any text cell are errors and are shown
escaped, never raw.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inputs_small_case import invoke_cli, small_tables, write_small_case


@pytest.mark.parametrize(
    "hostile", ["../../x", "a/b", "a\\b", "..", ".hidden", "x\x1b[31m", "tab\there"]
)
def test_a_scenario_name_that_could_leave_results_is_refused_with_its_cell(
    tmp_path: Path, hostile: str
):
    tables = small_tables()
    scenarios = tables["Scenarios"]
    scenarios.iloc[0, 0] = hostile
    case = write_small_case(tmp_path, "csv", tables)
    result = invoke_cli("validate", str(case), "--json")
    assert result.exit_code == 2
    problems = json.loads(result.stdout)
    mine = [p for p in problems if p["sheet"] == "Scenarios" and p["column"] == "scenario"]
    assert [p["row"] for p in mine] == [2], problems
    assert "\x1b" not in result.stdout  # shown escaped, never raw


def test_an_id_with_a_backslash_or_control_character_is_refused(tmp_path: Path):
    tables = small_tables()
    tables["Regions"].iloc[0, 0] = "nor\\th"
    tables["Regions"].iloc[1, 1] = "South\x1b]8;;http://evil\x07"  # a name: free text
    case = write_small_case(tmp_path, "csv", tables)
    result = invoke_cli("validate", str(case), "--json")
    assert result.exit_code == 2
    problems = [p for p in json.loads(result.stdout) if p["sheet"] == "Regions"]
    assert {(p["row"], p["column"]) for p in problems} >= {(2, "region"), (3, "name")}
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    text = invoke_cli("validate", str(case))
    assert "\x1b" not in text.output and "\\x1b" in text.output
