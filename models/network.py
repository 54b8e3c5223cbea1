r"""Network bandwidth between regions and sites (formulation §7: constraint 13).

bandwidth[r,s] = Σ_{w:(r,w,s)∈A} bw[w] · x[r,w,s] ≤ LinkCap[r,s]          `link_capacity[r,s]`
  only for links with a finite capacity in the Links sheet.
Cost (attributed to the serving site s): bandwidth Σ_{(r,w):(r,w,s)∈A} bw[w] · c[r,s] ·
x[r,w,s], c in M yuan/(Gbps·yr).
"""

from __future__ import annotations

import pyomo.environ as pyo

from models.data import ModelData
from models.registry import CAPACITY, Limit, add_cost, add_limit


def add_network(m: pyo.ConcreteModel, data: ModelData) -> None:
    m.bandwidth_gbps_per_mw = pyo.Param(m.A, initialize=data.param("bandwidth_gbps_per_mw"))
    m.link_cost_myuan_per_gbps_yr = pyo.Param(
        m.A, mutable=True, initialize=data.param("link_cost_myuan_per_gbps_yr")
    )
    caps = data.param("link_capacity_gbps")
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
    add_cost(
        m,
        "bandwidth",
        60,
        site=lambda m, s: sum(
            m.bandwidth_gbps_per_mw[r, w, s] * m.link_cost_myuan_per_gbps_yr[r, w, s] * m.x[r, w, s]
            for r, w in m.routes_to_site.get(s, ())
        ),
    )
    add_limit(
        m,
        Limit(
            "link_capacity",
            ("region", "site"),
            "link bandwidth",
            "site",
            role=CAPACITY,
            rank=9,
            site_position=1,
            unit="M yuan/(Gbps*yr)",
            meaning="1 Gbps less link capacity",
            elastic="rhs",
            describe=lambda m, key, amount: (
                f"link {'/'.join(map(str, key))}: needs {amount:,.1f} Gbps more than its "
                f"{pyo.value(m.link_capacity_gbps[key]):,.1f} Gbps"
            ),
        ),
    )
