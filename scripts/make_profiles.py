"""Regenerate the default case's hourly profiles.

Usage: ``python scripts/make_profiles.py [--year 2030] [--seed 20301]``

Reads ``inputs/profiles/parameters.csv`` and writes ``inputs/profiles/{temperature,pv,wind,
price,demand}.csv`` next to it (paths relative to the repository, wherever it is run from).
The generator and its formulas are documented in `planner.profiles`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from planner.profiles import main

PROFILE_FOLDER = Path(__file__).resolve().parents[1] / "inputs" / "profiles"

if __name__ == "__main__":
    main(["--parameters", str(PROFILE_FOLDER / "parameters.csv"), *sys.argv[1:]])
