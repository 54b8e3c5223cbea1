r"""Network bandwidth between regions and sites (formulation §7: constraint 13).

bandwidth[r,s] = Σ_{w:(r,w,s)∈A} bw[w] · x[r,w,s] ≤ LinkCap[r,s]          `link_capacity[r,s]`
  only for links with a finite capacity in the Links sheet.
Bandwidth cost (objective): Σ_A bw[w] · c[r,s] · x[r,w,s], c in M yuan/(Gbps·yr).
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from planner.prepare import ModelData


def add_network(m: pyo.ConcreteModel, data: ModelData) -> None:
    r = data.routes
    key = list(zip(r["region"], r["workload_class"], r["site"], strict=True))
    m.bandwidth_gbps_per_mw = pyo.Param(
        m.A, initialize=dict(zip(key, r["bandwidth_gbps_per_mw"].astype(float), strict=True))
    )
    m.link_cost_myuan_per_gbps_yr = pyo.Param(
        m.A,
        mutable=True,
        initialize=dict(zip(key, r["cost_myuan_per_gbps_yr"].astype(float), strict=True)),
    )
    caps = {
        (a, b): float(c)
        for a, b, c in zip(
            data.links["region"], data.links["site"], data.links["capacity_gbps"], strict=True
        )
        if not math.isnan(float(c))
    }
    used = {(rr, s) for rr, _, s in m.A}
    caps = {k: v for k, v in caps.items() if k in used}
    m.LC = pyo.Set(dimen=2, initialize=list(caps), ordered=True)
    m.link_capacity_gbps = pyo.Param(m.LC, mutable=True, initialize=caps)
    classes_on = {k: [w for rr, w, s in m.A if (rr, s) == k] for k in caps}
    m.link_capacity = pyo.Constraint(
        m.LC,
        rule=lambda m, rr, s: (
            sum(m.bandwidth_gbps_per_mw[rr, w, s] * m.x[rr, w, s] for w in classes_on[rr, s])
            <= m.link_capacity_gbps[rr, s]
        ),
    )
