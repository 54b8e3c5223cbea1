"""`dcplan run`: exit codes, the files of a results folder and what they hold.

The default case is solved once per session (`default_run_dir`, conftest); the CLI's own
paths (exit codes, --out, --overwrite) run on a small case written to a temporary folder.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.inputs.case import load_case
from planner.synthetic import case_tables, near_far_pair, write_case
from planner.writers import MANIFEST, verify_manifest

RESULT_FILES = (
    "manifest.json",
    "summary.json",
    "sites.csv",
    "routing.csv",
    "hourly.csv",
    "hourly.parquet",
    "costs.csv",
    "duals.csv",
    "results.xlsx",
    "run.log",
    "report.html",
)
DEFAULT_CASE = Path(__file__).resolve().parents[2] / "inputs" / "china_east_west.xlsx"
SMALL = near_far_pair()


def _run(*args: str):
    return CliRunner().invoke(app, ["run", *args])


def _write_small(folder: Path, **changes) -> Path:
    raw, profiles = case_tables(**{**SMALL, **changes})
    return write_case(raw, profiles, folder / "case" / "small")


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _assert_complete(folder: Path) -> None:
    missing = [name for name in RESULT_FILES if not (folder / name).is_file()]
    assert not missing, missing
    assert (folder / "inputs").is_dir()
    assert verify_manifest(folder) == []


# --- the default case (one solve per session) ------------------------------------------------


def test_default_run_folder_has_every_file(default_run_dir: Path):
    _assert_complete(default_run_dir)
    manifest = json.loads((default_run_dir / MANIFEST).read_text(encoding="utf-8"))
    listed = set(manifest["files"])
    # every output is hashed except the manifest itself and report.html, which is written
    # after the manifest (it shows it) and may be rebuilt by `dcplan report`
    assert {name for name in RESULT_FILES if name not in (MANIFEST, "report.html")} <= listed
    assert any(name.startswith("inputs/") for name in listed)
    assert manifest["solver"]["status"] == "optimal"


def test_default_run_hourly_csv_and_parquet_hold_the_solved_table(
    default_run_dir: Path, default_solved
):
    hourly_csv = pd.read_csv(default_run_dir / "hourly.csv")
    hourly_parquet = pd.read_parquet(default_run_dir / "hourly.parquet")
    assert list(hourly_csv.columns) == list(hourly_parquet.columns)
    assert len(hourly_csv) == len(hourly_parquet) == len(default_solved.results.hourly)
    numeric = hourly_parquet.select_dtypes("number").columns
    pd.testing.assert_frame_equal(
        hourly_csv[numeric], hourly_parquet[numeric], check_dtype=False, rtol=1e-9
    )


def _annuity(rate: float, life_yr: float) -> float:
    """Capital recovery factor [1/yr]."""
    return rate / (1.0 - (1.0 + rate) ** -life_yr)


def _route_km(case, routing: pd.DataFrame) -> np.ndarray:
    """Great-circle km from each route's region to its site times the route factor."""
    region = case.regions.loc[routing["region"]]
    site = case.sites.loc[routing["site"]]
    lat1, lat2 = np.radians(region["lat"].to_numpy()), np.radians(site["lat"].to_numpy())
    dlon = np.radians(site["lon"].to_numpy() - region["lon"].to_numpy())
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(a)) * float(case.settings["rtt_route_factor"])


def _expected_costs(
    case,
    sites: pd.DataFrame,
    hourly: pd.DataFrame,
    routing: pd.DataFrame,
    price: pd.DataFrame,
    hardware: pd.DataFrame,
    lines_csv: pd.DataFrame | None = None,
) -> dict[str, float]:
    """Every cost term [M yuan/yr] from the inputs and the plan's quantities in the result
    files (capacities in sites.csv, hourly flows in hourly.csv, routes in routing.csv);
    `price`: the time-of-use price multiplier at each time step (timestep × site)."""
    s = case.settings
    tech = case.technologies

    def capital(name: str) -> float:
        row = tech.loc[name]
        return _annuity(s["discount_rate"], row["life_yr"]) * row["capex_myuan_per_unit"]

    def om(name: str) -> float:
        return tech.loc[name, "fixed_om_share"] * tech.loc[name, "capex_myuan_per_unit"]

    it_mw = {k: sites[f"it_capacity_{k}_mw"].sum() for k in case.cooling_techs}
    energy_mwh, power_mw = sites["battery_mwh"].sum(), sites["battery_mw"].sum()
    weight = hourly["weight_h"]
    multiplier = price.stack().rename_axis(["timestep", "site"])
    step_multiplier = multiplier.reindex(pd.MultiIndex.from_frame(hourly[["timestep", "site"]]))
    share = s["tou_energy_share"]
    tou = (1.0 - share) + share * step_multiplier.to_numpy()
    tariff = hourly["site"].map(case.sites["grid_price_yuan_per_kwh"])
    ef = hourly["site"].map(case.sites["emission_factor_t_per_mwh"])
    emissions_t = (weight * ef * hourly["grid_mw"]).sum()
    bandwidth = routing["workload_class"].map(case.classes["bandwidth_gbps_per_mw"])
    vouchers = 0.0
    for voucher in case.vouchers.itertuples():
        eligible = {site.strip() for site in str(voucher.eligible_sites).split(",")}
        served = routing.loc[
            (routing["region"] == voucher.issuer_region) & routing["site"].isin(eligible),
            "served_mw",
        ].sum()
        earned = voucher.rate_share * voucher.compute_price_yuan_per_mwh * 8760 * served / 1e6
        vouchers += min(voucher.budget_myuan_per_yr, earned)
    unserved_mw = _served_mw(case, hardware) - routing["served_mw"].sum()
    gec_price = case.policy.get("gec_price") or 0.0
    return {
        "facility_capital": sum(capital(k) * mw for k, mw in it_mw.items()),
        "facility_om": sum(om(k) * mw for k, mw in it_mw.items()),
        "pv_capital": capital("pv") * sites["pv_mw"].sum(),
        "pv_om": om("pv") * sites["pv_mw"].sum(),
        "wind_capital": capital("wind") * sites["wind_mw"].sum(),
        "wind_om": om("wind") * sites["wind_mw"].sum(),
        "battery_capital": capital("battery_energy") * energy_mwh
        + capital("battery_power") * power_mw,
        "battery_om": om("battery_energy") * energy_mwh + om("battery_power") * power_mw,
        "battery_wear": s["battery_wear_cost"]
        * (weight * hourly["battery_discharge_mw"]).sum()
        / 1e6,
        "grid_energy": (weight * tariff * 1e-3 * tou * hourly["grid_mw"]).sum(),
        "carbon": s["carbon_price"] * emissions_t / 1e6,
        "bandwidth": (
            routing["served_mw"] * bandwidth * s["bandwidth_cost"] * _route_km(case, routing) / 100
        ).sum(),
        "certificates": gec_price * sites["certificates_mwh"].sum() / 1e6,
        "unserved": s["unserved_penalty"] * 8760 * unserved_mw / 1e6,
        "vouchers": -vouchers,
        **_hardware_costs(case, hardware),
        **_line_costs(case, lines_csv),
    }


def _line_costs(case, lines_csv: pd.DataFrame | None) -> dict[str, float]:
    """Issue 15's power lines: annuity and O&M of the new capacity in lines.csv, from the
    Lines inputs (capex per MW*km x derived length); the tariff on existing capacity is taken
    from lines.csv (its energy split existing/new is not in the files)."""
    from planner.prepare import line_table

    lines = line_table(case).set_index("line")
    if lines.empty or lines_csv is None:
        return {}
    out = lines_csv.set_index("line")
    capex = lines["capex_myuan_per_mw_km"].astype(float) * lines["length_km"]
    rate = (
        lines["line_life_yr"]
        .astype(float)
        .map(lambda life: _annuity(case.settings["discount_rate"], life))
    )
    new = out["new_mw"].reindex(lines.index)
    return {
        "line_capital": float((rate * capex * new).sum()),
        "line_om": float((lines["line_om_share"].astype(float) * capex * new).sum()),
        "line_tariff": float(out["tariff_cost_myuan"].sum()),
    }


def _hardware_costs(case, hardware: pd.DataFrame) -> dict[str, float]:
    """Issue 14's cost terms from the Hardware inputs and hardware.csv: the server annuity
    times the PFLOPS installed; no domestic discount, voucher top-up or unserved compute in
    the baseline."""
    families = case.extra["Hardware"].set_index("family")
    rate = hardware["family"].map(
        lambda f: (
            _annuity(case.settings["discount_rate"], families.at[f, "server_life_yr"])
            * families.at[f, "capex_myuan_per_server"]
            / families.at[f, "pflops_per_server"]
        )
    )
    return {
        "server_capital": float((rate * hardware["pflops"]).sum()),
        "domestic_power_discount": 0.0,
        "unserved_compute": 0.0,
        "vouchers_domestic": 0.0,
    }


def _served_mw(case, hardware: pd.DataFrame) -> float:
    """MW demand plus the IT power of the compute served: PFLOPS x kW/PFLOPS of each family."""
    families = case.extra["Hardware"].set_index("family")
    kw_per_pflops = families["kw_per_server"] / families["pflops_per_server"]
    in_mw = case.demand.loc[case.demand["unit"] == "MW", "demand_mw"].sum()
    return float(
        in_mw + (hardware["served_pflops"] * hardware["family"].map(kw_per_pflops)).sum() / 1000
    )


def test_default_run_costs_csv_is_the_inputs_times_the_plans_quantities(
    default_run_dir: Path, default_solved
):
    """costs.csv, term by term, recomputed from the run's copy of its inputs and the plan in
    sites.csv, hourly.csv and routing.csv; its total is HiGHS's objective."""
    case = load_case(default_run_dir / "inputs" / "case")
    assert case.links.empty  # bandwidth cost follows the distance formula on every route
    costs = pd.read_csv(default_run_dir / "costs.csv").set_index("term")["cost_myuan"]
    expected = _expected_costs(
        case,
        pd.read_csv(default_run_dir / "sites.csv"),
        pd.read_csv(default_run_dir / "hourly.csv"),
        pd.read_csv(default_run_dir / "routing.csv"),
        default_solved.data.time.profiles["price"],
        pd.read_csv(default_run_dir / "hardware.csv"),
        pd.read_csv(default_run_dir / "lines.csv"),
    )
    assert sorted(costs.index) == sorted(expected)
    for term, value in expected.items():
        # unserved: 1e-3 M yuan is 0.1 kW at the penalty, below the files' rounding
        assert costs[term] == pytest.approx(value, rel=1e-6, abs=1e-3), term
    assert expected["grid_energy"] > 0 and expected["vouchers"] < 0  # the checks bite
    summary = json.loads((default_run_dir / "summary.json").read_text(encoding="utf-8"))
    assert costs.sum() == pytest.approx(summary["solver_objective_myuan"], rel=1e-6)
    assert sum(expected.values()) == pytest.approx(default_solved.outcome.objective, rel=1e-6)


def test_default_run_summary_is_recomputed_from_hourly_csv_and_the_inputs(default_run_dir: Path):
    case = load_case(default_run_dir / "inputs" / "case")
    summary = json.loads((default_run_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal"
    hourly = pd.read_csv(default_run_dir / "hourly.csv")
    routing = pd.read_csv(default_run_dir / "routing.csv")
    supply = (
        hourly["grid_mw"]
        + hourly["pv_mw"]
        + hourly["wind_mw"]
        + hourly["battery_discharge_mw"]
        - hourly["battery_charge_mw"]
        + hourly["line_import_mw"]  # power lines (issue 15): delivered after losses
        - hourly["line_export_mw"]
    )
    gap = (supply - hourly["facility_mw"]).abs()
    assert (gap <= 1e-6 * hourly["facility_mw"].abs().clip(lower=1.0)).all()  # every hour

    def energy(column: str) -> float:
        return float((hourly["weight_h"] * hourly[column]).sum())  # MWh/yr

    assert summary["pue_avg"] == pytest.approx(energy("facility_mw") / energy("it_load_mw"))
    # own renewables everywhere; a line's green energy counts where it lands, net of losses
    green_sent = float(pd.read_csv(default_run_dir / "lines.csv")["green_mwh"].sum())
    green = energy("pv_mw") + energy("wind_mw") - green_sent + energy("line_green_import_mw")
    assert summary["green_share"] == pytest.approx(green / energy("facility_mw"), rel=1e-6)
    ef = hourly["site"].map(case.sites["emission_factor_t_per_mwh"])
    emissions = float((hourly["weight_h"] * ef * hourly["grid_mw"]).sum())
    assert summary["emissions_t"] == pytest.approx(emissions, rel=1e-6)
    served_mw = _served_mw(case, pd.read_csv(default_run_dir / "hardware.csv"))
    assert summary["served_mw"] == pytest.approx(served_mw, rel=1e-6)
    assert summary["unserved_mw"] == pytest.approx(0.0, abs=1e-6)
    west = routing["site"].map(case.sites["zone"]) == "west"
    share = routing.loc[west, "served_mw"].sum() / served_mw
    assert summary["west_share"] == pytest.approx(share, rel=1e-6)


def test_default_run_copies_inputs_that_load_back(default_run_dir: Path, default_solved):
    case = load_case(default_run_dir / "inputs" / "case")
    original = default_solved.case
    pd.testing.assert_frame_equal(case.demand, original.demand)
    pd.testing.assert_frame_equal(case.sites, original.sites)
    for name, frame in original.profiles.items():
        pd.testing.assert_frame_equal(case.profiles[name], frame, rtol=1e-9)


def _dcplan(*args: str) -> subprocess.CompletedProcess:
    """The `dcplan` command as its own process (its entry point, planner.cli.main, ends the
    process itself once the results are written)."""
    command = [sys.executable, "-c", "from planner.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.slow  # the whole default case again, in a process: `make bench` (endtoend) runs it
def test_dcplan_process_on_the_default_case_exits_0_and_writes_every_file(tmp_path: Path):
    done = _dcplan("run", str(DEFAULT_CASE), "--out", str(tmp_path / "run"), "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "run")  # flushed before the process ends
    _assert_complete(tmp_path / "run")


# --- CLI paths on a small case -----------------------------------------------------------------


def test_cli_run_on_a_small_case_exits_0_and_writes_every_file(tmp_path: Path):
    case = _write_small(tmp_path)
    out = tmp_path / "run"
    result = _run(str(case), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    _assert_complete(out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal"
    assert summary["time"] == "typical:2"


def test_cli_run_json_reports_the_folder_exit_code_and_timings(tmp_path: Path):
    case = _write_small(tmp_path)
    out = tmp_path / "run"
    result = _run(str(case), "--out", str(out), "--json", "--time", "typical:3")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["folder"] == str(out)
    assert report["exit_code"] == 0
    assert report["summary"]["time"] == "typical:3"
    assert {"read", "prepare", "build", "load", "solve", "extract", "write"} <= set(
        report["timings_s"]
    )


def test_cli_run_into_an_existing_folder_without_overwrite_exits_2_and_leaves_it(
    tmp_path: Path,
):
    case = _write_small(tmp_path)
    out = tmp_path / "run"
    assert _run(str(case), "--out", str(out), "--quiet").exit_code == 0
    before = _snapshot(out)
    result = _run(str(case), "--out", str(out), "--quiet")
    assert result.exit_code == 2
    assert "exists" in result.output
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case", "run"]  # no temporary folder left
    assert _run(str(case), "--out", str(out), "--quiet", "--overwrite").exit_code == 0
    _assert_complete(out)


def test_cli_run_on_bad_input_exits_2_without_a_folder(tmp_path: Path):
    case = _write_small(tmp_path, demand={("r1", "realtime"): -40.0, ("r1", "batch"): 60.0})
    out = tmp_path / "run"
    result = _run(str(case), "--out", str(out))
    assert result.exit_code == 2
    assert "Demand" in result.output
    assert not out.exists()


def test_cli_run_with_a_bad_time_option_exits_2(tmp_path: Path):
    case = _write_small(tmp_path)
    result = _run(str(case), "--out", str(tmp_path / "run"), "--time", "weekly")
    assert result.exit_code == 2
    assert not (tmp_path / "run").exists()


def test_cli_run_on_an_infeasible_case_exits_1_with_an_explanation(tmp_path: Path):
    case = _write_small(tmp_path, sites=[{"site": "s1", "max_it": 20.0}])
    out = tmp_path / "run"
    result = _run(str(case), "--out", str(out))
    assert result.exit_code == 1, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] in ("infeasible", "infeasible_or_unbounded")
    assert summary["objective_myuan"] is None
    assert summary.get("explanation")
    assert verify_manifest(out) == []


def test_dcplan_process_keeps_the_exit_code_of_an_infeasible_run(tmp_path: Path):
    case = _write_small(tmp_path, sites=[{"site": "s1", "max_it": 20.0}])
    done = _dcplan("run", str(case), "--out", str(tmp_path / "run"))
    assert done.returncode == 1, done.stderr
    assert "infeasible" in done.stderr  # explanations go to stderr
    assert "nan" not in done.stderr
    assert verify_manifest(tmp_path / "run") == []


def test_redispatch_option_reports_the_plan_over_the_full_year(tmp_path: Path):
    """Daily-periodic profiles make the typical days exact: the full-year cost equals the
    plan's, and the folder, summary, console and report all say so."""
    case = _write_small(tmp_path)
    out = tmp_path / "run"
    result = _run(str(case), "--out", str(out), "--redispatch")
    assert result.exit_code == 0, result.output
    assert "full-year re-dispatch:" in result.output
    table = pd.read_csv(out / "redispatch.csv")
    assert list(table["site"]) == ["s1", "s2", "total"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    total = summary["redispatch"]
    assert total["status"] == "optimal"
    assert total["annual_cost_myuan"] == pytest.approx(summary["objective_myuan"], rel=1e-7)
    assert abs(total["cost_error_pct"]) < 1e-5
    assert verify_manifest(out) == []
    report = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="full-year"' in report and "meets every site limit" in report


def test_without_redispatch_there_is_no_full_year_section(default_run_dir: Path):
    assert not (default_run_dir / "redispatch.csv").exists()
    assert 'id="full-year"' not in (default_run_dir / "report.html").read_text(encoding="utf-8")
