"""A small valid case built in code for the input tests: 2 regions, 3 sites, 2 classes.

Raw tables use the schema's headers (as a planner's workbook would), so every test mutates the
same thing `read_tables` returns. Profiles are smooth deterministic series (8760 h).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from planner.inputs.schema import BY_NAME, HOURS_PER_YEAR, KEYVALUE_COLUMNS
from planner.inputs.tables import RawTables, write_tables

SITES = ("east_a", "west_b", "west_c")
REGIONS = ("north", "south")
PROFILE_FILES = {
    "temperature": "profiles/temperature.csv",
    "pv": "profiles/pv.csv",
    "wind": "profiles/wind.csv",
    "price": "profiles/price.csv",
    "demand": "profiles/demand.csv",
}


def _table(sheet: str, rows: list[dict]) -> pd.DataFrame:
    """Raw table with schema headers from rows keyed by internal column names."""
    spec = BY_NAME[sheet]
    frame = pd.DataFrame(
        [[row.get(c.name) for c in spec.columns] for row in rows],
        columns=[c.header for c in spec.columns],
        dtype=object,
    )
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


def _keyvalue(sheet: str, values: dict[str, object]) -> pd.DataFrame:
    spec = BY_NAME[sheet]
    rows = [[k.name, values.get(k.name), k.unit or None, None] for k in spec.keys]
    frame = pd.DataFrame(rows, columns=list(KEYVALUE_COLUMNS), dtype=object)
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


def small_tables() -> RawTables:
    """Raw tables of the small case (scenarios included)."""
    return {
        "Settings": _keyvalue(
            "Settings",
            {"carbon_price": 95, "time": "typical:2", "allow_unserved": False, "year": 2030},
        ),
        "Policy": _keyvalue("Policy", {"green_share_scope": "overall"}),
        "Regions": _table(
            "Regions",
            [
                {"region": "north", "name": "North", "lat": 39.9, "lon": 116.4},
                {"region": "south", "name": "South", "lat": 23.1, "lon": 113.3},
            ],
        ),
        "Sites": _table(
            "Sites",
            [
                _site("east_a", "east", 31.0, 118.0, 0.7, 0.58),
                _site("west_b", "west", 37.5, 105.2, 0.3, 0.65),
                _site("west_c", "west", 26.6, 106.6, 0.35, 0.39),
            ],
        ),
        "Classes": _table(
            "Classes",
            [
                {
                    "workload_class": "interactive",
                    "max_rtt_ms": 40,
                    "flexibility": "fixed",
                    "shape": "interactive",
                    "bandwidth_gbps_per_mw": 1.0,
                },
                {
                    "workload_class": "batch",
                    "max_rtt_ms": None,
                    "flexibility": "shiftable",
                    "shape": "flat",
                    "bandwidth_gbps_per_mw": 0.2,
                },
            ],
        ),
        "Demand": _table(
            "Demand",
            [
                {"region": "north", "workload_class": "interactive", "demand_mw": 40},
                {"region": "north", "workload_class": "batch", "demand_mw": 60},
                {"region": "south", "workload_class": "interactive", "demand_mw": 30},
                {"region": "south", "workload_class": "batch", "demand_mw": 20},
            ],
        ),
        "Technologies": _table(
            "Technologies",
            [
                _tech("air", "facility", 50, 20),
                _tech("cold_plate", "facility", 54, 20),
                _tech("pv", "pv", 3, 25),
                _tech("wind", "wind", 4.5, 25),
                _tech("battery_energy", "battery_energy", 1.0, 15),
                _tech("battery_power", "battery_power", 0.5, 15),
            ],
        ),
        "Cooling": _table(
            "Cooling",
            [
                {"cooling": "air", "ambient_c": 0, "pue": 1.15, "wue_l_per_kwh": 0.3},
                {"cooling": "air", "ambient_c": 30, "pue": 1.45, "wue_l_per_kwh": 1.8},
                {"cooling": "cold_plate", "ambient_c": 0, "pue": 1.08, "wue_l_per_kwh": 0.2},
                {"cooling": "cold_plate", "ambient_c": 30, "pue": 1.15, "wue_l_per_kwh": 0.6},
            ],
        ),
        "Links": _table("Links", []),
        "Vouchers": _table(
            "Vouchers",
            [
                {
                    "voucher": "north_vouchers",
                    "issuer_region": "north",
                    "budget_myuan_per_yr": 10,
                    "rate_share": 0.2,
                    "compute_price_yuan_per_mwh": 20000,
                    "eligible_sites": "west_b,west_c",
                }
            ],
        ),
        "Profiles": _table(
            "Profiles", [{"profile": k, "file": v} for k, v in PROFILE_FILES.items()]
        ),
        "Scenarios": _table(
            "Scenarios",
            [
                {
                    "scenario": "carbon_200",
                    "sheet": "Settings",
                    "key": "carbon_price",
                    "column": "value",
                    "value": 200,
                },
                {
                    "scenario": "east_only",
                    "sheet": "Sites",
                    "key": "west_b",
                    "column": "max_it_mw",
                    "value": 0,
                },
            ],
        ),
        "Sources": _table(
            "Sources",
            [{"sheet": "Sites", "key": "west_b", "column": "pue_cap", "flag": "A", "source": "x"}],
        ),
    }


def _site(site: str, zone: str, lat: float, lon: float, price: float, ef: float) -> dict:
    return {
        "site": site,
        "name": site.title(),
        "zone": zone,
        "lat": lat,
        "lon": lon,
        "max_it_mw": 300,
        "grid_max_mw": 500,
        "pue_cap": 1.3,
        "pv_max_mw": 400,
        "wind_max_mw": 400,
        "grid_price_yuan_per_kwh": price,
        "emission_factor_t_per_mwh": ef,
        "open_cost_myuan_per_yr": 0,
    }


def _tech(name: str, kind: str, capex: float, life: float) -> dict:
    return {
        "technology": name,
        "kind": kind,
        "capex_myuan_per_unit": capex,
        "fixed_om_share": 0.02,
        "life_yr": life,
        "available": True,
    }


def small_profiles() -> dict[str, pd.DataFrame]:
    """name → 8760-row frame with an `hour` column, as in the profile files."""
    hours = np.arange(HOURS_PER_YEAR)
    day = hours // 24
    clock = hours % 24
    season = np.cos(2 * np.pi * (day - 15) / 365)
    sun = np.clip(np.sin(np.pi * (clock - 6) / 12), 0, None)
    out = {}
    temperature, pv, wind, price = {}, {}, {}, {}
    for i, site in enumerate(SITES):
        temperature[site] = 12 - 12 * season + 5 * np.sin(2 * np.pi * (clock - 9) / 24) + i
        pv[site] = np.round(0.8 * sun * (0.7 + 0.3 * np.cos(day * (0.7 + i))) ** 2, 6)
        wind[site] = np.round(0.35 + 0.25 * np.sin(hours / (30 + 7 * i)), 6)
        price[site] = np.where((clock >= 8) & (clock < 22), 1.2, 0.6)
    for name, columns in (("temperature", temperature), ("pv", pv), ("wind", wind)):
        out[name] = pd.DataFrame({"hour": hours, **columns})
    out["price"] = pd.DataFrame({"hour": hours, **price})
    shape = 1 + 0.3 * np.sin(2 * np.pi * (clock - 14) / 24)
    out["demand"] = pd.DataFrame({"hour": hours, "interactive": shape / shape.mean()})
    return out


def write_profiles(base_dir: Path, profiles: dict[str, pd.DataFrame] | None = None) -> None:
    """Write the profile files the small case names, under `base_dir`."""
    profiles = small_profiles() if profiles is None else profiles
    for name, frame in profiles.items():
        path = base_dir / PROFILE_FILES[name]
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(path, index=False)


def write_small_case(base_dir: Path, form: str = "xlsx", tables: RawTables | None = None) -> Path:
    """Write the small case (tables and profiles) under `base_dir`; returns the case path."""
    write_profiles(base_dir)
    target = base_dir / ("small.xlsx" if form == "xlsx" else "small")
    return write_tables(small_tables() if tables is None else tables, target)


def normalised(tables: RawTables) -> dict[str, tuple[list, list, list]]:
    """Tables comparable across the two forms: (headers, Excel rows, cells), numbers as float,
    booleans as 'true'/'false' (a CSV file holds text)."""

    def cell(value: object) -> object:
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return float(value)
        text = str(value)
        return text.lower() if text.lower() in ("true", "false") else text

    return {
        name: (
            [str(c) for c in frame.columns],
            [int(i) for i in frame.index],
            [[cell(v) for v in row] for row in frame.itertuples(index=False)],
        )
        for name, frame in tables.items()
    }


def invoke_cli(*args: str):
    """`dcplan ARGS` through typer's CliRunner (wide console); fails on any traceback."""
    from typer.testing import CliRunner

    from planner.cli import app

    result = CliRunner().invoke(app, list(args), terminal_width=240)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{args}: {result.exception!r}\n{result.output}"
    )
    assert "Traceback" not in result.output
    return result
