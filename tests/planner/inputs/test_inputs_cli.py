"""`dcplan validate` and `dcplan run` on good and mutated copies of the small case: every
problem printed with sheet, row, column and value, the documented exit codes, never a
traceback."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest
from inputs_small_case import invoke_cli as _invoke
from inputs_small_case import small_tables, write_profiles

from planner.inputs.tables import write_tables

EXIT_CODES = {0, 1, 2, 3}


def _text(result) -> str:
    """Output with line wrapping undone (rich wraps at its own console width)."""
    return " ".join(result.output.split())


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A folder with the small case's profile files; cases written here find them."""
    base = tmp_path_factory.mktemp("cases")
    write_profiles(base)
    return base


def test_validate_passes_a_good_case_in_both_forms(folder):
    for name in ("good.xlsx", "good"):
        path = write_tables(small_tables(), folder / name)
        result = _invoke("validate", str(path))
        assert result.exit_code == 0, result.output
        assert "no errors" in _text(result)


def test_validate_lists_every_problem_with_sheet_row_column_and_value(folder):
    tables = small_tables()
    tables["Sites"].at[3, "pue_cap [-]"] = 0.8
    tables["Demand"].at[5, "region"] = "mars"
    del tables["Cooling"]
    path = write_tables(tables, folder / "bad.xlsx")
    result = _invoke("validate", str(path), "--json")
    assert result.exit_code == 2
    problems = json.loads(result.output)
    found = {(p["sheet"], p["row"], p["column"], p["value"]) for p in problems}
    assert ("Sites", 3, "pue_cap [-]", "0.8") in found
    assert ("Demand", 5, "region", "mars") in found
    assert ("Cooling", None, None, None) in found
    pue = next(p for p in problems if p["sheet"] == "Sites")
    assert "expected a number >= 1" in pue["message"]


def test_validate_prints_brackets_in_headers_and_values_verbatim(folder):
    tables = small_tables()
    tables["Sites"].at[3, "lat [deg]"] = "[/] [red]x"
    path = write_tables(tables, folder / "markup.xlsx")
    result = _invoke("validate", str(path))
    assert result.exit_code == 2
    assert "lat [deg]" in _text(result) and "[/] [red]x" in _text(result)


def test_validate_of_an_unreadable_case_is_a_message(folder):
    fake = folder / "fake.xlsx"
    fake.write_text("not a workbook")
    result = _invoke("validate", str(fake))
    assert result.exit_code == 2 and "not an Excel workbook" in _text(result)
    assert _invoke("validate", str(folder / "missing.xlsx")).exit_code == 2


def test_validate_reports_a_bad_scenario_row(folder):
    tables = small_tables()
    tables["Scenarios"].at[3, "column"] = "max_itt"
    path = write_tables(tables, folder / "scenario.xlsx")
    result = _invoke("validate", str(path), "--json")
    assert result.exit_code == 2
    [problem] = json.loads(result.output)
    assert (problem["sheet"], problem["row"], problem["column"]) == ("Scenarios", 3, "column")
    assert problem["message"].startswith("scenario east_only: no column 'max_itt'")


# --- run on mutated copies ------------------------------------------------------------------

VALID_CHANGES = [  # each keeps the case valid; the plan changes or becomes infeasible
    ("Sites", 2, "max_it [MW]", 0),
    ("Sites", 3, "grid_max [MW]", 0),
    ("Sites", 4, "pue_cap [-]", 1.01),
    ("Classes", 2, "max_rtt [ms]", 2.5),
    ("Demand", 2, "demand [MW]", 5000),
    ("Demand", 3, "demand [MW]", 0),
    ("Technologies", 2, "capex [M yuan/unit]", 1e6),
    ("Technologies", 3, "available [bool]", False),
    ("Cooling", 5, "pue [-]", 4.9),
    ("Vouchers", 2, "budget [M yuan/yr]", 1e9),
    ("Settings", 3, "value", 1e9),  # carbon price
    ("Settings", 5, "value", True),  # allow_unserved
]
INVALID_CHANGES = [
    ("Sites", 2, "max_it [MW]", "many"),
    ("Sites", 3, "lat [deg]", 123),
    ("Sites", 4, "site", "east_a"),
    ("Regions", 2, "lon [deg]", None),
    ("Demand", 4, "workload_class", "gaming"),
    ("Technologies", 4, "kind", "solar"),
    ("Cooling", 3, "ambient [degC]", 0),
    ("Classes", 3, "flexibility", "sometimes"),
    ("Vouchers", 2, "eligible_sites", "east_a,,x"),
    ("Profiles", 3, "file", "profiles/missing.csv"),
    ("Settings", 2, "value", 2),  # discount rate > 1
    ("Policy", 3, "value", 1.2),  # green share > 1
    ("Scenarios", 2, "sheet", "Nowhere"),
]


def _mutations(seed: int, count: int) -> list[tuple[str, dict]]:
    """Mutated copies: every fifth keeps the case valid (it is solved), the others break it
    with at least one invalid change (validation stops them)."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        tables = copy.deepcopy(small_tables())
        if i % 5 == 0:
            changes = rng.sample(VALID_CHANGES, rng.randint(1, 3))
        else:
            changes = [rng.choice(INVALID_CHANGES)]
            changes += rng.sample(VALID_CHANGES + INVALID_CHANGES, rng.randint(0, 2))
        for sheet, row, column, value in changes:
            tables[sheet].at[row, column] = value
        if i % 10 == 7:
            del tables[rng.choice(["Regions", "Classes", "Profiles", "Links"])]
        out.append(("xlsx" if i % 2 else "csv", tables))
    return out


def test_run_on_mutated_copies_never_gives_a_traceback(folder):
    codes = []
    for i, (form, tables) in enumerate(_mutations(seed=4, count=30)):
        path = write_tables(tables, folder / (f"m{i}.xlsx" if form == "xlsx" else f"m{i}"))
        result = _invoke(
            "run",
            str(path),
            "--time",
            "typical:2",
            "--time-limit",
            "10",
            "--out",
            str(folder / f"run{i}"),
            "--quiet",
        )
        assert result.exit_code in EXIT_CODES, result.output
        if result.exit_code == 2:
            assert "error" in result.output
        codes.append(result.exit_code)
    solved = len(codes) - codes.count(2)
    assert codes.count(2) >= 20 and solved >= 5, codes  # both paths were exercised
