"""`models/` stands on its own: it imports nothing from `planner`, reads no planner object, and
derives nothing (every value comes from `ModelData.params`, derived once in planner.prepare)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

MODELS = Path(__file__).resolve().parents[2] / "models"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_module_of_models_imports_planner():
    offenders = {
        path.name: sorted(n for n in _imports(path) if n.split(".")[0] == "planner")
        for path in MODELS.glob("*.py")
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_models_imports_without_loading_planner():
    code = "import sys, models; print(any(m.split('.')[0] == 'planner' for m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=MODELS.parent
    )
    assert out.stdout.strip() == "False"


def test_models_read_no_planner_object_from_the_data():
    """`ModelData.case` and `.time` are the planner's; blocks read `params` and the sets."""
    for path in MODELS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "data.case" not in text and "data.time" not in text, path.name
