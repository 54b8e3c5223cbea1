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
) -> None:
    """Compare runs: headline deltas, capacity, routing and inputs → comparison.html/.xlsx."""
    from planner.compare import CompareError, write_comparison
    from planner.writers import OutputError

    try:
        folder = write_comparison(run_dirs, out_dir, overwrite=overwrite)
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
    if as_json:
        out.print_json(json.dumps({"folder": str(folder), **files}))
    else:
        out.print(f"comparison: {files['html']}")
        out.print(f"workbook:   {files['xlsx']}")


def register(app: typer.Typer) -> None:
    """Add the results commands to the `dcplan` app."""
    app.command("compare")(compare)
