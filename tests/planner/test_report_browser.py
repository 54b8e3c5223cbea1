"""report.html in headless Chromium, networking disabled: the map draws the provinces of China
from the shipped data; a browser without DecompressionStream shows the message where the
charts would be; printing to PDF keeps every chart title on the page of its chart and never
ends a page with a section heading.

Needs Debian's `chromium` (skipped with a reason when absent) and, for the PDF check,
poppler's `pdftotext` (Debian `poppler-utils`; that test is skipped with a reason without it).
Screenshots and the PDF are kept in pytest's temporary folder for a look.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from chromium_run import run_chromium
from test_browser import CHROMIUM, CONSOLE_PROBLEM, TIMEOUT_S, open_page
from test_report import build_small_run, parse

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (Debian chromium)"),
]
PDFTOTEXT = shutil.which("pdftotext")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_run(tmp_path_factory.mktemp("browser-report") / "a") / "report.html"


def chart_dom(dom: str, chart: str) -> str:
    """The serialised DOM of one chart container (up to the next chart block)."""
    start = dom.index(f'id="{chart}"')
    end = dom.find('class="chart-block"', start)
    return dom[start : end if end > 0 else len(dom)]


def test_map_draws_the_provinces_offline(report: Path, tmp_path: Path):
    dom, console, shot = open_page(report, tmp_path)
    assert not [line for line in console if CONSOLE_PROBLEM.search(line)], console
    chart = chart_dom(dom, "fig-map")
    fills = re.findall(r'<path class="js-fill" d="([^"]+)"', chart)
    assert fills and max(len(d) for d in fills) > 5_000  # the provinces' outlines, drawn
    for province in ("Hubei", "Henan", "Shaanxi"):  # labels of provinces in the small case's view
        assert f">{province}</text>" in chart
    assert shot.stat().st_size > 20_000


def test_a_browser_without_decompression_stream_shows_why_charts_are_missing(
    report: Path, tmp_path: Path
):
    page = tmp_path / "old-browser.html"
    text = report.read_text(encoding="utf-8")
    # what a browser without the API looks like to the page
    page.write_text(
        text.replace("<head>", "<head><script>delete window.DecompressionStream;</script>", 1),
        encoding="utf-8",
    )
    dom, console, _ = open_page(page, tmp_path)
    assert not [line for line in console if CONSOLE_PROBLEM.search(line)], console
    banner = re.search(r'<div id="charts-missing"([^>]*)>(.*?)</div>', dom, re.S)
    assert banner and "hidden" not in banner.group(1)
    assert "Charts need a browser with DecompressionStream" in banner.group(2)
    charts = re.findall(r'<div class="chart chart-missing" id="([^"]+)">([^<]*)</div>', dom)
    expected = {a["data-target"] for a, _ in parse(text).scripts if "data-target" in a}
    assert {c for c, _ in charts} == expected
    assert all("DecompressionStream" in message for _, message in charts)
    # and a browser that has it shows no such message
    dom, _, _ = open_page(report, tmp_path / "modern")
    assert re.search(r'<div id="charts-missing"[^>]*hidden', dom)
    assert 'class="chart chart-missing"' not in dom


def print_to_pdf(page: Path, tmp_path: Path) -> Path:
    pdf = tmp_path / f"{page.stem}.pdf"
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--virtual-time-budget=8000",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.resolve().as_uri(),
    ]
    done = run_chromium(command)
    assert done.returncode == 0 and pdf.is_file(), done.stderr[-2000:]
    return pdf


def pdf_pages(pdf: Path) -> list[str]:
    """Text of each page (form feeds separate the pages in pdftotext's output)."""
    done = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=True,
    )
    return done.stdout.split("\f")[:-1]


def flat(text: str) -> str:
    return " ".join(text.split())


def legend_words(spec: dict) -> str:
    """A text the chart itself prints: its longest plain legend entry or colour-bar title."""
    texts = [t.get("name", "") for t in spec["data"] if t.get("showlegend", True)]
    texts += [t.get("colorbar", {}).get("title", {}).get("text", "") for t in spec["data"]]
    plain = [t for t in texts if t and re.fullmatch(r"[\w ,()\[\]/°∝.+-]+", t)]
    return max(plain, key=len)


@pytest.mark.skipif(PDFTOTEXT is None, reason="needs pdftotext (Debian poppler-utils)")
def test_printing_keeps_each_chart_title_with_its_chart(report: Path, tmp_path: Path):
    text = report.read_text(encoding="utf-8")
    specs = {a["data-target"]: json.loads(t) for a, t in parse(text).scripts if "data-target" in a}
    pages = [flat(p) for p in pdf_pages(print_to_pdf(report, tmp_path))]
    assert len(pages) >= 3
    for chart, spec in specs.items():
        title = flat(html_lib.unescape(spec["layout"]["meta"]["title"]))
        on = [i for i, page in enumerate(pages) if title in page]
        assert on, (chart, title)
        words = flat(legend_words(spec))
        assert words in pages[on[0]], (chart, title, words, on[0] + 1)
    headings = [flat(html_lib.unescape(h)) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", text)]
    for number, page in enumerate(pages[:-1], start=1):
        last = page[-120:]
        assert not [h for h in headings if last.endswith(h)], (number, last)


@pytest.mark.skipif(PDFTOTEXT is None, reason="needs pdftotext (Debian poppler-utils)")
def test_printing_keeps_titles_with_charts_wherever_the_page_breaks_fall(tmp_path: Path):
    """Charts after notes of growing length: page breaks fall at every height of a chart
    block, so without the break rules some chart would be cut, or its title left behind."""
    import plotly.graph_objects as go

    from planner import charts
    from planner.sweep import render_page

    sections = []
    for i in range(10):
        fig = go.Figure(go.Bar(x=[f"top {i}", f"bottom {i}"], y=[1, 2], name=f"series number {i}"))
        charts._layout(fig, f"Chart number {i}", height=380)
        note = " ".join(["Words to move the next chart down the page."] * (9 * i + 3))
        sections.append({"heading": f"Section number {i}", "note": note, "figures": [fig]})
    page = tmp_path / "breaks.html"
    page.write_text(render_page("Page breaks", [], sections), encoding="utf-8")
    pages = [flat(p) for p in pdf_pages(print_to_pdf(page, tmp_path))]
    assert len(pages) >= 5
    for i in range(10):
        on = [n for n, text in enumerate(pages) if f"Chart number {i}" in text]
        assert len(on) == 1, (i, on)
        # the legend (top of the chart) and the category labels (its bottom) on that page
        assert f"series number {i}" in pages[on[0]] and f"bottom {i}" in pages[on[0]], (i, on)
        heading = [n for n, text in enumerate(pages) if f"Section number {i}" in text]
        assert heading and not pages[heading[0]].endswith(f"Section number {i}"), i
