"""Consoles of the `dcplan` CLI: rich in a terminal, never wrapped or cut outside one.

Outside a terminal (a pipe, a log file, a test runner) rich would lay text out at 80 columns
and split long paths and messages over lines, which breaks `grep` and copy-paste. These
consoles lay text out on one logical line (`soft_wrap`) and give tables as many columns as
their cells need, so every message, path and table cell reaches the output whole.
"""

from __future__ import annotations

from rich.console import Console, ConsoleDimensions

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
        """rich's print; text is soft-wrapped (left whole) outside a terminal."""
        if not self.is_terminal:
            kwargs.setdefault("soft_wrap", True)
        super().print(*objects, **kwargs)


def console(stderr: bool = False) -> Console:
    """A console for messages (stderr=True) or results (stdout)."""
    return PlainConsole(stderr=stderr)
