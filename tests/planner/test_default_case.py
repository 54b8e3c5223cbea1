"""The shipped default case (China east-west): both forms agree, every number has a source, and
the committed files are exactly what `scripts/make_default_case.py` writes."""

from __future__ import annotations

import math

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
from tests.planner.shipped import FOLDER, INPUTS, ROOT, SHIPPED_SCENARIOS, WORKBOOK, load_script

DOCS = ROOT / "docs" / "data.md"
PARAMETERS = INPUTS / "profiles" / "parameters.csv"
FLAGS = {"P", "E", "A"}


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
    assert len(sites) == 14 and sites["site"].is_unique
    centres = sites[sites["max_it_mw"] > 0]  # data-centre sites; the rest are supply nodes
    assert sorted(centres["zone"].value_counts().items()) == [
        ("central", 2),
        ("east", 6),
        ("west", 4),
    ]
    bases = sites[sites["max_it_mw"] == 0]  # issue 15: western renewable bases without IT
    assert sorted(bases["site"]) == ["hami", "qinghai_hainan"]
    assert set(bases["zone"]) == {"west"}
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
    for site, row in sites.iterrows():  # supply nodes: no IT, no grid connection (0 = 1.6 x 0)
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
    assert tuple(dict.fromkeys(rows["scenario"])) == SHIPPED_SCENARIOS
    sites = _internal("Sites", xlsx_tables["Sites"])
    west_it = sorted(sites.loc[(sites["zone"] == "west") & (sites["max_it_mw"] > 0), "site"])
    lines = sorted(_internal("Lines", xlsx_tables["Lines"])["line"])

    def changed(scenario: str, sheet: str) -> list:
        picked = rows[(rows["scenario"] == scenario) & (rows["sheet"] == sheet)]
        return picked[["key", "column", "value"]].values.tolist()

    closed_lines = sorted(
        [line, column, 0] for line in lines for column in ("existing_mw", "max_new_mw")
    )
    closed_west = sorted([site, "max_it_mw", 0] for site in west_it)
    # east_only: no western data centres and no lines (every site an island on its grid)
    assert sorted(changed("east_only", "Sites")) == closed_west
    assert sorted(changed("east_only", "Lines")) == closed_lines
    # no_lines: the lines closed to data centres, nothing else
    assert set(rows.loc[rows["scenario"] == "no_lines", "sheet"]) == {"Lines"}
    assert sorted(changed("no_lines", "Lines")) == closed_lines
    # lines_only: east_only with the lines open
    assert set(rows.loc[rows["scenario"] == "lines_only", "sheet"]) == {"Sites"}
    assert sorted(changed("lines_only", "Sites")) == closed_west


def test_lines_land_at_sites_of_the_case(xlsx_tables):
    """Issue 15: the existing Qinghai-Henan and Hami-Chongqing lines land at Zhengzhou and
    Chongqing, every line leaves a supply node, and the candidate lines [A] may be built."""
    sites = _internal("Sites", xlsx_tables["Sites"]).set_index("site")
    lines = _internal("Lines", xlsx_tables["Lines"]).set_index("line")
    assert set(lines["to_site"]) <= set(sites.index)
    assert (sites.loc[lines["from_site"], "max_it_mw"] == 0).all()
    assert lines.loc["qinghai_henan", ["from_site", "to_site"]].tolist() == [
        "qinghai_hainan",
        "zhengzhou",
    ]
    assert lines.loc["hami_chongqing", ["from_site", "to_site"]].tolist() == ["hami", "chongqing"]
    existing = lines[lines["existing_mw"] > 0]
    assert sorted(existing.index) == ["hami_chongqing", "qinghai_henan"]
    assert (existing["max_new_mw"] == 0).all()
    # regulated +-800 kV tariffs are 5-9 fen/kWh with 4.5-6 % losses
    assert existing["tariff_yuan_per_kwh"].between(0.05, 0.092).all()
    assert existing["loss_share"].between(0.045, 0.06).all()
    candidates = lines[lines["max_new_mw"] > 0]
    assert len(candidates) in (2, 3)
    assert (candidates["existing_mw"] == 0).all()
    flags = _sources(xlsx_tables)
    for line in candidates.index:
        assert flags["Lines", line, "max_new_mw"]["flag"] == "A"


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
    script = load_script("make_default_case")
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
    script = load_script("make_default_case")
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
