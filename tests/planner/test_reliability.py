"""Runs never leave a complete-looking folder behind when interrupted, never overwrite
silently, give identical outputs for identical inputs, and honour solver limits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.run import RunOptions, run
from planner.synthetic import case_tables, synthetic_case, write_case
from planner.writers import MANIFEST, TEMP_PREFIX, verify_manifest

SMALL = {
    "regions": [
        {"region": "r1", "lat": 31.2, "lon": 121.5},
        {"region": "r2", "lat": 39.9, "lon": 116.4},
    ],
    "sites": [
        {"site": "s1", "lat": 31.0, "lon": 120.9, "pv_max": 300.0},
        {
            "site": "s2",
            "lat": 37.5,
            "lon": 105.2,
            "zone": "west",
            "pv_max": 3000.0,
            "wind_max": 3000.0,
            "grid_price": 0.35,
        },
    ],
    "classes": [
        {"workload_class": "realtime", "max_rtt": 5.0},
        {"workload_class": "batch", "flexibility": "shiftable", "bandwidth": 0.2},
    ],
    "demand": {("r1", "realtime"): 50.0, ("r1", "batch"): 100.0, ("r2", "batch"): 80.0},
}


@pytest.fixture
def small_case_file(tmp_path: Path) -> Path:
    raw, profiles = case_tables(**SMALL)
    (tmp_path / "case").mkdir()
    return write_case(raw, profiles, tmp_path / "case" / "small.xlsx")


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "planner", *args]


def test_identical_inputs_give_identical_csv_and_json(small_case_file: Path, tmp_path: Path):
    a = run(small_case_file, RunOptions(time="typical:2"), out=tmp_path / "a").folder
    b = run(small_case_file, RunOptions(time="typical:2"), out=tmp_path / "b").folder
    files = sorted(
        p.relative_to(a)
        for p in a.rglob("*")
        if p.suffix in (".csv", ".json") and p.name != MANIFEST
    )
    assert len(files) >= 7
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_existing_folder_is_not_overwritten_without_flag(small_case_file: Path, tmp_path: Path):
    out = tmp_path / "run"
    run(small_case_file, RunOptions(time="typical:2"), out=out)
    stamp = (out / MANIFEST).read_bytes()
    with pytest.raises(FileExistsError):
        run(small_case_file, RunOptions(time="typical:2"), out=out)
    assert (out / MANIFEST).read_bytes() == stamp
    run(small_case_file, RunOptions(time="typical:2"), out=out, overwrite=True)
    assert verify_manifest(out) == []


def test_tampered_results_fail_the_manifest_check(small_case_file: Path, tmp_path: Path):
    out = run(small_case_file, RunOptions(time="typical:2"), out=tmp_path / "run").folder
    assert verify_manifest(out) == []
    (out / "sites.csv").write_text("site\nforged\n", encoding="utf-8")
    problems = verify_manifest(out)
    assert any("sites.csv" in p for p in problems)


def test_sigkill_during_write_leaves_no_complete_looking_folder(
    small_case_file: Path, tmp_path: Path
):
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        _cli("run", str(small_case_file), "--time", "typical:2", "--out", str(out), "--quiet"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    killed = False
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.startswith(TEMP_PREFIX) for p in tmp_path.iterdir()):
            proc.send_signal(signal.SIGKILL)
            killed = True
            break
        time.sleep(0.002)
    proc.wait(timeout=60)
    assert killed, "the write phase was never observed"
    assert not out.exists()
    assert not any((p / MANIFEST).exists() for p in tmp_path.iterdir() if p.is_dir())


def test_sigint_exits_cleanly_with_a_message(tmp_path: Path):
    case = synthetic_case(n_sites=30, n_regions=6, seed=3)
    raw, profiles = case.raw, case.profiles
    (tmp_path / "case").mkdir()
    path = write_case(
        raw,
        {k: v.rename_axis("hour").reset_index() for k, v in profiles.items()},
        tmp_path / "case" / "big.xlsx",
    )
    out = tmp_path / "interrupted"
    proc = subprocess.Popen(
        _cli("run", str(path), "--time", "typical:12", "--time-limit", "60", "--out", str(out)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(8)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, (stdout, stderr)
    assert "interrupted" in stderr
    assert "Traceback" not in stderr
    assert not out.exists()


def test_time_limit_without_solution_exits_3(tmp_path: Path):
    case = synthetic_case(n_sites=40, n_regions=6, seed=1)
    (tmp_path / "case").mkdir()
    path = write_case(
        case.raw,
        {k: v.rename_axis("hour").reset_index() for k, v in case.profiles.items()},
        tmp_path / "case" / "large.xlsx",
    )
    result = subprocess.run(
        _cli(
            "run",
            str(path),
            "--time",
            "typical:12",
            "--time-limit",
            "1",
            "--out",
            str(tmp_path / "limited"),
        ),
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 3, result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert "limit" in (result.stdout + result.stderr)
