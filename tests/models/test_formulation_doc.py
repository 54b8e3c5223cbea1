"""docs/formulation.md and the Pyomo model name the same components, so neither can drift.

Three tiny in-code cases are built (never solved) so that every optional component exists in
at least one of them: policies off (LP), every policy on with the green share over the whole
plan (MILP mode), and the green share and hourly CFE target per site (LP).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyomo.environ as pyo
import pytest

from models.build import BuildOptions, build
from planner.prepare import prepare
from planner.synthetic import small_case
from tests.models.hardware_cases import every_hardware_option

DOC = Path(__file__).resolve().parents[2] / "docs" / "formulation.md"
TIME = "typical:1"
# Component types the document must cover: the model's maths, not Pyomo internals.
DOCUMENTED_TYPES = (
    pyo.Set,
    pyo.RangeSet,
    pyo.Param,
    pyo.Var,
    pyo.Expression,
    pyo.Constraint,
    pyo.Objective,
)

ALL_POLICIES = {
    "carbon_cap": 1e9,
    "green_share_min": 0.3,
    "green_share_scope": "overall",
    "min_utilisation": 0.5,
    "gec_price": 50.0,
    "cfe_min": 0.1,
    "cfe_scope": "overall",
    "ppa_premium": 20.0,
}


def _tiny_case(policy: dict | None = None):
    """One region, a near site and a far site, a fixed and a shiftable class, a water cap, a
    capacity-limited link and a voucher: every block has something to build."""
    evening = np.interp(np.arange(24), [0, 6, 12, 20, 23], [0.7, 0.6, 1.1, 1.4, 0.9])
    return small_case(
        name="formulation_doc",
        regions=[{"region": "r1", "lat": 31.2, "lon": 121.5}],
        sites=[
            {"site": "near", "water_cap": 1e9, "pv_max": 50.0, "wind_max": 50.0},
            {
                "site": "far",
                "zone": "west",
                "lat": 37.5,
                "lon": 105.2,
                "pv_max": 500.0,
                "wind_max": 500.0,
                "grid_price": 0.36,
            },
        ],
        classes=[
            {"workload_class": "realtime", "max_rtt": 5.0, "shape": "evening"},
            {"workload_class": "batch", "flexibility": "shiftable", "bandwidth": 0.2},
        ],
        demand={("r1", "realtime"): 30.0, ("r1", "batch"): 70.0},
        links=[{"region": "r1", "site": "far", "capacity": 100.0}],
        vouchers=[
            {
                "voucher": "v1",
                "issuer_region": "r1",
                "budget": 1.0,
                "rate": 0.2,
                "compute_price": 20000.0,
                "eligible_sites": "far",
            }
        ],
        policy=policy,
        temperature=np.interp(np.arange(24), [0, 15, 23], [10.0, 28.0, 12.0]),
        demand_shapes={"evening": evening / evening.mean()},
    )


@pytest.fixture(scope="module")
def models() -> dict[str, pyo.ConcreteModel]:
    variants = {
        "baseline": (None, False),
        "all_policies_milp": (ALL_POLICIES, True),
        "green_share_per_site": (
            {**ALL_POLICIES, "green_share_scope": "site", "cfe_scope": "site"},
            False,
        ),
    }
    out = {
        name: build(prepare(_tiny_case(policy), TIME), BuildOptions(mip=mip))
        for name, (policy, mip) in variants.items()
    }
    out["power_line"] = build(prepare(_line_case(), TIME))
    out["hardware"] = build(prepare(every_hardware_option(), TIME))  # §8b
    return out


def _line_case():
    """A supply node (no IT) with PV sending power to a data-centre site over a line."""
    return small_case(
        name="formulation_doc_lines",
        sites=[
            {"site": "dc"},
            {"site": "base", "max_it": 0.0, "pv_max": 100.0, "lat": 36.0, "lon": 100.0},
        ],
        lines=[{"line": "l1", "from": "base", "to": "dc", "max_new": 100.0, "capex": 0.002}],
    )


@pytest.fixture(scope="module")
def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def _mentioned(text: str) -> set[str]:
    """Names `x` of every `m.x` written inside backticks."""
    names: set[str] = set()
    for span in re.findall(r"`([^`\n]+)`", text):
        names.update(re.findall(r"\bm\.([A-Za-z_]\w*)", span))
    return names


def _components(m: pyo.ConcreteModel, ctypes) -> set[str]:
    return {c.local_name for c in m.component_objects(ctypes, descend_into=True)}


def test_tiny_cases_cover_every_optional_block(models):
    """The fixture must really switch on what the other tests rely on."""
    names = set().union(*(_components(m, pyo.Constraint) for m in models.values()))
    for optional in (
        "water_cap_limit",
        "link_capacity",
        "carbon_cap_limit",
        "green_share_limit",
        "green_share_site",
        "utilisation_limit",
        "voucher_use",
        "modular",
        "cooling_choice",
        "one_cooling",
        "server_power",
        "supply_cap",
        "domestic_share_limit",
        "voucher_domestic_use",
        "power_discount_bill",
    ):
        assert optional in names, f"no tiny case builds m.{optional}"
    assert len(models["baseline"].water_cap_limit) == 1
    assert len(models["baseline"].link_capacity) == 1
    assert len(models["baseline"].voucher_use) == 1
    assert len(models["baseline"].SF) == 2  # batch can go to both sites


def test_every_component_named_in_the_document_exists(models, doc_text):
    missing = sorted(
        name for name in _mentioned(doc_text) if not any(hasattr(m, name) for m in models.values())
    )
    assert not missing, f"formulation.md names components no model has: {missing}"


def test_every_constraint_of_the_model_is_in_the_document(models, doc_text):
    mentioned = _mentioned(doc_text)
    constraints = set().union(*(_components(m, pyo.Constraint) for m in models.values()))
    undocumented = sorted(constraints - mentioned)
    assert not undocumented, f"constraints missing from formulation.md: {undocumented}"


def test_every_set_parameter_variable_and_expression_is_in_the_document(models, doc_text):
    mentioned = _mentioned(doc_text)
    components = set().union(*(_components(m, DOCUMENTED_TYPES) for m in models.values()))
    undocumented = sorted(components - mentioned)
    assert not undocumented, f"components missing from formulation.md: {undocumented}"


def test_every_cost_term_is_in_the_document(models, doc_text):
    quoted = set(re.findall(r"`([a-z_]+)`", doc_text))
    terms = set().union(*(set(m.COST_TERMS) for m in models.values()))
    assert "site_opening" in terms
    undocumented = sorted(terms - quoted)
    assert not undocumented, f"cost terms missing from formulation.md: {undocumented}"


def test_document_follows_the_build_order(doc_text):
    """Sections appear in the order `models.build` adds the blocks."""
    order = [
        "models/sets.py",
        "models/facility.py",
        "models/demand.py",
        "`add_supply`",
        "models/storage.py",
        "`add_energy_balance`",
        "models/network.py",
        "models/policy.py",
        "models/hardware.py",
        "`add_milp`",
        "models/objective.py",
    ]
    headings = [line for line in doc_text.splitlines() if line.startswith("## ")]
    positions = []
    for marker in order:
        found = [i for i, h in enumerate(headings) if marker in h]
        assert found, f"no section heading names {marker}"
        positions.append(found[0])
    assert positions == sorted(positions)
