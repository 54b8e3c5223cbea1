"""Results of the hardware block written by a run: hardware.csv (site x family x cooling:
PFLOPS, servers, racks, MW), hardware_supply.csv (the supply-cap shadow price per PFLOPS-year
and per server), the summary's compute figures, the report's "Compute and chips" section and
`compare`. The case is the hand-solved one of tests/models/test_hardware.py: the cheap
family's supply (50 servers) binds."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from planner import synthetic
from planner.compare import compare, write_comparison
from planner.run import RunOptions, run
from tests.models.hardware_cases import family, hardware_tables
from tests.models.test_hardware import CHEAP, DEAR, HOURS, _pflops_cost

DEMAND = 1000.0  # PFLOPS


def _run(tmp_path, name: str, cheap_servers: float):
    raw, profiles = hardware_tables(
        [family(*CHEAP, supply=cheap_servers), family(*DEAR)],
        {("r1", "train"): (DEMAND, "PFLOPS")},
        classes=[{"workload_class": "train", "bandwidth": 0.2}],
        sites=[{"site": "s1", "grid_price": 0.5, "emission_factor": 0.6, "max_it": 5000.0}],
        settings={"carbon_price": 95.0},
        technologies={"cold_plate": {"available": False}, "immersion": {"available": False}},
    )
    path = synthetic.write_case(raw, profiles, tmp_path / name)
    return run(path, RunOptions(), out=tmp_path / f"run_{name}").folder


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hardware_runs")
    return _run(tmp, "capped", 50.0), _run(tmp, "ban", 0.0)


def test_hardware_csv_holds_pflops_servers_racks_and_mw(folders):
    hardware = pd.read_csv(folders[0] / "hardware.csv").set_index("family")
    cap = 50.0 * CHEAP[2]
    for fam, pflops in ((CHEAP, cap), (DEAR, DEMAND - cap)):
        name, _, per_server, kw, rack_kw, _, _ = fam
        row = hardware.loc[name]
        assert row["site"] == "s1" and row["cooling"] == "air"
        assert row["pflops"] == pytest.approx(pflops, rel=1e-6)
        assert row["servers"] == pytest.approx(pflops / per_server, rel=1e-6)
        assert row["server_mw"] == pytest.approx(pflops / per_server * kw / 1000, rel=1e-6)
        assert row["racks"] == pytest.approx(pflops / per_server * kw / rack_kw, rel=1e-6)
        assert row["served_pflops"] == pytest.approx(pflops, rel=1e-6)


def test_the_supply_shadow_price_is_given_per_pflops_year_and_per_server(folders):
    supply = pd.read_csv(folders[0] / "hardware_supply.csv").set_index("family")
    per_pflops = (_pflops_cost(DEAR) - _pflops_cost(CHEAP)) * 1e6
    row = supply.loc["cheap"]
    assert bool(row["binding"])
    assert row["shadow_price_yuan_per_pflops_yr"] == pytest.approx(per_pflops, rel=1e-6)
    assert row["shadow_price_yuan_per_server_yr"] == pytest.approx(per_pflops * CHEAP[2], rel=1e-6)
    assert supply.loc["dear", "shadow_price_yuan_per_pflops_yr"] == 0.0


def test_summary_gives_domestic_share_and_energy_per_unit_of_compute(folders):
    compute = json.loads((folders[0] / "summary.json").read_text())["compute"]
    cap = 50.0 * CHEAP[2]
    mw = cap * CHEAP[3] / CHEAP[2] / 1000 + (DEMAND - cap) * DEAR[3] / DEAR[2] / 1000
    assert compute["domestic_share"] == pytest.approx((DEMAND - cap) / DEMAND, rel=1e-6)
    assert compute["it_mwh_per_pflops_yr"] == pytest.approx(mw * HOURS / DEMAND, rel=1e-6)
    assert compute["mw_per_pflops"] == pytest.approx(mw / DEMAND, rel=1e-6)
    assert compute["liquid_cooled_share"] == 0.0  # air only in this case


def test_the_report_has_a_compute_and_chips_section(folders):
    report = (folders[0] / "report.html").read_text(encoding="utf-8")
    assert "Compute and chips" in report and "Chip supply binds" in report
    assert "yuan per server-year" in report


def test_compare_shows_the_compute_figures_and_the_supply_shadow_prices(folders, tmp_path):
    c = compare(list(folders))
    headline = c.headline.set_index("figure")
    capped, ban = c.labels
    share = headline.loc["compute.domestic_share"]
    assert share[capped] == pytest.approx(100 * (DEMAND - 50 * CHEAP[2]) / DEMAND, rel=1e-6)
    assert share[ban] == pytest.approx(100.0, rel=1e-6)
    # the ban raises power per PFLOPS and energy per PFLOPS-year
    for key in ("compute.mw_per_pflops", "compute.it_mwh_per_pflops_yr", "objective_myuan"):
        assert headline.loc[key, ban] > headline.loc[key, capped], key
    value = headline.loc["compute.families/cheap/shadow_price_yuan_per_server_yr"]
    per_server = (_pflops_cost(DEAR) - _pflops_cost(CHEAP)) * 1e6 * CHEAP[2]
    assert value[capped] == pytest.approx(per_server, rel=1e-6)
    assert value[ban] == pytest.approx(per_server, rel=1e-6)  # still the dear family's margin
    page = (write_comparison(list(folders), tmp_path / "cmp") / "comparison.html").read_text(
        encoding="utf-8"
    )
    assert "domestic share of accelerators" in page


def test_a_full_year_redispatch_carries_the_hardware_as_planned():
    """Flat demand and constant weather: the full year costs what the typical days do, with
    the server capex carried as a plan-only term."""
    from planner.run import solve_case
    from tests.models.hardware_cases import hardware_case

    case = hardware_case(
        "redispatch",
        [family(*CHEAP, supply=50.0), family(*DEAR)],
        {("r1", "train"): (DEMAND, "PFLOPS")},
        classes=[{"workload_class": "train", "bandwidth": 0.2}],
        technologies={"cold_plate": {"available": False}, "immersion": {"available": False}},
    )
    solved = solve_case(case, RunOptions(redispatch=True))
    assert solved.outcome.status == "optimal"
    total = solved.redispatch.set_index("site").loc["total"]
    assert "server_capital" in solved.results.extra["plan_only_terms"]
    server = solved.results.costs.set_index("term").loc["server_capital", "cost_myuan"]
    assert total["plan_only_myuan"] == pytest.approx(server, rel=1e-9)
    assert total["annual_cost_myuan"] == pytest.approx(solved.outcome.objective, rel=1e-6)
