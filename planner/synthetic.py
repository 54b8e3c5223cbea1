"""Cases built in code: small hand-checkable cases for tests, and seeded random cases of any
size for benchmarks and fuzz tests.

`case_tables(...)` returns the raw tables (headers exactly as the schema writes them, so they
go through the same validation as a workbook) and the hourly profiles in memory;
`small_case(...)` validates them into a `Case`; `write_case(...)` writes them as a CSV folder
or workbook with profile files beside it, for end-to-end runs through the CLI.

Rows are given as dicts keyed by the schema's column label (`max_it`, `grid_price`, ...; see
`planner/inputs/schema.py`) or internal name (`max_it_mw`); the id column may also be `id`.
Units are those of the schema headers: MW, yuan/kWh, t/MWh, ms, Gbps/MW, M yuan/unit.

A profile is given as a number (constant for every site and hour), an array of 8760 (or 24,
repeated every day) values used for every site, or a dict site → number/array.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from planner.inputs.case import Case, build_case
from planner.inputs.schema import (
    BY_NAME,
    HOURS_PER_YEAR,
    POLICY,
    SETTINGS,
    Sheet,
)
from planner.inputs.tables import RawTables, keyvalue_frame, write_tables

HOURS_PER_DAY = 24
ProfileSpec = (
    float | Sequence[float] | np.ndarray | Mapping[str, float | Sequence[float] | np.ndarray]
)

# The default case's technologies (DATA.md "Costs and finance", "Cooling technologies").
DEFAULT_TECHNOLOGIES: dict[str, dict[str, object]] = {
    "air": {"kind": "facility", "capex": 50.0, "fixed_om": 0.02, "life": 20.0},
    "cold_plate": {"kind": "facility", "capex": 54.0, "fixed_om": 0.02, "life": 20.0},
    "immersion": {"kind": "facility", "capex": 60.0, "fixed_om": 0.02, "life": 20.0},
    "pv": {"kind": "pv", "capex": 3.0, "fixed_om": 0.015, "life": 25.0},
    "wind": {"kind": "wind", "capex": 4.2, "fixed_om": 0.02, "life": 20.0},
    "battery_energy": {"kind": "battery_energy", "capex": 0.35, "fixed_om": 0.02, "life": 12.0},
    "battery_power": {"kind": "battery_power", "capex": 0.30, "fixed_om": 0.02, "life": 12.0},
}
# (ambient degC, PUE, WUE L/kWh) points of each cooling technology, as in the default case.
DEFAULT_COOLING: dict[str, list[tuple[float, float, float]]] = {
    "air": [
        (0.0, 1.12, 0.3),
        (10.0, 1.16, 0.3),
        (18.0, 1.19, 0.98),
        (24.0, 1.35, 1.49),
        (30.0, 1.39, 2.0),
        (35.0, 1.42, 2.0),
    ],
    "cold_plate": [(25.0, 1.10, 0.3), (35.0, 1.13, 0.3)],
    "immersion": [(30.0, 1.04, 0.05), (40.0, 1.05, 0.05)],
}
SITE_DEFAULTS: dict[str, object] = {
    "zone": "east",
    "lat": 31.2,
    "lon": 121.5,
    "max_it": 1000.0,
    "grid_max": 2000.0,
    "pue_cap": 1.5,
    "water_cap": None,
    "pv_max": 0.0,
    "wind_max": 0.0,
    "grid_price": 0.5,
    "emission_factor": 0.6,
    "open_cost": 0.0,
}
CLASS_DEFAULTS: dict[str, object] = {
    "max_rtt": None,
    "flexibility": "fixed",
    "shape": "flat",
    "bandwidth": 1.0,
}
# Small cases default to a cheap time resolution; the schema's default is typical:8.
SMALL_SETTINGS: dict[str, object] = {"time": "typical:2"}


def daily(pattern: Sequence[float]) -> np.ndarray:
    """A 24-value daily pattern (local hours 0..23) repeated over the 8760 h year."""
    values = np.asarray(pattern, dtype=float)
    if values.shape != (HOURS_PER_DAY,):
        raise ValueError(f"a daily pattern has 24 values, not {values.shape}")
    return np.tile(values, HOURS_PER_YEAR // HOURS_PER_DAY)


def solar_day(mean_cf: float, sunrise: int = 6, sunset: int = 18) -> np.ndarray:
    """A clear-sky-like PV capacity factor [MW/MW]: a half sine from `sunrise` to `sunset`
    (local hours), zero at night, scaled to the annual mean `mean_cf` (peak must stay ≤ 1)."""
    hours = np.arange(HOURS_PER_DAY) + 0.5
    shape = np.clip(np.sin(np.pi * (hours - sunrise) / (sunset - sunrise)), 0.0, None)
    shape[(hours < sunrise) | (hours > sunset)] = 0.0
    day = shape * mean_cf / shape.mean()
    if day.max() > 1.0:
        raise ValueError(f"mean PV capacity factor {mean_cf} needs a peak above 1")
    return daily(day)


def _series(spec: float | Sequence[float] | np.ndarray) -> np.ndarray:
    values = np.asarray(spec, dtype=float)
    if values.ndim == 0:
        return np.full(HOURS_PER_YEAR, float(values))
    if values.shape == (HOURS_PER_DAY,):
        return daily(values)
    if values.shape != (HOURS_PER_YEAR,):
        raise ValueError(f"a profile has 8760 (or 24) values, not {values.shape}")
    return values


def profile_frame(spec: ProfileSpec, columns: Sequence[str]) -> pd.DataFrame:
    """An 8760-row profile frame: `hour` 0..8759 then one column per name in `columns`."""
    if isinstance(spec, Mapping):
        unknown = set(spec) - set(columns)
        if unknown:
            raise ValueError(f"profile given for unknown column(s): {sorted(unknown)}")
        missing = [c for c in columns if c not in spec]
        if missing:
            raise ValueError(f"profile missing for column(s): {missing}")
        values = {c: _series(spec[c]) for c in columns}
    else:
        series = _series(spec)
        values = {c: series.copy() for c in columns}
    return pd.DataFrame({"hour": np.arange(HOURS_PER_YEAR), **values})


def _header_of(sheet: Sheet) -> dict[str, str]:
    """Column label and internal name → header text."""
    out: dict[str, str] = {}
    for column in sheet.columns:
        out[column.label] = column.header
        out[column.name] = column.header
    return out


def table(sheet_name: str, rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """A raw table of a schema sheet from row dicts (keys: column labels or internal names,
    `id` for the first key column). Every schema column is written; missing cells are blank."""
    sheet = BY_NAME[sheet_name]
    headers = _header_of(sheet)
    id_header = sheet.column(sheet.key[0]).header
    records = []
    for row in rows:
        record: dict[str, object] = {}
        for key, value in row.items():
            header = id_header if key == "id" else headers.get(key)
            if header is None:
                raise ValueError(f"sheet {sheet_name}: unknown column '{key}'")
            record[header] = value
        records.append(record)
    frame = pd.DataFrame(records, columns=[c.header for c in sheet.columns], dtype=object)
    frame = frame.astype(object).where(frame.notna(), None)
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


def _keyvalue(sheet: Sheet, overrides: Mapping[str, object] | None) -> pd.DataFrame:
    overrides = dict(overrides or {})
    known = {k.name for k in sheet.keys}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"sheet {sheet.name}: unknown key(s) {sorted(unknown)}")
    rows = []
    for key in sheet.keys:
        value = overrides.get(key.name, key.default)
        if isinstance(value, bool):
            value = "true" if value else "false"
        rows.append((key.name, value, key.unit, ""))
    return keyvalue_frame(rows)


def _bool_text(row: Mapping[str, object]) -> dict[str, object]:
    return {k: ("true" if v is True else "false" if v is False else v) for k, v in row.items()}


def _with_defaults(
    rows: Sequence[Mapping[str, object]], key: str, defaults: Mapping[str, object]
) -> list[dict[str, object]]:
    out = []
    for row in rows:
        row = dict(row)
        if "id" in row:
            row[key] = row.pop("id")
        out.append({**defaults, **row})
    return out


def case_tables(
    regions: Sequence[Mapping[str, object]] | None = None,
    sites: Sequence[Mapping[str, object]] | None = None,
    classes: Sequence[Mapping[str, object]] | None = None,
    demand: Mapping[tuple[str, str], float] | None = None,
    technologies: Mapping[str, Mapping[str, object]] | None = None,
    cooling: Mapping[str, Sequence[tuple[float, float, float]]] | None = None,
    settings: Mapping[str, object] | None = None,
    policy: Mapping[str, object] | None = None,
    links: Sequence[Mapping[str, object]] | None = None,
    vouchers: Sequence[Mapping[str, object]] | None = None,
    lines: Sequence[Mapping[str, object]] | None = None,
    temperature: ProfileSpec = 15.0,
    pv: ProfileSpec | None = None,
    wind: ProfileSpec = 0.25,
    price: ProfileSpec = 1.0,
    demand_shapes: Mapping[str, float | Sequence[float]] | None = None,
) -> tuple[RawTables, dict[str, pd.DataFrame]]:
    """Raw tables and in-memory profiles of a case built in code.

    Defaults make a one-region, one-site, one-class case: region `r1` and site `s1` both at
    Shanghai (31.2 N, 121.5 E), a flat fixed class `flat` of 100 MW, the default case's
    technologies and cooling curves, grid only (pv_max = wind_max = 0).

    regions: dicts with region (or id), lat, lon [deg]. sites: dicts with site (or id) and
    any of `SITE_DEFAULTS` (MW, yuan/kWh, t/MWh, m3/yr). classes: dicts with workload_class
    (or id) and any of `CLASS_DEFAULTS` (ms, Gbps/MW). demand: {(region, class): MW}.
    technologies: {technology: overrides of capex [M yuan/unit], fixed_om [share/yr],
    life [yr], available [bool], kind}; a name not in `DEFAULT_TECHNOLOGIES` adds a row.
    lines: rows of the optional Lines sheet (power lines from supply nodes; labels or names).
    cooling: {technology: [(ambient degC, PUE, WUE L/kWh), ...]} replacing that curve.
    settings / policy: {key: value} overrides of the Settings / Policy sheets (units of
    the schema); small cases default to time = typical:2.
    temperature [degC], pv and wind [MW per MW installed], price [multiplier of the
    time-of-use energy share of the tariff]: profiles per site (see module docstring);
    pv defaults to `solar_day(0.15)`. demand_shapes: {shape: profile} for classes whose
    shape is not 'flat' (mean 1 over the year is the user's responsibility).
    """
    regions = regions or [{"region": "r1", "lat": 31.2, "lon": 121.5}]
    sites = sites or [{"site": "s1"}]
    classes = classes or [{"workload_class": "flat"}]
    site_rows = _with_defaults(sites, "site", SITE_DEFAULTS)
    region_rows = _with_defaults(regions, "region", {})
    class_rows = _with_defaults(classes, "workload_class", CLASS_DEFAULTS)
    if demand is None:
        demand = {(region_rows[0]["region"], class_rows[0]["workload_class"]): 100.0}

    techs = {name: dict(row) for name, row in DEFAULT_TECHNOLOGIES.items()}
    for name, over in (technologies or {}).items():
        techs.setdefault(name, {"kind": "facility", "fixed_om": 0.02, "life": 20.0})
        techs[name].update(over)
    curves = {**DEFAULT_COOLING, **(cooling or {})}
    facility = [n for n, t in techs.items() if t["kind"] == "facility"]

    raw: RawTables = {
        "Settings": _keyvalue(SETTINGS, {**SMALL_SETTINGS, **(settings or {})}),
        "Policy": _keyvalue(POLICY, policy),
        "Regions": table("Regions", region_rows),
        "Sites": table("Sites", site_rows),
        "Classes": table("Classes", class_rows),
        "Demand": table(
            "Demand",
            [
                {"region": r, "workload_class": w, "demand": float(mw)}
                for (r, w), mw in demand.items()
            ],
        ),
        "Technologies": table(
            "Technologies",
            [{"technology": name, **_bool_text(t)} for name, t in techs.items()],
        ),
        "Cooling": table(
            "Cooling",
            [
                {"cooling": name, "ambient": a, "pue": p, "wue": w}
                for name in facility
                for a, p, w in curves.get(name, [])
            ],
        ),
        "Links": table("Links", links or []),
        "Vouchers": table("Vouchers", vouchers or []),
    }
    if lines:
        raw["Lines"] = table("Lines", lines)

    site_ids = [str(r["site"]) for r in site_rows]
    shapes = sorted({str(r["shape"]) for r in class_rows if r.get("shape") not in (None, "flat")})
    profiles = {
        "temperature": profile_frame(temperature, site_ids),
        "pv": profile_frame(solar_day(0.15) if pv is None else pv, site_ids),
        "wind": profile_frame(wind, site_ids),
        "price": profile_frame(price, site_ids),
    }
    if shapes:
        given = dict(demand_shapes or {})
        profiles["demand"] = profile_frame({s: given.get(s, 1.0) for s in shapes}, shapes)
    raw["Profiles"] = table(
        "Profiles",
        [{"profile": name, "file": f"profiles/{name}.csv"} for name in profiles],
    )
    return raw, profiles


def small_case(name: str = "small", **kw: object) -> Case:
    """A validated `Case` from `case_tables(**kw)` (raises InputErrors like a workbook)."""
    raw, profiles = case_tables(**kw)  # type: ignore[arg-type]
    return build_case(raw, None, name, scenario=None, profiles=profiles)


def write_case(raw: RawTables, profiles: Mapping[str, pd.DataFrame], path: Path | str) -> Path:
    """Write a case built in code to `path` (a CSV folder, or a workbook if it ends in .xlsx)
    and its profiles as CSV files where its Profiles sheet points: relative to the folder that
    holds `path`. Returns `path`, loadable with `load_case`."""
    path = Path(path)
    write_tables(raw, path)
    base = path.resolve().parent
    files = dict(
        zip(
            raw["Profiles"][BY_NAME["Profiles"].column("profile").header],
            raw["Profiles"][BY_NAME["Profiles"].column("file").header],
            strict=True,
        )
    )
    for name, frame in profiles.items():
        target = base / str(files[name])
        target.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(target, index=False, float_format="%.10g", lineterminator="\n")
    return path


def east_west_pair() -> dict[str, object]:
    """Keyword arguments of `case_tables` for a two-site trade-off case used by sweep, Pareto
    and parameter tests: interactive demand (20 ms) can only be served at `east`, which needs
    grid power (emissions cannot fall below about 280 kt); batch may go `west`, where wind
    and PV are cheap but limited. A fresh dict each call, safe to modify."""
    return {
        "regions": [{"region": "yrd", "lat": 31.2, "lon": 121.5}],
        "sites": [
            {
                "site": "east",
                "zone": "east",
                "lat": 31.0,
                "lon": 120.9,
                "max_it": 300,
                "grid_max": 600,
                "pue_cap": 1.3,
                "pv_max": 100,
                "wind_max": 50,
                "grid_price": 0.7,
                "emission_factor": 0.57,
            },
            {
                "site": "west",
                "zone": "west",
                "lat": 37.5,
                "lon": 105.2,
                "max_it": 600,
                "grid_max": 1200,
                "pue_cap": 1.2,
                "pv_max": 400,
                "wind_max": 250,
                "grid_price": 0.36,
                "emission_factor": 0.62,
            },
        ],
        "classes": [
            {"workload_class": "interactive", "max_rtt": 20.0, "bandwidth": 1.0},
            {"workload_class": "batch", "flexibility": "shiftable", "bandwidth": 0.2},
        ],
        "demand": {("yrd", "interactive"): 80.0, ("yrd", "batch"): 120.0},
        "temperature": {"east": daily([14 + 8 * abs(12 - h) / 12 for h in range(24)]), "west": 9.0},
        "wind": {"east": 0.22, "west": daily([0.15 + 0.25 * (h % 6) / 5 for h in range(24)])},
        "price": daily([0.5] * 7 + [1.2] * 10 + [1.6] * 4 + [0.8] * 3),
    }


def near_far_pair() -> dict[str, object]:
    """Keyword arguments of `case_tables` for the smallest two-site case with a choice: in
    region r1 (Shanghai), realtime demand (40 MW, 5 ms) can only be served at the near site
    s1; shiftable batch demand (60 MW) may go to the far western site s2 with cheaper grid
    power (0.35 yuan/kWh). A fresh dict each call."""
    return {
        "sites": [
            {"site": "s1", "lat": 31.0, "lon": 120.9, "pv_max": 100.0},
            {"site": "s2", "lat": 37.5, "lon": 105.2, "zone": "west", "grid_price": 0.35},
        ],
        "classes": [
            {"workload_class": "realtime", "max_rtt": 5.0},
            {"workload_class": "batch", "flexibility": "shiftable", "bandwidth": 0.2},
        ],
        "demand": {("r1", "realtime"): 40.0, ("r1", "batch"): 60.0},
    }


def east_west_policies() -> dict[str, object]:
    """`east_west_pair()` with policies that bind: a water cap at east (100,000 m3/yr), a
    voucher for batch served west whose budget (2 M yuan/yr) binds, and a carbon cap of
    450 kt/yr. Used by the parameter and solver tests. A fresh dict each call."""
    case = east_west_pair()
    case["sites"][0]["water_cap"] = 100000  # type: ignore[index]
    case["vouchers"] = [
        {
            "voucher": "v1",
            "issuer_region": "yrd",
            "budget": 2.0,
            "rate": 0.2,
            "compute_price": 20000,
            "eligible_sites": "west",
        }
    ]
    case["policy"] = {"carbon_cap": 450000}
    return case


# --- seeded random cases for benchmarks ----------------------------------------------------

_HOUR = np.arange(HOURS_PER_YEAR)
_CLOCK = _HOUR % HOURS_PER_DAY
_DAY = _HOUR // HOURS_PER_DAY
# Time of use (DATA.md): valley 23:00-07:00 0.4, peak 10-12 and 17-21 1.6, flat 1.0; mean 1.
_TOU = np.ones(HOURS_PER_DAY)
_TOU[[23, 0, 1, 2, 3, 4, 5, 6]] = 0.4
_TOU[[10, 11, 17, 18, 19, 20]] = 1.6
_TOU = _TOU / _TOU.mean()
DEFAULT_CLASSES: list[dict[str, object]] = [
    {
        "workload_class": "realtime",
        "max_rtt": 5.0,
        "flexibility": "fixed",
        "shape": "diurnal",
        "bandwidth": 1.0,
    },
    {
        "workload_class": "interactive",
        "max_rtt": 20.0,
        "flexibility": "fixed",
        "shape": "diurnal",
        "bandwidth": 1.0,
    },
    {"workload_class": "batch", "flexibility": "shiftable", "bandwidth": 0.2},
    {"workload_class": "training", "flexibility": "shiftable", "bandwidth": 0.2},
    {"workload_class": "storage", "flexibility": "fixed", "bandwidth": 0.2},
]
CLASS_SHARES = {
    "realtime": 0.15,
    "interactive": 0.30,
    "batch": 0.25,
    "training": 0.25,
    "storage": 0.05,
}


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Stationary AR(1) series with unit standard deviation and lag-1 correlation phi."""
    from scipy.signal import lfilter

    z = rng.standard_normal(n)
    innovations = np.sqrt(1.0 - phi**2) * z
    innovations[0] = z[0]
    return lfilter([1.0], [1.0, -phi], innovations)


def _scale_mean(base: np.ndarray, target: float) -> np.ndarray:
    """clip(s·base, 0, 1) with s iterated until the mean is `target` (to 1e-9)."""
    scale = target / base.mean()
    out = np.clip(scale * base, 0.0, 1.0)
    for _ in range(100):
        mean = out.mean()
        if abs(mean - target) <= 1e-9:
            break
        scale *= target / mean
        out = np.clip(scale * base, 0.0, 1.0)
    return out


def _clear_sky(lat: float, lon: float) -> np.ndarray:
    """sin(solar elevation) at mid-hour, clipped at 0 (declination and hour-angle formulas;
    clock = UTC+8, so solar time = clock + (lon − 120)/15 h)."""
    declination = np.radians(23.44) * np.sin(2 * np.pi * (284 + _DAY + 1) / 365)
    solar_hour = _CLOCK + 0.5 + (lon - 120.0) / 15.0
    hour_angle = np.radians(15.0 * (solar_hour - 12.0))
    phi = np.radians(lat)
    elevation = np.sin(phi) * np.sin(declination) + np.cos(phi) * np.cos(declination) * np.cos(
        hour_angle
    )
    return np.clip(elevation, 0.0, None)


def synthetic_tables(
    n_sites: int = 40,
    n_regions: int = 6,
    seed: int = 0,
    settings: Mapping[str, object] | None = None,
) -> tuple[RawTables, dict[str, pd.DataFrame]]:
    """Raw tables and profiles of the seeded random case that `synthetic_case` describes;
    write them with `write_case` to run a benchmark through the CLI."""
    if n_sites < 1 or n_regions < 1:
        raise ValueError("a synthetic case needs at least one site and one region")
    rng = np.random.default_rng(seed)
    region_rows = []
    for i in range(n_regions):
        region_rows.append(
            {
                "region": f"r{i + 1:02d}",
                "lat": round(float(rng.uniform(22.0, 41.0)), 3),
                "lon": round(float(rng.uniform(108.0, 122.0)), 3),
            }
        )
    site_rows = []
    for i in range(n_sites):
        if i < n_regions:
            near = region_rows[i]
            lat = float(near["lat"]) + float(rng.uniform(-0.8, 0.8))
            lon = float(near["lon"]) + float(rng.uniform(-0.8, 0.8))
        else:
            lat, lon = float(rng.uniform(22.0, 45.0)), float(rng.uniform(90.0, 122.0))
        west = lon < 110.0
        max_it = 1500.0 if west else 600.0
        site_rows.append(
            {
                "site": f"s{i + 1:03d}",
                "zone": "west" if west else "east",
                "lat": round(lat, 3),
                "lon": round(lon, 3),
                "max_it": max_it,
                "grid_max": 1.6 * max_it,
                "pue_cap": 1.2 if west else 1.25,
                "pv_max": 5000.0 if west else 300.0,
                "wind_max": 5000.0 if west else 200.0,
                "grid_price": round(
                    float(rng.uniform(0.33, 0.42) if west else rng.uniform(0.55, 0.78)), 4
                ),
                "emission_factor": round(float(rng.uniform(0.15, 0.70)), 4),
            }
        )
    demand = {}
    for region in region_rows:
        total = float(rng.uniform(150.0, 1000.0))
        for w, share in CLASS_SHARES.items():
            demand[(str(region["region"]), w)] = round(total * share, 3)

    temperature, pv, wind = {}, {}, {}
    season = np.cos(2 * np.pi * (_HOUR / 24.0 - 14.5) / 365.0)
    diurnal = np.cos(2 * np.pi * (_CLOCK - 15) / 24.0)
    for row in site_rows:
        lat, lon = float(row["lat"]), float(row["lon"])
        mean = 24.0 - 0.75 * (lat - 22.0) - (3.0 if lon < 104 else 0.0)
        seasonal = 8.0 + 0.35 * (lat - 22.0)
        weather = 2.5 * _ar1(rng, HOURS_PER_YEAR, 0.97)
        temperature[row["site"]] = np.clip(
            mean - seasonal * season + 4.5 * diurnal + weather, -59.0, 59.0
        )
        cloud = np.clip(0.75 + 0.25 * _ar1(rng, 365, 0.5)[_DAY], 0.05, 1.0)
        pv[row["site"]] = _scale_mean(_clear_sky(lat, lon) * cloud, float(rng.uniform(0.1, 0.18)))
        speed = np.exp(0.45 * _ar1(rng, HOURS_PER_YEAR, 0.96))
        wind[row["site"]] = _scale_mean(speed**3, float(rng.uniform(0.20, 0.32)))
    shape = np.interp(
        np.arange(24), [0, 4, 9, 12, 15, 20, 23], [0.7, 0.6, 1.05, 1.15, 1.1, 1.3, 0.9], period=24
    )
    defaults: dict[str, object] = {"time": "typical:12"}
    if n_sites < n_regions:
        defaults["allow_unserved"] = True
    return case_tables(
        regions=region_rows,
        sites=site_rows,
        classes=DEFAULT_CLASSES,
        demand=demand,
        settings={**defaults, **(settings or {})},
        temperature=temperature,
        pv=pv,
        wind=wind,
        price=_TOU,
        demand_shapes={"diurnal": shape / shape.mean()},
    )


def synthetic_case(
    n_sites: int = 40,
    n_regions: int = 6,
    seed: int = 0,
    settings: Mapping[str, object] | None = None,
    name: str | None = None,
) -> Case:
    """A seeded random case of China-like geography (benchmarks, fuzz tests).

    Regions: eastern centroids (lat 22–41 N, lon 108–122 E) with 150–1000 MW of demand each,
    split over the default case's five classes (realtime ≤ 5 ms and interactive ≤ 20 ms with
    a diurnal shape; batch and training shiftable; storage flat). Sites: one near each
    region (within about 0.8 degrees, so realtime demand has a site within 5 ms), the rest
    anywhere in lat 22–45 N, lon 90–122 E; west of 110 E a site is 'west' (1500 MW, PUE cap
    1.2, grid 0.33–0.42 yuan/kWh, 5000 MW PV and wind potential), else 'east' (600 MW, PUE
    cap 1.25, grid 0.55–0.78 yuan/kWh, 300 MW PV, 200 MW wind). Profiles cost only numpy:
    temperature from latitude with seasonal and diurnal cosines plus AR(1) weather; PV from
    solar elevation times a daily AR(1) cloudiness, scaled to an annual capacity factor
    0.10–0.18; wind from an AR(1) speed through a cubic curve, scaled to 0.20–0.32; the
    default time-of-use pattern. Settings: time = typical:12 unless `settings` says
    otherwise; with fewer sites than regions `allow_unserved` is on (some realtime demand may
    have no site within reach). Named `synthetic-<n>s-<m>r-<seed>` unless `name` is given.
    Same arguments, same case (also the same `Case.fingerprint()`).
    """
    raw, profiles = synthetic_tables(n_sites, n_regions, seed, settings)
    label = name or f"synthetic-{n_sites}s-{n_regions}r-{seed}"
    return build_case(raw, None, label, scenario=None, profiles=profiles)


__all__ = [
    "CLASS_DEFAULTS",
    "DEFAULT_COOLING",
    "DEFAULT_TECHNOLOGIES",
    "SITE_DEFAULTS",
    "case_tables",
    "daily",
    "profile_frame",
    "small_case",
    "solar_day",
    "synthetic_case",
    "synthetic_tables",
    "table",
    "write_case",
]
