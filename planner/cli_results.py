"""`dcplan compare`: compare results folders (registered into `planner.cli` by `register`).

Exit codes: 0 written, 2 bad input (2 to 20 folders, each intact against its manifest).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from planner.cli_common import EXIT_ENVIRONMENT
from planner.cli_common import console as console_for

EXIT_INPUT = 2
console = console_for(stderr=True)
out = console_for()


def compare(
    run_dirs: Annotated[list[Path], typer.Argument(help="2 to 20 results folders.")],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Output folder (default results/compare-<timestamp>)."),
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing --out folder.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    label: Annotated[
        list[str] | None,
        typer.Option("--label", help="NAME=RUN_DIR: the name a run is shown by (repeatable)."),
    ] = None,
) -> None:
    """Compare runs: headline deltas, capacity, routing and inputs → comparison.html/.xlsx."""
    from planner.compare import CompareError, compare, headline_deltas, write_compared
    from planner.writers import OutputError

    try:
        comparison = compare(run_dirs, label or [])
        folder = write_compared(comparison, out_dir, overwrite=overwrite)
    except CompareError as exc:
        if as_json:
            out.print_json(json.dumps({"error": exc.problems}))
        else:
            for problem in exc.problems:
                console.print(f"[red]error:[/] {escape(str(problem))}")
        raise typer.Exit(EXIT_INPUT) from None
    except (FileExistsError, OutputError, OSError, MemoryError) as exc:
        from planner.run import environment_failure

        failure = environment_failure(exc)
        code = EXIT_INPUT if failure is None else EXIT_ENVIRONMENT
        text = str(exc if failure is None else failure)
        if as_json:
            out.print_json(json.dumps({"error": [text]}))
        else:
            console.print(f"[red]error:[/] {escape(text)}")
        raise typer.Exit(code) from None
    files = {"html": str(folder / "comparison.html"), "xlsx": str(folder / "comparison.xlsx")}
    deltas = headline_deltas(comparison)
    if as_json:
        payload = {"folder": str(folder), **files, "labels": comparison.labels, "headline": deltas}
        out.print_json(json.dumps(payload))
        return
    _print_deltas(comparison.labels, deltas)
    out.print(f"comparison: {files['html']}", soft_wrap=True)
    out.print(f"workbook:   {files['xlsx']}", soft_wrap=True)


def _print_deltas(labels: list[str], deltas: list[dict]) -> None:
    """The headline figures that changed, against the first run, coloured by meaning."""
    from rich.table import Table

    from planner.compare import delta_text, headline_decimals

    if not deltas:
        out.print(f"no headline figure differs from {escape(labels[0])}", soft_wrap=True)
        return
    table = Table(title=f"headline deltas against {escape(labels[0])}")
    table.add_column("figure", overflow="fold")
    table.add_column(escape(labels[0]), justify="right", overflow="fold")
    for name in labels[1:]:
        table.add_column(f"Δ {escape(name)}", justify="right", overflow="fold")
    style = {"better": "green", "worse": "red"}
    for d in deltas:
        decimals = headline_decimals(d["figure"], d["unit"])
        first = d["values"][labels[0]]
        shown = "–" if first is None else f"{first:,.{decimals}f}"
        cells = [f"{escape(d['label'])} [{escape(d['unit'])}]", shown]
        for name in labels[1:]:
            value = d["deltas"].get(name)
            if value is None:
                cells.append("–")
                continue
            text = delta_text(value, None, d["unit"], decimals)
            colour = style.get(d["meaning"].get(name) or "")
            cells.append(f"[{colour}]{text}[/]" if colour else text)
        table.add_row(*cells)
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add the results commands to the `dcplan` app."""
    app.command("compare")(compare)
