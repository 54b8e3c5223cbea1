"""The validated case: typed tables, ready for time aggregation and model building.

`load_case(path, scenario)` reads a workbook or CSV folder, applies the scenario's overrides,
validates everything, and returns a frozen `Case`, or raises `InputErrors` with every problem.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planner.inputs.errors import InputError, InputErrors
from planner.inputs.scenarios import apply_scenario
from planner.inputs.tables import RawTables, case_base_dir, read_tables
from planner.inputs.validate import check


@dataclass(frozen=True)
class Case:
    """A validated planning case (all money in the units of the schema headers).

    Tables are indexed by their ids (sites by `site`, ...). `profiles` maps a profile name
    to an 8760-row frame (columns: sites, or demand shapes). `raw` keeps the tables as read
    (scenario applied) so a run can copy exactly what it used. `extra` holds the validated
    tables of sheets registered beyond the core ones (a plug-in block's inputs), by name.
    """

    name: str
    scenario: str
    settings: dict[str, object]
    policy: dict[str, object]
    regions: pd.DataFrame
    sites: pd.DataFrame
    classes: pd.DataFrame
    demand: pd.DataFrame
    technologies: pd.DataFrame
    cooling: pd.DataFrame
    links: pd.DataFrame
    vouchers: pd.DataFrame
    profiles: dict[str, pd.DataFrame]
    sources: pd.DataFrame
    scenarios: pd.DataFrame
    raw: RawTables = field(repr=False, default_factory=dict)
    warnings: tuple[InputError, ...] = ()
    extra: dict[str, pd.DataFrame] = field(repr=False, default_factory=dict)
    # Potentials sheet: site, technology, max_mw [MW] of the kind-renewable technologies
    potentials: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["site", "technology", "max_mw"])
    )

    @property
    def cooling_techs(self) -> list[str]:
        """Facility (cooling) technologies that are available, in sheet order."""
        t = self.technologies
        return list(t.index[(t["kind"] == "facility") & t["available"]])

    def technology(self, kind: str) -> pd.Series | None:
        """The single available technology row of a kind (pv, wind, battery_*), or None."""
        t = self.technologies
        rows = t[(t["kind"] == kind) & t["available"]]
        return None if rows.empty else rows.iloc[0]

    def fingerprint(self) -> str:
        """SHA-256 over the tables and profiles used (scenario applied)."""
        digest = hashlib.sha256()
        for name in sorted(self.raw):
            digest.update(name.encode())
            digest.update(self.raw[name].to_csv(index=False).encode())
        for name in sorted(self.profiles):
            digest.update(name.encode())
            digest.update(pd.util.hash_pandas_object(self.profiles[name]).to_numpy().tobytes())
        return digest.hexdigest()


# sheets with an attribute of their own on Case
_CORE_TABLES = frozenset(
    {
        "Regions",
        "Sites",
        "Classes",
        "Demand",
        "Technologies",
        "Cooling",
        "Links",
        "Vouchers",
        "Sources",
        "Scenarios",
        "Profiles",
        "Potentials",
    }
)


def _indexed(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame.reset_index(drop=True).set_index(key, drop=False).rename_axis(None)


def build_case(
    raw: RawTables,
    base_dir: Path | None,
    name: str = "case",
    scenario: str | None = None,
    profiles: dict[str, pd.DataFrame] | None = None,
) -> Case:
    """Validate raw tables (scenario applied here) and return a Case, or raise InputErrors.

    Profiles are read from the files the Profiles sheet names (relative to `base_dir`), or
    taken from `profiles` (name → frame with an `hour` column 0..8759) for cases built in code.
    """
    from planner.network import rtt_warnings

    applied, problems = apply_scenario(raw, scenario)
    checked = check(applied, base_dir, profiles)
    problems = problems + checked.problems
    if any(p.severity == "error" for p in problems):
        raise InputErrors(problems)
    t = checked.tables
    case = Case(
        name=name,
        scenario=scenario or "baseline",
        settings=checked.values["Settings"],
        policy=checked.values["Policy"],
        regions=_indexed(t["Regions"], "region"),
        sites=_indexed(t["Sites"], "site"),
        classes=_indexed(t["Classes"], "workload_class"),
        demand=t["Demand"].rename_axis("excel_row").reset_index(),
        technologies=_indexed(t["Technologies"], "technology"),
        cooling=t["Cooling"].sort_values(["cooling", "ambient_c"]).reset_index(drop=True),
        links=t["Links"].reset_index(drop=True),
        vouchers=_indexed(t["Vouchers"], "voucher"),
        profiles=checked.profiles,
        sources=t.get("Sources", pd.DataFrame()).reset_index(drop=True),
        scenarios=t.get("Scenarios", pd.DataFrame()).reset_index(drop=True),
        raw=applied,
        extra={name: frame for name, frame in t.items() if name not in _CORE_TABLES},
        potentials=t["Potentials"].reset_index(drop=True),
    )
    extra = rtt_warnings(case)
    problems = problems + extra
    if any(p.severity == "error" for p in extra):
        raise InputErrors(problems)
    return _with_warnings(case, problems)


def _with_warnings(case: Case, problems: list[InputError]) -> Case:
    from dataclasses import replace

    return replace(case, warnings=tuple(p for p in problems if p.severity == "warning"))


def load_case(path: Path | str, scenario: str | None = None) -> Case:
    """Read, apply the scenario, validate. Raises InputErrors (all problems) or CaseReadError."""
    path = Path(path)
    raw = read_tables(path)
    name = path.stem if path.is_file() else path.name
    return build_case(raw, case_base_dir(path), name=name, scenario=scenario)


def validate_path(path: Path | str, scenario: str | None = None) -> list[InputError]:
    """Every problem (errors and warnings) of a case, without raising on bad content."""
    try:
        case = load_case(path, scenario)
    except InputErrors as exc:
        return exc.problems
    return list(case.warnings)
