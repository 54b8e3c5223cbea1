"""Measurements run in fresh child processes (so peak RSS is per measurement).

`python -m benchmarks.measure MODE ...` prints one line `RESULT <json>` last:

- `plan CASE TIME WORKDIR KEY`: prepare, build, load, solve, extract, write of one run, timed
  phase by phase with the peak RSS after each; the loaded LP is written to WORKDIR/KEY.mps
  (exactly what HiGHS was given) and (case, results) pickled for the re-dispatch.
- `redispatch CASE TIME WORKDIR KEY WORKERS`: full-year re-dispatch of the plan (pickled by
  `plan`, or solved here untimed); with WORKERS=1 each site LP is written to WORKDIR/KEY/.
- `raw OPTIONS_JSON MPS...`: highspy alone reads and solves each MPS file in sequence.
- `resolve CASE TIME PRICES`: carbon prices (comma-separated, yuan/t) re-solved on one built
  model vs fresh runs (prepare, build, load, solve, extract) for each.
- `paths CASE TIME`: loading the same model into HiGHS through each Pyomo path.
- `typical CASE TIME WORKERS`: plan and its full-year re-dispatch (objective, capacities,
  annual cost, error).
- `robust_reference WORKDIR`: the default case's least emissions, most green share and water
  use per site (the limits of the robustness set), to WORKDIR/robust_reference.json.
- `mip start|nostart OPTIONS_JSON LIMIT`: the default case as a MILP, 0.01 % gap asked,
  LIMIT seconds, with or without the rounded LP start (planner/mip_start.py).
- `robust KEY STRATEGY WORKDIR LIMIT`: one case of the robustness set (benchmarks.cases)
  solved with an LP strategy (planner.solve.STRATEGIES) within LIMIT seconds; infeasible
  cases are explained too (strategy auto).
Seconds are wall-clock [s]; cpu_* are process CPU seconds (user + system) [s]; RSS in MB.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import pickle
import resource
import sys
import tempfile
import time
from pathlib import Path

RESULT = "RESULT "


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far [MB].

    VmHWM of /proc/self/status on Linux: unlike `ru_maxrss`, it is not inherited from the
    parent across fork + exec (a child of a 500 MB parent would otherwise start at 500 MB).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def emit(result: dict) -> None:
    print(RESULT + json.dumps(result, default=float), flush=True)


class Phases:
    """Times named phases (wall and CPU seconds) and the peak RSS after each."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.rss: dict[str, float] = {}

    def run(self, name: str, fn):
        gc.collect()
        wall, cpu = time.perf_counter(), cpu_seconds()
        value = fn()
        self.seconds[name] = time.perf_counter() - wall
        self.cpu[name] = cpu_seconds() - cpu
        self.rss[name] = peak_rss_mb()
        return value


def _case(key: str):
    from benchmarks.cases import CASES

    return CASES[key]()


def _lp_size(solver) -> dict:
    compiled = solver.compiled
    if compiled is None:
        return {}
    return {"rows": compiled.n_rows, "columns": compiled.n_cols, "nonzeros": compiled.nnz}


def plan(case_key: str, time_option: str, workdir: str, key: str) -> dict:
    """One run, phase by phase; writes KEY.mps and the pickled (case, results)."""
    from models.build import build
    from planner.prepare import prepare
    from planner.results import collect
    from planner.run import RunOptions, Solved
    from planner.solve import ModelSolver
    from planner.writers import write_run

    base_rss = peak_rss_mb()
    phases = Phases()
    case = phases.run("read", lambda: _case(case_key))
    data = phases.run("prepare", lambda: prepare(case, time_option))
    model = phases.run("build", lambda: build(data))
    solver = ModelSolver(model)
    phases.run("load", solver.load)
    outcome = phases.run("solve", solver.solve)
    run_options = RunOptions(time=time_option)
    results = phases.run("extract", lambda: collect(model, data, outcome, run_options.as_dict()))
    solved = Solved(case, data, model, outcome, results, dict(phases.seconds))
    with tempfile.TemporaryDirectory() as folder:
        phases.run(
            "write",
            lambda: write_run(solved, Path(folder) / "run", run_options, overwrite=True),
        )
    peak_without_write = max(v for k, v in phases.rss.items() if k != "write")
    work = Path(workdir)
    solver.highs.writeModel(str(work / f"{key}.mps"))
    with open(work / f"{case_key}-{time_option.replace(':', '')}.pkl", "wb") as handle:
        pickle.dump((case, results), handle)
    return {
        "key": key,
        "status": outcome.status,
        "objective_myuan": outcome.objective,
        "iterations": outcome.iterations,
        "highs_seconds": outcome.highs_seconds,
        **_lp_size(solver),
        "seconds": phases.seconds,
        "cpu": phases.cpu,
        "rss_after": phases.rss,
        "baseline_rss_mb": base_rss,
        "peak_rss_mb": peak_without_write,
        "peak_rss_with_write_mb": max(phases.rss.values()),
        "loadavg": os.getloadavg(),
    }


def _plan_for_redispatch(case_key: str, time_option: str, workdir: str):
    path = Path(workdir) / f"{case_key}-{time_option.replace(':', '')}.pkl"
    if path.is_file():
        with open(path, "rb") as handle:
            return pickle.load(handle)
    from planner.run import RunOptions, solve_case

    case = _case(case_key)
    solved = solve_case(case, RunOptions(time=time_option), explain=False)
    return case, solved.results


def redispatch(case_key: str, time_option: str, workdir: str, key: str, workers: int) -> dict:
    """Full-year re-dispatch of the plan; phases summed over the site LPs."""
    from planner.redispatch import RedispatchOptions
    from planner.redispatch import redispatch as run_redispatch

    case, results = _plan_for_redispatch(case_key, time_option, workdir)
    gc.collect()
    base_rss = peak_rss_mb()
    export = str(Path(workdir) / key) if workers == 1 else None
    start = time.perf_counter()
    table = run_redispatch(case, results, RedispatchOptions(workers=workers, export_dir=export))
    wall = time.perf_counter() - start
    total = table[table["site"] == "total"].iloc[0]
    sites = table[table["site"] != "total"]
    phase_columns = ["prepare", "build", "load", "solve", "extract"]
    return {
        "key": key,
        "workers": workers,
        "status": str(total["status"]),
        "objective_myuan": float(total["annual_cost_myuan"]),
        "plan_objective_myuan": float(total["plan_cost_myuan"]),
        "cost_error_pct": float(total["cost_error_pct"]),
        "iterations": float(sites["iterations"].sum()),
        "rows": float(sites["rows"].sum()),
        "columns": float(sites["columns"].sum()),
        "largest_rows": float(sites["rows"].max()),
        "seconds": {
            **{p: float(sites[f"{p}_seconds"].sum()) for p in phase_columns},
            "total": wall,
        },
        "mps": sorted(str(p) for p in Path(export).glob("*.mps")) if export else [],
        "baseline_rss_mb": base_rss,
        "peak_rss_mb": peak_rss_mb(),
        "relaxed": str(total.get("relaxed") or ""),
        "sites": sites[
            ["site", "status", "relaxed", "annual_cost_myuan", "plan_cost_myuan"]
        ].to_dict("records"),
        "loadavg": os.getloadavg(),
    }


def raw(options_json: str, paths: list[str]) -> dict:
    """highspy alone: read each MPS and solve it (same options as the planner)."""
    import highspy

    options = json.loads(options_json)
    base_rss = peak_rss_mb()
    read_s = solve_s = solve_cpu = 0.0
    iterations = 0
    objective = 0.0
    statuses = []
    for path in paths:
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        for name, value in options.items():
            highs.setOptionValue(name, value)
        start = time.perf_counter()
        highs.readModel(path)
        read_s += time.perf_counter() - start
        start, cpu = time.perf_counter(), cpu_seconds()
        highs.run()
        solve_s += time.perf_counter() - start
        solve_cpu += cpu_seconds() - cpu
        info = highs.getInfo()
        iterations += max(0, info.simplex_iteration_count) + max(0, info.ipm_iteration_count)
        objective += info.objective_function_value
        statuses.append(highs.modelStatusToString(highs.getModelStatus()))
        del highs
        gc.collect()
    return {
        "options": options,
        "files": len(paths),
        "read_seconds": read_s,
        "solve_seconds": solve_s,
        "solve_cpu": solve_cpu,
        "iterations": iterations,
        "objective": objective,
        "status": sorted(set(statuses)),
        "baseline_rss_mb": base_rss,
        "peak_rss_mb": peak_rss_mb(),
        "loadavg": os.getloadavg(),
    }


def resolve(case_key: str, time_option: str, prices: list[float]) -> dict:
    """Carbon prices: re-solve one built model vs a fresh run for each price."""
    from models.build import build
    from planner.prepare import prepare
    from planner.results import collect
    from planner.solve import ModelSolver

    case = _case(case_key)
    # the model as a sweep would keep it: built and solved once at the case's own price
    start = time.perf_counter()
    data = prepare(case, time_option)
    model = build(data)
    solver = ModelSolver(model)
    solver.load()
    first = solver.solve()
    collect(model, data, first)
    setup = time.perf_counter() - start
    resolved, fresh = [], []
    for price in prices:
        start = time.perf_counter()
        model.carbon_price_myuan_per_t.set_value(price * 1e-6)  # yuan/t → M yuan/t
        outcome = solver.solve()
        collect(model, data, outcome)
        resolved.append(
            {
                "price": price,
                "seconds": time.perf_counter() - start,
                "update_seconds": solver.update_seconds,
                "iterations": outcome.iterations,
                "objective": outcome.objective,
            }
        )
    for price in prices:
        start = time.perf_counter()
        priced = dataclasses.replace(case, settings={**case.settings, "carbon_price": price})
        d = prepare(priced, time_option)
        m = build(d)
        s = ModelSolver(m)
        s.load()
        outcome = s.solve()
        collect(m, d, outcome)
        fresh.append(
            {
                "price": price,
                "seconds": time.perf_counter() - start,
                "iterations": outcome.iterations,
                "objective": outcome.objective,
            }
        )
        del m, s
        gc.collect()
    return {
        "setup_seconds": setup,
        "resolved": resolved,
        "fresh": fresh,
        "loadavg": os.getloadavg(),
    }


def paths(case_key: str, time_option: str) -> dict:
    """Seconds to get the same model into HiGHS through each Pyomo path (model built anew
    for each; medians of `repeat` in the caller)."""
    import highspy

    from models.build import build
    from planner.prepare import prepare
    from planner.solve import CompiledModel

    case = _case(case_key)
    data = prepare(case, time_option)
    out: dict[str, float] = {}

    def direct(m):
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        CompiledModel(m).pass_to(highs)

    def persistent(m):
        from pyomo.contrib.solver.solvers.highs import Highs

        Highs().set_instance(m)

    def appsi(m):
        from pyomo.contrib.appsi.solvers.highs import Highs

        Highs().set_instance(m)

    def standard_form(m):
        from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

        LinearStandardFormCompiler().write(m, mixed_form=True)

    def file(suffix):
        def write_and_read(m):
            with tempfile.TemporaryDirectory() as folder:
                path = str(Path(folder) / f"model.{suffix}")
                m.write(path, io_options={"symbolic_solver_labels": False})
                highs = highspy.Highs()
                highs.setOptionValue("output_flag", False)
                highs.readModel(path)

        return write_and_read

    ways = {
        "direct (planner.solve)": direct,
        "pyomo.contrib.solver Highs set_instance": persistent,
        "pyomo.contrib.appsi Highs set_instance": appsi,
        "standard_form compile only (no HiGHS)": standard_form,
        "LP file write + highspy readModel": file("lp"),
        "MPS file write + highspy readModel": file("mps"),
    }
    for name, way in ways.items():
        model = build(data)
        gc.collect()
        start = time.perf_counter()
        way(model)
        out[name] = time.perf_counter() - start
        del model
        gc.collect()
    return {"seconds": out, "loadavg": os.getloadavg()}


def typical(case_key: str, time_option: str, workers: int) -> dict:
    """A plan and its full-year re-dispatch."""
    from planner.redispatch import RedispatchOptions
    from planner.redispatch import redispatch as run_redispatch
    from planner.run import RunOptions, solve_case

    case = _case(case_key)
    start = time.perf_counter()
    solved = solve_case(case, RunOptions(time=time_option), explain=False)
    plan_seconds = time.perf_counter() - start
    results = solved.results
    summary = results.summary
    start = time.perf_counter()
    table = run_redispatch(case, results, RedispatchOptions(workers=workers))
    redispatch_seconds = time.perf_counter() - start
    total = table[table["site"] == "total"].iloc[0]
    return {
        "case": case_key,
        "time": time_option,
        "status": solved.outcome.status,
        "objective_myuan": solved.outcome.objective,
        "solve_seconds": solved.timings.get("solve"),
        "plan_seconds": plan_seconds,
        "it_capacity_mw": summary["it_capacity_mw"],
        "pv_mw": summary["pv_mw"],
        "wind_mw": summary["wind_mw"],
        "battery_mwh": summary["battery_mwh"],
        "emissions_t": summary["emissions_t"],
        "redispatch_status": str(total["status"]),
        "annual_cost_myuan": float(total["annual_cost_myuan"]),
        "redispatch_emissions_t": float(total["emissions_t"]),
        "cost_error_pct": float(total["cost_error_pct"]),
        "relaxed": str(total.get("relaxed") or ""),
        "redispatch_seconds": redispatch_seconds,
        "loadavg": os.getloadavg(),
    }


def robust_reference(workdir: str) -> dict:
    """The default case's own limits for the robustness set: its least emissions reachable
    [t/yr] (emissions minimised), the most green share reachable (green energy maximised, its
    share of facility energy) and each site's water use in the baseline plan [m3/yr]. Written
    to WORKDIR/robust_reference.json."""
    import pyomo.environ as pyo

    from benchmarks.cases import default_case
    from models.build import build
    from planner.prepare import prepare
    from planner.solve import ModelSolver

    data = prepare(default_case(), None)
    model = build(data)
    base = ModelSolver(model).solve()
    water = {s: float(pyo.value(model.water_m3[s])) for s in model.S}
    emissions = float(pyo.value(model.emissions_t))
    out: dict = {"baseline_objective": base.objective, "baseline_emissions_t": emissions}
    out["water_m3"] = water
    model.total_cost.deactivate()
    model.least_emissions = pyo.Objective(expr=model.emissions_t)
    least = ModelSolver(model).solve()
    out["least_emissions_t"] = least.objective
    model.least_emissions.deactivate()
    model.most_green = pyo.Objective(expr=sum(model.green_mwh[s] for s in model.S), sense=-1)
    most = ModelSolver(model).solve()
    green = sum(pyo.value(model.green_mwh[s]) for s in model.S)
    facility = sum(pyo.value(model.facility_energy_mwh[s]) for s in model.S)
    out["most_green_share"] = green / facility
    out["statuses"] = [base.status, least.status, most.status]
    out["loadavg"] = os.getloadavg()
    (Path(workdir) / "robust_reference.json").write_text(json.dumps(out))
    return out


def robust(key: str, strategy: str, workdir: str, limit: float) -> dict:
    """One case of the robustness set solved with `strategy` within `limit` seconds; an
    infeasible case is explained (the elastic re-solve, timed) under the "auto" strategy."""
    from benchmarks.cases import ROBUSTNESS, robust_case
    from models.build import build
    from planner.diagnose import explain_infeasibility
    from planner.prepare import prepare
    from planner.solve import ModelSolver, SolveOptions

    item = next(r for r in ROBUSTNESS if r.key == key)
    reference = json.loads((Path(workdir) / "robust_reference.json").read_text())
    case = robust_case(item, reference)
    data = prepare(case, None)
    model = build(data)
    if item.redundant:
        import pyomo.environ as pyo

        model.max_it_again = pyo.Constraint(
            model.S, rule=lambda m, s: sum(m.Cap_IT[s, k] for k in m.K) <= m.max_it_mw[s]
        )
    solver = ModelSolver(model, SolveOptions(strategy=strategy, time_limit=limit))
    solver.load()
    cpu = cpu_seconds()
    outcome = solver.solve(want_duals=True)
    out = {
        "key": key,
        "strategy": strategy,
        "status": outcome.status,
        "objective": outcome.objective,
        "seconds": outcome.seconds,
        "cpu": cpu_seconds() - cpu,
        "iterations": outcome.iterations,
        "duals": len(outcome.duals),
        "phases": [dataclasses.asdict(p) for p in outcome.phases],
        "nonzeros": solver.compiled.nnz,
        "loadavg": os.getloadavg(),
    }
    if strategy == "auto" and outcome.status in ("infeasible", "infeasible_or_unbounded"):
        start = time.perf_counter()
        explanation = explain_infeasibility(data, SolveOptions(time_limit=limit), outcome)
        out["explain_seconds"] = time.perf_counter() - start
        out["explanation"] = explanation["message"]
        out["loadavg_explained"] = os.getloadavg()
    return out


MIP_MILESTONES = (0.01, 0.001, 0.0001)  # gaps [-] whose first CPU time a MILP run records


def mip(start: bool, options_json: str, limit: float, formulation: str, clock: str) -> dict:
    """The default case as a MILP (`dcplan run --mip`): 0.01 % gap asked, `limit` seconds,
    with or without the rounded LP start, raw HiGHS MIP options over the planner's.

    formulation: "tight" (as built) or "plain" (without the per-technology PUE cap
    `m.pue_cap_cooling`, formulation §9). clock: "wall" (the limit is the solve's time
    limit) or "cpu" (the solve is stopped once this process has used `limit` CPU seconds, the
    start included: on a shared machine, the time an idle core would give it; HiGHS's MIP
    search runs on one worker). Records the CPU seconds at which the gap first reached each
    of MIP_MILESTONES, the nodes and the LP iterations."""
    from benchmarks.cases import default_case
    from models.build import BuildOptions, build
    from planner.prepare import prepare
    from planner.solve import ModelSolver, SolveOptions

    data = prepare(default_case(), None)
    model = build(data, BuildOptions(mip=True))
    if formulation == "plain":
        model.pue_cap_cooling.deactivate()
    options = json.loads(options_json)
    wall = limit if clock == "wall" else 10 * limit
    solver = ModelSolver(
        model,
        SolveOptions(time_limit=wall, gap=1e-4, solver_options=options, mip_start=start),
    )
    solver.load()
    cpu = cpu_seconds()
    reached: dict[str, float] = {}

    def watch(event) -> None:
        used = cpu_seconds() - cpu
        gap = event.data_out.mip_gap
        for milestone in MIP_MILESTONES:
            if gap <= milestone and str(milestone) not in reached:
                reached[str(milestone)] = used
        if clock == "cpu" and used > limit:
            event.interrupt()

    assert solver.highs is not None
    solver.highs.cbMipInterrupt.subscribe(watch)
    outcome = solver.solve()
    info = solver.highs.getInfo()
    if outcome.gap is not None:
        for milestone in MIP_MILESTONES:
            if outcome.gap <= milestone and str(milestone) not in reached:
                reached[str(milestone)] = cpu_seconds() - cpu
    lines = outcome.log.splitlines()
    return {
        "start": start,
        "options": options,
        "formulation": formulation,
        "clock": clock,
        "limit": limit,
        "status": outcome.status,
        "objective": outcome.objective,
        "bound": outcome.bound,
        "gap": outcome.gap,
        "seconds": outcome.seconds,
        "cpu": cpu_seconds() - cpu,
        "nodes": int(info.mip_node_count),
        "lp_iterations": int(info.simplex_iteration_count),
        "cpu_to_gap": reached,
        "start_text": next((x for x in lines if x.startswith("MILP start")), ""),
        "loadavg": os.getloadavg(),
    }


def main(argv: list[str]) -> None:
    mode, args = argv[0], argv[1:]
    if mode == "plan":
        emit(plan(args[0], args[1], args[2], args[3]))
    elif mode == "redispatch":
        emit(redispatch(args[0], args[1], args[2], args[3], int(args[4])))
    elif mode == "raw":
        emit(raw(args[0], args[1:]))
    elif mode == "resolve":
        emit(resolve(args[0], args[1], [float(p) for p in args[2].split(",")]))
    elif mode == "paths":
        emit(paths(args[0], args[1]))
    elif mode == "robust_reference":
        emit(robust_reference(args[0]))
    elif mode == "robust":
        emit(robust(args[0], args[1], args[2], float(args[3])))
    elif mode == "mip":
        emit(mip(args[0] == "start", args[1], float(args[2]), args[3], args[4]))
    elif mode == "typical":
        emit(typical(args[0], args[1], int(args[2])))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
