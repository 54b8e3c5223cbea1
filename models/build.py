"""Compose the formulation, block by block, in the order of docs/formulation.md."""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from models.demand import add_demand
from models.facility import add_facility, add_milp
from models.network import add_network
from models.objective import add_objective
from models.policy import add_policy
from models.sets import add_sets
from models.storage import add_storage
from models.supply import add_energy_balance, add_supply
from planner.prepare import ModelData


@dataclass(frozen=True)
class BuildOptions:
    """mip: build the MILP mode (site opening, modular capacity, one cooling tech per site)."""

    mip: bool = False


def build(data: ModelData, options: BuildOptions | None = None) -> pyo.ConcreteModel:
    """The Pyomo model of `data` (units: MW, MWh, t, m3; objective in M yuan/yr)."""
    options = options or BuildOptions()
    m = pyo.ConcreteModel(name=f"dcplan:{data.case.name}:{data.case.scenario}")
    add_sets(m, data)
    add_facility(m, data)
    add_demand(m, data)
    add_supply(m, data)
    add_storage(m, data)
    add_energy_balance(m, data)
    add_network(m, data)
    add_policy(m, data)
    if options.mip:
        add_milp(m, data)
    add_objective(m, data)
    return m
