"""Power lines from a supply node to a data-centre site (models/lines.py, sheet Lines).

Two nodes: `east` (a data-centre site at Shanghai that serves all demand) and `west` (a
supply node in Qinghai: max_it 0, grid and PV). Profiles repeat every day, so the typical
days are exact and the hand calculations hold for the year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest

from planner import synthetic
from planner.inputs.case import build_case
from planner.inputs.errors import InputErrors
from planner.redispatch import TOTAL, RedispatchOptions, redispatch
from planner.run import RunOptions, Solved, run, solve_case

HOURS = 8760.0
RATE = 0.07  # default discount rate
LENGTH_KM, CAPEX_PER_MW_KM, LIFE, OM_SHARE, LOSS = 1000.0, 0.002, 40.0, 0.01, 0.05
WEST_PRICE = 0.25  # yuan/kWh


def _line(**over: object) -> dict:
    row = {
        "line": "l1",
        "from": "west",
        "to": "east",
        "existing": 0.0,
        "tariff": 0.0,
        "max_new": 1000.0,
        "capex": CAPEX_PER_MW_KM,
        "length": LENGTH_KM,
        "loss": LOSS,
        "life": LIFE,
        "om": OM_SHARE,
    }
    return {**row, **over}


def _tables(east_price: float, lines: list[dict] | None, west: dict | None = None, **kw):
    sites = [
        {"site": "east", "lat": 31.2, "lon": 121.5, "grid_price": east_price},
        {
            "site": "west",
            "lat": 36.0,
            "lon": 100.0,
            "zone": "west",
            "max_it": 0.0,
            "grid_price": WEST_PRICE,
            **(west or {}),
        },
    ]
    raw, profiles = synthetic.case_tables(sites=sites, **kw)
    if lines is not None:
        raw["Lines"] = synthetic.table("Lines", lines)
    return raw, profiles


def _solve(east_price: float, lines: list[dict] | None, west: dict | None = None, **kw) -> Solved:
    raw, profiles = _tables(east_price, lines, west, **kw)
    case = build_case(raw, None, "lines", scenario=None, profiles=profiles)
    solved = solve_case(case, RunOptions())
    assert solved.outcome.status == "optimal", solved.outcome.status
    return solved


def _annuity(rate: float, life: float) -> float:
    return rate / (1 - (1 + rate) ** -life)


def _break_even_price() -> float:
    """East grid price [yuan/kWh] at which a new line breaks even at utilisation 1: a MWh
    delivered costs (west price + (annuity + O&M) per MW-year / 8760 h) / (1 − losses)."""
    capex = CAPEX_PER_MW_KM * LENGTH_KM * 1e6  # yuan per MW sent
    per_mw_yr = (_annuity(RATE, LIFE) + OM_SHARE) * capex
    return (WEST_PRICE * 1000 + per_mw_yr / HOURS) / (1 - LOSS) / 1000


def _facility_mw(solved: Solved) -> float:
    return float(solved.results.sites.set_index("site").loc["east", "facility_energy_mwh"]) / HOURS


@pytest.mark.parametrize("side", [+1, -1])
def test_a_new_line_is_built_iff_the_price_gap_pays_for_it_and_its_losses(side):
    """Flat load: the line would run at utilisation 1, so it pays iff the east price exceeds
    (west price + (annuity + O&M)/8760)/(1 − losses); 2% either side of break-even."""
    threshold = _break_even_price()
    east = threshold * (1 + side * 0.02)
    settings = {"carbon_price": 0.0}
    solved = _solve(east, [_line()], settings=settings)
    without = _solve(east, None, settings=settings)
    m = solved.model
    facility = _facility_mw(solved)
    if side > 0:
        assert pyo.value(m.Cap_L["l1"]) == pytest.approx(facility / (1 - LOSS), rel=1e-6)
        capex = CAPEX_PER_MW_KM * LENGTH_KM
        per_mw = (_annuity(RATE, LIFE) + OM_SHARE) * capex  # M yuan/(MW·yr)
        sent = facility / (1 - LOSS)
        saving = facility * HOURS * east * 1e-3 - sent * (HOURS * WEST_PRICE * 1e-3 + per_mw)
        assert saving > 0
        assert solved.outcome.objective == pytest.approx(
            without.outcome.objective - saving, rel=1e-7
        )
    else:
        assert pyo.value(m.Cap_L["l1"]) == pytest.approx(0.0, abs=1e-6)
        assert solved.outcome.objective == pytest.approx(without.outcome.objective, rel=1e-9)


@pytest.mark.parametrize("side", [+1, -1])
def test_existing_capacity_is_used_iff_the_tariff_and_losses_leave_a_gap(side):
    tariff = 0.06
    threshold = (WEST_PRICE + tariff) / (1 - LOSS)
    solved = _solve(
        threshold * (1 + side * 0.02),
        [_line(existing=500.0, tariff=tariff, max_new=0.0)],
        settings={"carbon_price": 0.0},
    )
    lines = solved.results.lines.set_index("line")
    expected = _facility_mw(solved) / (1 - LOSS) if side > 0 else 0.0
    assert lines.loc["l1", "existing_peak_mw"] == pytest.approx(expected, rel=1e-6, abs=1e-6)
    assert lines.loc["l1", "sent_mwh"] == pytest.approx(expected * HOURS, rel=1e-6, abs=1e-3)
    sent = lines.loc["l1", "sent_mwh"]
    assert lines.loc["l1", "tariff_cost_myuan"] == pytest.approx(tariff * 1e-3 * sent, rel=1e-9)
    costs = solved.results.costs.set_index("term")["cost_myuan"]
    assert costs["line_tariff"] == pytest.approx(lines.loc["l1", "tariff_cost_myuan"], rel=1e-9)


# a supply node with PV and a small grid connection, so that the line carries a mix
MIXED = {"pv_max": 400.0, "grid_max": 40.0, "emission_factor": 0.8}


@pytest.fixture(scope="module")
def mixed() -> Solved:
    return _solve(0.6, [_line(loss=None, loss_per_1000km=0.03)], west=MIXED)


def test_energy_balances_at_both_ends_every_hour_with_losses(mixed):
    hourly = mixed.results.hourly
    supply = (
        hourly["grid_mw"]
        + hourly["pv_mw"]
        + hourly["wind_mw"]
        + hourly["battery_discharge_mw"]
        - hourly["battery_charge_mw"]
        + hourly["line_import_mw"]
        - hourly["line_export_mw"]
    )
    assert (supply - hourly["facility_mw"]).abs().max() < 1e-6
    by_site = hourly.set_index(["site", "timestep"])
    sent = by_site.loc["west", "line_export_mw"]
    delivered = by_site.loc["east", "line_import_mw"]
    loss = 0.03 * LENGTH_KM / 1000
    assert sent.max() > 10.0, "the line carries power"
    np.testing.assert_allclose(delivered.to_numpy(), (1 - loss) * sent.to_numpy(), atol=1e-7)
    lines = mixed.results.lines.set_index("line")
    weight = by_site.loc["west", "weight_h"]
    assert lines.loc["l1", "losses_mwh"] == pytest.approx(loss * float(weight @ sent), rel=1e-9)
    assert lines.loc["l1", "loss_share"] == pytest.approx(loss)


def test_a_line_carries_its_sending_nodes_mix_hour_by_hour(mixed):
    m = mixed.model
    hourly = mixed.results.hourly.set_index(["site", "timestep"]).loc["west"]
    own = hourly["pv_mw"] + hourly["wind_mw"]
    total = own + hourly["grid_mw"]
    carrying = total > 1e-6
    assert carrying.sum() > 0 and (hourly["grid_mw"][carrying] > 1e-6).any()
    flow = np.array([pyo.value(m.FE["l1", t] + m.FN["l1", t]) for t in m.T])
    green = np.array([pyo.value(m.FG["l1", t]) for t in m.T])
    np.testing.assert_allclose(
        green[carrying.to_numpy()] / flow[carrying.to_numpy()],
        (own / total)[carrying].to_numpy(),
        rtol=1e-7,
    )
    sites = mixed.results.sites.set_index("site")
    node_share = sites.loc["west", "pv_energy_mwh"] / (
        sites.loc["west", "pv_energy_mwh"] + sites.loc["west", "grid_energy_mwh"]
    )
    line = mixed.results.lines.set_index("line").loc["l1"]
    assert line["green_share"] == pytest.approx(node_share, rel=1e-7)


def test_green_energy_and_emissions_follow_the_energy(mixed):
    sites = mixed.results.sites.set_index("site")
    line = mixed.results.lines.set_index("line").loc["l1"]
    east, west = sites.loc["east"], sites.loc["west"]
    # green delivered east is the sent green less the line's losses; the node keeps none
    assert east["green_mwh"] == pytest.approx(
        east["pv_energy_mwh"] + (1 - line["loss_share"]) * line["green_mwh"], rel=1e-9
    )
    assert west["green_mwh"] == pytest.approx(0.0, abs=1e-3)
    assert east["green_share"] == pytest.approx(
        east["green_mwh"] / east["facility_energy_mwh"], rel=1e-12
    )
    # the west grid energy sent is east's to answer for; the plan's total is unchanged
    assert east["emissions_t"] == pytest.approx(
        0.6 * east["grid_energy_mwh"] + 0.8 * west["grid_energy_mwh"], rel=1e-9
    )
    assert west["emissions_t"] == pytest.approx(0.0, abs=1e-3)
    assert mixed.results.summary["emissions_t"] == pytest.approx(
        sites["emissions_t"].sum(), rel=1e-9
    )
    assert line["emissions_t"] == pytest.approx(0.8 * west["grid_energy_mwh"], rel=1e-9)


def test_line_limits_have_shadow_prices_per_mw_year(mixed):
    duals = mixed.results.duals.set_index("constraint")
    assert set(duals.loc[["line_existing", "line_build_max"], "unit"]) == {"yuan/(MW*yr)"}


def test_the_line_couples_its_ends_and_the_redispatch_gives_back_an_exact_plan(mixed):
    assert ("east", "west") in [tuple(sorted(g)) for g in mixed.results.extra["site_groups"]]
    table = redispatch(mixed.case, mixed.results, RedispatchOptions(workers=1))
    rows = table.set_index("site")
    assert rows.loc[TOTAL, "status"] == "optimal"
    assert rows.loc[TOTAL, "annual_cost_myuan"] == pytest.approx(mixed.outcome.objective, rel=1e-7)
    for site in ("east", "west"):
        assert rows.loc[site, "emissions_t"] == pytest.approx(
            rows.loc[site, "plan_emissions_t"], rel=1e-6, abs=1e-3
        )


def test_the_full_year_green_share_loses_the_lines_losses_as_the_plan_does(mixed):
    """An exact plan's full-year green share is its own: green energy lost on a line counts
    nowhere (formulation §5a) in the re-dispatch total as in the plan, not as PV/wind used."""
    table = redispatch(mixed.case, mixed.results, RedispatchOptions(workers=1))
    total = table.set_index("site").loc[TOTAL]
    lines = mixed.results.lines
    lost_green = float((lines["green_mwh"] * lines["loss_share"]).sum())
    assert lost_green > 1.0  # the line carries green energy and loses some of it
    facility = float(total["facility_energy_mwh"])
    own = float(total["pv_energy_mwh"] + total["wind_energy_mwh"])
    assert total["green_share"] == pytest.approx((own - lost_green) / facility, rel=1e-6)
    assert total["green_share"] == pytest.approx(mixed.results.summary["green_share"], rel=1e-6)
    assert total["green_mwh"] == pytest.approx(own - lost_green, rel=1e-6)


def test_without_a_lines_sheet_a_supply_node_is_legal_and_idle():
    solved = _solve(0.6, None, west=MIXED)
    assert solved.results.lines.empty and "lines" not in solved.results.tables()
    west = solved.results.sites.set_index("site").loc["west"]
    assert west["it_capacity_mw"] == 0.0 and west["cost_myuan"] == pytest.approx(0.0, abs=1e-9)
    assert "line_import_mw" not in solved.results.hourly.columns


def test_a_run_folder_has_lines_csv_and_hourly_flows(tmp_path):
    raw, profiles = _tables(0.6, [_line()], west=MIXED)
    path = synthetic.write_case(raw, profiles, tmp_path / "case")
    folder = run(path, RunOptions(), out=tmp_path / "run").folder
    lines = pd.read_csv(folder / "lines.csv")
    assert list(lines["line"]) == ["l1"] and lines.loc[0, "new_mw"] > 0
    hourly = pd.read_parquet(folder / "hourly.parquet")
    assert {"line_import_mw", "line_export_mw", "line_green_import_mw"} <= set(hourly.columns)
    assert "line_build_max" in set(pd.read_csv(folder / "duals.csv")["constraint"])
    flows = pd.read_parquet(folder / "hourly_lines.parquet")
    pd.testing.assert_frame_equal(
        flows, pd.read_csv(folder / "hourly_lines.csv"), check_dtype=False
    )
    assert len(flows) == len(hourly) // hourly["site"].nunique()  # one row per step of l1
    weight = flows["weight_h"]
    assert float(weight @ flows["flow_mw"]) == pytest.approx(lines.loc[0, "sent_mwh"], rel=1e-9)
    assert float(weight @ flows["green_mw"]) == pytest.approx(lines.loc[0, "green_mwh"], rel=1e-9)
    assert flows["flow_mw"].max() == pytest.approx(lines.loc[0, "peak_flow_mw"], rel=1e-9)


def test_hourly_line_flows_add_up_to_the_site_columns(mixed):
    """hourly_lines: flow on existing + new capacity = flow; delivered = (1 − loss) × flow; per
    receiving site and step the delivered power is hourly.csv's line_import_mw, per sending site
    the flow is its line_export_mw."""
    flows = mixed.results.hourly_lines
    assert set(flows["line"]) == {"l1"}
    np.testing.assert_allclose(
        flows["flow_existing_mw"] + flows["flow_new_mw"], flows["flow_mw"], atol=1e-9
    )
    loss = 0.03 * LENGTH_KM / 1000
    np.testing.assert_allclose(flows["delivered_mw"], (1 - loss) * flows["flow_mw"], atol=1e-9)
    np.testing.assert_allclose(
        flows["green_delivered_mw"], (1 - loss) * flows["green_mw"], atol=1e-9
    )
    assert (flows["green_mw"] <= flows["flow_mw"] + 1e-9).all()
    by_site = mixed.results.hourly.set_index(["site", "timestep"])
    at_step = flows.set_index("timestep")
    np.testing.assert_allclose(
        at_step["delivered_mw"].to_numpy(),
        by_site.loc["east", "line_import_mw"].reindex(at_step.index).to_numpy(),
        atol=1e-9,
    )
    np.testing.assert_allclose(
        at_step["flow_mw"].to_numpy(),
        by_site.loc["west", "line_export_mw"].reindex(at_step.index).to_numpy(),
        atol=1e-9,
    )


def _errors(lines: list[dict], west: dict | None = None) -> list:
    raw, profiles = _tables(0.6, lines, west)
    with pytest.raises(InputErrors) as caught:
        build_case(raw, None, "bad", scenario=None, profiles=profiles)
    return [(e.sheet, e.row, e.column, e.message) for e in caught.value.errors]


def test_a_line_to_an_unknown_node_is_an_input_error():
    ((sheet, row, column, message),) = _errors([_line(to="nowhere")])
    assert (sheet, row, column) == ("Lines", 2, "to") and "unknown id 'nowhere'" in message


def test_a_line_from_a_node_to_itself_is_an_input_error():
    ((sheet, row, column, message),) = _errors([_line(), _line(line="l2", to="west")])
    assert (sheet, row, column) == ("Lines", 3, "to") and "two different sites" in message


def test_negative_losses_are_an_input_error():
    ((sheet, row, column, _),) = _errors([_line(loss=-0.01)])
    assert (sheet, row, column) == ("Lines", 2, "loss [share]")
    ((sheet, row, column, _),) = _errors([_line(loss=None, loss_per_1000km=-0.03)])
    assert (sheet, row, column) == ("Lines", 2, "loss_per_1000km [share]")


def test_a_line_must_leave_a_supply_node():
    ((sheet, row, column, message),) = _errors([_line(**{"from": "east", "to": "west"})])
    assert (sheet, row, column) == ("Lines", 2, "from") and "max_it 0" in message


@pytest.mark.parametrize("side", [+1, -1])
def test_the_east_marginal_energy_price_is_the_cheaper_of_grid_and_line(side):
    """The dual of east's energy balance: its grid price when the line does not pay, the
    line's break-even delivered cost when it is built (the line is then the margin)."""
    threshold = _break_even_price()
    east = threshold * (1 + side * 0.02)
    solved = _solve(east, [_line()], settings={"carbon_price": 0.0})
    price = solved.results.sites.set_index("site").loc["east", "marginal_energy_yuan_per_mwh"]
    assert price == pytest.approx(1000 * min(east, threshold), rel=1e-7)


def test_the_report_draws_the_lines_and_compares_bits_and_watts(tmp_path):
    raw, profiles = _tables(0.6, [_line()], west=MIXED)
    path = synthetic.write_case(raw, profiles, tmp_path / "case")
    folder = run(path, RunOptions(), out=tmp_path / "run").folder
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "Move bits or move watts" in report and "from the duals of the energy balance" in report
    assert 'id="power-lines"' in report and "fig-lines" in report
    assert "l1: west \\u2192 east" in report  # the line's hover text on the map (JSON)
    from planner.report import load_run, region_locations, site_locations
    from planner.report_lines import bits_or_watts

    loaded = load_run(folder)
    table = bits_or_watts(
        loaded.table("sites"),
        loaded.table("lines"),
        loaded.table("routing"),
        site_locations(loaded),
        region_locations(loaded),
    )
    sites = loaded.table("sites").set_index("site")
    row = table.set_index("way").loc["import power over a line"]
    assert row["site"] == "east"
    expected = sites.loc["east", "pue"] * sites.loc["east", "marginal_energy_yuan_per_mwh"]
    assert row["cost_yuan_per_mwh_it"] == pytest.approx(expected, rel=1e-9)
    assert row["emissions_t_per_mwh_it"] == pytest.approx(
        sites.loc["east", "emissions_t"] / sites.loc["east", "it_energy_mwh"], rel=1e-9
    )


def _scenario_tables():
    """Region r1 (Shanghai): realtime demand only east can serve, batch free to go west to
    the data-centre site `dcwest`; the supply node `west` sends power to east over l1 (50 MW
    existing at a tariff, up to 200 MW new). Scenarios as in the default case: no_lines
    (lines closed to data centres), east_only (no western IT), lines_only (east_only plus
    lines, i.e. the baseline's lines)."""
    sites = [
        {"site": "east", "lat": 31.2, "lon": 121.5, "grid_price": 0.6},
        {"site": "dcwest", "lat": 37.5, "lon": 105.2, "zone": "west", "grid_price": 0.36},
        {
            "site": "west",
            "lat": 36.0,
            "lon": 100.0,
            "zone": "west",
            "max_it": 0.0,
            "grid_price": WEST_PRICE,
            **MIXED,
        },
    ]
    classes = [
        {"workload_class": "realtime", "max_rtt": 5.0},
        {"workload_class": "batch", "flexibility": "shiftable", "bandwidth": 0.2},
    ]
    raw, profiles = synthetic.case_tables(
        sites=sites,
        classes=classes,
        demand={("r1", "realtime"): 60.0, ("r1", "batch"): 60.0},
        lines=[_line(existing=50.0, tariff=0.03, max_new=200.0)],
    )
    rows = [
        ("no_lines", "Lines", "l1", "existing_mw", 0),
        ("no_lines", "Lines", "l1", "max_new_mw", 0),
        ("east_only", "Sites", "dcwest", "max_it_mw", 0),
        ("east_only", "Lines", "l1", "existing_mw", 0),
        ("east_only", "Lines", "l1", "max_new_mw", 0),
        ("lines_only", "Sites", "dcwest", "max_it_mw", 0),
    ]
    raw["Scenarios"] = synthetic.table(
        "Scenarios",
        [
            {"scenario": s, "sheet": sh, "key": k, "column": c, "value": v, "note": ""}
            for s, sh, k, c, v in rows
        ],
    )
    return raw, profiles


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Solved]:
    raw, profiles = _scenario_tables()
    out = {}
    for name in (None, "no_lines", "east_only", "lines_only"):
        case = build_case(raw, None, "scenarios", scenario=name, profiles=profiles)
        solved = solve_case(case, RunOptions())
        assert solved.outcome.status == "optimal", name
        out[name or "baseline"] = solved
    return out


def _delivered(solved: Solved) -> float:
    lines = solved.results.lines
    return float(lines["delivered_mwh"].sum()) if len(lines) else 0.0


def test_closing_the_lines_costs_more_and_delivers_nothing(scenarios):
    base, closed = scenarios["baseline"], scenarios["no_lines"]
    assert _delivered(base) > 0 and _delivered(closed) == pytest.approx(0.0, abs=1e-6)
    assert closed.outcome.objective > base.outcome.objective


def test_lines_soften_an_east_only_plan(scenarios):
    """No western IT: with the lines the east buys western power, cheaper than without."""
    east_only, lines_only = scenarios["east_only"], scenarios["lines_only"]
    assert lines_only.results.summary["west_share"] in (None, 0.0)
    assert _delivered(lines_only) > _delivered(scenarios["baseline"]) - 1e-6
    assert lines_only.outcome.objective < east_only.outcome.objective
    assert lines_only.outcome.objective >= scenarios["baseline"].outcome.objective - 1e-6
