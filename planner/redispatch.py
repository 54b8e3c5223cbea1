"""Full-year re-dispatch of a solved plan: its true annual cost and the typical-day error.

A plan solved on typical days fixes capacities (IT by cooling technology, PV, wind, battery
energy and power) and routing. With those fixed the sites decouple, so each site's dispatch
over all 8760 hours is one LP of its own, built from the same `models` blocks:

- the site's case: the plan's case restricted to that one site, whose demand is what the plan
  routes to it (region, class → served MW), so `demand_met` fixes the routing; the terms no
  site LP holds (PLAN_ONLY_TERMS: vouchers, site opening, unserved penalty) are added back, as
  planned, to the total;
  cooling technologies the plan built none of at the site are left out (their load is zero);
- one `planner.pipeline.Pipeline` per site: `prepare(site_case, "full")`, `models.build`, then
  the capacity variables are fixed at the plan's values (`fix_plan`: `Var.fix`, no change to
  `models/` needed);
- constraints over all sites cannot be split, so a binding global carbon cap or overall green
  share is priced instead at the plan's dual (Lagrangian term added to the objective:
  + shadow price × emissions, − shadow price × (green + certificates − share × facility
  energy)); the reported cost keeps only the real cost terms.

The LPs are solved in sequence or in a process pool (`workers`). `redispatch` returns one row
per site and a final `total` row, beside the plan's own (typical-day) figures.
Units: M yuan/yr, t CO2/yr, MWh/yr, MW; errors in % of the plan's figure.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from planner.inputs.case import Case
from planner.pipeline import INFEASIBLE, Pipeline, RunOptions
from planner.results import Results

YUAN_PER_MYUAN = 1e6
EPS = 1e-6
TOTAL = "total"
# Cost terms of the plan that no site LP holds, fixed by its decisions and carried as planned
# into the total: vouchers (routing only), site opening (MILP binaries) and the penalty of
# demand the plan leaves unserved (the site LPs carry only what the plan serves).
PLAN_ONLY_TERMS = ("vouchers", "site_opening", "unserved")

# Columns of the returned table (per site and total), in order.
COLUMNS = [
    "site",
    "status",
    "annual_cost_myuan",
    "plan_cost_myuan",
    "cost_error_pct",
    "emissions_t",
    "plan_emissions_t",
    "grid_energy_mwh",
    "plan_grid_energy_mwh",
    "pv_energy_mwh",
    "wind_energy_mwh",
    "curtailed_mwh",
    "it_energy_mwh",
    "facility_energy_mwh",
    "pue",
    "plan_pue",
    "pue_cap",
    "green_share",
    "plan_green_share",
    "water_m3",
    "unserved_mw",
    "relaxed",
    "limit_excess",
    "plan_only_myuan",
    "rows",
    "columns",
    "iterations",
    "seconds",
    "prepare_seconds",
    "build_seconds",
    "load_seconds",
    "solve_seconds",
    "extract_seconds",
]

# Columns whose total is not the sum over sites: text, ratios, the plan's own total, and
# excesses of limits in different units.
NOT_SUMMED = {
    "site",
    "status",
    "plan_cost_myuan",
    "cost_error_pct",
    "pue",
    "plan_pue",
    "pue_cap",
    "green_share",
    "plan_green_share",
    "relaxed",
    "limit_excess",
    "plan_only_myuan",
}


@dataclass(frozen=True)
class RedispatchOptions:
    """workers: processes (1: in this process, in sequence; None: one per CPU, at most one
    per site);
    time_limit [s] per site LP; solver_options: raw HiGHS options for every site LP;
    export_dir: if set, each site LP is also written there as `<site>.mps` (benchmarks)."""

    workers: int | None = None
    time_limit: float | None = None
    solver_options: dict = field(default_factory=dict)
    export_dir: str | None = None


@dataclass(frozen=True)
class SiteTask:
    """What one site's LP needs (picklable, for worker processes).

    capacities: {'Cap_IT': {cooling: MW}, 'Cap_PV': MW, 'Cap_WT': MW, 'Cap_E': MWh,
    'Cap_P': MW}; carbon_shadow [yuan/t] ≥ 0; green_shadow [yuan/MWh] ≥ 0 and green_share [-]
    of a binding overall green-share limit."""

    site: str
    case: Case
    capacities: dict
    carbon_shadow: float = 0.0
    green_shadow: float = 0.0
    green_share: float = 0.0


def _policy_dual(results: Results, name: str) -> float:
    """The dual of a scalar policy constraint in planner units (0 when absent)."""
    duals = results.duals
    if duals.empty:
        return 0.0
    rows = duals[duals["constraint"] == name]
    return float(rows["dual"].iloc[0]) if len(rows) else 0.0


def site_case(case: Case, results: Results, site: str) -> Case:
    """The plan's case restricted to `site`, with the demand the plan routes to it."""
    routing = results.routing
    served = routing[routing["site"] == site]
    demand = pd.DataFrame(
        {
            "excel_row": np.arange(len(served), dtype=int) + 2,
            "region": served["region"].to_numpy(),
            "workload_class": served["workload_class"].to_numpy(),
            "demand_mw": served["served_mw"].to_numpy(dtype=float),
        }
    )
    policy = dict(case.policy)
    policy["carbon_cap"] = None  # priced at its dual instead (see module doc)
    if policy.get("green_share_scope") != "site":
        policy["green_share_min"] = None
    profiles = {
        name: frame[[site]] if site in frame.columns else frame
        for name, frame in case.profiles.items()
    }
    links = case.links[case.links["site"] == site] if not case.links.empty else case.links
    return dataclasses.replace(
        case,
        name=f"{case.name}:{site}",
        policy=policy,
        technologies=_built_cooling_only(case, results, site),
        sites=case.sites.loc[[site]],
        demand=demand,
        links=links.reset_index(drop=True),
        vouchers=case.vouchers.iloc[0:0],
        profiles=profiles,
    )


def _built_cooling_only(case: Case, results: Results, site: str) -> pd.DataFrame:
    """The case's technologies with the cooling technologies the plan built no IT capacity of
    at `site` marked unavailable: their load is zero all year, so leaving them out of the site
    LP (a third of its rows per technology) changes nothing but its size. All are kept when
    the plan built none."""
    row = results.sites.set_index("site").loc[site]
    unused = [
        k for k in case.cooling_techs if float(row.get(f"it_capacity_{k}_mw", 0.0) or 0.0) <= EPS
    ]
    if len(unused) == len(case.cooling_techs):
        return case.technologies
    technologies = case.technologies.copy()
    technologies.loc[unused, "available"] = False
    return technologies


def site_tasks(case: Case, results: Results) -> list[SiteTask]:
    """One task per site of the plan, with its fixed capacities and the policy prices."""
    sites = results.sites.set_index("site")
    cooling = case.cooling_techs
    # shadow prices are the duals' magnitudes: the sign of a dual follows how Pyomo wrote the
    # row (a ≥ b with variables on both sides becomes b − a ≤ 0), the price does not
    carbon = abs(_policy_dual(results, "carbon_cap_limit"))
    green = abs(_policy_dual(results, "green_share_limit"))
    share = float(case.policy.get("green_share_min") or 0.0)
    tasks = []
    for site in case.sites.index:
        row = sites.loc[site]
        capacities = {
            "Cap_IT": {k: max(0.0, float(row.get(f"it_capacity_{k}_mw", 0.0))) for k in cooling},
            "Cap_PV": max(0.0, float(row["pv_mw"])),
            "Cap_WT": max(0.0, float(row["wind_mw"])),
            "Cap_E": max(0.0, float(row["battery_mwh"])),
            "Cap_P": max(0.0, float(row["battery_mw"])),
        }
        tasks.append(
            SiteTask(
                site=site,
                case=site_case(case, results, site),
                capacities=capacities,
                carbon_shadow=carbon,
                green_shadow=green if case.policy.get("green_share_scope") != "site" else 0.0,
                green_share=share,
            )
        )
    return tasks


def fix_plan(m: pyo.ConcreteModel, task: SiteTask) -> None:
    """Fix the capacity variables of `m` (one site's model) at the plan's values and price a
    binding global carbon cap or green share at the plan's dual (module doc)."""
    site = task.site
    caps = task.capacities
    for k in m.K:
        m.Cap_IT[site, k].fix(caps["Cap_IT"].get(k, 0.0))
    m.Cap_PV[site].fix(caps["Cap_PV"])
    m.Cap_WT[site].fix(caps["Cap_WT"])
    m.Cap_E[site].fix(caps["Cap_E"])
    m.Cap_P[site].fix(caps["Cap_P"])
    if task.carbon_shadow > 0 or task.green_shadow > 0:
        shadow = 0.0
        if task.carbon_shadow > 0:
            shadow = shadow + task.carbon_shadow / YUAN_PER_MYUAN * m.emissions_t
        if task.green_shadow > 0:
            green = m.green_mwh[site] + m.GEC[site] - task.green_share * m.facility_energy_mwh[site]
            shadow = shadow - task.green_shadow / YUAN_PER_MYUAN * green
        m.total_cost.deactivate()
        m.priced_cost = pyo.Objective(expr=m.total_cost.expr + shadow, sense=pyo.minimize)


def site_pipeline(
    task: SiteTask, options: RedispatchOptions | None = None, elastic: list[str] | None = None
) -> Pipeline:
    """The pipeline of one site's full-year dispatch: its case over all 8760 h, capacities
    fixed (`fix_plan`). With `elastic` (a list), the SITE_LIMITS are also made elastic
    (`make_limits_elastic`) and the limit of each `limit_excess` index is appended to it."""
    options = options or RedispatchOptions()

    def extend(m: pyo.ConcreteModel, _data) -> None:
        fix_plan(m, task)
        if elastic is not None:
            elastic.extend(make_limits_elastic(m))

    return Pipeline(
        task.case,
        RunOptions(time="full", time_limit=options.time_limit),
        solver_options=options.solver_options,
        extend=extend,
    )


def build_site_model(task: SiteTask):
    """(ModelData, model) of one site's full-year dispatch, capacities fixed."""
    pipeline = site_pipeline(task)
    pipeline.build()
    return pipeline.data, pipeline.model


# Site limits that the full year may break for a typical-day plan. They are made elastic at
# this penalty per unit of excess (M yuan per MWh, m3, ...): far above any shadow price, so the
# excess is zero whenever the limit can be met and otherwise the least possible.
SITE_LIMITS = ("pue_cap_limit", "water_cap_limit", "green_share_site", "utilisation")
EXCESS_PENALTY_MYUAN = 1.0
EXCESS_TOLERANCE = 1e-6


def make_limits_elastic(m: pyo.ConcreteModel) -> list[str]:
    """Replace the active one-sided SITE_LIMITS rows of `m` by elastic copies (body −
    excess ≤ upper, or body + excess ≥ lower, `limit_excess` ≥ 0 penalised in a new
    objective `elastic_cost`). Returns the limit name of each `limit_excess` index. The cost
    terms `m.cost` are unchanged, so reported costs exclude the penalty."""
    rows = []
    for name in SITE_LIMITS:
        component = getattr(m, name, None)
        if component is None:
            continue
        for con in component.values():
            if con.active and con.has_lb() != con.has_ub():
                rows.append((name, con))
    if not rows:
        return []
    m.LIMITS = pyo.Set(initialize=range(len(rows)), ordered=True)
    m.limit_excess = pyo.Var(m.LIMITS, domain=pyo.NonNegativeReals)

    def elastic(m, i):
        con = rows[i][1]
        if con.has_ub():
            return con.body - m.limit_excess[i] <= con.upper
        return con.body + m.limit_excess[i] >= con.lower

    m.elastic_limit = pyo.Constraint(m.LIMITS, rule=elastic)
    for _, con in rows:
        con.deactivate()
    objective = next(m.component_data_objects(pyo.Objective, active=True))
    objective.deactivate()
    m.elastic_cost = pyo.Objective(
        expr=objective.expr + EXCESS_PENALTY_MYUAN * pyo.quicksum(m.limit_excess.values()),
        sense=pyo.minimize,
    )
    return [name for name, _ in rows]


def broken_limits(m: pyo.ConcreteModel, names: list[str]) -> tuple[list[str], float]:
    """The limits with an excess in the solution of `m`, and the total excess."""
    if not names:
        return [], 0.0
    excess = [float(m.limit_excess[i].value or 0.0) for i in range(len(names))]
    broken = sorted({n for n, x in zip(names, excess, strict=True) if x > EXCESS_TOLERANCE})
    return broken, sum(excess)


def allow_unserved(m: pyo.ConcreteModel) -> bool:
    """Let demand go unserved (at the case's penalty): the last resort when the fixed
    capacities cannot carry the year's load. Returns False when it already could."""
    fixed = [v for v in m.u.values() if v.fixed]
    for v in fixed:
        v.unfix()
    return bool(fixed)


def solve_site(task: SiteTask, options: RedispatchOptions | None = None) -> dict:
    """Solve one site's full-year LP; returns its row of the re-dispatch table (with the
    seconds of each phase)."""
    options = options or RedispatchOptions()
    start = time.perf_counter()
    row: dict = {"site": task.site}
    if task.case.demand.empty and not any(
        v > EPS for v in [*task.capacities["Cap_IT"].values(), task.capacities["Cap_PV"]]
    ):
        row.update(status="idle", annual_cost_myuan=0.0, seconds=time.perf_counter() - start)
        return row
    # the plan may break a site limit over the real year (typical days miss some hours):
    # the least excess is found and reported instead of stopping at "infeasible"
    limits: list[str] = []
    pipeline = site_pipeline(task, options, elastic=limits)
    solver = pipeline.load()
    if options.export_dir is not None and solver.highs is not None:
        Path(options.export_dir).mkdir(parents=True, exist_ok=True)
        solver.highs.writeModel(str(Path(options.export_dir) / f"{task.site}.mps"))
    unserved = False
    with pipeline.timer.phase("solve"):
        attempts = [pipeline.solve(want_duals=False)]
        if attempts[-1].status in INFEASIBLE and allow_unserved(pipeline.model):
            unserved = True
            attempts.append(pipeline.solve(want_duals=False))
    outcome = attempts[-1]
    compiled = solver.compiled
    row.update(
        status=outcome.status,
        rows=compiled.n_rows if compiled is not None else None,
        columns=compiled.n_cols if compiled is not None else None,
        iterations=sum(a.iterations for a in attempts),
    )
    if outcome.has_solution:
        broken, excess = broken_limits(pipeline.model, limits)
        row["relaxed"] = ",".join(broken + (["demand_met"] if unserved else []))
        row["limit_excess"] = excess
        results = pipeline.collect()
        s = results.sites.iloc[0]
        row.update(
            annual_cost_myuan=float(results.costs["cost_myuan"].sum()),
            emissions_t=float(s["emissions_t"]),
            grid_energy_mwh=float(s["grid_energy_mwh"]),
            pv_energy_mwh=float(s["pv_energy_mwh"]),
            wind_energy_mwh=float(s["wind_energy_mwh"]),
            curtailed_mwh=float(s["curtailed_mwh"]),
            it_energy_mwh=float(s["it_energy_mwh"]),
            facility_energy_mwh=float(s["facility_energy_mwh"]),
            pue=_float(s["pue"]),
            green_share=_float(s["green_share"]),
            water_m3=float(s["water_m3"]),
            unserved_mw=float(results.summary["unserved_mw"]),
        )
    for phase, seconds in pipeline.timings.items():
        row[f"{phase}_seconds"] = seconds
    row["seconds"] = time.perf_counter() - start
    return row


def _float(value) -> float:
    return float("nan") if value is None or pd.isna(value) else float(value)


def _solve_all(tasks: list[SiteTask], options: RedispatchOptions) -> list[dict]:
    workers = options.workers or os.cpu_count() or 1
    workers = max(1, min(workers, len(tasks)))
    if workers == 1:
        return [solve_site(task, options) for task in tasks]
    # spawn, not fork: HiGHS keeps a thread pool that a forked child must not inherit
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        return list(pool.map(solve_site, tasks, [options] * len(tasks)))


def redispatch(
    case: Case, results: Results, options: RedispatchOptions | None = None
) -> pd.DataFrame:
    """Re-dispatch a solved plan over the full year, one LP per site (see module doc).

    `case` is the case the plan was solved for (scenario applied); `results` its Results.
    Returns one row per site and a `total` row (columns: COLUMNS); `annual_cost_myuan` of the
    total includes the plan's PLAN_ONLY_TERMS (`plan_only_myuan`), so it compares with the
    plan's objective in `plan_cost_myuan`.
    """
    options = options or RedispatchOptions()
    tasks = site_tasks(case, results)
    rows = _solve_all(tasks, options)
    table = pd.DataFrame(rows)
    plan = results.sites.set_index("site")
    table["plan_cost_myuan"] = table["site"].map(plan["cost_myuan"])
    table["plan_emissions_t"] = table["site"].map(plan["emissions_t"])
    table["plan_grid_energy_mwh"] = table["site"].map(plan["grid_energy_mwh"])
    table["plan_pue"] = table["site"].map(plan["pue"])
    table["pue_cap"] = table["site"].map(plan["pue_cap"])
    table["plan_green_share"] = table["site"].map(plan["green_share"])
    costs = results.costs.set_index("term")["cost_myuan"]
    plan_only = float(sum(costs.get(term, 0.0) for term in PLAN_ONLY_TERMS))
    total = _total_row(table, results, plan_only)
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        plan_cost = table["plan_cost_myuan"].to_numpy(dtype=float)
        table["cost_error_pct"] = np.where(
            np.abs(plan_cost) > EPS,
            100.0
            * (plan_cost - table["annual_cost_myuan"].to_numpy(dtype=float))
            / table["annual_cost_myuan"].to_numpy(dtype=float),
            np.nan,
        )
    return table.reindex(columns=COLUMNS)


def total_figures(table: pd.DataFrame) -> dict:
    """The `total` row of a re-dispatch table as a plain dict (every column but the per-phase
    seconds): what a run's summary.json keeps."""
    total = table[table["site"] == TOTAL].iloc[0]
    return {
        column: total.get(column)
        for column in COLUMNS
        if column != "site" and not column.endswith("_seconds")
    }


def _total_row(table: pd.DataFrame, results: Results, plan_only: float) -> dict:
    """Sums over sites (ratios recomputed from the sums); the plan-only terms added to the
    cost."""
    solved = table["status"].isin(["optimal", "idle"]).all()
    summed = {
        c: float(table[c].sum(min_count=1)) for c in COLUMNS if c not in NOT_SUMMED and c in table
    }
    it = summed.get("it_energy_mwh", math.nan)
    facility = summed.get("facility_energy_mwh", math.nan)
    green = summed.get("pv_energy_mwh", math.nan) + summed.get("wind_energy_mwh", math.nan)
    summary = results.summary
    relaxed = [
        f"{site}: {what}"
        for site, what in zip(table["site"], table.get("relaxed", []), strict=False)
        if isinstance(what, str) and what
    ]
    return {
        "site": TOTAL,
        "status": "optimal" if solved else "incomplete",
        "relaxed": "; ".join(relaxed),
        **summed,
        "annual_cost_myuan": summed.get("annual_cost_myuan", math.nan) + plan_only
        if solved
        else math.nan,
        "plan_cost_myuan": float(summary["objective_myuan"]),
        "pue": facility / it if it > EPS else math.nan,
        "plan_pue": summary.get("pue_avg"),
        "green_share": green / facility if facility > EPS else math.nan,
        "plan_green_share": summary.get("green_share"),
        "plan_only_myuan": plan_only,
    }
