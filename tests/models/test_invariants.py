"""Invariants of the solved default case: every balance, cap and accounting identity of the
formulation holds in the result tables (and, where the tables do not carry it, in the model).

Quantities are recomputed here from the inputs (cooling curves, emission factors, RTT formula)
rather than taken from the planner's derived data wherever that is cheap, so a wrong
derivation fails a test instead of agreeing with itself.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest

from planner.run import Solved

REL = 1e-6  # relative tolerance of identities that the solver satisfies to its tolerances


def _close(actual, expected, rel: float = REL, scale: float = 1.0) -> np.ndarray:
    """|actual − expected| ≤ rel · max(|expected|, scale) elementwise."""
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    return np.abs(actual - expected) <= rel * np.maximum(np.abs(expected), scale)


@pytest.fixture(scope="module")
def solved(default_solved: Solved) -> Solved:
    assert default_solved.outcome.status == "optimal"
    assert default_solved.results is not None
    return default_solved


@pytest.fixture(scope="module")
def hourly(solved: Solved) -> pd.DataFrame:
    return solved.results.hourly


def _curve_values(solved: Solved, column: str) -> dict[str, np.ndarray]:
    """{cooling: T × S array} of a Cooling curve column at each step's ambient temperature,
    interpolated here from the input curve (linear, flat beyond the ends)."""
    case, data = solved.case, solved.data
    temps = data.time.profiles["temperature"][data.sites].to_numpy()
    out = {}
    for tech in case.cooling_techs:
        curve = case.cooling[case.cooling["cooling"] == tech].sort_values("ambient_c")
        out[tech] = np.interp(temps, curve["ambient_c"], curve[column])
    return out


def _load_by_cooling(solved: Solved) -> dict[str, np.ndarray]:
    """{cooling: T × S array} of the model's IT load L[s,k,t] [MW]."""
    m, data = solved.model, solved.data
    n_t = len(data.steps)
    out = {}
    for k in m.K:
        out[k] = np.array([[pyo.value(m.L[s, k, t]) for s in data.sites] for t in range(n_t)])
    return out


def _wide(hourly: pd.DataFrame, column: str, sites: list[str]) -> pd.DataFrame:
    """T × S frame of one hourly column."""
    return hourly.pivot(index="timestep", columns="site", values=column)[sites]


def test_weights_of_the_time_steps_sum_to_the_hours_of_a_year(solved, hourly):
    steps = solved.data.steps
    assert steps["weight_h"].sum() == pytest.approx(8760.0, rel=1e-12)
    per_site = hourly.groupby("site")["weight_h"].sum()
    assert np.allclose(per_site.to_numpy(), 8760.0, rtol=1e-12)
    assert (steps.groupby("day").size() == 24).all()


def test_energy_balance_closes_at_every_site_and_step(hourly):
    supply = (
        hourly["grid_mw"]
        + hourly["pv_mw"]
        + hourly["wind_mw"]
        + hourly["battery_discharge_mw"]
        - hourly["battery_charge_mw"]
    )
    if "line_import_mw" in hourly:  # power lines (issue 15): delivered after losses, and sent
        supply = supply + hourly["line_import_mw"] - hourly["line_export_mw"]
    ok = _close(supply, hourly["facility_mw"])
    assert ok.all(), hourly.loc[~ok, ["site", "timestep", "facility_mw"]].head()


def test_facility_power_is_the_cooling_curves_pue_times_it_load(solved, hourly):
    pue = _curve_values(solved, "pue")
    load = _load_by_cooling(solved)
    facility = sum(pue[k] * load[k] for k in load)
    it = sum(load.values())
    sites = solved.data.sites
    assert _close(_wide(hourly, "facility_mw", sites), facility, scale=1.0).all()
    assert _close(_wide(hourly, "it_load_mw", sites), it, scale=1.0).all()


def test_site_pue_is_facility_over_it_energy_and_within_its_cap(solved, hourly):
    sites = solved.results.sites.set_index("site")
    weighted = (
        hourly.assign(
            it=hourly["it_load_mw"] * hourly["weight_h"],
            fac=hourly["facility_mw"] * hourly["weight_h"],
        )
        .groupby("site")[["it", "fac"]]
        .sum()
    )
    used = weighted.index[weighted["it"] > 1.0]
    assert len(used) > 0
    assert _close(sites.loc[used, "it_energy_mwh"], weighted.loc[used, "it"]).all()
    assert _close(sites.loc[used, "facility_energy_mwh"], weighted.loc[used, "fac"]).all()
    expected = weighted.loc[used, "fac"] / weighted.loc[used, "it"]
    assert _close(sites.loc[used, "pue"], expected).all()
    cap = solved.case.sites.loc[used, "pue_cap"]
    assert (sites.loc[used, "pue"] <= cap + 1e-6).all()


def test_emissions_are_weighted_grid_energy_times_emission_factor(solved, hourly):
    ef = solved.case.sites["emission_factor_t_per_mwh"]
    per_site = (
        (hourly["grid_mw"] * hourly["weight_h"] * hourly["site"].map(ef))
        .groupby(hourly["site"])
        .sum()
    )
    sites = solved.results.sites.set_index("site")
    assert _close(sites["emissions_t"], per_site.reindex(sites.index), scale=1.0).all()
    assert solved.results.summary["emissions_t"] == pytest.approx(per_site.sum(), rel=REL)
    assert per_site.sum() > 0


def test_cost_terms_add_up_to_the_solver_objective(solved):
    costs = solved.results.costs
    total = float(costs["cost_myuan"].sum())
    assert costs["term"].is_unique
    assert total == pytest.approx(solved.outcome.objective, rel=REL)
    assert total == pytest.approx(pyo.value(solved.model.total_cost), rel=REL)


def test_routes_respect_the_class_round_trip_limit(solved):
    routing = solved.results.routing
    case = solved.case
    limit = routing["workload_class"].map(case.classes["max_rtt_ms"]).fillna(np.inf)
    assert (routing["rtt_ms"] <= limit + 1e-9).all()
    assert (routing["served_mw"] > 0).all()
    # the RTT of each used route follows the formula (the default case overrides no link)
    s = case.settings
    region = case.regions.loc[routing["region"]]
    site = case.sites.loc[routing["site"]]
    lat1, lon1 = np.radians(region["lat"].to_numpy()), np.radians(region["lon"].to_numpy())
    lat2, lon2 = np.radians(site["lat"].to_numpy()), np.radians(site["lon"].to_numpy())
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    km = 2 * 6371.0 * np.arcsin(np.sqrt(a))
    rtt = 2 * km * s["rtt_route_factor"] / s["fibre_speed"] + s["rtt_equipment"]
    assert case.links.empty
    assert np.allclose(routing["rtt_ms"].to_numpy(), rtt, rtol=1e-9)
    # realtime work has routes only within 5 ms, so it stays near its region
    realtime = routing[routing["workload_class"] == "realtime"]
    assert len(realtime) > 0 and (realtime["rtt_ms"] <= 5.0 + 1e-9).all()


def test_demand_is_fully_served(solved):
    """MW classes: the MW routed; PFLOPS classes (issue 14): the compute served by every
    family on every route (m.c)."""
    table = solved.case.demand.set_index(["region", "workload_class"])
    demand = table.loc[table["unit"] == "MW", "demand_mw"]
    served = solved.results.routing.groupby(["region", "workload_class"])["served_mw"].sum()
    served = served.reindex(demand.index, fill_value=0.0)
    assert _close(served, demand).all(), (served - demand)[~_close(served, demand)]
    pflops = table.loc[table["unit"] == "PFLOPS", "demand_mw"]
    m = solved.model
    compute = pd.Series(
        {key: sum(pyo.value(m.c[i]) for i in m.APF if i[:2] == key) for key in pflops.index}
    )
    assert len(pflops) and _close(compute.reindex(pflops.index), pflops).all()
    assert solved.results.summary["unserved_mw"] == pytest.approx(0.0, abs=1e-6)


def test_shiftable_classes_keep_their_daily_energy_at_each_site(solved):
    m = solved.model
    assert len(m.SF) > 0
    for s, w in m.SF:
        y = pyo.value(m.y[s, w])
        for d, steps in m.steps_of_day.items():
            assert len(steps) == 24
            energy = sum(pyo.value(m.f[s, w, t]) for t in steps)
            assert math.isclose(energy, 24.0 * y, rel_tol=REL, abs_tol=1e-6), (s, w, d)


def test_site_class_load_is_the_sum_of_routes_into_it(solved):
    m = solved.model
    routing = solved.results.routing
    served = routing.groupby(["site", "workload_class"])["served_mw"].sum()
    for s, w in m.SC:
        assert math.isclose(
            pyo.value(m.y[s, w]), float(served.get((s, w), 0.0)), rel_tol=REL, abs_tol=1e-6
        )


def test_battery_state_of_charge_follows_its_recursion_within_each_day(solved, hourly):
    eta = math.sqrt(float(solved.case.settings["battery_round_trip_efficiency"]))
    steps = solved.data.steps
    assert solved.data.time.mode.startswith("typical")
    # previous step: the hour before within the same day; hour 0 follows hour 23 (cyclic day)
    order = steps.reset_index().rename(columns={"index": "timestep"})
    first = order.groupby("day")["timestep"].transform("min")
    prev = np.where(order["hour"] == 0, first + 23, order["timestep"] - 1)
    sites = solved.data.sites
    soc = _wide(hourly, "battery_soc_mwh", sites).to_numpy()
    ch = _wide(hourly, "battery_charge_mw", sites).to_numpy()
    dis = _wide(hourly, "battery_discharge_mw", sites).to_numpy()
    expected = soc[prev] + eta * ch - dis / eta
    capacity = solved.results.sites.set_index("site")["battery_mwh"].reindex(sites).to_numpy()
    assert np.all(np.abs(soc - expected) <= REL * np.maximum(capacity, 1.0))
    assert np.all(soc <= capacity * (1 + REL) + 1e-6)
    assert solved.results.summary["battery_mwh"] > 0  # the check is not vacuous


def test_it_load_never_exceeds_the_usable_share_of_installed_capacity(solved, hourly):
    usable = float(solved.case.settings["usable_share"])
    sites = solved.results.sites.set_index("site")
    load = _load_by_cooling(solved)
    m = solved.model
    for k, values in load.items():
        cap = np.array([pyo.value(m.Cap_IT[s, k]) for s in solved.data.sites])
        assert np.all(values <= usable * cap * (1 + REL) + 1e-6), k
    it = _wide(hourly, "it_load_mw", solved.data.sites)
    limit = usable * sites["it_capacity_mw"].reindex(it.columns).to_numpy()
    assert np.all(it.to_numpy() <= limit * (1 + REL) + 1e-6)
    assert (sites["it_capacity_mw"] <= solved.case.sites["max_it_mw"] + 1e-6).all()


def test_water_is_weighted_wue_times_it_load(solved):
    wue = _curve_values(solved, "wue_l_per_kwh")
    load = _load_by_cooling(solved)
    weight = solved.data.steps["weight_h"].to_numpy()[:, None]
    water = sum((weight * wue[k] * load[k]).sum(axis=0) for k in load)
    sites = solved.results.sites.set_index("site").reindex(solved.data.sites)
    assert _close(sites["water_m3"], water, scale=1.0).all()
    assert solved.results.summary["water_m3"] == pytest.approx(water.sum(), rel=REL)
