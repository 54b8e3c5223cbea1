"""A third renewable generator is data only: a `Technologies` row of kind renewable naming
its profile, a `Potentials` row per site, and a profile. No code names it, yet it is built,
dispatched hourly, costed and reported under its technology id.

The hand-checkable case: one site, 100 MW of flat IT demand, grid at 0.5 yuan/kWh emitting
0.6 t/MWh at 100 yuan/t, so each grid MWh costs 560 yuan. Small hydro has a flat capacity
factor of 0.5 and 30 MW of potential; per MW it yields 0.5 · 8760 = 4380 MWh/yr for
(annuity + O&M) · capex, far below 4380 · 560 yuan: it is built to its potential, and each
of its 15 MW replaces grid power in every hour.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.build import build
from planner import synthetic
from planner.inputs.case import build_case
from planner.inputs.errors import InputErrors
from planner.prepare import capacity_factor_profiles, prepare
from planner.results import collect
from planner.solve import ModelSolver
from planner.timeseries import _rescale

HYDRO = "small_hydro"
PROFILE = "hydro_flow"
CF = 0.5  # [MW/MW], every hour
POTENTIAL_MW = 30.0
CAPEX = 10.0  # M yuan/MW
LIFE_YR = 40.0
OM_SHARE = 0.01  # of capex per year
RATE = 0.07
GRID_YUAN_PER_KWH = 0.5
EMISSION_T_PER_MWH = 0.6
CARBON_YUAN_PER_T = 100.0


def _tables(with_hydro: bool = True, potentials: dict[str, float] | None = None, **over):
    """Raw tables and profiles of the one-site case (or of `case_tables(**over)`), with small
    hydro added as data: `potentials` {site: MW} (default: 30 MW at the first site)."""
    kw = {
        "sites": [
            {
                "site": "s1",
                "grid_price": GRID_YUAN_PER_KWH,
                "emission_factor": EMISSION_T_PER_MWH,
            }
        ],
        "settings": {"discount_rate": RATE, "carbon_price": CARBON_YUAN_PER_T},
        **over,
    }
    if with_hydro:
        kw["technologies"] = {
            HYDRO: {
                "kind": "renewable",
                "capex": CAPEX,
                "fixed_om": OM_SHARE,
                "life": LIFE_YR,
                "profile": PROFILE,
            }
        }
    raw, profiles = synthetic.case_tables(**kw)
    if with_hydro:
        sites = [str(s) for s in raw["Sites"]["site"]]
        potentials = potentials if potentials is not None else {sites[0]: POTENTIAL_MW}
        raw["Potentials"] = synthetic.table(
            "Potentials",
            [{"site": s, "technology": HYDRO, "max": mw} for s, mw in potentials.items()],
        )
        raw["Profiles"] = synthetic.table(
            "Profiles",
            [
                *raw["Profiles"].to_dict("records"),
                {"profile": PROFILE, "file": f"profiles/{PROFILE}.csv"},
            ],
        )
        profiles[PROFILE] = synthetic.profile_frame(CF, list(potentials))
    return raw, profiles


def _solve(raw, profiles, time: str | None = None):
    case = build_case(raw, None, "hydro", profiles=profiles)
    data = prepare(case, time)
    m = build(data)
    outcome = ModelSolver(m).solve()
    assert outcome.status == "optimal"
    return data, collect(m, data, outcome)


def _objective(results) -> float:
    """The solver's objective [M yuan/yr] (not the sum of the cost terms)."""
    return float(results.summary["solver_objective_myuan"])


def _annuity(rate: float, life: float) -> float:
    return rate / (1.0 - (1.0 + rate) ** -life)


@pytest.fixture(scope="module")
def solved():
    return _solve(*_tables())


@pytest.fixture(scope="module")
def without_hydro():
    return _solve(*_tables(with_hydro=False))


def test_the_technology_joins_the_renewables_after_pv_and_wind(solved):
    data, _ = solved
    assert data.renewables == ["pv", "wind", HYDRO]
    assert data.params["vre_max_mw"][("s1", HYDRO)] == POTENTIAL_MW


def test_it_is_built_to_its_potential_and_runs_flat(solved):
    _, results = solved
    sites = results.sites.set_index("site")
    assert sites.loc["s1", f"{HYDRO}_mw"] == pytest.approx(POTENTIAL_MW, rel=1e-9)
    hourly = results.hourly
    assert np.allclose(hourly[f"{HYDRO}_mw"], CF * POTENTIAL_MW, rtol=1e-9, atol=1e-6)
    energy = float((hourly[f"{HYDRO}_mw"] * hourly["weight_h"]).sum())
    assert energy == pytest.approx(CF * POTENTIAL_MW * 8760, rel=1e-9)
    assert sites.loc["s1", f"{HYDRO}_energy_mwh"] == pytest.approx(energy, rel=1e-9)


def test_its_cost_terms_follow_its_id_and_the_terms_add_up_to_the_objective(solved):
    _, results = solved
    costs = results.costs.set_index("term")["cost_myuan"]
    capital = _annuity(RATE, LIFE_YR) * CAPEX * POTENTIAL_MW
    assert costs[f"{HYDRO}_capital"] == pytest.approx(capital, rel=1e-9)
    assert costs[f"{HYDRO}_om"] == pytest.approx(OM_SHARE * CAPEX * POTENTIAL_MW, rel=1e-9)
    assert float(costs.sum()) == pytest.approx(_objective(results), rel=1e-9)


def test_it_saves_the_grid_cost_of_its_energy_less_its_own_cost(solved, without_hydro):
    _, with_results = solved
    _, base_results = without_hydro
    grid_myuan_per_mwh = (GRID_YUAN_PER_KWH * 1000 + CARBON_YUAN_PER_T * EMISSION_T_PER_MWH) * 1e-6
    energy = CF * POTENTIAL_MW * 8760
    own = (_annuity(RATE, LIFE_YR) + OM_SHARE) * CAPEX * POTENTIAL_MW
    saving = energy * grid_myuan_per_mwh - own
    assert saving > 0
    assert _objective(base_results) - _objective(with_results) == pytest.approx(saving, rel=1e-6)


def test_a_site_without_potential_needs_no_profile_column_and_builds_none():
    pair = synthetic.east_west_pair()
    raw, profiles = _tables(**pair, potentials={"east": POTENTIAL_MW})
    assert list(profiles[PROFILE].columns) == ["hour", "east"]
    data, results = _solve(raw, profiles)
    sites = results.sites.set_index("site")
    assert sites.loc["west", f"{HYDRO}_mw"] == 0.0
    assert sites.loc["east", f"{HYDRO}_mw"] == pytest.approx(POTENTIAL_MW, rel=1e-9)
    assert (data.cf[HYDRO]["west"] == 0.0).all()
    west = results.hourly[results.hourly["site"] == "west"]
    assert (west[f"{HYDRO}_mw"].abs() < 1e-9).all()
    costs = results.costs.set_index("term")["cost_myuan"]
    assert float(costs.sum()) == pytest.approx(_objective(results), rel=1e-9)


def test_an_unavailable_renewable_leaves_the_model_as_without_it(without_hydro):
    raw, profiles = _tables()
    technologies = raw["Technologies"]
    technologies.loc[technologies["technology"] == HYDRO, "available [bool]"] = "false"
    data, results = _solve(raw, profiles)
    assert data.renewables == ["pv", "wind"]
    assert _objective(results) == pytest.approx(_objective(without_hydro[1]), rel=1e-12)


# --- validation of the rows that add it --------------------------------------------------


def _problems(raw, profiles, severity="error"):
    with pytest.raises(InputErrors) as caught:
        build_case(raw, None, "bad", profiles=profiles)
    return [p for p in caught.value.problems if p.severity == severity]


def _at(problems, sheet, row, column):
    hits = [p for p in problems if (p.sheet, p.row, p.column) == (sheet, row, column)]
    assert hits, f"no problem at {(sheet, row, column)} in {[str(p) for p in problems]}"
    return hits[0]


def _hydro_row(raw) -> int:
    t = raw["Technologies"]
    return int(t.index[t["technology"] == HYDRO][0])


def test_a_potential_at_an_unknown_site_is_an_error():
    raw, profiles = _tables(potentials={"nowhere": POTENTIAL_MW})
    problem = _at(_problems(raw, profiles), "Potentials", 2, "site")
    assert "unknown id 'nowhere'" in problem.message


def test_a_potential_of_a_technology_that_is_not_kind_renewable_is_an_error():
    raw, profiles = _tables()
    raw["Potentials"].at[2, "technology"] = "pv"
    problem = _at(_problems(raw, profiles), "Potentials", 2, "technology")
    assert "kind=renewable" in problem.message


def test_a_negative_potential_is_an_error():
    raw, profiles = _tables(potentials={"s1": -5.0})
    problem = _at(_problems(raw, profiles), "Potentials", 2, "max [MW]")
    assert "out of range" in problem.message


def test_a_renewable_without_a_profile_is_an_error():
    raw, profiles = _tables()
    raw["Technologies"].at[_hydro_row(raw), "profile"] = None
    problem = _at(_problems(raw, profiles), "Technologies", _hydro_row(raw), "profile")
    assert "needs a profile" in problem.message


def test_a_profile_that_is_not_listed_is_an_error():
    raw, profiles = _tables()
    raw["Technologies"].at[_hydro_row(raw), "profile"] = "hydro_flw"
    problem = _at(_problems(raw, profiles), "Technologies", _hydro_row(raw), "profile")
    assert "not listed in sheet Profiles" in problem.message
    assert "hydro_flow" in problem.message  # the hint


def test_temperature_is_not_a_capacity_factor_profile():
    raw, profiles = _tables()
    raw["Technologies"].at[_hydro_row(raw), "profile"] = "temperature"
    problem = _at(_problems(raw, profiles), "Technologies", _hydro_row(raw), "profile")
    assert "not a capacity factor" in problem.message


def test_a_profile_on_a_cooling_technology_is_an_error():
    raw, profiles = _tables()
    t = raw["Technologies"]
    row = int(t.index[t["technology"] == "air"][0])
    t.at[row, "profile"] = PROFILE
    _at(_problems(raw, profiles), "Technologies", row, "profile")


def test_a_renewable_id_that_names_existing_result_columns_is_an_error():
    raw, profiles = _tables()
    row = _hydro_row(raw)
    raw["Technologies"].at[row, "technology"] = "grid"
    raw["Potentials"].at[2, "technology"] = "grid"
    problem = _at(_problems(raw, profiles), "Technologies", row, "technology")
    assert "result columns" in problem.message


def test_a_capacity_factor_above_one_names_the_profile_hour_and_site():
    raw, profiles = _tables()
    values = profiles[PROFILE]["s1"].to_numpy(copy=True)
    values[10] = 1.5
    profiles[PROFILE] = profiles[PROFILE].assign(s1=values)
    problem = _at(_problems(raw, profiles), f"profile {PROFILE}", 12, "s1")
    assert "outside [0, 1]" in problem.message


def test_a_site_with_potential_needs_a_profile_column():
    raw, profiles = _tables()
    profiles[PROFILE] = profiles[PROFILE].rename(columns={"s1": "other"})
    problem = _at(_problems(raw, profiles), f"profile {PROFILE}", 1, None)
    assert "s1" in problem.message and "potential" in problem.message


def test_an_unused_extra_profile_is_a_warning_and_is_not_read():
    raw, profiles = _tables(with_hydro=False)
    raw["Profiles"] = synthetic.table(
        "Profiles",
        [*raw["Profiles"].to_dict("records"), {"profile": "spare", "file": "spare.csv"}],
    )
    profiles["spare"] = synthetic.profile_frame(0.3, ["s1"])
    case = build_case(raw, None, "spare", profiles=profiles)
    assert "spare" not in case.profiles
    (warning,) = [w for w in case.warnings if w.sheet == "Profiles"]
    assert warning.row == int(raw["Profiles"].index[-1]) and "not used" in warning.message


def test_a_site_whose_only_supply_is_a_renewable_potential_is_valid():
    raw, profiles = _tables(sites=[{"site": "s1", "grid_max": 0.0}])
    case = build_case(raw, None, "island", profiles=profiles)
    assert case.potentials["max_mw"].tolist() == [POTENTIAL_MW]


def test_the_potentials_sheet_is_optional_and_a_renewable_without_one_warns():
    raw, profiles = _tables()
    del raw["Potentials"]
    case = build_case(raw, None, "no_potentials", profiles=profiles)
    assert case.potentials.empty
    assert any("no potential" in w.message for w in case.warnings)
    assert pd.Series(prepare(case).params["vre_max_mw"])[:, HYDRO].eq(0.0).all()


def test_its_profile_is_a_capacity_factor_that_typical_days_keep_at_most_one():
    raw, profiles = _tables()
    case = build_case(raw, None, "hydro", profiles=profiles)
    assert capacity_factor_profiles(case) == ("pv", "wind", PROFILE)
    # two steps of 1 h standing for a year whose mean is 0.9: scaled by 0.9 / 0.6 = 1.5 they
    # read 1.2 and 0.6; a capacity factor is capped at 1 and the 0.2 removed goes to the
    # other step (0.8), keeping the mean; any other profile keeps 1.2
    part = pd.DataFrame({"s1": [0.8, 0.4]})
    full = pd.DataFrame({"s1": [0.9, 0.9]})
    weight = np.array([1.0, 1.0])
    capped = _rescale(PROFILE, part, full, weight, share=True)["s1"].tolist()
    assert capped == pytest.approx([1.0, 0.8], rel=1e-12)
    plain = _rescale(PROFILE, part, full, weight, share=False)["s1"].tolist()
    assert plain == pytest.approx([1.2, 0.6], rel=1e-12)
