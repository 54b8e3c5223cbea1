"""The hourly profile files of a case: find them, and add or replace columns in them.

A case's Profiles sheet names one CSV file per profile (paths relative to the folder that
holds the workbook or CSV folder). `dcplan profiles` writes into those files through this
module: a new site's generated series (`add_generated_sites`) or a measured series
(`set_columns`). Other columns are kept exactly as they were, so adding a site never changes
another site's numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from planner.inputs.tables import case_base_dir, read_tables
from planner.profiles import (
    CSV_DECIMALS,
    DEFAULT_DECIMALS,
    HOURS_PER_YEAR,
    PARAMETER_COLUMNS,
    check_parameters,
    generate_profiles,
    read_parameters,
)

SITE_PROFILES = ("temperature", "pv", "wind", "price")


class CaseProfileError(ValueError):
    """A case whose profile files cannot be found or written (exit code 2)."""


def profile_files(case: Path) -> dict[str, Path]:
    """profile name → file of the case (from its Profiles sheet)."""
    raw = read_tables(case)
    sheet = raw.get("Profiles")
    if sheet is None or sheet.empty:
        raise CaseProfileError(f"{case}: no Profiles sheet naming the profile files")
    base = case_base_dir(case)
    files = {}
    for _, row in sheet.iterrows():
        name, file = row.get("profile"), row.get("file")
        if isinstance(name, str) and isinstance(file, str) and name and file:
            files[name.strip()] = base / file.strip()
    return files


def case_sites(case: Path) -> pd.DataFrame:
    """The case's Sites sheet (site, lat, lon at least), indexed by site id."""
    raw = read_tables(case)
    sites = raw.get("Sites")
    if sites is None or sites.empty:
        raise CaseProfileError(f"{case}: no Sites sheet")
    # raw headers carry units ("lat [deg]"): key the columns by their bare names
    frame = sites.rename(columns=lambda c: str(c).split(" [")[0].strip())
    frame = frame.rename(columns={frame.columns[0]: "site"})
    return frame.set_index("site", drop=False)


def read_profile(path: Path) -> pd.DataFrame:
    """A profile file with its `hour` column (8760 rows), or an empty year if it is new."""
    if not path.exists():
        return pd.DataFrame({"hour": np.arange(HOURS_PER_YEAR)})
    frame = pd.read_csv(path)
    if len(frame) != HOURS_PER_YEAR:
        raise CaseProfileError(f"{path}: {len(frame)} rows, not {HOURS_PER_YEAR}")
    return frame


def write_profile(frame: pd.DataFrame, path: Path, name: str) -> None:
    """Write a profile file like `planner.profiles.write_profiles` does (fixed decimals, LF),
    through a temporary file so a failed write leaves the old file."""
    decimals = CSV_DECIMALS.get(name, DEFAULT_DECIMALS)
    rounded = frame.copy()
    floats = rounded.select_dtypes("float").columns
    rounded[floats] = rounded[floats].round(decimals) + 0.0
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.writing")
    rounded.to_csv(temporary, index=False, float_format=f"%.{decimals}f", lineterminator="\n")
    temporary.replace(path)


def set_columns(path: Path, name: str, columns: Mapping[str, np.ndarray]) -> list[str]:
    """Add or replace `columns` (8760 values each) in one profile file; returns the columns
    that were replaced (the others were added)."""
    frame = read_profile(path)
    replaced = [c for c in columns if c in frame.columns]
    for column, values in columns.items():
        frame[column] = np.asarray(values, dtype=float)
    write_profile(frame, path, name)
    return replaced


def upsert_parameters(path: Path, rows: pd.DataFrame) -> pd.DataFrame:
    """Add or replace generator parameter rows (by site) in `path`; returns the whole table."""
    check_parameters(rows)
    table = read_parameters(path) if path.exists() else pd.DataFrame(columns=PARAMETER_COLUMNS)
    kept = table[~table["site"].isin(rows["site"])]
    merged = pd.concat([kept, rows[list(PARAMETER_COLUMNS)]], ignore_index=True)
    check_parameters(merged)
    path.parent.mkdir(parents=True, exist_ok=True)
    merged.to_csv(path, index=False, lineterminator="\n")
    return merged


def add_generated_sites(
    case: Path, rows: pd.DataFrame, year: int = 2030, seed: int = 20301
) -> dict[str, Path]:
    """Generate the site profiles (temperature, pv, wind, price) of the sites in `rows` (the
    generator's parameter columns) and add them to the case's profile files. Returns profile
    name → file written. Other sites' columns are left untouched; the generator draws each
    site's series from its own seed, so they would be the same anyway."""
    files = profile_files(case)
    missing = [p for p in SITE_PROFILES if p not in files]
    if missing:
        raise CaseProfileError(f"{case}: the Profiles sheet names no file for {missing}")
    check_parameters(rows)
    generated = generate_profiles(rows, year=year, seed=seed)
    sites: Sequence[str] = list(rows["site"])
    for name in SITE_PROFILES:
        set_columns(files[name], name, {s: generated[name][s].to_numpy() for s in sites})
    return {name: files[name] for name in SITE_PROFILES}
