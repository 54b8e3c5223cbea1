"""Raw input tables: read a case (xlsx workbook or CSV folder) into DataFrames of cell values,
and write them back. No interpretation here: typing and checks live in `validate`.

A raw table is a DataFrame whose columns are the header texts (`max_it [MW]`) and whose index
is the row number as Excel shows it (header = row 1, first data row = 2), for both forms.

Reading is safe for untrusted workbooks: openpyxl parses the XML with defusedxml (installed as
a dependency; `openpyxl.xml.DEFUSEDXML` is then true), in read-only mode, after checking the
file size and the unpacked size of the zip archive; rows and columns are capped. Formulas are
read as the value Excel saved with them; a formula without a saved value, or a cell holding an
Excel error (`#DIV/0!`), is kept as a `BadCell` so validation names the cell.

Header problems that the frame itself cannot show (a repeated header, values under a blank
header) are recorded in `frame.attrs[HEADER_NOTES]` for validation to report.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from pathlib import Path

import pandas as pd

from planner.inputs.schema import BY_NAME, KEYVALUE_COLUMNS, SHEETS

MAX_WORKBOOK_BYTES = 50 * 1024 * 1024  # size of the .xlsx file
MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # total size of the XML inside it (zip bombs)
MAX_CSV_FOLDER_BYTES = 50 * 1024 * 1024  # total size of the sheet CSV files of a folder
MAX_ROWS = 100_000  # rows per sheet
MAX_COLUMNS = 200  # columns per sheet that are read (cells further right are ignored)
FORMULA_PREFIXES = ("=", "+", "-", "@")
HEADER_NOTES = "header_notes"  # frame.attrs key: {header: (severity, message)}
DOC_SHEETS = ("README",)  # sheets of documentation, not data (written by `dcplan template`)
RawTables = dict[str, pd.DataFrame]

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


class CaseReadError(Exception):
    """The case cannot be opened at all (missing file, not a workbook, too large)."""


class BadCell(str):
    """A cell whose value cannot be used: a formula without a saved value or an Excel error.

    It is a `str` (the formula or error text) so raw tables stay plain; `reason` says what is
    wrong and `coordinate` names the cell (`B7`).
    """

    reason: str
    coordinate: str

    def __new__(cls, text: str, reason: str, coordinate: str) -> BadCell:
        cell = super().__new__(cls, text)
        cell.reason = reason
        cell.coordinate = coordinate
        return cell

    def __reduce__(self):
        return (BadCell, (str(self), self.reason, self.coordinate))


def case_kind(path: Path) -> str:
    """'xlsx' for a workbook, 'csv' for a folder of CSV files."""
    if path.is_dir():
        return "csv"
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return "xlsx"
    raise CaseReadError(f"{path}: a case is an .xlsx workbook or a folder of CSV files")


def case_base_dir(path: Path) -> Path:
    """Folder that profile paths are relative to: the one holding the workbook or CSV folder."""
    return Path(path).resolve().parent


def read_tables(path: Path | str) -> RawTables:
    """Read every sheet present in the case into raw tables (cells: str, int, float, bool,
    datetime, BadCell or None). Raises CaseReadError if the case cannot be opened."""
    path = Path(path)
    if not path.exists():
        raise CaseReadError(f"{path}: no such file or folder")
    kind = case_kind(path)
    return _read_xlsx(path) if kind == "xlsx" else _read_csv_folder(path)


def column_letter(index: int) -> str:
    """Excel column letters of a 1-based column index (1 → A, 28 → AB)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _frame(rows: list[list[object]]) -> pd.DataFrame:
    """Raw table from the rows of a sheet (first row = headers), indexed by Excel row."""
    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    header = [_header_text(h) for h in rows[0]] + [""] * (width - len(rows[0]))
    body = [[_clean(v) for v in r] + [None] * (width - len(r)) for r in rows[1:]]
    keep: list[int] = []
    names: list[str] = []
    notes: dict[str, tuple[str, str]] = {}
    first_of: dict[str, str] = {}
    for i, text in enumerate(header):
        has_data = any(r[i] is not None for r in body)
        letter = column_letter(i + 1)
        if text == "":
            if not has_data:
                continue  # an empty column between or after the headers
            name = f"(no header, column {letter})"
            notes[name] = ("warning", f"column {letter} has values but no header: ignored")
        elif text in first_of:
            name = f"{text} (column {letter})"
            notes[name] = (
                "error",
                f"header '{text}' appears twice (columns {first_of[text]} and {letter})",
            )
        else:
            name = text
            first_of[text] = letter
        keep.append(i)
        names.append(name)
    frame = pd.DataFrame([[r[i] for i in keep] for r in body], columns=names, dtype=object)
    frame.index = pd.RangeIndex(2, 2 + len(body))
    frame = frame.loc[~frame.isna().all(axis=1)] if len(names) else frame.iloc[0:0]
    if notes:
        frame.attrs[HEADER_NOTES] = notes
    return frame


def _header_text(value: object) -> str:
    if value is None or isinstance(value, BadCell):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _clean(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, BadCell):
        return value
    if isinstance(value, str):
        value = value.strip()
        return value if value != "" else None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# --- xlsx --------------------------------------------------------------------------------------


def _check_workbook_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_WORKBOOK_BYTES:
        raise CaseReadError(
            f"{path}: workbook is {size / 1e6:.0f} MB, over the {MAX_WORKBOOK_BYTES / 1e6:.0f} MB "
            "limit for input workbooks; hourly series belong in profile CSV files"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise CaseReadError(f"{path}: not an Excel workbook (.xlsx is a zip archive)") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise CaseReadError(
            f"{path}: workbook unpacks to {unpacked / 1e6:.0f} MB, over the "
            f"{MAX_UNPACKED_BYTES / 1e6:.0f} MB limit"
        )


def _read_xlsx(path: Path) -> RawTables:
    import openpyxl  # parses with defusedxml when it is installed (it is a dependency)

    _check_workbook_size(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise CaseReadError(f"{path}: cannot be read as an Excel workbook ({exc})") from None
    formulas: dict[str, set[tuple[int, int]]] = {}
    try:
        sheets = {}
        for ws in book.worksheets:
            rows, found = _sheet_rows(path, ws)
            sheets[ws.title] = rows
            if found:
                formulas[ws.title] = found
    except CaseReadError:
        raise
    except Exception as exc:
        raise CaseReadError(f"{path}: cannot be read as an Excel workbook ({exc})") from None
    finally:
        book.close()
    if formulas:
        _fill_cached_values(path, sheets, formulas)
    return {title: _frame(rows) for title, rows in sheets.items()}


def _sheet_rows(path: Path, ws) -> tuple[list[list[object]], set[tuple[int, int]]]:
    """Cell values of a read-only sheet, and the (row, column) of its formula cells, which are
    held as BadCells until `_fill_cached_values` puts the saved values in."""
    ws.reset_dimensions()  # trust the cells present, not the declared dimension
    rows: list[list[object]] = []
    formulas: set[tuple[int, int]] = set()
    data_rows = 0
    last_data = 0
    # no max_col: openpyxl would pad every row to that many cells (8 M cells for 40,000 rows);
    # cells right of MAX_COLUMNS are cut per row instead
    for r, row in enumerate(ws.iter_rows(), start=1):
        if not row:
            if r <= MAX_ROWS + 1:
                rows.append([])
            continue
        values = []
        for c, cell in enumerate(row[:MAX_COLUMNS], start=1):
            kind = getattr(cell, "data_type", "n")
            value = cell.value
            if kind == "f":
                formulas.add((r, c))
                value = BadCell(str(value), _NO_SAVED_VALUE, f"{column_letter(c)}{r}")
            elif kind == "e":
                value = BadCell(str(value), _EXCEL_ERROR, f"{column_letter(c)}{r}")
            values.append(value)
        while values and values[-1] is None:
            values.pop()
        if values:
            data_rows += 1
            if r > MAX_ROWS + 1:
                _refuse_far_row(path, ws.title, r, values, data_rows, last_data)
            last_data = r
        if r <= MAX_ROWS + 1:
            rows.append(values)
    del rows[last_data:]
    return rows, formulas


def _refuse_far_row(
    path: Path, title: str, r: int, values: list[object], data_rows: int, last_data: int
) -> None:
    """A value below row MAX_ROWS + 1: a stray cell far from the table, or a sheet too long."""
    if data_rows > MAX_ROWS:
        raise CaseReadError(f"{path}: sheet {title} has more than {MAX_ROWS} rows")
    column = next(i for i, v in enumerate(values, start=1) if v is not None)
    raise CaseReadError(
        f"{path}: sheet {title}, cell {column_letter(column)}{r}: a stray value far below the "
        f"table (its last row before it is {last_data}); delete that cell"
    )


_NO_SAVED_VALUE = "is a formula without a saved value (open and save the workbook in Excel)"
_EXCEL_ERROR = "holds an Excel error"


def _fill_cached_values(
    path: Path, sheets: dict[str, list[list[object]]], formulas: dict[str, set[tuple[int, int]]]
) -> None:
    """Replace formula cells by the value Excel saved with them (kept as BadCell if none)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for title, found in formulas.items():
            ws = book[title]
            ws.reset_dimensions()
            rows = sheets[title]
            last = max(r for r, _ in found)
            for r, row in enumerate(ws.iter_rows(max_col=MAX_COLUMNS, max_row=last), start=1):
                for c, cell in enumerate(row, start=1):
                    if (r, c) not in found or cell.value is None:
                        continue
                    value = cell.value
                    if getattr(cell, "data_type", "n") == "e":
                        value = BadCell(str(value), _EXCEL_ERROR, f"{column_letter(c)}{r}")
                    rows[r - 1][c - 1] = value
    finally:
        book.close()


# --- csv ---------------------------------------------------------------------------------------


def _read_csv_folder(path: Path) -> RawTables:
    files = sorted(path.glob("*.csv"))
    try:  # a folder named x.csv, a broken link or a file without read permission
        total = 0
        for file in files:
            if not file.is_file():
                kind = "a folder" if file.is_dir() else "a broken link or not a regular file"
                raise CaseReadError(f"{file}: is {kind}, not a CSV file")
            total += file.stat().st_size
        if total > MAX_CSV_FOLDER_BYTES:
            raise CaseReadError(
                f"{path}: sheet CSV files total {total / 1e6:.0f} MB, over the "
                f"{MAX_CSV_FOLDER_BYTES / 1e6:.0f} MB limit; hourly series belong in profile files"
            )
        tables: RawTables = {}
        for file in files:
            tables[file.stem] = _frame(_csv_rows(file))
    except OSError as exc:
        raise CaseReadError(f"{exc.filename or path}: cannot be read ({exc.strerror})") from None
    return tables


def decode_text(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode
    text"), else GBK/GB18030 (Excel in China saves CSV as GBK by default). Raises ValueError
    naming the line of the first byte that fits none of them."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValueError(
            f"line {line}: byte 0x{byte} is not UTF-8 text, and the file is not GBK text "
            "either (save it as 'CSV UTF-8')"
        ) from None


def _csv_rows(file: Path) -> list[list[object]]:
    try:
        text = decode_text(file.read_bytes())
    except ValueError as exc:
        raise CaseReadError(f"{file}: {exc}") from None
    # strict: a stray '"' must not silently swallow the rows after it into one cell
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[object]] = []
    line = 1  # first line of the row being read
    try:
        for i, row in enumerate(reader, start=1):
            if i > MAX_ROWS + 1:
                raise CaseReadError(f"{file}: more than {MAX_ROWS} rows")
            rows.append([_parse_csv_cell(c) for c in row[:MAX_COLUMNS]])
            line = reader.line_num + 1
    except csv.Error as exc:
        raise CaseReadError(
            f"{file}: row {len(rows) + 1} (line {line}) cannot be read as CSV ({exc}): "
            "check for a '\"' that opens a quoted cell and is not closed right before a ','"
        ) from None
    if rows and len(rows[0]) == 1 and "\t" in str(rows[0][0]):  # lost when headers are tidied
        raise CaseReadError(f"{file}: row 1: values are separated by tabs: expected ','")
    return rows


def _parse_csv_cell(text: str) -> object:
    """CSV cells are text; numbers become int/float so both forms read to the same values.

    A leading apostrophe written by `_cell_text` to protect text from formula execution (or to
    protect a text that itself starts with an apostrophe) is removed.
    """
    text = text.strip()
    if text == "":
        return None
    if len(text) > 1 and text[0] == "'" and text[1] in (*FORMULA_PREFIXES, "'"):
        return text[1:]
    if not _NUMBER.match(text):
        return text
    number = float(text)
    if number.is_integer() and "." not in text and "e" not in text.lower():
        try:
            return int(text)
        except ValueError:  # more digits than Python converts; validation reports it
            return number
    return number


# --- writing -----------------------------------------------------------------------------------


def sheet_order(tables: RawTables) -> list[str]:
    """Schema sheets in schema order, then any others alphabetically."""
    known = [s.name for s in SHEETS if s.name in tables]
    return known + sorted(n for n in tables if n not in BY_NAME)


def write_tables(tables: RawTables, path: Path | str) -> Path:
    """Write raw tables as an .xlsx workbook or (any other path) a folder of CSV files.

    Raises ValueError if a cell cannot be written (a BadCell, or text with control characters
    an .xlsx cannot hold).
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(tables, path)
    else:
        path.mkdir(parents=True, exist_ok=True)
        for name in sheet_order(tables):
            _write_csv(name, tables[name], path / f"{name}.csv")
    return path


def needs_formula_guard(text: str) -> bool:
    """True if a spreadsheet would run `text` as a formula when it opens the CSV file.

    Text starting with '=' or '@' is always protected; '+' and '-' only when followed by more
    text that is not a number (a lone '-' unit, '-5' or '+1e3' stay plain).
    """
    if not text:
        return False
    if text[0] in ("=", "@"):
        return True
    return text[0] in ("+", "-") and len(text) > 1 and not _NUMBER.match(text)


def _cell_text(value: object) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, BadCell):
        raise ValueError(f"cell {value.coordinate} {value.reason}: {value}")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if needs_formula_guard(text) or (len(text) > 1 and text[0] == "'" and text[1] in "=+-@'"):
        return "'" + text  # spreadsheet programs must not run it as a formula
    return text


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text))


def _rows(frame: pd.DataFrame) -> list[list[object]]:
    """Cell values row by row (also for a frame without columns)."""
    return frame.to_numpy(dtype=object).tolist()


def _write_csv(name: str, frame: pd.DataFrame, file: Path) -> None:
    lines = []
    for row_number, row in zip(frame.index, _rows(frame), strict=True):
        try:
            lines.append([_cell_text(v) for v in row])
        except ValueError as exc:
            raise ValueError(f"sheet {name}, row {row_number}: {exc}") from None
    with file.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([str(c) for c in frame.columns])
        writer.writerows(lines)


def _write_xlsx(tables: RawTables, path: Path) -> None:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in sheet_order(tables):
        frame = tables[name]
        ws = book.create_sheet(name)
        ws.append([str(c) for c in frame.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row_number, row in zip(frame.index, _rows(frame), strict=True):
            values = []
            for v in row:
                if isinstance(v, BadCell):
                    raise ValueError(f"sheet {name}, row {row_number}: cell {v.reason}: {v}")
                if isinstance(v, str) and ILLEGAL_CHARACTERS_RE.search(v):
                    raise ValueError(
                        f"sheet {name}, row {row_number}: text with control characters "
                        f"cannot be stored in .xlsx: {v!r}"
                    )
                values.append(None if _is_missing(v) else v)
            ws.append(values)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.data_type == "f":
                    cell.data_type = "s"  # text that looks like a formula stays text
        ws.freeze_panes = "A2"
        for i, col in enumerate(frame.columns, start=1):
            cells = [len(str(col))] + [len(_display(v)) for v in frame.iloc[:, i - 1]]
            ws.column_dimensions[column_letter(i)].width = min(60, max(cells) + 2)
    book.save(path)


def _display(value: object) -> str:
    if _is_missing(value):
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def keyvalue_frame(rows: list[tuple[str, object, str, str]]) -> pd.DataFrame:
    """A raw key-value sheet from (key, value, unit, note) rows, indexed by Excel row."""
    frame = pd.DataFrame(rows, columns=list(KEYVALUE_COLUMNS), dtype=object)
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame
