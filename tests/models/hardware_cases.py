"""Small cases with a Hardware sheet and demand in PFLOPS, built in code (tests only)."""

from __future__ import annotations

from planner import synthetic
from planner.inputs.case import Case, build_case

MAX_RACK_HEADER = "max_rack_density [kW/rack]"


def family(
    name: str,
    origin: str,
    pflops: float,
    kw: float,
    rack_kw: float,
    capex: float,
    life: float = 5.0,
    classes: str = "train",
    supply: float | None = None,
) -> dict:
    """A Hardware row of an accelerator family (PFLOPS and kW per server, kW per rack,
    M yuan per server, years; supply in servers, None = unlimited)."""
    return {
        "family": name,
        "kind": "accelerator",
        "origin": origin,
        "pflops_per_server": pflops,
        "kw_per_server": kw,
        "rack_kw": rack_kw,
        "capex_per_server": capex,
        "life": life,
        "supply": supply,
        "classes": classes,
    }


def hardware_tables(
    families: list[dict],
    demand: dict[tuple[str, str], tuple[float, str]],
    max_rack: dict[str, float] | None = None,
    **kw,
):
    """`synthetic.case_tables(**kw)` with demand {(region, class): (value, unit)}, the given
    Hardware rows and Cooling max rack densities {cooling: kW/rack}."""
    raw, profiles = synthetic.case_tables(demand={k: v for k, (v, _) in demand.items()}, **kw)
    raw["Demand"] = synthetic.table(
        "Demand",
        [
            {"region": r, "workload_class": w, "demand": v, "unit": unit}
            for (r, w), (v, unit) in demand.items()
        ],
    )
    raw["Hardware"] = synthetic.table("Hardware", families)
    cooling = raw["Cooling"]
    for tech, limit in (max_rack or {}).items():
        cooling.loc[cooling["cooling"] == tech, MAX_RACK_HEADER] = limit
    return raw, profiles


def hardware_case(name: str, families: list[dict], demand, **kw) -> Case:
    raw, profiles = hardware_tables(families, demand, **kw)
    return build_case(raw, None, name, profiles=profiles)


def every_hardware_option(share: float | None = 0.7, supply_servers: float = 400.0) -> Case:
    """Two sites (east near, west far and cheap), a fixed and a shiftable PFLOPS class and an
    MW class, an imported family with a capped supply in dense racks and a domestic one, a
    domestic share, a voucher with a higher domestic rate and a domestic power discount in
    the west: every component of the hardware block is built. The domestic share binds
    (share 0.7) or, without it, the imported family's supply (40 servers)."""
    return hardware_case(
        "hardware_options",
        [
            family(
                "h100",
                "imported",
                7.9,
                10.2,
                41.0,
                1.8,
                supply=supply_servers,
                classes="infer,train",
            ),
            family("ascend", "domestic", 6.4, 11.9, 35.0, 1.7, classes="infer,train"),
        ],
        {
            ("r1", "infer"): (300.0, "PFLOPS"),
            ("r1", "train"): (900.0, "PFLOPS"),
            ("r1", "web"): (20.0, "MW"),
        },
        max_rack={"air": 30.0, "cold_plate": 140.0, "immersion": 250.0},
        regions=[{"region": "r1", "lat": 31.2, "lon": 121.5}],
        sites=[
            {"site": "east", "grid_price": 0.7},
            {
                "site": "west",
                "zone": "west",
                "lat": 37.5,
                "lon": 105.2,
                "grid_price": 0.36,
                "domestic_power_discount": 0.3,
            },
        ],
        classes=[
            {"workload_class": "infer", "max_rtt": 5.0, "bandwidth": 0.5},
            {"workload_class": "train", "flexibility": "shiftable", "bandwidth": 0.2},
            {"workload_class": "web", "bandwidth": 1.0},
        ],
        vouchers=[
            {
                "voucher": "v1",
                "issuer_region": "r1",
                "budget": 100.0,
                "rate": 0.01,
                "domestic_rate": 0.02,
                "compute_price": 20000.0,
                "eligible_sites": "west",
            }
        ],
        policy={"domestic_share_min": share},
        wind=0.0,
    )
