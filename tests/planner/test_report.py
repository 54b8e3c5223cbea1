"""report.html: built from a results folder's files only, figures equal summary.json, every
section present, text from the inputs escaped, self-contained and small.

The small case (three sites, two regions, two classes, typical:2) has names chosen to break
naive HTML and spreadsheets: sites named `<script>alert(1)</script>` (id
`<img src=x onerror=alert(1)>`), `=HYPERLINK("http://x","y")` (id `=1+1`) and `-x` (id
`+1+1`), and a region `@x`. Other test modules reuse `build_small_run` (test_workbook,
test_compare, test_browser).
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.report import load_run, write_report
from planner.run import RunOptions, run
from planner.synthetic import case_tables, solar_day, table, write_case

# Ids may not contain ',' or '/', so the hostile names go in the free-text `name` column and
# the ids are hostile without those characters.
XSS_NAME = "<script>alert(1)</script>"
XSS_SITE = "<img src=x onerror=alert(1)>"
FORMULA_NAME = '=HYPERLINK("http://x","y")'
FORMULA_SITE = "=1+1"
PLUS_SITE = "+1+1"
AT_REGION = "@x"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "results.md"
MAX_REPORT_BYTES = 5_000_000

HOURS = np.arange(8760)
SEASON = -np.cos(2 * np.pi * (HOURS / 24.0 - 14.5) / 365.0)  # -1 mid-January, +1 mid-July
DIURNAL = np.cos(2 * np.pi * (HOURS % 24 - 15) / 24.0)


def _temperature(mean: float, seasonal: float) -> np.ndarray:
    return mean + seasonal * SEASON + 4.0 * DIURNAL


def small_case_tables(west_max_it_mw: float = 500.0, without: tuple[str, ...] = ()):
    """Raw tables and profiles of the small case with hostile names (see module docstring);
    `without`: site ids to leave out (runs with different sites)."""
    sites = [
        {
            "site": XSS_SITE,
            "name": XSS_NAME,
            "zone": "west",
            "lat": 37.5,
            "lon": 105.2,
            "max_it": west_max_it_mw,
            "grid_max": 1.6 * max(west_max_it_mw, 1.0),
            "pue_cap": 1.2,
            "pv_max": 800.0,
            "wind_max": 800.0,
            "grid_price": 0.36,
            "emission_factor": 0.62,
        },
        {
            "site": FORMULA_SITE,
            "name": FORMULA_NAME,
            "zone": "east",
            "lat": 31.0,
            "lon": 120.9,
            "max_it": 300.0,
            "grid_max": 480.0,
            "pue_cap": 1.25,
            "pv_max": 100.0,
            "wind_max": 50.0,
            "grid_price": 0.72,
            "emission_factor": 0.57,
        },
        {
            "site": PLUS_SITE,
            "name": "-x",
            "zone": "central",
            "lat": 30.6,
            "lon": 114.3,
            "max_it": 200.0,
            "grid_max": 320.0,
            "pue_cap": 1.3,
            "pv_max": 100.0,
            "wind_max": 50.0,
            "grid_price": 0.62,
            "emission_factor": 0.53,
        },
    ]
    sites = [s for s in sites if s["site"] not in without]
    regions = [
        {"region": "r1", "name": "Shanghai <b>bold</b>", "lat": 31.2, "lon": 121.5},
        {"region": AT_REGION, "name": "Wuhan", "lat": 30.6, "lon": 114.3},
    ]
    classes = [
        {"workload_class": "realtime", "max_rtt": 5.0, "flexibility": "fixed", "bandwidth": 1.0},
        {"workload_class": "batch", "flexibility": "shiftable", "bandwidth": 0.2},
    ]
    demand = {("r1", "realtime"): 60.0, ("r1", "batch"): 150.0, (AT_REGION, "batch"): 80.0}
    temperature = {
        XSS_SITE: _temperature(9.0, 14.0),
        FORMULA_SITE: _temperature(16.5, 12.0),
        PLUS_SITE: _temperature(16.8, 12.7),
    }
    temperature = {k: v for k, v in temperature.items() if k not in without}
    wind = {s["site"]: 0.28 + 0.15 * np.sin(2 * np.pi * HOURS / 97.0) for s in sites}
    raw, profiles = case_tables(
        regions=regions,
        sites=sites,
        classes=classes,
        demand=demand,
        temperature=temperature,
        pv=solar_day(0.16),
        wind=wind,
    )
    raw["Sources"] = table(
        "Sources",
        [
            {"sheet": "Sites", "key": XSS_SITE, "column": "pue_cap", "flag": "P", "source": "x"},
            {
                "sheet": "Sites",
                "key": FORMULA_SITE,
                "column": "grid_price",
                "flag": "E",
                "source": "<i>range</i> 0.6-0.8",
            },
            {"sheet": "Demand", "key": "r1", "column": "demand", "flag": "A", "source": "guess"},
        ],
    )
    raw["Scenarios"] = table(
        "Scenarios",
        [
            {
                "scenario": "no_west",
                "sheet": "Sites",
                "key": XSS_SITE,
                "column": "max_it_mw",
                "value": "0",
                "note": "no western build",
            }
        ],
    )
    return raw, profiles


def build_small_run(
    folder: Path, scenario: str | None = None, without: tuple[str, ...] = ()
) -> Path:
    """Write the small case under `folder`, solve it at typical:2 and return the run folder."""
    raw, profiles = small_case_tables(without=without)
    case = write_case(raw, profiles, folder / "case")
    record = run(case, RunOptions(scenario=scenario, time="typical:2"), out=folder / "run")
    assert record.solved.outcome.status == "optimal", record.solved.explanation
    return record.folder


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_run(tmp_path_factory.mktemp("small"))


@pytest.fixture
def run_copy(small_run: Path, tmp_path: Path) -> Path:
    """A private copy of the small run, for tests that rebuild or change files."""
    target = tmp_path / "run"
    shutil.copytree(small_run, target)
    return target


class _Page(HTMLParser):
    """Collects the parts of a page the tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.figures: dict[str, dict[str, str]] = {}
        self.figure_text: dict[str, str] = {}
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.sections: list[str] = []
        self.text: list[str] = []
        self.chart_divs: list[str] = []
        self.external: list[str] = []
        self._figure: str | None = None
        self._script: dict[str, str] | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "span" and "data-figure" in a:
            self._figure = a["data-figure"]
            self.figures[self._figure] = a
            self.figure_text[self._figure] = ""
        if tag == "script":
            self._script, self._script_text = a, []
            if a.get("src"):
                self.external.append(a["src"])
        if tag in ("link", "img", "iframe") and (a.get("href") or a.get("src")):
            self.external.append(a.get("href") or a.get("src"))
        if tag == "section" and "id" in a:
            self.sections.append(a["id"])
        if tag == "div" and a.get("class") == "chart":
            self.chart_divs.append(a["id"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self._figure = None
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)
            return
        if self._figure is not None:
            self.figure_text[self._figure] += data
        self.text.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def test_headline_figures_equal_summary_json(small_run: Path):
    summary = json.loads((small_run / "summary.json").read_text(encoding="utf-8"))
    page = parse((small_run / "report.html").read_text(encoding="utf-8"))
    keys = ["objective_myuan", "emissions_t", "green_share", "west_share", "pue_avg", "water_m3"]
    for key in keys:
        attrs = page.figures[key]
        assert float(attrs["data-value"]) == summary[key], key
        shown = float(page.figure_text[key].replace(",", ""))
        scale, decimals = float(attrs["data-scale"]), int(attrs["data-decimals"])
        assert shown == pytest.approx(summary[key] * scale, abs=0.51 * 10**-decimals), key


def test_cost_table_adds_up_to_the_objective(small_run: Path):
    summary = json.loads((small_run / "summary.json").read_text(encoding="utf-8"))
    costs = pd.read_csv(small_run / "costs.csv")
    assert costs["cost_myuan"].sum() == pytest.approx(summary["solver_objective_myuan"], rel=1e-6)
    text = "".join(parse((small_run / "report.html").read_text(encoding="utf-8")).text)
    assert f"{summary['objective_myuan']:,.1f}" in text  # the 'total' row of the cost table


def test_report_has_every_section_and_a_chart_for_each(small_run: Path):
    page = parse((small_run / "report.html").read_text(encoding="utf-8"))
    assert page.sections == [
        "headline",
        "map",
        "capacity",
        "supply",
        "dispatch",
        "pue-water",
        "prices",
        "routing",
        "assumptions",
        "run",
    ]
    specs = [attrs["data-target"] for attrs, _ in page.scripts if "data-target" in attrs]
    assert specs == page.chart_divs
    expected = {
        "fig-costs",
        "fig-map",
        "fig-capacity",
        "fig-supply",
        "fig-energy",
        "fig-dispatch-days",
        "fig-pue",
        "fig-water",
        "fig-duals",
    }
    assert expected <= set(page.chart_divs)


def test_map_draws_every_site_and_region_and_one_line_per_used_route(small_run: Path):
    page = parse((small_run / "report.html").read_text(encoding="utf-8"))
    spec = next(json.loads(t) for a, t in page.scripts if a.get("data-target") == "fig-map")
    lines = [t for t in spec["data"] if t.get("mode") == "lines" and "fill" not in t]
    routing = pd.read_csv(small_run / "routing.csv", keep_default_na=False)
    assert len(lines) == routing.groupby(["region", "site"]).ngroups
    labels = [x for t in spec["data"] if t.get("mode") == "markers+text" for x in t["text"]]
    assert "&lt;img src=x onerror=alert(1)&gt;" in labels  # plotly shows it as text
    assert AT_REGION in labels


def test_typical_day_dispatch_shows_each_representative_day_with_its_weight(small_run: Path):
    hourly = pd.read_parquet(small_run / "hourly.parquet")
    sites = pd.read_csv(small_run / "sites.csv", keep_default_na=False)
    busiest = sites.loc[sites["it_energy_mwh"].idxmax(), "site"]
    days = hourly[hourly["site"] == busiest].groupby("day")["weight_h"].first()
    html = (small_run / "report.html").read_text(encoding="utf-8")
    page = parse(html)
    spec = next(
        json.loads(t) for a, t in page.scripts if a.get("data-target") == "fig-dispatch-days"
    )
    labels = [a["text"] for a in spec["layout"]["annotations"] if a["text"].startswith("day ")]
    assert labels == [f"day {d} · ×{w:g}" for d, w in days.items()]
    assert sum(days) * 24 == 8760


def test_site_named_script_tag_appears_as_text_never_as_markup(small_run: Path):
    html = (small_run / "report.html").read_text(encoding="utf-8")
    for hostile in (XSS_NAME, XSS_SITE, "<b>bold</b>", "<i>range</i>"):
        assert hostile not in html  # neither raw in the HTML nor inside any script
    page = parse(html)
    text = "".join(page.text)
    assert XSS_NAME in text and XSS_SITE in text  # shown, as text, in the tables
    assert FORMULA_NAME in text
    for attrs, body in page.scripts:
        if attrs.get("type") == "application/json":
            assert "<" not in body and ">" not in body
            json.loads(body)  # every chart spec is intact JSON
    specs = "".join(body for attrs, body in page.scripts if attrs.get("type"))
    assert "\\u003cimg src=x" in specs or "\\u0026lt;img src=x" in specs  # escaped id
    assert "\\u0026lt;script\\u0026gt;" in specs  # the name reached the map hover, escaped


def test_report_is_self_contained_and_small(small_run: Path):
    html = (small_run / "report.html").read_text(encoding="utf-8")
    page = parse(html)
    assert page.external == []
    outside_scripts = re.sub(r"<script[^>]*>.*?</script>", "", html, flags=re.S)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", outside_scripts)
    packed = re.findall(
        r'<script id="plotly-gz" type="application/octet-stream">([^<]+)</script>', html
    )
    assert len(packed) == 1 and len(packed[0]) > 1_000_000  # plotly.js inlined once, gzipped
    assert len(html.encode("utf-8")) < MAX_REPORT_BYTES


def test_report_lists_the_estimates_and_assumptions_of_the_sources_sheet(small_run: Path):
    page = parse((small_run / "report.html").read_text(encoding="utf-8"))
    text = "".join(page.text)
    assert "[E]" in text and "[A]" in text
    assert "<i>range</i> 0.6-0.8" in text  # the source text, escaped but readable
    assert "guess" in text


def test_rebuilt_report_shows_the_manifest_and_reads_only_the_folder(run_copy: Path):
    manifest = json.loads((run_copy / "manifest.json").read_text(encoding="utf-8"))
    write_report(run_copy)
    text = "".join(parse((run_copy / "report.html").read_text(encoding="utf-8")).text)
    assert manifest["created_utc"] in text
    assert manifest["versions"]["highs"] in text
    assert "No manifest.json yet" not in text


def test_report_without_manifest_says_so_and_uses_the_run_log(run_copy: Path):
    (run_copy / "manifest.json").unlink()
    write_report(run_copy)
    text = "".join(parse((run_copy / "report.html").read_text(encoding="utf-8")).text)
    assert "No manifest.json yet" in text
    assert "solve" in text  # phase times from run.log


def test_report_falls_back_to_hourly_csv_and_survives_missing_tables(run_copy: Path):
    (run_copy / "hourly.parquet").unlink()
    (run_copy / "duals.csv").unlink()
    shutil.rmtree(run_copy / "inputs")
    write_report(run_copy)
    page = parse((run_copy / "report.html").read_text(encoding="utf-8"))
    assert "fig-dispatch-days" in page.chart_divs
    assert "fig-duals" not in page.chart_divs and "fig-map" not in page.chart_divs


def test_load_run_restores_text_that_the_csv_writer_protected(small_run: Path):
    raw = (small_run / "sites.csv").read_text(encoding="utf-8")
    assert "'=1+1" in raw and "'+1+1" in raw  # written protected by planner.writers
    run_data = load_run(small_run)
    assert set(run_data.table("sites")["site"]) == {XSS_SITE, FORMULA_SITE, PLUS_SITE}
    assert AT_REGION in set(run_data.table("routing")["region"])


def test_every_results_column_is_documented(small_run: Path):
    documented = set(re.findall(r"`([a-z0-9_]+)`", DOCS.read_text(encoding="utf-8")))
    run_data = load_run(small_run)
    for name, frame in run_data.tables.items():
        missing = [c for c in frame.columns if c not in documented]
        assert not missing, (name, missing)
    summary = json.loads((small_run / "summary.json").read_text(encoding="utf-8"))
    assert not [k for k in summary if k not in documented]


def test_default_case_report_is_under_5_mb(default_run_dir: Path):
    size = (default_run_dir / "report.html").stat().st_size
    assert size < MAX_REPORT_BYTES, size


def test_full_year_dispatch_shows_a_winter_and_a_summer_week(run_copy: Path):
    typical = pd.read_parquet(run_copy / "hourly.parquet")
    parts = []
    for _, rows in typical.groupby("site", sort=False):
        rows = rows.sort_values("timestep")
        n_days = rows["day"].nunique()
        year = pd.concat([rows] * (365 // n_days + 1), ignore_index=True).iloc[:8760]
        year = year.assign(
            timestep=range(8760),
            day=[t // 24 for t in range(8760)],
            hour=[t % 24 for t in range(8760)],
            weight_h=1.0,
        )
        parts.append(year)
    pd.concat(parts, ignore_index=True).to_parquet(run_copy / "hourly.parquet", index=False)
    write_report(run_copy)
    page = parse((run_copy / "report.html").read_text(encoding="utf-8"))
    assert "fig-dispatch-days" not in page.chart_divs
    specs = {a["data-target"]: json.loads(t) for a, t in page.scripts if "data-target" in a}
    for fig_id, first_day in (("fig-dispatch-winter", "01-15"), ("fig-dispatch-summer", "07-15")):
        data = specs[fig_id]["data"]
        assert data[0]["x0"].endswith(f"-{first_day} 00:00")
        assert {len(trace["y"]) for trace in data} == {7 * 24}


def test_report_of_an_infeasible_run_shows_the_explanation(tmp_path: Path):
    summary = {
        "case": "tiny",
        "scenario": "baseline",
        "time": "typical:2",
        "status": "infeasible",
        "objective_myuan": None,
        "explanation": {"message": "demand <b>cannot</b> be met", "conflicts": ["r1: no site"]},
    }
    (tmp_path / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    page = parse(write_report(tmp_path).read_text(encoding="utf-8"))
    text = "".join(page.text)
    assert "demand <b>cannot</b> be met" in text and "r1: no site" in text
    assert page.chart_divs == [] and page.figure_text["objective_myuan"] == "–"
