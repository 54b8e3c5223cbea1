"""results.xlsx: every results table as a formatted sheet, plus the inputs used."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from planner.inputs.case import Case
    from planner.results import Results


def _write_sheet(book, name: str, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(name[:31])
    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        ws.append([None if (isinstance(v, float) and v != v) else v for v in row])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"  # text that looks like a formula stays text
            elif isinstance(cell.value, float):
                cell.number_format = "#,##0.000"
    ws.freeze_panes = "A2"
    if frame.shape[1]:
        ws.auto_filter.ref = f"A1:{get_column_letter(frame.shape[1])}{max(1, len(frame) + 1)}"
    for i, col in enumerate(frame.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(40, max(10, len(str(col)) + 2))


def write_results_workbook(results: Results, case: Case, path: Path) -> None:
    """Write summary, results tables and the input sheets used to one workbook."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    summary = pd.DataFrame(
        [(k, v if not isinstance(v, dict) else str(v)) for k, v in results.summary.items()],
        columns=["item", "value"],
    )
    _write_sheet(book, "summary", summary)
    for name, frame in results.tables().items():
        _write_sheet(book, name, frame)
    for name, frame in case.raw.items():
        _write_sheet(book, f"in_{name}", frame)
    book.save(path)
