"""Readability of report.html, comparison.html, sweep.html and pareto.html (issue 17, item 6):
a map of China drawn from shipped public-domain data, a legend on every chart, table titles
for people with units and shares in %, axes that one point cannot flatten, and the message
for browsers without DecompressionStream. Browser checks (rendering, printing to PDF) are in
test_report_browser.py."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from test_report import build_small_run, parse

from planner import charts
from planner.compare import write_comparison
from planner.params import Parameter
from planner.pareto import OBJECTIVES, pareto_figures
from planner.sweep import Axis, sweep_figures
from tests.planner.shipped import load_script

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "planner" / "assets"
# the 31 provincial-level divisions of mainland China, by their HASC codes in Natural Earth
MAINLAND = set(
    "AH BJ CQ FJ GD GS GX GZ HA HB HE HL HN HU JL JS JX LN NM NX QH SA SC SD SH SX TJ XJ XZ YN ZJ".split()  # noqa: SIM905, E501
)
# the sites' coordinates are given to 0.1°, the map is simplified at 0.04°: a site this close
# to its province's border [°] may fall just outside it
BORDER_SLACK_DEG = 0.1


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("readable")
    base = build_small_run(root / "a")
    other = build_small_run(root / "b", scenario="no_west")
    labels = [f"base_mw={base}", f"no west={other}"]
    comparison = write_comparison([base, other], root / "cmp", labels=labels)
    return {
        "run": base,
        "report": base / "report.html",
        "comparison": comparison / "comparison.html",
    }


def specs_of(html: str) -> dict[str, dict]:
    """Chart id → plotly spec, as embedded in the page."""
    page = parse(html)
    return {a["data-target"]: json.loads(t) for a, t in page.scripts if "data-target" in a}


def inside(lon: float, lat: float, ring: tuple[float, ...]) -> bool:
    """Even-odd point-in-polygon test on a flat (lon, lat, …) ring."""
    xs, ys = ring[0::2], ring[1::2]
    hit = False
    for i in range(len(xs)):
        j = i - 1
        if (ys[i] > lat) != (ys[j] > lat):
            cross = xs[j] + (lat - ys[j]) * (xs[i] - xs[j]) / (ys[i] - ys[j])
            if lon < cross:
                hit = not hit
    return hit


def distance(lon: float, lat: float, ring: tuple[float, ...]) -> float:
    """Distance [°] from a point to the nearest edge of a flat (lon, lat, …) ring."""
    xs, ys = ring[0::2], ring[1::2]
    best = math.inf
    for i in range(len(xs)):
        x1, y1, x2, y2 = xs[i - 1], ys[i - 1], xs[i], ys[i]
        dx, dy = x2 - x1, y2 - y1
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, ((lon - x1) * dx + (lat - y1) * dy) / length))
        best = min(best, math.hypot(x1 + t * dx - lon, y1 + t * dy - lat))
    return best


# ----------------------------------------------------------------------------- map data


def test_map_data_is_small_public_domain_and_has_every_province():
    data = ASSETS / "china_provinces.json"
    assert data.stat().st_size < 200_000  # "well under 1 MB"
    readme = (ASSETS / "README.md").read_text(encoding="utf-8")
    assert "Natural Earth" in readme and "public domain" in readme
    assert "scripts/make_china_map.py" in readme
    provinces = charts.china_provinces()
    ids = {pid.removeprefix("CN.") for pid, _, _ in provinces if pid.startswith("CN.")}
    assert ids == MAINLAND
    assert {"Taiwan", "Hong Kong"} <= {name for _, name, _ in provinces}
    for _, name, rings in provinces:
        assert rings, name
        for ring in rings:
            assert len(ring) >= 6 and len(ring) % 2 == 0
            assert all(73 <= x <= 136 for x in ring[0::2]), name
            assert all(15 <= y <= 54 for y in ring[1::2]), name


def test_every_site_of_the_default_case_lies_in_its_province_on_the_map():
    sites = pd.read_csv(ROOT / "inputs" / "china_east_west" / "Sites.csv")
    shapes = {name: rings for _, name, rings in charts.china_provinces()}
    assert len(sites) >= 10
    for site, province, lat, lon in zip(
        sites["site"], sites["province"], sites["lat [deg]"], sites["lon [deg]"], strict=True
    ):
        rings = shapes[province]
        within = sum(inside(lon, lat, r) for r in rings) % 2 == 1
        near = min(distance(lon, lat, r) for r in rings) < BORDER_SLACK_DEG
        assert within or near, (site, province)


def test_map_script_decodes_topojson_and_keeps_shared_borders_identical():
    script = load_script("make_china_map")
    # two unit squares side by side sharing the arc x = 1 (TopoJSON: arc 0, reversed as ~0)
    topology = {
        "transform": {"scale": [0.5, 0.5], "translate": [100.0, 30.0]},
        "arcs": [
            [[2, 0], [0, 1], [0, 1]],  # (101, 30) → (101, 31): the shared border
            [[2, 2], [-1, 0], [-1, 0], [0, -1], [0, -1], [2, 0]],  # left square's other sides
            [[2, 0], [1, 0], [1, 0], [0, 2], [-2, 0]],  # right square's other sides
        ],
    }
    arcs = script.decode_arcs(topology)
    assert arcs[0] == [(101.0, 30.0), (101.0, 30.5), (101.0, 31.0)]
    simple = [script.quantise(script.douglas_peucker(a, 0.04)) for a in arcs]
    assert simple[0] == [(10100, 3000), (10100, 3100)]  # the collinear middle point is dropped
    left = script.ring_points([0, 1], simple)
    right = script.ring_points([~0, 2], simple)
    assert left[:2] == right[1::-1]  # the same border on both sides, run the other way
    assert script.area(left) == pytest.approx(10_000.0)  # 1° × 1° in (0.01°)²
    # the union of the two squares: one ring, without the shared border
    assert script.dissolve([[0, 1], [~0, 2]], arcs) == [[1, 2]]
    # a zigzag smaller than the tolerance disappears, a larger one stays
    zigzag = [(0.0, 0.0), (1.0, 0.03), (2.0, 0.0), (3.0, 0.5), (4.0, 0.0)]
    assert script.douglas_peucker(zigzag, 0.04) == [(0.0, 0.0), (2.0, 0.0), (3.0, 0.5), (4.0, 0.0)]


def test_report_map_draws_the_provinces_under_the_sites_without_any_url(pages):
    html = pages["report"].read_text(encoding="utf-8")
    spec = specs_of(html)["fig-map"]
    provinces = spec["data"][0]
    assert provinces["fill"] == "toself" and "Natural Earth" in provinces["name"]
    rings = sum(len(r) for _, _, r in charts.china_provinces())
    assert sum(1 for x in provinces["x"] if x is None) == rings  # one gap after each ring
    assert all(t["type"] == "scatter" for t in spec["data"])  # no geo subplot: no topojson fetch
    assert "geo" not in spec["layout"] and "mapbox" not in spec["layout"]
    assert not re.search(r"https?://|topojson", json.dumps(spec["layout"]))
    names = [t.get("name", "") for t in spec["data"]]
    assert names.index(provinces["name"]) < min(i for i, n in enumerate(names) if "site" in n)


# ----------------------------------------------------------------------------- legends


def assert_every_mark_in_a_legend(spec: dict, where: str) -> None:
    """Every trace that draws data is named in the legend, or belongs to a legend group that
    is, or is a heat map with a titled colour bar. Allowed without a legend entry: text-only
    labels and invisible hover helpers."""
    data = spec["data"]
    if all(t["type"] == "heatmap" for t in data):
        assert all(t["colorbar"]["title"]["text"] for t in data), where
        return
    assert spec["layout"].get("showlegend") is True, where
    shown = [t for t in data if t.get("showlegend", True)]
    groups = {t.get("legendgroup") for t in shown if t.get("legendgroup")}
    for trace in shown:
        assert trace.get("name") and not re.fullmatch(r"trace \d+", trace["name"]), (where, trace)
    for trace in data:
        if trace in shown or trace.get("legendgroup") in groups:
            continue
        helper = trace.get("mode") == "text" or (
            (trace.get("marker") or {}).get("color") == "rgba(0,0,0,0)"
        )
        assert helper, (where, {k: trace.get(k) for k in ("name", "mode", "type")})


def test_every_chart_of_the_report_and_the_comparison_has_a_legend(pages):
    for name in ("report", "comparison"):
        specs = specs_of(pages[name].read_text(encoding="utf-8"))
        assert len(specs) >= 5
        for chart, spec in specs.items():
            assert_every_mark_in_a_legend(spec, f"{name}:{chart}")


def test_comparison_headline_legend_names_each_run_once(pages):
    spec = specs_of(pages["comparison"].read_text(encoding="utf-8"))["fig-headline"]
    shown = [t["name"] for t in spec["data"] if t.get("showlegend", True)]
    assert shown == ["base_mw", "no west"]


def front_table(prices: list[float]) -> pd.DataFrame:
    """A Pareto table as pareto_front writes it (emissions falling, cost rising)."""
    n = len(prices)
    return pd.DataFrame(
        {
            "point": range(n),
            "kind": ["least_cost", *["cap"] * (n - 2), "least_emissions"],
            "emissions_t": [400_000 - 50_000 * i for i in range(n)],
            "cost_myuan": [2_900 + 10 * i**2 for i in range(n)],
            "carbon_shadow_price_yuan_per_t": prices,
            "knee": [i == n // 2 for i in range(n)],
        }
    )


def sweep_table() -> tuple[pd.DataFrame, list[Axis]]:
    values = (50.0, 100.0, 200.0)
    table = pd.DataFrame(
        {
            "carbon_price": values,
            "objective_myuan": [2_900.0, 2_950.0, 90_000.0],  # the last point: unserved penalty
            "emissions_t": [4e5, 3.5e5, 3e5],
            "west_share": [0.6, 0.7, 0.8],
            "green_share": [0.7, 0.75, 0.8],
            "pue_avg": [1.2, 1.2, 1.19],
            "water_m3": [9e5, 9e5, 8e5],
        }
    )
    axis = Axis("carbon_price", Parameter("Settings", "carbon_price", "value"), values)
    return table, [axis]


def test_every_pareto_and_sweep_chart_has_a_legend():
    figures = pareto_figures(front_table([0, 0, 40, 90, 150]), OBJECTIVES["emissions"])
    table, axes = sweep_table()
    figures += sweep_figures(table, axes)
    assert len(figures) == 2 + 7
    for fig in figures:
        spec = json.loads(charts.figure_json(fig))
        assert_every_mark_in_a_legend(spec, charts.figure_title(fig))


# ----------------------------------------------------------------------------- tables


def header_texts(html: str) -> list[str]:
    return [re.sub(r"<wbr>|<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", html)]


def test_column_titles_have_words_and_units():
    assert charts.column_title("it_capacity_mw") == "IT capacity [MW]"
    assert charts.column_title("it_capacity_cold_plate_mw") == "IT capacity cold plate [MW]"
    assert charts.column_title("green_share") == "green share [%]"
    assert charts.column_title("utilisation") == "utilisation [%]"
    assert charts.column_title("rtt_ms") == "RTT [ms]"
    assert charts.column_title("bandwidth_cost_myuan") == "bandwidth cost [M yuan/yr]"
    title = charts.column_title("shadow_price_pue_cap_yuan_per_mwh")
    assert title == "shadow price PUE cap [yuan/MWh]"
    assert charts.column_title("site") == "site"


def test_report_tables_show_titles_with_units_and_shares_in_percent(pages):
    html = pages["report"].read_text(encoding="utf-8")
    headers = header_texts(html)
    assert "IT capacity [MW]" in headers and "green share [%]" in headers
    assert "emissions [t CO₂/yr]" in headers and "share of total [%]" in headers
    assert not [h for h in headers if re.search(r"_(mw|mwh|myuan|t|m3)$", h)], headers
    sites = pd.read_csv(pages["run"] / "sites.csv", keep_default_na=False)
    energy = next(
        t
        for t in re.findall(r"<table class=\"data \">.*?</table>", html, re.S)
        if "green share [%]" in t
    )
    rows = [
        re.findall(r"<td[^>]*>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", energy, re.S)
    ]
    column = header_texts(energy).index("green share [%]")
    shown = [r[column] for r in rows if r]
    expected = ["" if v == "" else f"{100 * float(v):.1f}" for v in sites["green_share"]]
    assert shown == expected and any(expected)  # in %, blank where a site uses no energy


def test_comparison_tables_keep_run_labels_and_name_quantities(pages):
    html = pages["comparison"].read_text(encoding="utf-8")
    headers = header_texts(html)
    assert "base_mw" in headers and "delta no west" in headers  # run labels as given
    assert "base [MW]" not in headers
    assert "IT capacity [MW]" in html  # the quantity column's values
    assert not re.search(r"<td[^>]*>it_capacity_mw</td>", html)


def test_sweep_and_pareto_tables_show_titles_and_shares_in_percent(tmp_path: Path):
    from types import SimpleNamespace

    from planner.pareto import write_pareto_html
    from planner.sweep import table_rows, table_titles

    table, _ = sweep_table()
    titles = table_titles(table, keep=["carbon_price"])
    assert titles[:3] == ["carbon_price", "annual cost [M yuan/yr]", "emissions [t CO₂/yr]"]
    rows = table_rows(table, keep=["carbon_price"])
    assert [r[titles.index("green share [%]")] for r in rows] == ["70", "75", "80"]
    front = front_table([0, 0, 40, 90, 150]).assign(green_share=0.5)
    page = write_pareto_html(
        front,
        OBJECTIVES["emissions"],
        tmp_path / "pareto.html",
        SimpleNamespace(name="case", scenario="baseline"),
    ).read_text(encoding="utf-8")
    headers = header_texts(page)
    assert "carbon shadow price [yuan/t CO₂]" in headers and "green share [%]" in headers
    assert "<td>50</td>" in page


# ----------------------------------------------------------------------------- axes


def test_spread_axis_leaves_even_data_alone_and_tames_outliers():
    assert charts.spread_axis([10, 20, 30, 40]) == {}
    assert charts.spread_axis([1, 10, 100, 1_000, 10_000]) == {"type": "log"}
    spread = charts.spread_axis([0, 0, 40, 90, 150, 25_000])
    assert spread["clipped"] == [5]
    assert spread["range"][0] == 0 and 150 < spread["range"][1] < 250  # prices are never < 0
    assert charts.spread_axis([0, 0, 0, 5]) == {}  # one non-zero point: nothing to compare


def test_pareto_shadow_price_axis_is_clipped_above_the_tightest_cap():
    prices = [0, 0, 40, 90, 150, 25_000]
    front, price = pareto_figures(front_table(prices), OBJECTIVES["emissions"])
    low, high = price.layout.yaxis.range
    assert low == 0 and 150 < high < 25_000
    notes = [a.text for a in price.layout.annotations]
    assert notes == ["↑ 25,000 yuan/t CO2 (off scale)"]
    assert front.layout.yaxis.range is None  # the front itself is not clipped
    # positive prices spanning orders of magnitude: a log axis instead
    _, price = pareto_figures(front_table([5, 50, 500, 5_000, 50_000]), OBJECTIVES["emissions"])
    assert price.layout.yaxis.type == "log"


def test_sweep_chart_axis_is_clipped_above_a_runaway_point():
    table, axes = sweep_table()
    cost = sweep_figures(table, axes)[0]
    low, high = cost.layout.yaxis.range
    assert 2_800 < low < 2_900 and 2_950 < high < 90_000  # the two other points fill the axis
    assert [a.x for a in cost.layout.annotations] == [200.0]


# ----------------------------------------------------------------------------- print, no-JS


def test_page_has_print_rules_and_a_message_for_browsers_without_decompression(pages):
    html = pages["report"].read_text(encoding="utf-8")
    css = re.search(r"@media print \{(.*?)\n\}", html, re.S).group(1)
    assert re.search(r"h2, h3, h3\.chart-title \{ break-after: avoid", css)
    assert re.search(r"\.chart-block[^{]*\{ break-inside: avoid", css)
    for block in re.findall(r'<div class="chart-block">(.*?)</div><script', html, re.S):
        assert block.startswith('<h3 class="chart-title">')  # title and chart in one block
    assert '<div id="charts-missing" class="box" role="alert" hidden></div>' in html
    assert "typeof DecompressionStream === 'undefined'" in html
    assert json.dumps(charts.NEEDS_DECOMPRESSION) in html
