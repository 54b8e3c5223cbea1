"""results.xlsx (and comparison.xlsx): every table as a formatted sheet.

Sheets are streamed straight into the .xlsx zip as SpreadsheetML (Office Open XML): openpyxl
spends about 40 µs per cell, which made the default case's 60 000-cell hourly sheet take
seconds; writing the XML directly takes about 2 µs per cell (the full-year hourly table,
1.7 million cells, about 4 s). Each sheet has a bold header row (the column names, which carry
the units), a number format per column chosen from the column name, a frozen header row, an
auto-filter and column widths fitted to the first rows. Files read back with openpyxl, Excel
and LibreOffice.

Text is always written as text (inline strings): a value like `=HYPERLINK(...)`, `+1+1`, `-x`
or `@x` is shown as typed and never becomes a formula, because no cell is ever written with a
formula element.
"""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from planner.inputs.case import Case
    from planner.results import Results

MAX_SHEET_NAME = 31
MAX_CELL_TEXT = 32767
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 8, 48
ROWS_PER_CHUNK = 2000

# kind → (Excel number format, Python format for HTML tables)
FORMATS: dict[str, tuple[str, str]] = {
    "share": ("0.0%", "{:.1%}"),
    "pue": ("0.000", "{:.3f}"),
    "money": ("#,##0.0", "{:,.1f}"),
    "power": ("#,##0.0", "{:,.1f}"),
    "bulk": ("#,##0", "{:,.0f}"),
    "small": ("0.0", "{:,.1f}"),
    "dual": ("#,##0.00", "{:,.2f}"),
    "int": ("0", "{:,.0f}"),
    "number": ("#,##0.000", "{:,.4g}"),
}
_SHARE_NAMES = {"green_share", "west_share", "utilisation", "gap", "share"}
_INT_NAMES = {"timestep", "day", "hour"}

# units of the summary.json figures (the summary sheet and the reports use them)
SUMMARY_UNITS: dict[str, str] = {
    "objective_myuan": "M yuan/yr",
    "solver_objective_myuan": "M yuan/yr",
    "gap": "share",
    "emissions_t": "t CO2/yr",
    "green_share": "share of facility energy",
    "west_share": "share of served compute (MW)",
    "pue_avg": "- (facility ÷ IT energy)",
    "water_m3": "m3/yr",
    "unserved_mw": "MW IT",
    "served_mw": "MW IT",
    "it_capacity_mw": "MW IT",
    "pv_mw": "MW",
    "wind_mw": "MW",
    "battery_mwh": "MWh",
}


def column_kind(name: str) -> str:
    """Number-format kind of a results column, from its name (the name carries the unit)."""
    n = str(name).lower()
    if n.startswith(("dual", "shadow_price")):
        return "dual"
    if n in _SHARE_NAMES or n.endswith("_share"):
        return "share"
    if n.startswith("pue"):
        return "pue"
    if n.endswith("_myuan"):
        return "money"
    if n.endswith(("_mw", "_mwh", "_gbps", "_km")):
        return "power"
    if n.endswith(("_m3", "_t")):
        return "bulk"
    if n.endswith(("_ms", "_c", "_h")):
        return "small"
    if n in _INT_NAMES:
        return "int"
    return "number"


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, none of []:*?/\\)."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(name)).strip("'") or "sheet"
    base = clean[:MAX_SHEET_NAME]
    candidate, n = base, 1
    lowered = {t.lower() for t in taken}
    while candidate.lower() in lowered:
        n += 1
        suffix = f"_{n}"
        candidate = base[: MAX_SHEET_NAME - len(suffix)] + suffix
    taken.add(candidate)
    return candidate


# ----------------------------------------------------------------------------- XML pieces

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_KINDS = list(FORMATS)
# cellXfs: 0 default, 1 header, 2 + i: number format kind i
_HEADER_STYLE = 1
_KIND_STYLE = {kind: 2 + i for i, kind in enumerate(_KINDS)}


def _escape(text: str) -> str:
    text = _ILLEGAL_XML.sub("", text)[:MAX_CELL_TEXT]
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_cell(ref: str, text: str, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def _column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _styles_xml() -> str:
    custom = {}
    num_fmts = []
    for i, kind in enumerate(_KINDS):
        code = FORMATS[kind][0]
        custom[kind] = 164 + i
        num_fmts.append(f'<numFmt numFmtId="{164 + i}" formatCode="{_escape(code)}"/>')
    xfs = [
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" '
        'applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="top" '
        'wrapText="1"/></xf>',
    ] + [
        f'<xf numFmtId="{custom[k]}" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/>'
        for k in _KINDS
    ]
    return (
        f'{_XML_HEAD}<styleSheet xmlns="{_NS}">'
        f'<numFmts count="{len(num_fmts)}">{"".join(num_fmts)}</numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        '<fill><patternFill patternType="solid"><fgColor rgb="FFDDE6F0"/>'
        '<bgColor indexed="64"/></patternFill></fill></fills>'
        '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
        '<border><left/><right/><top/><bottom style="thin"><color rgb="FF8899AA"/></bottom>'
        "<diagonal/></border></borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


# ----------------------------------------------------------------------------- values


def _column_values(series: pd.Series) -> tuple[str, list[object]]:
    """('number' | 'bool' | 'text', values as Python objects with None for missing)."""
    if pd.api.types.is_bool_dtype(series):
        return "bool", [None if pd.isna(v) else bool(v) for v in series.tolist()]
    if pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return "number", [None if not math.isfinite(v) else v for v in values.tolist()]
    out: list[object] = []
    for v in series.tolist():
        if v is None or v is pd.NA or v is pd.NaT:
            out.append(None)
        elif isinstance(v, float):
            out.append(v if math.isfinite(v) else None)
        elif isinstance(v, np.generic):
            item = v.item()
            out.append(item if not isinstance(item, float) or math.isfinite(item) else None)
        elif isinstance(v, bool | int | str):
            out.append(v)
        else:
            out.append(str(v))
    return "mixed", out


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _cell(ref: str, value: object, style: int) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        s = f' s="{style}"' if style else ""
        text = _number_text(float(value)) if isinstance(value, float) else str(value)
        return f'<c r="{ref}"{s}><v>{text}</v></c>'
    return _text_cell(ref, str(value))


def _width(header: str, values: list[object]) -> float:
    lengths = [len(header) + 2]
    for v in values[:WIDTH_SAMPLE_ROWS]:
        if v is None:
            continue
        lengths.append(len(f"{v:,.3f}") if isinstance(v, float) else len(str(v)))
    return float(min(MAX_WIDTH, max(MIN_WIDTH, max(lengths) + 2)))


# ----------------------------------------------------------------------------- writer


class _Book:
    """A write-once .xlsx file: sheets are streamed into the zip as they are added."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.zip = zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, compresslevel=6)
        self.sheets: list[tuple[str, str | None]] = []  # (name, auto-filter range)
        self.taken: set[str] = set()

    def add(self, name: str, frame: pd.DataFrame, formats: bool | str) -> None:
        title = sheet_name(name, self.taken)
        index = len(self.sheets) + 1
        headers = [str(c) for c in frame.columns]
        columns = [_column_values(frame.iloc[:, i]) for i in range(len(headers))]
        letters = [_column_letter(i + 1) for i in range(len(headers))]
        styles = [
            _KIND_STYLE[formats if isinstance(formats, str) else column_kind(h)]
            if formats and kind == "number"
            else 0
            for h, (kind, _) in zip(headers, columns, strict=True)
        ]
        n_rows = len(frame) + 1
        last = f"{letters[-1]}{n_rows}" if letters else "A1"
        area = f"A1:{last}" if letters else None
        with self.zip.open(f"xl/worksheets/sheet{index}.xml", "w") as fh:
            selected = ' tabSelected="1"' if index == 1 else ""
            cols = "".join(
                f'<col min="{i + 1}" max="{i + 1}" width="{_width(h, vals):.1f}" customWidth="1"/>'
                for i, (h, (_, vals)) in enumerate(zip(headers, columns, strict=True))
            )
            head = (
                f'{_XML_HEAD}<worksheet xmlns="{_NS}" xmlns:r="{_NS_R}">'
                f'<dimension ref="{area or "A1"}"/>'
                f'<sheetViews><sheetView workbookViewId="0"{selected}>'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
                "</sheetView></sheetViews>"
                '<sheetFormatPr defaultRowHeight="15"/>'
                + (f"<cols>{cols}</cols>" if cols else "")
                + "<sheetData>"
            )
            fh.write(head.encode("utf-8"))
            if headers:
                header_row = "".join(
                    _text_cell(f"{letter}1", h, _HEADER_STYLE)
                    for letter, h in zip(letters, headers, strict=True)
                )
                fh.write(f'<row r="1">{header_row}</row>'.encode())
            self._write_rows(fh, columns, letters, styles, len(frame))
            tail = "</sheetData>" + (f'<autoFilter ref="{area}"/>' if area else "")
            fh.write((tail + "</worksheet>").encode("utf-8"))
        self.sheets.append((title, area))

    @staticmethod
    def _write_rows(fh, columns, letters, styles, n: int) -> None:
        values = [vals for _, vals in columns]
        chunk: list[str] = []
        for i in range(n):
            r = i + 2
            cells = []
            for letter, style, vals in zip(letters, styles, values, strict=True):
                v = vals[i]
                if v is not None and v != "":
                    cells.append(_cell(f"{letter}{r}", v, style))
            chunk.append(f'<row r="{r}">{"".join(cells)}</row>')
            if len(chunk) >= ROWS_PER_CHUNK:
                fh.write("".join(chunk).encode("utf-8"))
                chunk = []
        if chunk:
            fh.write("".join(chunk).encode("utf-8"))

    def close(self) -> None:
        sheets = "".join(
            f'<sheet name="{_escape(name).replace(chr(34), "&quot;")}" sheetId="{i}" '
            f'r:id="rId{i}"/>'
            for i, (name, _) in enumerate(self.sheets, start=1)
        )
        defined = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{_escape(_quoted(name))}!{_absolute(area)}</definedName>"
            for i, (name, area) in enumerate(self.sheets)
            if area
        )
        workbook = (
            f'{_XML_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_NS_R}">'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets>"
            + (f"<definedNames>{defined}</definedNames>" if defined else "")
            + "</workbook>"
        )
        n = len(self.sheets)
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_NS_R}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        rels += f'<Relationship Id="rId{n + 1}" Type="{_NS_R}/styles" Target="styles.xml"/>'
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        content_types = (
            f"{_XML_HEAD}<Types "
            'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        )
        root_rels = (
            f'{_XML_HEAD}<Relationships xmlns="{_NS_PKG}">'
            f'<Relationship Id="rId1" Type="{_NS_R}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        )
        self.zip.writestr("[Content_Types].xml", content_types)
        self.zip.writestr("_rels/.rels", root_rels)
        self.zip.writestr("xl/workbook.xml", workbook)
        self.zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_XML_HEAD}<Relationships xmlns="{_NS_PKG}">{rels}</Relationships>',
        )
        self.zip.writestr("xl/styles.xml", _styles_xml())
        self.zip.close()


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _absolute(area: str) -> str:
    """A1:P20 → $A$1:$P$20."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in area.split(":"))


Sheet = tuple[str, pd.DataFrame, bool | str]


def write_workbook(path: Path, sheets: list[Sheet]) -> Path:
    """Write (name, frame, formats) sheets in order to an .xlsx file.

    formats: True: number format of each numeric column from its name (`column_kind`);
    a kind of `FORMATS` (e.g. "power"): that format for every numeric column; False: General.
    """
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    book = _Book(path)
    try:
        for name, frame, formats in sheets:
            book.add(name, frame, formats)
    except BaseException:
        book.zip.close()
        Path(path).unlink(missing_ok=True)
        raise
    book.close()
    return Path(path)


# ----------------------------------------------------------------------------- results.xlsx


def summary_frame(summary: dict) -> pd.DataFrame:
    """summary.json as rows item, value, unit (nested dicts flattened as `options.time`)."""
    rows: list[tuple[str, object, str]] = []

    def add(prefix: str, value: object) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                add(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(value, list | tuple):
            rows.append((prefix, "; ".join(map(str, value)), ""))
        else:
            rows.append((prefix, value, SUMMARY_UNITS.get(prefix, "")))

    add("", summary)
    return pd.DataFrame(rows, columns=["item", "value", "unit"], dtype=object)


def results_sheets(
    summary: dict, tables: dict[str, pd.DataFrame], inputs: dict[str, pd.DataFrame]
) -> list[Sheet]:
    """Sheets of results.xlsx: summary, each results table, then each input table used
    (named `in_<sheet>`, headers as in the input workbook, e.g. `max_it [MW]`)."""
    sheets: list[Sheet] = [("summary", summary_frame(summary), False)]
    for name, frame in tables.items():
        sheets.append((name, frame, True))
    for name, frame in inputs.items():
        sheets.append((f"in_{name}", frame, False))
    return sheets


def write_results_workbook(results: Results, case: Case, path: Path) -> None:
    """Write summary, results tables (and `unserved` when any) and the input sheets used."""
    tables = dict(results.tables())
    unserved = results.extra.get("unserved") if results.extra else None
    if unserved is not None and len(unserved):
        tables["unserved"] = unserved
    write_workbook(path, results_sheets(results.summary, tables, case.raw))
