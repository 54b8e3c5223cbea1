"""The registries on the model: the energy balance and the objective sum exactly what the
blocks registered, site costs plus plan-only terms add up to the objective, and sites joined
by a registered coupling are one connected component (one re-dispatch LP)."""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo
import pytest
from pyomo.repn import generate_standard_repn

from models.build import BuildOptions, build, register_block, unregister_block
from models.registry import Coupling, add_coupling, registry, site_groups
from planner import synthetic
from planner.prepare import prepare
from planner.redispatch import RedispatchOptions, redispatch
from planner.run import RunOptions, solve_case


def test_site_groups_are_the_connected_components_of_the_couplings():
    sites = ["a", "b", "c", "d", "e"]
    assert site_groups(sites, []) == [("a",), ("b",), ("c",), ("d",), ("e",)]
    # a line a–c and a line c–e join a, c, e; d–b join b, d; order of `sites` is kept
    assert site_groups(sites, [("a", "c"), ("e", "c"), ("d", "b")]) == [
        ("a", "c", "e"),
        ("b", "d"),
    ]
    assert site_groups(sites, [("a", "b", "c", "d", "e")]) == [tuple(sites)]
    assert site_groups(["a"], [("a", "zz")]) == [("a",)]  # unknown sites are ignored


@pytest.fixture(scope="module")
def model():
    data = prepare(synthetic.small_case(**synthetic.east_west_policies()))
    return build(data)


def test_the_energy_balance_holds_exactly_the_registered_terms(model):
    reg = registry(model)
    assert [(b.name, b.sign) for b in reg.balance] == [
        ("facility", -1),
        ("grid", 1),
        ("renewables", 1),
        ("battery_discharge", 1),
        ("battery_charge", -1),
    ]
    s, t = "west", 5
    row = generate_standard_repn(model.energy_balance[s, t].body, compute_values=False)
    in_row = {id(v) for v in row.linear_vars}
    for term in reg.balance:
        term_vars = generate_standard_repn(term.expr(model, s, t), compute_values=False)
        assert {id(v) for v in term_vars.linear_vars} <= in_row, term.name
    registered = set().union(
        *(
            {id(v) for v in generate_standard_repn(b.expr(model, s, t)).linear_vars}
            for b in reg.balance
        )
    )
    assert in_row == registered


def test_the_objective_is_the_sum_of_the_registered_cost_terms(model):
    reg = registry(model)
    assert list(model.COST_TERMS) == [c.name for c in reg.cost_terms()]
    assert set(model.SITE_COST_TERMS) | set(reg.plan_terms()) == set(model.COST_TERMS)
    assert reg.plan_terms() == ["unserved", "vouchers"]


@pytest.mark.parametrize(
    ("name", "mip", "settings"),
    [
        ("vouchers and a carbon cap", False, {}),
        ("site opening (MILP)", True, {}),
        ("unserved demand", False, {"allow_unserved": True, "unserved_penalty": 100.0}),
    ],
)
def test_site_costs_plus_plan_only_terms_are_the_objective(name, mip, settings):
    kwargs = synthetic.east_west_policies()
    kwargs["settings"] = settings
    kwargs["sites"][0]["open_cost"] = 5.0
    solved = solve_case(synthetic.small_case(**kwargs), RunOptions(mip=mip))
    assert solved.outcome.status == "optimal", name
    results = solved.results
    costs = results.costs.set_index("term")["cost_myuan"]
    plan_only = costs[results.extra["plan_only_terms"]]
    assert plan_only.abs().sum() > 0.5, "the plan-only terms are not all zero"
    total = results.sites["cost_myuan"].sum() + plan_only.sum()
    assert total == pytest.approx(solved.outcome.objective, rel=1e-9)
    # each site's cost is its own: recomputed from its capacities and energy for two terms
    m = solved.model
    for s in m.S:
        grid = sum(
            pyo.value(m.grid_price_myuan_per_mwh[s] * m.weight[t] * m.tou_factor[s, t] * m.G[s, t])
            for t in m.T
        )
        assert pyo.value(m.cost_site["grid_energy", s]) == pytest.approx(grid, rel=1e-9)


def _coupling_block(m: pyo.ConcreteModel, data) -> None:
    """A test coupling: one row over the IT capacity of both sites (slack at the optimum),
    as a power line between them would be."""
    m.joint_it = pyo.Constraint(expr=sum(m.Cap_IT[s, k] for s in m.S for k in m.K) <= 1e5)
    add_coupling(m, Coupling("joint_it", lambda m: [list(m.S)]))


def test_coupled_sites_are_dispatched_together():
    case = synthetic.small_case(**synthetic.east_west_pair())
    alone = solve_case(case, RunOptions(time="typical:2"))
    separate = redispatch(case, alone.results, RedispatchOptions(workers=1))
    register_block("test_coupling", _coupling_block)
    try:
        coupled = solve_case(case, RunOptions(time="typical:2"))
        assert coupled.results.extra["site_groups"] == [("east", "west")]
        joint = redispatch(case, coupled.results, RedispatchOptions(workers=1))
    finally:
        unregister_block("test_coupling")
    assert alone.results.extra["site_groups"] == [("east",), ("west",)]
    rows = joint.set_index("site")
    # one LP: its size is on the first site's row; the second site has none of its own
    assert rows.loc["east", "rows"] > 0 and pd.isna(rows.loc["west", "rows"])
    assert rows.loc["east", "rows"] > separate.set_index("site").loc["east", "rows"]
    for column in ("annual_cost_myuan", "emissions_t", "it_energy_mwh"):
        assert joint[column].to_numpy() == pytest.approx(separate[column].to_numpy(), rel=1e-7)


def test_build_options_take_a_block_for_one_build():
    data = prepare(synthetic.small_case(**synthetic.east_west_pair()))
    m = build(data, BuildOptions(extra_blocks=(("test_coupling", _coupling_block),)))
    assert m.component("joint_it") is not None and len(registry(m).couplings) == 1
    assert build(data).component("joint_it") is None
