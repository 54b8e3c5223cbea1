r"""Power lines from supply nodes to data-centre sites (formulation §13, sheet `Lines`).

A line l runs from a supply node f(l) (a site with no buildable IT) to a site r(l). Its
capacity open to data centres is the existing share (paid by energy at the tariff) plus new
capacity (paid by annuity and fixed O&M). Sets and Params (derived in planner.prepare):
`m.LN` lines; `line_existing_mw[l]`, `line_max_new_mw[l]` MW; `line_tariff_myuan_per_mwh[l]`
M yuan/MWh; `line_capital_rate[l]`, `line_om_rate[l]` M yuan/(MW·yr); `line_loss[l]` [-].
Variables (MW): Cap_L[l] new capacity, Cap_LE[l] existing capacity used, FE[l,t] flow on the
existing capacity, FN[l,t] flow on the new capacity, FG[l,t] the green part of the flow.

    Cap_L[l] ≤ line_max_new_mw[l]                                          `line_build_max[l]`
    Cap_LE[l] ≤ line_existing_mw[l]                                        `line_existing[l]`
    FE[l,t] ≤ Cap_LE[l]                                              `line_flow_existing[l,t]`
    FN[l,t] ≤ Cap_L[l]                                                   `line_flow_new[l,t]`
    FG[l,t] ≤ FE[l,t] + FN[l,t]                                        `line_green_part[l,t]`
    Σ_{l: f(l)=s} FG[l,t] = Σ_v VREu[s,v,t]                          `line_green_source[s,t]`
    Σ_{l: f(l)=s} (FE + FN − FG)[l,t] ≤ G[s,t]                        `line_grey_source[s,t]`

The last two hold at every sending node s: all the renewable power a supply node uses in an
hour leaves on its lines as green, and the rest of what leaves is grey and drawn from its
grid. A supply node consumes nothing itself (no IT), so this is its whole mix, exactly and
linearly (a bilinear proportional-mixing rule is not needed; see formulation §13).

Registered: balance terms `line_export` (−: Σ_{f(l)=s} FE + FN) and `line_import`
(+: Σ_{r(l)=s} (1 − loss[l]) (FE + FN)); green term `lines` (+ (1 − loss) Σ_t ω FG at the
receiving site, − Σ_t ω FG at the sender: green lost on the line counts nowhere); emission
term `lines` (+ ef[f(l)] Σ_t ω (FE + FN − FG) at the receiving site, the same − at the
sender: the receiving site answers for the grid energy sent, losses included); hourly clean
term `lines` (CFE, §8.5: + (1 − loss) (FG + c[f(l),t] (FE + FN − FG)) at the receiving site
in step t, the same without the loss factor − at the sender, c the sending grid's hourly clean
share: the receiving site is credited with the green and clean-grid energy delivered, the
sending node, which has no load, keeps none); per-site
costs attributed to the receiving site: `line_tariff` = tariff Σ_t ω FE, `line_capital` =
rate · Cap_L, `line_om` = om · Cap_L; limits `line_existing` and `line_build_max` (plan
scope, duals in yuan/(MW·yr)); coupling `lines` (sender and receiver are one component of
the full-year re-dispatch).
"""

from __future__ import annotations

import pyomo.environ as pyo

from models.data import ModelData
from models.registry import (
    CAPACITY,
    Coupling,
    Limit,
    add_balance_term,
    add_clean_term,
    add_cost,
    add_coupling,
    add_emission_term,
    add_green_term,
    add_limit,
)

LINE_PARAMS = (
    "line_existing_mw",
    "line_max_new_mw",
    "line_tariff_myuan_per_mwh",
    "line_capital_rate",
    "line_om_rate",
    "line_loss",
)


def add_lines(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Declare the power-line block on `m` (see module doc); nothing when there are none."""
    ends = data.params.get("lines", ())
    m.LN = pyo.Set(initialize=[line for line, _, _ in ends], ordered=True)
    m.line_ends = {line: (start, end) for line, start, end in ends}
    if not ends:
        return
    for name in LINE_PARAMS:
        m.add_component(name, pyo.Param(m.LN, mutable=True, initialize=data.param(name)))
    out_of = {s: [ln for ln, (f, _) in m.line_ends.items() if f == s] for s in m.S}
    into = {s: [ln for ln, (_, r) in m.line_ends.items() if r == s] for s in m.S}
    m.SL = pyo.Set(initialize=[s for s in m.S if out_of[s]], ordered=True, doc="sending nodes")

    m.Cap_L = pyo.Var(m.LN, domain=pyo.NonNegativeReals, doc="new line capacity [MW]")
    m.Cap_LE = pyo.Var(m.LN, domain=pyo.NonNegativeReals, doc="existing capacity used [MW]")
    m.FE = pyo.Var(m.LN, m.T, domain=pyo.NonNegativeReals, doc="flow on existing [MW]")
    m.FN = pyo.Var(m.LN, m.T, domain=pyo.NonNegativeReals, doc="flow on new capacity [MW]")
    m.FG = pyo.Var(m.LN, m.T, domain=pyo.NonNegativeReals, doc="green part of the flow [MW]")

    m.line_build_max = pyo.Constraint(m.LN, rule=lambda m, ln: m.Cap_L[ln] <= m.line_max_new_mw[ln])
    m.line_existing = pyo.Constraint(
        m.LN, rule=lambda m, ln: m.Cap_LE[ln] <= m.line_existing_mw[ln]
    )
    m.line_flow_existing = pyo.Constraint(
        m.LN, m.T, rule=lambda m, ln, t: m.FE[ln, t] <= m.Cap_LE[ln]
    )
    m.line_flow_new = pyo.Constraint(m.LN, m.T, rule=lambda m, ln, t: m.FN[ln, t] <= m.Cap_L[ln])
    m.line_green_part = pyo.Constraint(
        m.LN, m.T, rule=lambda m, ln, t: m.FG[ln, t] <= m.FE[ln, t] + m.FN[ln, t]
    )
    m.line_green_source = pyo.Constraint(
        m.SL,
        m.T,
        rule=lambda m, s, t: (
            sum(m.FG[ln, t] for ln in out_of[s]) == sum(m.VREu[s, v, t] for v in m.VRE)
        ),
    )
    m.line_grey_source = pyo.Constraint(
        m.SL,
        m.T,
        rule=lambda m, s, t: (
            sum(m.FE[ln, t] + m.FN[ln, t] - m.FG[ln, t] for ln in out_of[s]) <= m.G[s, t]
        ),
    )

    def flow(m: pyo.ConcreteModel, ln: str, t: int):
        return m.FE[ln, t] + m.FN[ln, t]

    def year(m: pyo.ConcreteModel, fn) -> object:
        return sum(m.weight[t] * fn(t) for t in m.T)

    add_balance_term(m, "line_export", -1, lambda m, s, t: sum(flow(m, ln, t) for ln in out_of[s]))
    add_balance_term(
        m,
        "line_import",
        1,
        lambda m, s, t: sum((1 - m.line_loss[ln]) * flow(m, ln, t) for ln in into[s]),
    )
    add_green_term(
        m,
        "lines",
        lambda m, s: (
            sum((1 - m.line_loss[ln]) * year(m, lambda t, ln=ln: m.FG[ln, t]) for ln in into[s])
            - sum(year(m, lambda t, ln=ln: m.FG[ln, t]) for ln in out_of[s])
        ),
    )

    def clean(m: pyo.ConcreteModel, ln: str, t: int):
        """What the hourly CFE account credits to line ln's energy sent in step t [MW]: its
        green part, plus its grey part × the sending grid's clean share in that hour."""
        start = m.line_ends[ln][0]
        return m.FG[ln, t] + m.grid_clean[start, t] * (flow(m, ln, t) - m.FG[ln, t])

    add_clean_term(
        m,
        "lines",
        lambda m, s, t: (
            sum((1 - m.line_loss[ln]) * clean(m, ln, t) for ln in into[s])
            - sum(clean(m, ln, t) for ln in out_of[s])
        ),
    )

    def grey(m: pyo.ConcreteModel, ln: str):
        return year(m, lambda t: flow(m, ln, t) - m.FG[ln, t])

    add_emission_term(
        m,
        "lines",
        lambda m, s: (
            sum(m.emission_factor[m.line_ends[ln][0]] * grey(m, ln) for ln in into[s])
            - sum(m.emission_factor[s] * grey(m, ln) for ln in out_of[s])
        ),
    )
    add_cost(
        m,
        "line_tariff",
        41,
        site=lambda m, s: sum(
            m.line_tariff_myuan_per_mwh[ln] * year(m, lambda t, ln=ln: m.FE[ln, t])
            for ln in into[s]
        ),
    )
    add_cost(
        m,
        "line_capital",
        42,
        site=lambda m, s: sum(m.line_capital_rate[ln] * m.Cap_L[ln] for ln in into[s]),
    )
    add_cost(
        m, "line_om", 43, site=lambda m, s: sum(m.line_om_rate[ln] * m.Cap_L[ln] for ln in into[s])
    )
    add_limit(
        m,
        Limit(
            "line_existing",
            ("line",),
            "existing line capacity",
            "plan",
            role=CAPACITY,
            rank=11,
            unit="yuan/(MW*yr)",
            factor=1e6,
            meaning="1 MW less existing line capacity open to data centres, for a year",
        ),
    )
    add_limit(
        m,
        Limit(
            "line_build_max",
            ("line",),
            "buildable line capacity",
            "plan",
            role=CAPACITY,
            rank=12,
            unit="yuan/(MW*yr)",
            factor=1e6,
            meaning="1 MW less buildable new line capacity, for a year",
        ),
    )
    add_coupling(m, Coupling("lines", lambda m: [tuple(e) for e in m.line_ends.values()]))
