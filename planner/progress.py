"""What the console's status line says while a run works.

`PhaseStatus` turns the run's phase changes (`on_phase`) and progress lines (HiGHS's log while
it solves, the re-dispatch's "site groups done / total") into one short line with the phase's
elapsed time: `solve 42 s · HiGHS: 12345 3.379e+04 Pr: 0(0) 41s`. A ticker refreshes the
elapsed time every second even when the solver is quiet. Nothing here prints: the caller gives
the function that shows a line (rich's status spinner in `dcplan run`), and `--quiet` or
`--json` simply give none.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

DETAIL_CHARS = 90


class PhaseStatus:
    """The status line of a run: `phase(name)` when a phase starts, `progress(text)` for each
    progress line; `show(text)` receives the line to display (at most every `every` seconds
    for progress, at once for a new phase)."""

    def __init__(
        self,
        show: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
        every: float = 0.5,
    ) -> None:
        self._show, self._clock, self._every = show, clock, every
        self.name, self.detail = "", ""
        self._start = self._last = clock()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def phase(self, name: str) -> None:
        with self._lock:
            self.name, self.detail, self._start = name, "", self._clock()
        self.refresh(force=True)

    def progress(self, text: str) -> None:
        line = " ".join(str(text).split())
        if not line:
            return
        detail = line if line.startswith("re-dispatch") else f"HiGHS: {line}"
        with self._lock:
            self.detail = detail[:DETAIL_CHARS]
        self.refresh()

    def line(self) -> str:
        """The line as it stands: phase, elapsed seconds, latest progress."""
        with self._lock:
            elapsed = self._clock() - self._start
            text = f"{self.name} {elapsed:.0f} s" if self.name else f"{elapsed:.0f} s"
            return f"{text} · {self.detail}" if self.detail else f"{text} …"

    def refresh(self, force: bool = False) -> None:
        now = self._clock()
        if not force and now - self._last < self._every:
            return
        self._last = now
        self._show(self.line())

    def __enter__(self) -> PhaseStatus:
        """Refresh the elapsed time every second until the block ends."""

        def tick() -> None:
            while not self._stop.wait(1.0):
                self.refresh(force=True)

        self._ticker = threading.Thread(target=tick, name="dcplan-status", daemon=True)
        self._ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=2.0)
