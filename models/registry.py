r"""The model's registries: what each block contributes to shared rows, costs and limits.

A block never edits another block's constraint. Instead it registers, on `m.registry`:

- **balance terms** (`BalanceTerm`): power [MW] that enters (+1) or leaves (−1) a site's bus
  at step t. `add_energy_balance` writes Σ_{+1} term = Σ_{−1} term for every (s, t) over
  exactly what is registered (PyPSA's nodal balance table, urbs' commodity balance).
- **cost terms** (`CostTerm`) [M yuan/yr], each either *site-attributable* (a function of the
  site: the term is Σ_s cost_site[term, s]) or *plan-only* (one expression for the plan:
  unserved demand, vouchers, site opening). `add_objective` declares `m.cost_site[term, s]`,
  `m.cost[term]` and minimises their sum: costs.csv, the sites' costs and the objective are
  the same numbers read from the model.
- **limits** (`Limit`): metadata beside a constraint (or a variable's upper bound): its index
  names, the unit of its dual in planner terms and the factor from model units, a
  plain-language meaning of the shadow price, how to relax it (elastic scale), and whether
  it is site-local or plan-wide, and its *role* (`ROLES`): what part it plays for a planner,
  which decides where the report and the results show it. Results, diagnose, redispatch and
  the report loop over them and select by role and metadata, never by a constraint's name.
- **site terms of green energy and emissions** (`SiteTerm`): what a block moves into (+) or
  out of (−) a site's green energy [MWh/yr] and emissions [t CO2/yr] beside its own
  renewables and grid draw (a power line carries its sending node's mix). `add_policy` adds
  them to `m.green_mwh[s]` and `m.emissions_site_t[s]`.
- **hourly clean terms** (`HourTerm`): clean energy [MW in step t] a block moves into (+) or
  out of (−) a site's hourly CFE account (a power line delivers its sending node's green and
  clean-grid energy); `add_cfe` adds them to `m.cfe_mwh[s]`.
- **couplings** (`Coupling`): constraints whose rows join the variables of several sites
  (none today; a power line would be one). Sites joined by a coupling are one connected
  component (`connected_sites`) and are dispatched together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import pyomo.environ as pyo

Describe = Callable[[pyo.ConcreteModel, Any, float], str]

Role = Literal["demand price", "site cap", "plan cap", "supply cap", "share floor", "capacity"]

DEMAND_PRICE: Role = "demand price"
SITE_CAP: Role = "site cap"
PLAN_CAP: Role = "plan cap"
SUPPLY_CAP: Role = "supply cap"
SHARE_FLOOR: Role = "share floor"
CAPACITY: Role = "capacity"

# The roles a limit can play (Limit.role), and where a planner sees each. A new block picks one
# and its limit shows up there with no edit to planner/ (None: only the duals table).
ROLES: dict[str, str] = {
    DEMAND_PRICE: "a region's demand of a workload class must be served; the dual is the "
    "marginal cost of that demand (the report's heat map shows those in yuan/MWh IT; "
    "re-dispatch frees its `slack_var` as the last resort)",
    SITE_CAP: "a cap on an annual quantity of one site (PUE, water, a permit); the report "
    "shows its shadow price per site beside the PUE and water figures, as the column "
    "`shadow_price_<name less _limit>_<unit's first word, / as _per_>`",
    PLAN_CAP: "a cap on an annual quantity of the whole plan (carbon); the report states its "
    "shadow price (the carbon cap's, in yuan/t CO2, beside the carbon price)",
    SUPPLY_CAP: "the national supply of something the plan buys (an accelerator family), "
    "indexed by that item; hardware_supply.csv gives its shadow price per item",
    SHARE_FLOOR: "a minimum share or target (green share, hourly CFE, domestic accelerators, "
    "utilisation)",
    CAPACITY: "what can be built or used (buildable IT, grid connection, links, lines, vouchers)",
}


@dataclass(frozen=True)
class BalanceTerm:
    """Power at a site's bus [MW]: `expr(m, s, t)`; sign +1 supplies it, −1 draws from it."""

    name: str
    sign: int
    expr: Callable[[pyo.ConcreteModel, str, int], Any]


@dataclass(frozen=True)
class CostTerm:
    """One term of the annual cost [M yuan/yr].

    site: `site(m, s)`, the part attributable to site s (the term is the sum over sites), or
    None for a plan-only term, whose one expression is `plan(m)`. rank orders costs.csv.
    """

    name: str
    rank: float
    site: Callable[[pyo.ConcreteModel, str], Any] | None = None
    plan: Callable[[pyo.ConcreteModel], Any] | None = None

    @property
    def site_local(self) -> bool:
        return self.site is not None


@dataclass(frozen=True)
class Limit:
    """Metadata of a limit: a constraint component (or a variable's upper bound).

    name: the constraint component's name, or for a bound the name explanations use.
    rank: orders the duals table (duals.csv).
    index: names of its index positions (() for a scalar constraint).
    unit, factor: its dual in planner units is dual [model units] × factor, in `unit`;
        dual=False: no dual is reported (e.g. bounds).
    meaning: what a shadow price of one planner unit buys ("a carbon cap 1 t CO2 lower").
    what: short plain name ("carbon cap").
    scope: "site" (one row per site; `site_position` is the site's index position) or "plan".
    elastic: slack scale when relaxed: "one" (model units), "kilo" (1000 model units), "rhs"
        (1% of the right-hand side, at least 1); None: never relaxed.
    weight: weight of one scaled slack unit in the elastic objective.
    dispatch: the limit depends on hourly dispatch, so a full-year re-dispatch of a
        typical-day plan may break it (re-dispatch relaxes these).
    describe: `describe(m, key, amount)`, one sentence for a violation of `amount` (model
        units); captive: also name the demand that can go nowhere else (site limits).
    slack_var: an existing variable that already is the limit's slack, fixed at 0 unless
        relaxed (demand_met: the unserved demand u).
    bound: (variable, Param) when the limit is the variable's upper bound (grid connection);
        its slack is per `slack_index` positions of the variable's index.
    amount_unit: the unit of an amount of violation in model units ("MWh/yr", "t CO2/yr"),
        for the full-year check's sentences about plan-wide rows.
    hold: name of a mutable Param [model units, ≥ 0, default 0], indexed like the limit,
        that tightens its row by its value (`planner.hold`: --hold-full-year raises it by the
        shortfall the full year measured).
    role: the part it plays for a planner (one of `ROLES`), which decides where the report
        and the results show it; None: the duals table only.
    """

    name: str
    index: tuple[str, ...]
    what: str
    scope: Literal["site", "plan"]
    rank: float = 0.0
    unit: str = ""
    factor: float = 1.0
    meaning: str = ""
    dual: bool = True
    elastic: Literal["one", "kilo", "rhs"] | None = None
    weight: float = 1.0
    dispatch: bool = False
    describe: Describe | None = None
    captive: bool = False
    site_position: int = 0
    slack_var: str | None = None
    bound: tuple[str, str] | None = None
    slack_index: tuple[int, ...] = ()
    amount_unit: str = ""
    hold: str | None = None
    role: Role | None = None

    def __post_init__(self) -> None:
        if self.role is not None and self.role not in ROLES:
            raise ValueError(f"limit {self.name}: role {self.role!r} is not one of {list(ROLES)}")

    def record(self) -> dict[str, Any]:
        """The metadata a results folder keeps (limits.json): what the report selects by."""
        return {
            "name": self.name,
            "what": self.what,
            "role": self.role,
            "scope": self.scope,
            "index": list(self.index),
            "unit": self.unit,
            "meaning": self.meaning,
            "rank": self.rank,
            "dual": self.dual and self.bound is None,
        }


@dataclass(frozen=True)
class SiteTerm:
    """A per-site amount `expr(m, s)` added to a site's green energy [MWh/yr] or emissions
    [t CO2/yr] (signed: what flows in is +, what flows out is −)."""

    name: str
    expr: Callable[[pyo.ConcreteModel, str], Any]


@dataclass(frozen=True)
class HourTerm:
    """A per-site, per-step amount `expr(m, s, t)` [MW] of clean energy moved into (+) or out
    of (−) a site's hourly CFE account (models/cfe.py), beside its own supply."""

    name: str
    expr: Callable[[pyo.ConcreteModel, str, int], Any]


@dataclass(frozen=True)
class Coupling:
    """A constraint joining sites: `sites(m)` lists the groups of sites each row couples."""

    name: str
    sites: Callable[[pyo.ConcreteModel], Iterable[Iterable[str]]]


@dataclass
class Registry:
    """Everything the blocks of one model registered, in build order."""

    balance: list[BalanceTerm] = field(default_factory=list)
    costs: list[CostTerm] = field(default_factory=list)
    limits: dict[str, Limit] = field(default_factory=dict)
    couplings: list[Coupling] = field(default_factory=list)
    green: list[SiteTerm] = field(default_factory=list)
    emissions: list[SiteTerm] = field(default_factory=list)
    clean: list[HourTerm] = field(default_factory=list)

    def cost_terms(self) -> list[CostTerm]:
        """Cost terms in costs.csv order (rank, then registration)."""
        return sorted(self.costs, key=lambda c: c.rank)

    def site_terms(self) -> list[str]:
        return [c.name for c in self.cost_terms() if c.site_local]

    def plan_terms(self) -> list[str]:
        """Names of the plan-only cost terms (no per-site attribution)."""
        return [c.name for c in self.cost_terms() if not c.site_local]

    def active_limits(self, m: pyo.ConcreteModel) -> list[Limit]:
        """Limits whose component exists on `m` (optional ones may not be built)."""
        return [
            lim
            for lim in self.limits.values()
            if lim.bound is not None or m.component(lim.name) is not None
        ]

    def with_role(self, m: pyo.ConcreteModel, role: Role) -> list[Limit]:
        """The active limits of `m` that play `role`, in rank order."""
        return sorted(
            (lim for lim in self.active_limits(m) if lim.role == role), key=lambda lim: lim.rank
        )

    def records(self, m: pyo.ConcreteModel) -> list[dict[str, Any]]:
        """`Limit.record` of every active limit of `m`, in rank order (limits.json)."""
        return [lim.record() for lim in sorted(self.active_limits(m), key=lambda lim: lim.rank)]


def registry(m: pyo.ConcreteModel) -> Registry:
    """The registry of `m` (created on first use)."""
    reg = getattr(m, "registry", None)
    if reg is None:
        reg = Registry()
        m.registry = reg
    return reg


def add_balance_term(
    m: pyo.ConcreteModel,
    name: str,
    sign: int,
    expr: Callable[[pyo.ConcreteModel, str, int], Any],
) -> None:
    """Register power `expr(m, s, t)` [MW] entering (+1) or leaving (−1) each site's bus."""
    if sign not in (1, -1):
        raise ValueError(f"balance term {name}: sign must be +1 or -1, not {sign}")
    reg = registry(m)
    if any(b.name == name for b in reg.balance):
        raise ValueError(f"balance term {name} registered twice")
    reg.balance.append(BalanceTerm(name, sign, expr))


def add_cost(
    m: pyo.ConcreteModel,
    name: str,
    rank: float,
    site: Callable[[pyo.ConcreteModel, str], Any] | None = None,
    plan: Callable[[pyo.ConcreteModel], Any] | None = None,
) -> None:
    """Register a cost term [M yuan/yr]: per site (`site`) or plan-only (`plan`)."""
    if (site is None) == (plan is None):
        raise ValueError(f"cost term {name}: give exactly one of site= or plan=")
    reg = registry(m)
    if any(c.name == name for c in reg.costs):
        raise ValueError(f"cost term {name} registered twice")
    reg.costs.append(CostTerm(name, rank, site, plan))


def add_limit(m: pyo.ConcreteModel, limit: Limit) -> None:
    """Register the metadata of a limit (its constraint is declared by the block)."""
    reg = registry(m)
    if limit.name in reg.limits:
        raise ValueError(f"limit {limit.name} registered twice")
    reg.limits[limit.name] = limit


def add_green_term(
    m: pyo.ConcreteModel, name: str, expr: Callable[[pyo.ConcreteModel, str], Any]
) -> None:
    """Register green energy [MWh/yr] moved into (+) or out of (−) each site."""
    registry(m).green.append(SiteTerm(name, expr))


def add_emission_term(
    m: pyo.ConcreteModel, name: str, expr: Callable[[pyo.ConcreteModel, str], Any]
) -> None:
    """Register emissions [t CO2/yr] moved into (+) or out of (−) each site's account."""
    registry(m).emissions.append(SiteTerm(name, expr))


def add_clean_term(
    m: pyo.ConcreteModel, name: str, expr: Callable[[pyo.ConcreteModel, str, int], Any]
) -> None:
    """Register clean energy [MW in step t] moved into (+) or out of (−) each site's hourly
    CFE account; `expr` is evaluated when the CFE block is built (after the grid's clean
    share `m.grid_clean` exists)."""
    registry(m).clean.append(HourTerm(name, expr))


def add_coupling(m: pyo.ConcreteModel, coupling: Coupling) -> None:
    """Register a constraint that joins the variables of several sites."""
    registry(m).couplings.append(coupling)


def site_groups(sites: Iterable[str], links: Iterable[Iterable[str]]) -> list[tuple[str, ...]]:
    """Connected components of `sites` when each group in `links` joins its sites (union-find).
    Components keep the order of `sites`, and sites within one keep it too."""
    order = list(sites)
    parent = {s: s for s in order}

    def root(s: str) -> str:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for group in links:
        members = [s for s in group if s in parent]
        for other in members[1:]:
            a, b = root(members[0]), root(other)
            if a != b:
                parent[b] = a
    components: dict[str, list[str]] = {}
    for s in order:
        components.setdefault(root(s), []).append(s)
    return [tuple(c) for c in components.values()]


def connected_sites(m: pyo.ConcreteModel) -> list[tuple[str, ...]]:
    """Groups of sites joined by the registered couplings (each site alone when none)."""
    links = [group for c in registry(m).couplings for group in c.sites(m)]
    return site_groups(list(m.S), links)


def key_text(key: Any) -> str:
    """An index as text: '' for None, 'a/b' for tuples."""
    if key is None:
        return ""
    return "/".join(map(str, key)) if isinstance(key, tuple) else str(key)
