"""What a long run shows while it works: the phase with its elapsed seconds, HiGHS's latest
progress line, the re-dispatch's site groups done / total; and nothing with --quiet."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from planner.cli import app
from planner.progress import PhaseStatus
from planner.run import RunOptions, solve_case
from planner.synthetic import case_tables, near_far_pair, small_case, write_case


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_status_line_shows_the_phase_its_seconds_and_the_latest_solver_line():
    shown: list[str] = []
    clock = _Clock()
    status = PhaseStatus(shown.append, clock=clock, every=0.5)
    status.phase("solve")
    assert shown[-1] == "solve 0 s …"
    clock.now += 3.2
    status.progress("   1234    3.3792621415e+04 Pr: 0(0) 3s\n")
    assert shown[-1] == "solve 3 s · HiGHS: 1234 3.3792621415e+04 Pr: 0(0) 3s"
    clock.now += 0.1  # within half a second: not shown again
    status.progress("1300 3.38e+04")
    assert len(shown) == 2
    clock.now += 1.0
    status.refresh(force=True)  # the ticker's refresh shows the newest line and the seconds
    assert shown[-1] == "solve 4 s · HiGHS: 1300 3.38e+04"
    status.phase("redispatch")
    clock.now += 1.0
    status.progress("re-dispatch: 3/12 site groups")
    assert shown[-1] == "redispatch 1 s · re-dispatch: 3/12 site groups"


def test_a_solve_reports_highs_progress_lines_to_whoever_listens():
    lines: list[str] = []
    solved = solve_case(small_case(), RunOptions(progress=lines.append), explain=False)
    assert solved.outcome.status == "optimal"
    assert any("Objective" in line or "objective" in line for line in lines), lines[:20]


def test_the_re_dispatch_counts_its_site_groups():
    lines: list[str] = []
    case = small_case(**near_far_pair())
    options = RunOptions(redispatch=True, progress=lines.append)
    solved = solve_case(case, options, explain=False)
    assert solved.redispatch is not None
    counts = [line for line in lines if line.startswith("re-dispatch:")]
    assert counts == ["re-dispatch: 1/2 site groups", "re-dispatch: 2/2 site groups"]


def test_quiet_prints_only_the_results_path(tmp_path: Path):
    raw, profiles = case_tables(**near_far_pair())
    case = write_case(raw, profiles, tmp_path / "case")
    result = CliRunner().invoke(app, ["run", str(case), "--out", str(tmp_path / "r"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(tmp_path / "r")
