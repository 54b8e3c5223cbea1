"""Large and untidy workbooks: error output is capped, reading does not pad rows, and a stray
value far below a table is reported as such (not as "more than 100000 rows").

Speed is measured, not asserted (no test depends on wall-clock time): a 1.3 MB workbook with
90,000 bad Demand rows validated in about 5 s of CPU (143 s before). The tests pin the causes:
rows are read as long as they are (openpyxl padded each to 200 cells), and the CLI prints at
most 200 problems.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from inputs_small_case import invoke_cli, small_tables, write_profiles

import planner.inputs.tables as tables_module
from planner.cli import MAX_PROBLEMS_SHOWN
from planner.inputs.tables import CaseReadError, read_tables, write_tables


def _workbook(folder: Path, extra_demand_rows: int = 0) -> Path:
    """The small case as a workbook, with `extra_demand_rows` Demand rows naming unknown
    regions (one error each)."""
    write_profiles(folder)
    path = write_tables(small_tables(), folder / "case.xlsx")
    if extra_demand_rows:
        book = openpyxl.load_workbook(path)
        for i in range(extra_demand_rows):
            book["Demand"].append([f"region_{i}", "batch", 10.0])
        book.save(path)
    return path


def test_error_output_shows_the_first_200_problems_and_counts_the_rest(tmp_path: Path):
    case = _workbook(tmp_path, extra_demand_rows=MAX_PROBLEMS_SHOWN + 50)
    shown = invoke_cli("validate", str(case))
    assert shown.exit_code == 2
    assert "region_199" in shown.output and "region_200" not in shown.output
    assert "… and 50 more problem(s) not shown" in shown.output
    listed = json.loads(invoke_cli("validate", str(case), "--json").stdout)
    assert len([p for p in listed if "unknown id 'region_" in p["message"]]) == 250


def test_a_stray_value_far_below_a_table_is_reported_with_its_cell(tmp_path: Path):
    case = _workbook(tmp_path)
    book = openpyxl.load_workbook(case)
    book["Sites"]["M900000"] = "oops"
    book.save(case)
    result = invoke_cli("validate", str(case))
    assert result.exit_code == 2
    assert "cell M900000: a stray value far below the table" in result.output
    assert "more than" not in result.output


def test_a_sheet_longer_than_the_limit_is_still_refused(tmp_path: Path, monkeypatch):
    case = _workbook(tmp_path, extra_demand_rows=60)
    monkeypatch.setattr(tables_module, "MAX_ROWS", 50)
    with pytest.raises(CaseReadError, match="sheet Demand has more than 50 rows"):
        read_tables(case)


def test_rows_are_read_as_long_as_they_are(tmp_path: Path):
    case = _workbook(tmp_path, extra_demand_rows=500)
    book = openpyxl.load_workbook(case, read_only=True)
    try:
        rows, _ = tables_module._sheet_rows(case, book["Demand"])
    finally:
        book.close()
    assert len(rows) == 1 + 4 + 500  # header, the small case's 4 rows, the extra rows
    assert max(len(r) for r in rows) == 4  # region, class, demand, unit: no padding to 200 cells
