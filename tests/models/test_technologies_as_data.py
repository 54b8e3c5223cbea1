"""Variable renewables are data: a third technology is a new element of VRE with its capacity
factor, potential and cost rates in `ModelData`; no new component, and the results name its
columns and cost terms after it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from models.build import build
from planner import synthetic
from planner.prepare import prepare
from planner.results import collect
from planner.solve import ModelSolver

HYDRO_CF = 0.5  # flat run-of-river output [MW/MW]
HYDRO_MAX_MW = 30.0
HYDRO_RATE = 0.05  # capital, M yuan/(MW·yr): cheaper than any other supply


def _with_hydro(data):
    """`data` with a third renewable `hydro` at site east (potential 30 MW, flat cf 0.5)."""
    params = dict(data.params)
    steps = range(len(data.weight_h))
    params["vre_max_mw"] = {
        **params["vre_max_mw"],
        **{(s, "hydro"): (HYDRO_MAX_MW if s == "east" else 0.0) for s in data.sites},
    }
    params["cf"] = {
        **params["cf"],
        **{(s, "hydro", t): HYDRO_CF for s in data.sites for t in steps},
    }
    params["vre_capital_rate"] = {**params["vre_capital_rate"], "hydro": HYDRO_RATE}
    params["vre_om_rate"] = {**params["vre_om_rate"], "hydro": 0.0}
    cf = dict(data.cf)
    cf["hydro"] = pd.DataFrame(HYDRO_CF, index=data.cf["pv"].index, columns=data.sites)
    return dataclasses.replace(data, renewables=[*data.renewables, "hydro"], cf=cf, params=params)


@pytest.fixture(scope="module")
def solved():
    data = _with_hydro(prepare(synthetic.small_case(**synthetic.east_west_pair())))
    m = build(data)
    outcome = ModelSolver(m).solve()
    assert outcome.status == "optimal"
    return data, m, collect(m, data, outcome)


def test_a_third_renewable_is_built_and_reported_under_its_name(solved):
    _, m, results = solved
    assert list(m.VRE) == ["pv", "wind", "hydro"]
    sites = results.sites.set_index("site")
    assert sites.loc["east", "hydro_mw"] == pytest.approx(HYDRO_MAX_MW)  # cheapest: all of it
    assert sites.loc["west", "hydro_mw"] == pytest.approx(0.0)
    costs = results.costs.set_index("term")["cost_myuan"]
    assert costs["hydro_capital"] == pytest.approx(HYDRO_RATE * HYDRO_MAX_MW, rel=1e-9)
    assert costs["hydro_om"] == 0.0
    hourly = results.hourly[results.hourly["site"] == "east"]
    used = hourly["hydro_mw"].to_numpy()
    assert np.all(used <= HYDRO_CF * HYDRO_MAX_MW + 1e-6)
    weight = hourly["weight_h"].to_numpy()
    energy = float((used * weight).sum())
    assert sites.loc["east", "hydro_energy_mwh"] == pytest.approx(energy, rel=1e-9)
    green = sum(sites.loc["east", f"{v}_energy_mwh"] for v in ("pv", "wind", "hydro"))
    facility = sites.loc["east", "facility_energy_mwh"]
    assert sites.loc["east", "green_share"] == pytest.approx(green / facility, rel=1e-9)


def test_the_standard_columns_keep_their_names(solved):
    _, _, results = solved
    for column in ("pv_mw", "wind_mw", "pv_energy_mwh", "wind_energy_mwh"):
        assert column in results.sites
    assert {"pv_mw", "wind_mw", "hydro_mw"} <= set(results.hourly.columns)
    assert {"pv_capital", "pv_om", "wind_capital", "wind_om"} <= set(results.costs["term"])
