"""The cases and sizes the benchmarks run.

- `default`: the shipped case `inputs/china_east_west.xlsx` (12 sites, 2 supply nodes, 4
  power lines, 6 regions, 6 classes);
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
from planner.inputs.scenarios import scenario_names
from planner.inputs.tables import case_base_dir, read_tables

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


# --------------------------------------------------------------------------------------------
# Robustness set (issue 19): the default case at typical:8 (its Settings time) with one policy
# or input moved to, or just beyond, a limit. Limits that depend on the case (the least
# emissions reachable, the most green power reachable, each site's water use) come from
# `reference` (benchmarks.measure.robust_reference), computed once per benchmark run.


def shipped_scenarios() -> tuple[str, ...]:
    """The Scenarios rows of the default workbook, in order (read, not listed here, so that
    the robustness set follows the shipped case)."""
    return tuple(scenario_names(read_tables(DEFAULT_CASE)))


USABLE_SHARE = 0.85  # the default case's usable share of IT capacity


@dataclass(frozen=True)
class Robust:
    """One case of the robustness set: key, label, and what it changes."""

    key: str
    label: str
    scenario: str | None = None  # a shipped scenario
    policy: tuple = ()  # (name, value or a function of the reference) pairs
    settings: tuple = ()
    water_share: float | None = None  # every site's water cap: this share of its water use
    one_route: tuple[str, str] | None = None  # (region, site): the region's other links at 0
    redundant: bool = False  # every max_it row twice


ROBUSTNESS = [
    *(Robust(f"scenario_{s}", f"scenario {s}", scenario=s) for s in shipped_scenarios()),
    Robust("util_at", "utilisation = usable share 0.85", policy=(("min_utilisation", 0.85),)),
    Robust(
        "util_issue",
        "utilisation 0.8462 (issue 19: sites run at 0.841–0.848)",
        policy=(("min_utilisation", 0.8462),),
    ),
    Robust("util_beyond", "utilisation 0.86 > usable share", policy=(("min_utilisation", 0.86),)),
    Robust(
        "carbon_at",
        "carbon cap at the least emissions reachable (+0.1 %)",
        policy=(("carbon_cap", lambda ref: 1.001 * ref["least_emissions_t"]),),
    ),
    Robust(
        "carbon_below",
        "carbon cap 1 % below the least emissions reachable",
        policy=(("carbon_cap", lambda ref: 0.99 * ref["least_emissions_t"]),),
    ),
    # green energy used can exceed facility energy (storage losses count as used), so the
    # overall share is reachable up to the 100 % an input can ask; per site it is not
    Robust(
        "green_at",
        "green share 100 % overall (the most an input allows; reachable)",
        policy=(("green_share_min", 1.0),),
    ),
    Robust(
        "green_above",
        "green share 100 % at every site (beyond reach where a site lacks renewables)",
        policy=(("green_share_min", 1.0), ("green_share_scope", "site")),
    ),
    Robust("water_hard", "water caps at 60 % of each site's water use", water_share=0.6),
    Robust("water_half", "water caps at 30 % of each site's water use", water_share=0.3),
    Robust(
        "one_route",
        "Henan's links at 0 Gbps except to Zhengzhou (one route left)",
        one_route=("henan", "zhengzhou"),
    ),
    Robust("redundant", "every max IT row twice (redundant constraints)", redundant=True),
    Robust(
        "cost_spread",
        "cost spread 1e-3 to 1e6: bandwidth 0.001, unserved demand allowed at 1e6",
        settings=(
            ("bandwidth_cost", 0.001),
            ("unserved_penalty", 1e6),
            ("allow_unserved", True),
        ),
    ),
]


def robust_case(item: Robust, reference: dict) -> Case:
    """The default case changed as `item` says (`reference`: the case-dependent limits)."""
    import dataclasses

    import numpy as np
    import pandas as pd

    case = load_case(DEFAULT_CASE, item.scenario)

    def value(v):
        return v(reference) if callable(v) else v

    policy = {**case.policy, **{k: value(v) for k, v in item.policy}}
    settings = {**case.settings, **{k: value(v) for k, v in item.settings}}
    sites = case.sites
    if item.water_share is not None:
        water = pd.Series(reference["water_m3"])
        sites = sites.copy()
        sites["water_cap_m3"] = (item.water_share * water.reindex(sites.index)).where(
            water.reindex(sites.index) > 0, np.nan
        )
    links = case.links
    if item.one_route is not None:
        region, keep = item.one_route
        others = [s for s in case.sites.index if s != keep]
        links = pd.DataFrame(
            {
                "region": region,
                "site": others,
                "rtt_ms": np.nan,
                "capacity_gbps": 0.0,
                "cost_myuan_per_gbps_yr": np.nan,
            }
        )
    return dataclasses.replace(case, policy=policy, settings=settings, sites=sites, links=links)
