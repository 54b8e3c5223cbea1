"""Input problems as values: collected together, turned into text only at the edge (CLI)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# bidirectional overrides reorder what a terminal shows; like escape sequences they are shown
# escaped, never passed to the terminal
# C0 and C1 control codes (Unicode category Cc: ESC starts ANSI/OSC sequences) and bidi overrides
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def control_characters(text: str, keep: str = "") -> list[str]:
    """The control characters of `text` (ANSI/OSC escapes, BEL, C1 codes, bidi overrides),
    except those in `keep` (e.g. "\\n\\t" for free text)."""
    return [ch for ch in _CONTROL.findall(text) if ch not in keep]


def _escaped(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def printable(text: str, keep: str = "\n") -> str:
    """`text` with every control character (but those in `keep`) written as an escape such
    as \\x1b or \\u202e, so that it reaches a terminal or log as visible text."""
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else _escaped(m.group()), text)


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

    def __post_init__(self) -> None:
        # input text must not reach a terminal raw: control characters are shown escaped
        for name in ("sheet", "column", "message"):
            text = getattr(self, name)
            if isinstance(text, str):
                object.__setattr__(self, name, printable(text))
        if isinstance(self.value, str):
            object.__setattr__(self, "value", printable(self.value, keep=""))

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
