"""`dcplan sweep`: a grid of points, each a complete results folder; the same rows whether the
points run in local worker processes or on a Dask cluster; an interrupted or damaged sweep
resumes by solving only what is missing; infeasible points are recorded, not fatal; bad names
and values stop the sweep before any solve (exit 2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.charts import plotly_js
from planner.cli import app
from planner.params import ParameterError
from planner.sweep import (
    EXECUTION_COLUMNS,
    SweepInputError,
    SweepOptions,
    clear_model_cache,
    grid,
    make_axes,
    parse_vary,
    read_sweep,
    result_columns,
    run_sweep,
)
from planner.synthetic import case_tables, east_west_pair, small_case, write_case
from planner.writers import MANIFEST, verify_manifest

# Interactive demand (20 ms) can only be served at `east`, which needs grid power: emissions
# cannot fall below about 280 kt, so a cap of 1,000 t is infeasible.
CASE = east_west_pair()
runner = CliRunner()


@pytest.fixture(scope="module")
def case_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw, profiles = case_tables(**CASE)
    folder = tmp_path_factory.mktemp("sweep_case")
    return write_case(raw, profiles, folder / "case")


def _same_rows(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Equal result columns: text exactly, numbers to 1e-6 relative (a model re-used on one
    worker and built fresh on another stops at the same optimum within solver tolerance)."""
    a, b = result_columns(a), result_columns(b)
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for column in a.columns:
        if pd.api.types.is_numeric_dtype(a[column]) and pd.api.types.is_numeric_dtype(b[column]):
            pd.testing.assert_series_equal(a[column], b[column], rtol=1e-6, check_dtype=False)
        else:
            assert a[column].fillna("").astype(str).tolist() == (
                b[column].fillna("").astype(str).tolist()
            ), column


# ----------------------------------------------------------------------------- the grid


def test_vary_lists_and_ranges():
    assert parse_vary("carbon_price=0,50,100") == ("carbon_price", ["0", "50", "100"])
    assert parse_vary("carbon_price=0:200:100, 400") == ("carbon_price", ["0", "100", "200", "400"])
    assert parse_vary("Settings.time=typical:4,full")[1] == ["typical:4", "full"]
    with pytest.raises(ParameterError):
        parse_vary("carbon_price")


def test_grid_takes_every_combination_and_zip_pairs_lists():
    case = small_case()
    axes = make_axes(["carbon_price=0,100,200", "Sites.s1.grid_price=0.4,0.5"], case)
    points = grid(axes)
    assert len(points) == 6
    assert [p.index for p in points] == list(range(6))
    assert points[1].label == "carbon_price=0, Sites.s1.grid_price=0.5"
    assert points[1].folder_name == "001_carbon_price=0_Sites.s1.grid_price=0.5"
    with pytest.raises(SweepInputError, match="equal length"):
        grid(axes, zipped=True)
    paired = make_axes(["carbon_price=0,100", "Sites.s1.grid_price=0.4,0.5"], case)
    assert [p.label for p in grid(paired, zipped=True)] == [
        "carbon_price=0, Sites.s1.grid_price=0.4",
        "carbon_price=100, Sites.s1.grid_price=0.5",
    ]


def test_all_bad_names_and_values_are_reported_together():
    with pytest.raises(SweepInputError) as caught:
        make_axes(["carbon_prise=1", "usable_share=0.5,2", "Sites.s9.pue_cap=1.2"], small_case())
    text = " | ".join(caught.value.problems)
    assert "did you mean 'carbon_price'" in text
    assert "usable_share = 2: out of range" in text
    assert "no row 's9'" in text and "s1" in text


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--vary", "Sites.nowhere.grid_price=0.3"], ["no row 'nowhere'", "east, west"]),
        (["--vary", "Sites.west.pue=1.1"], ["no column 'pue'", "pue_cap"]),
        (["--vary", "carbon_price=-5"], ["carbon_price = -5", "out of range"]),
        (["--vary", "carbon_price=1", "--workers", "2", "--scheduler", "x"], ["not both"]),
        (["--vary", "carbon_price=1", "--time", "typical:0"], ["typical:N"]),
        ([], ["nothing to vary"]),
    ],
)
def test_bad_sweep_arguments_exit_2_before_any_solve(
    case_path: Path, tmp_path: Path, args: list[str], words: list[str]
):
    result = runner.invoke(app, ["sweep", str(case_path), *args, "--out", str(tmp_path / "s")])
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "s").exists()


def test_a_point_whose_case_does_not_validate_stops_the_sweep_before_solving(
    case_path: Path, tmp_path: Path
):
    # a demand shape that the case's Profiles sheet does not provide: caught by validating the
    # point's whole case, not by the cell check of the value
    with pytest.raises(SweepInputError) as caught:
        run_sweep(case_path, ["Classes.interactive.shape=flat,diurnal"], out=tmp_path / "s")
    assert len(caught.value.problems) == 1
    assert "point Classes.interactive.shape=diurnal" in caught.value.problems[0]
    assert "Profiles" in caught.value.problems[0]
    assert not (tmp_path / "s").exists()


# ----------------------------------------------------------------------------- execution


def test_local_workers_and_a_dask_cluster_give_identical_rows(case_path: Path, tmp_path: Path):
    from distributed import LocalCluster

    vary = ["--vary", "carbon_price=0,150,300", "--time", "typical:2", "--quiet"]
    local = runner.invoke(
        app, ["sweep", str(case_path), *vary, "--workers", "2", "--out", str(tmp_path / "a")]
    )
    assert local.exit_code == 0, local.output
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        remote = runner.invoke(
            app,
            [
                "sweep",
                str(case_path),
                *vary,
                "--scheduler",
                cluster.scheduler_address,
                "--out",
                str(tmp_path / "b"),
            ],
        )
    assert remote.exit_code == 0, remote.output
    a, b = read_sweep(tmp_path / "a"), read_sweep(tmp_path / "b")
    _same_rows(a, b)
    assert a["status"].tolist() == ["optimal"] * 3
    assert a["objective_myuan"].is_monotonic_increasing  # a higher carbon price costs more
    assert a["emissions_t"].iloc[-1] < a["emissions_t"].iloc[0]
    assert set(a["worker"]) != set(b["worker"])  # really ran in other processes
    for folder in a["folder"]:
        point = tmp_path / "a" / folder
        assert verify_manifest(point) == []
        summary = json.loads((point / "summary.json").read_text())
        assert summary["scenario"].startswith("baseline+carbon_price=")
    html = (tmp_path / "a" / "sweep.html").read_text()
    assert html.count(str(plotly_js())) == 1  # plotly.js embedded once
    assert html.count('class="figure-spec"') == 7


def test_resume_solves_only_missing_or_damaged_points(case_path: Path, tmp_path: Path):
    clear_model_cache()
    out = tmp_path / "sweep"
    vary = ["Policy.carbon_cap=460000,400000,1000"]
    options = SweepOptions(time="typical:2")

    class Stop(Exception):
        pass

    def stop_after_first(kind: str, done: int, total: int, row: dict | None) -> None:
        if kind == "point":
            raise Stop

    with pytest.raises(Stop):
        run_sweep(case_path, vary, options, out=out, on_event=stop_after_first)
    table = read_sweep(out)
    assert table["point"].tolist() == [0]
    first = out / table["folder"].iloc[0]
    assert verify_manifest(first) == []
    stamp = (first / MANIFEST).stat().st_mtime_ns

    report = run_sweep(case_path, vary, options, out=out)
    assert (report.solved, report.skipped) == (2, 1)
    table = read_sweep(out)
    assert table["solved_now"].tolist() == [False, True, True]
    assert (first / MANIFEST).stat().st_mtime_ns == stamp  # not rewritten
    # an infeasible point is recorded with its reason and does not stop the sweep
    assert table["status"].tolist() == ["optimal", "optimal", "infeasible"]
    assert "carbon cap" in table["reason"].iloc[2]
    assert report.failed == 1 and report.exit_code == 1
    assert bool(table["model_reused"].iloc[2])  # point 2 changed a Param of point 1's model

    second = out / table["folder"].iloc[1]
    (second / "sites.csv").write_text("damaged\n")
    shutil.rmtree(out / table["folder"].iloc[2])
    report = run_sweep(case_path, vary, options, out=out)
    assert (report.solved, report.skipped) == (2, 1)
    again = read_sweep(out)
    assert again["solved_now"].tolist() == [False, True, True]
    assert verify_manifest(second) == []
    _same_rows(table.drop(columns=list(EXECUTION_COLUMNS)), again)
