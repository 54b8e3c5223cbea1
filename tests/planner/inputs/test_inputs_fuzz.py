"""Hypothesis mutates the small case (deleted cells, wrong types, swapped ids, extreme numbers,
removed sheets and columns, bad overrides, broken profiles): validation never raises; it
either builds a case or returns named errors."""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inputs_small_case import small_profiles, small_tables, write_profiles

from planner.inputs.case import Case, build_case
from planner.inputs.check import check_case
from planner.inputs.errors import InputError, InputErrors
from planner.inputs.tables import BadCell, write_tables

BASE_TABLES = small_tables()
PROFILES = small_profiles()  # never mutated by validation
FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

IDS = ["north", "south", "east_a", "west_b", "west_c", "air", "cold_plate", "pv", "interactive"]
WORDS = ["", " ", "-", "=A1*2", "true", "FALSE", "1,5", "1,000", "#N/A", "flat", "facility"]
WORDS += ["typical:2", "full", "air/0", "east", "west", "Settings", "value", "nan", "inf", "1e999"]

weird_value = st.one_of(
    st.none(),
    st.sampled_from(IDS + WORDS),
    st.text(max_size=8),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([10**400, -(10**400), 2**63, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 1e-308, 0.0, -0.0, 1e15, 0.5, 1.0, 1.5, 90.0001]),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.just(dt.time(12, 30)),
    st.just(BadCell("=SUM(A1:A3)", "is a formula without a saved value", "B7")),
    st.just(BadCell("#DIV/0!", "holds an Excel error", "C3")),
)

index = st.integers(min_value=0, max_value=50)
sheet_name = st.sampled_from([*sorted(BASE_TABLES), "Unknown"])
mutation = st.one_of(
    st.tuples(st.just("cell"), sheet_name, index, index, weird_value),
    st.tuples(st.just("cell"), sheet_name, index, index, weird_value),
    st.tuples(st.just("cell"), sheet_name, index, index, weird_value),
    st.tuples(st.just("drop_sheet"), sheet_name),
    st.tuples(st.just("drop_column"), sheet_name, index),
    st.tuples(st.just("rename_header"), sheet_name, index, st.sampled_from([*WORDS, "x [MW]"])),
    st.tuples(st.just("swap"), sheet_name, index, index, sheet_name, index, index),
    st.tuples(st.just("duplicate_row"), sheet_name, index),
    st.tuples(st.just("drop_rows"), sheet_name),
    st.tuples(st.just("empty_frame"), sheet_name),
    st.tuples(
        st.just("override"),
        st.sampled_from(["carbon_200", "east_only", "fuzz"]),
        st.sampled_from([*sorted(BASE_TABLES), "Nope", None]),
        st.sampled_from([*IDS, "carbon_price", "time", "air/30", "north/batch", None]),
        st.sampled_from(["value", "max_it_mw", "pue", "demand_mw", "available", "site", "x"]),
        weird_value,
    ),
)


def _apply(tables: dict[str, pd.DataFrame], change: tuple) -> None:
    kind, name, *args = change
    if kind == "override":
        scenario, sheet, key, column, value = name, *args
        frame = tables.get("Scenarios")
        if frame is not None and len(frame.columns) >= 5:
            row = [scenario, sheet, key, column, value] + [None] * (len(frame.columns) - 5)
            at = int(frame.index.max()) + 1 if len(frame) else 2
            added = pd.DataFrame([row], columns=frame.columns, index=[at], dtype=object)
            tables["Scenarios"] = pd.concat([frame.astype(object), added])
        return
    if kind == "drop_sheet":
        tables.pop(name, None)
        return
    if name not in tables:
        tables[name] = pd.DataFrame({"a": [1, 2]}, index=[2, 3], dtype=object)
    frame = tables[name]
    width, height = len(frame.columns), len(frame)
    if kind == "cell" and width and height:
        frame.iat[args[0] % height, args[1] % width] = args[2]
    elif kind == "drop_column" and width:
        tables[name] = frame.drop(columns=frame.columns[args[0] % width])
    elif kind == "rename_header" and width:
        labels = list(frame.columns)
        labels[args[0] % width] = args[1]
        frame.columns = labels
    elif kind == "swap" and width and height:
        other = tables.get(args[2])
        if other is not None and len(other.columns) and len(other):
            a = (args[0] % height, args[1] % width)
            b = (args[3] % len(other), args[4] % len(other.columns))
            frame.iat[a], other.iat[b] = other.iat[b], frame.iat[a]
    elif kind == "duplicate_row" and height:
        row = frame.iloc[[args[0] % height]]
        tables[name] = pd.concat([frame, row.set_axis([int(frame.index.max()) + 1])])
    elif kind == "drop_rows":
        tables[name] = frame.iloc[0:0]
    elif kind == "empty_frame":
        tables[name] = pd.DataFrame()


def _well_formed(problem: InputError) -> None:
    assert isinstance(problem.sheet, str) and problem.sheet
    assert problem.row is None or (isinstance(problem.row, int) and problem.row >= 1)
    assert problem.column is None or isinstance(problem.column, str)
    assert problem.severity in ("error", "warning") and problem.message
    assert str(problem) and problem.as_dict()["message"] == problem.message
    hash(problem)


def _mutated(changes) -> dict[str, pd.DataFrame]:
    tables = copy.deepcopy(BASE_TABLES)
    for change in changes:
        _apply(tables, change)
    return tables


@FUZZ
@given(
    changes=st.lists(mutation, min_size=1, max_size=4),
    scenario=st.sampled_from([None, None, "carbon_200", "east_only", "fuzz", "missing"]),
)
def test_validation_never_raises_on_mutated_tables(changes, scenario):
    tables = _mutated(changes)
    try:
        case = build_case(tables, None, scenario=scenario, profiles=PROFILES)
    except InputErrors as exc:
        assert exc.errors, "InputErrors without an error"
        for problem in exc.problems:
            _well_formed(problem)
    else:
        assert isinstance(case, Case)
        for problem in case.warnings:
            _well_formed(problem)
        assert not case.sites.empty and not case.demand.empty
        assert set(case.profiles) >= {"temperature", "pv", "wind", "price"}


profile_mutation = st.one_of(
    st.tuples(st.just("truncate"), st.integers(0, 8800)),
    st.tuples(st.just("value"), st.integers(0, 8759), st.integers(0, 5), weird_value),
    st.tuples(st.just("drop_column"), st.integers(0, 5)),
    st.tuples(st.just("hour"), st.integers(0, 8759), st.integers(-3, 3)),
    st.tuples(st.just("rename"), st.integers(0, 5), st.sampled_from(["", "hour", "x", "east_a"])),
    st.tuples(st.just("extra_rows"), st.integers(1, 3)),
    st.tuples(
        st.just("not_a_frame"),
    ),
)


def _apply_profile(frame: pd.DataFrame, change: tuple) -> object:
    kind, *args = change
    width = len(frame.columns)
    if kind == "truncate":
        return frame.iloc[: args[0]]
    if kind == "value" and width:
        frame = frame.astype(object)
        frame.iat[args[0] % len(frame), args[1] % width] = args[2]
    elif kind == "drop_column" and width:
        return frame.drop(columns=frame.columns[args[0] % width])
    elif kind == "hour" and "hour" in frame.columns and len(frame):
        frame = frame.copy()
        frame.loc[frame.index[args[0] % len(frame)], "hour"] += args[1]
    elif kind == "rename" and width:
        labels = list(frame.columns)
        labels[args[0] % width] = args[1]
        return frame.set_axis(labels, axis=1)
    elif kind == "extra_rows":
        return pd.concat([frame, frame.iloc[: args[0]]], ignore_index=True)
    elif kind == "not_a_frame":
        return np.zeros(3)
    return frame


@settings(FUZZ, max_examples=60)
@given(
    name=st.sampled_from(sorted(PROFILES)),
    changes=st.lists(profile_mutation, min_size=1, max_size=3),
)
def test_validation_never_raises_on_broken_profiles(name, changes):
    profiles = dict(PROFILES)
    frame = profiles[name]
    for change in changes:
        if isinstance(frame, pd.DataFrame):
            frame = _apply_profile(frame, change)
    profiles[name] = frame
    try:
        case = build_case(BASE_TABLES, None, profiles=profiles)
    except InputErrors as exc:
        assert exc.errors
        for problem in exc.problems:
            _well_formed(problem)
    else:
        for profile in case.profiles.values():
            assert len(profile) == 8760 and np.isfinite(profile.to_numpy()).all()


printable = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=8
)
file_value = st.one_of(
    st.none(),
    st.sampled_from(IDS + WORDS),
    printable,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)
file_mutation = st.one_of(
    st.tuples(st.just("cell"), sheet_name, index, index, file_value),
    st.tuples(st.just("drop_sheet"), sheet_name),
    st.tuples(st.just("drop_column"), sheet_name, index),
    st.tuples(st.just("swap"), sheet_name, index, index, sheet_name, index, index),
)


_written: dict[str, object] = {}


@settings(FUZZ, max_examples=10)
@given(
    changes=st.lists(file_mutation, min_size=1, max_size=4), form=st.sampled_from(["xlsx", "csv"])
)
def test_validate_of_written_mutated_cases_never_raises(tmp_path_factory, changes, form):
    if "folder" not in _written:  # one folder of profiles shared by every written case
        _written["folder"] = tmp_path_factory.mktemp("fuzzcases")
        write_profiles(_written["folder"], PROFILES)
    _written["n"] = int(_written.get("n", 0)) + 1
    name = f"case{_written['n']}" + (".xlsx" if form == "xlsx" else "")
    path = write_tables(_mutated(changes), _written["folder"] / name)
    for problem in check_case(path):
        _well_formed(problem)
        assert problem.sheet != "(case)", problem  # the safety net for bugs did not fire


def test_mutations_reach_every_kind_of_problem():
    """The fuzz strategy is not vacuous: its mutations produce errors of many kinds."""
    samples = [
        [("cell", "Sites", 0, 7, "lots")],
        [("drop_sheet", "Regions")],
        [("drop_column", "Sites", 5)],
        [("rename_header", "Sites", 7, "max_it [kW]")],
        [("swap", "Demand", 0, 0, "Sites", 1, 0)],
        [("duplicate_row", "Sites", 1)],
        [("cell", "Sites", 0, 9, 0.5)],
        [("override", "fuzz", "Nope", "x", "value", 1)],
    ]
    messages = set()
    for changes in samples:
        tables = _mutated(changes)
        scenario = "fuzz" if changes[0][0] == "override" else None
        try:
            build_case(tables, None, scenario=scenario, profiles=PROFILES)
        except InputErrors as exc:
            messages.add(exc.errors[0].message.split(":")[0].split(" '")[0])
        else:
            raise AssertionError(f"no error from {changes}")
    assert len(messages) == len(samples), messages
