"""The `dcplan` command line (also `python -m planner`).

Exit codes: 0 solved, 1 infeasible or unbounded (with the explanation), 2 bad input (also a
bad --out), 3 solver limit reached without a solution, 4 the environment failed (disk full,
permission denied, out of memory, solver crash; the message names the path or resource),
130 / 143 interrupted by SIGINT / SIGTERM. Errors are printed as messages, never tracebacks.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from planner.cli_common import (
    EXIT_ENVIRONMENT,
    CaseArg,
    GapOpt,
    MipOpt,
    ThreadsOpt,
    TimeOpt,
    install_signal_handlers,
    interrupted_code,
    signal_name,
    threads_problem,
)
from planner.cli_common import console as console_for
from planner.inputs.errors import InputError, InputErrors
from planner.inputs.tables import CaseReadError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="dcplan: plan green data centres for East Data, West Computing.",
)
console = console_for(stderr=True)
out = console_for()

DEFAULT_CASE = Path("inputs/china_east_west.xlsx")
EXIT_OK, EXIT_INFEASIBLE, EXIT_INPUT, EXIT_LIMIT = 0, 1, 2, 3  # 4: EXIT_ENVIRONMENT
STATUS_MESSAGES = {
    "unbounded": "the cost can fall without limit: a negative cost or subsidy without a cap "
    "(check negative prices, voucher budgets and capacity limits left blank)",
    "infeasible_or_unbounded": "HiGHS could not tell infeasible from unbounded; run again "
    "with allow_unserved set to true to see which demand cannot be served",
    "no_solution": "solver limit reached without a feasible solution: raise --time-limit or "
    "use fewer typical days (--time typical:N)",
    "error": "the solver stopped with an error (numerical trouble): check extreme input values "
    "(very large or very small costs and limits); the solver log is in run.log",
    "interrupted": "the solve was interrupted before a solution was found",
}


MAX_PROBLEMS_SHOWN = 200  # problems printed as a table; --json lists every one


def _print_problems(problems: list[InputError], as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps([p.as_dict() for p in problems]))
        return
    errors = [p for p in problems if p.severity == "error"]
    shown = problems[:MAX_PROBLEMS_SHOWN]
    table = Table(title=f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    for col in ("", "sheet", "row", "column", "value", "problem"):
        table.add_column(col, overflow="fold")
    for p in shown:
        table.add_row(
            "[red]error[/]" if p.severity == "error" else "[yellow]warning[/]",
            escape(p.sheet),
            "" if p.row is None else str(p.row),
            escape(p.column or ""),
            "" if p.value is None else escape(str(p.value)),
            escape(p.message),
        )
    console.print(table)
    if len(problems) > len(shown):
        console.print(
            f"… and {len(problems) - len(shown)} more problem(s) not shown (the first "
            f"{len(shown)} are above; --json lists all {len(problems)})"
        )


def _fail_input(exc: Exception, as_json: bool) -> None:
    if isinstance(exc, InputErrors):
        _print_problems(exc.problems, as_json)
    else:
        text = str(exc)
        if isinstance(exc, OSError) and exc.filename and exc.strerror:
            text = f"{exc.filename}: {exc.strerror}"
        if as_json:
            out.print_json(json.dumps({"error": text}))
        else:
            console.print(f"[red]error:[/] {escape(text)}")
    raise typer.Exit(EXIT_INPUT)


def _fail_environment(exc: BaseException, as_json: bool) -> None:
    """Print an environment failure (disk, permission, memory, solver) and exit 4."""
    text = str(exc)
    if as_json:
        out.print_json(json.dumps({"error": text, "kind": "environment"}))
    else:
        console.print(f"[red]error (environment):[/] {escape(text)}")
    raise typer.Exit(EXIT_ENVIRONMENT)


def _summary_table(summary: dict) -> Table:
    table = Table(
        title=f"{summary.get('case')} / {summary.get('scenario')} "
        f"({summary.get('time')}): {summary.get('status')}"
    )
    table.add_column("figure")
    table.add_column("value", justify="right")
    rows = [
        ("annual cost [M yuan/yr]", summary.get("objective_myuan"), "{:,.1f}"),
        ("emissions [kt CO2/yr]", _scale(summary.get("emissions_t"), 1e-3), "{:,.1f}"),
        ("green share [%]", _scale(summary.get("green_share"), 100), "{:.1f}"),
        ("hourly CFE score [%]", _scale(summary.get("cfe_score"), 100), "{:.1f}"),
        ("compute served in the west [%]", _scale(summary.get("west_share"), 100), "{:.1f}"),
        ("average PUE [-]", summary.get("pue_avg"), "{:.3f}"),
        ("water [million m3/yr]", _scale(summary.get("water_m3"), 1e-6), "{:.2f}"),
        ("IT capacity built [MW]", summary.get("it_capacity_mw"), "{:,.0f}"),
        ("PV / wind built [MW]", None, ""),
        ("unserved demand [MW]", summary.get("unserved_mw"), "{:,.1f}"),
    ]
    for label, value, fmt in rows:
        label = escape(label)
        if label.startswith("PV / wind"):
            pv, wind = summary.get("pv_mw"), summary.get("wind_mw")
            if pv is not None:
                table.add_row(label, f"{pv:,.0f} / {wind:,.0f}")
            continue
        table.add_row(label, "" if value is None else fmt.format(value))
    return table


def _scale(value, factor):
    return None if value is None else value * factor


@app.command()
def run(
    case: CaseArg = DEFAULT_CASE,
    scenario: Annotated[
        str | None, typer.Option(help="Scenario name from the Scenarios sheet.")
    ] = None,
    time: TimeOpt = None,
    mip: MipOpt = False,
    time_limit: Annotated[
        float | None, typer.Option(min=0, help="Solver time limit (seconds).")
    ] = None,
    gap: GapOpt = None,
    threads: ThreadsOpt = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Results folder.")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing --out folder.")] = False,
    quiet: Annotated[bool, typer.Option(help="Print only the results path.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    hold_full_year: Annotated[
        bool,
        typer.Option(
            "--hold-full-year",
            help="Re-dispatch over the full year and tighten each target it breaks on the "
            "typical days by the shortfall, re-solving until the full year holds.",
        ),
    ] = False,
    hold_rounds: Annotated[
        int, typer.Option(min=1, help="At most this many tightenings with --hold-full-year.")
    ] = 4,
    redispatch: Annotated[
        bool,
        typer.Option(
            help="Also dispatch the plan's capacities over the full 8760 h (one LP per site, "
            "in parallel) and report the typical-day error: about a minute for the default case."
        ),
    ] = False,
) -> None:
    """Solve a case and write a results folder with report.html."""
    from planner.run import EnvironmentFailure, RunOptions, environment_failure
    from planner.run import run as run_case
    from planner.timeseries import parse_time_option
    from planner.writers import OutputError

    if time is not None:
        try:
            parse_time_option(time)
        except ValueError as exc:
            _fail_input(exc, as_json)
    problem = threads_problem(threads)
    if problem:
        _fail_input(ValueError(problem), as_json)
    from planner.progress import PhaseStatus

    logging.basicConfig(level=logging.WARNING)
    show = not (quiet or as_json)
    try:
        with console.status("reading inputs", spinner="dots") if show else _Null() as status:
            # phase, elapsed seconds and the solver's latest progress line (nothing when quiet)
            line = PhaseStatus(status.update) if status is not None else None
            options = RunOptions(
                scenario=scenario,
                time=time,
                mip=mip,
                time_limit=time_limit,
                gap=gap,
                threads=threads,
                redispatch=redispatch or hold_full_year,
                hold_full_year=hold_full_year,
                hold_rounds=hold_rounds,
                progress=line.progress if line is not None else None,
            )
            with line if line is not None else _Null():
                record = run_case(
                    case,
                    options,
                    out_dir,
                    overwrite,
                    line.phase if line is not None else _no_phase,
                    command=" ".join(sys.argv),
                )
    except (InputErrors, CaseReadError, OutputError, FileExistsError) as exc:
        _fail_input(exc, as_json)
    except (OSError, MemoryError, EnvironmentFailure) as exc:
        failure = environment_failure(exc)
        if failure is None:  # a path given wrong (no such folder, not a folder)
            _fail_input(exc, as_json)
        _fail_environment(failure, as_json)
    except KeyboardInterrupt as exc:
        code = interrupted_code(exc)
        console.print(
            f"[yellow]interrupted ({signal_name(exc)}):[/] no half-written results folder is left"
        )
        raise typer.Exit(code) from None
    summary = json.loads((record.folder / "summary.json").read_text(encoding="utf-8"))
    manifest = json.loads((record.folder / "manifest.json").read_text(encoding="utf-8"))
    code = record.exit_code
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "folder": str(record.folder),
                    "exit_code": code,
                    "summary": summary,
                    "timings_s": manifest["timings_s"],
                }
            )
        )
    elif quiet:
        out.print(str(record.folder))
    else:
        for warning in record.solved.case.warnings:
            console.print(f"[yellow]{escape(str(warning))}[/]")
        if summary.get("objective_myuan") is not None:
            out.print(_summary_table(summary))
        if manifest.get("options", {}).get("mip"):
            from planner.solve import mip_text

            line = mip_text(manifest.get("solver", {}))
            if line:
                out.print(escape(line))
        for r in summary.get("hold_full_year") or []:
            out.print(_hold_line(r))
        if summary.get("redispatch"):
            out.print(_full_year_line(summary["redispatch"]))
        elif redispatch and summary.get("time") == "full":
            out.print("full-year re-dispatch: not needed, the plan was solved over the full year")
        explanation = summary.get("explanation")
        if explanation:
            console.print(f"[red]{summary['status']}:[/] {escape(explanation.get('message', ''))}")
            for line in explanation.get("conflicts", []):
                console.print(f"  - {escape(line)}")
        elif summary.get("status") in STATUS_MESSAGES:
            console.print(f"[red]{summary['status']}:[/] {STATUS_MESSAGES[summary['status']]}")
        times = ", ".join(f"{k} {v:.1f} s" for k, v in manifest["timings_s"].items())
        out.print(f"timings: {times}")
        out.print(f"report: {record.folder / 'report.html'}")
    _exit(code)


def _hold_line(r: dict) -> str:
    """One round of --hold-full-year: costs, the largest shortfall and the rows broken."""
    line = (
        f"hold round {r['round']}: {r['status']}, plan {r['plan_cost_myuan']:,.1f} M yuan/yr, "
        f"full year {r['annual_cost_myuan']:,.1f}, shortfall {r['shortfall_relative']:.3%}"
    )
    if r.get("broken"):
        line += f" ({escape(str(r['broken']))})"
    return line


def _full_year_line(total: dict) -> str:
    """One line: the plan's full-year re-dispatch against its typical-day objective."""
    if total.get("annual_cost_myuan") is None:
        return f"full-year re-dispatch: {total.get('status')} (no annual cost)"
    line = (
        f"full-year re-dispatch: {total['annual_cost_myuan']:,.1f} M yuan/yr against the plan's "
        f"{total['plan_cost_myuan']:,.1f} (typical-day error {total['cost_error_pct']:+.2f}%)"
    )
    emissions, planned = total.get("emissions_t"), total.get("plan_emissions_t")
    if emissions is not None and planned:
        line += (
            f"; emissions {emissions / 1e3:,.1f} kt against {planned / 1e3:,.1f} "
            f"({100 * (emissions - planned) / planned:+.1f}%)"
        )
    share, plan_share = total.get("green_share"), total.get("plan_green_share")
    if share is not None and plan_share is not None and share == share:
        line += f"; green share {share:.1%} against {plan_share:.1%}"
    cfe, plan_cfe = total.get("cfe_score"), total.get("plan_cfe_score")
    if cfe is not None and plan_cfe is not None and cfe == cfe:
        line += f"; hourly CFE {cfe:.1%} against {plan_cfe:.1%}"
    broken = total.get("broken_limits")
    if broken:
        lines = [f"  - {escape(str(b['sentence']))}" for b in broken]
        line += "; limits broken over the full year:\n" + "\n".join(lines)
    elif total.get("relaxed"):
        line += f"; limits broken over the full year: {escape(str(total['relaxed']))}"
    return line


class _Null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _no_phase(_: str) -> None:
    return None


@app.command()
def validate(
    case: Annotated[Path, typer.Argument(help="Workbook or CSV folder.")] = DEFAULT_CASE,
    scenario: Annotated[str | None, typer.Option(help="Check one scenario only.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check a case (and every scenario): every problem at once; exit 2 on errors."""
    from planner.inputs.check import check_case

    try:
        problems = check_case(case, scenario)
    except CaseReadError as exc:
        _fail_input(exc, as_json)
    errors = [p for p in problems if p.severity == "error"]
    if problems:
        _print_problems(problems, as_json)
    elif as_json:
        out.print_json("[]")
    if errors:
        raise typer.Exit(EXIT_INPUT)
    if not as_json:
        out.print(f"[green]{case}: no errors[/]")


@app.command()
def scenarios(case: Annotated[Path, typer.Argument()] = DEFAULT_CASE) -> None:
    """List the scenarios of a case and what each changes."""
    from planner.inputs.scenarios import scenario_rows
    from planner.inputs.tables import read_tables

    try:
        rows = scenario_rows(read_tables(case))
    except CaseReadError as exc:
        _fail_input(exc, False)
    table = Table(title=f"scenarios of {case}")
    for col in ("scenario", "sheet", "key", "column", "value", "note"):
        table.add_column(col)
    for _, r in rows.iterrows():
        table.add_row(
            *[
                "" if r[c] is None else str(r[c])
                for c in ("scenario", "sheet", "key", "column", "value", "note")
            ]
        )
    out.print(table)


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="A results folder.")],
    site: Annotated[str | None, typer.Option(help="Site for the dispatch charts.")] = None,
) -> None:
    """Rebuild report.html of a results folder from its saved files (no solve)."""
    from planner.report import write_report
    from planner.writers import verify_manifest

    problems = verify_manifest(run_dir)
    if problems:
        for p in problems:
            console.print(f"[red]error:[/] {escape(p)}")
        raise typer.Exit(EXIT_INPUT)
    if site is not None:
        problem = _unknown_site(run_dir, site)
        if problem:  # checked before writing: the existing report.html stays as it is
            console.print(f"[red]error:[/] {escape(problem)}")
            raise typer.Exit(EXIT_INPUT)
    try:
        path = write_report(run_dir, site=site)
    except (OSError, MemoryError) as exc:
        from planner.run import environment_failure

        failure = environment_failure(exc)
        if failure is None:
            _fail_input(exc, False)
        _fail_environment(failure, False)
    out.print(f"report: {escape(str(path))}")


def _unknown_site(run_dir: Path, site: str) -> str | None:
    """Why --site names no site with hourly results in the folder (with a did-you-mean)."""
    import difflib

    from planner.report import load_run

    run = load_run(run_dir)
    hourly = run.table("hourly")
    frame = hourly if "site" in hourly else run.table("sites")
    known = sorted({str(s) for s in frame["site"]}) if "site" in frame else []
    if site in known:
        return None
    close = difflib.get_close_matches(site, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    listed = ", ".join(known) if known else "none (the run has no hourly results)"
    return f"--site {site}: no such site in {run_dir}{hint}; sites: {listed}"


def _register_command_modules() -> None:
    """Command groups live in their own modules (`planner/cli_<area>.py`, each with
    `register(app)`), so the CLI file stays small and areas stay independent."""
    import importlib
    import importlib.util

    for area in ("inputs", "results", "sweeps", "profiles"):
        name = f"planner.cli_{area}"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).register(app)


_register_command_modules()


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out.print(f"dcplan {version('dcplan')}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """dcplan: plan green data centres for East Data, West Computing."""


# True when this module runs as the `dcplan` process (main), not inside a caller such as a test
_OWN_PROCESS = False


def _exit(code: int) -> None:
    """End a command. In the `dcplan` process itself, once every file is written and the
    output flushed, exit without freeing the solved model object by object (Python's teardown
    of a Pyomo model takes about a second of `make run`); elsewhere raise typer.Exit."""
    if _OWN_PROCESS:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise typer.Exit(code)


def main() -> None:
    """Entry point of the `dcplan` command."""
    global _OWN_PROCESS
    _OWN_PROCESS = True
    install_signal_handlers()
    if not (sys.stdout.isatty() and sys.stderr.isatty()):
        # click's plain usage errors: typer's rich panels are cut at 80 columns in a pipe
        app.rich_markup_mode = None
    app()


if __name__ == "__main__":
    main()
