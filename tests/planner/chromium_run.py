"""Run headless Chromium for the browser tests, robust to its occasional hang.

Headless Chromium with a virtual-time budget now and then never exits (more often on a busy
machine). `run_chromium` gives each attempt a time limit, kills the whole process group of a
hung attempt (Chromium's renderer and zygote children too), and tries again; only when every
attempt hangs does the test fail, with the last attempt's timeout.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Sequence

ATTEMPT_S = 60
ATTEMPTS = 3


def run_chromium(
    command: Sequence[str], attempt_s: float = ATTEMPT_S, attempts: int = ATTEMPTS
) -> subprocess.CompletedProcess:
    """`command`'s completed process (text output), retried when an attempt hangs."""
    last: subprocess.TimeoutExpired | None = None
    for _ in range(attempts):
        process = subprocess.Popen(
            list(command),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=attempt_s)
        except subprocess.TimeoutExpired as exc:
            last = exc
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            continue
        return subprocess.CompletedProcess(list(command), process.returncode, stdout, stderr)
    assert last is not None
    raise last
