"""Fixtures shared by the model tests: the test-only diesel block plugged in."""

from __future__ import annotations

import pytest

import planner.inputs.tables as tables
import planner.inputs.validate as validate
from models.build import register_block, unregister_block
from planner.inputs import schema
from planner.prepare import register_deriver, unregister_deriver
from tests.models import diesel_block


@pytest.fixture
def diesel(monkeypatch: pytest.MonkeyPatch):
    """The diesel block registered: schema sheet, derivation and model block."""
    monkeypatch.setitem(schema.BY_NAME, "Diesel", diesel_block.SHEET)
    for module in (validate, tables):  # the modules that list the schema's sheets
        monkeypatch.setattr(module, "SHEETS", (*module.SHEETS, diesel_block.SHEET))
    register_deriver("diesel", diesel_block.derive_diesel)
    register_block("diesel", diesel_block.add_diesel)
    yield
    unregister_block("diesel")
    unregister_deriver("diesel")
