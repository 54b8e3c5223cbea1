"""`dcplan template DIR --example`: a small case that validates and runs as written.

One demand region (the Yangtze River Delta, Shanghai) and two candidate sites, the Wuhu hub
cluster (east, near) and Zhongwei (west, far, cheaper power, more sun and wind), with two
workload classes: latency-bound `interactive` (≤ 20 ms round trip, so it stays east) and
shiftable `batch` (free to go west). Technologies, cooling curves, settings and tariffs are the
default case's; the profiles come from the seeded generator (`planner.profiles`, pvlib solar
geometry) with the default case's parameters for these two sites. The numbers are there to be
replaced: the case is a starting point, not data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.profiles import PARAMETER_COLUMNS, generate_profiles
from planner.synthetic import case_tables, write_case

EXAMPLE_NAME = "example.xlsx"
# Generator parameters of the two sites (rows of inputs/profiles/parameters.csv).
PARAMETERS = pd.DataFrame(
    [
        ("wuhu", 31.3, 118.4, 16.3, 12.5, 3.5, 0.125, 0.22, "standard"),
        ("zhongwei", 37.5, 105.2, 8.8, 14.5, 6.5, 0.177, 0.26, "standard"),
    ],
    columns=list(PARAMETER_COLUMNS),
)


def example_tables():
    """Raw tables and hourly profiles of the example case."""
    generated = generate_profiles(PARAMETERS)
    profiles = {
        name: generated[name].drop(columns="hour")
        for name in ("temperature", "pv", "wind", "price")
    }
    site = {"grid_max": 1000.0, "pue_cap": 1.3}
    return case_tables(
        regions=[{"region": "yrd", "lat": 31.2, "lon": 121.5}],
        sites=[
            {
                "site": "wuhu",
                "zone": "east",
                "lat": 31.3,
                "lon": 118.4,
                "max_it": 300.0,
                "pv_max": 50.0,
                "wind_max": 0.0,
                "grid_price": 0.62,
                "emission_factor": 0.5703,
                **site,
            },
            {
                "site": "zhongwei",
                "zone": "west",
                "lat": 37.5,
                "lon": 105.2,
                "max_it": 500.0,
                "pv_max": 600.0,
                "wind_max": 400.0,
                "grid_price": 0.36,
                "emission_factor": 0.5703,
                **site,
            },
        ],
        classes=[
            {"workload_class": "interactive", "max_rtt": 20.0, "bandwidth": 1.0},
            {"workload_class": "batch", "flexibility": "shiftable", "bandwidth": 0.2},
        ],
        demand={("yrd", "interactive"): 60.0, ("yrd", "batch"): 140.0},
        settings={"time": "typical:4"},
        temperature={s: profiles["temperature"][s].to_numpy() for s in PARAMETERS["site"]},
        pv={s: profiles["pv"][s].to_numpy() for s in PARAMETERS["site"]},
        wind={s: profiles["wind"][s].to_numpy() for s in PARAMETERS["site"]},
        price={s: profiles["price"][s].to_numpy() for s in PARAMETERS["site"]},
    )


def write_example(folder: Path | str, name: str = EXAMPLE_NAME, overwrite: bool = False) -> Path:
    """Write the example workbook `folder/name` and its profiles in `folder/profiles/`.

    Raises FileExistsError when the workbook or a profile file exists and `overwrite` is
    False (nothing is written then)."""
    folder = Path(folder)
    path = folder / name
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{name}: the example is an .xlsx workbook")
    raw, profiles = example_tables()
    targets = [path, *(folder / "profiles" / f"{p}.csv" for p in profiles)]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not overwrite:
        raise FileExistsError(f"{', '.join(existing)} exist(s); use --overwrite to replace")
    folder.mkdir(parents=True, exist_ok=True)
    return write_case(raw, profiles, path)
