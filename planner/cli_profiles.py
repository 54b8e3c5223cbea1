"""`dcplan profiles`: hourly profiles for new sites, and measured series brought in.

    dcplan profiles generate CASE --site ID --temp-mean 9 --temp-seasonal 14 \\
        --temp-diurnal 6 --pv-cf 0.17 --wind-cf 0.28 [--tou standard]
    dcplan profiles generate --parameters FILE [--out DIR]
    dcplan profiles import CASE --profile pv --file measured.csv [--column SITE=COLUMN]

`generate` runs the seeded generator of `planner.profiles` (pvlib solar geometry) for a site
that the case's Sites sheet already lists (its lat/lon are read from there), records the
parameters in `profiles/parameters.csv` beside the case and adds the site's columns to the
case's temperature, pv, wind and price files. `import` puts a measured series in instead
(`planner.profile_import`: any year, hourly or finer, leap days, time zones and gaps handled
and reported). Problems exit with code 2 and one message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape

from planner.cli_common import console as console_for
from planner.cli_common import fail, fail_os

_out = console_for()

app = typer.Typer(
    no_args_is_help=True,
    help="Hourly profiles: generate them for new sites, or import measured series.",
)


def _site_row(case: Path, site: str, values: dict[str, object]) -> pd.DataFrame:
    from planner.case_profiles import case_sites

    sites = case_sites(case)
    if site not in sites.index:
        known = ", ".join(map(str, sites.index))
        fail(f"{case}: site {site!r} is not in the Sites sheet (sites: {known}); add its row first")
    position = {}
    for key in ("lat", "lon"):
        given = values.pop(key, None)
        if given is None:
            given = sites.at[site, key] if key in sites.columns else None
        try:
            position[key] = float(given)
        except (TypeError, ValueError):
            fail(f"{case}: site {site!r} has no numeric {key} in Sites; give --{key}")
    return pd.DataFrame([{"site": site, **position, **values}])


@app.command("generate")
def generate(
    case: Annotated[
        Path | None, typer.Argument(help="Case (workbook or CSV folder) to add the site to.")
    ] = None,
    site: Annotated[str | None, typer.Option(help="Site id (a row of the Sites sheet).")] = None,
    temp_mean: Annotated[float | None, typer.Option(help="Annual mean temperature [degC].")] = None,
    temp_seasonal: Annotated[
        float | None, typer.Option(help="Seasonal half-range (July − January)/2 [degC].")
    ] = None,
    temp_diurnal: Annotated[
        float | None, typer.Option(help="Daily half-range (max − min)/2 [degC].")
    ] = None,
    pv_cf: Annotated[float | None, typer.Option(help="Annual mean PV capacity factor [-].")] = None,
    wind_cf: Annotated[
        float | None, typer.Option(help="Annual mean wind capacity factor [-].")
    ] = None,
    tou: Annotated[str, typer.Option(help="Time-of-use pattern: standard or midday_valley.")] = (
        "standard"
    ),
    lat: Annotated[float | None, typer.Option(help="Latitude [deg N] (default: Sites).")] = None,
    lon: Annotated[float | None, typer.Option(help="Longitude [deg E] (default: Sites).")] = None,
    parameters: Annotated[
        Path | None,
        typer.Option(help="Generator parameters CSV (one row per site) instead of --site."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="With --parameters and no CASE: folder for the CSVs.")
    ] = None,
    year: Annotated[int, typer.Option(help="Calendar year of the weekday pattern.")] = 2030,
    seed: Annotated[int, typer.Option(help="Base seed of the generator.")] = 20301,
) -> None:
    """Generate synthetic hourly profiles (seeded, pvlib solar geometry) for sites."""
    from planner.case_profiles import CaseProfileError, add_generated_sites, upsert_parameters
    from planner.inputs.tables import CaseReadError, case_base_dir
    from planner.profiles import generate_profiles, read_parameters, write_profiles

    try:
        if case is None:
            if parameters is None:
                fail("give a CASE with --site, or --parameters FILE [--out DIR]")
            folder = out if out is not None else parameters.parent
            profiles = generate_profiles(read_parameters(parameters), year, seed)
            write_profiles(profiles, folder)
            _out.print(escape(f"wrote {', '.join(f'{n}.csv' for n in profiles)} to {folder}"))
            return
        if parameters is not None:
            rows = read_parameters(parameters)
        else:
            given = {
                "temp_mean_c": temp_mean,
                "temp_seasonal_c": temp_seasonal,
                "temp_diurnal_c": temp_diurnal,
                "pv_cf": pv_cf,
                "wind_cf": wind_cf,
            }
            if site is None or any(v is None for v in given.values()):
                needed = [f"--{k.replace('_c', '').replace('_', '-')}" for k in given]
                fail(f"give --site and {', '.join(needed)} (or --parameters FILE)")
            rows = _site_row(case, site, {**given, "tou": tou, "lat": lat, "lon": lon})
        written = add_generated_sites(case, rows, year, seed)
        table = case_base_dir(case) / "profiles" / "parameters.csv"
        upsert_parameters(table, rows)
    except (CaseProfileError, CaseReadError, ValueError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail_os(exc)
    for name, path in written.items():
        _out.print(escape(f"{name}: {', '.join(rows['site'])} written to {path}"))
    _out.print(escape(f"parameters recorded in {table}"))


def _column_map(pairs: list[str], columns: list[str]) -> dict[str, str]:
    """'SITE=COLUMN' pairs → {column in file: column in profile}; default: same names."""
    if not pairs:
        return {c: c for c in columns}
    mapping = {}
    for pair in pairs:
        target, sep, source = pair.partition("=")
        if not sep or not target or not source:
            fail(f"--column {pair!r}: write SITE=COLUMN")
        if source not in columns:
            fail(f"--column {pair!r}: the file has no column {source!r} (columns: {columns})")
        mapping[source] = target
    return mapping


@app.command("import")
def import_series(
    case: Annotated[Path, typer.Argument(help="Case (workbook or CSV folder).")],
    profile: Annotated[str, typer.Option(help="Profile to write: temperature, pv, wind, ...")],
    file: Annotated[Path, typer.Option(help="Measured CSV: a time column, then value columns.")],
    column: Annotated[
        list[str] | None,
        typer.Option(help="SITE=COLUMN (repeatable); default: columns named like sites."),
    ] = None,
    tz: Annotated[
        str, typer.Option(help="Time zone of naive time stamps (e.g. UTC, Asia/Shanghai).")
    ] = "Asia/Shanghai",
    year: Annotated[int | None, typer.Option(help="Year to take (default: the fullest).")] = None,
    time_column: Annotated[
        str | None, typer.Option(help="Name of the time column (default: the first).")
    ] = None,
) -> None:
    """Import measured series into a case's profile file (8760 hourly values per column)."""
    from planner.case_profiles import CaseProfileError, profile_files, set_columns
    from planner.inputs.tables import CaseReadError
    from planner.profile_import import ImportProblem, read_series, to_profile_year

    try:
        files = profile_files(case)
        if profile not in files:
            fail(f"{case}: the Profiles sheet has no profile {profile!r} ({', '.join(files)})")
        measured = read_series(file, time_column)
        mapping = _column_map(column or [], list(measured.columns))
        converted, reports = {}, []
        for source, target in mapping.items():
            values, report = to_profile_year(measured[source].rename(target), profile, tz, year)
            converted[target] = values
            reports.append(report)
        replaced = set_columns(files[profile], profile, converted)
    except (CaseProfileError, CaseReadError, ImportProblem) as exc:
        fail(str(exc))
    except OSError as exc:
        fail_os(exc)
    for report in reports:
        for line in report.lines():
            _out.print(escape(line))
    added = [c for c in converted if c not in replaced]
    _out.print(
        escape(
            f"{files[profile]}: {len(replaced)} column(s) replaced, {len(added)} added; "
            "record the source in the Sources sheet"
        )
    )


def register(root: typer.Typer) -> None:
    """Add `dcplan profiles` to the `dcplan` app."""
    root.add_typer(app, name="profiles")
