"""The one schema of the input workbook: sheets, columns, units, types, ranges, references.

Everything that reads, validates, documents or templates a case uses this module, so the
input reference (`docs/inputs.md`) is generated from it and cannot drift.

Each table sheet has a header row whose cells read `name [unit]` (or `name` when the column has
no unit). Internally the column is called by its `name` field, which carries the unit in words
(`max_it_mw`). Key-value sheets (`Settings`, `Policy`) have the columns key, value, unit, note,
and their keys are declared here as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Dtype = Literal["str", "float", "int", "bool"]


@dataclass(frozen=True)
class Column:
    """One column of a table sheet.

    name: internal name (snake case, unit in words). label: header text before the unit.
    unit: unit shown in brackets in the header ('' for none). ref: 'Sheet' whose key this
    column must name (or 'Sheet:kind=value' to restrict to rows of one kind). list_ref: the cell
    holds a comma-separated list of ids of that sheet. min/max: the hard validity range (outside
    it: an error). plausible: (low, high) of values a real case holds, in the column's unit
    (None: open end); outside it `validate` and `run` warn (a unit slip such as yuan/MWh for
    yuan/kWh) and the report lists the warning under Assumptions.
    """

    name: str
    label: str
    unit: str = ""
    dtype: Dtype = "float"
    required: bool = True
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    plausible: tuple[float | None, float | None] | None = None
    choices: tuple[str, ...] | None = None
    ref: str | None = None
    list_ref: str | None = None
    default: object = None
    doc: str = ""
    example: object = None

    @property
    def header(self) -> str:
        return f"{self.label} [{self.unit}]" if self.unit else self.label


@dataclass(frozen=True)
class Key:
    """One key of a key-value sheet (Settings, Policy). Blank value means `default`.
    min/max and plausible as for `Column`."""

    name: str
    unit: str = ""
    dtype: Dtype = "float"
    default: object = None
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    plausible: tuple[float | None, float | None] | None = None
    choices: tuple[str, ...] | None = None
    doc: str = ""


@dataclass(frozen=True)
class Sheet:
    """One sheet. kind 'table' has `columns` and a primary `key` (tuple of column names);
    kind 'keyvalue' has `keys`."""

    name: str
    kind: Literal["table", "keyvalue"]
    doc: str
    columns: tuple[Column, ...] = ()
    key: tuple[str, ...] = ()
    keys: tuple[Key, ...] = ()
    required: bool = True

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def by_header(self) -> dict[str, Column]:
        return {c.header: c for c in self.columns}


KEYVALUE_COLUMNS = ("key", "value", "unit", "note")
COOLING_KIND = "facility"
PROFILE_NAMES = ("temperature", "pv", "wind", "price", "demand")
# Technologies kinds of variable renewables. pv and wind: capacity factor profile pv / wind
# unless the row names another, potential in Sites pv_max / wind_max, at most one row each.
# renewable: any other generator driven by a profile (small hydro, a green power purchase),
# its profile named in the row, its potential per site in sheet Potentials; any number of rows.
RENEWABLE_KINDS = ("pv", "wind", "renewable")
STANDARD_RENEWABLES = ("pv", "wind")
# Profiles a case may list, not needed: grid_clean, the grid's hourly clean share per site
# (0..1; generated from the emission factor when absent, planner/grid_clean.py).
OPTIONAL_PROFILE_NAMES = ("grid_clean",)
# profiles that are not capacity factors: a renewable cannot name them
NON_CF_PROFILES = ("temperature", "price", "demand", *OPTIONAL_PROFILE_NAMES)
HOURS_PER_YEAR = 8760
DEMAND_UNITS = ("MW", "PFLOPS")
HARDWARE_KINDS = ("accelerator", "general_purpose")
HARDWARE_ORIGINS = ("imported", "domestic")
SPEED_OF_LIGHT_KM_PER_MS = 299.792458  # in vacuum: no signal in fibre is faster

SETTINGS = Sheet(
    "Settings",
    "keyvalue",
    "Model-wide settings: finance, prices, network formula, battery, options.",
    keys=(
        Key(
            "discount_rate",
            "share",
            default=0.07,
            min=0,
            max=1,
            doc="Real discount rate.",
            plausible=(0, 0.25),
        ),
        Key(
            "carbon_price",
            "yuan/t",
            default=95.0,
            min=0,
            doc="Price on grid CO2 emissions.",
            plausible=(0, 2000),
        ),
        Key(
            "unserved_penalty",
            "yuan/MWh",
            default=100_000.0,
            min=0,
            doc="Cost of each MWh of IT demand not served (only with allow_unserved).",
            plausible=(1000, 10000000.0),
        ),
        Key(
            "allow_unserved",
            "bool",
            "bool",
            default=False,
            doc="If true, demand may go unserved at the penalty; if false, demand is hard.",
        ),
        Key(
            "usable_share",
            "share",
            default=0.85,
            min=0,
            max=1,
            min_exclusive=True,
            doc="Share of installed IT capacity usable in any hour (redundancy, headroom).",
            plausible=(0.5, 1),
        ),
        Key(
            "battery_round_trip_efficiency",
            "share",
            default=0.88,
            min=0,
            max=1,
            min_exclusive=True,
            doc="Split evenly (square root) into charge and discharge.",
            plausible=(0.6, 1),
        ),
        Key(
            "battery_wear_cost",
            "yuan/MWh",
            default=30.0,
            min=0,
            doc="Wear cost per MWh discharged.",
            plausible=(0, 1000),
        ),
        Key(
            "rtt_route_factor",
            "-",
            default=1.4,
            min=1,
            doc="Fibre route length / great circle.",
            plausible=(1, 3),
        ),
        Key(
            "fibre_speed",
            "km/ms",
            default=200.0,
            min=0,
            max=SPEED_OF_LIGHT_KM_PER_MS,
            min_exclusive=True,
            doc="Signal speed in fibre.",
            plausible=(150, 250),
        ),
        Key(
            "rtt_equipment",
            "ms",
            default=2.0,
            min=0,
            doc="Fixed equipment delay per round trip.",
            plausible=(0, 50),
        ),
        Key(
            "bandwidth_cost",
            "M yuan/(Gbps*yr*100 km)",
            default=0.05,
            min=0,
            doc="Long-haul bandwidth cost per Gbps-year per 100 km of route.",
            plausible=(0, 10),
        ),
        Key(
            "tou_energy_share",
            "share",
            default=0.65,
            min=0,
            max=1,
            doc="Share of the grid tariff that follows the time-of-use multiplier.",
            plausible=(0.2, 1),
        ),
        Key(
            "time",
            "",
            "str",
            default="typical:8",
            doc="Default time resolution: full or typical:N (N representative days).",
        ),
        Key(
            "module_size",
            "MW",
            default=20.0,
            min=0,
            min_exclusive=True,
            doc="IT module size in MILP mode.",
            plausible=(1, 500),
        ),
        Key(
            "year",
            "",
            "int",
            default=2030,
            min=1900,
            max=2100,
            doc="Calendar year of the hourly profiles (8760 h).",
            plausible=(2000, 2070),
        ),
    ),
)

POLICY = Sheet(
    "Policy",
    "keyvalue",
    "Policy caps and targets; a blank value switches the policy off.",
    keys=(
        Key(
            "carbon_cap",
            "t/yr",
            default=None,
            min=0,
            doc="Cap on total grid emissions.",
            plausible=(0, 500000000.0),
        ),
        Key(
            "green_share_min",
            "share",
            default=None,
            min=0,
            max=1,
            doc="Minimum share of facility energy from own PV/wind (plus GEC).",
            plausible=(0, 1),
        ),
        Key(
            "green_share_scope",
            "",
            "str",
            default="overall",
            choices=("overall", "site"),
            doc="Apply green_share_min to the whole plan or to each site.",
        ),
        Key(
            "min_utilisation",
            "share",
            default=None,
            min=0,
            max=1,
            doc="Minimum annual IT energy / (8760 h x installed IT capacity), per site.",
            plausible=(0, 1),
        ),
        Key(
            "gec_price",
            "yuan/MWh",
            default=None,
            min=0,
            doc="Green electricity certificate price; blank = certificates not available.",
            plausible=(0, 300),
        ),
        Key(
            "cfe_min",
            "share",
            default=None,
            min=0,
            max=1,
            doc="Minimum hourly-matched carbon-free share (24/7 CFE score) of facility energy: "
            "own PV/wind used + battery net + grid imports x the grid's hourly clean share.",
            plausible=(0, 1),
        ),
        Key(
            "ppa_premium",
            "yuan/MWh",
            default=None,
            min=0,
            doc="Green power trading contract (绿电交易) premium over the site's grid tariff; "
            "blank = no contracts. Contracted energy follows ppa_profile hour by hour.",
            plausible=(0, 200),
        ),
        Key(
            "ppa_profile",
            "",
            "str",
            default="wind",
            choices=("wind", "pv"),
            doc="The plant a contract buys from: the site's own wind or PV profile.",
        ),
        Key(
            "cfe_scope",
            "",
            "str",
            default="overall",
            choices=("overall", "site"),
            doc="Apply cfe_min to the whole plan or to each site.",
        ),
        Key(
            "domestic_share_min",
            "share",
            default=None,
            min=0,
            max=1,
            doc="Minimum share of installed accelerator PFLOPS that is of domestic origin "
            "(sheet Hardware); blank = no mandate.",
            plausible=(0, 1),
        ),
        Key(
            "domestic_share_scope",
            "",
            "str",
            default="overall",
            choices=("overall", "zone"),
            doc="Apply domestic_share_min to the whole plan or to each zone's accelerators.",
        ),
    ),
)


def _lat_lon(example: tuple[float, float], of: str = "") -> tuple[Column, Column]:
    """Columns lat and lon [deg] (valid on Earth, plausible within China) with their example
    values; `of` names the point ("Latitude{of} (north positive).")."""
    return (
        Column(
            "lat",
            "lat",
            "deg",
            min=-90,
            max=90,
            example=example[0],
            doc=f"Latitude{of} (north positive).",
            plausible=(15, 55),
        ),
        Column(
            "lon",
            "lon",
            "deg",
            min=-180,
            max=180,
            example=example[1],
            doc=f"Longitude{of} (east positive).",
            plausible=(70, 140),
        ),
    )


REGIONS = Sheet(
    "Regions",
    "table",
    "Demand regions (where compute is consumed), with centroids for latency.",
    key=("region",),
    columns=(
        Column("region", "region", dtype="str", doc="Region id (snake case).", example="yrd"),
        Column(
            "name",
            "name",
            dtype="str",
            required=False,
            default="",
            example="Shanghai",
            doc="Display name.",
        ),
        *_lat_lon((31.2, 121.5), " of the region's centroid"),
    ),
)

SITES = Sheet(
    "Sites",
    "table",
    "Candidate data-centre sites (supply nodes) and their grid, climate-independent limits.",
    key=("site",),
    columns=(
        Column("site", "site", dtype="str", doc="Site id (snake case).", example="zhongwei"),
        Column(
            "name",
            "name",
            dtype="str",
            required=False,
            default="",
            example="Zhongwei",
            doc="Display name.",
        ),
        Column(
            "hub",
            "hub",
            dtype="str",
            required=False,
            default="",
            example="Ningxia",
            doc="National computing hub the site belongs to.",
        ),
        Column(
            "province",
            "province",
            dtype="str",
            required=False,
            default="",
            example="Ningxia",
            doc="Province.",
        ),
        Column(
            "zone",
            "zone",
            dtype="str",
            choices=("east", "west", "central"),
            example="west",
            doc="east, west or central: used in summaries (share of compute served in the west).",
        ),
        *_lat_lon((37.5, 105.2)),
        Column(
            "max_it_mw",
            "max_it",
            "MW",
            min=0,
            doc="Buildable IT capacity.",
            example=1500,
            plausible=(0, 10000),
        ),
        Column(
            "grid_max_mw",
            "grid_max",
            "MW",
            min=0,
            doc="Grid connection limit.",
            example=2400,
            plausible=(0, 50000),
        ),
        Column(
            "pue_cap",
            "pue_cap",
            "-",
            min=1,
            doc="Annual PUE cap.",
            example=1.2,
            plausible=(1.0, 2.0),
        ),
        Column(
            "water_cap_m3",
            "water_cap",
            "m3/yr",
            required=False,
            min=0,
            doc="Annual water cap; blank = no cap.",
            example=None,
            plausible=(0, 100000000.0),
        ),
        Column(
            "pv_max_mw",
            "pv_max",
            "MW",
            min=0,
            doc="PV potential.",
            example=5000,
            plausible=(0, 100000),
        ),
        Column(
            "wind_max_mw",
            "wind_max",
            "MW",
            min=0,
            doc="Wind potential.",
            example=5000,
            plausible=(0, 100000),
        ),
        Column(
            "grid_price_yuan_per_kwh",
            "grid_price",
            "yuan/kWh",
            min=0,
            doc="Average grid tariff (time of use applied to its energy share).",
            example=0.36,
            plausible=(0.2, 1.5),
        ),
        Column(
            "emission_factor_t_per_mwh",
            "emission_factor",
            "t/MWh",
            min=0,
            max=2,
            doc="Grid CO2 emission factor.",
            example=0.6187,
            plausible=(0, 1.2),
        ),
        Column(
            "grid_clean_share",
            "grid_clean_share",
            "share",
            required=False,
            min=0,
            max=1,
            doc="Annual clean (non-fossil) share of the provincial grid's generation mix; it "
            "sets the mean of the grid's hourly clean share (planner/grid_clean.py, 24/7 "
            "CFE); blank = derived from the emission factor. A `grid_clean` profile replaces "
            "both.",
            example=0.3,
            plausible=(0, 1),
        ),
        Column(
            "open_cost_myuan_per_yr",
            "open_cost",
            "M yuan/yr",
            required=False,
            min=0,
            default=0.0,
            doc="Annualised fixed cost of opening the site (MILP mode).",
            example=0,
            plausible=(0, 10000),
        ),
        Column(
            "domestic_power_discount",
            "domestic_power_discount",
            "share",
            required=False,
            min=0,
            max=1,
            default=0.0,
            doc="Cut of the grid bill for the energy of domestic accelerators (sheet Hardware) "
            "at the site, as some western hubs grant; blank = none.",
            example=0,
            plausible=(0, 1),
        ),
    ),
)

CLASSES = Sheet(
    "Classes",
    "table",
    "Workload classes: latency limit, flexibility, bandwidth and load shape.",
    key=("workload_class",),
    columns=(
        Column(
            "workload_class",
            "workload_class",
            dtype="str",
            example="interactive",
            doc="Class id (snake case).",
        ),
        Column(
            "max_rtt_ms",
            "max_rtt",
            "ms",
            required=False,
            min=0,
            min_exclusive=True,
            doc="Round-trip latency limit; blank = no limit.",
            example=30,
            plausible=(1, 500),
        ),
        Column(
            "flexibility",
            "flexibility",
            dtype="str",
            choices=("fixed", "shiftable"),
            doc="fixed: follows its shape; shiftable: any hour, daily energy kept.",
            example="fixed",
        ),
        Column(
            "shape",
            "shape",
            dtype="str",
            required=False,
            default="flat",
            doc="Column of the demand profile giving the hourly shape (mean 1); 'flat' = constant.",
            example="flat",
        ),
        Column(
            "bandwidth_gbps_per_mw",
            "bandwidth",
            "Gbps/MW",
            min=0,
            doc="Network bandwidth needed per MW of IT served remotely.",
            example=1.0,
            plausible=(0, 100),
        ),
    ),
)

DEMAND = Sheet(
    "Demand",
    "table",
    "Compute demand per region and class, annual average MW of IT load.",
    key=("region", "workload_class"),
    columns=(
        Column(
            "region",
            "region",
            dtype="str",
            ref="Regions",
            example="yrd",
            doc="Region consuming the compute.",
        ),
        Column(
            "workload_class",
            "workload_class",
            dtype="str",
            ref="Classes",
            example="interactive",
            doc="Workload class of the demand.",
        ),
        Column(
            "demand_mw",
            "demand",
            "MW",
            min=0,
            example=150,
            doc="Annual average IT load (MW), or sustained dense BF16 compute (PFLOPS) when "
            "the row's unit is PFLOPS.",
            plausible=(0, 1000000.0),
        ),
        Column(
            "unit",
            "unit",
            dtype="str",
            required=False,
            default="MW",
            choices=DEMAND_UNITS,
            example="MW",
            doc="Unit of the demand value: MW of IT (as served by general-purpose servers) or "
            "PFLOPS of sustained dense compute (served by the accelerator families of sheet "
            "Hardware). All rows of one class share one unit.",
        ),
    ),
)

TECHNOLOGIES = Sheet(
    "Technologies",
    "table",
    "Cost and life of each technology; facility rows are the cooling technologies.",
    key=("technology",),
    columns=(
        Column(
            "technology",
            "technology",
            dtype="str",
            example="cold_plate",
            doc="Technology id (snake case).",
        ),
        Column(
            "kind",
            "kind",
            dtype="str",
            choices=("facility", "pv", "wind", "renewable", "battery_energy", "battery_power"),
            example="facility",
            doc="facility (a cooling technology, with a curve in Cooling), pv, wind, "
            "renewable (any other generator following an hourly profile: small hydro, a green "
            "power purchase; potential per site in sheet Potentials), battery_energy or "
            "battery_power; at most one row of each kind but facility and renewable.",
        ),
        Column(
            "capex_myuan_per_unit",
            "capex",
            "M yuan/unit",
            min=0,
            doc="Investment cost per unit (MW IT for facility, MW for pv/wind/"
            "battery_power, MWh for battery_energy).",
            example=54.0,
            plausible=(0, 1000),
        ),
        Column(
            "fixed_om_share",
            "fixed_om",
            "share/yr",
            min=0,
            max=1,
            doc="Fixed O&M per year as share of capex.",
            example=0.02,
            plausible=(0, 0.2),
        ),
        Column(
            "life_yr",
            "life",
            "yr",
            min=0,
            min_exclusive=True,
            example=20,
            doc="Economic life for the annuity.",
            plausible=(1, 60),
        ),
        Column(
            "available",
            "available",
            "bool",
            dtype="bool",
            required=False,
            default=True,
            doc="false removes the technology from the plan.",
            example=True,
        ),
        Column(
            "profile",
            "profile",
            dtype="str",
            required=False,
            default="",
            example="",
            doc="Renewables only: the profile (a name in sheet Profiles) giving the hourly "
            "capacity factor per site; blank = pv or wind for those kinds; needed for kind "
            "renewable.",
        ),
    ),
)

POTENTIALS = Sheet(
    "Potentials",
    "table",
    "Buildable capacity of each renewable technology (kind renewable) per site; a site not "
    "listed has none. PV and wind potentials are the Sites columns pv_max and wind_max.",
    required=False,
    key=("site", "technology"),
    columns=(
        Column(
            "site",
            "site",
            dtype="str",
            ref="Sites",
            example="yibin",
            doc="Site where the technology can be built.",
        ),
        Column(
            "technology",
            "technology",
            dtype="str",
            ref="Technologies:kind=renewable",
            example="small_hydro",
            doc="Technology of kind renewable.",
        ),
        Column(
            "max_mw",
            "max",
            "MW",
            min=0,
            example=50,
            doc="Buildable capacity at the site.",
            plausible=(0, 100000),
        ),
    ),
)

COOLING = Sheet(
    "Cooling",
    "table",
    "PUE and WUE of each cooling technology as a curve of ambient temperature "
    "(linear between points, flat beyond the ends).",
    key=("cooling", "ambient_c"),
    columns=(
        Column(
            "cooling",
            "cooling",
            dtype="str",
            ref=f"Technologies:kind={COOLING_KIND}",
            example="cold_plate",
            doc="Facility technology the point belongs to.",
        ),
        Column(
            "ambient_c",
            "ambient",
            "degC",
            min=-60,
            max=60,
            example=25,
            doc="Ambient air temperature of the point; distinct per technology.",
            plausible=(-50, 55),
        ),
        Column(
            "pue",
            "pue",
            "-",
            min=1,
            max=5,
            example=1.10,
            doc="Power usage effectiveness at that temperature.",
            plausible=(1.0, 2.5),
        ),
        Column(
            "wue_l_per_kwh",
            "wue",
            "L/kWh",
            min=0,
            max=20,
            example=0.3,
            doc="Water usage effectiveness at that temperature, per kWh of IT energy.",
            plausible=(0, 10),
        ),
        Column(
            "max_rack_kw",
            "max_rack_density",
            "kW/rack",
            required=False,
            min=0,
            min_exclusive=True,
            example=30,
            doc="Densest rack the technology can cool; blank = no limit. One value per "
            "technology (repeat it on each point, or fill one point). Hardware families with "
            "denser racks cannot run on it.",
            plausible=(5, 500),
        ),
    ),
)

LINKS = Sheet(
    "Links",
    "table",
    "Optional overrides of round-trip time, capacity and cost of a region-site link.",
    required=False,
    key=("region", "site"),
    columns=(
        Column(
            "region",
            "region",
            dtype="str",
            ref="Regions",
            example="yrd",
            doc="Region end of the link.",
        ),
        Column(
            "site",
            "site",
            dtype="str",
            ref="Sites",
            example="zhongwei",
            doc="Site end of the link.",
        ),
        Column(
            "rtt_ms",
            "rtt",
            "ms",
            required=False,
            min=0,
            doc="Blank = formula.",
            example=4.0,
            plausible=(0, 500),
        ),
        Column(
            "capacity_gbps",
            "capacity",
            "Gbps",
            required=False,
            min=0,
            doc="Blank = unlimited.",
            example=None,
            plausible=(0, 100000.0),
        ),
        Column(
            "cost_myuan_per_gbps_yr",
            "cost",
            "M yuan/(Gbps*yr)",
            required=False,
            min=0,
            doc="Blank = formula from distance.",
            example=None,
            plausible=(0, 10),
        ),
    ),
)

VOUCHERS = Sheet(
    "Vouchers",
    "table",
    "Compute voucher programmes: subsidy of compute bought by an issuer region at eligible sites.",
    required=False,
    key=("voucher",),
    columns=(
        Column(
            "voucher", "voucher", dtype="str", example="hangzhou", doc="Programme id (snake case)."
        ),
        Column(
            "issuer_region",
            "issuer_region",
            dtype="str",
            ref="Regions",
            example="yrd",
            doc="Region whose buyers receive the vouchers.",
        ),
        Column(
            "budget_myuan_per_yr",
            "budget",
            "M yuan/yr",
            min=0,
            example=50,
            doc="Annual budget of the programme.",
            plausible=(0, 100000.0),
        ),
        Column(
            "rate_share",
            "rate",
            "share",
            min=0,
            max=1,
            example=0.2,
            doc="Share of the compute price the voucher pays.",
            plausible=(0, 1),
        ),
        Column(
            "compute_price_yuan_per_mwh",
            "compute_price",
            "yuan/MWh",
            min=0,
            doc="Price of compute services per MWh of IT load.",
            example=20000,
            plausible=(1000, 200000.0),
        ),
        Column(
            "eligible_sites",
            "eligible_sites",
            dtype="str",
            list_ref="Sites",
            doc="Comma-separated site ids.",
            example="zhongwei",
        ),
        Column(
            "domestic_rate_share",
            "domestic_rate",
            "share",
            required=False,
            min=0,
            max=1,
            example=0.3,
            doc="Share paid for compute served by domestic accelerators (sheet Hardware); "
            "blank = the rate above.",
            plausible=(0, 1),
        ),
    ),
)

HARDWARE = Sheet(
    "Hardware",
    "table",
    "Server families: compute, power, rack density, price, life, supply and the workload "
    "classes each can serve. Without this sheet demand is in MW only (no chip model).",
    required=False,
    key=("family",),
    columns=(
        Column("family", "family", dtype="str", example="cpu_2s", doc="Family id (snake case)."),
        Column(
            "kind",
            "kind",
            dtype="str",
            choices=HARDWARE_KINDS,
            example="general_purpose",
            doc="accelerator (serves PFLOPS classes) or general_purpose (serves MW classes, "
            "per MW as without the sheet).",
        ),
        Column(
            "origin",
            "origin",
            dtype="str",
            choices=HARDWARE_ORIGINS,
            example="domestic",
            doc="imported or domestic: domestic-share policy, domestic voucher rate and "
            "power discount apply to domestic accelerators.",
        ),
        Column(
            "pflops_per_server",
            "pflops_per_server",
            "PFLOPS",
            required=False,
            min=0,
            min_exclusive=True,
            example=None,
            doc="Dense BF16 compute of one server (no sparsity); required for accelerators.",
            plausible=(0.01, 500),
        ),
        Column(
            "kw_per_server",
            "power_per_server",
            "kW",
            min=0,
            min_exclusive=True,
            example=0.8,
            doc="All-in power of one server at full load (accelerators, CPUs, network share).",
            plausible=(0.1, 200),
        ),
        Column(
            "rack_kw",
            "rack_density",
            "kW/rack",
            min=0,
            min_exclusive=True,
            example=12,
            doc="Power of one rack as deployed; sets the cooling it needs (Cooling max rack "
            "density).",
            plausible=(2, 500),
        ),
        Column(
            "capex_myuan_per_server",
            "capex_per_server",
            "M yuan",
            min=0,
            example=0.15,
            doc="Purchase price of one server, annualised over its life (separately from the "
            "facility capex per MW).",
            plausible=(0, 100),
        ),
        Column(
            "server_life_yr",
            "life",
            "yr",
            min=0,
            min_exclusive=True,
            example=5,
            doc="Economic life of the servers.",
            plausible=(1, 15),
        ),
        Column(
            "supply",
            "supply",
            required=False,
            min=0,
            example=None,
            doc="Available nationally in the planning year, in supply_unit; blank = unlimited.",
            plausible=(0, 1e8),
        ),
        Column(
            "supply_unit",
            "supply_unit",
            dtype="str",
            required=False,
            default="servers",
            choices=("servers", "PFLOPS"),
            example="servers",
            doc="Unit of the supply column.",
        ),
        Column(
            "classes",
            "classes",
            dtype="str",
            list_ref="Classes",
            example="interactive",
            doc="Comma-separated workload classes the family can serve.",
        ),
    ),
)

PROFILES = Sheet(
    "Profiles",
    "table",
    "Hourly profile files (CSV, 8760 rows, column 'hour' 0..8759 then one column per "
    "site, or per shape for demand). Paths are relative to the folder holding the case.",
    key=("profile",),
    columns=(
        Column(
            "profile",
            "profile",
            dtype="str",
            example="temperature",
            doc="Which profile the file holds; temperature, pv, wind and price are needed, "
            "demand when a class has a shape other than flat, and any other name a "
            "renewable technology's profile column gives (a capacity factor in [0, 1] per "
            "site that has potential); grid_clean (the grid's hourly clean share, 0..1 per "
            "site) replaces the generated one.",
        ),
        Column(
            "file",
            "file",
            dtype="str",
            example="profiles/temperature.csv",
            doc="CSV file path, relative to the folder holding the workbook or CSV folder.",
        ),
        Column(
            "unit",
            "unit",
            dtype="str",
            required=False,
            default="",
            example="degC",
            doc="Unit of the values (documentation only).",
        ),
        Column(
            "note", "note", dtype="str", required=False, default="", example="", doc="Free text."
        ),
    ),
)

SCENARIOS = Sheet(
    "Scenarios",
    "table",
    "Named overrides applied on top of the base case. key is the row id (for two-part keys "
    "'a/b'; for Settings and Policy the setting name; a part '*' matches every row, e.g. "
    "'yrd/*'); column the internal column name or its label (for Settings and Policy: "
    "value); a value '*1.3' scales the case's value. Scenarios combine on the command line "
    "as 'a+b' when they change different cells.",
    required=False,
    key=("scenario", "sheet", "key", "column"),
    columns=(
        Column(
            "scenario",
            "scenario",
            dtype="str",
            example="carbon_200",
            doc="Scenario name; all rows with the same name form one scenario.",
        ),
        Column(
            "sheet",
            "sheet",
            dtype="str",
            example="Settings",
            doc="Sheet whose cell the row changes.",
        ),
        Column(
            "key",
            "key",
            dtype="str",
            example="carbon_price",
            doc="Row id in that sheet ('a/b' for two-part ids), or the key in Settings and Policy.",
        ),
        Column(
            "column",
            "column",
            dtype="str",
            example="value",
            doc="Internal column name (max_it_mw), or value in Settings and Policy.",
        ),
        Column(
            "value",
            "value",
            dtype="str",
            required=False,
            default="",
            example="200",
            doc="New value; blank sets the cell blank.",
        ),
        Column(
            "note", "note", dtype="str", required=False, default="", example="", doc="Free text."
        ),
    ),
)

SOURCES = Sheet(
    "Sources",
    "table",
    "Origin of every number: [P] published, [E] engineering estimate, [A] assumption.",
    required=False,
    key=("sheet", "key", "column"),
    columns=(
        Column("sheet", "sheet", dtype="str", example="Sites", doc="Sheet of the number."),
        Column(
            "key",
            "key",
            dtype="str",
            example="zhongwei",
            doc="Row id (or Settings/Policy key) of the number.",
        ),
        Column(
            "column",
            "column",
            dtype="str",
            example="pue_cap",
            doc="Internal column name of the number (value for Settings and Policy).",
        ),
        Column(
            "flag",
            "flag",
            dtype="str",
            choices=("P", "E", "A"),
            example="P",
            doc="P published, E engineering estimate, A assumption.",
        ),
        Column(
            "source",
            "source",
            dtype="str",
            example="NDRC 2021 hub implementation plan",
            doc="Where the number comes from.",
        ),
        Column(
            "note", "note", dtype="str", required=False, default="", example="", doc="Free text."
        ),
    ),
)

LINES = Sheet(
    "Lines",
    "table",
    "Optional power lines from supply nodes (sites without IT) to data-centre sites: existing "
    "capacity open to data centres at a tariff, and buildable new capacity.",
    required=False,
    key=("line",),
    columns=(
        Column(
            "line",
            "line",
            dtype="str",
            example=None,  # the template has no supply node: its Lines sheet has headers only
            doc="Line id (snake case), e.g. qinghai_henan.",
        ),
        Column(
            "from_site",
            "from",
            dtype="str",
            ref="Sites",
            example="qinghai_hainan",
            doc="Sending node: a site with max_it 0 (a supply node); its hour's mix is carried.",
        ),
        Column(
            "to_site",
            "to",
            dtype="str",
            ref="Sites",
            example="zhengzhou",
            doc="Receiving site (not the sending node of another line).",
        ),
        Column(
            "existing_mw",
            "existing",
            "MW",
            required=False,
            default=0.0,
            min=0,
            example=1000,
            doc="Existing capacity open to data centres.",
            plausible=(0, 20000),
        ),
        Column(
            "tariff_yuan_per_kwh",
            "tariff",
            "yuan/kWh",
            required=False,
            default=0.0,
            min=0,
            example=0.06,
            doc="Transmission tariff on energy carried over the existing capacity.",
            plausible=(0, 0.3),
        ),
        Column(
            "max_new_mw",
            "max_new",
            "MW",
            required=False,
            default=0.0,
            min=0,
            example=0,
            doc="Buildable new capacity.",
            plausible=(0, 20000),
        ),
        Column(
            "capex_myuan_per_mw_km",
            "capex",
            "M yuan/(MW*km)",
            required=False,
            default=0.0,
            min=0,
            example=0.0018,
            doc="Investment of new capacity per MW and km (converters included).",
            plausible=(0, 0.02),
        ),
        Column(
            "length_km",
            "length",
            "km",
            required=False,
            min=0,
            min_exclusive=True,
            example=1587,
            doc="Route length; blank = great-circle distance of the two sites x route_factor.",
            plausible=(10, 5000),
        ),
        Column(
            "route_factor",
            "route_factor",
            "-",
            required=False,
            default=1.2,
            min=1,
            example=1.2,
            doc="Route length over great-circle distance (only used when length is blank).",
            plausible=(1, 2),
        ),
        Column(
            "loss_per_1000km",
            "loss_per_1000km",
            "share",
            required=False,
            default=0.03,
            min=0,
            max=1,
            example=0.03,
            doc="Losses per 1,000 km of route (used when loss is blank).",
            plausible=(0, 0.1),
        ),
        Column(
            "loss_share",
            "loss",
            "share",
            required=False,
            min=0,
            max=1,
            min_exclusive=False,
            example=None,
            doc="Losses of the whole line (converters included); blank = per 1,000 km.",
            plausible=(0, 0.2),
        ),
        Column(
            "line_life_yr",
            "life",
            "yr",
            required=False,
            default=40.0,
            min=1,
            example=40,
            doc="Economic life of new capacity for the annuity.",
            plausible=(10, 80),
        ),
        Column(
            "line_om_share",
            "om",
            "share",
            required=False,
            default=0.01,
            min=0,
            max=1,
            example=0.01,
            doc="Fixed O&M of new capacity per year as share of its capex.",
            plausible=(0, 0.1),
        ),
    ),
)

# Existing capacity (formulation §2a): technology ids of kind facility, or these kinds
EXISTING_KINDS = ("pv", "wind", "battery_energy", "battery_power")

EXISTING = Sheet(
    "Existing",
    "table",
    "Capacity that already exists at a site (brownfield): it costs only its fixed O&M, is "
    "never retired, and new capacity is built on top. No sheet = a greenfield plan.",
    required=False,
    key=("site", "technology"),
    columns=(
        Column(
            "site",
            "site",
            dtype="str",
            ref="Sites",
            example="zhongwei",
            doc="Site where the capacity exists.",
        ),
        Column(
            "technology",
            "technology",
            dtype="str",
            example="cold_plate",
            doc="A facility (cooling) technology id of sheet Technologies (existing IT "
            "capacity), or pv, wind, battery_energy or battery_power (the technology of that "
            "kind); it must be available.",
        ),
        Column(
            "capacity",
            "capacity",
            "MW or MWh",
            min=0,
            example=10.0,
            plausible=(0, 100000.0),
            doc="Existing capacity: MW IT for a facility technology, MW for pv, wind and "
            "battery_power, MWh for battery_energy. At most the site's max_it (IT, summed "
            "over cooling technologies), pv_max or wind_max.",
        ),
    ),
)

SHEETS: tuple[Sheet, ...] = (
    SETTINGS,
    POLICY,
    REGIONS,
    SITES,
    CLASSES,
    DEMAND,
    TECHNOLOGIES,
    POTENTIALS,
    COOLING,
    LINKS,
    VOUCHERS,
    HARDWARE,
    PROFILES,
    SCENARIOS,
    SOURCES,
    LINES,
    EXISTING,
)
BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}


def expectation(spec: Column | Key) -> str:
    """What a cell of this column (or key) must hold, in words: 'a number >= 0 [MW]'."""
    if spec.dtype == "bool":
        return "true or false"
    if spec.choices is not None:
        return "one of " + ", ".join(spec.choices)
    if spec.dtype == "str":
        return "text"
    kind = "a whole number" if spec.dtype == "int" else "a number"
    low, high = spec.min, spec.max
    if low is not None and high is not None:
        bracket = "(" if spec.min_exclusive else "["
        text = f"{kind} in {bracket}{low:g}, {high:g}]"
    elif low is not None:
        text = f"{kind} {'>' if spec.min_exclusive else '>='} {low:g}"
    elif high is not None:
        text = f"{kind} <= {high:g}"
    else:
        text = kind
    unit = spec.unit if spec.unit not in ("", "-", "bool") else ""
    return f"{text} [{unit}]" if unit else text


def row_id(sheet: Sheet, values: dict) -> str:
    """The id of a table row as scenarios and messages name it ('a' or 'a/b')."""
    return "/".join(str(values[k]) for k in sheet.key)


__all__ = [
    "BY_NAME",
    "CLASSES",
    "COOLING",
    "DEMAND",
    "DEMAND_UNITS",
    "EXISTING",
    "EXISTING_KINDS",
    "HARDWARE",
    "HOURS_PER_YEAR",
    "KEYVALUE_COLUMNS",
    "LINES",
    "LINKS",
    "NON_CF_PROFILES",
    "POLICY",
    "POTENTIALS",
    "PROFILES",
    "PROFILE_NAMES",
    "REGIONS",
    "RENEWABLE_KINDS",
    "SCENARIOS",
    "SETTINGS",
    "SHEETS",
    "SITES",
    "SOURCES",
    "STANDARD_RENEWABLES",
    "TECHNOLOGIES",
    "VOUCHERS",
    "Column",
    "Key",
    "Sheet",
    "expectation",
    "row_id",
]
