"""A first MILP incumbent from the rounded LP plan (`dcplan run --mip`, issue 19).

1. The LP relaxation of the loaded MILP (HiGHS's own copy with the integrality dropped) is
   solved with the LP strategy (`planner.solve.run_strategy`).
2. Each site that builds IT gets one cooling technology (a MILP site has one), by a
   strong-branching dive: while the relaxation mixes technologies at some site, the site with
   the most even mix is limited to each technology it uses in turn, the LP is re-solved (warm)
   for each, and the cheapest is kept (`dive_technology`). A site that uses one technology
   keeps it; if the dive runs out of time, a site still mixing gets the most efficient of its
   technologies (`choose_technology`). With the technologies and the opened sites fixed, the
   LP is solved again for the capacities. On the default case the dive takes 20 re-solves (6
   s) and lands on the technologies of the best plan known (docs/benchmarks.md, "MILP"); the
   most-efficient rule alone costs 0.5 % more there.
3. A dive: site by site, the one nearest below a whole number of modules first, its modules
   are rounded down and up, the LP is solved again (warm) with each so that the other sites
   take up the demand it moved, and the cheaper is fixed. Rounding every site up instead
   costs 1.3 % on the default case; rounding down unless that leaves no plan 0.056 %; trying
   both 0.004 % above the best plan known (60,382.5 against 60,380.1 M yuan/yr, the whole
   start in about 21 s).
4. The complete, feasible vector goes to HiGHS (`Highs.setSolution`) as its first incumbent,
   so branch-and-bound prunes against it from the root.

Only `milp_columns` knows the names of formulation (15) (`models/facility.py`, `add_milp`).
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import highspy
import numpy as np
import pyomo.environ as pyo

from planner.solve import (
    DEFAULT_HIGHS_OPTIONS,
    SIMPLEX_BOX_S,
    STRATEGIES,
    run_strategy,
    simplex_box,
)

if TYPE_CHECKING:
    from planner.solve import ModelSolver

FEASIBLE = 1e-6  # tolerance on the relaxation's capacity when rounding [modules]
# A dive's warm re-solve takes 0.02–1.5 s on the default case (typical:8, about 1.5e5
# nonzeros); one that needs more than this (scaled as `simplex_box`) is given up as no plan
# (an infeasible re-solve could take the dual simplex 30 s to prove: docs/benchmarks.md)
DIVE_LP_S = 5.0


@dataclass(frozen=True)
class ModuleColumns:
    """HiGHS columns of the MILP's site decisions, −1 where a variable is not in the LP.

    size: MW per module; max_it: buildable IT per site [MW]; cap, modules, chosen: columns
    of Cap_IT, N, Y as [site, cooling] arrays; opened: column of Open per site; pue: [site,
    cooling] weighted mean PUE over the time steps [-]."""

    sites: list
    techs: list
    size: float
    max_it: np.ndarray
    cap: np.ndarray
    modules: np.ndarray
    chosen: np.ndarray
    opened: np.ndarray
    pue: np.ndarray


NAMES = ("Cap_IT", "N", "Y", "Open", "module_size_mw", "max_it_mw", "pue", "weight")


def milp_columns(model: pyo.ConcreteModel, col_of: dict[int, int]) -> ModuleColumns | None:
    """Look up formulation (15)'s variables by their names in `add_milp`: Cap_IT[s,k] (MW),
    N[s,k] (modules), Y[s,k] (technology chosen), Open[s]; module_size_mw, max_it_mw, and
    the PUE curve pue[s,k,t] with the time-step weights weight[t]. None for a model without
    them (a MILP of another kind)."""
    if not all(hasattr(model, name) for name in NAMES):
        return None
    sites, techs, steps = list(model.S), list(model.K), list(model.T)
    weight = np.array([float(pyo.value(model.weight[t])) for t in steps])
    pue = np.array(
        [[[float(pyo.value(model.pue[s, k, t])) for t in steps] for k in techs] for s in sites]
    )

    def column(var) -> int:
        return col_of.get(id(var), -1)

    def grid(component) -> np.ndarray:
        return np.array([[column(component[s, k]) for k in techs] for s in sites], dtype=int)

    return ModuleColumns(
        sites=sites,
        techs=techs,
        size=float(pyo.value(model.module_size_mw)),
        max_it=np.array([float(pyo.value(model.max_it_mw[s])) for s in sites]),
        cap=grid(model.Cap_IT),
        modules=grid(model.N),
        chosen=grid(model.Y),
        opened=np.array([column(model.Open[s]) for s in sites], dtype=int),
        pue=pue @ weight / weight.sum(),
    )


def _mixes(capacity: np.ndarray, share: float) -> np.ndarray:
    """[site, cooling] bool: the technologies a site uses, each above `share` of its capacity."""
    total = capacity.sum(axis=1, keepdims=True)
    return (capacity > share * np.maximum(total, FEASIBLE)) & (total > FEASIBLE)


def choose_technology(capacity: np.ndarray, pue: np.ndarray, share: float = 0.01) -> np.ndarray:
    """One cooling technology per site from a relaxed plan: capacity [site, cooling] MW, pue
    [site, cooling] mean PUE. A site that mixes technologies (each with more than `share` of
    its capacity) gets the most efficient of them: mixing in the relaxation is how a site
    meets its annual PUE cap. Returns [site, cooling] 0/1 (all 0 where nothing is built)."""
    used = _mixes(capacity, share)
    best = np.where(used, pue, np.inf).argmin(axis=1)
    chosen = np.zeros(capacity.shape)
    rows = np.flatnonzero(used.any(axis=1))  # the sites that build IT
    chosen[rows, best[rows]] = 1.0
    return chosen


def dive_technology(
    capacity: np.ndarray,
    pue: np.ndarray,
    restricted: Callable[[np.ndarray], tuple[float, np.ndarray] | None],
    share: float = 0.01,
) -> tuple[np.ndarray, int]:
    """One cooling technology per site by a strong-branching dive on the LP relaxation.

    capacity: the relaxation's IT capacity [site, cooling] MW; pue: [site, cooling] mean PUE;
    restricted(allowed): the relaxation re-solved with each site limited to its `allowed`
    technologies ([site, cooling] bool), as (objective [M yuan/yr], capacity [site, cooling]
    MW), or None without an optimum (infeasible, or out of time). While some site uses more
    than one technology (each above `share` of its capacity), the one with the most even mix
    (the largest second share) is limited to each technology it uses in turn, and the
    cheapest restriction is kept. Sites using one technology keep it; when no restriction of a
    site solves, the dive stops and `choose_technology` decides the sites still mixing.
    Returns ([site, cooling] 0/1 as `choose_technology`, the number of LPs solved)."""
    allowed = np.ones(capacity.shape, dtype=bool)
    solved = 0
    while True:
        used = _mixes(capacity, share)
        mixing = used.sum(axis=1) > 1
        if not mixing.any():
            break
        total = np.maximum(capacity.sum(axis=1), FEASIBLE)
        second = np.sort(capacity, axis=1)[:, -2] / total
        site = int(np.argmax(np.where(mixing, second, -1.0)))
        best: tuple[float, np.ndarray, np.ndarray] | None = None
        for tech in np.flatnonzero(used[site]):
            trial = allowed.copy()
            trial[site] = False
            trial[site, tech] = True
            outcome = restricted(trial)
            solved += 1
            if outcome is not None and (best is None or outcome[0] < best[0]):
                best = (outcome[0], outcome[1], trial)
        if best is None:
            break
        _, capacity, allowed = best
    return choose_technology(capacity, pue, share), solved


@dataclass
class Start:
    """A MILP start: values (one per HiGHS column; None if none was found), the relaxation's
    objective [M yuan/yr] and a sentence for the log."""

    values: np.ndarray | None
    relaxation: float | None
    text: str


def rounded_start(solver: ModelSolver, deadline: float | None = None) -> Start:
    """A feasible MILP solution from the rounded LP plan of the MILP `solver` holds (not
    solved yet), within `deadline` (a `time.perf_counter()` value; None: none)."""
    compiled, highs = solver.compiled, solver.highs
    assert compiled is not None and highs is not None and compiled.is_mip
    columns = milp_columns(compiled.model, compiled.col_of)
    if columns is None:
        return Start(None, None, "MILP start: none (not the MILP of formulation (15))")
    lp = highs.getLp()
    integer = np.flatnonzero(compiled.integer)
    lp.integrality_ = []
    relax = highspy.Highs()
    relax.setOptionValue("output_flag", False)
    relax.passModel(lp)
    log = io.StringIO()
    options = {**DEFAULT_HIGHS_OPTIONS, **_threads(solver)}
    box = simplex_box(compiled.nnz)
    phases = run_strategy(relax, STRATEGIES["auto"], options, deadline, box, log)
    if phases[-1].status != "kOptimal":
        return Start(None, None, f"MILP start: LP relaxation {phases[-1].status}")
    relaxation = float(relax.getInfo().objective_function_value)
    x = np.asarray(relax.getSolution().col_value)
    lower, upper = np.array(lp.col_lower_, dtype=float), np.array(lp.col_upper_, dtype=float)
    y_cols = columns.chosen >= 0
    index = columns.chosen[y_cols].astype(np.int32)  # the Y columns
    dive_box = simplex_box(compiled.nnz) * DIVE_LP_S / SIMPLEX_BOX_S

    def restricted(allowed: np.ndarray) -> tuple[float, np.ndarray] | None:
        limit = np.where(allowed[y_cols], upper[index], 0.0)
        relax.changeColsBounds(len(index), index, lower[index], limit)
        if not _resolve(relax, options, deadline, dive_box, log):
            return None
        values = np.asarray(relax.getSolution().col_value)
        objective = float(relax.getInfo().objective_function_value)
        return objective, np.where(columns.cap >= 0, values[columns.cap], 0.0)

    capacity = np.where(columns.cap >= 0, x[columns.cap], 0.0)
    chosen, solved = dive_technology(capacity, columns.pue, restricted)
    opened = chosen.max(axis=1)
    # step 1: the technologies fixed, capacity still continuous
    step1 = [(columns.chosen, chosen), (columns.opened, opened), (columns.modules, None)]
    if not _fix(relax, step1, x, integer, (lower, upper), options, log, deadline, dive_box):
        return Start(None, relaxation, "MILP start: the LP plan's technologies leave no plan")
    y = np.asarray(relax.getSolution().col_value)
    # step 2: a dive, site by site (smallest fraction of a module first): its modules rounded
    # down and up, the LP re-solved for the other sites with each, the cheaper kept
    fixed = [(columns.chosen, chosen), (columns.opened, opened), (columns.modules, None)]
    site_modules = np.where(chosen > 0, columns.modules, -1).max(axis=1)
    order = [c for c in sorted(site_modules, key=lambda c: y[c] - np.floor(y[c])) if c >= 0]
    for col in order:
        down, up = math.floor(y[col] + FEASIBLE), math.ceil(y[col] - FEASIBLE)
        if up <= down:  # a whole number of modules already
            lower[col] = upper[col] = down
            continue
        tried: dict[int, tuple[float, np.ndarray]] = {}
        for count in (down, up):
            lower[col] = upper[col] = count
            if _fix(relax, fixed, y, integer, (lower, upper), options, log, deadline, dive_box):
                values = np.asarray(relax.getSolution().col_value)
                tried[count] = (float(relax.getInfo().objective_function_value), values)
        if not tried:
            return Start(None, relaxation, "MILP start: the LP plan's dive found no plan")
        count = min(tried, key=lambda c: tried[c][0])
        lower[col] = upper[col] = count
        y = tried[count][1]
    modules = np.where(columns.modules >= 0, y[columns.modules], 0.0)
    values = y.copy()
    values[integer] = np.round(values[integer])
    objective = float(np.dot(lp.col_cost_, y) + lp.offset_)
    return Start(
        values,
        relaxation,
        f"MILP start: the LP plan dived to {round(modules.sum())} modules at "
        f"{int(opened.sum())} sites ({solved} LPs for the technologies), objective "
        f"{objective:,.1f} (LP relaxation {relaxation:,.1f})",
    )


def _fix(
    relax: highspy.Highs,
    values: list[tuple[np.ndarray, np.ndarray | None]],
    x: np.ndarray,
    integer: np.ndarray,
    bounds: tuple[np.ndarray, np.ndarray],
    options: dict,
    log: io.StringIO,
    deadline: float | None,
    box: float,
) -> bool:
    """Fix the integer columns (`values`: [(columns, values)], −1 columns skipped; values
    None: the columns keep their `bounds` (lower, upper of every column); the other integer
    columns at their nearest integer in `x`) and re-solve (`_resolve`); whether it is
    optimal."""
    lower, upper = np.round(x), np.round(x)  # the integer columns' entries are used
    for cols, value in values:
        mask = cols >= 0
        if value is None:
            lower[cols[mask]], upper[cols[mask]] = bounds[0][cols[mask]], bounds[1][cols[mask]]
        else:
            lower[cols[mask]] = upper[cols[mask]] = value[mask]
    index = integer.astype(np.int32)
    relax.changeColsBounds(len(index), index, lower[index], upper[index])
    return _resolve(relax, options, deadline, box, log)


def _resolve(
    relax: highspy.Highs, options: dict, deadline: float | None, box: float, log: io.StringIO
) -> bool:
    """Re-solve the relaxation warm by the dual simplex within `box` seconds (and the
    deadline); whether it is optimal (a re-solve that takes longer counts as no plan)."""
    until = time.perf_counter() + box
    if deadline is not None:
        until = min(until, deadline)
    phases = run_strategy(relax, STRATEGIES["simplex"], options, until, box, log)
    return phases[-1].status == "kOptimal"


def set_rounded_start(solver: ModelSolver, deadline: float | None = None) -> tuple[str, bool]:
    """Give HiGHS the rounded LP plan as its first incumbent; returns a line for the log and
    whether HiGHS has it."""
    started = time.perf_counter()
    start = rounded_start(solver, deadline)
    if start.values is None:
        return f"{start.text} ({time.perf_counter() - started:.1f} s)", False
    solution = highspy.HighsSolution()
    solution.col_value = start.values.tolist()
    solution.value_valid = True
    assert solver.highs is not None
    if solver.highs.setSolution(solution) == highspy.HighsStatus.kError:
        return start.text + "; HiGHS refused it", False
    return f"{start.text} ({time.perf_counter() - started:.1f} s)", True


def _threads(solver: ModelSolver) -> dict[str, object]:
    threads = solver.options.threads
    return {} if threads is None else {"threads": int(threads)}
