"""Input commands of the CLI: `dcplan template DIR`, `dcplan convert CASE --to xlsx|csv`.

Registered by `planner.cli` through `register(app)`. Problems are printed as one message and
exit code 2 (bad input), never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from planner.cli_common import CaseArg, fail, fail_os
from planner.cli_common import console as console_for

_out = console_for()


def template(
    folder: Annotated[Path, typer.Argument(help="Folder to write the workbook into.")],
    name: Annotated[str, typer.Option(help="File name of the workbook.")] = "case.xlsx",
    overwrite: Annotated[bool, typer.Option(help="Replace an existing workbook.")] = False,
    example: Annotated[
        bool,
        typer.Option(
            help="Write a small two-site case with its profiles that validates and runs as "
            "written (example.xlsx unless --name is given)."
        ),
    ] = False,
) -> None:
    """Write an empty, documented input workbook (headers with units, one example row each,
    a README sheet explaining every sheet and column), or with --example a small case that
    runs as written."""
    from planner.example_case import EXAMPLE_NAME, write_example
    from planner.inputs.template import TEMPLATE_NAME, write_template

    try:
        if example:
            path = write_example(folder, EXAMPLE_NAME if name == TEMPLATE_NAME else name, overwrite)
        else:
            path = write_template(folder, name, overwrite)
    except (FileExistsError, ValueError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail_os(exc)
    _out.print(escape(str(path)))
    if example:
        _out.print(escape(f"run it with: dcplan run {path}"))


def convert(
    case: CaseArg,
    to: Annotated[str, typer.Option("--to", help="Target form: xlsx or csv.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Target path (default: beside the case).")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace existing files.")] = False,
) -> None:
    """Convert a case between a workbook and a CSV folder (lossless; profile files are copied
    beside the new case when it lands in another folder)."""
    from planner.inputs.convert import ConvertError
    from planner.inputs.convert import convert as run_convert
    from planner.inputs.tables import CaseReadError

    try:
        result = run_convert(case, to.strip().lower(), out, overwrite)
    except (CaseReadError, ConvertError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail_os(exc)
    _out.print(escape(str(result.path)))
    for path in result.copied:
        _out.print(f"  copied profile {escape(str(path))}")


def register(app: typer.Typer) -> None:
    """Add the input commands to the `dcplan` app."""
    app.command("template")(template)
    app.command("convert")(convert)
