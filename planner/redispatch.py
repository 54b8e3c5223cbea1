"""Full-year re-dispatch of a solved plan: its true annual cost and the typical-day error.

A plan solved on typical days fixes capacities (IT by cooling technology, variable renewables,
battery energy and power) and routing. With those fixed, sites are coupled only by what the
model registers as a coupling (`models.registry.Coupling`: a power line, models/lines.py),
so the plan's sites fall into connected components (`results.extra["site_groups"]`: a supply
node with the sites its lines reach, every other site alone) and each component's dispatch
over all 8760 hours is one LP of its own, built from the same `models` blocks:

- the component's case: the plan's case restricted to its sites, whose demand is what the
  plan routes to them (region, class → served MW), so `demand_met` fixes the routing; the
  plan-only cost terms (those without a site attribution in the registry: vouchers, site
  opening, unserved penalty) are added back, as planned, to the total; cooling technologies
  the plan built none of at a one-site component are left out (their load is zero);
- one `planner.pipeline.Pipeline` per component: `prepare(component_case, "full")`,
  `models.build`, then the capacity variables are fixed at the plan's values (`fix_plan`:
  `Var.fix`, no change to `models/` needed);
- limits the registry marks as plan-wide and dispatch-dependent (the carbon cap, the overall
  green share) cannot be split: their rows are deactivated and priced instead at the plan's
  shadow price (Lagrangian term: + price / factor × the row's body in `≤` form, e.g. +
  shadow price × emissions, − shadow price × (green + certificates − share × facility
  energy)); the reported cost keeps only the real cost terms;
- site limits that depend on dispatch (PUE cap, water cap, green share per site,
  utilisation) may break over the real year: they are made elastic (`models.elastic.relax`)
  at a high penalty, and the least excess is reported.

The LPs are solved in sequence or in a process pool (`workers`). `redispatch` returns one row
per site and a final `total` row, beside the plan's own (typical-day) figures. A site's
annual cost is its attributed cost (`m.cost_site`); a component's plan-only terms (the
penalty of demand its fixed capacities cannot carry) go to its first site.
Units: M yuan/yr, t CO2/yr, MWh/yr, MW; errors in % of the plan's figure.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from models.registry import DEMAND_PRICE, registry
from planner.inputs.case import Case
from planner.pipeline import INFEASIBLE, Pipeline, RunOptions
from planner.results import Results

EPS = 1e-6
TOTAL = "total"

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
    "green_mwh",
    "contract_mwh",
    "curtailed_mwh",
    "it_energy_mwh",
    "facility_energy_mwh",
    "pue",
    "plan_pue",
    "pue_cap",
    "green_share",
    "plan_green_share",
    "cfe_mwh",
    "cfe_score",
    "plan_cfe_score",
    "water_m3",
    "unserved_mw",
    "relaxed",
    "limit_excess",
    "broken",
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
    "update_seconds",
    "lp_kept",
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
    "cfe_score",
    "plan_cfe_score",
    "relaxed",
    "limit_excess",
    "broken",
    "plan_only_myuan",
}


@dataclass(frozen=True)
class RedispatchOptions:
    """workers: processes (1: in this process, in sequence; None: one per CPU, at most one
    per site);
    time_limit [s] per site LP; solver_options: raw HiGHS options for every site LP;
    export_dir: if set, each site LP is also written there as `<site>.mps` (benchmarks);
    progress: told "re-dispatch: N/M site groups" as each component's LP is done (in this
    process; never sent to workers)."""

    workers: int | None = None
    time_limit: float | None = None
    solver_options: dict = field(default_factory=dict)
    export_dir: str | None = None
    progress: Callable[[str], None] | None = field(default=None, compare=False, repr=False)
    # keep each component's LP for the next re-dispatch (planner.site_lps; --hold-full-year)
    site_lps: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class SiteTask:
    """What one connected component's LP needs (picklable, for worker processes).

    sites: the component's sites (one, or a supply node and its lines' ends); case: the
    plan's case restricted to them;
    capacities: {site: {'Cap_IT': {cooling: MW}, 'Cap_VRE': {tech: MW}, 'Cap_E': MWh,
    'Cap_P': MW}}; prices: {limit: shadow price ≥ 0 in the limit's planner unit} of the
    plan-wide dispatch limits, priced instead of held (see module doc)."""

    sites: tuple[str, ...]
    case: Case
    capacities: dict
    prices: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)  # {line: new capacity MW} of the plan

    @property
    def site(self) -> str:
        """The component's name: its site, or its sites joined by '+'."""
        return "+".join(self.sites)


def site_case(
    case: Case, results: Results, sites: str | tuple[str, ...], all_cooling: bool = False
) -> Case:
    """The plan's case restricted to `sites` (one site or a component), with the demand the
    plan routes to them. A one-site case keeps only the cooling technologies the plan built
    there, unless `all_cooling` (a kept LP, planner.site_lps: its structure must not depend
    on the plan; the unbuilt ones have IT capacity fixed at 0)."""
    group = (sites,) if isinstance(sites, str) else tuple(sites)
    routing = results.routing
    served = routing[routing["site"].isin(group)]
    demand = pd.DataFrame(
        {
            "excel_row": np.arange(len(served), dtype=int) + 2,
            "region": served["region"].to_numpy(),
            "workload_class": served["workload_class"].to_numpy(),
            "demand_mw": served["served_mw"].to_numpy(dtype=float),
            "unit": "MW",  # routed demand is in MW of IT (a PFLOPS row is converted by now)
        }
    )
    # several sites may serve one (region, class): one demand row each is one demand row
    demand = (
        demand.groupby(["region", "workload_class"], sort=False, as_index=False)
        .agg(
            excel_row=("excel_row", "first"),
            demand_mw=("demand_mw", "sum"),
            unit=("unit", "first"),
        )
        .reindex(columns=demand.columns)
    )
    profiles = {
        name: frame[list(group)] if set(group) <= set(frame.columns) else frame
        for name, frame in case.profiles.items()
    }
    links = case.links[case.links["site"].isin(group)] if not case.links.empty else case.links
    technologies = (
        _built_cooling_only(case, results, group[0])
        if len(group) == 1 and not all_cooling
        else case.technologies
    )
    return dataclasses.replace(
        case,
        name=f"{case.name}:{'+'.join(group)}",
        technologies=technologies,
        sites=case.sites.loc[list(group)],
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


def _priced_limits(results: Results) -> dict[str, float]:
    """Shadow prices [planner units] of the plan-wide dispatch limits the plan's model
    registered (`results.extra['priced_limits']`), read from its duals (0 when absent).
    Shadow prices are the duals' magnitudes: the sign of a dual follows how Pyomo wrote the
    row (a ≥ b with variables on both sides becomes b − a ≤ 0), the price does not."""
    duals = results.duals
    prices = {}
    for name in results.extra.get("priced_limits", ()):
        rows = duals[duals["constraint"] == name] if not duals.empty else duals
        prices[name] = abs(float(rows["dual"].iloc[0])) if len(rows) else 0.0
    return prices


def site_tasks(case: Case, results: Results, all_cooling: bool = False) -> list[SiteTask]:
    """One task per connected component of the plan's sites, with its fixed capacities and
    the prices of the plan-wide limits (`all_cooling`: see `site_case`)."""
    sites = results.sites.set_index("site")
    cooling = case.cooling_techs
    prices = _priced_limits(results)
    renewables = results.extra.get("renewables", ("pv", "wind"))
    groups = results.extra.get("site_groups") or [(s,) for s in case.sites.index]
    tasks = []
    for group in groups:
        capacities = {}
        for site in group:
            row = sites.loc[site]
            capacities[site] = {
                "Cap_IT": {
                    k: max(0.0, float(row.get(f"it_capacity_{k}_mw", 0.0))) for k in cooling
                },
                "Cap_VRE": {v: max(0.0, float(row[f"{v}_mw"])) for v in renewables},
                "Cap_E": max(0.0, float(row["battery_mwh"])),
                "Cap_P": max(0.0, float(row["battery_mw"])),
                "Cap_PPA": max(0.0, float(row.get("contract_capacity_mw", 0.0) or 0.0)),
            }
        lines = results.extra.get("line_new_mw", {})
        tasks.append(
            SiteTask(
                tuple(group),
                site_case(case, results, tuple(group), all_cooling),
                capacities,
                prices,
                lines,
            )
        )
    return tasks


def fix_plan(m: pyo.ConcreteModel, task: SiteTask) -> None:
    """Fix the capacity variables of `m` (one component's model) at the plan's values and
    price the plan-wide dispatch limits at the plan's shadow prices (module doc)."""
    from models.registry import registry

    fix_capacities(m, task)
    priced = [
        limit
        for limit in registry(m).active_limits(m)
        if limit.scope == "plan" and limit.dispatch and limit.bound is None
    ]
    if not priced:
        return
    # the prices are mutable Params (M yuan per model unit), so that a kept LP takes the next
    # plan's prices without a rebuild (`set_prices`, planner.site_lps)
    m.redispatch_price = pyo.Param([limit.name for limit in priced], initialize=0.0, mutable=True)
    set_prices(m, task)
    shadow = 0.0
    for limit in priced:
        for con in m.component(limit.name).values():
            con.deactivate()
            body = con.body if con.has_ub() else -con.body
            shadow = shadow + m.redispatch_price[limit.name] * body
    m.total_cost.deactivate()
    m.priced_cost = pyo.Objective(expr=m.total_cost.expr + shadow, sense=pyo.minimize)


def fix_capacities(m: pyo.ConcreteModel, task: SiteTask) -> None:
    """Fix the capacity variables of `m` at the plan's values of `task` [MW, MWh]."""
    for site, caps in task.capacities.items():
        for k in m.K:
            m.Cap_IT[site, k].fix(caps["Cap_IT"].get(k, 0.0))
        for v in m.VRE:
            m.Cap_VRE[site, v].fix(caps["Cap_VRE"].get(v, 0.0))
        m.Cap_E[site].fix(caps["Cap_E"])
        m.Cap_P[site].fix(caps["Cap_P"])
        if m.component("Cap_PPA") is not None:  # green power contracts (models/contracts.py)
            m.Cap_PPA[site].fix(caps.get("Cap_PPA", 0.0))
    for line in getattr(m, "LN", ()):  # new power-line capacity is part of the plan
        m.Cap_L[line].fix(max(0.0, float(task.lines.get(line, 0.0))))


def set_prices(m: pyo.ConcreteModel, task: SiteTask) -> None:
    """Put the plan's shadow prices of the priced plan-wide limits into `m.redispatch_price`
    [M yuan per model unit] (0 where the plan has none)."""
    from models.registry import registry

    prices = m.component("redispatch_price")
    if prices is None:
        return
    limits = registry(m).limits
    for name in prices:
        prices[name].set_value(task.prices.get(name, 0.0) / limits[name].factor)


def component_pipeline(
    task: SiteTask, options: RedispatchOptions | None = None, slacks: list | None = None
) -> Pipeline:
    """The pipeline of one component's full-year dispatch: its case over all 8760 h,
    capacities fixed and plan-wide limits priced (`fix_plan`). With `slacks` (a list), the
    site-local dispatch limits are also made elastic (`relax_site_limits`) and their slacks
    appended to it."""
    options = options or RedispatchOptions()

    def extend(m: pyo.ConcreteModel, _data) -> None:
        fix_plan(m, task)
        if slacks is not None:
            slacks.extend(relax_site_limits(m))

    return Pipeline(
        task.case,
        RunOptions(time="full", time_limit=options.time_limit),
        solver_options=options.solver_options,
        extend=extend,
    )


def build_site_model(task: SiteTask):
    """(ModelData, model) of one component's full-year dispatch, capacities fixed and the
    plan-wide dispatch limits priced."""
    pipeline = component_pipeline(task)
    pipeline.build()
    return pipeline.data, pipeline.model


# Site limits that the full year may break for a typical-day plan (registered with scope
# "site" and dispatch=True) are made elastic at this penalty per unit of excess (M yuan per
# MWh, m3, ...): far above any shadow price, so the excess is zero whenever the limit can be
# met and otherwise the least possible.
EXCESS_PENALTY_MYUAN = 1.0
EXCESS_TOLERANCE = 1e-6


def relax_site_limits(m: pyo.ConcreteModel) -> list:
    """Relax the active rows of the site-local dispatch limits of `m` (models.elastic, slack
    in model units) and minimise cost + EXCESS_PENALTY_MYUAN × Σ excess (objective
    `elastic_cost`). Returns the slacks. The cost terms `m.cost` are unchanged, so reported
    costs exclude the penalty."""
    from models.elastic import relax, slack_cost
    from models.registry import registry

    limits = [
        lim
        for lim in registry(m).active_limits(m)
        if lim.scope == "site" and lim.dispatch and lim.bound is None
    ]
    slacks = relax(m, limits, scaled=False, active_only=True)
    if not slacks:
        return []
    objective = next(m.component_data_objects(pyo.Objective, active=True))
    objective.deactivate()
    m.elastic_cost = pyo.Objective(
        expr=objective.expr + slack_cost(slacks, per_unit=EXCESS_PENALTY_MYUAN),
        sense=pyo.minimize,
    )
    return slacks


def broken_limits(slacks: list) -> tuple[list[str], float]:
    """The limits with an excess in the solution, and the total excess (model units)."""
    excess = [(s.limit.name, float(s.var.value or 0.0)) for s in slacks]
    broken = sorted({n for n, x in excess if x > EXCESS_TOLERANCE})
    return broken, sum(x for _, x in excess)


# Private keys of a component's first row: its parts of the plan-wide rows and the site limits
# it breaks (popped by `redispatch` before the table is made).
PLAN_PARTS = "_plan_parts"
SITE_BREAKS = "_site_breaks"
# A limit is broken over the full year when its excess is above this share of its size.
BROKEN_RELATIVE = 1e-6


@dataclass(frozen=True)
class Broken:
    """One limit row the full year breaks.

    limit, what: the limit's component name and plain name; scope: "site" or "plan"; key:
    the row's index as text ('' for a scalar row, the site for a site row); amount: the
    excess in model units (`unit`: MWh/yr, t CO2/yr, m3/yr ...), ≥ 0 and the amount by
    which the row's `≤` form is exceeded; size: the row's size (its right-hand side, or the
    sum of the terms that push it up), so relative = amount / size; sentence: one line.
    hold: the mutable Param that tightens the row on the typical days (`planner.hold`)."""

    limit: str
    what: str
    scope: str
    key: str
    amount: float
    size: float
    sentence: str
    unit: str = ""
    hold: str | None = None

    @property
    def relative(self) -> float:
        return self.amount / self.size if self.size > EPS else math.inf

    def as_dict(self) -> dict:
        return {**dataclasses.asdict(self), "relative": self.relative}


def _le_form(con) -> tuple[int, float]:
    """(sign, bound) of a row written sign × body ≤ bound (a ≥ row has sign −1)."""
    if con.has_ub():
        return 1, float(pyo.value(con.upper))
    return -1, -float(pyo.value(con.lower))


def _row_figures(con, sign: int) -> tuple[float, float]:
    """(value, push) of sign × body at the current solution: its value, and the sum of its
    positive terms (variables and constant), the size a violation is measured against."""
    from pyomo.repn import generate_standard_repn

    repn = generate_standard_repn(con.body, compute_values=True, quadratic=False)
    terms = [
        sign * float(c) * float(v.value or 0.0)
        for c, v in zip(repn.linear_coefs, repn.linear_vars, strict=True)
    ]
    constant = sign * float(repn.constant)
    value = sum(terms) + constant
    push = sum(t for t in terms if t > 0) + max(constant, 0.0)
    return value, push


def plan_row_parts(m: pyo.ConcreteModel) -> list[dict]:
    """This component's parts of the plan-wide dispatch rows (deactivated in its LP): per
    row, its `≤` form value and push here (`_row_figures`) and its bound. A plan-wide row is
    a sum over sites, so the plan's full-year row is the sum of the components' parts
    against the one bound (`plan_breaks`)."""
    from models.registry import key_text, registry

    parts = []
    for limit in registry(m).active_limits(m):
        if limit.scope != "plan" or not limit.dispatch or limit.bound is not None:
            continue
        for key, con in m.component(limit.name).items():
            sign, bound = _le_form(con)
            value, push = _row_figures(con, sign)
            parts.append(
                dict(
                    limit=limit.name,
                    what=limit.what,
                    key=key_text(key),
                    unit=limit.amount_unit,
                    hold=limit.hold,
                    bound=bound,
                    value=value,
                    push=push,
                )
            )
    return parts


def plan_breaks(parts: list[dict]) -> tuple[list[Broken], list[Broken]]:
    """(every plan-wide row with its full-year excess, negative when it holds; those broken)
    from the components' parts: Σ value − bound against max(Σ push, |bound|)."""
    rows: dict[tuple[str, str], dict] = {}
    for part in parts:
        row = rows.setdefault((part["limit"], part["key"]), {**part, "value": 0.0, "push": 0.0})
        row["value"] += part["value"]
        row["push"] += part["push"]
    checked = []
    for row in rows.values():
        amount = row["value"] - row["bound"]
        size = max(row["push"], abs(row["bound"]))
        where = f" ({row['key']})" if row["key"] else " (overall)"
        sentence = (
            f"{row['what']}{where}: broken by {amount:,.0f} {row['unit']} over the full year "
            f"({amount / size:.2%} of the limit)"
            if size > EPS
            else f"{row['what']}{where}: {amount:,.3g} over the full year"
        ).replace("  ", " ")
        checked.append(
            Broken(
                row["limit"],
                row["what"],
                "plan",
                row["key"],
                amount,
                size,
                sentence,
                row["unit"],
                row["hold"],
            )
        )
    broken = [b for b in checked if b.amount > EXCESS_TOLERANCE and b.relative > BROKEN_RELATIVE]
    return checked, broken


def site_breaks(m: pyo.ConcreteModel, slacks: list) -> list[Broken]:
    """The site limit rows this component breaks (slack above tolerance), each with its
    excess [model units], size and the limit's own sentence."""
    from models.registry import key_text

    out = []
    for slack in slacks:
        amount = float(slack.var.value or 0.0)
        if amount <= EXCESS_TOLERANCE:
            continue
        limit = slack.limit
        con = m.component(limit.name)[slack.key]
        sign, bound = _le_form(con)
        _, push = _row_figures(con, sign)
        size = max(push, abs(bound))
        sentence = (
            limit.describe(m, slack.key, amount)
            if limit.describe is not None
            else f"{limit.what} ({key_text(slack.key)}): broken by {amount:,.3g}"
        )
        out.append(
            Broken(
                limit.name,
                limit.what,
                "site",
                key_text(slack.key),
                amount,
                size,
                sentence,
                limit.amount_unit,
                limit.hold,
            )
        )
    return out


def allow_unserved(m: pyo.ConcreteModel) -> list[str]:
    """Let demand go unserved (at the case's penalty): the last resort when the fixed
    capacities cannot carry the year's load. Frees the slack (`slack_var`) of every limit of
    role "demand price" and returns the names of those it freed (none when it already could)."""
    freed = []
    for limit in registry(m).with_role(m, DEMAND_PRICE):
        if limit.slack_var is None:
            continue
        fixed = [v for v in m.component(limit.slack_var).values() if v.fixed]
        for v in fixed:
            v.unfix()
        if fixed:
            freed.append(limit.name)
    return freed


def solve_site(task: SiteTask, options: RedispatchOptions | None = None) -> dict:
    """Solve a one-site component's full-year LP; returns its row of the re-dispatch table
    (with the seconds of each phase)."""
    return solve_component(task, options)[0]


def solve_component(
    task: SiteTask, options: RedispatchOptions | None = None, kept: dict | None = None
) -> list[dict]:
    """Solve one component's full-year LP; returns one row per site of the re-dispatch table
    (the LP's size, iterations and seconds on its first site's row). `kept`: LPs kept from
    earlier re-dispatches by component (planner.site_lps): the component's LP is taken from
    it and updated when it can be, built and put into it otherwise."""
    options = options or RedispatchOptions()
    start = time.perf_counter()
    row: dict = {"site": task.sites[0]}
    caps = task.capacities.values()
    if task.case.demand.empty and not any(
        v > EPS for c in caps for v in [*c["Cap_IT"].values(), *c["Cap_VRE"].values()]
    ):
        idle = dict(status="idle", annual_cost_myuan=0.0)
        return [{"site": s, **idle, "seconds": time.perf_counter() - start} for s in task.sites]
    # the plan may break a site limit over the real year (typical days miss some hours):
    # the least excess is found and reported instead of stopping at "infeasible"
    from planner.site_lps import keep, reuse

    reused = reuse(kept, task) if kept is not None else None
    if reused is not None:
        pipeline, slacks = reused
        solver = pipeline.solver
    else:
        slacks = []
        pipeline = component_pipeline(task, options, slacks)
        solver = pipeline.load()
        if kept is not None:
            keep(kept, task, pipeline, slacks)
    if options.export_dir is not None and solver.highs is not None:
        Path(options.export_dir).mkdir(parents=True, exist_ok=True)
        solver.highs.writeModel(str(Path(options.export_dir) / f"{task.site}.mps"))
    unserved: list[str] = []
    with pipeline.timer.phase("solve"):
        attempts = [pipeline.solve(want_duals=False)]
        if attempts[-1].status in INFEASIBLE:
            unserved = allow_unserved(pipeline.model)
        if unserved:
            attempts.append(pipeline.solve(want_duals=False))
    outcome = attempts[-1]
    compiled = solver.compiled
    row.update(
        status=outcome.status,
        rows=compiled.n_rows if compiled is not None else None,
        columns=compiled.n_cols if compiled is not None else None,
        iterations=sum(a.iterations for a in attempts),
    )
    rows = [row] + [{"site": s, "status": outcome.status} for s in task.sites[1:]]
    if outcome.has_solution:
        row[PLAN_PARTS] = plan_row_parts(pipeline.model)
        row[SITE_BREAKS] = site_breaks(pipeline.model, slacks)
        for r in rows:
            r["broken"] = "; ".join(b.sentence for b in row[SITE_BREAKS] if b.key == r["site"])
        broken, excess = broken_limits(slacks)
        relaxed = ",".join(broken + unserved)
        for r in rows:
            r["relaxed"] = relaxed
        row["limit_excess"] = excess
        results = pipeline.collect()
        plan_only = float(
            results.costs.set_index("term")["cost_myuan"]
            .reindex(results.extra["plan_only_terms"])
            .sum()
        )
        sites = results.sites.set_index("site")
        for i, r in enumerate(rows):
            s = sites.loc[r["site"]]
            r.update(
                annual_cost_myuan=float(s["cost_myuan"]) + (plan_only if i == 0 else 0.0),
                emissions_t=float(s["emissions_t"]),
                grid_energy_mwh=float(s["grid_energy_mwh"]),
                pv_energy_mwh=float(s.get("pv_energy_mwh", 0.0)),
                wind_energy_mwh=float(s.get("wind_energy_mwh", 0.0)),
                green_mwh=float(s.get("green_mwh", 0.0)),
                contract_mwh=float(s.get("contract_mwh", 0.0)),
                curtailed_mwh=float(s["curtailed_mwh"]),
                it_energy_mwh=float(s["it_energy_mwh"]),
                facility_energy_mwh=float(s["facility_energy_mwh"]),
                pue=_float(s["pue"]),
                green_share=_float(s["green_share"]),
                cfe_mwh=float(s.get("cfe_mwh", math.nan)),
                cfe_score=_float(s.get("cfe_score")),
                water_m3=float(s["water_m3"]),
            )
        row["unserved_mw"] = float(results.summary["unserved_mw"])
        for r in rows[1:]:
            r["unserved_mw"] = 0.0
    for phase, seconds in pipeline.timings.items():
        row[f"{phase}_seconds"] = seconds
    row["seconds"] = time.perf_counter() - start
    row["lp_kept"] = reused is not None
    return rows


def _float(value) -> float:
    return float("nan") if value is None or pd.isna(value) else float(value)


def _solve_all(tasks: list[SiteTask], options: RedispatchOptions) -> list[dict]:
    workers = options.workers or os.cpu_count() or 1
    workers = max(1, min(workers, len(tasks)))
    report = options.progress
    keeper = options.site_lps
    # a callback and the kept LPs stay in this process
    options = dataclasses.replace(options, progress=None, site_lps=None)
    groups: list[list[dict]] = []

    def done(rows: list[dict]) -> None:
        groups.append(rows)
        if report is not None:
            report(f"re-dispatch: {len(groups)}/{len(tasks)} site groups")

    if keeper is not None:
        for rows in keeper.solve(tasks, options):
            done(rows)
    elif workers == 1:
        for task in tasks:
            done(solve_component(task, options))
    else:
        # spawn, not fork: HiGHS keeps a thread pool that a forked child must not inherit
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            for rows in pool.map(solve_component, tasks, [options] * len(tasks)):
                done(rows)
    return [row for rows in groups for row in rows]


def redispatch(
    case: Case, results: Results, options: RedispatchOptions | None = None
) -> pd.DataFrame:
    """Re-dispatch a solved plan over the full year, one LP per site (see module doc).

    `case` is the case the plan was solved for (scenario applied); `results` its Results.
    Returns one row per site and a `total` row (columns: COLUMNS); `annual_cost_myuan` of the
    total includes the plan's plan-only cost terms (`plan_only_myuan`), so it compares with the
    plan's objective in `plan_cost_myuan`.
    """
    options = options or RedispatchOptions()
    tasks = site_tasks(case, results, all_cooling=options.site_lps is not None)
    rows = _solve_all(tasks, options)
    parts = [p for r in rows for p in r.pop(PLAN_PARTS, None) or []]
    site_broken = [b for r in rows for b in r.pop(SITE_BREAKS, None) or []]
    checked, plan_broken = plan_breaks(parts)
    table = pd.DataFrame(rows)
    plan = results.sites.set_index("site")
    table["plan_cost_myuan"] = table["site"].map(plan["cost_myuan"])
    table["plan_emissions_t"] = table["site"].map(plan["emissions_t"])
    table["plan_grid_energy_mwh"] = table["site"].map(plan["grid_energy_mwh"])
    table["plan_pue"] = table["site"].map(plan["pue"])
    table["pue_cap"] = table["site"].map(plan["pue_cap"])
    table["plan_green_share"] = table["site"].map(plan["green_share"])
    if "cfe_score" in plan:
        table["plan_cfe_score"] = table["site"].map(plan["cfe_score"])
    costs = results.costs.set_index("term")["cost_myuan"]
    plan_only = float(sum(costs.get(term, 0.0) for term in results.extra["plan_only_terms"]))
    total = _total_row(table, results, plan_only)
    if plan_broken:
        names = ", ".join(sorted({b.limit for b in plan_broken}))
        total["relaxed"] = "; ".join(x for x in (total["relaxed"], f"plan: {names}") if x)
    total["broken"] = "; ".join(b.sentence for b in plan_broken)
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
    table = table.reindex(columns=COLUMNS)
    # the limits the full year breaks, plan-wide ones first, and every plan-wide row checked
    table.attrs["broken"] = [b.as_dict() for b in plan_broken + site_broken]
    table.attrs["plan_limits"] = [b.as_dict() for b in checked]
    return table


def total_figures(table: pd.DataFrame) -> dict:
    """The `total` row of a re-dispatch table as a plain dict (every column but the per-phase
    seconds): what a run's summary.json keeps, with `broken_limits`: every limit row the full
    year breaks (limit, what, scope, key, amount [unit], size, relative, sentence)."""
    total = table[table["site"] == TOTAL].iloc[0]
    figures = {
        column: total.get(column)
        for column in COLUMNS
        if column != "site" and not column.endswith("_seconds")
    }
    figures["broken_limits"] = list(table.attrs.get("broken", []))
    return figures


def _total_row(table: pd.DataFrame, results: Results, plan_only: float) -> dict:
    """Sums over sites (ratios recomputed from the sums); the plan-only terms added to the
    cost."""
    solved = table["status"].isin(["optimal", "idle"]).all()
    summed = {
        c: float(table[c].sum(min_count=1)) for c in COLUMNS if c not in NOT_SUMMED and c in table
    }
    it = summed.get("it_energy_mwh", math.nan)
    facility = summed.get("facility_energy_mwh", math.nan)
    # the plan's green share (planner.results): the sites' green energy (a line's green counts
    # at its receiving site less its losses, formulation §5a) without contracts; PV + wind
    # used would count the green energy lost on the lines
    green = summed.get("green_mwh", math.nan) - summed.get("contract_mwh", 0.0)
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
        "cfe_score": summed.get("cfe_mwh", math.nan) / facility if facility > EPS else math.nan,
        "plan_cfe_score": summary.get("cfe_score"),
        "plan_only_myuan": plan_only,
    }
