"""What the tests of the shipped default case share: where it lives, the scenarios it ships,
and how to load one of `scripts/` (not a package) as a module."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "inputs"
WORKBOOK = INPUTS / "china_east_west.xlsx"
FOLDER = INPUTS / "china_east_west"

# the Scenarios rows of the default case, in workbook order
SHIPPED_SCENARIOS = (
    "baseline",
    "policy_2025",
    "carbon_200",
    "east_only",
    "no_lines",
    "lines_only",
    "air_only",
    "no_vouchers",
    "import_ban",
    "domestic_50",
    "chip_shock",
)


def load_script(name: str) -> ModuleType:
    """`scripts/<name>.py` loaded as module `name` (registered in sys.modules first:
    dataclasses look their module up while it loads)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
