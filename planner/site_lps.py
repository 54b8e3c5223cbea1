"""Site LPs kept between full-year re-dispatches (`--hold-full-year`, planner.hold).

Each round of `--hold-full-year` re-dispatches a new plan over the full year. Between rounds
the component LPs (planner.redispatch: one per connected group of sites) differ only in
numbers: the plan's capacities (fixed Vars), the demand the plan routes to the group
(Demand · demand_mw, a mutable Param in full-year mode), and the shadow prices of the priced
plan-wide limits (`m.redispatch_price`, mutable). So each LP is built once and kept:

- `SiteLPs` holds one single-process worker (spawn) per CPU, or none (in this process); a
  component always goes to the worker that built its LP (`home`), whose module-level `_KEPT`
  holds it between calls;
- `reuse` puts the next task onto a kept LP: `Pipeline.update(case)` (only mutable Params
  change, else None: the LP is built again), the capacities re-fixed, the prices set, and
  unserved demand fixed at 0 again where a previous round had to allow it. The solver then
  sends HiGHS only the changed coefficients and bounds and warm-starts from the last basis.

A component whose case changes structurally (the plan routes a new (region, class) to it, or
builds another cooling technology there) is built again; the re-dispatch rows say which LPs
were kept (`lp_kept`).
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from planner.pipeline import Pipeline

# this process's kept LPs (in a worker: the ones it built), by component name
_KEPT: dict[str, tuple] = {}


def keep(kept: dict, task, pipeline: Pipeline, slacks: list) -> None:
    """Keep a freshly loaded component LP with the unserved-demand Vars it has fixed."""
    model = pipeline.model
    fixed_u = [v for v in model.u.values() if v.fixed] if model.component("u") else []
    kept[task.site] = (pipeline, slacks, fixed_u)


def reuse(kept: dict, task) -> tuple[Pipeline, list] | None:
    """The kept LP of `task`'s component updated to `task` ((pipeline, slacks)), or None when
    there is none or its case changed structurally (the caller builds it again)."""
    from planner.redispatch import fix_capacities, set_prices

    entry = kept.get(task.site)
    if entry is None:
        return None
    pipeline, slacks, fixed_u = entry
    if pipeline.solver is None or not pipeline.update(task.case):
        del kept[task.site]
        return None
    m = pipeline.model
    fix_capacities(m, task)
    set_prices(m, task)
    for v in fixed_u:  # a previous round may have allowed unserved demand (allow_unserved)
        if not v.fixed:
            v.fix(0.0)
    return pipeline, slacks


def _solve_kept(task, options) -> list[dict]:
    """In a worker: solve `task` on this process's kept LPs."""
    from planner.redispatch import solve_component

    return solve_component(task, options, kept=_KEPT)


class SiteLPs:
    """Workers that keep the component LPs between re-dispatches (module doc). Use as a
    context manager, or `close()` it. workers: processes (1: in this process; None: one per
    CPU)."""

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.home: dict[str, int] = {}
        self.kept: dict[str, tuple] = {}  # in this process (workers = 1)
        self.pools: list[ProcessPoolExecutor] = []

    def solve(self, tasks: list, options) -> list[list[dict]]:
        """The rows of every task (in task order), each LP solved where it is kept."""
        from planner.redispatch import solve_component

        if self.workers == 1 or len(tasks) == 1:
            return [solve_component(task, options, kept=self.kept) for task in tasks]
        if not self.pools:
            context = get_context("spawn")  # HiGHS threads must not be forked
            n = min(self.workers, len(tasks))
            self.pools = [ProcessPoolExecutor(max_workers=1, mp_context=context) for _ in range(n)]
        for task in tasks:  # a new component goes to the worker with the fewest
            if task.site not in self.home:
                load = [list(self.home.values()).count(i) for i in range(len(self.pools))]
                self.home[task.site] = load.index(min(load))
        futures = [
            self.pools[self.home[task.site]].submit(_solve_kept, task, options) for task in tasks
        ]
        return [f.result() for f in futures]

    def close(self) -> None:
        for pool in self.pools:
            pool.shutdown(cancel_futures=True)
        self.pools = []
        self.kept.clear()

    def __enter__(self) -> SiteLPs:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


__all__ = ["SiteLPs", "keep", "reuse"]
