"""The shipped default case (China east-west): both forms agree, every number has a source, and
the committed files are exactly what `scripts/make_default_case.py` writes."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pandas as pd
import pytest

from planner.inputs.schema import (
    BY_NAME,
    COOLING_KIND,
    POLICY,
    SETTINGS,
    SHEETS,
    row_id,
)
from planner.inputs.tables import read_tables

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "inputs"
WORKBOOK = INPUTS / "china_east_west.xlsx"
FOLDER = INPUTS / "china_east_west"
DOCS = ROOT / "docs" / "data.md"
PARAMETERS = INPUTS / "profiles" / "parameters.csv"
SCRIPT = ROOT / "scripts" / "make_default_case.py"
FLAGS = {"P", "E", "A"}


def _load_script():
    spec = importlib.util.spec_from_file_location("make_default_case", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while it loads
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def xlsx_tables():
    return read_tables(WORKBOOK)


@pytest.fixture(scope="module")
def csv_tables():
    return read_tables(FOLDER)


def _norm(value: object) -> object:
    """Cell value comparable across the two forms: numbers as float, booleans as text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return float(value)
    text = str(value)
    try:
        return float(text)
    except ValueError:
        return text.lower() if text.lower() in ("true", "false") else text


def _normalised(frame: pd.DataFrame) -> list[list[object]]:
    return [[_norm(v) for v in row] for row in frame.itertuples(index=False)]


def _assert_same_tables(left: dict, right: dict) -> None:
    assert sorted(left) == sorted(right)
    for name in left:
        assert list(left[name].columns) == list(right[name].columns), name
        assert list(left[name].index) == list(right[name].index), name
        assert _normalised(left[name]) == _normalised(right[name]), name


def _internal(sheet_name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A table sheet with internal column names."""
    sheet = BY_NAME[sheet_name]
    return frame.rename(columns={c.header: c.name for c in sheet.columns})


def _is_number(value: object) -> bool:
    if value is None or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _sources(tables: dict) -> dict[tuple[str, str, str], dict]:
    frame = _internal("Sources", tables["Sources"])
    return {(r["sheet"], str(r["key"]), r["column"]): r for r in frame.to_dict("records")}


# --- both forms ----------------------------------------------------------------------------------


def test_every_sheet_is_present_with_schema_headers(xlsx_tables):
    assert list(xlsx_tables) == [s.name for s in SHEETS]
    for sheet in SHEETS:
        expected = (
            ["key", "value", "unit", "note"]
            if sheet.kind == "keyvalue"
            else [c.header for c in sheet.columns]
        )
        assert list(xlsx_tables[sheet.name].columns) == expected, sheet.name


def test_workbook_and_csv_folder_read_to_the_same_tables(xlsx_tables, csv_tables):
    assert sorted(p.stem for p in FOLDER.glob("*.csv")) == sorted(s.name for s in SHEETS)
    _assert_same_tables(xlsx_tables, csv_tables)


# --- content -------------------------------------------------------------------------------------


def test_counts_and_total_demand(xlsx_tables):
    sites = _internal("Sites", xlsx_tables["Sites"])
    regions = _internal("Regions", xlsx_tables["Regions"])
    classes = _internal("Classes", xlsx_tables["Classes"])
    tech = _internal("Technologies", xlsx_tables["Technologies"])
    demand = _internal("Demand", xlsx_tables["Demand"])
    assert len(sites) == 12 and sites["site"].is_unique
    assert sorted(sites["zone"].value_counts().items()) == [
        ("central", 2),
        ("east", 6),
        ("west", 4),
    ]
    assert len(regions) == 6
    assert len(classes) == 6  # issue 14 split inference off interactive
    assert sorted(tech.loc[tech["kind"] == COOLING_KIND, "technology"]) == [
        "air",
        "cold_plate",
        "immersion",
    ]
    assert len(demand) == 6 * 6
    in_mw = demand[demand["unit"] == "MW"]
    assert set(demand.loc[demand["unit"] == "PFLOPS", "workload_class"]) == {
        "training",
        "inference",
    }
    # training and inference (25% + 7.5% of each region's MW) are stated in PFLOPS
    assert sum(float(v) for v in in_mw["demand_mw"]) == pytest.approx(3250.0 * (1 - 0.325))
    assert xlsx_tables["Links"].empty


def test_spot_values_follow_data_md(xlsx_tables):
    sites = _internal("Sites", xlsx_tables["Sites"]).set_index("site")
    for site, row in sites.iterrows():
        assert float(row["grid_max_mw"]) == pytest.approx(1.6 * float(row["max_it_mw"])), site
        assert row["water_cap_m3"] is None
    assert sites.loc["zhongwei", "max_it_mw"] == 1500
    assert sites.loc["wuhan", "pv_max_mw"] == 300 and sites.loc["wuhan", "wind_max_mw"] == 200
    assert sites.loc["zhangjiakou", "emission_factor_t_per_mwh"] == pytest.approx(0.6516)
    demand = _internal("Demand", xlsx_tables["Demand"]).set_index(["region", "workload_class"])
    assert float(demand.loc[("yrd", "realtime"), "demand_mw"]) == 150
    tech = _internal("Technologies", xlsx_tables["Technologies"]).set_index("technology")
    assert [
        float(tech.loc[t, "capex_myuan_per_unit"]) for t in ("air", "cold_plate", "immersion")
    ] == [50, 54, 60]
    cooling = _internal("Cooling", xlsx_tables["Cooling"])
    air = cooling[cooling["cooling"] == "air"]
    wue = dict(zip(air["ambient_c"], air["wue_l_per_kwh"], strict=True))
    assert wue == {0: 0.3, 10: 0.3, 18: pytest.approx(0.98), 24: pytest.approx(1.49), 30: 2, 35: 2}
    settings = xlsx_tables["Settings"].set_index("key")
    assert list(settings.index) == [k.name for k in SETTINGS.keys]
    assert settings.loc["carbon_price", "value"] == 96  # 2024 national ETS average (issue 18)
    assert settings.loc["time", "value"] == "typical:8"
    for key in SETTINGS.keys:
        assert (settings.loc[key.name, "unit"] or "") == key.unit, key.name
    policy = xlsx_tables["Policy"].set_index("key")
    assert list(policy.index) == [k.name for k in POLICY.keys]
    assert policy["value"].dropna().to_dict() == {
        "green_share_scope": "overall",
        "ppa_profile": "wind",
        "cfe_scope": "overall",
        "domestic_share_scope": "overall",
    }


def test_scenarios_shipped(xlsx_tables):
    rows = _internal("Scenarios", xlsx_tables["Scenarios"])
    assert list(dict.fromkeys(rows["scenario"])) == [
        "baseline",
        "policy_2025",
        "carbon_200",
        "east_only",
        "air_only",
        "no_vouchers",
        "import_ban",
        "domestic_50",
        "chip_shock",
    ]
    east_only = rows[rows["scenario"] == "east_only"]
    sites = _internal("Sites", xlsx_tables["Sites"])
    assert sorted(east_only["key"]) == sorted(sites.loc[sites["zone"] == "west", "site"])


# --- sources -------------------------------------------------------------------------------------


def test_every_number_has_a_source(xlsx_tables, csv_tables):
    for tables in (xlsx_tables, csv_tables):
        sources = _sources(tables)
        missing = []
        for sheet in SHEETS:
            if sheet.name == "Sources":
                continue
            frame = tables[sheet.name]
            if sheet.kind == "keyvalue":
                cells = [(sheet.name, str(k), "value") for k in frame["key"]]
                assert sorted(frame["key"]) == sorted(k.name for k in sheet.keys)
            else:
                cells = []
                for record in _internal(sheet.name, frame).to_dict("records"):
                    key = row_id(sheet, {k: _id_text(record[k]) for k in sheet.key})
                    for column in sheet.columns:
                        value = record[column.name]
                        numeric = column.dtype in ("float", "int") and value is not None
                        if numeric or _is_number(value):
                            cells.append((sheet.name, key, column.name))
            missing += [cell for cell in cells if cell not in sources]
        assert missing == []


def _id_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_sources_rows_are_well_formed(xlsx_tables):
    frame = _internal("Sources", xlsx_tables["Sources"])
    assert set(frame["flag"]) <= FLAGS
    assert frame["source"].notna().all()
    assert not frame.duplicated(subset=["sheet", "key", "column"]).any()
    assert set(frame["sheet"]) <= set(BY_NAME)
    flags = _sources(xlsx_tables)
    assert flags["Sites", "zhongwei", "pue_cap"]["flag"] == "P"
    # central sites are no hub: the 2021 green data-centre plan's 1.3 for new large data centres
    assert flags["Sites", "wuhan", "pue_cap"]["flag"] == "P"
    assert "1742" in flags["Sites", "wuhan", "pue_cap"]["source"]
    assert flags["Demand", "yrd/realtime", "demand_mw"]["flag"] == "A"
    assert flags["Cooling", "air/24", "pue"]["flag"] in FLAGS


def test_profile_parameters_have_sources_and_match_the_sites(xlsx_tables):
    if not PARAMETERS.is_file():
        pytest.skip("inputs/profiles/parameters.csv not written yet")
    params = pd.read_csv(PARAMETERS, dtype={"site": str, "tou": str})
    sources = _sources(xlsx_tables)
    sites = _internal("Sites", xlsx_tables["Sites"]).set_index("site")
    assert sorted(params["site"]) == sorted(sites.index)
    script = _load_script()
    for record in params.to_dict("records"):
        site = record["site"]
        assert record["lat"] == pytest.approx(float(sites.loc[site, "lat"]))
        assert record["lon"] == pytest.approx(float(sites.loc[site, "lon"]))
        expected = dict(zip(script.PROFILE_PARAM_COLUMNS, script.PROFILE_PARAMS[site], strict=True))
        for column, value in record.items():
            if column == "site":
                continue
            assert ("Profiles", site, column) in sources, (site, column)
            if column in expected:
                assert value == pytest.approx(expected[column]), (site, column)


# --- generated = committed -----------------------------------------------------------------------


def test_committed_files_equal_a_fresh_build(tmp_path, xlsx_tables, csv_tables):
    script = _load_script()
    docs = tmp_path / "data.md"
    workbook, folder = script.write_case(tmp_path, docs)
    _assert_same_tables(read_tables(workbook), xlsx_tables)
    _assert_same_tables(read_tables(folder), csv_tables)
    for fresh in folder.glob("*.csv"):  # CSV text is deterministic: compare bytes too
        assert fresh.read_bytes() == (FOLDER / fresh.name).read_bytes(), fresh.name
    assert docs.read_text(encoding="utf-8") == DOCS.read_text(encoding="utf-8")


def test_case_validates_in_every_scenario(xlsx_tables):
    validate = pytest.importorskip("planner.inputs.validate")
    scenarios = pytest.importorskip("planner.inputs.scenarios")
    names = scenarios.scenario_names(xlsx_tables)
    assert "baseline" in names
    profiles_ready = all(
        (INPUTS / f"profiles/{n}.csv").is_file()
        for n in ("temperature", "pv", "wind", "price", "demand")
    )
    for name in names:
        raw, problems = scenarios.apply_scenario(xlsx_tables, name)
        assert problems == [], name
        checked = validate.check(raw, INPUTS if profiles_ready else None)
        assert [str(p) for p in checked.problems] == [], name
