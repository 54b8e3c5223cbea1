"""Sweep commands of the CLI: `dcplan sweep CASE --vary …` and `dcplan pareto CASE …`.

Registered by `planner.cli` through `register(app)`. Bad arguments or inputs are printed as
messages with exit code 2, never a traceback. A finished sweep exits 0 when every point has a
solution, 1 when some point is infeasible or unbounded, 3 when some point failed (each is
recorded in sweep.csv with its reason).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from planner.cli_common import (
    EXIT_ENVIRONMENT,
    CaseArg,
    GapOpt,
    MipOpt,
    ThreadsOpt,
    TimeOpt,
    interrupted_code,
    signal_name,
    threads_problem,
)
from planner.cli_common import console as console_for

EXIT_INPUT = 2
_console = console_for(stderr=True)
_out = console_for()

DEFAULT_CASE = Path("inputs/china_east_west.xlsx")


def _fail(lines: list[str], as_json: bool = False, code: int = EXIT_INPUT) -> None:
    if as_json:
        _out.print_json(json.dumps({"errors": lines}))
    else:
        for line in lines:
            _console.print(f"[red]error:[/] {escape(line)}")
    raise typer.Exit(code)


def _input_problem_lines(exc: Exception) -> list[str]:
    from planner.inputs.errors import InputErrors

    if isinstance(exc, InputErrors):
        return [str(p) for p in exc.errors] or [str(exc)]
    problems = getattr(exc, "problems", None)
    if isinstance(problems, list) and problems:
        return [str(p) for p in problems]
    return [str(exc)]


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
        console=_console,
    )


def _stop(progress: Progress | None) -> None:
    """Stop the live progress display, if one is shown, before printing anything else."""
    if progress is not None:
        progress.stop()


def _check_out_dir(out_dir: Path | None, marker: str, case: Path, as_json: bool) -> None:
    """Refuse an --out folder that holds something other than this collection (`marker`:
    the file that marks one, e.g. sweep.json), before anything is solved."""
    if out_dir is None:
        return
    from planner.writers import OutputError, check_collection_target

    try:
        check_collection_target(out_dir, marker, inputs=[case])
    except OutputError as exc:
        _fail([str(exc)], as_json)


def _fmt(value: object, digits: str = ",.1f", factor: float = 1.0) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    try:
        return format(float(value) * factor, digits)
    except (TypeError, ValueError):
        return str(value)


def sweep(
    case: CaseArg = DEFAULT_CASE,
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            help="PARAM=v1,v2,… (repeatable). PARAM: a Settings/Policy key (carbon_price), "
            "Sheet.key, or Sheet.row.column (Sites.zhongwei.grid_price). A value start:stop:step "
            "expands to a range; 'blank' switches an optional input off.",
        ),
    ] = None,
    zipped: Annotated[
        bool, typer.Option("--zip", help="Pair the lists (i-th values together), no grid.")
    ] = False,
    scenario: Annotated[str | None, typer.Option(help="Base scenario of every point.")] = None,
    time: TimeOpt = None,
    mip: MipOpt = False,
    time_limit: Annotated[
        float | None, typer.Option(min=0, help="Solver time limit per point, in seconds.")
    ] = None,
    gap: GapOpt = None,
    threads: Annotated[int | None, typer.Option(min=0, help="Solver threads per point.")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Solve points in N local worker processes (Dask).")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Address of a running Dask scheduler (tcp://host:8786)."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Sweep folder (default results/<case>-<scenario>-sweep-<hash>; running the "
            "same sweep again resumes it).",
        ),
    ] = None,
    reuse: Annotated[
        bool,
        typer.Option(help="Re-use a built model across points when only parameters change."),
    ] = True,
    quiet: Annotated[bool, typer.Option(help="Print only the sweep folder.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the sweep table as JSON.")] = False,
) -> None:
    """Solve the case for every combination of the varied inputs: one results folder per
    point, sweep.csv and sweep.html with trade-off charts."""
    from planner.inputs.errors import InputErrors
    from planner.inputs.tables import CaseReadError
    from planner.params import ParameterError
    from planner.sweep import SweepInputError, SweepOptions, run_sweep

    if threads_problem(threads):
        _fail([threads_problem(threads)], as_json)
    logging.basicConfig(level=logging.WARNING)
    options = SweepOptions(
        scenario=scenario,
        time=time,
        mip=mip,
        time_limit=time_limit,
        gap=gap,
        threads=threads,
        reuse=reuse,
    )
    show = not (quiet or as_json)
    progress = _progress() if show else None
    task = None

    def on_event(kind: str, done: int, total: int, row: dict | None) -> None:
        nonlocal task
        if progress is None:
            return
        if task is None:
            task = progress.add_task("points", total=total, last="")
        last = ""
        if row is not None:
            state = "resumed" if kind == "skip" else row.get("status", "")
            last = f"point {row.get('point')}: {state}"
        progress.update(task, completed=done, last=escape(last))

    _check_out_dir(out_dir, "sweep.json", case, as_json)
    try:
        if progress is not None:
            progress.start()
        report = run_sweep(
            case,
            vary or [],
            options,
            out=out_dir,
            zipped=zipped,
            workers=workers,
            scheduler=scheduler,
            on_event=on_event,
            command=" ".join(sys.argv),
        )
    except (InputErrors, CaseReadError, SweepInputError, ParameterError) as exc:
        _stop(progress)
        _fail(_input_problem_lines(exc), as_json)
    except (OSError, TimeoutError, MemoryError) as exc:
        _stop(progress)
        from planner.run import environment_failure

        failure = environment_failure(exc)
        if failure is not None:
            _fail([str(failure)], as_json, EXIT_ENVIRONMENT)
        where = f"scheduler {scheduler}" if scheduler else "the worker processes"
        _fail([f"cannot run the sweep on {where}: {exc}"], as_json)
    except KeyboardInterrupt as exc:
        _stop(progress)
        code = interrupted_code(exc)
        _console.print(
            f"[yellow]interrupted ({signal_name(exc)}):[/] finished points are kept; run the "
            "same command to resume"
        )
        raise typer.Exit(code) from None
    _stop(progress)
    table = report.table
    if as_json:
        _out.print_json(
            json.dumps(
                {
                    "folder": str(report.folder),
                    "exit_code": report.exit_code,
                    "solved": report.solved,
                    "skipped": report.skipped,
                    "failed": report.failed,
                    "seconds": report.seconds,
                    "points": json.loads(table.to_json(orient="records")),
                }
            )
        )
    elif quiet:
        _out.print(escape(str(report.folder)))
    else:
        _out.print(_sweep_table(table, [label for label, *_ in report.points[0].settings]))
        for _, row in table[table["reason"].fillna("").astype(str) != ""].iterrows():
            _console.print(f"[red]point {row['point']}:[/] {escape(str(row['reason']))}")
        _out.print(
            f"{report.solved} solved, {report.skipped} resumed, {report.failed} without a "
            f"solution, {report.seconds:.1f} s"
        )
        _out.print(f"table: {escape(str(report.folder / 'sweep.csv'))}")
        _out.print(f"charts: {escape(str(report.folder / 'sweep.html'))}")
    raise typer.Exit(report.exit_code)


def _sweep_table(table, labels: list[str]) -> Table:
    view = Table(title="sweep")
    for column in ("point", *labels, "status"):
        view.add_column(escape(column))
    for column in ("cost [M yuan/yr]", "emissions [kt]", "west [%]", "green [%]", "PUE"):
        view.add_column(escape(column), justify="right")
    for _, row in table.iterrows():
        view.add_row(
            str(row["point"]),
            *(
                escape(_fmt(row[label], "g") if _number(row[label]) else str(row[label]))
                for label in labels
            ),
            escape(str(row["status"])),
            _fmt(row["objective_myuan"]),
            _fmt(row["emissions_t"], factor=1e-3),
            _fmt(row["west_share"], factor=100),
            _fmt(row["green_share"], factor=100),
            _fmt(row["pue_avg"], ".3f"),
        )
    return view


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def pareto(
    case: CaseArg = DEFAULT_CASE,
    objectives: Annotated[
        str,
        typer.Option(
            help="cost,emissions, cost,water, or cost,cfe (hourly CFE targets from 60% to 100%, "
            "next to the annual green share at the same levels)."
        ),
    ] = "cost,emissions",
    points: Annotated[
        int,
        typer.Option(help="Points on the front, both ends included (cost,cfe: levels per ladder)."),
    ] = 8,
    scenario: Annotated[str | None, typer.Option(help="Scenario name.")] = None,
    time: TimeOpt = None,
    time_limit: Annotated[
        float | None, typer.Option(min=0, help="Solver time limit per solve, in seconds.")
    ] = None,
    threads: ThreadsOpt = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Output folder.")] = None,
    write_points: Annotated[
        bool, typer.Option(help="Write a results folder for each point of the front.")
    ] = True,
    quiet: Annotated[bool, typer.Option(help="Print only the output folder.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the front as JSON.")] = False,
) -> None:
    """Epsilon-constraint Pareto front: least annual cost for a ladder of caps between the
    least-cost and the least-emissions (or least-water) plans; pareto.csv and pareto.html."""
    from planner.inputs.errors import InputErrors
    from planner.inputs.tables import CaseReadError
    from planner.pareto import ParetoOptions, parse_objectives, run_pareto

    logging.basicConfig(level=logging.WARNING)
    try:
        secondary = parse_objectives(objectives)
        if points < 2:
            raise ValueError(f"--points must be at least 2, not {points}")
        if threads_problem(threads):
            raise ValueError(threads_problem(threads))
    except ValueError as exc:
        _fail([str(exc)], as_json)
    options = ParetoOptions(
        secondary=secondary,
        points=points,
        scenario=scenario,
        time=time,
        time_limit=time_limit,
        threads=threads,
    )
    show = not (quiet or as_json)
    progress = _progress() if show else None
    solves = 1 + 2 * points if secondary == "cfe" else points + 1
    task = progress.add_task("solves", total=solves, last="") if progress else None

    def on_point(label: str, done: int, total: int) -> None:
        if progress is not None and task is not None:
            progress.update(task, completed=done, last=escape(label))

    _check_out_dir(out_dir, "pareto.csv", case, as_json)
    try:
        if progress is not None:
            progress.start()
        report = run_pareto(
            case,
            options,
            out=out_dir,
            write_points=write_points,
            on_point=on_point,
            command=" ".join(sys.argv),
        )
    except (InputErrors, CaseReadError, ValueError, FileExistsError) as exc:
        _stop(progress)
        _fail(_input_problem_lines(exc), as_json)
    except (OSError, MemoryError) as exc:
        _stop(progress)
        from planner.run import environment_failure

        failure = environment_failure(exc)
        if failure is None:
            _fail([str(exc)], as_json)
        _fail([str(failure)], as_json, EXIT_ENVIRONMENT)
    except KeyboardInterrupt as exc:
        _stop(progress)
        code = interrupted_code(exc)
        _console.print(f"[yellow]interrupted ({signal_name(exc)})[/]")
        raise typer.Exit(code) from None
    _stop(progress)
    table = report.table
    objective = report.result.secondary
    if as_json:
        _out.print_json(
            json.dumps(
                {
                    "folder": str(report.folder),
                    "exit_code": report.exit_code,
                    "points": json.loads(table.to_json(orient="records")),
                }
            )
        )
    elif quiet:
        _out.print(escape(str(report.folder)))
    elif objective.name == "cfe":
        _out.print(_cfe_view(table))
        _out.print(f"table: {escape(str(report.folder / 'pareto.csv'))}")
        _out.print(f"charts: {escape(str(report.folder / 'pareto.html'))}")
    else:
        view = Table(title=f"Pareto front: cost vs {objective.name}")
        for column in (
            "point",
            "kind",
            "cost [M yuan/yr]",
            "emissions [kt]",
            "water [million m3]",
            f"shadow price [{objective.price_unit}]",
            "status",
        ):
            view.add_column(escape(column))
        for _, row in table.iterrows():
            view.add_row(
                str(row["point"]) + (" (knee)" if row["knee"] else ""),
                escape(str(row["kind"])),
                _fmt(row["cost_myuan"]),
                _fmt(row["emissions_t"], factor=1e-3),
                _fmt(row["water_m3"], ".2f", factor=1e-6),
                _fmt(row[objective.price_column], ",.0f"),
                escape(str(row["status"])),
            )
        _out.print(view)
        _out.print(f"table: {escape(str(report.folder / 'pareto.csv'))}")
        _out.print(f"charts: {escape(str(report.folder / 'pareto.html'))}")
    raise typer.Exit(report.exit_code)


def _cfe_view(table) -> Table:
    """The CFE axis on the console: each solve's target, cost and both claims."""
    view = Table(title="Cost of clean-energy claims: hourly CFE vs annual green share")
    for column in ("point", "target", "level [%]", "status"):
        view.add_column(escape(column))
    for column in ("cost [M yuan/yr]", "CFE [%]", "annual green [%]", "shadow [yuan/MWh]"):
        view.add_column(escape(column), justify="right")
    for _, row in table.iterrows():
        view.add_row(
            str(row["point"]) + (" (knee)" if row["knee"] else ""),
            escape(str(row["kind"]).replace("_", " ")),
            _fmt(row["level"], ".0f", factor=100),
            escape(str(row["status"])),
            _fmt(row["cost_myuan"]),
            _fmt(row["cfe_score"], factor=100),
            _fmt(row["certified_green_share"], factor=100),
            _fmt(row["shadow_price_yuan_per_mwh"], ",.0f"),
        )
    return view


def register(app: typer.Typer) -> None:
    """Add `sweep` and `pareto` to the dcplan CLI."""
    app.command("sweep")(sweep)
    app.command("pareto")(pareto)
