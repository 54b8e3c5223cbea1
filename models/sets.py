r"""Sets and index sets (formulation §1).

- R regions, S sites, W workload classes, K available cooling technologies, T time steps
  (ordered), D model days, A ⊆ R×W×S admissible routes (RTT(r,s) ≤ maxRTT(w), demand > 0),
  SF ⊆ S×W (site, shiftable class) pairs that some route can bring, V voucher programmes.
- Time: ω_t weight [h] (`m.weight`), d(t) day of step (`m.day_of`), prev(t) the step before t
  within its day (typical days) or the year (full year), cyclically.

Pre-indexed helper dictionaries (`m.routes_to_site`, `m.routes_of_demand`, `m.steps_of_day`)
avoid scanning all tuples inside each constraint.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyomo.environ as pyo

from planner.prepare import ModelData


def add_sets(m: pyo.ConcreteModel, data: ModelData) -> None:
    case = data.case
    steps = data.steps
    m.R = pyo.Set(initialize=list(case.regions.index), ordered=True)
    m.S = pyo.Set(initialize=list(case.sites.index), ordered=True)
    m.W = pyo.Set(initialize=list(case.classes.index), ordered=True)
    m.K = pyo.Set(initialize=case.cooling_techs, ordered=True)
    m.T = pyo.RangeSet(0, len(steps) - 1)
    m.D = pyo.RangeSet(0, data.time.n_days - 1)
    demand = case.demand[case.demand["demand_mw"] > 0]
    m.RW = pyo.Set(
        dimen=2,
        initialize=list(zip(demand["region"], demand["workload_class"], strict=True)),
        ordered=True,
    )
    r = data.routes
    m.A = pyo.Set(
        dimen=3,
        ordered=True,
        initialize=list(zip(r["region"], r["workload_class"], r["site"], strict=True)),
    )
    flex = set(case.classes.index[case.classes["flexibility"] == "shiftable"])
    m.WF = pyo.Set(initialize=[w for w in case.classes.index if w in flex], ordered=True)
    shift = r[r["workload_class"].isin(flex)][["site", "workload_class"]].drop_duplicates()
    m.SF = pyo.Set(
        dimen=2,
        ordered=True,
        initialize=list(zip(shift["site"], shift["workload_class"], strict=True)),
    )
    m.V = pyo.Set(initialize=list(case.vouchers.index), ordered=True)

    m.weight = pyo.Param(m.T, initialize=dict(enumerate(steps["weight_h"].astype(float))))
    day = steps["day"].to_numpy()
    m.day_of = day
    n = len(day)
    if data.time.cyclic_year:
        prev = np.roll(np.arange(n), 1)
    else:
        first = np.r_[True, day[1:] != day[:-1]]
        last_of_day = np.zeros(n, dtype=int)
        ends = np.r_[np.flatnonzero(day[1:] != day[:-1]), n - 1]
        starts = np.flatnonzero(first)
        for s, e in zip(starts, ends, strict=True):
            last_of_day[s] = e
        prev = np.where(first, last_of_day, np.arange(n) - 1)
    m.prev = prev
    steps_of_day = defaultdict(list)
    for t, d in enumerate(day):
        steps_of_day[int(d)].append(t)
    m.steps_of_day = dict(steps_of_day)

    to_site, of_demand = defaultdict(list), defaultdict(list)
    for rr, w, s in m.A:
        to_site[s].append((rr, w))
        of_demand[rr, w].append(s)
    m.routes_to_site = dict(to_site)
    m.routes_of_demand = dict(of_demand)
