"""report.html: one self-contained page built from a results folder's saved files.

Reads only the folder (summary.json, CSV tables, manifest), so `dcplan report RUN_DIR`
rebuilds it without solving.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from jinja2 import Environment, select_autoescape

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>dcplan report: {{ s.case }} / {{ s.scenario }}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#eee}</style>
</head><body>
<h1>{{ s.case }} — scenario {{ s.scenario }}</h1>
<p>Status: <b>{{ s.status }}</b>; time steps: {{ s.time }}</p>
<h2>Headline</h2>
<table>{% for k, v in headline %}<tr><th>{{ k }}</th><td>{{ v }}</td></tr>{% endfor %}</table>
{% for title, html in tables %}<h2>{{ title }}</h2>{{ html | safe }}{% endfor %}
</body></html>
"""


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}"
    return "" if value is None else str(value)


def write_report(folder: Path) -> Path:
    """Build report.html in `folder` from the files there."""
    folder = Path(folder)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    headline = [(k, _fmt(v)) for k, v in summary.items() if not isinstance(v, dict | list)]
    tables = []
    for name in ("costs", "sites", "routing", "duals"):
        file = folder / f"{name}.csv"
        if file.is_file():
            frame = pd.read_csv(file)
            tables.append(
                (name, frame.to_html(index=False, escape=True, float_format=lambda v: f"{v:,.4g}"))
            )
    env = Environment(autoescape=select_autoescape(default=True))
    html = env.from_string(_TEMPLATE).render(s=summary, headline=headline, tables=tables)
    path = folder / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
