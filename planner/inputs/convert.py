"""`dcplan convert CASE --to xlsx|csv`: the two input forms hold the same data.

Every sheet is copied cell for cell (no validation, so a case with errors converts too and
keeps them). Cells of boolean columns written as text in CSV (`true`) become booleans in a
workbook, so workbook → CSV → workbook gives the workbook back. Profile files named with
relative paths in the Profiles sheet are copied next to the new case when it lands in another
folder, so the paths keep working. Cells that cannot be converted (a formula without a saved
value, an Excel error) are refused with their address.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planner.inputs.schema import BY_NAME, PROFILES, Sheet
from planner.inputs.tables import (
    BadCell,
    RawTables,
    case_base_dir,
    case_kind,
    read_tables,
    write_tables,
)
from planner.inputs.validate import match_headers

FORMS = ("xlsx", "csv")


class ConvertError(Exception):
    """The case cannot be converted as asked (target exists, bad cells, unknown form)."""


@dataclass
class Converted:
    """Result of a conversion: the new case and the profile files copied beside it."""

    path: Path
    copied: list[Path] = field(default_factory=list)


def default_target(case: Path, to: str) -> Path:
    """`inputs/x.xlsx` → `inputs/x` (CSV folder); `inputs/x` → `inputs/x.xlsx`."""
    case = Path(case)
    return case.with_suffix("") if to == "csv" else case.with_name(case.name + ".xlsx")


def convert(
    case: Path | str, to: str, out: Path | str | None = None, overwrite: bool = False
) -> Converted:
    """Write `case` in form `to` ('xlsx' or 'csv') at `out` (default: beside it).

    Raises CaseReadError if the case cannot be read, ConvertError otherwise.
    """
    case = Path(case)
    if to not in FORMS:
        raise ConvertError(f"--to must be one of {', '.join(FORMS)}, not '{to}'")
    tables = read_tables(case)
    target = Path(out) if out is not None else default_target(case, to)
    if to == "xlsx" and target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    if to == "csv" and target.suffix:
        raise ConvertError(f"{target}: a CSV case is a folder; give a path without a suffix")
    if target.resolve() == case.resolve():
        raise ConvertError(f"{target} is the case itself")
    if target.exists() and not overwrite:
        raise ConvertError(f"{target} exists; use --overwrite to replace it")
    bad = _bad_cells(tables)
    if bad:
        raise ConvertError("cannot convert these cells:\n" + "\n".join(bad))
    if to == "xlsx":
        tables = typed_booleans(tables)
    source_dir, target_dir = case_base_dir(case), case_base_dir(target)
    copies = _profile_copies(tables, source_dir, target_dir, overwrite)
    if target.exists() and to == "csv":
        if not target.is_dir():
            raise ConvertError(f"{target} exists and is not a folder")
        for stale in target.glob("*.csv"):
            stale.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_tables(tables, target)
    except ValueError as exc:
        raise ConvertError(str(exc)) from None
    copied = []
    for source, destination in copies:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        copied.append(destination)
    return Converted(target, copied)


def _bad_cells(tables: RawTables) -> list[str]:
    found = []
    for name, frame in tables.items():
        for column in frame.columns:
            for row, value in frame[column].items():
                if isinstance(value, BadCell):
                    found.append(f"sheet {name}, row {row}, cell {value.coordinate} {value.reason}")
    return found


def _bool_headers(sheet: Sheet, frame: pd.DataFrame) -> list[str]:
    present, _ = match_headers(sheet, [str(c) for c in frame.columns])
    return [present[c.name] for c in sheet.columns if c.dtype == "bool" and c.name in present]


def typed_booleans(tables: RawTables) -> RawTables:
    """Copy of the tables where 'true'/'false' text in boolean columns (and boolean keys of
    Settings and Policy) is a bool, as a workbook stores it."""
    out = {}
    for name, frame in tables.items():
        sheet = BY_NAME.get(name)
        frame = frame.copy()
        if sheet is not None and sheet.kind == "table":
            for header in _bool_headers(sheet, frame):
                frame[header] = frame[header].map(_as_bool).astype(object)
        elif sheet is not None and {"key", "value"} <= set(frame.columns):
            keys = {k.name for k in sheet.keys if k.dtype == "bool"}
            mask = frame["key"].isin(keys)
            frame.loc[mask, "value"] = frame.loc[mask, "value"].map(_as_bool)
        out[name] = frame
    return out


def _as_bool(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def _profile_copies(
    tables: RawTables, source_dir: Path, target_dir: Path, overwrite: bool
) -> list[tuple[Path, Path]]:
    """(source, destination) of the relative profile files to copy; checks destinations."""
    if source_dir == target_dir or PROFILES.name not in tables:
        return []
    frame = tables[PROFILES.name]
    present, _ = match_headers(PROFILES, [str(c) for c in frame.columns])
    if "file" not in present:
        return []
    copies = []
    for value in frame[present["file"]]:
        if value is None or Path(str(value)).is_absolute():
            continue
        source = (source_dir / str(value)).resolve()
        destination = (target_dir / str(value)).resolve()
        if not source.is_file():
            continue  # validation reports it; the conversion itself is still faithful
        if destination.exists():
            if destination.read_bytes() == source.read_bytes():
                continue
            if not overwrite:
                raise ConvertError(
                    f"{destination} exists with other content; use --overwrite to replace it"
                )
        copies.append((source, destination))
    return copies


__all__ = ["FORMS", "ConvertError", "Converted", "case_kind", "convert", "default_target"]
