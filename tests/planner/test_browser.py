"""Headless Chromium opens report.html and comparison.html from disk with networking disabled:
no console errors, every chart drawn (a non-empty plotly SVG per chart), a screenshot saved.

Needs Debian's `chromium` (`.ci/run` installs it when missing); skipped with a reason if
/usr/bin/chromium is absent.
"""

from __future__ import annotations

import json
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest
from chromium_run import run_chromium
from test_report import XSS_NAME, build_small_run

from planner.compare import write_comparison

CHROMIUM = Path("/usr/bin/chromium")
WINDOW = (1400, 3000)
TIMEOUT_S = 120
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
CONSOLE_PROBLEM = re.compile(r"Uncaught|ERROR:CONSOLE|CONSOLE.*(error|failed)", re.IGNORECASE)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (Debian chromium)"),
]


def open_page(page: Path, tmp_path: Path) -> tuple[str, list[str], Path]:
    """Load a file in headless Chromium without network; (dumped DOM, console lines, PNG)."""
    shot = tmp_path / f"{page.stem}.png"
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--proxy-server=127.0.0.1:9",  # nothing listens there: any network request fails
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=5000",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        f"--screenshot={shot}",
        "--dump-dom",
        page.resolve().as_uri(),
    ]
    done = run_chromium(command)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line]
    return done.stdout, console, shot


class _Charts(HTMLParser):
    """For each chart container: how many plotly SVG layers it holds and how many traces
    plotly drew inside them (`g.trace`, `g.hm` for heat maps)."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: dict[str, dict[str, int]] = {}
        self._stack: list[tuple[str, str | None, bool]] = []  # (tag, chart id, in main-svg)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        chart, in_svg = (self._stack[-1][1], self._stack[-1][2]) if self._stack else (None, False)
        classes = (a.get("class") or "").split()
        if tag == "div" and "chart" in classes and a.get("id"):
            chart = a["id"]
            self.charts[chart] = {"svg": 0, "traces": 0}
        if chart and tag == "svg" and "main-svg" in classes:
            self.charts[chart]["svg"] += 1
            in_svg = True
        elif chart and in_svg and tag == "g" and {"trace", "hm"} & set(classes):
            self.charts[chart]["traces"] += 1
        if tag not in VOID:
            self._stack.append((tag, chart, in_svg))

    def handle_endtag(self, tag):
        if any(open_tag == tag for open_tag, _, _ in self._stack):
            while self._stack and self._stack.pop()[0] != tag:
                pass


def charts_of(dom: str) -> dict[str, dict[str, int]]:
    parser = _Charts()
    parser.feed(dom)
    return parser.charts


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("browser")
    base = build_small_run(root / "a")
    other = build_small_run(root / "b", scenario="no_west")
    comparison = write_comparison([base, other], root / "cmp")
    return {"report": base / "report.html", "comparison": comparison / "comparison.html"}


def test_the_console_check_catches_a_script_error(tmp_path: Path):
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>throw new Error('boom')</script></body></html>")
    _, console, _ = open_page(page, tmp_path)
    assert any(CONSOLE_PROBLEM.search(line) for line in console), console


@pytest.mark.parametrize("name", ["report", "comparison"])
def test_page_renders_every_chart_offline_without_console_errors(
    name: str, pages: dict[str, Path], tmp_path: Path
):
    html = pages[name].read_text(encoding="utf-8")
    specs = {
        target: json.loads(body)
        for target, body in re.findall(
            r'<script type="application/json" class="figure-spec" data-target="([^"]+)">(.*?)'
            r"</script>",
            html,
            flags=re.S,
        )
    }
    assert len(specs) >= 5
    dom, console, shot = open_page(pages[name], tmp_path)
    problems = [line for line in console if CONSOLE_PROBLEM.search(line)]
    assert not problems, problems
    charts = charts_of(dom)
    assert sorted(charts) == sorted(specs)
    for chart, counts in charts.items():
        assert counts["svg"] >= 1, (chart, counts)
        assert counts["traces"] == len(specs[chart]["data"]) > 0, (chart, counts)
    assert png_size(shot) == WINDOW
    assert shot.stat().st_size > 20_000  # a blank page compresses to a few kB


def test_script_named_site_is_text_in_the_rendered_page(pages: dict[str, Path], tmp_path: Path):
    dom, _, _ = open_page(pages["report"], tmp_path)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # text content, serialised
    assert XSS_NAME not in dom  # never an element
    assert "onerror=alert(1)>" not in dom.replace("&gt;", "")  # the id is never an img tag
