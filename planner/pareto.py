"""Pareto fronts of annual cost against emissions (or water) by the epsilon-constraint method.

On one built model (re-solved after changing mutable Params, never rebuilt):
1. least cost: the planner's objective (annual cost, M yuan/yr) → cost_min, S_max (the
   secondary objective S, emissions [t CO2/yr] or water [m3/yr], of the least-cost plan);
2. least S: minimise S alone → S_min; then minimise cost with S ≤ S_min·(1 + tolerance)
   (lexicographic: the cheapest of the plans with least S, not an arbitrary one);
3. a ladder of caps between S_max and S_min, evenly spaced: minimise cost with S ≤ cap.
The components added to the model: `pareto_cost_weight`, `pareto_secondary_weight` (mutable
weights of one objective `pareto_objective` = w_c · annual cost + w_s · S; the model's own
`total_cost` is deactivated), and `pareto_cap_limit`: S ≤ `pareto_cap` (a mutable Param; a cap
of 1e20 or more means none, as HiGHS reads such a bound as infinite).

The dual of `pareto_cap_limit` [M yuan per t or m3] times 1e6 is the shadow price of the cap
[yuan/t CO2 or yuan/m3]: what one unit less of S costs at that point of the front, on top of
any carbon price already in the cost. The knee is the point farthest from the chord between
the two ends of the front, with cost and S each scaled to [0, 1].

The CFE axis (`--objectives cost,cfe`, `cfe_front`) is a ladder of targets, not of caps: the
least-cost plan first, then for each level x of `cfe_levels` (evenly from 60% to 100% by
default) the least-cost plan with a portfolio hourly CFE score of at least x, and, next to it,
the least-cost plan with an annual green share (certificates and contracts included, as the
case allows them) of at least the same x. Both targets are rows added to the built model,
each switched on by mutable Params (never rebuilt; HiGHS warm-starts along each ladder):

    Σ_s CFE_s − x^CFE Σ_s E^fac_s ≥ −off^CFE                         `pareto_cfe_limit`
    Σ_s (Gr_s + GEC_s) − x^G Σ_s E^fac_s ≥ −off^G                     `pareto_green_limit`

(`pareto_cfe_level`, `pareto_green_level` the levels x; `pareto_cfe_off`, `pareto_green_off`
0 when the row is on, 1e20 (no bound) when off.) They come on top of the case's own limits.
Once a level is infeasible the higher levels of that ladder are not solved (they are
infeasible too); that is a result (status infeasible), not a failure. The dual of a row
× 1e6 is the shadow price of the target [yuan/MWh]: what 1 MWh/yr more hourly-matched (or
annually-matched) clean energy costs at that level.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from planner.inputs.case import Case, load_case
from planner.pipeline import INFEASIBLE, Pipeline, RunOptions, Solved

NO_CAP = 1e20  # HiGHS reads bounds of 1e20 or more as infinite
PARETO_CSV = "pareto.csv"
PARETO_HTML = "pareto.html"


@dataclass(frozen=True)
class Objective:
    """A secondary objective: its summary column, unit, and the unit of its shadow price."""

    name: str
    column: str
    unit: str
    price_column: str
    price_unit: str
    label: str


OBJECTIVES: dict[str, Objective] = {
    "emissions": Objective(
        "emissions",
        "emissions_t",
        "t CO2/yr",
        "carbon_shadow_price_yuan_per_t",
        "yuan/t CO2",
        "Emissions",
    ),
    "water": Objective(
        "water", "water_m3", "m3/yr", "water_shadow_price_yuan_per_m3", "yuan/m3", "Water use"
    ),
    "cfe": Objective(
        "cfe",
        "cfe_score",
        "share",
        "shadow_price_yuan_per_mwh",
        "yuan/MWh",
        "Hourly CFE score",
    ),
}
CFE_FROM, CFE_TO = 0.6, 1.0  # the CFE ladder's default levels: evenly from 60% to 100%
# the two ladders of the CFE axis: kind, its target row, the level Param and the switch Param
CFE_LADDERS = {
    "cfe": ("pareto_cfe_limit", "pareto_cfe_level", "pareto_cfe_off"),
    "green_share": ("pareto_green_limit", "pareto_green_level", "pareto_green_off"),
}


@dataclass(frozen=True)
class ParetoOptions:
    """secondary: 'emissions' or 'water'. points: points on the front, both ends included
    (≥ 2). tolerance: relative slack on S_min for the least-S plan [-]. time, time_limit
    [s], threads: as for a run."""

    secondary: str = "emissions"
    points: int = 8
    scenario: str | None = None
    time: str | None = None
    time_limit: float | None = None
    threads: int | None = None
    tolerance: float = 1e-6

    def run_options(self) -> RunOptions:
        return RunOptions(
            scenario=self.scenario,
            time=self.time,
            time_limit=self.time_limit,
            threads=self.threads,
        )


def parse_objectives(text: str) -> str:
    """'cost,emissions' → 'emissions'; 'cost,water' → 'water'; 'cost,cfe' → 'cfe'. Raises
    ValueError."""
    names = [t.strip().lower() for t in text.split(",") if t.strip()]
    others = [n for n in names if n != "cost"]
    if len(names) != 2 or "cost" not in names or len(others) != 1 or others[0] not in OBJECTIVES:
        raise ValueError(
            f"--objectives '{text}': expected cost and one of {', '.join(OBJECTIVES)} "
            "(e.g. cost,emissions, or cost,cfe for hourly CFE against annual green share)"
        )
    return others[0]


def secondary_expression(m: pyo.ConcreteModel, name: str):
    """S as a Pyomo expression: emissions [t CO2/yr] or water [m3/yr]."""
    if name == "emissions":
        return m.emissions_t
    if name == "water":
        return sum(m.water_m3[s] for s in m.S)
    raise ValueError(f"unknown secondary objective '{name}'")


def add_pareto(m: pyo.ConcreteModel, name: str) -> None:
    """Add the weighted objective and the cap on S (see the module docstring)."""
    secondary = secondary_expression(m, name)
    m.pareto_cost_weight = pyo.Param(initialize=1.0, mutable=True)
    m.pareto_secondary_weight = pyo.Param(initialize=0.0, mutable=True)
    m.pareto_cap = pyo.Param(initialize=NO_CAP, mutable=True)
    m.pareto_cap_limit = pyo.Constraint(expr=secondary <= m.pareto_cap)
    m.total_cost.deactivate()
    m.pareto_objective = pyo.Objective(
        expr=m.pareto_cost_weight * m.total_cost.expr + m.pareto_secondary_weight * secondary,
        sense=pyo.minimize,
    )


def cfe_levels(points: int) -> list[float]:
    """The CFE ladder's levels [share]: `points` evenly from CFE_FROM to CFE_TO, rounded to
    1e-9 so that 0.7 reads 0.7."""
    return [round(float(x), 9) for x in np.linspace(CFE_FROM, CFE_TO, points)]


def add_cfe_targets(m: pyo.ConcreteModel) -> None:
    """Add the two switchable target rows of the CFE axis (module doc), both off."""
    facility = sum(m.facility_energy_mwh[s] for s in m.S)
    cfe = sum(m.cfe_mwh[s] for s in m.S)
    green = sum(m.green_mwh[s] + m.GEC[s] for s in m.S)
    for (row, level, off), supply in zip(CFE_LADDERS.values(), (cfe, green), strict=True):
        m.add_component(level, pyo.Param(initialize=0.0, mutable=True))
        m.add_component(off, pyo.Param(initialize=NO_CAP, mutable=True))
        m.add_component(
            row,
            pyo.Constraint(expr=supply - m.component(level) * facility >= -m.component(off)),
        )


@dataclass
class FrontPoint:
    """One solved point: kind ('least_cost', 'cap', 'least_<S>'), the cap on S (None:
    none), the run in memory (model None), and the shadow price of the cap."""

    kind: str
    cap: float | None
    solved: Solved
    shadow_price: float
    level: float | None = None


@dataclass
class ParetoResult:
    """The front (one row per point, pareto.csv) and the solved points."""

    table: pd.DataFrame
    points: list[FrontPoint]
    secondary: Objective
    seconds: float

    @property
    def exit_code(self) -> int:
        """0 every point solved; 1 least-cost infeasible (no front); 3 a point failed. On the
        CFE axis a level the case cannot reach (infeasible) is a result, not a failure."""
        if not self.points:
            return 3
        first = self.points[0].solved.outcome
        if not first.has_solution:
            return first.exit_code

        def fine(p: FrontPoint) -> bool:
            outcome = p.solved.outcome
            reachable = p.level is None or outcome.status not in INFEASIBLE
            return outcome.has_solution or not reachable

        return 0 if all(fine(p) for p in self.points) else 3


Progress = Callable[[str, int, int], None]


def _silent(label: str, done: int, total: int) -> None:
    return None


def pareto_front(
    case: Case, options: ParetoOptions | None = None, on_point: Progress = _silent
) -> ParetoResult:
    """Solve the front of `case` (see the module docstring)."""
    options = options or ParetoOptions()
    if options.points < 2:
        raise ValueError(f"--points must be at least 2, not {options.points}")
    if options.secondary == "cfe":
        return cfe_front(case, options, on_point)
    objective = OBJECTIVES[options.secondary]
    started = time.perf_counter()
    total = options.points + 1
    pipeline = Pipeline(
        case, options.run_options(), extend=lambda m, _: add_pareto(m, options.secondary)
    )
    pipeline.load()
    m = pipeline.model
    secondary = secondary_expression(m, options.secondary)

    def solve(kind: str, cap: float | None, cost_weight: float = 1.0) -> FrontPoint:
        m.pareto_cost_weight.set_value(cost_weight)
        m.pareto_secondary_weight.set_value(1.0 - cost_weight)
        m.pareto_cap.set_value(NO_CAP if cap is None else cap)
        with pipeline.timer.phase(f"solve {kind}"):
            outcome = pipeline.solve()
            if cost_weight > 0:
                pipeline.collect()
        price = float("nan")
        if outcome.has_solution and cost_weight > 0:
            dual = outcome.duals.get(m.pareto_cap_limit)
            price = 0.0 if cap is None or dual is None else max(0.0, -float(dual) * 1e6)
        return FrontPoint(kind, cap, pipeline.solved(detached=True), price)

    points: list[FrontPoint] = []
    least_cost = solve("least_cost", None)
    points.append(least_cost)
    on_point("least cost", 1, total)
    if not least_cost.solved.outcome.has_solution:
        least_cost.solved.explanation = pipeline.explain()  # None unless infeasible
        return ParetoResult(_front_table(points, objective), points, objective, _since(started))
    s_max = float(pyo.value(secondary))
    lowest = solve(f"min_{objective.name}", None, cost_weight=0.0)
    on_point(f"least {objective.name}", 2, total)
    if not lowest.solved.outcome.has_solution:
        lowest.kind = f"least_{objective.name}"
        points.append(lowest)
        return ParetoResult(_front_table(points, objective), points, objective, _since(started))
    s_min = float(pyo.value(secondary))
    end_cap = s_min + options.tolerance * max(abs(s_min), 1.0)
    caps = list(np.linspace(s_max, end_cap, options.points)[1:-1]) if s_max > end_cap else []
    for i, cap in enumerate(caps):
        points.append(solve("cap", float(cap)))
        on_point(f"cap {cap:,.0f} {objective.unit}", 3 + i, total)
    points.append(solve(f"least_{objective.name}", end_cap))
    on_point(f"least {objective.name}", total, total)
    return ParetoResult(_front_table(points, objective), points, objective, _since(started))


def cfe_front(
    case: Case, options: ParetoOptions | None = None, on_point: Progress = _silent
) -> ParetoResult:
    """The CFE axis (module doc): the least-cost plan, then the hourly CFE ladder and the
    annual green-share ladder at the same levels, on one built model."""
    options = options or ParetoOptions(secondary="cfe")
    objective = OBJECTIVES["cfe"]
    levels = cfe_levels(options.points)
    started = time.perf_counter()
    total = 1 + 2 * len(levels)
    pipeline = Pipeline(case, options.run_options(), extend=lambda m, _: add_cfe_targets(m))
    pipeline.load()
    m = pipeline.model

    def solve(kind: str, level: float | None) -> FrontPoint:
        for ladder, (_, level_param, off) in CFE_LADDERS.items():
            on = ladder == kind and level is not None
            m.component(level_param).set_value(level if on else 0.0)
            m.component(off).set_value(0.0 if on else NO_CAP)
        with pipeline.timer.phase(f"solve {kind} {level}"):
            outcome = pipeline.solve()
            pipeline.collect()
        price = float("nan")
        if outcome.has_solution:
            row = m.component(CFE_LADDERS[kind][0]) if kind in CFE_LADDERS else None
            dual = outcome.duals.get(row) if row is not None else None
            price = 0.0 if dual is None else max(0.0, float(dual) * 1e6)
        return FrontPoint(kind, None, pipeline.solved(detached=True), price, level)

    least = solve("least_cost", None)
    points = [least]
    on_point("least cost", 1, total)
    if not least.solved.outcome.has_solution:
        least.solved.explanation = pipeline.explain()
        return ParetoResult(_cfe_table(points), points, objective, _since(started))
    done = 1
    for kind in CFE_LADDERS:
        for i, level in enumerate(levels):
            point = solve(kind, level)
            points.append(point)
            done += 1
            on_point(f"{kind.replace('_', ' ')} ≥ {level:.0%}", done, total)
            if not point.solved.outcome.has_solution:
                done += len(levels) - i - 1  # higher levels cannot be reached either
                break
    return ParetoResult(_cfe_table(points), points, objective, _since(started))


def _cfe_table(points: list[FrontPoint]) -> pd.DataFrame:
    """pareto.csv of the CFE axis: one row per solve, the target's kind and level [share],
    cost [M yuan/yr], both claims of the plan and the target's shadow price [yuan/MWh]."""
    rows = []
    for i, point in enumerate(points):
        summary = point.solved.results.summary if point.solved.results is not None else {}
        rows.append(
            {
                "point": i,
                "kind": point.kind,
                "level": point.level,
                "cost_myuan": summary.get("objective_myuan"),
                "cfe_score": summary.get("cfe_score"),
                "certified_green_share": summary.get("certified_green_share"),
                "green_share": summary.get("green_share"),
                "emissions_t": summary.get("emissions_t"),
                "water_m3": summary.get("water_m3"),
                "shadow_price_yuan_per_mwh": point.shadow_price,
                "west_share": summary.get("west_share"),
                "pue_avg": summary.get("pue_avg"),
                "status": point.solved.outcome.status,
                "knee": False,
                "folder": "",
            }
        )
    table = pd.DataFrame(rows)
    cfe = table[table["kind"] == "cfe"]
    knee = knee_index(cfe["cost_myuan"], cfe["cfe_score"])
    if knee is not None:
        table.loc[knee, "knee"] = True
    return table


def _since(start: float) -> float:
    return round(time.perf_counter() - start, 3)


def _front_table(points: list[FrontPoint], objective: Objective) -> pd.DataFrame:
    rows = []
    for i, point in enumerate(points):
        outcome = point.solved.outcome
        summary = point.solved.results.summary if point.solved.results is not None else {}
        rows.append(
            {
                "point": i,
                "kind": point.kind,
                f"cap_{objective.column}": point.cap,
                "cost_myuan": summary.get("objective_myuan"),
                "emissions_t": summary.get("emissions_t"),
                "water_m3": summary.get("water_m3"),
                objective.price_column: point.shadow_price,
                "green_share": summary.get("green_share"),
                "west_share": summary.get("west_share"),
                "pue_avg": summary.get("pue_avg"),
                "status": outcome.status,
                "knee": False,
                "folder": "",
            }
        )
    table = pd.DataFrame(rows)
    knee = knee_index(table["cost_myuan"], table[objective.column])
    if knee is not None:
        table.loc[knee, "knee"] = True
    return table


def knee_index(cost: pd.Series, secondary: pd.Series) -> int | None:
    """Index of the point farthest from the chord between the front's two ends (cost and S
    scaled to [0, 1]); None with fewer than 3 solved points or a flat front."""
    frame = pd.DataFrame({"c": cost, "s": secondary}).dropna()
    if len(frame) < 3:
        return None
    c = (frame["c"] - frame["c"].min()) / max(frame["c"].max() - frame["c"].min(), 1e-12)
    s = (frame["s"] - frame["s"].min()) / max(frame["s"].max() - frame["s"].min(), 1e-12)
    (c0, s0), (c1, s1) = (c.iloc[0], s.iloc[0]), (c.iloc[-1], s.iloc[-1])
    length = float(np.hypot(c1 - c0, s1 - s0))
    if length < 1e-12:
        return None
    distance = np.abs((c1 - c0) * (s0 - s) - (c0 - c) * (s1 - s0)) / length
    return int(distance.idxmax())


@dataclass
class ParetoReport:
    """A written front: folder, table (pareto.csv) and the result in memory."""

    folder: Path
    table: pd.DataFrame
    result: ParetoResult

    @property
    def exit_code(self) -> int:
        return self.result.exit_code


def run_pareto(
    case_path: Path | str,
    options: ParetoOptions | None = None,
    out: Path | None = None,
    write_points: bool = True,
    on_point: Progress = _silent,
    command: str = "",
) -> ParetoReport:
    """Load the case, solve the front, write each point's results folder (optional),
    pareto.csv and pareto.html into `out` (default results/<case>-<scenario>-pareto-<S>)."""
    from planner.sweep import write_table
    from planner.writers import write_run

    options = options or ParetoOptions()
    case_path = Path(case_path)
    if options.time is not None:
        from planner.timeseries import parse_time_option

        parse_time_option(options.time)
    case = load_case(case_path, options.scenario)
    folder = Path(out) if out is not None else _default_dir(case, options)
    folder.mkdir(parents=True, exist_ok=True)
    result = pareto_front(case, options, on_point)
    table = result.table
    if write_points:
        run_options = options.run_options()
        for i, point in enumerate(result.points):
            name = f"{i:02d}_{point.kind}"
            if point.level is not None:
                name += f"_{point.level * 100:g}"
            write_run(
                point.solved,
                folder / "points" / name,
                run_options,
                overwrite=True,
                command=command,
                case_path=case_path,
            )
            table.loc[i, "folder"] = f"points/{name}"
    write_table(table, folder / PARETO_CSV)
    write_pareto_html(table, result.secondary, folder / PARETO_HTML, case)
    return ParetoReport(folder, table, result)


def _default_dir(case: Case, options: ParetoOptions, root: Path = Path("results")) -> Path:
    from datetime import UTC, datetime

    from planner.writers import safe_name

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"{safe_name(case.name)}-{safe_name(case.scenario, 'baseline')}"
    return root / f"{name}-pareto-{options.secondary}-{stamp}"


def pareto_figures(table: pd.DataFrame, objective: Objective) -> list:
    """The front (knee marked), and the shadow price of the cap along it."""
    import plotly.graph_objects as go

    from planner import charts
    from planner.sweep import style

    ok = table[table["cost_myuan"].notna()]
    if ok.empty:
        return []
    scale, unit = (1e-3, "kt CO2/yr") if objective.name == "emissions" else (1e-6, "million m3/yr")
    x = pd.to_numeric(ok[objective.column], errors="coerce") * scale
    labels = [charts.esc(k.replace("_", " ")) for k in ok["kind"]]
    front = go.Figure(
        go.Scatter(
            x=charts.rounded(x, 6),
            y=charts.rounded(ok["cost_myuan"], 6),
            mode="lines+markers",
            name="least-cost plan under each cap",
            text=labels,
            hovertemplate="%{text}<br>%{x:,.2f} " + unit + "<br>%{y:,.1f} M yuan/yr<extra></extra>",
        )
    )
    knee = ok[ok["knee"].astype(bool)]
    if len(knee):
        front.add_trace(
            go.Scatter(
                x=charts.rounded(pd.to_numeric(knee[objective.column]) * scale, 6),
                y=charts.rounded(knee["cost_myuan"], 6),
                mode="markers+text",
                marker={"size": 14, "symbol": "star", "color": "#d62728"},
                text=["knee"],
                textposition="top right",
                name="knee (best trade-off)",
            )
        )
    figures = [
        style(
            front,
            f"Least annual cost for each cap on {objective.label.lower()}",
            f"{objective.label.lower()} [{unit}]",
            "annual cost [M yuan/yr]",
            height=420,
        )
    ]
    prices = charts.rounded(pd.to_numeric(ok[objective.price_column], errors="coerce"), 3)
    price = go.Figure(
        go.Scatter(
            x=charts.rounded(x, 6),
            y=prices,
            mode="lines+markers",
            name="shadow price of the cap",
            line={"shape": "hv"},
            text=labels,
            hovertemplate="%{text}<br>%{x:,.2f} "
            + unit
            + "<br>%{y:,.1f} "
            + objective.price_unit
            + "<extra></extra>",
        )
    )
    figures.append(
        style(
            price,
            "Shadow price of the cap along the front",
            f"{objective.label.lower()} [{unit}]",
            f"shadow price [{objective.price_unit}]",
            height=420,
        )
    )
    # the tightest caps can cost orders of magnitude more than the rest: log or clipped axis
    spread = charts.spread_axis(prices)
    charts.mark_clipped(price, charts.rounded(x, 6), prices, spread, objective.price_unit)
    if spread.get("type") == "log":
        price.update_yaxes(title_text=f"shadow price [{objective.price_unit}] (log scale)")
    return figures


CFE_CURVES = {
    "cfe": ("hourly CFE score (24/7)", "cfe_score", "#2ca02c"),
    "green_share": ("annual green share (certificates and contracts count)", None, "#1f77b4"),
}


def cfe_figures(table: pd.DataFrame) -> list:
    """Cost against the level reached [%], one curve per claim (hourly CFE, annual green
    share at the same levels), the least-cost plan's own scores marked; and each target's
    shadow price [yuan/MWh] against its level."""
    import plotly.graph_objects as go

    from planner import charts
    from planner.sweep import style

    ok = table[table["cost_myuan"].notna()]
    if ok.empty:
        return []
    front, price = go.Figure(), go.Figure()
    for kind, (name, _, color) in CFE_CURVES.items():
        rows = ok[ok["kind"] == kind]
        if rows.empty:
            continue
        # x: the plan's own score of that claim, which is the level where the target binds
        column = "cfe_score" if kind == "cfe" else "certified_green_share"
        x = charts.rounded(pd.to_numeric(rows[column]) * 100, 4)
        levels = [f"target ≥ {lv:.0%}" for lv in rows["level"]]
        front.add_trace(
            go.Scatter(
                x=x,
                y=charts.rounded(rows["cost_myuan"], 6),
                mode="lines+markers",
                name=name,
                line={"color": color},
                text=levels,
                hovertemplate="%{text}<br>%{x:.1f} %<br>%{y:,.1f} M yuan/yr<extra></extra>",
            )
        )
        price.add_trace(
            go.Scatter(
                x=charts.rounded(pd.to_numeric(rows["level"]) * 100, 4),
                y=charts.rounded(pd.to_numeric(rows["shadow_price_yuan_per_mwh"]), 3),
                mode="lines+markers",
                name=name,
                line={"color": color},
                hovertemplate="target ≥ %{x:.0f} %<br>%{y:,.1f} yuan/MWh<extra></extra>",
            )
        )
    least = ok[ok["kind"] == "least_cost"]
    if len(least):
        row = least.iloc[0]
        for kind, (name, _, color) in CFE_CURVES.items():
            column = "cfe_score" if kind == "cfe" else "certified_green_share"
            front.add_trace(
                go.Scatter(
                    x=charts.rounded([float(row[column]) * 100], 4),
                    y=charts.rounded([row["cost_myuan"]], 6),
                    mode="markers",
                    marker={"size": 11, "symbol": "diamond-open", "color": color},
                    name=f"least-cost plan, its {name.split(' (')[0]}",
                    hovertemplate="least-cost plan<br>%{x:.1f} %<br>%{y:,.1f} M yuan/yr"
                    "<extra></extra>",
                )
            )
    figures = [
        style(
            front,
            "Least annual cost for each clean-energy target: hourly CFE against annual share",
            "share of the load matched [%]",
            "annual cost [M yuan/yr]",
            height=440,
        )
    ]
    style(
        price,
        "Shadow price of each target along its ladder",
        "target level [%]",
        "shadow price [yuan/MWh]",
        height=420,
    )
    figures.append(price)
    return figures


def _cfe_note(table: pd.DataFrame) -> str:
    """What the CFE page says above its charts: how to read them and where the ladders end."""
    from planner.sweep import cell

    note = (
        "Each point is the least-cost plan whose portfolio reaches the target: hourly CFE "
        "(clean supply matched to load hour by hour: own PV and wind used, battery, grid "
        "imports at the grid's hourly clean share, contracts, lines) or the annual green "
        "share at the same level (own PV and wind, contracts, lines and unbundled "
        "certificates where the case prices them, summed over the year). Cost includes the "
        "carbon price of the case; the targets come on top of the case's own limits."
    )
    for kind, (name, _, _) in CFE_CURVES.items():
        rows = table[table["kind"] == kind]
        failed = rows[rows["cost_myuan"].isna()]
        if len(failed):
            first = failed.iloc[0]
            note += (
                f" The {name.split(' (')[0]} cannot reach {first['level']:.0%} in this case "
                f"({first['status']}); higher levels were not solved."
            )
    both = table[table["kind"].isin(list(CFE_CURVES))].dropna(subset=["cost_myuan"])
    top = both.groupby("kind")["level"].max()
    if {"cfe", "green_share"} <= set(top.index):
        level = min(top["cfe"], top["green_share"])
        at = both[both["level"] == level].set_index("kind")["cost_myuan"]
        note += (
            f" At {level:.0%}: {cell(at['cfe'])} M yuan/yr hourly against "
            f"{cell(at['green_share'])} M yuan/yr annual."
        )
    return note


def write_pareto_html(table: pd.DataFrame, objective: Objective, path: Path, case: Case) -> Path:
    """pareto.html: the front with its knee, the shadow price along it, and the table (on
    the CFE axis: both ladders on one chart, their shadow prices, and the table)."""

    from planner.sweep import cell, render_page, table_rows, table_titles

    if objective.name == "cfe":
        # the HTML table shows the levels and CFE scores in % (share-named columns)
        shown = table.rename(columns={"level": "target_share", "cfe_score": "hourly_cfe_share"})
        sections = [
            {
                "heading": "Hourly CFE against annual green share",
                "note": _cfe_note(table),
                "figures": cfe_figures(table),
            },
            {
                "heading": "Points",
                "table": {"columns": table_titles(shown), "rows": table_rows(shown)},
            },
        ]
        meta = [f"scenario {case.scenario}", f"{len(table)} solves", "cost vs hourly CFE"]
        path.write_text(
            render_page(
                f"Cost of clean-energy claims in {case.name}: hourly CFE vs annual green share",
                meta,
                sections,
            ),
            encoding="utf-8",
        )
        return path

    rows = table_rows(table)
    knee = table[table["knee"].astype(bool)]
    note = (
        "Each point is the least-cost plan under a cap on "
        f"{objective.label.lower()}; cost includes the carbon price of the case. The shadow "
        f"price is what one unit less of {objective.label.lower()} costs at that point."
    )
    if len(knee):
        k = knee.iloc[0]
        note += (
            f" Knee: point {int(k['point'])} ({cell(k['cost_myuan'])} M yuan/yr, "
            f"{cell(k[objective.column])} {objective.unit})."
        )
    sections = [
        {"heading": "Front", "note": note, "figures": pareto_figures(table, objective)},
        {
            "heading": "Points",
            "table": {"columns": table_titles(table), "rows": rows},
        },
    ]
    meta = [f"scenario {case.scenario}", f"{len(table)} points", f"cost vs {objective.name}"]
    path.write_text(
        render_page(f"Pareto front of {case.name}: cost vs {objective.name}", meta, sections),
        encoding="utf-8",
    )
    return path


__all__ = [
    "OBJECTIVES",
    "FrontPoint",
    "ParetoOptions",
    "ParetoReport",
    "ParetoResult",
    "add_cfe_targets",
    "add_pareto",
    "cfe_front",
    "cfe_levels",
    "knee_index",
    "pareto_front",
    "parse_objectives",
    "run_pareto",
    "secondary_expression",
]
