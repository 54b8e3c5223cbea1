"""`dcplan profiles`: a site added to a case gets its profiles from one command, and a
measured series replaces a column without touching the others."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
SITE_PROFILES = ("temperature", "pv", "wind", "price")
SITE = "balikun"  # a new data-centre site, not in the default case


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """A copy of the default case as CSV with its profiles, plus a new site `balikun` in Sites
    (a copy of the zhengzhou row; the default case's own `hami` is a supply node)."""
    shutil.copytree(ROOT / "inputs" / "china_east_west", tmp_path / "case")
    shutil.copytree(ROOT / "inputs" / "profiles", tmp_path / "profiles")
    sites = tmp_path / "case" / "Sites.csv"
    with sites.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    new = list(next(row for row in rows if row[0] == "zhengzhou"))
    for i, label in enumerate(header):
        bare = label.split(" [")[0]
        new[i] = {"site": SITE, "name": "Balikun", "lat": "42.8", "lon": "93.5"}.get(bare, new[i])
    with sites.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([*rows, new])
    return tmp_path / "case"


def _invoke(*args: str):
    return runner.invoke(app, list(args))


def test_a_new_site_without_profiles_is_refused_with_the_command_that_makes_them(case: Path):
    result = _invoke("validate", str(case), "--json")
    assert result.exit_code == 2
    problems = json.loads(result.output)
    messages = [p["message"] for p in problems if SITE in p["message"]]
    assert len(messages) == 4  # temperature, pv, wind and price
    assert all("dcplan profiles generate CASE --site ID" in m for m in messages)


def test_generate_adds_the_new_site_and_leaves_every_other_column_byte_identical(case: Path):
    folder = case.parent / "profiles"
    before = {name: pd.read_csv(folder / f"{name}.csv", dtype=str) for name in SITE_PROFILES}
    result = _invoke(
        "profiles", "generate", str(case), "--site", SITE, "--temp-mean", "10",
        "--temp-seasonal", "17", "--temp-diurnal", "7", "--pv-cf", "0.18", "--wind-cf", "0.3",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for name in SITE_PROFILES:
        after = pd.read_csv(folder / f"{name}.csv", dtype=str)
        assert list(after.columns) == [*before[name].columns, SITE]
        pd.testing.assert_frame_equal(after[before[name].columns], before[name])
    pv = pd.read_csv(folder / "pv.csv")[SITE]
    wind = pd.read_csv(folder / "wind.csv")[SITE]
    temperature = pd.read_csv(folder / "temperature.csv")[SITE]
    assert pv.mean() == pytest.approx(0.18, abs=1e-6)  # 6-decimal files
    assert wind.mean() == pytest.approx(0.30, abs=1e-6)
    assert temperature.mean() == pytest.approx(10.0, abs=1e-3)
    assert pv[:6].eq(0).all()  # night in western China at 00:00-06:00 Beijing time
    params = pd.read_csv(folder / "parameters.csv").set_index("site")
    assert params.loc[SITE, "lat"] == 42.8 and params.loc[SITE, "pv_cf"] == 0.18
    assert _invoke("validate", str(case)).exit_code == 0


def test_generate_for_a_site_not_in_the_case_names_the_sites(case: Path):
    result = _invoke(
        "profiles", "generate", str(case), "--site", "lhasa", "--temp-mean", "8",
        "--temp-seasonal", "9", "--temp-diurnal", "8", "--pv-cf", "0.2", "--wind-cf", "0.2",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "'lhasa' is not in the Sites sheet" in " ".join(result.output.split())


def test_import_writes_a_measured_column_and_reports_what_it_did(case: Path, tmp_path: Path):
    stamps = pd.date_range("2024-01-01", "2025-01-01", freq="15min", inclusive="left")
    measured = pd.DataFrame({"time": stamps, "logger_7": 0.25})
    file = tmp_path / "measured.csv"
    measured.to_csv(file, index=False)
    before = pd.read_csv(case.parent / "profiles" / "wind.csv", dtype=str)
    result = _invoke(
        "profiles", "import", str(case), "--profile", "wind", "--file", str(file),
        "--column", "zhongwei=logger_7",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "29 February dropped" in text and "averaged to hourly means" in text
    assert "1 column(s) replaced, 0 added" in text
    after = pd.read_csv(case.parent / "profiles" / "wind.csv", dtype=str)
    assert np.allclose(after["zhongwei"].astype(float), 0.25)
    others = [c for c in before.columns if c != "zhongwei"]
    pd.testing.assert_frame_equal(after[others], before[others])


def test_import_of_pv_in_megawatts_exits_2_and_leaves_the_file(case: Path, tmp_path: Path):
    hours = pd.date_range("2023-01-01", periods=8760, freq="h")
    file = tmp_path / "mw.csv"
    pd.DataFrame({"time": hours, "zhongwei": 42.0}).to_csv(file, index=False)
    target = case.parent / "profiles" / "pv.csv"
    before = target.read_bytes()
    result = _invoke("profiles", "import", str(case), "--profile", "pv", "--file", str(file))
    assert result.exit_code == 2
    assert "capacity factors" in " ".join(result.output.split())
    assert target.read_bytes() == before
