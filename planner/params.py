"""Input cells as sweep parameters, and the mutable model parameters they change.

A sweep parameter names one input cell:
- `Sheet.key` for the key-value sheets (`Settings.carbon_price`, `Policy.carbon_cap`), or the
  key alone when it names a Settings or Policy key (`carbon_price`);
- `Sheet.row.column` for table sheets (`Sites.zhongwei.grid_price_yuan_per_kwh`); the column
  may be given by its header label too (`Sites.zhongwei.grid_price`). Rows with two-part ids
  are written `a/b` (`Demand.yrd/batch.demand_mw`, `Cooling.air/25.pue`).
`resolve` checks a name against the schema and the case's rows, `parse_value` checks a value
against the cell's type and range, both before anything is solved. A value is applied as a
scenario override on the raw tables (planner.inputs.scenarios), so the case is validated as a
whole for every point.

Re-use: a built model can take a changed case without a rebuild when every changed input cell
only feeds mutable Params. `reuse_plan` lists the cells that changed between the model's case
and a new one, derives the new case on the model's time steps (`planner.prepare.derive`: the
one place where parameters are derived, e.g. Technologies capex, life and the discount rate →
`vre_capital_rate` = annuity factor · capex [M yuan/(MW·yr)]) and says why a rebuild is needed
("structural"); `models.update` then pushes the Params that differ. Structural changes: sets
(sites, routes, classes, available technologies, demand switched on or off, water caps or
link limits added or removed), optional constraints switched on or off (`Policy.carbon_cap`
from blank to a value), time series and everything derived from them (cooling curves, time of
use share, demand in typical-day mode, because the peak day kept by the time aggregation
follows demand).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.inputs.schema import BY_NAME, POLICY, SETTINGS, Column, Key, Sheet, expectation
from planner.inputs.validate import check_value

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from planner.inputs.case import Case
    from planner.prepare import ModelData

OVERRIDABLE = tuple(
    s.name for s in BY_NAME.values() if s.name not in ("Scenarios", "Sources", "Profiles")
)
BLANK_WORDS = ("", "blank", "none", "off")
WILDCARD = "*"  # a row id part matching every row (scenarios: planner.inputs.scenarios)
SCALE_MARKS = ("*", "×")  # a value that scales the case's value
HOURS_PER_YEAR = 8760.0


class ParameterError(ValueError):
    """A parameter name or value that does not fit the schema or the case (exit code 2)."""


@dataclass(frozen=True)
class Parameter:
    """One input cell. sheet: schema sheet name; row: key name (Settings, Policy) or row id
    ('zhongwei', 'yrd/batch'); column: internal column name ('value' for key-value sheets)."""

    sheet: str
    row: str
    column: str

    @property
    def name(self) -> str:
        """Canonical name: 'Settings.carbon_price' or 'Sites.zhongwei.grid_price_yuan_per_kwh'."""
        if self.column == "value":
            return f"{self.sheet}.{self.row}"
        return f"{self.sheet}.{self.row}.{self.column}"

    @property
    def spec(self) -> Column | Key:
        sheet = BY_NAME[self.sheet]
        if sheet.kind == "keyvalue":
            return next(k for k in sheet.keys if k.name == self.row)
        return sheet.column(self.column)

    @property
    def unit(self) -> str:
        return self.spec.unit


def _hint(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _listing(items: list[str], limit: int = 40) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f", … ({len(items)} in all)" if len(items) > limit else "")


def row_ids(case: Case, sheet: Sheet) -> list[str]:
    """Ids of the rows of a table sheet in a validated case ('a' or 'a/b'; numbers as %g)."""
    frame = _table(case, sheet.name)
    if frame is None or frame.empty:
        return []
    parts = [frame[k].map(_id_part) for k in sheet.key]
    return ["/".join(p) for p in zip(*parts, strict=True)]


def _id_part(value: object) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):g}"
    return str(value)


def _table(case: Case, sheet: str) -> pd.DataFrame | None:
    attribute = {
        "Regions": "regions",
        "Sites": "sites",
        "Classes": "classes",
        "Demand": "demand",
        "Technologies": "technologies",
        "Cooling": "cooling",
        "Links": "links",
        "Vouchers": "vouchers",
    }.get(sheet)
    return None if attribute is None else getattr(case, attribute)


def resolve(name: str, case: Case) -> Parameter:
    """The input cell a sweep parameter name stands for, checked against the schema and the
    rows of `case`. Raises ParameterError saying what exists."""
    text = name.strip()
    if not text:
        raise ParameterError("empty parameter name")
    keyvalue = {k.name: s.name for s in (SETTINGS, POLICY) for k in s.keys}
    if "." not in text:
        if text in keyvalue:
            return Parameter(keyvalue[text], text, "value")
        raise ParameterError(
            f"unknown parameter '{text}'{_hint(text, list(keyvalue))}: a Settings or Policy key "
            f"({_listing(list(keyvalue))}), or Sheet.key, or Sheet.row.column"
        )
    sheet_name, rest = text.split(".", 1)
    sheet = next((s for s in BY_NAME.values() if s.name.lower() == sheet_name.lower()), None)
    if sheet is None or sheet.name not in OVERRIDABLE:
        raise ParameterError(
            f"unknown sheet '{sheet_name}' in '{text}'{_hint(sheet_name, list(OVERRIDABLE))}; "
            f"sheets: {', '.join(OVERRIDABLE)}"
        )
    if sheet.kind == "keyvalue":
        keys = [k.name for k in sheet.keys]
        key = rest[: -len(".value")] if rest.endswith(".value") else rest
        if key not in keys:
            raise ParameterError(
                f"no key '{key}' in sheet {sheet.name}{_hint(key, keys)}; keys: {', '.join(keys)}"
            )
        return Parameter(sheet.name, key, "value")
    if "." not in rest:
        raise ParameterError(
            f"'{text}': a table sheet's parameter is {sheet.name}.row.column "
            f"(row id: {'/'.join(sheet.key)})"
        )
    row, column_text = rest.rsplit(".", 1)
    column = _column(sheet, column_text, text)
    ids = row_ids(case, sheet)
    if WILDCARD in row.split("/"):
        if not any(_matches_pattern(row, i) for i in ids):
            raise ParameterError(
                f"no row matches '{row}' in sheet {sheet.name} (row id: {'/'.join(sheet.key)}); "
                f"rows: {_listing(ids) or 'none'}"
            )
        return Parameter(sheet.name, row, column.name)
    if row not in ids:
        wanted = _match_row(row, ids)
        if wanted is None:
            raise ParameterError(
                f"no row '{row}' in sheet {sheet.name}{_hint(row, ids)} "
                f"(row id: {'/'.join(sheet.key)}); rows: {_listing(ids) or 'none'}"
            )
        row = wanted
    return Parameter(sheet.name, row, column.name)


def _column(sheet: Sheet, text: str, name: str) -> Column:
    by_name = {c.name: c for c in sheet.columns}
    by_label = {c.label.lower(): c for c in sheet.columns}
    column = by_name.get(text) or by_label.get(text.lower())
    settable = [c.name for c in sheet.columns if c.name not in sheet.key]
    if column is None:
        raise ParameterError(
            f"no column '{text}' in sheet {sheet.name} ('{name}'){_hint(text, settable)}; "
            f"columns: {', '.join(settable)}"
        )
    if column.name in sheet.key:
        raise ParameterError(f"'{name}': a row's id ({column.name}) cannot be varied")
    return column


def _matches_pattern(pattern: str, row_id: str) -> bool:
    """'yrd/*' matches 'yrd/batch': '*' stands for any one part of the id."""
    parts, theirs = pattern.split("/"), row_id.split("/")
    return len(parts) == len(theirs) and all(
        a == WILDCARD or _same_part(a, b) for a, b in zip(parts, theirs, strict=True)
    )


def _match_row(row: str, ids: list[str]) -> str | None:
    """A row id written with numbers in another form ('air/25.0' for 'air/25')."""
    parts = row.split("/")
    for candidate in ids:
        theirs = candidate.split("/")
        if len(theirs) != len(parts):
            continue
        if all(_same_part(a, b) for a, b in zip(parts, theirs, strict=True)):
            return candidate
    return None


def _same_part(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def parse_value(parameter: Parameter, text: object) -> object:
    """The typed value of one point (float, int, bool, str, or None for blank), checked like a
    cell of the parameter's column. Blank ('', 'blank', 'none', 'off') switches an optional
    input off. Raises ParameterError with what is expected."""
    spec = parameter.spec
    word = str(text).strip()
    if word[:1] in SCALE_MARKS:
        # '*1.3': scale the case's value (applied as a scenario override, which checks it)
        try:
            factor = float(word[1:])
        except ValueError:
            raise ParameterError(
                f"{parameter.name} = {word}: a factor is '*' followed by a number, e.g. *1.3"
            ) from None
        if spec.dtype not in ("float", "int") or not math.isfinite(factor):
            raise ParameterError(f"{parameter.name} = {word}: only numbers can be scaled")
        return f"*{factor:.12g}"
    if word.lower() in BLANK_WORDS and spec.dtype != "bool":
        if _optional(parameter):
            return None
        raise ParameterError(f"{parameter.name}: a value is required: expected {expectation(spec)}")
    value, problem = check_value(spec, word)
    if problem:
        raise ParameterError(f"{parameter.name} = {word}: {problem}")
    return value


def _optional(parameter: Parameter) -> bool:
    spec = parameter.spec
    if isinstance(spec, Key):
        return spec.default is None or spec.dtype == "str"
    return not spec.required


def value_text(value: object) -> str:
    """How a typed value is written into a Scenarios row and a folder name."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value)


# ----------------------------------------------------------------------------- re-use

# Input cells that feed only mutable Params (or only results), by sheet: column (or key) names.
# Whether a change is usable on a given model is then decided by `models.structural_changes` (same
# sets; an optional Param present in both). Anything else is structural.
REUSABLE: dict[str, frozenset[str]] = {
    "Settings": frozenset(
        {
            "carbon_price",
            "unserved_penalty",
            "usable_share",
            "battery_round_trip_efficiency",
            "battery_wear_cost",
            "discount_rate",
            "bandwidth_cost",
        }
    ),
    "Policy": frozenset({"carbon_cap", "green_share_min", "min_utilisation", "gec_price"}),
    "Regions": frozenset({"name"}),
    "Sites": frozenset(
        {
            "name",
            "hub",
            "province",
            "zone",
            "max_it_mw",
            "grid_max_mw",
            "pue_cap",
            "water_cap_m3",
            "pv_max_mw",
            "wind_max_mw",
            "grid_price_yuan_per_kwh",
            "emission_factor_t_per_mwh",
            "open_cost_myuan_per_yr",
        }
    ),
    "Technologies": frozenset({"capex_myuan_per_unit", "fixed_om_share", "life_yr"}),
    "Potentials": frozenset({"max_mw"}),  # the bound of Cap_VRE, like Sites pv_max_mw
    "Links": frozenset({"capacity_gbps", "cost_myuan_per_gbps_yr"}),
    "Vouchers": frozenset({"budget_myuan_per_yr", "rate_share", "compute_price_yuan_per_mwh"}),
    "Demand": frozenset({"demand_mw"}),  # only in full-year mode (see module docstring)
}


@dataclass(frozen=True)
class Change:
    """One input cell that differs between two cases (old and new typed values)."""

    parameter: Parameter
    old: object
    new: object


def _same(a: object, b: object) -> bool:
    missing_a = a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NA
    missing_b = b is None or (isinstance(b, float) and math.isnan(b)) or b is pd.NA
    if missing_a or missing_b:
        return missing_a and missing_b
    if isinstance(a, int | float | np.number) and isinstance(b, int | float | np.number):
        return float(a) == float(b)
    return a == b


def case_changes(old: Case, new: Case) -> tuple[list[Change], list[str]]:
    """Cells that differ between two cases, and reasons the difference is not cell-wise
    (rows added or removed, profiles changed)."""
    changes: list[Change] = []
    reasons: list[str] = []
    for sheet, before, after in (
        (SETTINGS, old.settings, new.settings),
        (POLICY, old.policy, new.policy),
    ):
        for key in sheet.keys:
            a, b = before.get(key.name), after.get(key.name)
            if not _same(a, b):
                changes.append(Change(Parameter(sheet.name, key.name, "value"), a, b))
    for sheet in BY_NAME.values():
        a, b = _table(old, sheet.name), _table(new, sheet.name)
        if a is None or b is None:
            continue
        ids_a, ids_b = row_ids(old, sheet), row_ids(new, sheet)
        if ids_a != ids_b:
            reasons.append(f"rows of {sheet.name} differ")
            continue
        for column in (c.name for c in sheet.columns if c.name not in sheet.key):
            values_a = a[column].to_numpy(dtype=object)
            values_b = b[column].to_numpy(dtype=object)
            for row, va, vb in zip(ids_a, values_a, values_b, strict=True):
                if not _same(va, vb):
                    changes.append(Change(Parameter(sheet.name, row, column), va, vb))
    if set(old.profiles) != set(new.profiles) or any(
        old.profiles[k] is not new.profiles[k] and not old.profiles[k].equals(new.profiles[k])
        for k in old.profiles
    ):
        reasons.append("hourly profiles differ")
    return changes, reasons


def structural_reasons(changes: list[Change], time_mode: str) -> list[str]:
    """Why these cell changes need a rebuild (empty: they only feed mutable Params)."""
    reasons = []
    for change in changes:
        p = change.parameter
        key = p.row if p.column == "value" else p.column
        if key not in REUSABLE.get(p.sheet, frozenset()):
            reasons.append(f"{p.name} is structural")
        elif p.sheet == "Demand" and time_mode != "full":
            reasons.append(f"{p.name}: demand sets the peak day of the typical days")
        elif p.sheet == "Policy" and (change.old is None) != (change.new is None):
            state = "switched on" if change.old is None else "switched off"
            reasons.append(f"{p.name} is {state} (adds or removes constraints or variables)")
    return reasons


def _feeds_network(parameter: Parameter) -> bool:
    """Whether a cell enters the link table or the routes (planner.network)."""
    return parameter.sheet in ("Links", "Demand", "Regions", "Classes") or (
        parameter.sheet,
        parameter.row if parameter.column == "value" else parameter.column,
    ) in {
        ("Sites", "max_it_mw"),
        ("Sites", "lat"),
        ("Sites", "lon"),
        ("Settings", "bandwidth_cost"),
        ("Settings", "rtt_route_factor"),
        ("Settings", "fibre_speed"),
        ("Settings", "rtt_equipment"),
    }


@dataclass(frozen=True)
class ReusePlan:
    """How a new case goes onto a built model: `data` (the new case derived on the model's
    time steps; push it with `models.update`), the cell `changes`, and `reasons` for a
    rebuild (empty: re-use is possible)."""

    data: ModelData | None
    changes: tuple[Change, ...]
    reasons: tuple[str, ...]

    @property
    def reusable(self) -> bool:
        return not self.reasons


def reuse_plan(model: pyo.ConcreteModel, data: ModelData, new_case: Case) -> ReusePlan:
    """Whether `model` (built from `data`) can solve `new_case` by changing mutable Params:
    the new case is derived on the same time steps (`planner.prepare.derive`, the one
    derivation of every parameter) and `models.structural_changes` compares it with the
    model."""
    from models.update import structural_changes
    from planner.prepare import derive

    changes, reasons = case_changes(data.case, new_case)
    reasons += structural_reasons(changes, data.time.mode)
    if reasons:
        return ReusePlan(None, tuple(changes), tuple(reasons))
    network = any(_feeds_network(c.parameter) for c in changes)
    new_data = derive(new_case, data.time, None if network else data.links)
    reasons = structural_changes(model, new_data)
    return ReusePlan(new_data, tuple(changes), tuple(reasons))


__all__ = [
    "REUSABLE",
    "Change",
    "Parameter",
    "ParameterError",
    "ReusePlan",
    "case_changes",
    "parse_value",
    "resolve",
    "reuse_plan",
    "row_ids",
    "structural_reasons",
    "value_text",
]
