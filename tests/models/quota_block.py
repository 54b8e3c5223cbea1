r"""A test-only block with a plan-wide cap: a quota on the PV energy the whole plan uses
(say, land for panels is rationed nationally). Nothing in `models/` or `planner/` names it.

Parameter: `m.pv_quota_mwh` MWh/yr (a constant of the test, no sheet).
Constraint: Σ_{s,t} ω_t VREu[s, pv, t] ≤ pv_quota_mwh                          `pv_quota`
Registered: limit `pv_quota`, role "plan cap" (the report states its shadow price with the
plan's other caps), dual in yuan/MWh (model M yuan/MWh × 1e6).
"""

from __future__ import annotations

import pyomo.environ as pyo

from models.build import Block
from models.data import ModelData
from models.registry import PLAN_CAP, Limit, add_limit

WHAT = "PV energy quota"


def pv_quota(quota_mwh: float) -> Block:
    """The block, with a quota of `quota_mwh` [MWh/yr] on the PV energy used by all sites."""

    def add(m: pyo.ConcreteModel, data: ModelData) -> None:
        m.pv_quota_mwh = pyo.Param(initialize=quota_mwh, mutable=True)
        m.pv_quota = pyo.Constraint(
            expr=sum(m.weight[t] * m.VREu[s, "pv", t] for s in m.S for t in m.T) <= m.pv_quota_mwh
        )
        add_limit(
            m,
            Limit(
                "pv_quota",
                (),
                WHAT,
                "plan",
                role=PLAN_CAP,
                rank=22,
                unit="yuan/MWh PV",
                factor=1e6,
                meaning="a PV energy quota 1 MWh lower",
            ),
        )

    return add
