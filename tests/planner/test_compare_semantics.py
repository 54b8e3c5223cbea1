"""What a comparison says, read as a planner reads it: colours follow meaning (a higher cost is
worse, a higher green share better, capacity neither), shares change in percentage points,
runs can be named, the console shows the headline deltas, and sub-0.5 MW shuffles of a
degenerate LP are not listed as differences."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from test_report import build_small_run
from typer.testing import CliRunner

from planner.cli import app
from planner.compare import (
    SHUFFLE_MW,
    CompareError,
    _differs,
    compare,
    delta_class,
    delta_text,
    headline_deltas,
)

runner = CliRunner()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("semantics")
    return build_small_run(root / "a"), build_small_run(root / "b", scenario="no_west")


@pytest.mark.parametrize(
    ("delta", "better", "meaning"),
    [
        (+5.0, "lower", "worse"),  # cost, emissions, PUE, water up
        (-5.0, "lower", "better"),
        (+2.0, "higher", "better"),  # green share up
        (-2.0, "higher", "worse"),
        (+9.0, "", ""),  # capacity: a means, not a goal
        (0.0, "lower", ""),
    ],
)
def test_a_delta_is_coloured_by_what_it_means_not_by_its_sign(delta, better, meaning):
    assert delta_class(delta, better) == meaning


def test_shares_change_in_percentage_points_and_others_with_a_relative_change():
    assert delta_text(2.345, 0.1, "%", 1) == "+2.3 pp"
    assert delta_text(-120.0, -0.05, "M yuan/yr", 1) == "-120.0 (-5.0%)"


def test_keeping_demand_east_costs_more_and_is_shown_as_worse(runs: tuple[Path, Path]):
    c = compare(list(runs))
    deltas = {d["figure"]: d for d in headline_deltas(c)}
    cost = deltas["objective_myuan"]
    assert cost["deltas"]["no_west"] > 0 and cost["meaning"]["no_west"] == "worse"
    west = deltas["west_share"]
    assert west["deltas"]["no_west"] < 0 and west["meaning"]["no_west"] is None
    summaries = [json.loads((r / "summary.json").read_text(encoding="utf-8")) for r in runs]
    green = summaries[1]["green_share"] - summaries[0]["green_share"]
    if abs(green) > 1e-9:
        expected = "better" if green > 0 else "worse"
        assert deltas["green_share"]["meaning"]["no_west"] == expected
        assert deltas["green_share"]["deltas"]["no_west"] == pytest.approx(100 * green)


def test_runs_take_the_labels_given(runs: tuple[Path, Path]):
    c = compare(list(runs), [f"today={runs[0]}", f"no western hubs={runs[1]}"])
    assert c.labels == ["today", "no western hubs"]
    with pytest.raises(CompareError, match="not one of the folders compared"):
        compare(list(runs), [f"x={runs[0].parent}"])
    with pytest.raises(CompareError, match="write NAME=RUN_DIR"):
        compare(list(runs), ["today"])


def test_the_console_and_json_show_the_headline_deltas(runs: tuple[Path, Path], tmp_path: Path):
    args = ["compare", str(runs[0]), str(runs[1]), "--label", f"today={runs[0]}"]
    shown = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.output.split())
    assert "headline deltas against today" in text and "annual cost" in text
    as_json = runner.invoke(app, [*args, "--out", str(tmp_path / "b"), "--json"])
    payload = json.loads(as_json.stdout)
    assert payload["labels"] == ["today", "no_west"]
    figures = {d["figure"] for d in payload["headline"]}
    assert "objective_myuan" in figures


def test_shuffles_below_half_a_megawatt_are_not_differences():
    frame = pd.DataFrame(
        {
            "site": ["a", "b", "c"],
            "x": [100.0, 50.0, 10.0],
            "y": [100.4, 50.0 - 0.3, 12.0],  # 0.4 and 0.3 MW: shuffles; 2 MW: a change
        }
    )
    frame["delta y"] = frame["y"] - frame["x"]
    listed = _differs(frame, ["x", "y"], SHUFFLE_MW)
    assert listed["site"].tolist() == ["c"]
