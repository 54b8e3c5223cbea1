"""`dcplan template`, `dcplan convert`, the generated input reference, and the default case's
scenarios validating."""

from __future__ import annotations

from pathlib import Path

import pytest
from inputs_small_case import normalised, write_small_case
from typer.testing import CliRunner

from planner.cli import app
from planner.inputs import docs
from planner.inputs.check import check_case
from planner.inputs.convert import ConvertError, convert
from planner.inputs.scenarios import scenario_names
from planner.inputs.schema import POLICY, SETTINGS, SHEETS
from planner.inputs.tables import read_tables
from planner.inputs.template import README, write_template
from tests.planner.shipped import SHIPPED_SCENARIOS

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_CASE = ROOT / "inputs" / "china_east_west.xlsx"


def _errors(problems):
    return [str(p) for p in problems if p.severity == "error"]


# --- template -------------------------------------------------------------------------------


def test_template_has_every_sheet_headers_examples_and_a_readme(tmp_path):
    path = write_template(tmp_path)
    raw = read_tables(path)
    assert list(raw) == [README] + [s.name for s in SHEETS]
    for sheet in SHEETS:
        frame = raw[sheet.name]
        if sheet.kind == "keyvalue":
            assert list(frame.columns) == ["key", "value", "unit", "note"]
            assert frame["key"].tolist() == [k.name for k in sheet.keys]
            continue
        assert list(frame.columns) == [c.header for c in sheet.columns], sheet.name
        # Potentials: the template's example technology is a cooling one, so no potential row
        headers_only = sheet.name == "Potentials" or (
            not sheet.required and sheet.column(sheet.key[0]).example is None
        )
        expected_rows = 4 if sheet.name == "Profiles" else 0 if headers_only else 1
        assert len(frame) == expected_rows, sheet.name
        if headers_only:  # Lines: a line needs a supply node the template has not; Potentials
            continue
        example = frame.iloc[0]
        for column in sheet.columns:
            if column.example not in (None, ""):
                assert example[column.header] == column.example, (sheet.name, column.name)
    readme = raw[README]
    documented = set(readme.iloc[:, 1].dropna())
    for sheet in SHEETS:
        names = [k.name for k in sheet.keys] or [c.name for c in sheet.columns]
        assert all(any(d.split(" ")[0] == n for d in documented) for n in names), sheet.name


def test_template_settings_and_policy_hold_every_key_at_its_default(tmp_path):
    raw = read_tables(write_template(tmp_path))
    for sheet in (SETTINGS, POLICY):
        values = dict(zip(raw[sheet.name]["key"], raw[sheet.name]["value"], strict=True))
        for key in sheet.keys:
            assert values[key.name] == key.default, key.name


def test_template_validates_except_for_the_profile_files_it_leaves_to_the_planner(tmp_path):
    problems = check_case(write_template(tmp_path))
    assert {(p.sheet, p.row, p.column) for p in problems} == {
        ("Profiles", row, "file") for row in (2, 3, 4, 5)
    }
    assert all("profile file not found" in p.message for p in problems)


def test_template_command_writes_and_refuses_to_overwrite(tmp_path):
    runner = CliRunner()
    first = runner.invoke(app, ["template", str(tmp_path / "new")])
    assert first.exit_code == 0, first.output
    assert (tmp_path / "new" / "case.xlsx").is_file()
    again = runner.invoke(app, ["template", str(tmp_path / "new")])
    assert again.exit_code == 2 and "exists" in " ".join(again.output.split())
    assert runner.invoke(app, ["template", str(tmp_path / "new"), "--overwrite"]).exit_code == 0


# --- convert --------------------------------------------------------------------------------


def test_xlsx_to_csv_to_xlsx_gives_identical_tables(tmp_path):
    source = write_small_case(tmp_path / "a")
    folder = convert(source, "csv", tmp_path / "b" / "small").path
    back = convert(folder, "xlsx", tmp_path / "c" / "small.xlsx").path
    first, middle, last = read_tables(source), read_tables(folder), read_tables(back)
    assert normalised(first) == normalised(middle)
    assert normalised(first) == normalised(last)
    assert {k: v.to_dict("list") for k, v in first.items()} == {
        k: v.to_dict("list") for k, v in last.items()
    }  # not even the types change: booleans come back as booleans
    assert _errors(check_case(back)) == []  # profile files were copied beside it


def test_default_case_converts_losslessly(tmp_path):
    folder = convert(DEFAULT_CASE, "csv", tmp_path / "case").path
    back = convert(folder, "xlsx", tmp_path / "case.xlsx").path
    assert normalised(read_tables(DEFAULT_CASE)) == normalised(read_tables(folder))
    assert normalised(read_tables(DEFAULT_CASE)) == normalised(read_tables(back))


def test_convert_copies_profiles_and_refuses_to_overwrite(tmp_path):
    source = write_small_case(tmp_path / "a")
    result = convert(source, "csv", tmp_path / "b" / "small")
    assert sorted(p.name for p in result.copied) == sorted(
        f"{n}.csv" for n in ("temperature", "pv", "wind", "price", "demand")
    )
    assert (tmp_path / "b" / "profiles" / "pv.csv").read_bytes() == (
        tmp_path / "a" / "profiles" / "pv.csv"
    ).read_bytes()
    with pytest.raises(ConvertError, match="exists"):
        convert(source, "csv", tmp_path / "b" / "small")
    beside = convert(source, "csv")  # default target: a folder next to the workbook
    assert beside.path == tmp_path / "a" / "small" and beside.copied == []


def test_convert_command(tmp_path):
    source = write_small_case(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        app, ["convert", str(source), "--to", "csv", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x" / "Sites.csv").is_file()
    bad = runner.invoke(app, ["convert", str(source), "--to", "ods"])
    assert bad.exit_code == 2 and "--to must be one of" in " ".join(bad.output.split())
    missing = runner.invoke(app, ["convert", str(tmp_path / "nope.xlsx"), "--to", "csv"])
    assert missing.exit_code == 2 and "no such file" in " ".join(missing.output.split())


# --- generated reference --------------------------------------------------------------------


def test_committed_input_reference_equals_a_fresh_generation():
    committed = docs.DOCS_PATH.read_text(encoding="utf-8")
    assert committed == docs.generate(), "run: python -m planner.inputs.docs"


def test_input_reference_documents_every_column_and_key():
    text = docs.generate()
    for sheet in SHEETS:
        assert f"## {sheet.name}" in text
        for column in sheet.columns:
            assert f"`{column.header}`" in text
        for key in sheet.keys:
            assert f"`{key.name}`" in text


# --- the default case -----------------------------------------------------------------------


def test_every_shipped_scenario_of_the_default_case_validates():
    names = scenario_names(read_tables(DEFAULT_CASE))
    assert set(names) >= set(SHIPPED_SCENARIOS)
    # with no errors in the base case, check_case validates every scenario in full
    assert _errors(check_case(DEFAULT_CASE)) == []
