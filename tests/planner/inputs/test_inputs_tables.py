"""Safe reading and faithful writing of the two input forms (workbook, CSV folder)."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import openpyxl.xml
import pytest
from inputs_small_case import normalised, small_tables, write_profiles, write_small_case

from planner.inputs import tables as tables_module
from planner.inputs.check import check_case
from planner.inputs.tables import (
    BadCell,
    CaseReadError,
    needs_formula_guard,
    read_tables,
    write_tables,
)


def _where(problems, severity="error"):
    return {(p.sheet, p.row, p.column) for p in problems if p.severity == severity}


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_xml_entity_bomb_is_refused(tmp_path):
    good = write_small_case(tmp_path)
    bomb = tmp_path / "bomb.xlsx"
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = lol.encode() + data.split(b"?>", 1)[-1]
            dst.writestr(item, data)
    with pytest.raises(CaseReadError, match="cannot be read"):
        read_tables(bomb)


def test_workbook_over_the_size_limit_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    path = write_small_case(tmp_path)
    monkeypatch.setattr(tables_module, "MAX_WORKBOOK_BYTES", 1000)
    with pytest.raises(CaseReadError, match=r"over the 0 MB limit"):
        read_tables(path)


def test_not_a_workbook_and_missing_case(tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip")
    with pytest.raises(CaseReadError, match="not an Excel workbook"):
        read_tables(fake)
    with pytest.raises(CaseReadError, match="no such file"):
        read_tables(tmp_path / "missing.xlsx")
    old_format = tmp_path / "case.xls"
    old_format.write_bytes(b"\xd0\xcf")
    with pytest.raises(CaseReadError, match=r"\.xlsx workbook or a folder"):
        read_tables(old_format)


def test_formula_with_a_saved_value_is_read_and_without_one_is_an_error(tmp_path):
    path = write_small_case(tmp_path)
    book = openpyxl.load_workbook(path)
    sites = book["Sites"]
    headers = [c.value for c in sites[1]]
    max_it = headers.index("max_it [MW]") + 1
    sites.cell(3, max_it).value = "=100*3"  # openpyxl saves no value with a formula
    book.save(path)
    raw = read_tables(path)
    cell = raw["Sites"].at[3, "max_it [MW]"]
    assert isinstance(cell, BadCell) and cell.coordinate == f"{_letter(max_it)}3"
    problems = check_case(path)
    assert ("Sites", 3, "max_it [MW]") in _where(problems)
    message = next(p.message for p in problems if p.row == 3 and p.sheet == "Sites")
    assert f"cell {_letter(max_it)}3 is a formula without a saved value" in message
    _save_cached_value(path, "Sites", f"{_letter(max_it)}3", 300)
    assert read_tables(path)["Sites"].at[3, "max_it [MW]"] == 300
    assert _where(check_case(path)) == set()


def _letter(index: int) -> str:
    return openpyxl.utils.get_column_letter(index)


def _save_cached_value(path, sheet_name, coordinate, value):
    """Put a saved value next to a formula, as Excel does when it saves a workbook."""
    book = openpyxl.load_workbook(path, read_only=True)
    index = book.sheetnames.index(sheet_name) + 1
    book.close()
    member = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i.filename)) for i in src.infolist()]
    out = path.with_suffix(".tmp")
    with zipfile.ZipFile(out, "w") as dst:
        for item, data in items:
            if item.filename == member:
                text = data.decode()
                start = text.index(f'<c r="{coordinate}"')
                end = text.index("</c>", start)
                cell = text[start:end].replace("<v />", "").replace("<v/>", "")
                text = text[:start] + cell + f"<v>{value}</v>" + text[end:]
                data = text.encode()
            dst.writestr(item, data)
    out.replace(path)


def test_excel_error_cell_is_an_error_naming_the_cell(tmp_path):
    path = write_small_case(tmp_path)
    book = openpyxl.load_workbook(path)
    book["Regions"]["C2"] = "#DIV/0!"
    book.save(path)
    problems = check_case(path)
    assert ("Regions", 2, "lat [deg]") in _where(problems)
    assert any("cell C2 holds an Excel error" in p.message for p in problems)


def test_rows_are_numbered_as_excel_shows_them_in_both_forms(tmp_path):
    path = write_small_case(tmp_path)
    book = openpyxl.load_workbook(path)
    demand = book["Demand"]
    demand.insert_rows(3, amount=2)  # two blank rows: the demand rows are now 2, 5, 6, 7
    demand["C6"] = "a lot"
    book.save(path)
    assert list(read_tables(path)["Demand"].index) == [2, 5, 6, 7]
    assert ("Demand", 6, "demand [MW]") in _where(check_case(path))
    folder = write_tables(small_tables(), tmp_path / "csv_case")
    (folder / "Demand.csv").write_text(
        "region,workload_class,demand [MW]\n"
        "north,interactive,40\n"
        ",,\n"
        "\n"
        "north,batch,60\n"
        "south,interactive,30\n"
        "south,batch,minus\n"
    )
    assert list(read_tables(folder)["Demand"].index) == [2, 5, 6, 7]
    assert ("Demand", 7, "demand [MW]") in _where(check_case(folder))


def test_multi_line_cell_in_csv_counts_as_one_excel_row(tmp_path):
    folder = tmp_path / "csv_case"
    write_profiles(tmp_path)
    tables = small_tables()
    tables["Regions"].at[2, "name"] = "North\nChina"
    write_tables(tables, folder)
    raw = read_tables(folder)
    assert list(raw["Regions"].index) == [2, 3]
    assert raw["Regions"].at[2, "name"] == "North\nChina"


def test_gbk_encoded_csv_is_read(tmp_path):
    folder = tmp_path / "csv_case"
    tables = small_tables()
    tables["Regions"].at[2, "name"] = "京津冀"
    write_tables(tables, folder)
    text = (folder / "Regions.csv").read_text(encoding="utf-8")
    (folder / "Regions.csv").write_bytes(text.encode("gbk"))
    assert read_tables(folder)["Regions"].at[2, "name"] == "京津冀"


@pytest.mark.parametrize(
    ("text", "guarded"),
    [
        ("-", False),
        ("+", False),
        ("-5", False),
        ("+1e3", False),
        ("-x", True),
        ("=SUM(A1:A2)", True),
        ("@cmd", True),
        ("+cmd|' /C calc'!A0", True),
        ("share", False),
        ("", False),
    ],
)
def test_formula_guard_protects_only_what_a_spreadsheet_would_run(text, guarded):
    assert needs_formula_guard(text) is guarded


def test_csv_keeps_units_and_numbers_plain_and_round_trips_text(tmp_path):
    tables = small_tables()
    settings = tables["Settings"]
    row = int(settings.index[settings["key"] == "rtt_route_factor"][0])
    assert settings.at[row, "unit"] == "-"
    notes = ["=1+2", "'quoted", "'=1+2", "-x", "@home", "'", "-12.5"]
    for i, note in enumerate(notes):
        settings.at[2 + i, "note"] = note
    folder = write_tables(tables, tmp_path / "case")
    lines = (folder / "Settings.csv").read_text().splitlines()
    assert lines[row - 1] == "rtt_route_factor,,-,"
    assert [line.split(",", 3)[3] for line in lines[1 : 1 + len(notes)]] == [
        "'=1+2",
        "'quoted",
        "''=1+2",
        "'-x",
        "'@home",
        "'",
        "-12.5",
    ]
    assert any(line.endswith(",-12.5") for line in lines)
    back = read_tables(folder)["Settings"]
    assert back.loc[2 : 1 + len(notes), "note"].tolist() == [*notes[:-1], -12.5]
    assert back.at[row, "unit"] == "-"


def test_weird_cells_in_a_workbook_never_crash_validation(tmp_path):
    tables = small_tables()
    tables["Sites"].at[2, "max_it [MW]"] = dt.datetime(2024, 5, 1)
    tables["Sites"].at[3, "pv_max [MW]"] = True
    tables["Sites"].at[4, "lat [deg]"] = 1e300
    tables["Regions"].at[2, "name"] = '=HYPERLINK("x")'
    tables["Classes"].at[2, "bandwidth [Gbps/MW]"] = dt.time(12, 0)
    path = write_small_case(tmp_path, tables=tables)
    problems = check_case(path)
    assert _where(problems) == {
        ("Sites", 2, "max_it [MW]"),
        ("Sites", 3, "pv_max [MW]"),
        ("Sites", 4, "lat [deg]"),
        ("Classes", 2, "bandwidth [Gbps/MW]"),
    }
    assert read_tables(path)["Regions"].at[2, "name"] == '=HYPERLINK("x")'  # text, not run


def test_values_under_a_blank_header_and_repeated_headers_in_a_file(tmp_path):
    path = write_small_case(tmp_path)
    book = openpyxl.load_workbook(path)
    regions = book["Regions"]
    regions["F3"] = "stray"
    regions["G1"] = "lat [deg]"
    regions["G2"] = 1
    book.save(path)
    problems = check_case(path)
    assert ("Regions", 1, "lat [deg] (column G)") in _where(problems)
    assert ("Regions", 1, "(no header, column F)") in _where(problems, "warning")


def test_sheet_name_in_the_wrong_case_gets_a_hint(tmp_path):
    tables = small_tables()
    tables["sites"] = tables.pop("Sites")
    path = write_small_case(tmp_path, tables=tables)
    problems = check_case(path)
    missing = next(p for p in problems if p.sheet == "Sites" and p.row is None)
    assert "found 'sites'" in missing.message


def test_whole_case_xlsx_and_csv_read_to_the_same_tables(tmp_path):
    xlsx = write_small_case(tmp_path, "xlsx")
    folder = write_small_case(tmp_path, "csv")
    assert normalised(read_tables(xlsx)) == normalised(read_tables(folder))
