"""The Pyomo formulation of docs/formulation.md, one module per block.

`models.build(data, options)` builds a model from a `models.data.ModelData`;
`models.update(m, data)` pushes a re-prepared ModelData into a built model. `models/` imports
nothing from `planner` (tests/models/test_layering.py checks it).
"""

from models.build import BuildOptions, build
from models.data import ModelData
from models.update import StructuralChange, structural_changes, update

__all__ = ["BuildOptions", "ModelData", "StructuralChange", "build", "structural_changes", "update"]
