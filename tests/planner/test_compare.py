"""dcplan compare: headline deltas against the first run, outer joins over runs with different
sites, the inputs that differ, refusal of folders that changed since their run.

The shipped-scenario comparison uses the session's default-case run as the baseline and
solves `east_only` and `air_only` once for this module at the same time resolution (about a
minute each); the other tests use the small case of test_report (seconds).
"""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_report import FORMULA_SITE, PLUS_SITE, XSS_SITE, build_small_run, parse
from typer.testing import CliRunner

from planner.cli import app
from planner.compare import CompareError, compare, write_comparison
from planner.run import RunOptions, run

CASE = Path(__file__).resolve().parents[2] / "inputs" / "china_east_west.xlsx"
runner = CliRunner()


# ----------------------------------------------------------------------------- shipped case


@pytest.fixture(scope="module")
def shipped_runs(default_run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """baseline (the session's default run), east_only and air_only at the same resolution."""
    summary = json.loads((default_run_dir / "summary.json").read_text(encoding="utf-8"))
    root = tmp_path_factory.mktemp("scenarios")
    folders = [default_run_dir]
    for scenario in ("east_only", "air_only"):
        record = run(CASE, RunOptions(scenario=scenario, time=summary["time"]), out=root / scenario)
        assert record.solved.outcome.status == "optimal", scenario
        folders.append(record.folder)
    return folders


@pytest.fixture(scope="module")
def shipped_comparison(shipped_runs: list[Path], tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("cmp") / "comparison"
    result = runner.invoke(app, ["compare", *map(str, shipped_runs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


class _Deltas(HTMLParser):
    """{figure: {run: small-print delta text}} from the headline table of comparison.html."""

    def __init__(self) -> None:
        super().__init__()
        self.deltas: dict[str, dict[str, str]] = {}
        self._figure: str | None = None
        self._run: str | None = None
        self._in_small = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-figure" in a:
            self._figure = a["data-figure"]
            self.deltas[self._figure] = {}
        if tag == "td" and "data-run" in a and self._figure:
            self._run = a["data-run"]
        if tag == "small":
            self._in_small = True

    def handle_endtag(self, tag):
        if tag == "small":
            self._in_small = False
        if tag == "tr":
            self._figure = None

    def handle_data(self, data):
        if self._in_small and self._figure and self._run:
            self.deltas[self._figure][self._run] = data.strip()


def test_east_only_costs_more_and_air_only_has_higher_pue(shipped_comparison: Path):
    book = openpyxl.load_workbook(shipped_comparison / "comparison.xlsx")
    headline = pd.DataFrame(
        list(book["headline"].values)[1:], columns=next(book["headline"].values)
    )
    headline = headline.set_index("figure")
    assert headline.at["objective_myuan", "delta east_only"] > 0
    assert headline.at["pue_avg", "delta air_only"] > 0
    assert headline.at["west_share", "east_only"] == pytest.approx(0.0, abs=1e-9)
    parser = _Deltas()
    parser.feed((shipped_comparison / "comparison.html").read_text(encoding="utf-8"))
    assert parser.deltas["objective_myuan"]["east_only"].startswith("+")
    assert parser.deltas["pue_avg"]["air_only"].startswith("+")


def test_shipped_comparison_lists_the_scenario_overrides_as_input_differences(
    shipped_comparison: Path,
):
    book = openpyxl.load_workbook(shipped_comparison / "comparison.xlsx")
    rows = list(book["inputs_differ"].values)
    diff = pd.DataFrame(rows[1:], columns=rows[0])
    scenario = diff[(diff["sheet"] == "(run)") & (diff["key"] == "scenario")].iloc[0]
    assert (scenario["baseline"], scenario["east_only"], scenario["air_only"]) == (
        "baseline",
        "east_only",
        "air_only",
    )
    west = diff[(diff["sheet"] == "Sites") & (diff["key"] == "horinger")].iloc[0]
    assert west["column"] == "max_it [MW]" and west["east_only"] == 0
    cooling = diff[(diff["sheet"] == "Technologies") & (diff["key"] == "cold_plate")].iloc[0]
    assert cooling["air_only"] == "false" and cooling["baseline"] == "true"
    # air_only also spreads the dense accelerator racks (Hardware rack density)
    # east_only also closes the power lines (issue 15)
    assert set(diff["sheet"]) == {
        "(run)",
        "Settings",
        "Sites",
        "Technologies",
        "Hardware",
        "Lines",
    }


def test_east_only_moves_routing_from_west_to_east(shipped_comparison: Path):
    book = openpyxl.load_workbook(shipped_comparison / "comparison.xlsx")
    rows = list(book["served_by_zone_mw"].values)
    zones = pd.DataFrame(rows[1:], columns=rows[0]).set_index("zone")
    assert zones.at["west", "east_only"] == pytest.approx(0.0, abs=1e-6)
    assert zones.at["east", "east_only"] > zones.at["east", "baseline"]
    total = zones.sum()
    assert total["east_only"] == pytest.approx(total["baseline"], rel=1e-6)


# ----------------------------------------------------------------------------- small case


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("small_cmp")
    return {
        "baseline": build_small_run(root / "a"),
        "no_west": build_small_run(root / "b", scenario="no_west"),
        "fewer_sites": build_small_run(root / "c", without=(PLUS_SITE,)),
    }


def test_runs_with_different_sites_are_outer_joined(small_runs: dict[str, Path]):
    c = compare([small_runs["baseline"], small_runs["fewer_sites"]])
    assert c.labels == ["baseline (a/run)", "baseline (c/run)"]  # same scenario, same folder name
    first, second = c.labels
    it = c.capacity[c.capacity["quantity"] == "it_capacity_mw"].set_index("site")
    assert set(it.index) == {XSS_SITE, FORMULA_SITE, PLUS_SITE}
    assert pd.isna(it.at[PLUS_SITE, second])  # the site is not in the second run
    assert not pd.isna(it.at[PLUS_SITE, first])
    routes = c.routing.set_index(["region", "workload_class", "site"])
    for key, row in routes.iterrows():
        assert not pd.isna(row[second]), key  # unused routes count as 0 MW
    missing = c.inputs[(c.inputs["sheet"] == "Sites") & (c.inputs["key"] == PLUS_SITE)]
    assert (missing[second] == "(no row)").all() and len(missing)


def test_scenario_runs_show_the_override_and_the_deltas(small_runs: dict[str, Path]):
    c = compare([small_runs["baseline"], small_runs["no_west"]])
    assert c.labels == ["baseline", "no_west"]
    override = c.inputs[(c.inputs["sheet"] == "Sites") & (c.inputs["key"] == XSS_SITE)]
    assert override["column"].tolist() == ["max_it [MW]"]
    assert override["no_west"].tolist() == [0]
    head = c.headline.set_index("figure")
    base = json.loads((small_runs["baseline"] / "summary.json").read_text(encoding="utf-8"))
    other = json.loads((small_runs["no_west"] / "summary.json").read_text(encoding="utf-8"))
    assert head.at["objective_myuan", "delta no_west"] == pytest.approx(
        other["objective_myuan"] - base["objective_myuan"]
    )
    assert head.at["emissions_t", "baseline"] == pytest.approx(base["emissions_t"] / 1e3)
    costs = c.costs.set_index("term")
    assert costs.at["total", "baseline"] == pytest.approx(base["objective_myuan"])


def test_compare_writes_html_and_xlsx_with_escaped_names(
    small_runs: dict[str, Path], tmp_path: Path
):
    out = write_comparison([small_runs["baseline"], small_runs["no_west"]], tmp_path / "c")
    html = (out / "comparison.html").read_text(encoding="utf-8")
    assert XSS_SITE not in html
    page = parse(html)
    assert XSS_SITE in "".join(page.text)
    assert len(page.chart_divs) >= 4
    book = openpyxl.load_workbook(out / "comparison.xlsx")
    assert book.sheetnames == [
        "runs",
        "headline",
        "costs_myuan",
        "capacity",
        "routing_served_mw",
        "served_by_zone_mw",
        "inputs_differ",
    ]
    assert sorted(p.name for p in out.iterdir()) == ["comparison.html", "comparison.xlsx"]


def test_compare_refuses_a_folder_changed_since_its_run(
    small_runs: dict[str, Path], tmp_path: Path
):
    changed = tmp_path / "changed"
    shutil.copytree(small_runs["baseline"], changed)
    sites = changed / "sites.csv"
    sites.write_text(sites.read_text(encoding="utf-8").replace("east", "west"), encoding="utf-8")
    result = runner.invoke(
        app, ["compare", str(small_runs["no_west"]), str(changed), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "sites.csv" in result.output and "changed since the run" in result.output
    assert not (tmp_path / "o").exists()


def test_compare_refuses_one_folder_a_missing_manifest_and_more_than_twenty(
    small_runs: dict[str, Path], tmp_path: Path
):
    one = runner.invoke(app, ["compare", str(small_runs["baseline"])])
    assert one.exit_code == 2 and "2 to 20" in one.output
    bare = tmp_path / "bare"
    shutil.copytree(small_runs["baseline"], bare)
    (bare / "manifest.json").unlink()
    with pytest.raises(CompareError) as err:
        compare([small_runs["baseline"], bare])
    assert any("no manifest.json" in p for p in err.value.problems)
    many = [small_runs["baseline"]] * 21
    with pytest.raises(CompareError) as err:
        compare(many)
    assert any("2 to 20" in p for p in err.value.problems)


def test_compare_does_not_overwrite_unless_asked(small_runs: dict[str, Path], tmp_path: Path):
    folders = [str(small_runs["baseline"]), str(small_runs["no_west"])]
    out = tmp_path / "out"
    assert runner.invoke(app, ["compare", *folders, "--out", str(out)]).exit_code == 0
    again = runner.invoke(app, ["compare", *folders, "--out", str(out)])
    assert again.exit_code == 2 and "exists" in again.output
    forced = runner.invoke(app, ["compare", *folders, "--out", str(out), "--overwrite", "--json"])
    assert forced.exit_code == 0
    assert json.loads(forced.stdout)["html"].endswith("comparison.html")
