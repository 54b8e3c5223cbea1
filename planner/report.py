"""report.html: one self-contained page built from a results folder's saved files.

`write_report(folder)` reads only the folder (summary.json, sites/routing/costs/duals CSV,
hourly.parquet or hourly.csv, unserved.csv, inputs/case/*.csv, run.log, limits.json and
manifest.json when present), so `dcplan report RUN_DIR` rebuilds it without solving. The
page inlines plotly.js once and embeds each chart's data as JSON, so it opens offline; the
default case's page is about 2.1 MB, of which plotly.js (gzip, base64) is 1.9 MB.

All text from the inputs is escaped: HTML by jinja2's autoescape, chart JSON by
`planner.charts.script_safe`. Headline numbers carry their exact summary.json value in
`data-value` (e.g. `<span data-figure="objective_myuan" data-value="33800.43…">`), so tests
and scripts can check the page against summary.json.

Sections pick limits by the role each registered (limits.json, `models.registry.ROLES`),
never by a constraint's name, so a new block's limit shows up without an edit here. A folder
written before limits.json existed has no roles: its duals are listed in the table of binding
constraints only.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from models.registry import DEMAND_PRICE, PLAN_CAP, SITE_CAP
from planner import __version__, charts
from planner.workbook import FORMATS, column_kind

TEMPLATES = Path(__file__).resolve().parent / "templates"
RESULT_TABLES = (
    "sites",
    "routing",
    "costs",
    "duals",
    "unserved",
    "redispatch",
    "lines",
    "hold_rounds",
    "hardware",
    "hardware_supply",
)
FORMULA_PREFIXES = ("=", "+", "-", "@")
HOURS_PER_DAY = 24
WINTER_WEEK_START_DAY = 14  # 15 January (day index from 0)
SUMMER_WEEK_START_DAY = 195  # 15 July
ASSUMPTION_FLAGS = ("E", "A")
# the demand prices the heat map shows, and the plan cap stated beside the carbon price
HEAT_MAP_UNIT = "yuan/MWh IT"
CARBON_UNIT = "yuan/t CO2"


@dataclass
class RunFolder:
    """Everything a report or comparison needs from one results folder (files only).

    tables: results tables present (sites, routing, hourly, costs, duals, unserved) with their
    saved column names and units. inputs: the input tables used, as in the input workbook
    (header texts such as `max_it [MW]`), keyed by sheet name. manifest: None when the folder
    has none yet (a run writes its report before its manifest). limits: limits.json's
    records, the metadata each registered limit carries (name, role, scope, unit, …).
    """

    folder: Path
    summary: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    inputs: dict[str, pd.DataFrame] = field(default_factory=dict)
    manifest: dict | None = None
    run_log: str = ""
    limits: list[dict] = field(default_factory=list)

    def table(self, name: str) -> pd.DataFrame:
        """A results table, or an empty frame when the folder has none."""
        return self.tables.get(name, pd.DataFrame())

    def limits_with_role(self, role: str, unit: str | None = None) -> list[dict]:
        """limits.json records playing `role` (and in `unit` when given), in rank order."""
        chosen = [
            r
            for r in self.limits
            if r.get("role") == role and (unit is None or r.get("unit") == unit)
        ]
        return sorted(chosen, key=lambda r: r.get("rank", 0.0))

    @property
    def scenario(self) -> str:
        return str(self.summary.get("scenario") or (self.manifest or {}).get("scenario") or "")


def _unprotect(value: object) -> object:
    """Undo the CSV writer's `'` prefix on text that a spreadsheet would run as a formula."""
    if (
        isinstance(value, str)
        and len(value) > 1
        and value[0] == "'"
        and value[1] in FORMULA_PREFIXES
    ):
        return value[1:]
    return value


def read_result_csv(path: Path) -> pd.DataFrame:
    """A results CSV with text as written (formula protection removed, ids never NaN)."""
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    for col in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[col]) and not pd.api.types.is_bool_dtype(
            frame[col]
        ):
            frame[col] = frame[col].map(_unprotect).astype(object)
    return frame


def load_run(folder: Path) -> RunFolder:
    """Read a results folder. Raises FileNotFoundError when summary.json is missing."""
    from planner.inputs.tables import CaseReadError, read_tables

    folder = Path(folder)
    summary_path = folder / "summary.json"
    if not summary_path.is_file():
        raise FileNotFoundError(f"{folder}: no summary.json: not a results folder")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    tables: dict[str, pd.DataFrame] = {}
    for name in RESULT_TABLES:
        path = folder / f"{name}.csv"
        if path.is_file():
            tables[name] = read_result_csv(path)
    if (folder / "hourly.parquet").is_file():
        tables["hourly"] = pd.read_parquet(folder / "hourly.parquet")
    elif (folder / "hourly.csv").is_file():
        tables["hourly"] = read_result_csv(folder / "hourly.csv")
    inputs: dict[str, pd.DataFrame] = {}
    case_dir = folder / "inputs" / "case"
    if case_dir.is_dir():
        try:
            inputs = read_tables(case_dir)
        except CaseReadError:
            inputs = {}
    manifest = None
    if (folder / "manifest.json").is_file():
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except ValueError:
            manifest = None
    log = (folder / "run.log").read_text(encoding="utf-8") if (folder / "run.log").is_file() else ""
    limits: list[dict] = []
    if (folder / "limits.json").is_file():
        try:
            limits = json.loads((folder / "limits.json").read_text(encoding="utf-8"))["limits"]
        except (ValueError, KeyError, TypeError):
            limits = []
    return RunFolder(folder, summary, tables, inputs, manifest, log, limits)


# ----------------------------------------------------------------------------- formatting


def fmt(value: object, column: str = "", kind: str | None = None) -> str:
    """A table cell as text: numbers formatted by the column's unit (or by `kind`, a key of
    `planner.workbook.FORMATS`), blanks for missing."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and not isinstance(value, bool):
        f = float(value)
        if math.isnan(f):
            return ""
        if math.isinf(f):
            return "∞" if f > 0 else "−∞"
        text = FORMATS[kind or column_kind(column)][1].format(f)
        if text.startswith("-") and not any(ch in "123456789" for ch in text):
            text = text[1:]  # -0.0 and tiny negative solver noise read as zero
        return text
    return str(value)


@dataclass
class HtmlTable:
    """A table ready for the template: header texts, cell texts, numeric-column flags."""

    columns: list[Markup]
    rows: list[list[str]]
    numeric: list[bool]
    title: str = ""


def html_table(
    frame: pd.DataFrame,
    labels: dict[str, str] | None = None,
    kind: str | None = None,
    keep: set[str] | frozenset[str] = frozenset(),
) -> HtmlTable:
    """Format a frame's cells for display, under titles for people with their units
    (`charts.column_title`: `it_capacity_mw` → `IT capacity [MW]`); shares (0…1) are shown in
    %. `labels` gives titles of its own; columns in `keep` (user texts such as run labels) keep
    their names. `kind` formats every number alike (default: by each column's name)."""
    labels = labels or {}
    columns = [str(c) for c in frame.columns]
    numeric = [
        pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        for c in frame.columns
    ]
    share = [c not in keep and charts.is_share(c) and kind is None for c in columns]
    rows = [
        [
            fmt(v * 100 if pct and _is_number(v) else v, col, "small" if pct else kind)
            for v, col, pct in zip(row, columns, share, strict=True)
        ]
        for row in frame.itertuples(index=False, name=None)
    ]
    titles = [labels.get(c, c if c in keep else charts.column_title(c)) for c in columns]
    return HtmlTable([_breakable(t) for t in titles], rows, numeric)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _breakable(header: str) -> Markup:
    """A header that may wrap after underscores (`it_capacity_air_mw`), escaped."""
    return Markup("_<wbr>").join(escape(part) for part in str(header).split("_"))


@dataclass
class Figure:
    """One headline number: summary key, label, exact value, displayed text and unit."""

    key: str
    label: str
    value: float | None
    display: str
    unit: str
    scale: float
    decimals: int
    note: str = ""
    alert: bool = False

    @property
    def data_value(self) -> str:
        return "" if self.value is None else repr(float(self.value))


# key, label, scale, decimals, unit
HEADLINE = (
    ("objective_myuan", "Annual cost", 1.0, 0, "M yuan/yr"),
    ("emissions_t", "Grid CO₂ emissions", 1e-6, 3, "Mt CO₂/yr"),
    ("green_share", "Green share of facility energy", 100.0, 1, "%"),
    ("cfe_score", "Hourly CFE score (24/7 matched)", 100.0, 1, "%"),
    ("west_share", "Compute served in the west", 100.0, 1, "%"),
    ("pue_avg", "Average PUE", 1.0, 3, "facility ÷ IT energy"),
    ("water_m3", "Water use", 1e-6, 2, "million m³/yr"),
    ("it_capacity_mw", "IT capacity built", 1.0, 0, "MW"),
    ("pv_mw", "PV built", 1.0, 0, "MW"),
    ("wind_mw", "Wind built", 1.0, 0, "MW"),
    ("battery_mwh", "Battery energy built", 1.0, 0, "MWh"),
    ("unserved_mw", "Unserved demand", 1.0, 1, "MW"),
)


def headline_figures(summary: dict) -> list[Figure]:
    """The headline numbers of a run, displayed from summary.json."""
    out = []
    for key, label, scale, decimals, unit in HEADLINE:
        value = summary.get(key)
        if value is None:
            out.append(Figure(key, label, None, "–", unit, scale, decimals))
            continue
        display = f"{float(value) * scale:,.{decimals}f}"
        alert = key == "unserved_mw" and float(value) > 1e-6
        out.append(Figure(key, label, float(value), display, unit, scale, decimals, alert=alert))
    return out


# ----------------------------------------------------------------------------- input helpers


def input_column(frame: pd.DataFrame, sheet: str, name: str) -> pd.Series | None:
    """An input table's column by its internal name (`max_it_mw`), whatever its header unit."""
    from planner.inputs.schema import BY_NAME

    spec = BY_NAME.get(sheet)
    label = name
    if spec is not None and spec.kind == "table":
        try:
            column = spec.column(name)
            if column.header in frame.columns:
                return frame[column.header]
            label = column.label
        except StopIteration:
            pass
    for col in frame.columns:
        if str(col).split("[")[0].strip() == label:
            return frame[col]
    return None


def _values(frame: pd.DataFrame, sheet: str, name: str, numeric: bool = False) -> list:
    """An input column's values as a list (blanks when the saved table lacks the column)."""
    column = input_column(frame, sheet, name)
    if column is None:
        return [None] * len(frame)
    if numeric:
        return pd.to_numeric(column, errors="coerce").tolist()
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in column]


def site_locations(run: RunFolder) -> pd.DataFrame:
    """index site → lat, lon, zone, name, max_it_mw (from the inputs used; may be empty)."""
    sites = run.inputs.get("Sites")
    columns = ["lat", "lon", "zone", "name", "max_it_mw"]
    if sites is None or sites.empty or input_column(sites, "Sites", "site") is None:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        {
            "lat": _values(sites, "Sites", "lat", numeric=True),
            "lon": _values(sites, "Sites", "lon", numeric=True),
            "zone": _values(sites, "Sites", "zone"),
            "name": _values(sites, "Sites", "name"),
            "max_it_mw": _values(sites, "Sites", "max_it_mw", numeric=True),
        },
        index=pd.Index([str(i) for i in _values(sites, "Sites", "site")], name="site"),
    )
    return frame[columns]


def region_locations(run: RunFolder) -> pd.DataFrame:
    """index region → lat, lon, name, demand_mw (total over classes)."""
    regions = run.inputs.get("Regions")
    if regions is None or regions.empty or input_column(regions, "Regions", "region") is None:
        return pd.DataFrame(columns=["lat", "lon", "name", "demand_mw"])
    ids = [str(i) for i in _values(regions, "Regions", "region")]
    frame = pd.DataFrame(
        {
            "lat": _values(regions, "Regions", "lat", numeric=True),
            "lon": _values(regions, "Regions", "lon", numeric=True),
            "name": _values(regions, "Regions", "name"),
        },
        index=pd.Index(ids, name="region"),
    )
    frame["demand_mw"] = 0.0
    demand = run.inputs.get("Demand")
    if demand is not None and not demand.empty:
        mw = _values(demand, "Demand", "demand_mw", numeric=True)
        who = [str(r) for r in _values(demand, "Demand", "region")]
        totals = pd.Series(mw, dtype=float).groupby(who).sum()
        frame["demand_mw"] = totals.reindex(frame.index).fillna(0.0)
    return frame


def setting(run: RunFolder, sheet: str, key: str) -> object:
    """A Settings/Policy value as saved with the run (None when absent or blank)."""
    table = run.inputs.get(sheet)
    if table is None or "key" not in table or "value" not in table:
        return None
    hits = table.loc[table["key"].astype(str) == key, "value"]
    return None if hits.empty else hits.iloc[0]


# ----------------------------------------------------------------------------- sections


def _map_figure(run: RunFolder):
    sites, routing = run.table("sites"), run.table("routing")
    site_xy, region_xy = site_locations(run), region_locations(run)
    if sites.empty or site_xy.empty:
        return None
    site_xy = site_xy.dropna(subset=["lat", "lon"])
    region_xy = region_xy.dropna(subset=["lat", "lon"])
    zones = sites.set_index("site")["zone"] if "zone" in sites else None
    if zones is not None:
        site_xy["zone"] = zones.reindex(site_xy.index).fillna(site_xy["zone"])
    site_xy = site_xy[site_xy.index.isin(sites["site"].astype(str))]
    fig = charts.site_map(sites, routing, site_xy, region_xy)
    lines = run.table("lines")  # power lines (issue 15) on the same map, sender -> landing site
    if not lines.empty:
        from planner import report_lines

        traces = report_lines.power_line_traces(lines, site_xy)
        if traces:
            traces[0].update(
                showlegend=True, name="power line (width ∝ MW, dashed: no energy flows)"
            )
            fig.add_traces(traces)
    return fig


def default_dispatch_site(sites: pd.DataFrame) -> str | None:
    """The site with the most IT energy (or capacity), shown in the dispatch charts."""
    if sites.empty:
        return None
    for col in ("it_energy_mwh", "it_capacity_mw"):
        if col in sites and sites[col].fillna(0).max() > 0:
            return str(sites.loc[sites[col].fillna(0).idxmax(), "site"])
    return str(sites["site"].iloc[0])


def _calendar_start(run: RunFolder) -> pd.Timestamp:
    year = setting(run, "Settings", "year")
    try:
        return pd.Timestamp(year=int(float(year)), month=1, day=1)
    except (TypeError, ValueError):
        return pd.Timestamp(year=2030, month=1, day=1)


def dispatch_section(run: RunFolder, site: str | None = None) -> dict:
    """Dispatch charts at one site: a winter and a summer week (full-year runs), or every
    representative day in order with the days of the year it stands for (typical days)."""
    hourly, sites = run.table("hourly"), run.table("sites")
    site = site or default_dispatch_site(sites)
    if hourly.empty or site is None or "site" not in hourly:
        return {"site": site, "figures": [], "days": None, "mode": None}
    frame = hourly[hourly["site"].astype(str) == str(site)].sort_values("timestep")
    if frame.empty:
        return {"site": site, "figures": [], "days": None, "mode": None}
    frame = frame.reset_index(drop=True)
    full = bool((frame["weight_h"] == 1).all()) and len(frame) >= 8 * HOURS_PER_DAY
    figures = []
    if full:
        start = _calendar_start(run)
        for fig_id, label, first in (
            ("fig-dispatch-winter", "winter", WINTER_WEEK_START_DAY),
            ("fig-dispatch-summer", "summer", SUMMER_WEEK_START_DAY),
        ):
            week = frame[(frame["day"] >= first) & (frame["day"] < first + 7)]
            if week.empty:
                continue
            first_hour = start + pd.Timedelta(hours=int(week["timestep"].iloc[0]))
            title = f"{label.capitalize()} week at {site} [MW]"
            figures.append(
                (fig_id, charts.dispatch(week, title, first_hour.strftime("%Y-%m-%d %H:%M")))
            )
        return {"site": site, "figures": figures, "days": None, "mode": "full"}
    days = (
        frame.groupby("day", sort=True)
        .agg(
            weight_days=("weight_h", "first"),
            ambient_c=("ambient_c", "mean"),
            it_load_mw=("it_load_mw", "mean"),
            facility_mw=("facility_mw", "mean"),
            pv_mw=("pv_mw", "mean"),
            wind_mw=("wind_mw", "mean"),
            grid_mw=("grid_mw", "mean"),
        )
        .reset_index()
    )
    marks, ticks, ticktext = [], [], []
    position = 0
    for row in days.itertuples(index=False):
        n = int((frame["day"] == row.day).sum())
        marks.append((position, f"day {int(row.day)} · ×{row.weight_days:g}"))
        ticks.extend([position, position + n // 2])
        ticktext.extend(["0h", "12h"])
        position += n
    title = f"Representative days in order at {site} [MW] (×N: days of the year each stands for)"
    fig = charts.dispatch(frame, title, None, marks, ticks, ticktext)
    table = html_table(
        days.rename(columns={"weight_days": "days_represented"}),
    )
    return {
        "site": site,
        "figures": [("fig-dispatch-days", fig)],
        "days": table,
        "mode": "typical",
    }


def shadow_prices(duals: pd.DataFrame) -> pd.Series:
    """Shadow price per duals row: increase of annual cost per unit tightening (≥ 0).

    Uses the saved `shadow_price` column; folders written before it existed get |dual|."""
    if "shadow_price" in duals:
        return pd.to_numeric(duals["shadow_price"], errors="coerce")
    return pd.to_numeric(duals["dual"], errors="coerce").abs()


def _binding(duals: pd.DataFrame) -> pd.Series:
    if "binding" in duals:
        return duals["binding"].astype(str).str.lower().isin(("true", "1", "yes"))
    return shadow_prices(duals) > 1e-9


def _names(records: list[dict]) -> list[str]:
    return [str(r["name"]) for r in records]


def prices_section(run: RunFolder) -> dict:
    """Shadow prices: the heat map of the demand prices in yuan/MWh IT (role "demand price"),
    the binding constraints other than those, the carbon cap's shadow price (role "plan cap"
    in yuan/t CO2) and those of other plan-wide caps."""
    duals = run.table("duals")
    carbon_price = setting(run, "Settings", "carbon_price")
    carbon_cap = setting(run, "Policy", "carbon_cap")
    if duals.empty or "constraint" not in duals:
        return {
            "figure": None,
            "binding": None,
            "counts": [],
            "carbon": None,
            "plan_caps": [],
            "carbon_price": carbon_price,
            "carbon_cap": carbon_cap,
        }
    duals = duals.assign(shadow_price=shadow_prices(duals))
    binding = _binding(duals)
    mapped = duals["constraint"].isin(_names(run.limits_with_role(DEMAND_PRICE, HEAT_MAP_UNIT)))
    others = duals[~mapped & binding].copy()
    # each limit's meaning comes with its duals (registered next to the constraint)
    meaning = others["meaning"] if "meaning" in others else pd.Series("", index=others.index)
    others["cost_of_tightening_by_one"] = meaning.fillna("").astype(str)
    counts = []
    for name, group in duals.groupby("constraint", sort=False):
        counts.append(
            {
                "constraint": name,
                "binding": int(binding.loc[group.index].sum()),
                "total": len(group),
            }
        )
    carbon = duals[duals["constraint"].isin(_names(run.limits_with_role(PLAN_CAP, CARBON_UNIT)))]
    plan_caps = [
        {
            "what": r.get("what", r["name"]),
            "index": str(row["index"]) if pd.notna(row["index"]) else "",
            "shadow_price": float(row["shadow_price"]),
            "unit": r.get("unit", ""),
            "meaning": r.get("meaning", ""),
        }
        for r in run.limits_with_role(PLAN_CAP)
        if r.get("unit") != CARBON_UNIT
        for _, row in duals[duals["constraint"] == r["name"]].iterrows()
    ]
    cols = ["constraint", "index", "shadow_price", "unit", "cost_of_tightening_by_one"]
    demand = duals[mapped]
    return {
        "figure": charts.demand_duals(demand.assign(dual=demand["shadow_price"])),
        "binding": html_table(others[cols]) if len(others) else None,
        "counts": counts,
        "carbon": None if carbon.empty else float(carbon["shadow_price"].iloc[0]),
        "plan_caps": plan_caps,
        "carbon_price": carbon_price,
        "carbon_cap": carbon_cap,
    }


def site_cap_column(record: dict) -> str:
    """The report's column of a site cap's shadow price: `shadow_price_<name less _limit>_<the
    unit's first word, / as _per_>` (pue_cap_limit in yuan/MWh facility →
    shadow_price_pue_cap_yuan_per_mwh)."""
    unit = str(record.get("unit", "")).split(" ")[0].lower().replace("/", "_per_")
    name = str(record["name"]).removesuffix("_limit")
    return "_".join(p for p in ("shadow_price", name, re.sub(r"[^a-z0-9_]", "", unit)) if p)


def pue_water_table(run: RunFolder) -> HtmlTable | None:
    """Per site: annual PUE and cap, water and cap, and the shadow price of every site cap
    (role "site cap": the PUE and water caps, and any a block adds), in rank order."""
    sites, duals = run.table("sites"), run.table("duals")
    if sites.empty:
        return None
    cols = [c for c in ("site", "zone", "pue", "pue_cap", "water_m3", "water_cap_m3") if c in sites]
    frame = sites[cols].copy()
    for record in run.limits_with_role(SITE_CAP):
        if record.get("scope") != "site" or duals.empty or "constraint" not in duals:
            continue
        part = duals[duals["constraint"] == record["name"]]
        d = pd.Series(shadow_prices(part).to_numpy(), index=part["index"].astype(str))
        if len(d):
            frame[site_cap_column(record)] = frame["site"].astype(str).map(d)
    return html_table(frame)


# re-dispatch table columns shown in the report → display names (formats follow the names)
FULL_YEAR_COLUMNS = {
    "site": "site",
    "status": "status",
    "plan_cost_myuan": "cost_planned_myuan",
    "annual_cost_myuan": "cost_full_year_myuan",
    "cost_error_pct": "error_pct",
    "plan_pue": "pue_planned",
    "pue": "pue_full_year",
    "pue_cap": "pue_cap",
    "plan_green_share": "planned_green_share",
    "green_share": "full_year_green_share",
    "plan_cfe_score": "planned_cfe_score",
    "cfe_score": "full_year_cfe_score",
    "plan_emissions_t": "emissions_planned_t",
    "emissions_t": "emissions_full_year_t",
    "relaxed": "limits_broken_over_the_full_year",
}


def full_year_section(run: RunFolder) -> dict | None:
    """The typical-day plan beside its full-year re-dispatch (redispatch.csv), or None."""
    table = run.table("redispatch")
    if table.empty:
        return None
    frame = table[[c for c in FULL_YEAR_COLUMNS if c in table]].rename(columns=FULL_YEAR_COLUMNS)
    frame = frame[frame["status"] != "idle"]
    total = table[table["site"] == "total"]
    total = total.iloc[0].to_dict() if len(total) else {}
    broken = _full_year_broken(table)
    rounds = run.table("hold_rounds")
    return {
        "table": html_table(frame),
        "total": total,
        "broken": broken,
        "rounds": html_table(rounds) if not rounds.empty else None,
    }


def _full_year_broken(table: pd.DataFrame) -> list[str]:
    """One line per limit the full year breaks, with its amount: the plan-wide ones (the
    total row's `broken`) first, then each site's. Folders written before the `broken`
    column name the site limits relaxed."""
    if "broken" not in table:
        return [
            f"{site}: {what}"
            for site, what in zip(table["site"], table["relaxed"].fillna(""), strict=True)
            if site != "total" and str(what)
        ]
    order = table.assign(_plan=table["site"] != "total").sort_values("_plan", kind="stable")
    lines = []
    for site, text in zip(order["site"], order["broken"].fillna(""), strict=True):
        for sentence in str(text).split("; "):
            if sentence.strip():
                lines.append(sentence if site == "total" else f"{site}: {sentence}")
    return lines


def compute_section(run: RunFolder) -> dict | None:
    """'Compute and chips' (formulation §8b): the summary's compute figures, hardware.csv and
    the supply table with its shadow prices; None when the run has no hardware families."""
    figures = run.summary.get("compute")
    if not figures:
        return None
    supply = run.table("hardware_supply")
    binding = supply[supply["binding"].astype(str).str.lower() == "true"] if len(supply) else supply
    return {
        "figures": figures,
        "hardware": html_table(run.table("hardware")) if len(run.table("hardware")) else None,
        "supply": html_table(supply) if len(supply) else None,
        "binding": [
            (
                str(r["family"]),
                r["shadow_price_yuan_per_pflops_yr"],
                r["shadow_price_yuan_per_server_yr"],
            )
            for _, r in binding.iterrows()
        ],
    }


def sites_tables(
    sites: pd.DataFrame, names: pd.Series | None = None
) -> tuple[HtmlTable | None, HtmlTable | None]:
    """(capacity table, energy table) of the sites; `names`: site id → name from the inputs."""
    if sites.empty:
        return None, None
    if names is not None and names.notna().any():
        sites = sites.copy()
        sites.insert(1, "name", sites["site"].astype(str).map(names))
    cool = list(charts.cooling_columns(sites).values())
    capacity_cols = ["site", "name", "zone", "it_capacity_mw", *cool]
    capacity_cols += ["pv_mw", "wind_mw", "battery_mw", "battery_mwh", "utilisation", "cost_myuan"]
    energy_cols = [
        "site",
        "it_energy_mwh",
        "facility_energy_mwh",
        "grid_energy_mwh",
        "pv_energy_mwh",
        "wind_energy_mwh",
        "curtailed_mwh",
        "green_share",
        "cfe_score",
        "emissions_t",
    ]
    existing = [c for c in sites.columns if c.startswith("existing_")]
    if existing and (sites[existing].fillna(0.0).to_numpy() > 0).any():
        # a brownfield plan: existing and new capacity beside each total (formulation §2.1)
        capacity_cols[-2:-2] = [
            c for e in existing for c in (e, "new_" + e.removeprefix("existing_"))
        ]
    capacity = sites[[c for c in capacity_cols if c in sites]]
    energy = sites[[c for c in energy_cols if c in sites]]
    return html_table(capacity), html_table(energy)


def assumptions_table(run: RunFolder) -> tuple[HtmlTable | None, dict[str, int]]:
    """Sources rows flagged [E] (engineering estimate) or [A] (assumption), and flag counts."""
    sources = run.inputs.get("Sources")
    if sources is None or sources.empty or "flag" not in sources:
        return None, {}
    flags = sources["flag"].astype(str).str.strip().str.upper()
    counts = {f: int((flags == f).sum()) for f in ("P", "E", "A")}
    chosen = sources[flags.isin(ASSUMPTION_FLAGS)].copy()
    chosen["flag"] = "[" + flags[flags.isin(ASSUMPTION_FLAGS)] + "]"
    cols = [c for c in ("flag", "sheet", "key", "column", "source", "note") if c in chosen]
    chosen = chosen[cols].sort_values(["flag", *cols[1:3]], kind="stable")
    return html_table(chosen.astype(object).where(chosen.notna(), None)), counts


_PHASE = re.compile(r"^phase (\w+): ([\d.]+) s$")


def manifest_section(run: RunFolder) -> dict:
    """What the page can say about the run itself: manifest, or else run.log and summary."""
    m = run.manifest
    if m is not None:
        solver = m.get("solver", {})
        rows = [
            ("created (UTC)", m.get("created_utc")),
            ("case", m.get("case")),
            ("case path", m.get("case_path")),
            ("scenario", m.get("scenario")),
            ("status", f"{solver.get('status')} ({solver.get('termination')})"),
            ("solver objective [M yuan/yr]", fmt(solver.get("objective_myuan"), "x_myuan")),
            ("solver bound [M yuan/yr]", fmt(solver.get("bound_myuan"), "x_myuan")),
            ("gap", fmt(solver.get("gap"), "gap")),
            ("command", m.get("command")),
            ("inputs SHA-256", m.get("inputs_sha256")),
            ("files with hashes", str(len(m.get("files", {})))),
        ]
        options = m.get("options", {})
        versions = m.get("versions", {})
        timings = m.get("timings_s", {})
        return {
            "present": True,
            "rows": rows,
            "options": list(options.items()),
            "versions": list(versions.items()),
            "timings": [(k, f"{v:,.1f}") for k, v in timings.items()],
        }
    timings = []
    for line in run.run_log.splitlines():
        hit = _PHASE.match(line.strip())
        if hit:
            timings.append((hit.group(1), f"{float(hit.group(2)):,.1f}"))
    first = run.run_log.splitlines()[0] if run.run_log else ""
    rows = [
        ("case", run.summary.get("case")),
        ("scenario", run.summary.get("scenario")),
        ("status", run.summary.get("status")),
        ("inputs SHA-256", run.summary.get("inputs_sha256")),
        ("run log", first),
    ]
    return {
        "present": False,
        "rows": rows,
        "options": list((run.summary.get("options") or {}).items()),
        "versions": [("dcplan (report)", __version__)],
        "timings": timings,
    }


def cost_table(costs: pd.DataFrame) -> HtmlTable | None:
    if costs.empty:
        return None
    frame = costs.copy()
    total = float(frame["cost_myuan"].sum())
    frame["share_of_total"] = frame["cost_myuan"] / total if total else float("nan")
    total_row = pd.DataFrame(
        [{"term": "total", "cost_myuan": total, "share_of_total": 1.0 if total else None}]
    )
    return html_table(pd.concat([frame, total_row], ignore_index=True))


# ----------------------------------------------------------------------------- page


def environment() -> Environment:
    """jinja2 environment with autoescape on for every template (and strings)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = fmt
    return env


def flows_table(routing: pd.DataFrame) -> HtmlTable | None:
    """Routed compute per region and site [MW], largest first, with the classes served."""
    if routing.empty or not {"region", "site", "served_mw"} <= set(routing.columns):
        return None
    grouped = routing.groupby(["region", "site"], sort=False)
    frame = grouped["served_mw"].sum().rename("served_mw").reset_index()
    if "workload_class" in routing:
        classes = grouped["workload_class"].agg(lambda c: " ".join(map(str, c)))
        frame["classes"] = classes.to_numpy()
    frame = frame.sort_values("served_mw", ascending=False, kind="stable")
    return html_table(frame)


def folder_label(folder: Path) -> str:
    """The results folder's name, also while a run is still writing it into a temporary
    folder (`.incomplete-<name>-<pid>`, see planner.writers)."""
    name = folder.name
    hit = re.fullmatch(r"\.incomplete-(.+)-\d+", name)
    return hit.group(1) if hit else name


def assumption_counts(run: RunFolder) -> HtmlTable | None:
    """Per input sheet: how many values are flagged [P], [E] and [A] in the Sources sheet."""
    sources = run.inputs.get("Sources")
    if sources is None or sources.empty or not {"flag", "sheet"} <= set(sources.columns):
        return None
    flags = sources["flag"].astype(str).str.strip().str.upper()
    table = pd.crosstab(sources["sheet"].astype(str), flags).reindex(
        columns=["P", "E", "A"], fill_value=0
    )
    table.columns = ["published [P]", "estimates [E]", "assumptions [A]"]
    return html_table(table.reset_index())


def report_context(run: RunFolder, site: str | None = None) -> dict:
    """Everything the report template shows, computed from the folder's files."""
    s = run.summary
    sites, costs, routing = run.table("sites"), run.table("costs"), run.table("routing")
    figs: dict[str, Markup] = {}

    def add(fig_id: str, fig) -> None:
        if fig is not None:
            figs[fig_id] = charts.figure_block(fig, fig_id)

    if not costs.empty:
        add("fig-costs", charts.cost_breakdown(costs))
    add("fig-map", _map_figure(run))
    power_lines = lines_section(run)
    add("fig-lines", power_lines.pop("figure"))
    if not sites.empty:
        locations = site_locations(run)
        max_it = locations.get("max_it_mw")
        add("fig-capacity", charts.capacity_by_site(sites, max_it))
        add("fig-supply", charts.supply_capacity(sites))
        add("fig-energy", charts.energy_by_site(sites))
        if "pue" in sites:
            add("fig-pue", charts.pue_by_site(sites))
        if "water_m3" in sites:
            add("fig-water", charts.water_by_site(sites))
    dispatch = dispatch_section(run, site)
    for fig_id, fig in dispatch["figures"]:
        add(fig_id, fig)
    prices = prices_section(run)
    add("fig-duals", prices["figure"])
    capacity_table, energy_table = sites_tables(sites, site_locations(run)["name"])
    assumptions, flag_counts = assumptions_table(run)
    unserved = run.table("unserved")
    return {
        "title": f"{s.get('case', 'run')} — {s.get('scenario', '')}",
        "s": s,
        "folder": folder_label(run.folder),
        "assumption_counts": assumption_counts(run),
        "water_caps": bool(
            "water_cap_m3" in sites and pd.to_numeric(sites["water_cap_m3"]).notna().any()
        ),
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "headline": headline_figures(s),
        "mip": _mip_line(run),
        "figs": figs,
        "costs": cost_table(costs),
        "capacity_table": capacity_table,
        "energy_table": energy_table,
        "dispatch": dispatch,
        "pue_water": pue_water_table(run),
        "prices": prices,
        "routing": html_table(routing) if not routing.empty else None,
        "flows": flows_table(routing),
        "unserved": html_table(unserved) if not unserved.empty else None,
        "full_year": full_year_section(run),
        "power_lines": power_lines,
        "compute": compute_section(run),
        "assumptions": assumptions,
        "input_warnings": s.get("input_warnings") or [],
        "solved": s.get("objective_myuan") is not None,
        "site_locations": not site_locations(run).empty,
        "flag_counts": flag_counts,
        "manifest": manifest_section(run),
        "explanation": s.get("explanation"),
        "plotly_js": charts.plotly_js() if figs else None,
        "render_script": charts.RENDER_SCRIPT,
        "version": __version__,
    }


def _mip_line(run: RunFolder) -> str | None:
    """The MILP's plan, best bound and gap (planner.solve.mip_text), for a MILP run."""
    from planner.solve import mip_text

    m = run.manifest or {}
    return mip_text(m.get("solver", {})) if m.get("options", {}).get("mip") else None


def lines_section(run: RunFolder) -> dict:
    """Power lines (planner.report_lines): the map figure, lines.csv as a table and the "Move
    bits or move watts" comparison per demand region; empty without a Lines sheet."""
    from planner import report_lines

    lines = run.table("lines")
    if lines.empty:
        return {"figure": None, "table": None, "compare": None}
    site_xy = site_locations(run).dropna(subset=["lat", "lon"])
    compare = report_lines.bits_or_watts(
        run.table("sites"), lines, run.table("routing"), site_xy, region_locations(run)
    )
    return {
        "figure": report_lines.power_line_map(lines, site_xy),
        "table": html_table(lines),
        "compare": html_table(compare) if not compare.empty else None,
    }


def render_report(run: RunFolder, site: str | None = None) -> str:
    """report.html text for a loaded run folder."""
    return environment().get_template("report.html.j2").render(**report_context(run, site))


def write_report(folder: Path, site: str | None = None) -> Path:
    """Build report.html in `folder` from the files there and return its path.

    site: the site whose hourly dispatch is shown (default: the one with most IT energy)."""
    folder = Path(folder)
    html = render_report(load_run(folder), site)
    path = folder / "report.html"
    temp = folder / ".report.html.tmp"
    temp.write_text(html, encoding="utf-8")
    temp.replace(path)
    return path
