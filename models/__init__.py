"""The Pyomo formulation of docs/formulation.md, one module per block.

`models.build(case, options)` is the only entry point the planner uses.
"""

from models.build import build

__all__ = ["build"]
