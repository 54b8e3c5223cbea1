"""The benchmark harness runs end to end on its smallest size (the real sizes are `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmark_writes_results_with_planner_and_raw_highs_figures(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,  # about 40 s on 2 busy cores
    )
    assert done.returncode == 0, done.stderr[-2000:]
    text = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    assert "## Sizes" in text and "tiny synthetic" in text and "## Re-solves" in text
    report = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    (size,) = report["sizes"]
    planner, raw = size["planner"], size["raw"]
    assert planner["status"] == "optimal"
    for phase in ("prepare", "build", "load", "solve", "extract", "write"):
        assert planner["seconds"][phase] >= 0.0
    assert planner["rows"] > 0 and planner["peak_rss_mb"] > 0
    # raw HiGHS solved the very LP the planner built: same optimum
    assert raw["status"] == ["Optimal"]
    assert abs(raw["objective"] - planner["objective_myuan"]) <= 1e-6 * abs(raw["objective"])
    resolve = report["resolve"]
    for again, fresh in zip(resolve["resolved"], resolve["fresh"], strict=True):
        assert abs(again["objective"] - fresh["objective"]) <= 1e-6 * abs(fresh["objective"])
