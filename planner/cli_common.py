"""Consoles of the `dcplan` CLI: rich in a terminal, never wrapped or cut outside one.

Outside a terminal (a pipe, a log file, a test runner) rich would lay text out at 80 columns
and split long paths and messages over lines, which breaks `grep` and copy-paste. These
consoles lay text out on one logical line (`soft_wrap`) and give tables as many columns as
their cells need, so every message, path and table cell reaches the output whole.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console, ConsoleDimensions

from planner.inputs.errors import printable

# arguments and options that several commands take, with the same help text
CaseArg = Annotated[Path, typer.Argument(help="Workbook (.xlsx) or folder of CSV files.")]
TimeOpt = Annotated[str | None, typer.Option("--time", help="full | typical:N")]
MipOpt = Annotated[bool, typer.Option(help="MILP mode: site opening, modules.")]
GapOpt = Annotated[float | None, typer.Option(min=0, help="Relative MIP gap.")]
ThreadsOpt = Annotated[int | None, typer.Option(min=0, help="Solver threads.")]

# width given to tables outside a terminal: wide enough that no cell is folded or cut
UNLIMITED_COLUMNS = 100_000


class PlainConsole(Console):
    """A rich Console whose output is never wrapped or cut when it is not a terminal."""

    def __init__(self, stderr: bool = False) -> None:
        super().__init__(stderr=stderr)

    @property
    def size(self) -> ConsoleDimensions:
        """The terminal's size in a terminal; otherwise as wide as the text needs."""
        if self.is_terminal:
            return super().size
        return ConsoleDimensions(UNLIMITED_COLUMNS, super().size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        width, height = new_size
        self._width = width
        self._height = height

    def print(self, *objects, **kwargs) -> None:
        """rich's print; control characters in text are shown escaped (an input or file
        name cannot drive the terminal), and text is left whole outside a terminal."""
        objects = tuple(printable(o, keep="\n\t") if isinstance(o, str) else o for o in objects)
        if not self.is_terminal:
            kwargs.setdefault("soft_wrap", True)
        super().print(*objects, **kwargs)

    def print_json(self, json: str | None = None, *, data: object = None, **kwargs) -> None:
        """rich's print_json in a terminal; elsewhere the JSON text as is (indent 2), without
        highlighting, which takes seconds for thousands of problems."""
        if self.is_terminal:
            super().print_json(json, data=data, **kwargs)
            return
        import json as json_module

        value = json_module.loads(json) if json is not None else data
        self.file.write(json_module.dumps(value, indent=2, ensure_ascii=False) + "\n")
        self.file.flush()


def console(stderr: bool = False) -> Console:
    """A console for messages (stderr=True) or results (stdout)."""
    return PlainConsole(stderr=stderr)


# exit codes of every dcplan command (README lists them)
EXIT_OK, EXIT_INFEASIBLE, EXIT_INPUT, EXIT_LIMIT, EXIT_ENVIRONMENT = 0, 1, 2, 3, 4
THREADS_PER_CPU = 4  # more solver threads than this per CPU only thrash (HiGHS aborts at 99999)


def threads_problem(threads: int | None, cpus: int | None = None) -> str | None:
    """Why a --threads value is refused (None when it is fine): more than THREADS_PER_CPU
    threads per CPU of this machine."""
    if threads is None:
        return None
    cpus = cpus or os.cpu_count() or 1
    limit = THREADS_PER_CPU * cpus
    if threads > limit:
        return (
            f"--threads {threads} is more than {THREADS_PER_CPU} per CPU of this machine "
            f"({cpus} CPUs): give at most {limit}, or 0 to let HiGHS choose"
        )
    return None


def install_signal_handlers() -> None:
    """SIGTERM is handled like SIGINT (Ctrl-C): the run stops, its temporary folder is
    removed, and the exit code is 128 + the signal (143 for SIGTERM, 130 for SIGINT)."""
    from planner.writers import raise_or_defer

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, raise_or_defer)


def interrupted_code(exc: BaseException) -> int:
    """Exit code of an interrupted command; later signals are ignored so that the exit
    cannot turn into a traceback."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    return getattr(exc, "exit_code", 128 + signal.SIGINT)


def signal_name(exc: BaseException) -> str:
    """'SIGTERM' or 'SIGINT': the signal that interrupted a command."""
    signum = getattr(exc, "signum", signal.SIGINT)
    return signal.Signals(signum).name


def fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    """Print one error message on stderr and end the command with `code` (default 2)."""
    import typer
    from rich.markup import escape

    console(stderr=True).print(f"[red]error:[/] {escape(message)}")
    raise typer.Exit(code)


def fail_os(exc: Exception) -> NoReturn:
    """A disk, permission or memory failure is the environment's (exit 4), not bad input."""
    from planner.run import environment_failure

    failure = environment_failure(exc)
    if failure is None:
        fail(str(exc))
    fail(str(failure), EXIT_ENVIRONMENT)
