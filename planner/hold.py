"""`--hold-full-year`: tighten a typical-day plan until its targets hold over the real year.

A plan solved on typical days meets its targets on those days; the full-year re-dispatch
(`planner.redispatch`) measures what it really reaches. For each limit the full year breaks
that registers a `hold` Param (`models.registry.Limit.hold`: the carbon cap, the green
share overall or per site), the typical-day row is tightened by the measured shortfall:

    round 0:  solve on typical days; re-dispatch; shortfall e⁰ (model units, ≥ 0)
    round k:  hold ← hold + eᵏ⁻¹ (the row now asks the typical days for eᵏ⁻¹ more);
              re-solve warm (only the hold Params changed: the `Pipeline`'s loaded model
              takes the new row bounds, HiGHS starts from the last basis); re-dispatch
              on the site LPs kept from the round before (planner.site_lps: built once,
              only their numbers change, HiGHS warm-starts)

until every checked row holds within `tolerance` (relative to its size, default 1e-3) or
`rounds` tightenings have been made. Rows broken without a `hold` (PUE, water caps,
utilisation: a site's hours, not a target the typical days can over-ask) are reported, not
tightened. Each round's typical-day cost, full-year cost and shortfalls are returned
(`HoldRound`), and the last round's plan and re-dispatch are the run's.
Units: M yuan/yr; shortfalls in the limit's model units (MWh/yr, t CO2/yr) and relative.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import pandas as pd
import pyomo.environ as pyo

from planner.pipeline import Pipeline, Solved
from planner.redispatch import RedispatchOptions, redispatch
from planner.site_lps import SiteLPs

DEFAULT_ROUNDS = 4
DEFAULT_TOLERANCE = 1e-3


@dataclass(frozen=True)
class HoldRound:
    """One round: its typical-day objective and full-year cost [M yuan/yr], the largest
    relative shortfall of a held limit row (0 when all hold), the shortfalls of the rows
    broken {"limit[/key]": amount in model units}, the holds in force [model units] and its
    seconds (solve + re-dispatch)."""

    round: int
    status: str
    plan_cost_myuan: float
    annual_cost_myuan: float
    shortfall: float
    broken: dict[str, float] = field(default_factory=dict)
    holds: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


def _held(table: pd.DataFrame) -> list[dict]:
    """The limit rows of a re-dispatch that the hold can tighten and the full year breaks."""
    return [b for b in table.attrs.get("broken", []) if b.get("hold")]


def _name(b: dict) -> str:
    return f"{b['limit']}/{b['key']}" if b["key"] else b["limit"]


def _hold_key(param: pyo.Param, key: str):
    """The Param's index for a row key given as text ('' for a scalar Param)."""
    if not param.is_indexed():
        return None
    for index in param:
        if str(index) == key:
            return index
    raise KeyError(f"{param.name} has no index {key!r}")


def _holds(m: pyo.ConcreteModel) -> dict[str, float]:
    """Every non-zero hold in force on `m`, by Param name [model units]."""
    from models.registry import key_text, registry

    out = {}
    for limit in registry(m).active_limits(m):
        param = m.component(limit.hold) if limit.hold else None
        if param is None:
            continue
        for index, p in param.items():
            if abs(pyo.value(p)) > 0:
                label = f"{limit.hold}/{key_text(index)}" if index is not None else limit.hold
                out[label] = float(pyo.value(p))
    return out


def hold_full_year(
    pipeline: Pipeline,
    rounds: int = DEFAULT_ROUNDS,
    tolerance: float = DEFAULT_TOLERANCE,
    options: RedispatchOptions | None = None,
    keep_lps: bool = True,
) -> tuple[Solved, list[HoldRound]]:
    """Solve the pipeline's case on typical days and tighten its held targets until the
    full year meets them (module doc). Returns the last round's Solved (with its
    re-dispatch table) and the rounds. Stops early when a typical-day solve has no solution
    (the tightened targets cannot be met on the typical days). `keep_lps`: keep the site
    LPs between rounds (planner.site_lps); False builds them again each round (benchmarks)."""
    options = options or RedispatchOptions()
    if options.site_lps is not None or not keep_lps:
        return _hold(pipeline, rounds, tolerance, options)
    with SiteLPs(options.workers) as kept:  # each site LP built once, for every round
        return _hold(pipeline, rounds, tolerance, dataclasses.replace(options, site_lps=kept))


def _hold(
    pipeline: Pipeline, rounds: int, tolerance: float, options: RedispatchOptions
) -> tuple[Solved, list[HoldRound]]:
    history: list[HoldRound] = []
    start = time.perf_counter()
    solved = pipeline.run()
    for k in range(rounds + 1):
        if solved.results is None:
            history.append(
                HoldRound(k, solved.outcome.status, float("nan"), float("nan"), float("nan"))
            )
            break
        with pipeline.timer.phase("redispatch"):
            table = redispatch(pipeline.case, solved.results, options)
        solved.redispatch = table
        total = table[table["site"] == "total"].iloc[0]
        held = _held(table)
        shortfall = max((b["relative"] for b in held), default=0.0)
        history.append(
            HoldRound(
                k,
                str(total["status"]),
                float(solved.outcome.objective),
                float(total["annual_cost_myuan"]),
                shortfall,
                {_name(b): float(b["amount"]) for b in held},
                _holds(pipeline.model),
                time.perf_counter() - start,
            )
        )
        start = time.perf_counter()
        if shortfall <= tolerance or k == rounds:
            break
        m = pipeline.model
        for b in held:
            param = m.component(b["hold"])
            index = _hold_key(param, b["key"])
            target = param if index is None else param[index]
            target.set_value(float(pyo.value(target)) + float(b["amount"]))
        solved = pipeline.run()
    solved.timings = dict(pipeline.timings)
    return solved, history


def rounds_table(history: list[HoldRound]) -> pd.DataFrame:
    """The rounds as a table (hold_rounds.csv): round, status, costs [M yuan/yr], the largest
    relative shortfall, the broken rows with their shortfalls and the holds in force."""
    return pd.DataFrame(
        [
            {
                "round": h.round,
                "status": h.status,
                "plan_cost_myuan": h.plan_cost_myuan,
                "annual_cost_myuan": h.annual_cost_myuan,
                "shortfall_relative": h.shortfall,
                "broken": "; ".join(f"{n}: {a:,.1f}" for n, a in h.broken.items()),
                "holds": "; ".join(f"{n}: {a:,.1f}" for n, a in h.holds.items()),
                "seconds": h.seconds,
            }
            for h in history
        ]
    )
