"""Signals and killed runs, in real `dcplan` processes.

SIGTERM is handled like SIGINT: the run stops, nothing half-written is left, the exit code is
128 + the signal (143, 130). A run killed with SIGKILL leaves its temporary folder; the next run
into the same parent removes it once the process is gone (and restores a folder that was set
aside for replacement but never replaced).

To signal a process at a known point, not after a guessed delay, each run goes through a small
launcher that makes one phase (the solve, or the report, written last into the temporary
folder) announce itself in a marker file and wait; the test sends the signal once the marker
exists. Everything else is the real `dcplan` entry point with its own signal handlers.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from planner.synthetic import case_tables, near_far_pair, write_case
from planner.writers import MANIFEST, TEMP_PREFIX

LAUNCHER = """
import sys, time
from pathlib import Path

marker, phase, *args = sys.argv[1:]


def wait_here(*_args, **_kwargs):
    Path(marker).write_text("waiting", encoding="utf-8")
    while True:
        time.sleep(0.05)  # until the test's signal arrives


if phase == "solve":
    import planner.run
    planner.run.solve_case = wait_here
elif phase == "write":
    import planner.report
    planner.report.write_report = wait_here
sys.argv = ["dcplan", *args]
from planner.cli import main
main()
"""
MARKER_WAIT_S = 240  # generous: a loaded machine reads and solves slowly


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("signals_case")
    raw, profiles = case_tables(**near_far_pair())
    return write_case(raw, profiles, folder / "case.xlsx")


def _start(tmp_path: Path, phase: str, *args: str) -> tuple[subprocess.Popen, Path]:
    launcher = tmp_path / "launch.py"
    launcher.write_text(LAUNCHER, encoding="utf-8")
    marker = tmp_path / f"marker-{phase}"
    process = subprocess.Popen(
        [sys.executable, str(launcher), str(marker), phase, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, marker


def _wait_for(process: subprocess.Popen, marker: Path) -> None:
    """Block until the process reached the phase (its marker file exists)."""
    import time

    deadline = time.monotonic() + MARKER_WAIT_S
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never reached the phase"
        time.sleep(0.02)


def _leftovers(folder: Path) -> list[str]:
    """Temporary folders in `folder` (none when the folder itself is gone)."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _dcplan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "planner", *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    ("signum", "code", "phase"),
    [
        (signal.SIGTERM, 143, "write"),
        (signal.SIGTERM, 143, "solve"),
        (signal.SIGINT, 130, "write"),
    ],
)
def test_a_signal_stops_the_run_without_leaving_anything_half_written(
    case: Path, tmp_path: Path, signum: int, code: int, phase: str
):
    runs = tmp_path / "runs"
    process, marker = _start(tmp_path, phase, "run", str(case), "--out", str(runs / "run"))
    _wait_for(process, marker)
    if phase == "write":
        assert _leftovers(runs), "the temporary folder should exist while writing"
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == code, stderr
    assert "interrupted" in stderr and signal.Signals(signum).name in stderr
    assert "Traceback" not in stderr
    assert not (runs / "run").exists()
    assert _leftovers(runs) == []
    assert not runs.exists()  # the run made this folder for its output, and removed it


def test_sigterm_while_replacing_keeps_the_previous_folder_whole(case: Path, tmp_path: Path):
    out = tmp_path / "run"
    assert _dcplan("run", str(case), "--out", str(out), "--quiet").returncode == 0
    before = _snapshot(out)
    process, marker = _start(tmp_path, "write", "run", str(case), "--out", str(out), "--overwrite")
    _wait_for(process, marker)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr
    assert _snapshot(out) == before
    assert _leftovers(tmp_path) == []


def test_the_next_run_removes_what_a_killed_run_left(case: Path, tmp_path: Path):
    runs = tmp_path / "runs"
    process, marker = _start(tmp_path, "write", "run", str(case), "--out", str(runs / "killed"))
    _wait_for(process, marker)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL
    assert _leftovers(runs) == [f"{TEMP_PREFIX}killed-{process.pid}"]
    done = _dcplan("run", str(case), "--out", str(runs / "next"), "--quiet")
    assert done.returncode == 0, done.stderr
    assert _leftovers(runs) == []
    assert (runs / "next" / MANIFEST).is_file() and not (runs / "killed").exists()


def test_a_folder_set_aside_by_a_killed_replace_is_restored(case: Path, tmp_path: Path):
    runs = tmp_path / "runs"
    assert _dcplan("run", str(case), "--out", str(runs / "run"), "--quiet").returncode == 0
    before = _snapshot(runs / "run")
    dead_pid = _pid_of_finished_process()
    # the state a run killed between its two renames leaves: old folder aside, no target
    (runs / "run").rename(runs / f"{TEMP_PREFIX}old-run-{dead_pid}")
    alive = runs / f"{TEMP_PREFIX}busy-{os.getpid()}"  # a live process's folder: kept
    alive.mkdir()
    done = _dcplan("run", str(case), "--out", str(runs / "other"), "--quiet")
    assert done.returncode == 0, done.stderr
    assert _snapshot(runs / "run") == before
    assert json.loads((runs / "run" / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert _leftovers(runs) == [alive.name]


def _pid_of_finished_process() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_signal_a_library_swallows_still_stops_the_run(case: Path, tmp_path: Path, monkeypatch):
    """A solver log callback may catch the exception the signal handler raised inside it;
    the run still stops after the solve, and nothing is written."""
    import planner.run
    from planner.writers import Interrupted, raise_or_defer

    real = planner.run.solve_case

    def solve_with_a_swallowing_callback(*args, **kwargs):
        with contextlib.suppress(Interrupted):  # the library catches it and carries on
            raise_or_defer(signal.SIGTERM)  # the handler, called inside a library callback
        return real(*args, **kwargs)

    monkeypatch.setattr(planner.run, "solve_case", solve_with_a_swallowing_callback)
    out = tmp_path / "runs" / "run"
    with pytest.raises(Interrupted) as stopped:
        planner.run.run(case, out=out)
    assert stopped.value.exit_code == 143
    assert not (tmp_path / "runs").exists()
