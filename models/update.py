"""Push a re-prepared `ModelData` into a built model (sweeps, scenarios on one model).

`update(m, data)` sets every mutable Param of `m` to its value in `data.params` (the one
derivation of every value is `planner.prepare`) and returns the names that changed. When
`data` needs a different model (an index set changes, an optional component is switched on
or off, a switch or a non-mutable Param changes) it raises `StructuralChange` with the
reasons and leaves `m` untouched; `structural_changes(m, data)` lists them without raising.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pyomo.environ as pyo

from models.data import ModelData

# the params a model was built from (or last updated to), kept on the model
BUILT_PARAMS = "built_params"


class StructuralChange(ValueError):
    """`data` cannot be pushed into the model: it needs a rebuild (`reasons` say why)."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _numeric(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(a: object, b: object) -> bool:
    if _numeric(a) and _numeric(b):
        return float(a) == float(b) or (math.isnan(float(a)) and math.isnan(float(b)))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def _mutable_param(component: object) -> bool:
    return isinstance(component, pyo.Param) and component.mutable


def _param_values(param: pyo.Param) -> dict | float:
    if param.is_indexed():
        return {k: pyo.value(v) for k, v in param.items()}
    return pyo.value(param)


def structural_changes(m: pyo.ConcreteModel, data: ModelData) -> list[str]:
    """Why `data` needs another model than `m` (empty: `update` can push it)."""
    built = getattr(m, BUILT_PARAMS, {})
    reasons = []
    for name, value in data.params.items():
        component = m.component(name)
        if isinstance(component, pyo.Param):
            if value is None:
                reasons.append(f"{name} is switched off (removes constraints)")
            elif component.is_indexed():
                if not isinstance(value, Mapping) or set(component.keys()) != set(value):
                    reasons.append(f"index set of {name} changes")
                elif not component.mutable and not _same(_param_values(component), dict(value)):
                    reasons.append(f"{name} changes and is not mutable")
            elif not component.mutable and not _same(pyo.value(component), value):
                reasons.append(f"{name} changes and is not mutable")
            continue
        old = built.get(name)
        if (old is None) != (value is None):
            state = "switched on" if old is None else "switched off"
            reasons.append(f"{name} is {state} (adds or removes constraints or variables)")
        elif not (_numeric(value) or _numeric_map(value)) and not _same(old, value):
            reasons.append(f"{name} changes the model's structure")
    return reasons


def _numeric_map(value: object) -> bool:
    return isinstance(value, Mapping) and all(_numeric(v) for v in value.values())


def update(m: pyo.ConcreteModel, data: ModelData) -> list[str]:
    """Set every mutable Param of `m` whose value differs in `data`; returns their names.
    Raises StructuralChange (and changes nothing) when `data` needs a rebuild."""
    reasons = structural_changes(m, data)
    if reasons:
        raise StructuralChange(reasons)
    changed = []
    for name, value in data.params.items():
        param = m.component(name)
        if not _mutable_param(param):
            continue
        if param.is_indexed():
            hit = False
            for index, new in value.items():
                if pyo.value(param[index]) != new:
                    param[index] = new
                    hit = True
            if hit:
                changed.append(name)
        elif pyo.value(param) != value:
            param.set_value(value)
            changed.append(name)
    setattr(m, BUILT_PARAMS, dict(data.params))
    return changed
