"""Bad inputs found by an adversarial pass over the input promise: every problem is a message
naming sheet (or file), row and column, exit code 2, never a traceback, and nothing bad is
silently read as something else. Each test failed before its fix."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from inputs_small_case import invoke_cli as _invoke
from inputs_small_case import small_profiles, small_tables, write_profiles, write_small_case

from planner.inputs.check import check_case
from planner.inputs.tables import CaseReadError, read_tables, write_tables


def _errors(problems):
    return [p for p in problems if p.severity == "error"]


def _where(problems):
    return {(p.sheet, p.row, p.column) for p in _errors(problems)}


def _csv_case(tmp_path: Path, tables=None) -> Path:
    return write_small_case(tmp_path, "csv", tables)


def _edit_profile(tmp_path: Path, name: str, edit) -> Path:
    """Rewrite profiles/<name>.csv of a case under tmp_path through `edit(text) -> text|bytes`."""
    path = tmp_path / "profiles" / f"{name}.csv"
    changed = edit(path.read_text(encoding="utf-8"))
    if isinstance(changed, bytes):
        path.write_bytes(changed)
    else:
        path.write_text(changed, encoding="utf-8")
    return path


# --- reading a CSV folder ---------------------------------------------------------------------


def test_a_folder_or_broken_link_named_like_a_sheet_is_a_message_not_a_traceback(tmp_path):
    case = _csv_case(tmp_path)
    (case / "Notes.csv").mkdir()
    result = _invoke("validate", str(case))
    assert result.exit_code == 2
    # the console wraps long paths anywhere: compare without whitespace
    assert "Notes.csv:isafolder,notaCSVfile" in "".join(result.output.split())
    (case / "Notes.csv").rmdir()
    (case / "Links.csv").unlink()
    os.symlink(tmp_path / "nowhere.csv", case / "Links.csv")
    with pytest.raises(CaseReadError, match=r"Links\.csv: is a broken link"):
        read_tables(case)


def test_a_stray_quote_does_not_swallow_the_rows_below_it(tmp_path):
    case = _csv_case(tmp_path)
    path = case / "Sites.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",west,", ',"west,', 1)  # row 3 opens a quote it never closes
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CaseReadError, match=r"Sites.csv: row 3 \(line 3\)"):
        read_tables(case)  # it read as 2 sites, the third one inside a cell of the second


def test_a_stray_quote_closed_later_does_not_swallow_rows_either(tmp_path):
    tables = small_tables()
    tables["Sites"].at[4, "hub"] = "(west, not a hub)"  # written quoted: "(west, not a hub)"
    case = _csv_case(tmp_path, tables)
    path = case / "Sites.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("east_a,", 'east_a,"', 1)  # closes at row 4's first quote
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CaseReadError, match=r"Sites.csv: row 2 \(line 2\)"):
        read_tables(case)


def test_csv_sheets_in_utf16_are_read_and_other_encodings_name_the_line(tmp_path):
    case = _csv_case(tmp_path)
    path = case / "Regions.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("utf-16"))  # Excel's "Unicode text" with a BOM
    assert read_tables(case)["Regions"].at[2, "region"] == "north"
    lines = text.splitlines()
    path.write_bytes(("\n".join(lines[:2]) + "\nsouth,S\xff\xfe\n").encode("latin-1"))
    with pytest.raises(CaseReadError, match=r"Regions\.csv: line 3: byte 0xff is not UTF-8"):
        read_tables(case)


def test_a_tab_separated_sheet_says_so(tmp_path):
    case = _csv_case(tmp_path)
    path = case / "Regions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", "\t"), encoding="utf-8")
    with pytest.raises(CaseReadError, match=r"Regions\.csv: row 1: values are separated by tabs"):
        read_tables(case)


# --- cells and headers ------------------------------------------------------------------------


def test_a_decimal_comma_after_zero_is_not_read_as_thousands(tmp_path):
    tables = small_tables()
    tables["Sites"].at[2, "grid_price [yuan/kWh]"] = "0,550"  # 0.55, not 550 yuan/kWh
    problems = check_case(_csv_case(tmp_path, tables))
    hit = [p for p in _errors(problems) if (p.sheet, p.row) == ("Sites", 2)]
    assert [p.column for p in hit] == ["grid_price [yuan/kWh]"]
    assert "use '.' as the decimal point" in hit[0].message


def test_a_title_row_above_the_headers_is_one_error_that_says_where_they_are(tmp_path):
    tables = small_tables()
    sites = tables["Sites"]
    title = pd.DataFrame([list(sites.columns)], columns=sites.columns, dtype=object)
    sites = pd.concat([title, sites], ignore_index=True)
    sites.columns = ["Candidate sites"] + [""] * (len(sites.columns) - 1)
    tables["Sites"] = sites
    case = write_tables(tables, tmp_path / "small.xlsx")
    write_profiles(tmp_path)
    problems = check_case(case)
    sites_problems = [p for p in problems if p.sheet == "Sites"]
    assert len(sites_problems) == 1, [str(p) for p in problems]
    assert "seem to be in row 2" in sites_problems[0].message
    # no 'None' site ids flow on: no duplicate ids, no profile missing a column for 'None'
    assert not [p for p in problems if "None" in p.message]


def test_a_semicolon_separated_sheet_is_one_error_that_says_so(tmp_path):
    case = _csv_case(tmp_path)
    path = case / "Regions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    problems = [p for p in check_case(case) if p.sheet == "Regions"]
    assert [(p.row, p.column) for p in problems] == [(1, None)]
    assert "separated by ';'" in problems[0].message


def test_a_missing_id_column_gives_no_duplicate_ids_and_no_cascade(tmp_path):
    tables = small_tables()
    tables["Sites"] = tables["Sites"].rename(columns={"site": "site_id"})
    problems = check_case(_csv_case(tmp_path, tables))
    assert _where(problems) == {("Sites", 1, "site")}  # not per row, not per scenario row


def test_a_scenario_row_with_a_blank_key_is_reported_once(tmp_path):
    tables = small_tables()
    tables["Scenarios"].at[3, "key"] = None
    problems = check_case(_csv_case(tmp_path, tables))
    assert [(p.sheet, p.row, p.column) for p in _errors(problems)] == [("Scenarios", 3, "key")]


# --- profiles ---------------------------------------------------------------------------------


def test_a_profile_column_given_twice_is_an_error(tmp_path):
    case = _csv_case(tmp_path)

    def repeat_last_column(text: str) -> str:
        return "\n".join(line + "," + line.rsplit(",", 1)[1] for line in text.splitlines())

    _edit_profile(tmp_path, "pv", repeat_last_column)  # pandas would name it west_c.1
    problems = check_case(case)
    assert _where(problems) == {("profiles/pv.csv", 1, "west_c")}


def test_profile_headers_with_spaces_and_gbk_or_utf16_files_are_read(tmp_path):
    tables = small_tables()
    tables["Sites"].at[2, "site"] = "张家口"
    tables["Sites"].at[2, "name"] = "张家口"
    profiles = small_profiles()
    for name in ("temperature", "pv", "wind", "price"):
        profiles[name] = profiles[name].rename(columns={"east_a": "张家口"})
    case = write_tables(tables, tmp_path / "small")
    write_profiles(tmp_path, profiles)
    _edit_profile(tmp_path, "temperature", lambda t: t.replace(",", ", "))  # 'hour, 张家口'
    _edit_profile(tmp_path, "pv", lambda t: t.encode("gbk"))  # Excel in China saves GBK
    _edit_profile(tmp_path, "wind", lambda t: t.encode("utf-16"))
    assert _errors(check_case(case)) == []


@pytest.mark.parametrize(("separator", "named"), [(";", "';'"), ("\t", "tabs")])
def test_a_profile_with_another_separator_says_so(tmp_path, separator, named):
    case = _csv_case(tmp_path)
    _edit_profile(tmp_path, "pv", lambda t: t.replace(",", separator))
    problems = _errors(check_case(case))
    assert _where(problems) == {("profiles/pv.csv", 1, "hour")}
    assert f"separated by {named}" in problems[0].message


def test_a_folder_as_profile_file_and_one_file_for_two_profiles(tmp_path):
    tables = small_tables()
    files = tables["Profiles"]
    files.loc[files["profile"] == "pv", "file"] = "profiles"
    files.loc[files["profile"] == "wind", "file"] = "profiles/price.csv"  # wind read as prices
    problems = _errors(check_case(_csv_case(tmp_path, tables)))
    messages = {p.row: p.message for p in problems if p.sheet == "Profiles"}
    assert "is a folder, not a file" in messages[3]
    assert "same file as profile 'wind' (row 4)" in messages[5]


def test_a_blank_line_inside_a_profile_is_named(tmp_path):
    case = _csv_case(tmp_path)

    def blank_line(text: str) -> str:
        lines = text.splitlines()
        return "\n".join([*lines[:100], "", *lines[100:]]) + "\n"

    _edit_profile(tmp_path, "wind", blank_line)
    problems = _errors(check_case(case))
    assert _where(problems) == {("profiles/wind.csv", None, None)}
    assert "row 101 is blank" in problems[0].message


def test_a_price_profile_in_yuan_instead_of_a_multiplier_is_warned(tmp_path):
    case = _csv_case(tmp_path)
    profiles = small_profiles()
    price = profiles["price"]
    price[["east_a", "west_b", "west_c"]] *= 400  # yuan/MWh, not a multiplier of the tariff
    write_profiles(tmp_path, {"price": price})
    warned = [p for p in check_case(case) if p.severity == "warning" and "mean" in p.message]
    assert {(p.sheet, p.column) for p in warned} == {
        ("profiles/price.csv", site) for site in ("east_a", "west_b", "west_c")
    }


# --- cases that validated but crashed the run --------------------------------------------------


def test_no_available_cooling_technology_is_an_error_not_a_crash_of_the_run(tmp_path):
    tables = small_tables()
    tech = tables["Technologies"]
    tech.loc[tech["kind"] == "facility", "available [bool]"] = False
    case = _csv_case(tmp_path, tables)
    result = _invoke("run", str(case), "--out", str(tmp_path / "out"), "--json")
    assert result.exit_code == 2
    problems = json.loads(result.stdout)
    assert [(p["sheet"], p["column"]) for p in problems] == [("Technologies", "available [bool]")]
    assert "no facility (cooling) technology is available" in problems[0]["message"]
    assert not (tmp_path / "out").exists()


def test_all_demand_zero_is_exit_2_not_a_crash_of_the_run(tmp_path):
    tables = small_tables()
    tables["Demand"]["demand [MW]"] = 0
    case = _csv_case(tmp_path, tables)
    result = _invoke("run", str(case), "--out", str(tmp_path / "out"), "--json")
    assert result.exit_code == 2
    problems = json.loads(result.output)
    assert any("all demand is zero" in p["message"] for p in problems), problems


@pytest.mark.parametrize("option", ["--gap", "--time-limit", "--threads"])
def test_negative_solver_options_are_exit_2(tmp_path, option):
    case = _csv_case(tmp_path)
    result = _invoke("run", str(case), option, "-1", "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_an_unwritable_results_folder_is_exit_4_naming_it(tmp_path, monkeypatch):
    """Permission denied is the environment's failure (exit 4), not bad input (2)."""
    import planner.run

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/readonly/run")

    monkeypatch.setattr(planner.run, "run", refuse)
    result = _invoke("run", str(tmp_path), "--out", "/readonly/run")
    assert result.exit_code == 4
    assert "/readonly/run: Permission denied" in result.output
