r"""Sets and index sets (formulation §1).

- R regions, S sites, W workload classes, K available cooling technologies, VRE variable
  renewable technologies, T time steps (ordered), D model days, A ⊆ R×W×S admissible routes
  (RTT(r,s) ≤ maxRTT(w), demand > 0), SF ⊆ S×W (site, shiftable class) pairs that some route
  can bring, V voucher programmes.
- Time: ω_t weight [h] (`m.weight`), d(t) day of step (`m.day_of`), prev(t) the step before t
  within its day (typical days) or the year (full year), cyclically (`m.prev`, from
  `ModelData.prev`).

Pre-indexed helper dictionaries (`m.routes_to_site`, `m.routes_of_demand`, `m.steps_of_day`)
avoid scanning all tuples inside each constraint.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from models.data import ModelData


def add_sets(m: pyo.ConcreteModel, data: ModelData) -> None:
    m.R = pyo.Set(initialize=data.regions, ordered=True)
    m.S = pyo.Set(initialize=data.sites, ordered=True)
    m.W = pyo.Set(initialize=data.classes, ordered=True)
    m.K = pyo.Set(initialize=data.cooling, ordered=True)
    m.VRE = pyo.Set(initialize=data.renewables, ordered=True)
    m.T = pyo.RangeSet(0, len(data.weight_h) - 1)
    m.D = pyo.RangeSet(0, data.n_days - 1)
    m.RW = pyo.Set(dimen=2, initialize=list(data.param("demand_mw")), ordered=True)
    r = data.routes
    m.A = pyo.Set(
        dimen=3,
        ordered=True,
        initialize=list(zip(r["region"], r["workload_class"], r["site"], strict=True)),
    )
    flex = set(data.shiftable)
    m.WF = pyo.Set(initialize=data.shiftable, ordered=True)
    shift = r[r["workload_class"].isin(flex)][["site", "workload_class"]].drop_duplicates()
    m.SF = pyo.Set(
        dimen=2,
        ordered=True,
        initialize=list(zip(shift["site"], shift["workload_class"], strict=True)),
    )
    m.V = pyo.Set(initialize=data.vouchers, ordered=True)

    m.weight = pyo.Param(m.T, initialize=data.param("weight"))
    day = data.day
    m.day_of = day
    m.prev = data.prev
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
