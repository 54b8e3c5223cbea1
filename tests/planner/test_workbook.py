"""results.xlsx: every table as a formatted sheet, text never a formula."""

from __future__ import annotations

import csv
import json
import math
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_report import (
    AT_REGION,
    FORMULA_NAME,
    FORMULA_SITE,
    PLUS_SITE,
    build_small_run,
)

from planner.report import load_run
from planner.workbook import column_kind, results_sheets, write_workbook


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_run(tmp_path_factory.mktemp("small_wb"))


@pytest.fixture(scope="module")
def book(small_run: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(small_run / "results.xlsx")


def _column(ws, header: str) -> list[object]:
    headers = [c.value for c in ws[1]]
    index = headers.index(header)
    return [row[index] for row in ws.iter_rows(min_row=2, values_only=True)]


def _cell(ws, header: str, text: str):
    headers = [c.value for c in ws[1]]
    column = headers.index(header) + 1
    for row in ws.iter_rows(min_row=2, min_col=column, max_col=column):
        if row[0].value == text:
            return row[0]
    raise AssertionError(f"{text!r} not in column {header!r} of {ws.title}")


def test_workbook_has_summary_every_results_table_and_the_inputs(book, small_run: Path):
    names = book.sheetnames
    assert names[:6] == ["summary", "sites", "routing", "hourly", "costs", "duals"]
    inputs = sorted(p.stem for p in (small_run / "inputs" / "case").glob("*.csv"))
    assert sorted(n[3:] for n in names if n.startswith("in_")) == inputs


def test_sheets_hold_the_same_numbers_as_the_csv_files(book, small_run: Path):
    run = load_run(small_run)
    for name in ("sites", "routing", "costs", "duals", "hourly"):
        frame = run.table(name)
        ws = book[name]
        assert [c.value for c in ws[1]] == list(frame.columns), name
        assert ws.max_row == len(frame) + 1, name
        for col in frame.columns:
            if pd.api.types.is_float_dtype(frame[col]):
                got = [math.nan if v is None else v for v in _column(ws, col)]
                assert got == pytest.approx(frame[col].tolist(), rel=1e-9, nan_ok=True), (
                    name,
                    col,
                )


def test_summary_sheet_lists_summary_json_with_units(book, small_run: Path):
    summary = json.loads((small_run / "summary.json").read_text(encoding="utf-8"))
    rows = {r[0]: (r[1], r[2]) for r in book["summary"].iter_rows(min_row=2, values_only=True)}
    assert rows["objective_myuan"] == (summary["objective_myuan"], "M yuan/yr")
    assert rows["pue_avg"][0] == summary["pue_avg"]
    assert rows["options.time"][0] == "typical:2"


def test_sheets_have_bold_frozen_filtered_headers_and_fitted_widths(book):
    for name in ("sites", "routing", "hourly", "costs", "duals", "in_Sites"):
        ws = book[name]
        assert ws.freeze_panes == "A2", name
        assert all(cell.font.b for cell in ws[1]), name
        last = ws.cell(1, ws.max_column).column_letter
        assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}", name
        widths = [ws.column_dimensions[c.column_letter].width for c in ws[1]]
        assert all(8 <= w <= 48 for w in widths), name
    sites = book["sites"]
    longest_id = max(len(str(v)) for v in _column(sites, "site"))
    assert sites.column_dimensions["A"].width >= longest_id  # the ids fit


def test_number_formats_follow_the_units_in_the_column_names(book):
    ws = book["sites"]
    expected = {
        "it_capacity_mw": "#,##0.0",
        "pue": "0.000",
        "green_share": "0.0%",
        "emissions_t": "#,##0",
        "cost_myuan": "#,##0.0",
    }
    headers = [c.value for c in ws[1]]
    for header, fmt in expected.items():
        cell = ws.cell(2, headers.index(header) + 1)
        if cell.value is not None:
            assert cell.number_format == fmt, header
    duals = book["duals"]
    dual_col = [c.value for c in duals[1]].index("dual") + 1
    assert duals.cell(2, dual_col).number_format == "#,##0.00"
    assert column_kind("hour") == "int" and column_kind("weight_h") == "small"


def test_formula_like_text_is_written_as_text_in_xlsx(book, small_run: Path):
    for sheet, header, text in (
        ("sites", "site", FORMULA_SITE),
        ("sites", "site", PLUS_SITE),
        ("routing", "region", AT_REGION),
        ("in_Sites", "name", FORMULA_NAME),
        ("in_Sites", "name", "-x"),
        ("in_Sites", "site", FORMULA_SITE),
    ):
        cell = _cell(book[sheet], header, text)
        assert cell.data_type == "s", (sheet, text)
    with zipfile.ZipFile(small_run / "results.xlsx") as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for n in sheets:
            assert b"<f>" not in z.read(n) and b"<f " not in z.read(n), n


def test_formula_like_text_is_protected_in_csv(small_run: Path):
    with (small_run / "inputs" / "case" / "Sites.csv").open(newline="", encoding="utf-8") as fh:
        names = [row["name"] for row in csv.DictReader(fh)]
    assert "'" + FORMULA_NAME in names and "'-x" in names
    with (small_run / "sites.csv").open(newline="", encoding="utf-8") as fh:
        ids = [row["site"] for row in csv.DictReader(fh)]
    assert "'" + FORMULA_SITE in ids and "'" + PLUS_SITE in ids


def test_write_workbook_keeps_awkward_values(tmp_path: Path):
    frame = pd.DataFrame(
        {
            "text": ["=1+2", "  padded  ", "a\x01b", "<&>", None],
            "value_mw": [1.5, math.nan, math.inf, -0.0, 1e-300],
            "flag": [True, False, True, False, True],
            "count": [1, 2, 3, 4, 5],
        }
    )
    path = write_workbook(
        tmp_path / "x.xlsx",
        [("a/b:c*?[d]" + "x" * 40, frame, True), ("a/b:c*?[d]" + "x" * 40, frame, False)],
    )
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) == 2 and all(len(n) <= 31 for n in book.sheetnames)
    assert len(set(book.sheetnames)) == 2
    ws = book[book.sheetnames[0]]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["=1+2", "  padded  ", "ab", "<&>", None]
    assert [r[1] for r in rows] == [1.5, None, None, 0, 1e-300]
    assert [r[2] for r in rows] == [True, False, True, False, True]
    assert [r[3] for r in rows] == [1, 2, 3, 4, 5]
    assert ws.cell(2, 2).number_format == "#,##0.0"
    assert book[book.sheetnames[1]].cell(2, 2).number_format == "General"


def test_default_case_workbook_holds_every_hourly_row(default_run_dir: Path, tmp_path: Path):
    # how long it takes is measured by `make bench` (the write phase of endtoend), not here
    run = load_run(default_run_dir)
    tables = {k: run.table(k) for k in ("sites", "routing", "hourly", "costs", "duals")}
    write_workbook(tmp_path / "results.xlsx", results_sheets(run.summary, tables, run.inputs))
    book = openpyxl.load_workbook(tmp_path / "results.xlsx", read_only=True)
    assert book["hourly"].max_row == len(tables["hourly"]) + 1
