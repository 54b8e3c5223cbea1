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
only feeds mutable Params. `mutable_values(data)` computes those Params from a case the way
`models/` does (same unit conversions, e.g. Technologies capex, life and the discount rate →
`pv_capital_rate` = annuity factor · capex [M yuan/(MW·yr)]), `reuse_plan` lists the cells that
changed between the model's case and a new one and says why a rebuild is needed ("structural"),
and `apply_values` sets the Params that differ. Structural changes: sets (sites, routes, classes,
available technologies, demand switched on or off, water caps or link limits added or removed),
optional constraints switched on or off (`Policy.carbon_cap` from blank to a value), time
series and everything derived from them (cooling curves, time of use share, demand in typical-
day mode, because the peak day kept by the time aggregation follows demand).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.inputs.schema import BY_NAME, POLICY, SETTINGS, Column, Key, Sheet, expectation
from planner.inputs.validate import check_value
from planner.prepare import annuity_factor

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
# Whether a change is usable on a given model is then decided by `apply_values` (same index
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


def _rates(case: Case, kind: str) -> tuple[dict[str, float], dict[str, float]]:
    """As models.objective: {tech: annuity·capex}, {tech: om·capex} [M yuan per unit-year]."""
    t = case.technologies
    rate = float(case.settings["discount_rate"])
    rows = t[(t["kind"] == kind) & t["available"]]
    capital = {
        str(k): annuity_factor(rate, float(r["life_yr"])) * float(r["capex_myuan_per_unit"])
        for k, r in rows.iterrows()
    }
    om = {
        str(k): float(r["fixed_om_share"]) * float(r["capex_myuan_per_unit"])
        for k, r in rows.iterrows()
    }
    return capital, om


def _first(rates: dict[str, float]) -> float:
    return float(next(iter(rates.values()))) if rates else 0.0


def mutable_values(data: ModelData) -> dict[str, float | dict | None]:
    """Values of the mutable Params of `models.build(data)` that input cells feed, computed as
    the models compute them (links and routes: those of `data`, as `prepare` derives them).
    Scalars are floats (None: the optional Param does not exist);
    indexed Params are {index: value} over exactly the Param's index set."""
    case = data.case
    s, policy, sites = case.settings, case.policy, case.sites
    pv_on = case.technology("pv") is not None
    wind_on = case.technology("wind") is not None
    demand = case.demand[case.demand["demand_mw"] > 0]
    link_table = data.links
    route_table = data.routes
    route_keys = list(
        zip(route_table["region"], route_table["workload_class"], route_table["site"], strict=True)
    )
    used = {(r, site) for r, _, site in route_keys}
    caps = {
        (r, site): float(c)
        for r, site, c in zip(
            link_table["region"], link_table["site"], link_table["capacity_gbps"], strict=True
        )
        if not math.isnan(float(c)) and (r, site) in used
    }
    water = {
        str(k): float(v)
        for k, v in sites["water_cap_m3"].items()
        if v is not None and not math.isnan(float(v))
    }
    eta = math.sqrt(float(s["battery_round_trip_efficiency"]))
    facility_capital, facility_om = _rates(case, "facility")
    rates = {kind: _rates(case, kind) for kind in ("pv", "wind", "battery_energy", "battery_power")}
    v = case.vouchers

    def column(frame: pd.DataFrame, name: str, factor: float = 1.0) -> dict:
        return {str(k): float(x) * factor for k, x in frame[name].items()}

    def optional(name: str) -> float | None:
        value = policy.get(name)
        return None if value is None else float(value)

    gec = policy.get("gec_price")
    return {
        "usable_share": float(s["usable_share"]),
        "max_it_mw": column(sites, "max_it_mw"),
        "pue_cap": column(sites, "pue_cap"),
        "water_cap_m3": water,
        "demand_mw": {
            (str(r), str(w)): float(d)
            for r, w, d in zip(
                demand["region"], demand["workload_class"], demand["demand_mw"], strict=True
            )
        },
        "pv_max_mw": column(sites, "pv_max_mw", float(pv_on)),
        "wind_max_mw": column(sites, "wind_max_mw", float(wind_on)),
        "grid_max_mw": column(sites, "grid_max_mw"),
        "eta_charge": eta,
        "eta_discharge": eta,
        "link_cost_myuan_per_gbps_yr": dict(
            zip(route_keys, route_table["cost_myuan_per_gbps_yr"].astype(float), strict=True)
        ),
        "link_capacity_gbps": caps,
        "emission_factor": column(sites, "emission_factor_t_per_mwh"),
        "carbon_cap_t": optional("carbon_cap"),
        "green_share_min": optional("green_share_min"),
        "min_utilisation": optional("min_utilisation"),
        "voucher_budget_myuan": column(v, "budget_myuan_per_yr"),
        "voucher_rate": column(v, "rate_share"),
        "voucher_price": column(v, "compute_price_yuan_per_mwh"),
        "facility_capital_rate": facility_capital,
        "facility_om_rate": facility_om,
        "pv_capital_rate": _first(rates["pv"][0]),
        "pv_om_rate": _first(rates["pv"][1]),
        "wind_capital_rate": _first(rates["wind"][0]),
        "wind_om_rate": _first(rates["wind"][1]),
        "battery_energy_capital_rate": _first(rates["battery_energy"][0]),
        "battery_energy_om_rate": _first(rates["battery_energy"][1]),
        "battery_power_capital_rate": _first(rates["battery_power"][0]),
        "battery_power_om_rate": _first(rates["battery_power"][1]),
        "battery_wear_yuan_per_mwh": float(s["battery_wear_cost"]),
        "carbon_price": float(s["carbon_price"]),
        "unserved_penalty": float(s["unserved_penalty"]),
        "gec_price": float(gec) if gec is not None else 0.0,
        "grid_tariff_yuan_per_kwh": column(sites, "grid_price_yuan_per_kwh"),
        "open_cost_myuan": {
            str(k): float(x) for k, x in sites["open_cost_myuan_per_yr"].fillna(0.0).items()
        },
    }


# Optional Params whose existence follows an input (blank → no Param, no constraint).
_OPTIONAL_SCALARS = ("carbon_cap_t", "green_share_min", "min_utilisation")


def _param_index(param: pyo.Param) -> set:
    return set(param.keys())


def check_values(model: pyo.ConcreteModel, values: dict) -> list[str]:
    """Reasons `values` cannot be set on `model` (an optional Param missing or extra, an index
    set that differs); empty when they can."""
    reasons = []
    for name, value in values.items():
        param = getattr(model, name, None)
        if isinstance(value, dict):
            if param is None:
                reasons.append(f"model has no parameter {name}")
            elif _param_index(param) != set(value):
                reasons.append(f"index set of {name} changes")
        elif name in _OPTIONAL_SCALARS:
            if (param is None) != (value is None):
                state = "switched on" if param is None else "switched off"
                reasons.append(f"{name} is {state} (adds or removes a constraint)")
        elif param is None:
            reasons.append(f"model has no parameter {name}")
    return reasons


def apply_values(model: pyo.ConcreteModel, values: dict, tolerance: float = 0.0) -> list[str]:
    """Set every mutable Param whose value differs from `values`; returns the names set.
    Call `check_values` first."""
    import pyomo.environ as pyo

    changed = []
    for name, value in values.items():
        param = getattr(model, name, None)
        if param is None or value is None:
            continue
        if isinstance(value, dict):
            hit = False
            for index, new in value.items():
                old = pyo.value(param[index])
                if abs(old - new) > tolerance * max(1.0, abs(new)):
                    param[index] = new
                    hit = True
            if hit:
                changed.append(name)
        else:
            old = pyo.value(param)
            if abs(old - value) > tolerance * max(1.0, abs(value)):
                param.set_value(value)
                changed.append(name)
    return changed


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
    """How a new case goes onto a built model: `data` (the model's data with the new case and
    its links and routes), `values` of the mutable Params, the cell `changes`, and `reasons`
    for a rebuild (empty: re-use is possible)."""

    data: ModelData | None
    values: dict
    changes: tuple[Change, ...]
    reasons: tuple[str, ...]

    @property
    def reusable(self) -> bool:
        return not self.reasons


def reuse_plan(model: pyo.ConcreteModel, data: ModelData, new_case: Case) -> ReusePlan:
    """Whether `model` (built from `data`) can solve `new_case` by changing mutable Params."""
    from planner.network import links, routes

    changes, reasons = case_changes(data.case, new_case)
    reasons += structural_reasons(changes, data.time.mode)
    if reasons:
        return ReusePlan(None, {}, tuple(changes), tuple(reasons))
    if any(_feeds_network(c.parameter) for c in changes):
        link_table = links(new_case)
        new_data = replace(
            data, case=new_case, links=link_table, routes=routes(new_case, link_table)
        )
    else:
        new_data = replace(data, case=new_case)
    values = mutable_values(new_data)
    reasons = check_values(model, values)
    return ReusePlan(new_data, values, tuple(changes), tuple(reasons))


__all__ = [
    "REUSABLE",
    "Change",
    "Parameter",
    "ParameterError",
    "ReusePlan",
    "apply_values",
    "case_changes",
    "check_values",
    "mutable_values",
    "parse_value",
    "resolve",
    "reuse_plan",
    "row_ids",
    "structural_reasons",
    "value_text",
]
