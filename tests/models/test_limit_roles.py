"""Limits are picked by the role their block registers (models.registry.ROLES), not by name.

A block's limit with a role shows up where that role is shown (the report's site caps beside
PUE and water, its plan-wide caps, the demand heat map, the duals) with no edit to planner/;
and planner/ holds no string equal to a registered constraint name, except the few names that
are also input or result columns (ALLOWED, each with its reason)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd
import pytest

from models.build import register_block, unregister_block
from models.registry import DEMAND_PRICE, PLAN_CAP, ROLES, SITE_CAP, Limit
from planner import synthetic
from planner.report import (
    RunFolder,
    load_run,
    prices_section,
    pue_water_table,
    site_cap_column,
)
from planner.run import RunOptions, run
from tests.models import diesel_block, quota_block

ROOT = Path(__file__).resolve().parents[2]
PV_QUOTA_MWH = 100_000.0  # near_far_pair uses 131,400 MWh of PV: the quota binds

# names of limits that are also the names of columns or keys planner/ must spell: none, since
# the limits that shared a name with an input or result column were renamed (`*_limit`)
ALLOWED: dict[str, str] = {}


def _limit_calls(folder: Path) -> list[ast.Call]:
    calls = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Limit":
                calls.append(node)
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "").endswith("_limit"):
                if node.func.id == "add_limit":
                    continue
                calls.append(node)  # a block's own helper around Limit (hardware: _pflops_limit)
    return calls


def _registered_names() -> set[str]:
    """First argument of every Limit (or limit helper) call a block in models/ makes."""
    names = set()
    for call in _limit_calls(ROOT / "models"):
        # Limit(name, …) or helper(m, name, …)
        first = [a.value for a in call.args[:2] if isinstance(a, ast.Constant)]
        if first and isinstance(first[0], str):
            names.add(first[0])
    return names


def test_the_names_scanned_are_the_names_a_built_model_registers(default_solved):
    built = set(default_solved.model.registry.limits)
    assert built and built <= _registered_names()


def test_planner_spells_no_registered_constraint_name():
    names = _registered_names()
    assert {"demand_met", "carbon_cap_limit", "supply_cap"} <= names
    found = []
    for path in sorted((ROOT / "planner").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names.difference(ALLOWED):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert not found, found


def test_every_limit_a_block_registers_has_a_known_role():
    for call in _limit_calls(ROOT / "models"):
        roles = [k.value for k in call.keywords if k.arg == "role"]
        if not roles:  # a helper(m, name, index, what, role, …) gets it as its fifth argument
            assert len(call.args) >= 5, ast.unparse(call)[:80]
            roles = [call.args[4]]
        assert isinstance(roles[0], ast.Name), ast.unparse(call)[:80]
    with pytest.raises(ValueError, match="role"):
        Limit("x", (), "x", "plan", role="ceiling")  # type: ignore[arg-type]
    assert set(ROLES) == {DEMAND_PRICE, SITE_CAP, PLAN_CAP, "supply cap", "share floor", "capacity"}


@pytest.fixture
def quota():
    register_block("pv_quota", quota_block.pv_quota(PV_QUOTA_MWH))
    yield
    unregister_block("pv_quota")


def test_a_new_blocks_site_cap_and_plan_cap_show_in_the_report(diesel, quota, tmp_path):
    """The diesel permit (role site cap) and a PV quota (role plan cap), run like any case."""
    raw, profiles = diesel_block.case_tables()  # its permit binds
    path = synthetic.write_case(raw, profiles, tmp_path / "case")
    folder = run(path, RunOptions(), out=tmp_path / "run").folder

    records = {r["name"]: r for r in json.loads((folder / "limits.json").read_text())["limits"]}
    assert records["pv_quota"]["role"] == PLAN_CAP and records["pv_quota"]["scope"] == "plan"
    assert records["diesel_permit"]["role"] == SITE_CAP
    duals = pd.read_csv(folder / "duals.csv").set_index("constraint")
    quota_price = float(duals.loc["pv_quota", "shadow_price"])
    permit_price = float(duals.loc["diesel_permit", "shadow_price"])
    assert quota_price > 0 and permit_price > 0, "both bind"

    run_data = load_run(folder)
    caps = prices_section(run_data)["plan_caps"]
    assert [(c["what"], c["unit"]) for c in caps] == [(quota_block.WHAT, "yuan/MWh PV")]
    assert caps[0]["shadow_price"] == pytest.approx(quota_price)
    table = pue_water_table(run_data)
    column = site_cap_column(records["diesel_permit"])
    assert column == "shadow_price_diesel_permit_yuan_per_t"
    cells = dict(zip(map(str, table.columns), zip(*table.rows, strict=True), strict=True))
    assert cells["site"] == ("s1", "s2")
    permit = cells["shadow price diesel permit [yuan/t CO₂]"]  # the column's display name
    assert float(permit[0].replace(",", "")) == pytest.approx(permit_price, abs=0.005)
    assert permit[1] == "", "s2 has no permit"
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "Other plan-wide caps" in report and quota_block.WHAT in report
    assert "pv_quota" in report and "diesel_permit" in report  # the binding-constraints table


def _run_folder(duals: list[tuple], limits: list[dict]) -> RunFolder:
    frame = pd.DataFrame(
        duals, columns=["constraint", "index", "shadow_price", "unit", "binding", "meaning"]
    )
    return RunFolder(Path("."), {}, {"duals": frame}, limits=limits)


DEMAND_ROWS = [
    ("served_mw_rows", "r1/batch", 400.0, "yuan/MWh IT", True, "one more MW"),
    ("served_mw_rows", "r2/batch", 500.0, "yuan/MWh IT", True, "one more MW"),
    ("served_pf_rows", "r1/batch", 9.0, "yuan/(PFLOPS*yr)", True, "one more PFLOPS"),
]


def _record(name: str, role: str | None, unit: str) -> dict:
    return {"name": name, "role": role, "scope": "plan", "unit": unit, "rank": 1.0}


def test_demand_prices_in_yuan_per_mwh_it_make_the_heat_map_whatever_their_name():
    limits = [
        _record("served_mw_rows", DEMAND_PRICE, "yuan/MWh IT"),
        _record("served_pf_rows", DEMAND_PRICE, "yuan/(PFLOPS*yr)"),
    ]
    prices = prices_section(_run_folder(DEMAND_ROWS, limits))
    heat = prices["figure"].data[0]
    assert list(heat.y) == ["r1", "r2"] and list(heat.x) == ["batch"]
    listed = [row[0] for row in prices["binding"].rows]
    assert listed == ["served_pf_rows"], "mapped prices leave the binding table; others stay"


def test_a_folder_without_roles_lists_every_binding_dual():
    prices = prices_section(_run_folder(DEMAND_ROWS, []))
    assert prices["figure"] is None and prices["carbon"] is None
    assert [row[0] for row in prices["binding"].rows] == [r[0] for r in DEMAND_ROWS]
