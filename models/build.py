"""Compose the formulation, block by block, in the order of docs/formulation.md.

`BLOCKS` is the build order: (name, function). Each function `add_<block>(m, data)` declares
its components and registers its balance terms, cost terms and limits (models.registry).
`add_energy_balance` and `add_objective` sum what is registered, so they come after every
block that contributes to them. A block outside this package plugs in with `extra_blocks`
(inserted before the energy balance), with no edit here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pyomo.environ as pyo

from models.cfe import add_cfe
from models.contracts import add_contracts
from models.data import ModelData
from models.demand import add_demand
from models.facility import add_facility, add_milp
from models.hardware import add_hardware
from models.lines import add_lines
from models.network import add_network
from models.objective import add_objective
from models.policy import add_policy
from models.registry import registry
from models.sets import add_sets
from models.storage import add_storage
from models.supply import add_energy_balance, add_supply

Block = Callable[[pyo.ConcreteModel, ModelData], None]

# Blocks that extend every model built in this process (tests, plug-ins): appended with
# `register_block`, added after storage and before the energy balance.
EXTRA_BLOCKS: list[tuple[str, Block]] = []


def register_block(name: str, add: Block) -> None:
    """Add block `add(m, data)` to every model built from now on (see `unregister_block`)."""
    if any(n == name for n, _ in EXTRA_BLOCKS):
        raise ValueError(f"block {name} is registered already")
    EXTRA_BLOCKS.append((name, add))


def unregister_block(name: str) -> None:
    """Remove a block added with `register_block` (no error when absent)."""
    EXTRA_BLOCKS[:] = [(n, b) for n, b in EXTRA_BLOCKS if n != name]


@dataclass(frozen=True)
class BuildOptions:
    """mip: build the MILP mode (site opening, modular capacity, one cooling tech per site).
    extra_blocks: further blocks for this build only (after storage, before the balance)."""

    mip: bool = False
    extra_blocks: Sequence[tuple[str, Block]] = field(default_factory=tuple)


def build(data: ModelData, options: BuildOptions | None = None) -> pyo.ConcreteModel:
    """The Pyomo model of `data` (units: MW, MWh, t, m3; objective in M yuan/yr)."""
    options = options or BuildOptions()
    m = pyo.ConcreteModel(name=f"dcplan:{data.name}")
    registry(m)
    add_sets(m, data)
    add_facility(m, data)
    add_demand(m, data)
    add_supply(m, data)
    add_storage(m, data)
    add_lines(m, data)
    add_contracts(m, data)
    for _, block in [*EXTRA_BLOCKS, *options.extra_blocks]:
        block(m, data)
    add_energy_balance(m, data)
    add_network(m, data)
    add_policy(m, data)
    add_cfe(m, data)
    add_hardware(m, data)  # after policy: it shares the voucher budgets
    if options.mip:
        add_milp(m, data)
    add_objective(m, data)
    m.built_params = dict(data.params)  # what models.update compares a new ModelData with
    return m
