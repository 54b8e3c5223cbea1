"""Compare 2–20 results folders: headline deltas, capacity, routing and input differences.

`compare(folders)` reads each folder's saved files only (as `planner.report.load_run` does),
after checking each against its manifest (`planner.writers.verify_manifest`): a folder whose
files changed since its run, or that has no manifest, is refused. Runs may have different
sites, regions or workload classes: every table is an outer join over the runs, with blank
cells where a run has no such row.

Deltas are always against the first run: delta = run − first run, in the row's unit;
relative delta = delta ÷ |first run|.

`write_comparison(folders, out)` writes comparison.html (self-contained, opens offline) and
comparison.xlsx into `out` (default `results/compare-<UTC timestamp>/`), atomically.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from planner import __version__, charts
from planner.report import HtmlTable, RunFolder, environment, html_table, load_run
from planner.workbook import Sheet, write_workbook

MIN_RUNS, MAX_RUNS = 2, 20
from planner.writers import RESULTS_DIR, timestamped_dir  # noqa: E402

TEMP_PREFIX = ".incomplete-"
EPS_MW = 1e-6

# summary key ('a.b': key b of the summary's dict a), label, unit shown, scale from the
# summary unit to the unit shown, and which direction is better for the planner: "lower",
# "higher" or "" (neither: a capacity is a means, not a goal). Shares (unit "%") change in
# percentage points.
HEADLINE = (
    ("objective_myuan", "annual cost", "M yuan/yr", 1.0, "lower"),
    ("emissions_t", "grid CO2 emissions", "kt CO2/yr", 1e-3, "lower"),
    ("green_share", "green share of facility energy", "%", 100.0, "higher"),
    ("cfe_score", "hourly CFE score (24/7 matched)", "%", 100.0, "higher"),
    ("pue_avg", "average PUE", "-", 1.0, "lower"),
    ("water_m3", "water use", "million m3/yr", 1e-6, "lower"),
    ("west_share", "compute served in the west", "%", 100.0, ""),
    ("it_capacity_mw", "IT capacity built", "MW", 1.0, ""),
    ("pv_mw", "PV built", "MW", 1.0, ""),
    ("wind_mw", "wind built", "MW", 1.0, ""),
    ("battery_mwh", "battery energy built", "MWh", 1.0, ""),
    ("unserved_mw", "unserved demand", "MW", 1.0, "lower"),
)
# Full-year figures of runs made with --redispatch (summary["redispatch"]); shown when any
# run has them.
FULL_YEAR = (
    ("redispatch.annual_cost_myuan", "annual cost, full year", "M yuan/yr", 1.0, "lower"),
    ("redispatch.emissions_t", "grid CO2 emissions, full year", "kt CO2/yr", 1e-3, "lower"),
    ("redispatch.green_share", "green share, full year", "%", 100.0, "higher"),
    ("redispatch.cfe_score", "hourly CFE score, full year", "%", 100.0, "higher"),
    ("redispatch.pue", "average PUE, full year", "-", 1.0, "lower"),
)
# Compute and chips (formulation §8b; summary["compute"]); shown when any run has them, with
# one row per accelerator family for its supply-cap shadow price ('/' walks nested dicts).
COMPUTE = (
    ("compute.pflops_installed", "accelerators installed", "PFLOPS", 1.0, ""),
    ("compute.domestic_share", "domestic share of accelerators", "%", 100.0, ""),
    ("compute.mw_per_pflops", "IT power per PFLOPS served", "kW/PFLOPS", 1000.0, "lower"),
    ("compute.it_mwh_per_pflops_yr", "IT energy per PFLOPS-year", "MWh", 1.0, "lower"),
    ("compute.liquid_cooled_share", "IT capacity on liquid cooling", "%", 100.0, ""),
    ("compute.server_capital_myuan", "server capex", "M yuan/yr", 1.0, "lower"),
)
CAPACITY_COLUMNS = ("it_capacity_mw", "pv_mw", "wind_mw", "battery_mw", "battery_mwh")
# Capacity and routing rows whose values differ by less than this across the runs are not
# listed as differences: a degenerate LP may shuffle a fraction of a MW between equal options.
SHUFFLE_MW = 0.5


class CompareError(Exception):
    """The folders cannot be compared (too few or many, changed files, not results folders).

    problems: every reason found, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def check_folders(folders: list[Path]) -> list[str]:
    """Every reason the folders cannot be compared (empty list: they can)."""
    from planner.writers import verify_manifest

    problems = []
    if not MIN_RUNS <= len(folders) <= MAX_RUNS:
        problems.append(
            f"compare takes {MIN_RUNS} to {MAX_RUNS} results folders, got {len(folders)}"
        )
    seen: set[Path] = set()
    for folder in folders:
        folder = Path(folder)
        resolved = folder.resolve()
        if resolved in seen:
            problems.append(f"{folder}: given twice")
            continue
        seen.add(resolved)
        if not folder.is_dir():
            problems.append(f"{folder}: no such folder")
            continue
        problems.extend(verify_manifest(folder))
        if not (folder / "summary.json").is_file():
            problems.append(f"{folder}: no summary.json: not a results folder")
    return problems


def parse_labels(pairs: list[str], folders: list[Path]) -> dict[Path, str]:
    """`NAME=RUN` pairs (RUN: one of the folders given) → {resolved folder: NAME}. Raises
    CompareError naming every pair that does not fit."""
    problems, labels = [], {}
    given = {Path(f).resolve(): Path(f) for f in folders}
    for pair in pairs:
        name, sep, run = pair.partition("=")
        name = name.strip()
        if not sep or not name or not run.strip():
            problems.append(f"--label {pair!r}: write NAME=RUN_DIR")
            continue
        folder = Path(run.strip()).resolve()
        if folder not in given:
            problems.append(f"--label {pair!r}: {run.strip()} is not one of the folders compared")
        elif name in labels.values():
            problems.append(f"--label {pair!r}: the label {name!r} is given twice")
        else:
            labels[folder] = name
    if problems:
        raise CompareError(problems)
    return labels


def run_labels(runs: list[RunFolder], given: dict[Path, str] | None = None) -> list[str]:
    """A short unique label per run: the one given (`--label NAME=RUN`), else its scenario;
    `scenario (folder)` when two runs share a scenario (`scenario (parent/folder)` when the
    folder names repeat too)."""
    given = given or {}
    scenarios = [r.scenario or r.folder.name for r in runs]
    labels = []
    for s, r in zip(scenarios, runs, strict=True):
        if r.folder.resolve() in given:
            labels.append(given[r.folder.resolve()])
            continue
        if scenarios.count(s) == 1:
            labels.append(s)
            continue
        same = [o.folder.name for o, t in zip(runs, scenarios, strict=True) if t == s]
        where = (
            r.folder.name
            if same.count(r.folder.name) == 1
            else (f"{r.folder.parent.name}/{r.folder.name}")
        )
        labels.append(f"{s} ({where})")
    out: list[str] = []
    for label in labels:
        unique, n = label, 1
        while unique in out:
            n += 1
            unique = f"{label} #{n}"
        out.append(unique)
    return out


# ----------------------------------------------------------------------------- tables


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _add_deltas(frame: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Append `delta <label>` columns (run − first run) for every run after the first."""
    first = labels[0]
    for label in labels[1:]:
        frame[f"delta {label}"] = frame[label] - frame[first]
    return frame


def _summary_value(summary: dict, key: str) -> float | None:
    """summary[key], or summary[a][b] for 'a.b' (summary[a][b][c] for 'a.b/c'); None when
    absent or not a number."""
    head, _, tail = key.partition(".")
    value = summary.get(head)
    for part in tail.split("/") if tail else ():
        value = value.get(part) if isinstance(value, dict) else None
    return _number(value)


def _compute_figures(runs: list[RunFolder]) -> list[tuple]:
    """COMPUTE and one supply-shadow-price row per family, when any run has compute figures."""
    if not any(r.summary.get("compute") for r in runs):
        return []
    families = _first_seen(
        [f for r in runs for f in ((r.summary.get("compute") or {}).get("families") or {})]
    )
    per_family = [
        (
            f"compute.families/{f}/shadow_price_yuan_per_server_yr",
            f"value of one more {f} server (supply shadow price)",
            "yuan/yr",
            1.0,
            "",
        )
        for f in families
    ]
    return [*COMPUTE, *per_family]


def headline_table(runs: list[RunFolder], labels: list[str]) -> pd.DataFrame:
    """One row per headline figure: label, unit, which direction is better, value per run (in
    the unit shown), deltas against the first run and relative deltas (share). Full-year
    figures (--redispatch) are added when any run has them."""
    rows = []
    figures = list(HEADLINE)
    if any(_summary_value(r.summary, FULL_YEAR[0][0]) is not None for r in runs):
        figures += FULL_YEAR
    figures += _compute_figures(runs)
    for key, label, unit, scale, better in figures:
        row: dict[str, object] = {
            "figure": key,
            "label": label,
            "unit": unit,
            "scale": scale,
            "better": better,
        }
        for run, name in zip(runs, labels, strict=True):
            v = _summary_value(run.summary, key)
            row[name] = None if v is None else v * scale
        rows.append(row)
    frame = pd.DataFrame(rows)
    for name in labels:
        frame[name] = pd.to_numeric(frame[name], errors="coerce")
    frame = _add_deltas(frame, labels)
    first = frame[labels[0]]
    for name in labels[1:]:
        base = first.abs().where(first.abs() > 0)
        frame[f"relative delta {name}"] = frame[f"delta {name}"] / base
    return frame


def cost_table(runs: list[RunFolder], labels: list[str]) -> pd.DataFrame:
    """Cost terms [M yuan/yr] × runs (outer join; blank: the run has no such term)."""
    parts = []
    for run, name in zip(runs, labels, strict=True):
        costs = run.table("costs")
        if not costs.empty:
            parts.append(costs.groupby("term", sort=False)["cost_myuan"].sum().rename(name))
    if not parts:
        return pd.DataFrame(columns=["term", *labels])
    frame = pd.concat(parts, axis=1).reindex(columns=labels)
    frame.index.name = "term"
    total = frame.sum(axis=0, min_count=1).rename("total")
    frame = pd.concat([frame, total.to_frame().T])
    frame.index.name = "term"
    return _add_deltas(frame.reset_index(), labels)


def capacity_table(runs: list[RunFolder], labels: list[str]) -> pd.DataFrame:
    """Capacities per site: rows (site, quantity) for IT capacity (total and per cooling
    technology), PV, wind, battery power and energy; one column per run, then deltas.
    Blank: the site is not in that run."""
    quantities: list[str] = []
    for run in runs:
        sites = run.table("sites")
        for col in [
            "it_capacity_mw",
            *charts.cooling_columns(sites).values(),
            *CAPACITY_COLUMNS[1:],
        ]:
            if col in sites and col not in quantities:
                quantities.append(col)
    parts = []
    for run, name in zip(runs, labels, strict=True):
        sites = run.table("sites")
        if sites.empty:
            continue
        cols = [c for c in quantities if c in sites]
        long = sites.melt(id_vars="site", value_vars=cols, var_name="quantity", value_name=name)
        parts.append(long.set_index(["site", "quantity"])[name])
    if not parts:
        return pd.DataFrame(columns=["site", "quantity", *labels])
    frame = pd.concat(parts, axis=1).reindex(columns=labels)
    order = {q: i for i, q in enumerate(quantities)}
    frame = frame.reset_index()
    frame["_q"] = frame["quantity"].map(order)
    sites_order = _first_seen([s for run in runs for s in run.table("sites").get("site", [])])
    frame["_s"] = frame["site"].map({s: i for i, s in enumerate(sites_order)})
    frame = frame.sort_values(["_q", "_s"]).drop(columns=["_q", "_s"]).reset_index(drop=True)
    return _add_deltas(frame, labels)


def _first_seen(items: list[object]) -> list[object]:
    out: list[object] = []
    seen: set[object] = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def routing_table(runs: list[RunFolder], labels: list[str]) -> pd.DataFrame:
    """Served MW per route (region, workload_class, site) × runs, then deltas. A route a run
    does not use counts as 0 MW; blank only when the run has no routing table at all."""
    keys = ["region", "workload_class", "site"]
    parts = []
    for run, name in zip(runs, labels, strict=True):
        routing = run.table("routing")
        if routing.empty or not set(keys) <= set(routing.columns):
            continue
        parts.append(routing.groupby(keys, sort=False)["served_mw"].sum().rename(name))
    if not parts:
        return pd.DataFrame(columns=[*keys, *labels])
    frame = pd.concat(parts, axis=1).reindex(columns=labels)
    for run, name in zip(runs, labels, strict=True):
        if "routing" in run.tables:
            frame[name] = frame[name].fillna(0.0)
    frame = frame.reset_index().sort_values(keys, kind="stable").reset_index(drop=True)
    return _add_deltas(frame, labels)


def zone_table(runs: list[RunFolder], labels: list[str]) -> pd.DataFrame:
    """Compute served [MW] by the zone of the serving site × runs."""
    parts = []
    for run, name in zip(runs, labels, strict=True):
        routing = run.table("routing")
        if routing.empty or "zone" not in routing:
            continue
        parts.append(routing.groupby("zone", sort=False)["served_mw"].sum().rename(name))
    if not parts:
        return pd.DataFrame(columns=labels)
    frame = pd.concat(parts, axis=1).reindex(columns=labels).fillna(0.0)
    order = [z for z in ("west", "central", "east") if z in frame.index]
    frame = frame.reindex(order + [z for z in frame.index if z not in order])
    frame.index.name = "zone"
    return frame


def supply_table(runs: list[RunFolder], labels: list[str]) -> pd.DataFrame:
    """Totals over all sites: PV [MW], wind [MW], battery energy [MWh] × runs."""
    rows = {}
    for key in ("pv_mw", "wind_mw", "battery_mwh"):
        rows[key] = [_number(r.summary.get(key)) for r in runs]
    frame = pd.DataFrame(rows, index=labels).T
    frame.index.name = "quantity"
    return frame


def _key_columns(sheet: str, frame: pd.DataFrame) -> list[str]:
    """Header texts of a raw input table's key (schema key; key-value sheets: `key`)."""
    from planner.inputs.schema import BY_NAME

    spec = BY_NAME.get(sheet)
    if spec is not None and spec.kind == "keyvalue":
        return ["key"] if "key" in frame.columns else list(frame.columns[:1])
    if spec is not None and spec.key:
        headers = []
        for name in spec.key:
            try:
                header = spec.column(name).header
            except StopIteration:
                header = name
            if header in frame.columns:
                headers.append(header)
        if headers:
            return headers
    return list(frame.columns[:1])


def _norm(value: object) -> object:
    """A raw input cell comparable across runs: numbers as rounded floats, text stripped."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        f = float(value)
        if math.isnan(f):
            return None
        return float(f"{f:.12g}")
    text = str(value).strip()
    if text == "":
        return None
    try:
        return float(f"{float(text):.12g}")
    except ValueError:
        return text.lower() if text.lower() in ("true", "false") else text


def inputs_diff(runs: list[RunFolder], labels: list[str]) -> pd.DataFrame:
    """Input cells that differ between runs: sheet, key, column, then the value in each run
    (`(no row)` when the run's table lacks the row, `(no sheet)` when it lacks the sheet).
    First rows (sheet `(run)`): the scenario, time resolution and MIP mode when they differ."""
    sheets = _first_seen([name for run in runs for name in run.inputs])
    rows: list[dict[str, object]] = []
    for item in ("scenario", "time", "mip"):
        values = [
            r.scenario if item == "scenario" else (r.summary.get("options") or {}).get(item)
            for r in runs
        ]
        if item == "time":
            values = [r.summary.get("time", v) for r, v in zip(runs, values, strict=True)]
        if len({repr(_norm(v)) for v in values}) > 1:
            row = {"sheet": "(run)", "key": item, "column": "option"}
            row.update({name: _cell(v) for name, v in zip(labels, values, strict=True)})
            rows.append(row)
    for sheet in sheets:
        frames = [run.inputs.get(sheet) for run in runs]
        present = [f for f in frames if f is not None and not f.empty]
        if not present:
            continue
        keys = _key_columns(sheet, present[0])
        indexed: list[pd.DataFrame | None] = []
        for frame in frames:
            if frame is None or frame.empty or not set(keys) <= set(frame.columns):
                indexed.append(None)
                continue
            f = frame.copy()
            f["_key"] = ["/".join("" if v is None else str(v) for v in t) for t in f[keys].values]
            indexed.append(f.drop_duplicates("_key").set_index("_key"))
        all_keys = _first_seen([k for f in indexed if f is not None for k in f.index])
        columns = _first_seen(
            [c for f in indexed if f is not None for c in f.columns if c not in keys]
        )
        for key in all_keys:
            for col in columns:
                values = []
                for f in indexed:
                    if f is None:
                        values.append("(no sheet)")
                    elif key not in f.index:
                        values.append("(no row)")
                    elif col not in f.columns:
                        values.append(None)
                    else:
                        values.append(f.at[key, col])
                if len({repr(_norm(v)) for v in values}) > 1:
                    row: dict[str, object] = {"sheet": sheet, "key": key, "column": col}
                    row.update({name: _cell(v) for name, v in zip(labels, values, strict=True)})
                    rows.append(row)
    return pd.DataFrame(rows, columns=["sheet", "key", "column", *labels], dtype=object)


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def runs_table(runs: list[RunFolder], labels: list[str]) -> pd.DataFrame:
    """What each run is: folder, case, scenario, time, options, status, created, versions."""
    rows = []
    for run, label in zip(runs, labels, strict=True):
        m = run.manifest or {}
        options = m.get("options") or run.summary.get("options") or {}
        rows.append(
            {
                "run": label,
                "folder": str(run.folder),
                "case": run.summary.get("case"),
                "scenario": run.scenario,
                "time": run.summary.get("time"),
                "mip": options.get("mip"),
                "status": run.summary.get("status"),
                "created_utc": m.get("created_utc"),
                "dcplan": (m.get("versions") or {}).get("dcplan"),
                "inputs_sha256": (m.get("inputs_sha256") or run.summary.get("inputs_sha256")),
            }
        )
    return pd.DataFrame(rows, dtype=object)


@dataclass
class Comparison:
    """Every comparison table (DataFrames with units in column names or a unit column)."""

    runs: list[RunFolder]
    labels: list[str]
    overview: pd.DataFrame
    headline: pd.DataFrame
    costs: pd.DataFrame
    capacity: pd.DataFrame
    routing: pd.DataFrame
    zones: pd.DataFrame
    supply: pd.DataFrame
    inputs: pd.DataFrame

    def sheets(self) -> list[Sheet]:
        """comparison.xlsx sheets: (name, frame, number format kind)."""
        return [
            ("runs", self.overview, False),
            ("headline", self.headline.drop(columns=["scale", "better"]), "number"),
            ("costs_myuan", self.costs, "money"),
            ("capacity", self.capacity, "power"),
            ("routing_served_mw", self.routing, "power"),
            ("served_by_zone_mw", self.zones.reset_index(), "power"),
            ("inputs_differ", self.inputs, False),
        ]


def compare(folders: list[Path], labels: list[str] | None = None) -> Comparison:
    """Load and compare results folders; `labels`: `NAME=RUN` pairs naming runs. Raises
    CompareError listing every problem."""
    folders = [Path(f) for f in folders]
    problems = check_folders(folders)
    if problems:
        raise CompareError(problems)
    given = parse_labels(labels or [], folders)
    runs = [load_run(f) for f in folders]
    labels = run_labels(runs, given)
    return Comparison(
        runs=runs,
        labels=labels,
        overview=runs_table(runs, labels),
        headline=headline_table(runs, labels),
        costs=cost_table(runs, labels),
        capacity=capacity_table(runs, labels),
        routing=routing_table(runs, labels),
        zones=zone_table(runs, labels),
        supply=supply_table(runs, labels),
        inputs=inputs_diff(runs, labels),
    )


# ----------------------------------------------------------------------------- page


def delta_class(delta: float, better: str) -> str:
    """CSS class of a delta by what it means: "better", "worse", or "" (no direction)."""
    if not better or delta == 0:
        return ""
    return "better" if (delta < 0) == (better == "lower") else "worse"


def delta_text(value: float, relative: float | None, unit: str, decimals: int) -> str:
    """'+12.3 (+1.2%)'; shares (unit %) in percentage points: '+2.1 pp'."""
    if unit == "%":
        return f"{value:+,.{decimals}f} pp"
    text = f"{value:+,.{decimals}f}"
    if relative is not None and not pd.isna(relative):
        text += f" ({relative:+.1%})"
    return text


def headline_deltas(c: Comparison) -> list[dict]:
    """The headline figures that differ between runs, for the console and `--json`: figure,
    label, unit, better, value per run, delta per later run and its meaning."""
    out = []
    for r in c.headline.to_dict("records"):
        values = {label: (None if pd.isna(r[label]) else float(r[label])) for label in c.labels}
        deltas = {
            label: float(r[f"delta {label}"])
            for label in c.labels[1:]
            if not pd.isna(r[f"delta {label}"])
        }
        if not any(abs(d) > 1e-9 for d in deltas.values()):
            continue
        out.append(
            {
                "figure": r["figure"],
                "label": r["label"],
                "unit": r["unit"],
                "better": r["better"] or None,
                "values": values,
                "deltas": deltas,
                "meaning": {k: delta_class(d, r["better"]) or None for k, d in deltas.items()},
            }
        )
    return out


def _differs(frame: pd.DataFrame, labels: list[str], tolerance: float) -> pd.DataFrame:
    deltas = [f"delta {label}" for label in labels[1:]]
    if frame.empty or not deltas:
        return frame
    values = frame[labels]
    spread = values.max(axis=1) - values.min(axis=1)
    missing = values.isna().any(axis=1) & values.notna().any(axis=1)
    return frame[(spread.abs() > tolerance) | missing]


@dataclass
class HeadlineRow:
    """One headline figure across runs, formatted for the page."""

    key: str
    label: str
    unit: str
    cells: list[tuple[str, str, str, str]]  # (run, value text, delta text, css class)


def headline_decimals(figure: str, unit: str) -> int:
    """Decimals a headline figure is shown with (PUE 3, million m3 2, else 1)."""
    return 3 if unit == "-" else (2 if unit == "million m3/yr" else 1)


def _headline_rows(headline: pd.DataFrame, labels: list[str]) -> list[HeadlineRow]:
    rows = []
    for r in headline.to_dict("records"):
        decimals = headline_decimals(r["figure"], r["unit"])
        cells = []
        for i, label in enumerate(labels):
            value = r[label]
            text = "–" if value is None or pd.isna(value) else f"{value:,.{decimals}f}"
            delta, cls = "", ""
            if i > 0:
                d = r[f"delta {label}"]
                rel = r[f"relative delta {label}"]
                if d is not None and not pd.isna(d):
                    delta = delta_text(d, rel, r["unit"], decimals)
                    cls = delta_class(d, r["better"])
            cells.append((label, text, delta, cls))
        rows.append(HeadlineRow(r["figure"], r["label"], r["unit"], cells))
    return rows


def _table(
    frame: pd.DataFrame, kind: str | None = None, labels: list[str] | None = None
) -> HtmlTable | None:
    """A table for the page: titles for people with units, except the run columns (run
    labels are the user's text) and their `delta …` columns; a `quantity` column's values
    (results column names) are shown as titles too."""
    if frame.empty:
        return None
    runs = set(labels or [])
    keep = {c for c in frame.columns if c in runs or str(c).startswith("delta ")}
    if "quantity" in frame:
        frame = frame.assign(quantity=frame["quantity"].map(charts.column_title))
    return html_table(frame, kind=kind, keep=keep)


def comparison_context(c: Comparison) -> dict:
    """Everything comparison.html shows."""
    figs = {}

    def add(fig_id: str, fig) -> None:
        figs[fig_id] = charts.figure_block(fig, fig_id)

    headline_plot = c.headline[c.headline["figure"].isin([h[0] for h in HEADLINE[:6]])]
    headline_plot = headline_plot.drop(columns=["better"])
    add("fig-headline", charts.compare_headline(headline_plot, c.labels))
    if not c.costs.empty:
        costs = c.costs[c.costs["term"] != "total"].set_index("term")[c.labels]
        costs = costs[(costs.fillna(0).abs() > 1e-9).any(axis=1)]
        add("fig-costs", charts.compare_costs(costs, c.labels))
    it = c.capacity[c.capacity["quantity"] == "it_capacity_mw"] if not c.capacity.empty else None
    if it is not None and len(it):
        add("fig-capacity", charts.compare_capacity(it.set_index("site")[c.labels], c.labels))
    if not c.zones.empty:
        add("fig-zones", charts.compare_zones(c.zones, c.labels))
    add("fig-supply", charts.compare_supply(c.supply, c.labels))
    capacity = _differs(c.capacity, c.labels, SHUFFLE_MW)
    routing = _differs(c.routing, c.labels, SHUFFLE_MW)
    return {
        "title": " vs ".join(c.labels),
        "labels": c.labels,
        "first": c.labels[0],
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "overview": _table(
            c.overview.assign(
                inputs_sha256=c.overview["inputs_sha256"].map(
                    lambda h: f"{h[:12]}…" if isinstance(h, str) else h
                )
            )
        ),
        "headline": _headline_rows(c.headline, c.labels),
        "costs": _table(c.costs, "money", c.labels),
        "capacity": _table(capacity, "power", c.labels),
        "capacity_total": len(c.capacity),
        "routing": _table(routing, "power", c.labels),
        "routing_total": len(c.routing),
        "inputs": _table(c.inputs, labels=c.labels),
        "figs": figs,
        "plotly_js": charts.plotly_js(),
        "render_script": charts.RENDER_SCRIPT,
        "version": __version__,
    }


def render_comparison(c: Comparison) -> str:
    """comparison.html text."""
    return environment().get_template("comparison.html.j2").render(**comparison_context(c))


def default_out_dir(root: Path = RESULTS_DIR) -> Path:
    """results/compare-<UTC timestamp> (a suffix when taken)."""
    return timestamped_dir(root, "compare")


def write_comparison(
    folders: list[Path],
    out: Path | None = None,
    overwrite: bool = False,
    labels: list[str] | None = None,
) -> Path:
    """Compare the folders and write comparison.html and comparison.xlsx into `out`
    atomically (temporary folder, then rename). Raises CompareError (bad folders) or
    FileExistsError (`out` exists and overwrite is False)."""
    return write_compared(compare(folders, labels), out, overwrite)


def write_compared(
    comparison: Comparison, out: Path | None = None, overwrite: bool = False
) -> Path:
    """Write comparison.html and comparison.xlsx of a `compare` result (see write_comparison)."""
    from planner.writers import check_target, replace_folder, reserve_target

    folders = [run.folder for run in comparison.runs]
    target = Path(out) if out is not None else default_out_dir()
    check_target(target, overwrite, inputs=folders)  # only a dcplan folder is replaced
    temp = reserve_target(target)
    try:
        (temp / "comparison.html").write_text(render_comparison(comparison), encoding="utf-8")
        write_workbook(temp / "comparison.xlsx", comparison.sheets())
        replace_folder(temp, target, overwrite)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return target
