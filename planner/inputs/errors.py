"""Input problems as values: collected together, turned into text only at the edge (CLI)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputError:
    """One problem in the inputs.

    sheet: sheet (or profile file) name. row: the row number as Excel shows it (header = 1),
    None for a whole sheet. column: header text as the user sees it, None for a whole row.
    severity: 'error' stops the run; 'warning' is reported and the run goes on.
    """

    sheet: str
    row: int | None
    column: str | None
    message: str
    value: object = None
    severity: str = "error"

    def where(self) -> str:
        """'sheet Sites, row 5, column 'lat [deg]'' (a profile file is named as 'file …')."""
        kind = "file" if self.sheet.lower().endswith(".csv") else "sheet"
        parts = [f"{kind} {self.sheet}"]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        shown = "" if self.value is None else f" (value: {self.value!r})"
        return f"{self.severity}: {self.where()}: {self.message}{shown}"

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else str(self.value),
            "message": self.message,
        }


class InputErrors(Exception):
    """Raised by `load_case` when the inputs have errors; carries every problem found."""

    def __init__(self, problems: list[InputError]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} input error(s)")

    @property
    def errors(self) -> list[InputError]:
        return [p for p in self.problems if p.severity == "error"]
