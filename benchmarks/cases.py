"""The cases and sizes the benchmarks run.

- `default`: the shipped case `inputs/china_east_west.xlsx` (12 sites, 6 regions, 5 classes);
- `sub3`: the default case cut to 3 sites (Zhangjiakou, Tianfu, Horinger) and the 2 regions
  they can serve entirely (Jing-Jin-Ji, Chengdu-Chongqing: realtime demand needs a site within
  5 ms), through the raw tables and the normal validation (`build_case`);
- `synthetic40`: `planner.synthetic.synthetic_case(n_sites=40, n_regions=8, seed=1)`;
- `tiny`: `synthetic_case(n_sites=4, n_regions=2, seed=0)` (the `--quick` smoke size).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.inputs.case import Case, build_case, load_case
from planner.inputs.tables import case_base_dir

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CASE = ROOT / "inputs" / "china_east_west.xlsx"
SUB3_SITES = ("zhangjiakou", "tianfu", "horinger")
SUB3_REGIONS = ("jingjinji", "chengyu")


def default_case() -> Case:
    """The shipped default case (baseline scenario)."""
    return load_case(DEFAULT_CASE)


def sub_case(
    sites: tuple[str, ...] = SUB3_SITES,
    regions: tuple[str, ...] = SUB3_REGIONS,
    path: Path = DEFAULT_CASE,
) -> Case:
    """The case at `path` restricted to `sites` and the demand of `regions` (raw tables cut,
    then validated as any workbook). Vouchers of other regions and scenario rows other than
    the baseline are dropped; profiles are read from the same files (other sites' columns are
    ignored)."""
    full = load_case(path)
    raw = {name: frame.copy() for name, frame in full.raw.items()}
    raw["Sites"] = raw["Sites"][raw["Sites"]["site"].isin(sites)]
    raw["Regions"] = raw["Regions"][raw["Regions"]["region"].isin(regions)]
    raw["Demand"] = raw["Demand"][raw["Demand"]["region"].isin(regions)]
    raw["Vouchers"] = raw["Vouchers"][raw["Vouchers"]["issuer_region"].isin(regions)]
    if "Links" in raw and len(raw["Links"]):
        links = raw["Links"]
        raw["Links"] = links[links["region"].isin(regions) & links["site"].isin(sites)]
    if "Scenarios" in raw:
        raw["Scenarios"] = raw["Scenarios"][raw["Scenarios"]["scenario"] == "baseline"]
    return build_case(raw, case_base_dir(path), name=f"{path.stem}_{len(sites)}sites")


def synthetic40() -> Case:
    """A seeded 40-site, 8-region synthetic case."""
    from planner.synthetic import synthetic_case

    return synthetic_case(n_sites=40, n_regions=8, seed=1, name="synthetic40")


def tiny() -> Case:
    """A seeded 4-site, 2-region synthetic case (smoke test)."""
    from planner.synthetic import synthetic_case

    return synthetic_case(n_sites=4, n_regions=2, seed=0, name="tiny")


CASES = {"default": default_case, "sub3": sub_case, "synthetic40": synthetic40, "tiny": tiny}


@dataclass(frozen=True)
class Size:
    """One row of the size table: `kind` 'plan' (one LP: prepare, build, solve) or
    'redispatch' (the full-year re-dispatch of the `time` plan, one LP per site)."""

    key: str
    label: str
    case: str
    time: str
    kind: str = "plan"


SIZES = [
    Size("default_t12", "default case, typical:12", "default", "typical:12"),
    Size("default_t48", "default case, typical:48", "default", "typical:48"),
    Size("sub3_full", "3-site sub-case, full year (one LP)", "sub3", "full"),
    Size("synthetic40_t12", "synthetic 40 sites, typical:12", "synthetic40", "typical:12"),
    Size(
        "default_redispatch",
        "default case, full-year re-dispatch of typical:12 (12 site LPs)",
        "default",
        "typical:12",
        "redispatch",
    ),
]
QUICK_SIZES = [Size("tiny_t2", "tiny synthetic (4 sites), typical:2", "tiny", "typical:2")]
