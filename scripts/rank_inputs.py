"""Rank the default case's inputs by influence, by measurement (`make rank`).

Every numeric input of `inputs/china_east_west.xlsx` that can move the plan is put in a group
(one cell, or the cells that share one source: all sites' emission factors, the air-cooling PUE
curve, one region's demand, ...). Each group is moved down and up by 20 % and the case is
re-solved with the sweep machinery (`planner.sweep.run_point`: every point is a scenario
override on the raw tables, validated as a whole; a built model is re-used when only mutable
parameters change). For each group the script records the change against the baseline of

* the objective (annual cost, M yuan/yr), in % of the baseline;
* the west share (share of compute served by western sites), in percentage points;
* the emissions (t CO2/yr), in % of the baseline;

and ranks the groups by their *influence*, the largest of those three absolute changes over the
two moves (a point that is infeasible, or needs unserved demand, ranks above every solved one).

How a group is moved (`Group.how`):

* ``scale``: every value x 0.8 and x 1.2;
* ``excess``: a PUE or PUE cap moves its excess over 1 by 20 % (1.2 -> 1.16 / 1.24), because
  x 1.2 of a PUE is not a plausible input (and breaks every cap);
* ``share``: a share in (0, 1] moves by 20 % and is capped at 1;
* ``loss``: an efficiency moves its loss (1 - value) by 20 %;
* profile groups change the hourly series the case carries: ``pv``/``wind`` scale the capacity
  factors (capped at 1, so the annual CF moves slightly less than 20 % on the windiest sites),
  ``temperature`` moves each site's annual mean temperature by 20 % (the series is shifted, as
  the generator does for `temp_mean_c`), ``tou`` scales the spread of the time-of-use
  multipliers around 1.

Chips (Hardware sheet): per accelerator family its PFLOPS per server, kW per server, server
price and supply (one group each), every family's rack density and server life (one group
each), and the cooling technologies' maximum rack densities (Cooling `max_rack_kw`).

Not varied: coordinates (20 % of a latitude is not an input error a planner makes; the network
constants stand for distance), switches and options (`time`, `allow_unserved`, `year`,
`module_size`), and inputs of zero effect by construction: site opening cost 0, water caps
blank, the green-power and policy keys that are blank (off) in the baseline (`gec_price`,
`ppa_premium`, `cfe_min`, `carbon_cap`, `green_share_min`, `min_utilisation`,
`domestic_share_min`; 20 % of blank is blank), the domestic-chip discounts and voucher rates
(blank), a hardware family with supply 0 (b200_class: it cannot be installed) and the
general-purpose row (MW classes are sized per MW, without its figures).

Outputs: `docs/input_ranking.csv` (one row per group: the cells it moves as Sources keys, the
values tried, the effects) and the ranking table of `docs/data.md`, which
`scripts/make_default_case.py` renders from that CSV (run here after the CSV is written).

    .venv/bin/python scripts/rank_inputs.py                 # whole ranking (~40 min, 2 cores)
    .venv/bin/python scripts/rank_inputs.py --only discount  # groups whose name contains it

Run time: about 2 x (number of groups) + 1 solves at the case's time setting (typical:8).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(ROOT))

from planner.inputs.case import build_case  # noqa: E402
from planner.inputs.tables import case_base_dir, read_tables  # noqa: E402
from planner.params import Parameter  # noqa: E402
from planner.sweep import CasePayload, Point, SweepOptions, run_point  # noqa: E402

CASE = ROOT / "inputs" / "china_east_west.xlsx"
RANKING_CSV = ROOT / "docs" / "input_ranking.csv"
STEP = 0.20  # relative move of every group, down and up
TOP = 40  # the groups whose Sources rows must be [P] or explicitly unsourced

Cell = tuple[str, str, str]  # (sheet, row id or key, internal column): a Sources key


@dataclass(frozen=True)
class Group:
    """A set of input cells moved together. `cells` are Sources keys (sheet, row, column);
    `how` says how a value moves (module docstring); `profile` names the hourly series a
    profile group changes (its cells are then the Profiles Sources rows it stands for)."""

    name: str
    what: str
    cells: tuple[Cell, ...]
    how: str = "scale"
    profile: str | None = None
    sites: tuple[str, ...] = field(default=())


def moved(value: float, how: str, factor: float) -> float:
    """A value moved by `factor` (0.8 or 1.2) the way its group says (module docstring)."""
    if how == "scale":
        return value * factor
    if how == "excess":
        return 1.0 + (value - 1.0) * factor
    if how == "share":
        return min(value * factor, 1.0)
    if how == "loss":
        return 1.0 - (1.0 - value) * factor
    raise ValueError(f"unknown move {how!r}")


# ----------------------------------------------------------------------------- the groups


def groups(case) -> list[Group]:
    """Every group of the default case, from its validated tables (new rows join their group)."""
    zone = case.sites["zone"].to_dict()
    province = case.sites["province"].to_dict()
    every_site = tuple(zone)
    # supply nodes (issue 15: no IT, no grid) have their own potential groups; their grid
    # tariff, emission factor, MaxIT and grid limit are never used
    bases = tuple(s for s in every_site if float(case.sites.loc[s, "max_it_mw"]) == 0)
    all_sites = tuple(s for s in every_site if s not in bases)
    west = tuple(s for s in all_sites if zone[s] == "west")
    east = tuple(s for s in all_sites if zone[s] == "east")
    central = tuple(s for s in all_sites if zone[s] == "central")
    not_west = east + central

    def site_cells(column: str, which: Sequence[str]) -> tuple[Cell, ...]:
        return tuple(("Sites", s, column) for s in which)

    points: dict[str, list[str]] = {}
    for tech, ambient in zip(case.cooling["cooling"], case.cooling["ambient_c"], strict=True):
        points.setdefault(str(tech), []).append(f"{tech}/{_id(ambient)}")
    by_region: dict[str, list[str]] = {}
    for region, cls in zip(case.demand["region"], case.demand["workload_class"], strict=True):
        by_region.setdefault(str(region), []).append(f"{region}/{cls}")
    techs = [str(t) for t in case.technologies.index]
    classes = [str(c) for c in case.classes.index]
    vouchers = [str(v) for v in case.vouchers.index]
    out: list[Group] = []
    for site in all_sites:
        out.append(
            Group(
                f"grid price {site}",
                f"grid tariff of {site} ({province[site]}), yuan/kWh",
                site_cells("grid_price_yuan_per_kwh", [site]),
            )
        )
    out += [
        Group(
            "emission factors",
            "grid CO2 factor of every site, t/MWh",
            site_cells("emission_factor_t_per_mwh", all_sites),
        ),
        Group("MaxIT west", "buildable IT MW, western sites", site_cells("max_it_mw", west)),
        Group("MaxIT east", "buildable IT MW, eastern sites", site_cells("max_it_mw", east)),
        Group("MaxIT central", "buildable IT MW, central sites", site_cells("max_it_mw", central)),
        Group("grid limit", "grid connection MW, every site", site_cells("grid_max_mw", all_sites)),
        Group(
            "PUE cap hubs",
            "hub PUE caps (excess over 1)",
            site_cells("pue_cap", west + east),
            "excess",
        ),
        Group(
            "PUE cap central",
            "central sites' PUE caps (excess over 1)",
            site_cells("pue_cap", central),
            "excess",
        ),
        Group("PV potential west", "buildable PV MW, west", site_cells("pv_max_mw", west)),
        Group(
            "PV potential east",
            "buildable PV MW, east and central",
            site_cells("pv_max_mw", not_west),
        ),
        Group("wind potential west", "buildable wind MW, west", site_cells("wind_max_mw", west)),
        Group(
            "wind potential east",
            "buildable wind MW, east and central",
            site_cells("wind_max_mw", not_west),
        ),
    ]
    if bases:
        out += [
            Group(
                "PV potential bases",
                "buildable PV MW, supply nodes",
                site_cells("pv_max_mw", bases),
            ),
            Group(
                "wind potential bases",
                "buildable wind MW, supply nodes",
                site_cells("wind_max_mw", bases),
            ),
        ]
    for tech in techs:
        out.append(
            Group(
                f"capex {tech}",
                f"capex of {tech}, M yuan per unit",
                (("Technologies", tech, "capex_myuan_per_unit"),),
            )
        )
    out += [
        Group(
            "fixed O&M",
            "fixed O&M share, every technology",
            tuple(("Technologies", t, "fixed_om_share") for t in techs),
        ),
        Group(
            "lifetimes",
            "life, every technology",
            tuple(("Technologies", t, "life_yr") for t in techs),
        ),
    ]
    for tech, ids in points.items():
        out.append(
            Group(
                f"PUE curve {tech}",
                f"{tech} PUE at every curve point (excess over 1)",
                tuple(("Cooling", i, "pue") for i in ids),
                "excess",
            )
        )
    out.append(
        Group(
            "WUE curves",
            "water use per kWh IT, every cooling point",
            tuple(("Cooling", i, "wue_l_per_kwh") for ids in points.values() for i in ids),
        )
    )
    settings = [
        ("discount_rate", "scale"),
        ("carbon_price", "scale"),
        ("usable_share", "share"),
        ("battery_round_trip_efficiency", "loss"),
        ("battery_wear_cost", "scale"),
        ("rtt_route_factor", "scale"),
        ("fibre_speed", "scale"),
        ("rtt_equipment", "scale"),
        ("bandwidth_cost", "scale"),
        ("tou_energy_share", "share"),
    ]
    for key, how in settings:
        out.append(Group(key, f"Settings {key}", (("Settings", key, "value"),), how))
    out.append(
        Group(
            "bandwidth per MW",
            "Gbps per MW IT, every class",
            tuple(("Classes", c, "bandwidth_gbps_per_mw") for c in classes),
        )
    )
    for cls, limit in case.classes["max_rtt_ms"].items():
        if not pd.isna(limit):
            out.append(
                Group(
                    f"RTT limit {cls}",
                    f"latency limit of {cls}, ms",
                    (("Classes", str(cls), "max_rtt_ms"),),
                )
            )
    for region, ids in by_region.items():
        out.append(
            Group(
                f"demand {region}",
                f"demand of {region}, every class, MW IT",
                tuple(("Demand", i, "demand_mw") for i in ids),
            )
        )
    out += _hardware_groups(case)
    for column, label in (
        ("budget_myuan_per_yr", "voucher budgets"),
        ("rate_share", "voucher rates"),
        ("compute_price_yuan_per_mwh", "voucher compute price"),
    ):
        out.append(
            Group(label, f"Vouchers {column}", tuple(("Vouchers", v, column) for v in vouchers))
        )
    out += _line_groups(case)
    out += [
        Group(
            "PV capacity factors",
            "hourly PV output per MW, every site (annual CF)",
            tuple(("Profiles", s, "pv_cf") for s in every_site),
            profile="pv",
        ),
        Group(
            "wind capacity factors",
            "hourly wind output per MW, every site (annual CF)",
            tuple(("Profiles", s, "wind_cf") for s in every_site),
            profile="wind",
        ),
        Group(
            "annual mean temperatures",
            "annual mean temperature of every site (hourly series shifted)",
            tuple(("Profiles", s, "temp_mean_c") for s in every_site),
            profile="temperature",
        ),
        Group(
            "time-of-use spread",
            "spread of the time-of-use multipliers around 1",
            tuple(
                ("Profiles", "price", k)
                for k in ("peak_multiplier", "valley_multiplier", "midday_valley_share")
            ),
            profile="price",
        ),
    ]
    return out


def _hardware_groups(case) -> list[Group]:
    """The chip inputs (Hardware sheet, Cooling max rack density): per accelerator family its
    compute, power, price and supply; every family's rack density and life; the cooling
    technologies' rack limits. Not varied (zero effect by construction): a family with supply 0
    (it cannot be installed) and the general-purpose row (MW classes are sized per MW)."""
    hardware = _hardware(case)
    if hardware is None or len(hardware) == 0:
        return []
    usable = [
        str(f)
        for f, row in hardware.iterrows()
        if row["kind"] == "accelerator" and not (pd.notna(row["supply"]) and row["supply"] == 0)
    ]
    out: list[Group] = []
    for family in usable:
        out += [
            Group(
                f"compute {family}",
                f"dense BF16 PFLOPS per {family} server",
                (("Hardware", family, "pflops_per_server"),),
            ),
            Group(
                f"power {family}",
                f"kW per {family} server",
                (("Hardware", family, "kw_per_server"),),
            ),
            Group(
                f"server capex {family}",
                f"price of a {family} server, M yuan",
                (("Hardware", family, "capex_myuan_per_server"),),
            ),
        ]
        if pd.notna(hardware.loc[family, "supply"]):
            out.append(
                Group(
                    f"supply {family}",
                    f"{family} servers available to the plan",
                    (("Hardware", family, "supply"),),
                )
            )
    out += [
        Group(
            "rack density",
            "kW per rack, every accelerator family",
            tuple(("Hardware", f, "rack_kw") for f in usable),
        ),
        Group(
            "server lives",
            "life of the servers, every accelerator family",
            tuple(("Hardware", f, "server_life_yr") for f in usable),
        ),
    ]
    limits = case.cooling.dropna(subset=["max_rack_kw"])
    out.append(
        Group(
            "cooling rack limits",
            "max rack density of every cooling technology, kW/rack",
            tuple(
                ("Cooling", f"{t}/{_id(a)}", "max_rack_kw")
                for t, a in zip(limits["cooling"], limits["ambient_c"], strict=True)
            ),
        )
    )
    return out


def _hardware(case) -> pd.DataFrame | None:
    """The validated Hardware sheet indexed by family, or None (a plug-in sheet: `case.extra`)."""
    frame = case.extra.get("Hardware")
    if frame is None:
        return None
    return frame.set_index("family")


def _line_groups(case) -> list[Group]:
    """Power lines (issue 15): the existing lines' capacity open to data centres, tariffs and
    loss shares, and the candidate lines' capex and loss per 1,000 km; none without lines."""
    lines = case.extra.get("Lines")
    if lines is None or lines.empty:
        return []
    ids = [str(x) for x in lines["line"]]
    existing = [i for i, mw in zip(ids, lines["existing_mw"], strict=True) if float(mw) > 0]
    new = [i for i, mw in zip(ids, lines["max_new_mw"], strict=True) if float(mw) > 0]
    given = pd.to_numeric(lines["loss_share"], errors="coerce").notna().tolist()

    def cells(column: str, which: Sequence[str]) -> tuple[Cell, ...]:
        return tuple(("Lines", i, column) for i in which)

    out = [
        Group(
            "line capacity open",
            "existing line MW open to data centres",
            cells("existing_mw", existing),
        ),
        Group(
            "line tariffs",
            "tariff of the existing lines, yuan/kWh",
            cells("tariff_yuan_per_kwh", existing),
        ),
        Group(
            "line capex",
            "capex of the candidate lines, M yuan/(MW*km)",
            cells("capex_myuan_per_mw_km", new),
        ),
        Group(
            "line losses",
            "line loss share, or loss per 1,000 km where the share is blank",
            cells("loss_share", [i for i, g in zip(ids, given, strict=True) if g])
            + cells("loss_per_1000km", [i for i, g in zip(ids, given, strict=True) if not g]),
        ),
    ]
    return [g for g in out if g.cells]


def _id(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() else str(number)


# ----------------------------------------------------------------------------- one move


def _cell_values(case) -> Callable[[Cell], float]:
    """The baseline value of a cell, read from the validated case."""

    def value(cell: Cell) -> float:
        sheet, row, column = cell
        if sheet in ("Settings", "Policy"):
            source = case.settings if sheet == "Settings" else case.policy
            return float(source[row])
        if sheet == "Sites":
            return float(case.sites.loc[row, column])
        if sheet == "Technologies":
            return float(case.technologies.loc[row, column])
        if sheet == "Classes":
            return float(case.classes.loc[row, column])
        if sheet == "Hardware":
            return float(_hardware(case).loc[row, column])
        if sheet == "Vouchers":
            return float(case.vouchers.loc[row, column])
        if sheet == "Cooling":
            tech, ambient = row.split("/")
            frame = case.cooling
            hit = frame[(frame["cooling"] == tech) & (frame["ambient_c"] == float(ambient))]
            return float(hit[column].iloc[0])
        if sheet == "Lines":
            frame = case.extra["Lines"]
            return float(frame.loc[frame["line"].astype(str) == row, column].iloc[0])
        if sheet == "Demand":
            region, cls = row.split("/")
            frame = case.demand
            hit = frame[(frame["region"] == region) & (frame["workload_class"] == cls)]
            return float(hit[column].iloc[0])
        raise KeyError(cell)

    return value


def _profiles(payload: CasePayload, group: Group, factor: float) -> dict[str, pd.DataFrame]:
    """The payload's hourly profiles with `group`'s series moved by `factor`."""
    profiles = dict(payload.profiles)
    frame = profiles[group.profile].copy()
    columns = [c for c in frame.columns if c != "hour"]
    values = frame[columns].to_numpy(dtype=float)
    if group.profile in ("pv", "wind"):
        values = np.clip(values * factor, 0.0, 1.0)
    elif group.profile == "temperature":
        values = values + (factor - 1.0) * values.mean(axis=0)
    elif group.profile == "price":
        values = 1.0 + (values - 1.0) * factor
    else:
        raise ValueError(group.profile)
    frame[columns] = values
    profiles[group.profile] = frame
    return profiles


def neutral_point(index: int, value_of: Callable[[Cell], float]) -> Point:
    """A point that changes nothing (the carbon price set to its own value): the baseline, and
    the carrier of a profile group, whose change travels in the payload's hourly profiles."""
    carbon = ("Settings", "carbon_price", "value")
    return Point(index, (("carbon_price", Parameter(*carbon), value_of(carbon)),))


def run_group(
    payload: CasePayload,
    group: Group,
    factor: float,
    value_of: Callable[[Cell], float],
    options: SweepOptions,
    index: int,
) -> dict:
    """Solve the case with `group` moved by `factor`; the summary figures of the point."""
    if group.profile is not None:
        tag = f"|{group.name}x{factor:g}"
        payload = replace(
            payload,
            profiles=_profiles(payload, group, factor),
            fingerprint=payload.fingerprint + tag,
        )
        point = neutral_point(index, value_of)
        tried = f"x{factor:g}"
    else:
        settings = []
        for sheet, row, column in group.cells:
            new = moved(value_of((sheet, row, column)), group.how, factor)
            parameter = Parameter(sheet, row, column)
            if parameter.spec.dtype == "int":
                new = round(new)
            settings.append((f"{sheet}.{row}.{column}", parameter, new))
        point = Point(index, tuple(settings))
        if len(settings) == 1:
            tried = f"{settings[0][2]:.6g}"
        else:
            tried = f"x{factor:g}" if group.how == "scale" else f"{group.how} x{factor:g}"
    outcome = run_point(payload, point, options)
    row = {"status": outcome.status, "reason": outcome.reason, "tried": tried}
    results = outcome.solved.results if outcome.solved is not None else None
    if results is not None:
        row.update(figures(results))
    return row


def figures(results) -> dict:
    """The figures a ranking row reports from one solved point."""
    summary = results.summary
    sites = results.sites
    return {
        "objective_myuan": summary["objective_myuan"],
        "west_share": summary["west_share"],
        "emissions_t": summary["emissions_t"],
        "unserved_mw": summary["unserved_mw"],
        "it_air_mw": float(sites["it_capacity_air_mw"].sum()),
        "it_cold_plate_mw": float(sites["it_capacity_cold_plate_mw"].sum()),
        "it_immersion_mw": float(sites["it_capacity_immersion_mw"].sum()),
        "pv_mw": summary["pv_mw"],
        "wind_mw": summary["wind_mw"],
        "battery_mwh": summary["battery_mwh"],
    }


def effects(base: dict, row: dict) -> tuple[float, float, float] | None:
    """(cost %, west share pp, emissions %) of a point against the baseline; None if the
    point has no solution."""
    if "objective_myuan" not in row:
        return None
    cost = 100.0 * (row["objective_myuan"] / base["objective_myuan"] - 1.0)
    west = 100.0 * (row["west_share"] - base["west_share"])
    emissions = 100.0 * (row["emissions_t"] / base["emissions_t"] - 1.0)
    return cost, west, emissions


def influence(low: tuple | None, high: tuple | None, unserved: bool) -> float:
    """Largest absolute effect of the two moves; infinite when a move has no solution or leaves
    demand unserved (such a group ranks first)."""
    if low is None or high is None or unserved:
        return math.inf
    return max(abs(x) for x in (*low, *high))


def rank(
    case_path: Path = CASE,
    only: str | None = None,
    out: Path = RANKING_CSV,
    report: Callable[[str], None] = print,
) -> pd.DataFrame:
    """Run the ranking; write `out` (CSV) and return the table, most influential first."""
    raw = read_tables(case_path)
    case = build_case(raw, case_base_dir(case_path), case_path.stem)
    payload = CasePayload.from_case(raw, case)
    options = SweepOptions(time=None, explain=False)
    value_of = _cell_values(case)
    chosen = [g for g in groups(case) if only is None or only.lower() in g.name.lower()]
    started = time.perf_counter()
    base_outcome = run_point(payload, neutral_point(0, value_of), options)
    if base_outcome.solved is None or base_outcome.solved.results is None:
        raise SystemExit(f"the baseline does not solve: {base_outcome.reason}")
    base = figures(base_outcome.solved.results)
    report(
        f"baseline: cost {base['objective_myuan']:,.1f} M yuan/yr, west share "
        f"{base['west_share']:.3f}, emissions {base['emissions_t'] / 1e3:,.1f} kt"
    )
    rows = [{"group": "(baseline)", "what": "the case as shipped", **base}]
    index = 1
    for group in chosen:
        result = {}
        for label, factor in (("low", 1.0 - STEP), ("high", 1.0 + STEP)):
            result[label] = run_group(payload, group, factor, value_of, options, index)
            index += 1
        low = effects(base, result["low"])
        high = effects(base, result["high"])
        unserved = any(result[k].get("unserved_mw", 0.0) > 1e-6 for k in ("low", "high"))
        row = {
            "group": group.name,
            "what": group.what,
            "move": group.how if group.profile is None else f"profile:{group.profile}",
            "cells": len(group.cells),
            "sources_keys": ";".join("|".join(c) for c in group.cells),
            "tried_low": result["low"]["tried"],
            "tried_high": result["high"]["tried"],
            "status_low": result["low"]["status"],
            "status_high": result["high"]["status"],
            "influence": influence(low, high, unserved),
        }
        for label, eff in (("low", low), ("high", high)):
            for name, value in zip(
                ("cost_pct", "west_pp", "emissions_pct"), eff or (None,) * 3, strict=True
            ):
                row[f"{name}_{label}"] = value
            for key in (
                "it_air_mw",
                "it_cold_plate_mw",
                "it_immersion_mw",
                "pv_mw",
                "wind_mw",
                "battery_mwh",
                "unserved_mw",
            ):
                row[f"{key}_{label}"] = result[label].get(key)
        rows.append(row)
        report(
            f"{group.name}: influence {row['influence']:.2f} "
            f"({time.perf_counter() - started:.0f} s)"
        )
    table = pd.DataFrame(rows[1:])
    table = table.sort_values("influence", ascending=False, kind="stable").reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    baseline = pd.DataFrame(rows[:1])
    baseline.insert(0, "rank", 0)
    full = pd.concat([baseline, table], ignore_index=True)
    if only is None:
        out.parent.mkdir(parents=True, exist_ok=True)
        full.round(6).to_csv(out, index=False, lineterminator="\n")
    report(f"{len(chosen)} groups in {time.perf_counter() - started:.0f} s")
    return full


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", type=Path, default=CASE, help="workbook or CSV folder")
    parser.add_argument(
        "--only", default=None, help="run only groups whose name contains this (no files written)"
    )
    parser.add_argument("--out", type=Path, default=RANKING_CSV, help="ranking CSV")
    parser.add_argument(
        "--no-docs", action="store_true", help="do not re-render docs/data.md afterwards"
    )
    args = parser.parse_args(argv)
    table = rank(args.case, args.only, args.out)
    if args.only is not None:
        print(table.to_string())
        return 0
    if not args.no_docs:
        import importlib.util

        spec = importlib.util.spec_from_file_location(
            "make_default_case", ROOT / "scripts" / "make_default_case.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        docs = ROOT / "docs" / "data.md"
        docs.write_text(module.render_docs(module.build_case()), encoding="utf-8")
        print(f"wrote {args.out} and {docs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
