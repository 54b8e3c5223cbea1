"""No input, path or failure of the machine can make dcplan lose data or crash.

Names that reach the file system are sanitised; --overwrite replaces only folders dcplan wrote;
the output location is checked before the solve; a full disk, a refused permission, memory or
a solver crash end with exit code 4 and the path or resource named; --threads is bounded.

File-system refusals run in real `dcplan` processes (`python -m planner`). Failures the test
machine cannot produce on demand (a full disk; permission denied, since the tests run as root,
for whom chmod changes nothing) are raised in-process by replacing one writer function.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.synthetic import case_tables, near_far_pair, write_case
from planner.writers import MANIFEST, TEMP_PREFIX, run_dir_for, safe_name

ENV = {**os.environ, "COLUMNS": "80"}


def _small_case(folder: Path) -> Path:
    """The near/far two-site case as a workbook `folder/case.xlsx` with its profiles."""
    raw, profiles = case_tables(**near_far_pair())
    folder.mkdir(parents=True, exist_ok=True)
    return write_case(raw, profiles, folder / "case.xlsx")


def _dcplan(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "planner", *args],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=cwd,
        timeout=300,
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _leftovers(folder: Path) -> list[str]:
    """Temporary folders in `folder` (none when the folder itself is gone)."""
    if not folder.exists():
        return []
    return [p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]


# --- item 2: names that reach the file system ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "scenario"),
    [("../../x", "../y"), ("a/b\\c", "s/../../t"), ("\x1b]0;owned\x07", "..."), ("", "")],
)
def test_results_folders_are_named_from_sanitised_ids_whatever_the_input(
    tmp_path: Path, name: str, scenario: str
):
    from planner.sweep import default_sweep_dir

    root = tmp_path / "results"
    for folder in (run_dir_for(name, scenario, root), default_sweep_dir(name, scenario, {}, root)):
        assert folder.parent == root
        assert folder.resolve().parent == root.resolve()
        assert not any(ord(ch) < 32 for ch in folder.name)
        assert not folder.name.startswith(".")


def test_safe_name_keeps_letters_of_any_script_and_replaces_the_rest():
    assert safe_name("华东_case-1.v2") == "华东_case-1.v2"
    assert safe_name("../../etc") == "_.._etc"
    assert safe_name("...") == "case"
    assert safe_name("a b/c", "x") == "a_b_c"
    assert len(safe_name("x" * 500)) == 80


# --- item 3: --overwrite replaces only a folder dcplan wrote -----------------------------------


def test_overwrite_refuses_the_folder_that_holds_the_case_and_keeps_it(tmp_path: Path):
    case = _small_case(tmp_path / "D")
    before = _snapshot(tmp_path / "D")
    done = _dcplan("run", str(case), "--out", str(tmp_path / "D"), "--overwrite")
    assert done.returncode == 2, done.stderr
    assert "holds the input" in done.stderr and "Traceback" not in done.stderr
    assert _snapshot(tmp_path / "D") == before
    assert _leftovers(tmp_path) == []


def test_overwrite_refuses_a_file_a_symlink_and_a_foreign_folder_before_solving(tmp_path: Path):
    case = _small_case(tmp_path / "in")
    plain = tmp_path / "notes.txt"
    plain.write_text("keep me", encoding="utf-8")
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "a.jpg").write_bytes(b"\xff\xd8")
    link = tmp_path / "link"
    link.symlink_to(foreign, target_is_directory=True)
    for target, says in (
        (plain, "is a file"),
        (foreign, "not a folder dcplan wrote"),
        (link, "symbolic link"),
    ):
        done = _dcplan("run", str(case), "--out", str(target), "--overwrite", "--json")
        assert done.returncode == 2, (target, done.stdout, done.stderr)
        assert says in json.loads(done.stdout)["error"]
    assert plain.read_text(encoding="utf-8") == "keep me"
    assert _snapshot(foreign) == {"a.jpg": b"\xff\xd8"}
    assert link.is_symlink()
    assert _leftovers(tmp_path) == []


def test_overwrite_replaces_a_results_folder_dcplan_wrote(tmp_path: Path):
    case = _small_case(tmp_path / "in")
    out = tmp_path / "run"
    assert _dcplan("run", str(case), "--out", str(out), "--quiet").returncode == 0
    first = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["created_utc"]
    (out / "stale.txt").write_text("from the first run", encoding="utf-8")
    done = _dcplan("run", str(case), "--out", str(out), "--quiet", "--overwrite")
    assert done.returncode == 0, done.stderr
    assert not (out / "stale.txt").exists()
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["created_utc"] >= first
    assert _leftovers(tmp_path) == []


# --- item 4: the output location is checked before the solve -----------------------------------


def _no_solve(*_args, **_kwargs):
    raise AssertionError("the solve started although the output location is unusable")


def test_an_output_below_a_file_is_refused_before_the_solve(tmp_path: Path, monkeypatch):
    case = _small_case(tmp_path / "in")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    monkeypatch.setattr("planner.run.solve_case", _no_solve)
    result = CliRunner().invoke(app, ["run", str(case), "--out", str(tmp_path / "file" / "run")])
    assert result.exit_code == 2, result.output
    assert "is a file, not a folder" in result.output


def test_an_unwritable_output_exits_4_naming_it_before_the_solve(tmp_path: Path, monkeypatch):
    # as root chmod cannot refuse a write: the refusal the OS would give is raised instead
    case = _small_case(tmp_path / "in")
    target = tmp_path / "locked" / "run"
    real_mkdir = Path.mkdir

    def refuse(self: Path, *args, **kwargs):
        if tmp_path / "locked" in (self, *self.parents):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    monkeypatch.setattr("planner.run.solve_case", _no_solve)
    result = CliRunner().invoke(app, ["run", str(case), "--out", str(target)])
    assert result.exit_code == 4, result.output
    assert str(tmp_path / "locked") in result.output and "Permission denied" in result.output


def test_a_read_only_file_system_exits_4_before_the_solve(tmp_path: Path):
    case = _small_case(tmp_path / "in")
    target = Path("/sys/dcplan-test-run")
    try:
        target.mkdir()
    except OSError:
        pass
    else:
        target.rmdir()
        pytest.skip("/sys is writable on this machine")
    done = _dcplan("run", str(case), "--out", str(target))
    assert done.returncode == 4, done.stderr
    assert str(target) in done.stderr and "Traceback" not in done.stderr


# --- item 6: environment failures exit 4 and name the path or resource -------------------------


def test_a_full_disk_while_writing_exits_4_names_the_file_and_leaves_nothing(
    tmp_path: Path, monkeypatch
):
    import planner.writers as writers

    case = _small_case(tmp_path / "in")
    out = tmp_path / "runs" / "run"

    def full(frame, path: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(writers, "write_csv", full)
    result = CliRunner().invoke(app, ["run", str(case), "--out", str(out)])
    assert result.exit_code == 4, result.output
    assert "No space left on device" in result.output and "runs" in result.output
    assert not out.exists() and _leftovers(out.parent) == []
    assert not out.parent.exists()  # made by the run for its output, removed again


@pytest.mark.parametrize(
    ("error", "says"),
    [(MemoryError(), "out of memory"), (RuntimeError("HiGHS segfault guard"), "solver")],
)
def test_out_of_memory_and_a_solver_crash_exit_4(tmp_path: Path, monkeypatch, error, says):
    case = _small_case(tmp_path / "in")

    def crash(*_args, **_kwargs):
        raise error

    monkeypatch.setattr("planner.run.solve_case", crash)
    result = CliRunner().invoke(app, ["run", str(case), "--out", str(tmp_path / "run")])
    assert result.exit_code == 4, result.output
    assert says in result.output
    assert not (tmp_path / "run").exists() and _leftovers(tmp_path) == []


@pytest.mark.parametrize("command", ["run", "sweep", "pareto"])
def test_threads_beyond_four_per_cpu_are_refused_up_front(tmp_path: Path, command: str):
    case = _small_case(tmp_path)
    too_many = str(4 * (os.cpu_count() or 1) + 1)
    args = [command, str(case), "--threads", too_many]
    if command == "sweep":
        args += ["--vary", "carbon_price=0,100"]
    done = _dcplan(*args)
    assert done.returncode == 2, done.stderr
    assert f"--threads {too_many}" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "results").exists()


# --- item 7: no buildable site, unserved demand allowed ----------------------------------------


def test_no_site_may_build_it_with_unserved_allowed_writes_a_full_folder(tmp_path: Path):
    raw, profiles = case_tables(
        sites=[{"site": "s1", "max_it": 0}], settings={"allow_unserved": True}
    )
    case = write_case(raw, profiles, tmp_path / "case.xlsx")
    result = CliRunner().invoke(app, ["run", str(case), "--out", str(tmp_path / "run"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    assert summary["unserved_mw"] == pytest.approx(100.0)  # all of the one class's demand
    routing = (tmp_path / "run" / "routing.csv").read_text(encoding="utf-8").splitlines()
    assert len(routing) == 1  # the header: no route serves anything
    assert (tmp_path / "run" / "report.html").is_file()


@pytest.mark.parametrize("command", ["sweep", "pareto"])
def test_sweep_and_pareto_refuse_an_out_folder_that_holds_the_case(tmp_path: Path, command: str):
    case = _small_case(tmp_path / "D")
    before = _snapshot(tmp_path / "D")
    args = [command, str(case), "--out", str(tmp_path / "D")]
    if command == "sweep":
        args += ["--vary", "carbon_price=0,100"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "holds the input" in result.output
    assert _snapshot(tmp_path / "D") == before


def test_compare_refuses_to_overwrite_a_folder_it_did_not_write(tmp_path: Path):
    case = _small_case(tmp_path / "in")
    runs = [tmp_path / "a", tmp_path / "b"]
    for folder in runs:
        assert CliRunner().invoke(app, ["run", str(case), "--out", str(folder)]).exit_code == 0
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.docx").write_bytes(b"keep")
    result = CliRunner().invoke(
        app, ["compare", *map(str, runs), "--out", str(foreign), "--overwrite"]
    )
    assert result.exit_code == 2, result.output
    assert (foreign / "thesis.docx").read_bytes() == b"keep"
    held = CliRunner().invoke(
        app, ["compare", *map(str, runs), "--out", str(runs[0]), "--overwrite"]
    )
    assert held.exit_code == 2 and "holds the input" in held.output
    assert (runs[0] / MANIFEST).is_file()


def test_a_run_that_fails_leaves_no_folder_it_created(tmp_path: Path):
    raw, profiles = case_tables(sites=[{"site": "s1", "max_it": -5}])  # bad input
    case = write_case(raw, profiles, tmp_path / "case.xlsx")
    out = tmp_path / "new" / "deeper" / "run"
    result = CliRunner().invoke(app, ["run", str(case), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "new").exists()


def test_an_output_inside_a_csv_case_folder_is_refused(tmp_path: Path):
    raw, profiles = case_tables(**near_far_pair())
    case = write_case(raw, profiles, tmp_path / "case")  # a folder of CSV files
    before = _snapshot(case)
    result = CliRunner().invoke(app, ["run", str(case), "--out", str(case / "run")])
    assert result.exit_code == 2, result.output
    assert "inside the input folder" in result.output
    assert _snapshot(case) == before
