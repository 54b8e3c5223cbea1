"""Raw input tables: read a case (xlsx workbook or CSV folder) into DataFrames of cell values,
and write them back. No interpretation here: typing and checks live in `validate`.

A raw table is a DataFrame whose columns are the header texts (`max_it [MW]`) and whose index
is the row number as Excel shows it (header = row 1, first data row = 2).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd

from planner.inputs.schema import BY_NAME, KEYVALUE_COLUMNS, SHEETS

MAX_WORKBOOK_BYTES = 50 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@")
RawTables = dict[str, pd.DataFrame]


class CaseReadError(Exception):
    """The case cannot be opened at all (missing file, not a workbook, too large)."""


def case_kind(path: Path) -> str:
    """'xlsx' for a workbook, 'csv' for a folder of CSV files."""
    if path.is_dir():
        return "csv"
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return "xlsx"
    raise CaseReadError(f"{path}: a case is an .xlsx workbook or a folder of CSV files")


def case_base_dir(path: Path) -> Path:
    """Folder that profile paths are relative to: the one holding the workbook or CSV folder."""
    return path.resolve().parent


def read_tables(path: Path) -> RawTables:
    """Read every sheet present in the case into raw tables (all cells as str/float/None)."""
    path = Path(path)
    if not path.exists():
        raise CaseReadError(f"{path}: no such file or folder")
    kind = case_kind(path)
    return _read_xlsx(path) if kind == "xlsx" else _read_csv_folder(path)


def _frame(rows: list[list[object]]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame()
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    body = []
    for r in rows[1:]:
        cells = [_clean(v) for v in list(r)[:width]] + [None] * (width - len(r))
        body.append(cells)
    frame = pd.DataFrame(body, columns=header, dtype=object)
    frame.index = pd.RangeIndex(2, 2 + len(body))
    blank = frame.isna().all(axis=1)
    return frame.loc[~blank]


def _clean(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value if value != "" else None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _read_xlsx(path: Path) -> RawTables:
    import openpyxl  # defusedxml, when installed, is used by openpyxl automatically

    if path.stat().st_size > MAX_WORKBOOK_BYTES:
        raise CaseReadError(
            f"{path}: workbook is {path.stat().st_size / 1e6:.0f} MB, over the "
            f"{MAX_WORKBOOK_BYTES / 1e6:.0f} MB limit"
        )
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise CaseReadError(f"{path}: cannot be read as an Excel workbook ({exc})") from None
    try:
        return {
            ws.title: _frame([list(r) for r in ws.iter_rows(values_only=True)])
            for ws in book.worksheets
        }
    finally:
        book.close()


def _read_csv_folder(path: Path) -> RawTables:
    tables: RawTables = {}
    for file in sorted(path.glob("*.csv")):
        with file.open(newline="", encoding="utf-8-sig") as fh:
            rows = [[_parse_csv_cell(c) for c in row] for row in csv.reader(fh)]
        tables[file.stem] = _frame(rows)
    return tables


def _parse_csv_cell(text: str) -> object:
    """CSV cells are text; numbers become floats so both forms read to the same values."""
    text = text.strip()
    if text == "":
        return None
    if text.startswith("'") and len(text) > 1 and text[1] in FORMULA_PREFIXES:
        return text[1:]  # a text cell protected against formula injection
    try:
        number = float(text)
    except ValueError:
        return text
    return (
        int(number)
        if number.is_integer() and "." not in text and "e" not in text.lower()
        else number
    )


def sheet_order(tables: RawTables) -> list[str]:
    known = [s.name for s in SHEETS if s.name in tables]
    return known + sorted(n for n in tables if n not in BY_NAME)


def write_tables(tables: RawTables, path: Path) -> Path:
    """Write raw tables as an .xlsx workbook or (any other path) a folder of CSV files."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(tables, path)
    else:
        path.mkdir(parents=True, exist_ok=True)
        for name in sheet_order(tables):
            _write_csv(tables[name], path / f"{name}.csv")
    return path


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not _is_number(text):
        return "'" + text  # spreadsheet programs must not run it as a formula
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _write_csv(frame: pd.DataFrame, file: Path) -> None:
    with file.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(list(frame.columns))
        for row in frame.itertuples(index=False):
            writer.writerow([_cell_text(v) for v in row])


def _write_xlsx(tables: RawTables, path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in sheet_order(tables):
        frame = tables[name]
        ws = book.create_sheet(name)
        ws.append(list(frame.columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            ws.append([None if _is_missing(v) else v for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.data_type == "f":
                    cell.data_type = "s"  # text that looks like a formula stays text
        ws.freeze_panes = "A2"
        for i, col in enumerate(frame.columns, start=1):
            width = max([len(str(col))] + [len(_cell_text(v)) for v in frame.iloc[:, i - 1]])
            ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, width + 2)
    book.save(path)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def keyvalue_frame(rows: list[tuple[str, object, str, str]]) -> pd.DataFrame:
    """A raw key-value sheet from (key, value, unit, note) rows."""
    return pd.DataFrame(rows, columns=list(KEYVALUE_COLUMNS), dtype=object)
