r"""One elastic relaxation of a model's limits, driven by their registered metadata.

`relax(m, limits)` gives every row of each limit a non-negative slack σ and rewrites it
(a bound becomes a row):
- a constraint `body ≤ upper` becomes `body − scale·σ ≤ upper`, `body ≥ lower` becomes
  `body + scale·σ ≥ lower` (two-sided rows and equalities are left as they are);
- a limit with a `slack_var` (demand_met: unserved demand u) is relaxed by unfixing it;
- a variable bound `bound=(var, param)`: the variable's upper bound is removed and
  `var[i] ≤ param[key(i)] + σ[key(i)]` added (`m.elastic_<name>_row`), one σ per
  `slack_index` positions of the index (grid_max_limit: one per site, shared by its hours).
scale: 1 ("one"), 1000 ("kilo") or 1% of the right-hand side, at least 1 ("rhs"), so slacks
of different limits are in comparable planner units; `scaled=False` keeps model units.
The slacks are `m.elastic_<name>`. `slack_cost` is their (weighted) sum for an objective;
`violations` reads the amounts in model units after a solve. Used by `planner.diagnose`
(why a case is infeasible) and `planner.redispatch` (limits the full year breaks).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyomo.environ as pyo

from models.registry import Limit


@dataclass(frozen=True)
class Slack:
    """One relaxed row: its limit, index key, slack variable and scale (model units per
    slack unit)."""

    limit: Limit
    key: object
    var: pyo.Var
    scale: float


def _scale(limit: Limit, con, scaled: bool) -> float:
    if not scaled or limit.elastic in (None, "one"):
        return 1.0
    if limit.elastic == "kilo":
        return 1000.0
    bound = con.upper if con.upper is not None else con.lower
    value = abs(float(pyo.value(bound))) if bound is not None else 0.0
    return max(value * 0.01, 1.0)


def _relax_constraint(m, limit: Limit, scaled: bool, active_only: bool) -> list[Slack]:
    component = m.component(limit.name)
    if component is None:
        return []
    keys = [
        k
        for k, con in component.items()
        if (con.active or not active_only) and (con.upper is None) != (con.lower is None)
    ]
    if not keys:
        return []
    slack = pyo.Var(keys, domain=pyo.NonNegativeReals)
    m.add_component(f"elastic_{limit.name}", slack)
    out = []
    for key in keys:
        con = component[key]
        scale = _scale(limit, con, scaled)
        if con.upper is not None:
            con.set_value(con.body - scale * slack[key] <= con.upper)
        else:
            con.set_value(con.body + scale * slack[key] >= con.lower)
        out.append(Slack(limit, key, slack[key], scale))
    return out


def _relax_bound(m, limit: Limit) -> list[Slack]:
    assert limit.bound is not None
    var, param = (m.component(n) for n in limit.bound)
    if var is None or param is None:
        return []

    def slack_key(index):
        parts = index if isinstance(index, tuple) else (index,)
        picked = tuple(parts[i] for i in limit.slack_index)
        return picked[0] if len(picked) == 1 else picked

    indices = list(var.keys())
    keys = list(dict.fromkeys(slack_key(i) for i in indices))
    slack = pyo.Var(keys, domain=pyo.NonNegativeReals)
    m.add_component(f"elastic_{limit.name}", slack)
    for index in indices:
        var[index].setub(None)

    def row(m, *i):
        index = i if len(i) > 1 else i[0]
        return var[index] <= param[slack_key(index)] + slack[slack_key(index)]

    m.add_component(f"elastic_{limit.name}_row", pyo.Constraint(indices, rule=row))
    return [Slack(limit, key, slack[key], 1.0) for key in keys]


def relax(
    m: pyo.ConcreteModel, limits: Iterable[Limit], scaled: bool = True, active_only: bool = False
) -> list[Slack]:
    """Make `limits` of `m` elastic (see module doc); returns one Slack per relaxed row.
    active_only: leave deactivated rows alone."""
    slacks: list[Slack] = []
    for limit in limits:
        if limit.slack_var is not None:
            var = m.component(limit.slack_var)
            for key, v in var.items():
                v.unfix()
                slacks.append(Slack(limit, key, v, 1.0))
        elif limit.bound is not None:
            slacks.extend(_relax_bound(m, limit))
        else:
            slacks.extend(_relax_constraint(m, limit, scaled, active_only))
    return slacks


def slack_cost(slacks: Iterable[Slack], per_unit: float | None = None):
    """Σ weight · σ over `slacks` (weight: each limit's `weight`, or `per_unit` for all)."""
    return pyo.quicksum((s.limit.weight if per_unit is None else per_unit) * s.var for s in slacks)


def violations(slacks: Iterable[Slack], tolerance: float) -> list[tuple[Slack, float]]:
    """(slack, amount in model units) of every row relaxed by more than tolerance·max(scale,
    1) after a solve."""
    out = []
    for s in slacks:
        amount = float(s.var.value or 0.0) * s.scale
        if amount > tolerance * max(s.scale, 1.0):
            out.append((s, amount))
    return out
