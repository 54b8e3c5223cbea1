"""Plotly figures for report.html and comparison.html, and their safe embedding in HTML.

Figures are built from the tidy results tables (DataFrames; units in column names). Every
figure is embedded as JSON inside `<script type="application/json">`, with `<`, `>` and `&`
escaped as `\\u003c`, `\\u003e`, `\\u0026`, so no text from the inputs (a site called
`</script><script>…`) can end the script element. Text shown by plotly (site, region, class
and run names) is HTML-escaped first, because plotly reads a few HTML-like tags in labels.
plotly.js is inlined once per page (`plotly_js()`), so pages open offline.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup
from plotly.subplots import make_subplots

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"
ZONE_COLOURS = {"west": "#1b7f5f", "east": "#c8553d", "central": "#6a5acd"}
COOLING_COLOURS = ["#9ecae1", "#3182bd", "#08519c", "#6baed6", "#2171b5", "#c6dbef"]
SUPPLY_COLOURS = {
    "grid": "#8c8c8c",
    "pv": "#f2b701",
    "wind": "#3a9ad9",
    "battery": "#8e44ad",
    "charge": "#c39bd3",
    "curtailed": "#e67e22",
}
RUN_COLOURS = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
]
COST_COLOURS = [
    "#4e79a7",
    "#a0cbe8",
    "#f28e2b",
    "#ffbe7d",
    "#59a14f",
    "#8cd17d",
    "#b6992d",
    "#f1ce63",
    "#499894",
    "#86bcb6",
    "#e15759",
    "#ff9d9a",
    "#79706e",
    "#bab0ac",
    "#d37295",
    "#fabfd2",
]
HOUR_MS = 3_600_000
# a short mode bar (download, zoom, pan, reset) covers less of a legend above the chart
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": [
        "select2d",
        "lasso2d",
        "zoomIn2d",
        "zoomOut2d",
        "autoScale2d",
        "toggleSpikelines",
        "hoverClosestCartesian",
        "hoverCompareCartesian",
    ],
}
GRID = "#e3e8ee"
# A small template instead of plotly's (each figure embeds its template: plotly_white is 7 kB)
THEME = go.layout.Template(
    layout={
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": RUN_COLOURS,
        "hoverlabel": {"align": "left"},
        "xaxis": {"gridcolor": GRID, "linecolor": "#9aa5b1", "zerolinecolor": GRID},
        "yaxis": {"gridcolor": GRID, "linecolor": "#9aa5b1", "zerolinecolor": "#9aa5b1"},
    }
)


# ----------------------------------------------------------------------------- column titles

# results column → title shown in HTML tables (CSV and xlsx keep the column names: a public
# interface). Names not listed get a title from their words and unit suffix (`column_title`).
COLUMN_TITLES = {
    "objective_myuan": "annual cost [M yuan/yr]",
    "pue_avg": "average PUE [-]",
    "seconds": "time [s]",
    "it_capacity_mw": "IT capacity [MW]",
    "pv_mw": "PV [MW]",
    "wind_mw": "wind [MW]",
    "battery_mw": "battery power [MW]",
    "battery_mwh": "battery energy [MWh]",
    "cost_myuan": "cost [M yuan/yr]",
    "it_energy_mwh": "IT energy [MWh/yr]",
    "facility_energy_mwh": "facility energy [MWh/yr]",
    "grid_energy_mwh": "grid energy [MWh/yr]",
    "pv_energy_mwh": "PV energy used [MWh/yr]",
    "wind_energy_mwh": "wind energy used [MWh/yr]",
    "curtailed_mwh": "curtailed PV and wind [MWh/yr]",
    "certificates_mwh": "green certificates [MWh/yr]",
    "emissions_t": "emissions [t CO₂/yr]",
    "water_m3": "water [m³/yr]",
    "water_cap_m3": "water cap [m³/yr]",
    "pue": "PUE [-]",
    "pue_cap": "PUE cap [-]",
    "served_mw": "served [MW IT]",
    "unserved_mw": "unserved [MW IT]",
    "workload_class": "workload class",
    "weight_h": "weight [h]",
    "days_represented": "days represented [d]",
    "share_of_total": "share of total [%]",
    "shadow_price": "shadow price",
    "cost_of_tightening_by_one": "cost of tightening by one unit",
    "limits_broken_over_the_full_year": "limits broken over the full year",
    "created_utc": "created (UTC)",
    "inputs_sha256": "inputs SHA-256",
}
# unit suffixes of column names (longest first) → unit text
UNIT_SUFFIXES = (
    ("_yuan_per_mwh", "yuan/MWh"),
    ("_yuan_per_m3", "yuan/m³"),
    ("_yuan_per_t", "yuan/t CO₂"),
    ("_myuan", "M yuan/yr"),
    ("_mwh", "MWh"),
    ("_mw", "MW"),
    ("_gbps", "Gbps"),
    ("_km", "km"),
    ("_ms", "ms"),
    ("_m3", "m³"),
    ("_pct", "%"),
    ("_t", "t CO₂"),
    ("_c", "°C"),
    ("_h", "h"),
)
WORDS = {"it": "IT", "pv": "PV", "pue": "PUE", "rtt": "RTT", "co2": "CO₂", "om": "O&M"}
SHARE_NAMES = frozenset({"green_share", "west_share", "utilisation", "gap", "share"})


def is_share(name: str) -> bool:
    """True for a column holding a share (0…1), shown in % in HTML tables."""
    n = str(name).lower()
    return n in SHARE_NAMES or n.endswith("_share") or n.startswith("share_")


def column_title(name: str) -> str:
    """A results column's title for people: words, and the unit in brackets
    (`it_capacity_air_mw` → `IT capacity air [MW]`, `green_share` → `green share [%]`)."""
    if name in COLUMN_TITLES:
        return COLUMN_TITLES[name]
    n = str(name)
    unit = ""
    if is_share(n):
        unit = "%"
    else:
        for suffix, text in UNIT_SUFFIXES:
            if n.lower().endswith(suffix) and len(n) > len(suffix):
                n, unit = n[: -len(suffix)], text
                break
    words = " ".join(WORDS.get(w.lower(), w) for w in n.split("_") if w)
    return f"{words} [{unit}]" if unit else words


def esc(text: object) -> str:
    """Text for plotly labels: HTML-escaped, so a name is shown as typed, never as markup."""
    return html.escape("" if text is None else str(text), quote=False)


def rounded(values: Iterable[float], digits: int = 3) -> list[float | None]:
    """Numbers for figure JSON: rounded to `digits` decimals, NaN → None (smaller pages)."""
    out: list[float | None] = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        f = float(v)
        out.append(None if math.isnan(f) or math.isinf(f) else round(f, digits))
    return out


def _layout(fig: go.Figure, title: str, height: int = 420, **extra) -> go.Figure:
    """Common look. The title is kept in `layout.meta` and shown as an HTML heading above the
    chart by `figure_block` (a plotly title collides with a top legend on narrow screens)."""
    fig.update_layout(
        meta={"title": title},
        template=THEME,
        font={"family": FONT, "size": 12},
        height=height,
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
        showlegend=True,  # also for one trace: every chart says what its marks are
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        **extra,
    )
    return fig


LOG_RATIO = 100.0  # positive values spanning more than this factor get a log axis
OUTLIER = 5.0  # a value more than this many times the next largest is an outlier


def spread_axis(values: Iterable[float]) -> dict:
    """How to show `values` on an axis so one point does not flatten the rest.

    Returns {} (linear, all visible); {"type": "log"} when every value is positive and they
    span more than LOG_RATIO; or {"range": [low, high], "clipped": [i, …]} when one value (or
    at most a quarter of them) are outliers, each more than OUTLIER × the next largest (e.g.
    the tightest cap of a Pareto front): the axis stops above the rest and the listed points
    are marked as clipped (`mark_clipped`)."""
    v = np.array([np.nan if x is None else float(x) for x in values], dtype=float)
    finite = v[np.isfinite(v)]
    if len(finite) < 3:
        return {}
    if finite.min() > 0 and finite.max() / finite.min() > LOG_RATIO:
        return {"type": "log"}
    order = np.sort(finite)[::-1]
    cut = 0  # number of outliers at the top
    most = max(1, len(order) // 4)
    while cut < most and order[cut + 1] > 0 and order[cut] > OUTLIER * order[cut + 1]:
        cut += 1
    if cut == 0:
        return {}
    keep, least = float(order[cut]), float(finite.min())
    span = keep - least if keep > least else abs(keep) or 1.0
    low = least - 0.1 * span
    if least >= 0 > low:  # no negative room below data that are never negative
        low = 0.0
    high = keep + 0.25 * span
    clipped = [i for i, x in enumerate(v) if np.isfinite(x) and x > keep]
    return {"range": [low, high], "clipped": clipped}


def _plain(value: float) -> str:
    """A number as people write it: 25,000 or 0.0123 (no exponent)."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def mark_clipped(fig: go.Figure, x: list, y: list, spread: dict, unit: str) -> None:
    """Apply `spread_axis` settings to the y axis and label each clipped point at the top of
    the axis with its value (`↑ 12,300 unit`)."""
    if "type" in spread:
        fig.update_yaxes(type=spread["type"])
    if "range" not in spread:
        return
    fig.update_yaxes(range=spread["range"])
    for i in spread["clipped"]:
        fig.add_annotation(
            x=x[i],
            y=spread["range"][1],
            text=f"↑ {_plain(float(y[i]))} {esc(unit)} (off scale)",
            showarrow=False,
            yanchor="top",
            font={"size": 11, "color": "#b03a2e"},
        )


def figure_title(fig: go.Figure) -> str:
    """The plain-text title a chart builder gave the figure."""
    meta = fig.layout.meta
    return str(meta.get("title", "")) if isinstance(meta, dict) else ""


def figure_json(fig: go.Figure) -> str:
    """The figure as JSON text that is safe inside a <script> element."""
    spec = fig.to_plotly_json()
    payload = {"data": spec.get("data", []), "layout": spec.get("layout", {}), "config": CONFIG}
    from plotly.utils import PlotlyJSONEncoder

    text = json.dumps(payload, cls=PlotlyJSONEncoder, separators=(",", ":"))
    return script_safe(text)


def script_safe(text: str) -> str:
    """JSON text with every character that could end or confuse a <script> escaped.

    `<`, `>` and `&` only occur inside JSON strings, where `\\u003c` etc. are equivalent."""
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def figure_block(fig: go.Figure, fig_id: str) -> Markup:
    """A chart's title, container and JSON spec; `RENDER_SCRIPT` draws every such block.

    The block is one `div.chart-block`, so printing keeps the title with its chart."""
    safe_id = html.escape(fig_id, quote=True)
    title = figure_title(fig)
    heading = f'<h3 class="chart-title">{html.escape(title)}</h3>' if title else ""
    return Markup(
        f'<div class="chart-block">{heading}<div class="chart" id="{safe_id}"></div>'
        f'<script type="application/json" class="figure-spec" data-target="{safe_id}">'
        f"{figure_json(fig)}</script></div>"
    )


def plotly_js() -> Markup:
    """plotly.js, gzip-compressed and base64-encoded (about 1.9 MB instead of 4.8 MB), inlined
    once per page; `RENDER_SCRIPT` unpacks it with the browser's DecompressionStream, so the
    page needs no network access and stays well under 5 MB."""
    import base64
    import gzip

    from plotly.offline import get_plotlyjs

    packed = gzip.compress(get_plotlyjs().encode("utf-8"), compresslevel=9, mtime=0)
    return Markup(base64.b64encode(packed).decode("ascii"))


NEEDS_DECOMPRESSION = (
    "Charts need a browser with DecompressionStream (Chrome or Edge 80+, Firefox 113+, "
    "Safari 16.4+), which this one lacks: charts are not drawn. Every table and figure "
    "in the text is still here."
)

RENDER_SCRIPT = Markup(
    """
(async function () {
  function missing(text) {
    var banner = document.getElementById('charts-missing');
    if (banner) { banner.textContent = text; banner.hidden = false; }
    var boxes = document.querySelectorAll('div.chart');
    for (var i = 0; i < boxes.length; i++) {
      boxes[i].textContent = text;
      boxes[i].classList.add('chart-missing');
    }
  }
  if (typeof Plotly === 'undefined') {
    if (typeof DecompressionStream === 'undefined') {
      missing(__NEEDS_DECOMPRESSION__);
      return;
    }
    var packed = document.getElementById('plotly-gz').textContent.trim();
    var bytes = Uint8Array.from(atob(packed), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    var code = await new Response(stream).text();
    var tag = document.createElement('script');
    tag.text = code;
    document.head.appendChild(tag);
  }
  var specs = document.querySelectorAll('script.figure-spec');
  for (var i = 0; i < specs.length; i++) {
    var spec = JSON.parse(specs[i].textContent);
    var target = document.getElementById(specs[i].getAttribute('data-target'));
    Plotly.newPlot(target, spec.data, spec.layout, spec.config);
  }
  // printing: redraw each chart at the width of the printed page, and back after
  function resize() {
    var drawn = document.querySelectorAll('div.chart.js-plotly-plot');
    for (var i = 0; i < drawn.length; i++) { Plotly.Plots.resize(drawn[i]); }
  }
  window.addEventListener('beforeprint', resize);
  window.addEventListener('afterprint', resize);
})();
""".replace("__NEEDS_DECOMPRESSION__", script_safe(json.dumps(NEEDS_DECOMPRESSION)))
)


# ----------------------------------------------------------------------------- run report


def cost_breakdown(costs: pd.DataFrame) -> go.Figure:
    """Horizontal bars of annual cost by term [M yuan/yr] (negative terms are credits)."""
    frame = costs.sort_values("cost_myuan")
    terms = [esc(t) for t in frame["term"]]
    fig = go.Figure()
    for name, colour, keep in (
        ("cost", "#4e79a7", frame["cost_myuan"] >= 0),
        ("credit (reduces the cost)", "#59a14f", frame["cost_myuan"] < 0),
    ):
        if keep.any():  # every term on both traces (blank on one) keeps the sorted order
            fig.add_trace(
                go.Bar(
                    x=rounded(frame["cost_myuan"].where(keep), 2),
                    y=terms,
                    orientation="h",
                    name=name,
                    marker_color=colour,
                    hovertemplate="%{y}: %{x:,.1f} M yuan/yr<extra></extra>",
                )
            )
    _layout(fig, "Annual cost by term", height=max(260, 28 * len(frame) + 100), barmode="relative")
    fig.update_xaxes(title_text="M yuan/yr", tickformat=",")
    fig.update_yaxes(automargin=True)
    return fig


MAP_DATA = Path(__file__).resolve().parent / "assets" / "china_provinces.json"
LAND = "#eef1ec"
BORDER = "#b4bcc6"


@cache
def china_provinces() -> tuple[tuple[str, str, tuple[tuple[float, ...], ...]], ...]:
    """Provinces of China from the shipped Natural Earth data (planner/assets/README.md):
    (id, name, rings), each ring a flat (lon0, lat0, lon1, lat1, …) tuple [°]."""
    data = json.loads(MAP_DATA.read_text(encoding="utf-8"))
    scale = float(data["scale"])
    return tuple(
        (
            str(p["id"]),
            str(p["name"]),
            tuple(tuple(v / scale for v in ring) for ring in p["rings"]),
        )
        for p in data["provinces"]
    )


def _ring_centre(ring: tuple[float, ...]) -> tuple[float, float, float]:
    """(lon, lat, area) of a ring's area centroid [°, °²] (shoelace formula)."""
    xs, ys = ring[0::2], ring[1::2]
    a = cx = cy = 0.0
    for i in range(len(xs)):
        j = (i + 1) % len(xs)
        cross = xs[i] * ys[j] - xs[j] * ys[i]
        a += cross
        cx += (xs[i] + xs[j]) * cross
        cy += (ys[i] + ys[j]) * cross
    if a == 0:
        return xs[0], ys[0], 0.0
    return cx / (3 * a), cy / (3 * a), abs(a) / 2


def province_traces() -> list[go.Scatter]:
    """The provinces as one filled trace (borders drawn as its outline) and their names at
    the centre of each province's largest ring; both skip hover so sites stay easy to hover."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    label_x, label_y, names = [], [], []
    for _, name, rings in china_provinces():
        for ring in rings:
            xs.extend(ring[0::2] + ring[0:1])
            ys.extend(ring[1::2] + ring[1:2])
            xs.append(None)
            ys.append(None)
        if rings:
            x, y, _ = max((_ring_centre(r) for r in rings), key=lambda c: c[2])
            label_x.append(x)
            label_y.append(y)
            names.append(esc(name))
    return [
        go.Scatter(
            x=rounded(xs, 2),
            y=rounded(ys, 2),
            mode="lines",
            fill="toself",
            fillcolor=LAND,
            line={"color": BORDER, "width": 0.8},
            name="province (Natural Earth)",
            hoverinfo="skip",
            legendrank=2000,
        ),
        go.Scatter(
            x=rounded(label_x, 2),
            y=rounded(label_y, 2),
            mode="text",
            text=names,
            textfont={"size": 9, "color": "#9aa5b1"},
            hoverinfo="skip",
            showlegend=False,
        ),
    ]


def site_map(
    sites: pd.DataFrame,
    routing: pd.DataFrame,
    site_xy: pd.DataFrame,
    region_xy: pd.DataFrame,
) -> go.Figure:
    """Sites and demand regions on a longitude/latitude plane, with routed flows as lines.

    site_xy: index site, columns lat, lon, zone, name. region_xy: index region, columns lat,
    lon, name, demand_mw. Line width ∝ MW routed from the region to the site (all classes).
    The provinces of China (shipped Natural Earth data, `china_provinces`) are drawn below.
    """
    fig = go.Figure(province_traces())
    flows = (
        routing.groupby(["region", "site"], sort=False)["served_mw"].sum().reset_index()
        if not routing.empty
        else pd.DataFrame(columns=["region", "site", "served_mw"])
    )
    flows = flows[flows["region"].isin(region_xy.index) & flows["site"].isin(site_xy.index)]
    max_flow = float(flows["served_mw"].max()) if len(flows) else 0.0
    by_class = (
        routing.groupby(["region", "site"])
        .apply(
            lambda g: "<br>".join(
                f"{esc(c)}: {v:,.1f} MW"
                for c, v in zip(g["workload_class"], g["served_mw"], strict=False)
            ),
            include_groups=False,
        )
        .to_dict()
        if not routing.empty
        else {}
    )
    mid_x, mid_y, mid_text = [], [], []
    for i, row in enumerate(flows.itertuples(index=False)):
        r, s = region_xy.loc[row.region], site_xy.loc[row.site]
        width = 1.0 + 11.0 * row.served_mw / max_flow if max_flow > 0 else 1.0
        colour = ZONE_COLOURS.get(str(s["zone"]), "#555555")
        fig.add_trace(
            go.Scatter(
                x=rounded([r["lon"], s["lon"]], 3),
                y=rounded([r["lat"], s["lat"]], 3),
                mode="lines",
                line={"width": round(width, 2), "color": colour},
                opacity=0.45,
                hoverinfo="skip",
                name="routed compute (width ∝ MW, colour: zone of the site)",
                legendgroup="flows",
                showlegend=i == 0,
            )
        )
        mid_x.append((r["lon"] + s["lon"]) / 2)
        mid_y.append((r["lat"] + s["lat"]) / 2)
        mid_text.append(
            f"{esc(row.region)} → {esc(row.site)}: {row.served_mw:,.1f} MW"
            f"<br>{by_class.get((row.region, row.site), '')}"
        )
    if mid_text:  # one hover point in the middle of each line, with the split by class
        fig.add_trace(
            go.Scatter(
                x=rounded(mid_x, 3),
                y=rounded(mid_y, 3),
                mode="markers",
                marker={"size": 9, "color": "rgba(0,0,0,0)"},
                hovertext=mid_text,
                hoverinfo="text",
                legendgroup="flows",
                showlegend=False,
            )
        )
    if len(region_xy):
        demand = region_xy["demand_mw"].fillna(0.0)
        size = 10 + 30 * np.sqrt(demand / demand.max()) if demand.max() > 0 else 12
        fig.add_trace(
            go.Scatter(
                x=rounded(region_xy["lon"], 3),
                y=rounded(region_xy["lat"], 3),
                mode="markers+text",
                name="demand region (size ∝ MW)",
                marker={
                    "symbol": "diamond",
                    "size": rounded(np.atleast_1d(size), 1),
                    "color": "rgba(40,40,40,0.15)",
                    "line": {"color": "#333", "width": 1.5},
                },
                text=[esc(r) for r in region_xy.index],
                textposition="bottom center",
                textfont={"size": 11, "color": "#333"},
                hovertext=[
                    f"region {esc(r)} ({esc(n)}): demand {d:,.1f} MW"
                    for r, n, d in zip(
                        region_xy.index, region_xy["name"].fillna(""), demand, strict=True
                    )
                ],
                hoverinfo="text",
            )
        )
    cap = sites.set_index("site")["it_capacity_mw"].reindex(site_xy.index).fillna(0.0)
    biggest = float(cap.max()) if len(cap) else 0.0
    for zone, group in site_xy.groupby("zone", sort=False):
        c = cap.reindex(group.index)
        size = (
            8 + 34 * np.sqrt(c.clip(lower=0) / biggest)
            if biggest > 0
            else pd.Series(8.0, index=c.index)
        )
        fig.add_trace(
            go.Scatter(
                x=rounded(group["lon"], 3),
                y=rounded(group["lat"], 3),
                mode="markers+text",
                name=f"{esc(zone)} site (size ∝ IT MW)",
                marker={
                    "size": rounded(size, 1),
                    "color": ZONE_COLOURS.get(str(zone), "#555555"),
                    "opacity": 0.85,
                    "line": {"color": "white", "width": 1},
                },
                text=[esc(s) for s in group.index],
                textposition="top center",
                textfont={"size": 11},
                hovertext=[
                    f"site {esc(s)} ({esc(n)}): IT capacity {v:,.1f} MW"
                    for s, n, v in zip(group.index, group["name"].fillna(""), c, strict=True)
                ],
                hoverinfo="text",
            )
        )
    lats = pd.concat([site_xy["lat"], region_xy["lat"]]).astype(float)
    lons = pd.concat([site_xy["lon"], region_xy["lon"]]).astype(float)
    mid = float(lats.mean()) if len(lats) else 30.0
    widest = f"; widest line {max_flow:,.0f} MW" if max_flow > 0 else ""
    _layout(fig, f"Sites, demand regions and routed compute (line width ∝ MW{widest})", 620)
    # the x range widens to fill the chart at the map's aspect ratio: more of China around
    fig.update_xaxes(title_text="longitude [°E]", showgrid=False, zeroline=False)
    fig.update_yaxes(
        title_text="latitude [°N]",
        showgrid=False,
        zeroline=False,
        scaleanchor="x",
        scaleratio=round(1.0 / max(0.2, math.cos(math.radians(mid))), 3),
    )
    if len(lats):
        pad = 1.5  # degrees around the outermost points: room for labels and markers
        fig.update_xaxes(range=[float(lons.min()) - 2 * pad, float(lons.max()) + 2 * pad])
        fig.update_yaxes(range=[float(lats.min()) - pad, float(lats.max()) + pad])
    return fig


def cooling_columns(sites: pd.DataFrame) -> dict[str, str]:
    """Cooling technology → its sites column (`it_capacity_<tech>_mw`), in column order."""
    prefix, suffix = "it_capacity_", "_mw"
    return {
        c[len(prefix) : -len(suffix)]: c
        for c in sites.columns
        if c.startswith(prefix) and c.endswith(suffix) and c != "it_capacity_mw"
    }


def capacity_by_site(sites: pd.DataFrame, max_it: pd.Series | None = None) -> go.Figure:
    """Stacked IT capacity [MW] per site by cooling technology, with the buildable limit."""
    fig = go.Figure()
    names = [esc(s) for s in sites["site"]]
    for i, (tech, col) in enumerate(cooling_columns(sites).items()):
        fig.add_trace(
            go.Bar(
                x=names,
                y=rounded(sites[col], 2),
                name=esc(tech),
                marker_color=COOLING_COLOURS[i % len(COOLING_COLOURS)],
                hovertemplate=f"%{{x}} · {esc(tech)}: %{{y:,.1f}} MW<extra></extra>",
            )
        )
    if max_it is not None:
        fig.add_trace(
            go.Scatter(
                x=names,
                y=rounded(max_it.reindex(sites["site"]).to_numpy(), 2),
                mode="markers",
                name="buildable limit",
                marker={
                    "symbol": "line-ew-open",
                    "size": 26,
                    "color": "#222",
                    "line": {"width": 2},
                },
                hovertemplate="%{x}: limit %{y:,.0f} MW<extra></extra>",
            )
        )
    _layout(fig, "IT capacity by site and cooling technology [MW]", barmode="stack")
    fig.update_yaxes(title_text="MW IT", tickformat=",")
    return fig


def supply_capacity(sites: pd.DataFrame) -> go.Figure:
    """PV, wind [MW] and battery power [MW] / energy [MWh] by site."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    names = [esc(s) for s in sites["site"]]
    for col, label, colour in (
        ("pv_mw", "PV [MW]", SUPPLY_COLOURS["pv"]),
        ("wind_mw", "wind [MW]", SUPPLY_COLOURS["wind"]),
        ("battery_mw", "battery power [MW]", SUPPLY_COLOURS["battery"]),
    ):
        if col in sites:
            fig.add_trace(
                go.Bar(
                    x=names,
                    y=rounded(sites[col], 2),
                    name=label,
                    marker_color=colour,
                    hovertemplate=f"%{{x}} · {label}: %{{y:,.1f}}<extra></extra>",
                ),
                secondary_y=False,
            )
    if "battery_mwh" in sites:
        fig.add_trace(
            go.Scatter(
                x=names,
                y=rounded(sites["battery_mwh"], 2),
                name="battery energy [MWh] (right axis)",
                mode="markers",
                marker={"symbol": "diamond", "size": 10, "color": "#4a235a"},
                hovertemplate="%{x} · battery energy: %{y:,.0f} MWh<extra></extra>",
            ),
            secondary_y=True,
        )
    _layout(fig, "Renewable and storage capacity by site", barmode="group")
    fig.update_yaxes(title_text="MW", tickformat=",", secondary_y=False)
    fig.update_yaxes(
        title_text="MWh",
        tickformat=",.0f",
        secondary_y=True,
        showgrid=False,
        rangemode="tozero",
        tickmode="auto",
    )
    fig.update_yaxes(rangemode="tozero", secondary_y=False)
    return fig


def energy_by_site(sites: pd.DataFrame) -> go.Figure:
    """Annual facility energy by source [GWh/yr] per site: grid, PV, wind; curtailment."""
    fig = go.Figure()
    names = [esc(s) for s in sites["site"]]
    for col, label, colour in (
        ("grid_energy_mwh", "grid", SUPPLY_COLOURS["grid"]),
        ("pv_energy_mwh", "PV", SUPPLY_COLOURS["pv"]),
        ("wind_energy_mwh", "wind", SUPPLY_COLOURS["wind"]),
    ):
        if col in sites:
            fig.add_trace(
                go.Bar(
                    x=names,
                    y=rounded(sites[col] / 1e3, 2),
                    name=label,
                    marker_color=colour,
                    hovertemplate=f"%{{x}} · {label}: %{{y:,.1f}} GWh/yr<extra></extra>",
                )
            )
    if "curtailed_mwh" in sites:
        fig.add_trace(
            go.Scatter(
                x=names,
                y=rounded(sites["curtailed_mwh"] / 1e3, 2),
                name="curtailed renewables",
                mode="markers",
                marker={"symbol": "x", "size": 9, "color": SUPPLY_COLOURS["curtailed"]},
                hovertemplate="%{x} · curtailed: %{y:,.1f} GWh/yr<extra></extra>",
            )
        )
    _layout(fig, "Annual energy supply by site [GWh/yr]", barmode="stack")
    fig.update_yaxes(title_text="GWh/yr", tickformat=",")
    return fig


def dispatch(
    hourly: pd.DataFrame,
    title: str,
    start: str | None = None,
    day_marks: list[tuple[int, str]] | None = None,
    tick_values: list[int] | None = None,
    tick_text: list[str] | None = None,
) -> go.Figure:
    """Hour-by-hour supply and load at one site [MW], one point per row of `hourly`.

    Stacked: PV, wind, grid, battery discharge (above zero) and battery charge (below zero);
    lines: facility power and IT load; ambient temperature [°C] on the right axis.
    start: date-time of the first row ('2030-01-15 00:00', hourly steps on a date axis), or
    None for a step axis 0, 1, 2, … (typical days). day_marks: (step, label) of day starts.
    """
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    # x0/dx instead of an x array per trace keeps the page small
    x = {"x0": start, "dx": HOUR_MS} if start is not None else {"x0": 0, "dx": 1}
    for col, label, colour in (
        ("pv_mw", "PV", SUPPLY_COLOURS["pv"]),
        ("wind_mw", "wind", SUPPLY_COLOURS["wind"]),
        ("grid_mw", "grid", SUPPLY_COLOURS["grid"]),
        ("battery_discharge_mw", "battery discharge", SUPPLY_COLOURS["battery"]),
    ):
        fig.add_trace(
            go.Scatter(
                **x,
                y=rounded(hourly[col], 1),
                name=label,
                stackgroup="supply",
                mode="none",
                fillcolor=colour,
                hovertemplate=f"{label}: %{{y:,.1f}} MW<extra></extra>",
            ),
            secondary_y=False,
        )
    fig.add_trace(
        go.Scatter(
            **x,
            y=rounded(-hourly["battery_charge_mw"], 1),
            name="battery charge",
            stackgroup="charge",
            mode="none",
            fillcolor=SUPPLY_COLOURS["charge"],
            hovertemplate="battery charge: %{y:,.1f} MW<extra></extra>",
        ),
        secondary_y=False,
    )
    for col, label, dash, colour in (
        ("facility_mw", "facility power", "solid", "#111111"),
        ("it_load_mw", "IT load", "dash", "#c0392b"),
    ):
        fig.add_trace(
            go.Scatter(
                **x,
                y=rounded(hourly[col], 1),
                name=label,
                mode="lines",
                line={"color": colour, "width": 1.6, "dash": dash},
                hovertemplate=f"{label}: %{{y:,.1f}} MW<extra></extra>",
            ),
            secondary_y=False,
        )
    if "ambient_c" in hourly:
        fig.add_trace(
            go.Scatter(
                **x,
                y=rounded(hourly["ambient_c"], 1),
                name="ambient [°C] (right axis)",
                mode="lines",
                line={"color": "#16a085", "width": 1, "dash": "dot"},
                hovertemplate="ambient: %{y:.1f} °C<extra></extra>",
            ),
            secondary_y=True,
        )
    _layout(fig, title, height=440, hovermode="x unified")
    fig.update_yaxes(title_text="MW", tickformat=",", secondary_y=False)
    fig.update_yaxes(title_text="°C", secondary_y=True, showgrid=False, tickmode="auto")
    if day_marks:  # one layout update: add_vline/add_annotation per day are slow
        fig.update_layout(
            shapes=[
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": pos - 0.5,
                    "x1": pos - 0.5,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#bbbbbb", "width": 1},
                }
                for pos, _ in day_marks
            ],
            annotations=[
                {
                    "x": pos + 11.5,
                    "y": 1.0,
                    "xref": "x",
                    "yref": "paper",
                    "text": esc(label),
                    "showarrow": False,
                    "font": {"size": 10, "color": "#555"},
                    "yanchor": "bottom",
                }
                for pos, label in day_marks
            ],
        )
    if tick_values is not None:
        fig.update_xaxes(tickmode="array", tickvals=tick_values, ticktext=tick_text)
    if start is not None:
        fig.update_xaxes(type="date")
    if day_marks:
        fig.update_layout(margin={"t": 60}, legend={"y": 1.09})
    return fig


def _bars_by_zone(
    frame: pd.DataFrame, names: list[str], values: pd.Series, what: str, hover: str, digits: int
) -> list[go.Bar]:
    """One bar trace per zone (coloured and named by it, so the legend explains the colours);
    each trace spans every site (blank for other zones), keeping the sites' order."""
    zones = frame["zone"].astype(str).tolist() if "zone" in frame else [""] * len(frame)
    traces = []
    for zone in dict.fromkeys(zones):
        mine = [z == zone for z in zones]
        traces.append(
            go.Bar(
                x=names,
                y=rounded([v if m else None for v, m in zip(values, mine, strict=True)], digits),
                name=f"{what}, {esc(zone)} sites" if zone else what,
                marker_color=ZONE_COLOURS.get(zone, "#555555"),
                hovertemplate=hover + "<extra></extra>",
            )
        )
    return traces


def pue_by_site(sites: pd.DataFrame) -> go.Figure:
    """Annual PUE per site (bars) against its cap (markers)."""
    frame = sites[sites["it_energy_mwh"].fillna(0) > 0] if "it_energy_mwh" in sites else sites
    names = [esc(s) for s in frame["site"]]
    fig = go.Figure(
        _bars_by_zone(frame, names, frame["pue"], "annual PUE", "%{x}: PUE %{y:.3f}", 4)
    )
    if "pue_cap" in frame:
        fig.add_trace(
            go.Scatter(
                x=names,
                y=rounded(frame["pue_cap"], 4),
                mode="markers",
                name="PUE cap",
                marker={
                    "symbol": "line-ew-open",
                    "size": 30,
                    "color": "#c0392b",
                    "line": {"width": 3},
                },
                hovertemplate="%{x}: cap %{y:.2f}<extra></extra>",
            )
        )
    low = float(np.nanmin(frame["pue"])) if len(frame) and frame["pue"].notna().any() else 1.0
    _layout(
        fig,
        "Annual PUE by site against its cap (sites with IT load)",
        height=380,
        barmode="relative",
    )
    fig.update_yaxes(title_text="PUE [-]", range=[max(1.0, low - 0.05), None])
    return fig


def water_by_site(sites: pd.DataFrame) -> go.Figure:
    """Annual water use [million m³/yr] per site against its cap where one is set."""
    names = [esc(s) for s in sites["site"]]
    fig = go.Figure(
        _bars_by_zone(
            sites, names, sites["water_m3"] / 1e6, "water use", "%{x}: %{y:,.2f} million m³/yr", 4
        )
    )
    if "water_cap_m3" in sites and sites["water_cap_m3"].notna().any():
        fig.add_trace(
            go.Scatter(
                x=names,
                y=rounded(sites["water_cap_m3"] / 1e6, 4),
                mode="markers",
                name="water cap",
                marker={
                    "symbol": "line-ew-open",
                    "size": 30,
                    "color": "#c0392b",
                    "line": {"width": 3},
                },
                hovertemplate="%{x}: cap %{y:,.2f} million m³/yr<extra></extra>",
            )
        )
    _layout(fig, "Annual water use by site [million m³/yr]", height=380, barmode="relative")
    fig.update_yaxes(title_text="million m³/yr", tickformat=",")
    return fig


def demand_duals(duals: pd.DataFrame) -> go.Figure | None:
    """Heat map of the marginal cost of compute [yuan/MWh IT] per region and class.

    duals: the duals rows of the demand prices in yuan/MWh IT (the report selects them by
    role), index `region/class`, value in `dual`."""
    frame = duals.copy()
    if frame.empty:
        return None
    parts = frame["index"].astype(str).str.split("/", n=1, expand=True)
    if parts.shape[1] < 2:
        return None
    frame["region"], frame["workload_class"] = parts[0], parts[1]
    table = frame.pivot_table(
        index="region", columns="workload_class", values="dual", aggfunc="first", sort=False
    )
    z = [rounded(row, 1) for row in table.to_numpy()]
    text = [["" if v is None else f"{v:,.0f}" for v in row] for row in z]
    # an outlier (say a region priced at the unserved penalty) would wash out every other
    # colour: the scale stops above the rest; the cells still print their values
    spread = spread_axis(v for row in z for v in row)
    scale = {"zmax": spread["range"][1]} if "range" in spread else {}
    bar_title = "yuan/MWh IT" + (" (scale clipped)" if scale else "")
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[esc(c) for c in table.columns],
            y=[esc(r) for r in table.index],
            text=text,
            texttemplate="%{text}",
            colorscale="YlOrRd",
            **scale,
            colorbar={"title": {"text": bar_title}},
            hovertemplate="%{y} · %{x}: %{z:,.1f} yuan/MWh IT<extra></extra>",
        )
    )
    _layout(
        fig,
        "Marginal cost of compute by region and workload class [yuan/MWh IT]",
        height=max(300, 45 * len(table) + 140),
    )
    fig.update_yaxes(autorange="reversed")
    return fig


# ----------------------------------------------------------------------------- comparison


def _bars_by_row(
    frame: pd.DataFrame,
    labels: list[str],
    digits: int,
    name: Callable[[Any], str],
    colour: Callable[[int, Any], str],
    hover: Callable[[Any], str],
) -> go.Figure:
    """One bar trace per row of `frame` (index: what the trace shows; columns: run labels),
    one bar per run: name, colour and hover template of each come from its row key."""
    fig = go.Figure()
    runs = [esc(label) for label in labels]
    for i, (key, row) in enumerate(frame.iterrows()):
        fig.add_trace(
            go.Bar(
                x=runs,
                y=rounded(row.reindex(labels).to_numpy(), digits),
                name=name(key),
                marker_color=colour(i, key),
                hovertemplate=hover(key),
            )
        )
    return fig


def compare_costs(costs: pd.DataFrame, labels: list[str]) -> go.Figure:
    """Stacked annual cost by term for each run [M yuan/yr]. costs: index term, columns runs."""
    fig = _bars_by_row(
        costs,
        labels,
        2,
        name=esc,
        colour=lambda i, _: COST_COLOURS[i % len(COST_COLOURS)],
        hover=lambda term: f"%{{x}} · {esc(term)}: %{{y:,.1f}} M yuan/yr<extra></extra>",
    )
    _layout(fig, "Annual cost by term [M yuan/yr]", barmode="relative", height=460)
    fig.update_yaxes(title_text="M yuan/yr", tickformat=",")
    return fig


def compare_headline(headline: pd.DataFrame, labels: list[str]) -> go.Figure:
    """Small multiples: one bar chart per headline figure, one bar per run.

    headline: rows = figures (columns label, unit, and one column per run label holding the
    value in that unit)."""
    rows = headline.reset_index(drop=True)
    n = len(rows)
    cols = 3
    nrows = max(1, math.ceil(n / cols))
    titles = [esc(f"{r.label} [{r.unit}]") for r in rows.itertuples(index=False)]
    fig = make_subplots(rows=nrows, cols=cols, subplot_titles=titles, vertical_spacing=0.14)
    runs = [esc(label) for label in labels]
    colours = [RUN_COLOURS[i % len(RUN_COLOURS)] for i in range(len(labels))]
    for i, row in rows.iterrows():
        for k, label in enumerate(labels):  # one trace per run: the legend names the colours
            value = row[label]
            fig.add_trace(
                go.Bar(
                    x=[runs[k]],
                    y=rounded([None if value is None else float(value)], 4),
                    name=runs[k],
                    legendgroup=runs[k],
                    showlegend=i == 0,
                    marker_color=colours[k],
                    hovertemplate=f"%{{x}}: %{{y:,.4g}} {esc(row['unit'])}<extra></extra>",
                ),
                row=i // cols + 1,
                col=i % cols + 1,
            )
    height = 300 * nrows + 80
    _layout(fig, "Headline figures by run", height=height, barmode="relative")
    # the legend (runs) sits above the subplot titles
    fig.update_layout(margin={"t": 80}, legend={"y": 1 + 36 / (height - 80 - 50)})
    fig.update_annotations(font_size=12)
    for i, row in rows.iterrows():
        if row.get("figure") == "pue_avg":
            values = [float(row[label]) for label in labels if pd.notna(row[label])]
            if values:
                top = max(values)
                fig.update_yaxes(
                    range=[1.0, top + 0.25 * (top - 1.0) + 0.01],
                    row=i // cols + 1,
                    col=i % cols + 1,
                )
    return fig


def compare_capacity(capacity: pd.DataFrame, labels: list[str]) -> go.Figure:
    """Grouped bars of IT capacity [MW] per site, one bar per run.

    capacity: index site, one column per run label (NaN: the site is not in that run)."""
    fig = go.Figure()
    sites = [esc(s) for s in capacity.index]
    for i, label in enumerate(labels):
        fig.add_trace(
            go.Bar(
                x=sites,
                y=rounded(capacity[label], 2),
                name=esc(label),
                marker_color=RUN_COLOURS[i % len(RUN_COLOURS)],
                hovertemplate=f"%{{x}} · {esc(label)}: %{{y:,.1f}} MW<extra></extra>",
            )
        )
    _layout(fig, "IT capacity by site [MW]", barmode="group", height=440)
    fig.update_yaxes(title_text="MW IT", tickformat=",")
    return fig


def compare_zones(zones: pd.DataFrame, labels: list[str]) -> go.Figure:
    """Stacked compute served by zone [MW] per run. zones: index zone, columns runs."""
    fig = _bars_by_row(
        zones,
        labels,
        2,
        name=esc,
        colour=lambda _, zone: ZONE_COLOURS.get(str(zone), "#555555"),
        hover=lambda zone: f"%{{x}} · {esc(zone)}: %{{y:,.1f}} MW<extra></extra>",
    )
    _layout(fig, "Compute served by zone of the site [MW]", barmode="stack", height=420)
    fig.update_yaxes(title_text="MW IT", tickformat=",")
    return fig


def compare_supply(supply: pd.DataFrame, labels: list[str]) -> go.Figure:
    """Grouped PV, wind [MW] and battery [MWh] totals per run. supply: index quantity."""
    colours = {"pv_mw": SUPPLY_COLOURS["pv"], "wind_mw": SUPPLY_COLOURS["wind"]}
    colours["battery_mwh"] = SUPPLY_COLOURS["battery"]
    fig = _bars_by_row(
        supply,
        labels,
        1,
        name=lambda quantity: esc(column_title(str(quantity))),
        colour=lambda _, quantity: colours.get(str(quantity), "#777777"),
        hover=lambda quantity: f"%{{x}} · {esc(quantity)}: %{{y:,.0f}}<extra></extra>",
    )
    _layout(fig, "PV and wind [MW], battery energy [MWh], all sites", barmode="group")
    fig.update_yaxes(tickformat=",")
    return fig
