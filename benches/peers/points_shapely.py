"""Peer for `lor points`: count random points and sum their places per PLR
with shapely 2 (GEOS), the way a Python user would do it fast: every PLR
polygon prepared, the points sorted by x, and for each polygon only the
points in its x-range tested with the vectorised `shapely.contains_xy`.

    python3 -m venv /tmp/pts && /tmp/pts/bin/pip install shapely numpy pyproj
    lor sample --points 1000000 --extent berlin --output-dir /tmp/p1m
    /usr/bin/time -v /tmp/pts/bin/python benches/peers/points_shapely.py \
        /tmp/p1m/points.csv data/berlin/lor-2006/plr.geojson.gz > /tmp/peer.csv

Prints `key,count,plaetze` per PLR. The duplicate id 06010102 of the 2006
file is left out, as `lor` does. Shapely's `contains` leaves points exactly
on a border out of both units (lor counts them once, east/north), so a few
border points can differ; the count of points in no unit is on stderr.
"""

import gzip
import json
import sys
from collections import Counter

import numpy as np
import shapely
from pyproj import Transformer


def main(points_csv, units):
    opener = gzip.open if units.endswith(".gz") else open
    with opener(units, "rt", encoding="utf-8") as f:
        fc = json.load(f)
    ids = [str(ft["properties"]["id"]) for ft in fc["features"]]
    dup = {k for k, n in Counter(ids).items() if n > 1}
    # The file is in EPSG:4326; the points in EPSG:25833 (as lor works).
    to_utm = Transformer.from_crs(4326, 25833, always_xy=True)
    polys = [
        (
            k,
            shapely.transform(
                shapely.from_geojson(json.dumps(ft["geometry"])),
                lambda c: np.column_stack(to_utm.transform(c[:, 0], c[:, 1])),
            ),
        )
        for k, ft in zip(ids, fc["features"])
        if k not in dup
    ]
    data = np.loadtxt(points_csv, delimiter=",", skiprows=1, usecols=(1, 2, 3))
    order = np.argsort(data[:, 0], kind="stable")
    xs, ys, vals = data[order, 0], data[order, 1], data[order, 2]
    inside = 0
    print("key,count,plaetze")
    for k, g in sorted(polys, key=lambda p: p[0]):
        shapely.prepare(g)
        x0, y0, x1, y1 = g.bounds
        lo, hi = np.searchsorted(xs, x0, "left"), np.searchsorted(xs, x1, "right")
        sx, sy = xs[lo:hi], ys[lo:hi]
        band = (sy >= y0) & (sy <= y1)
        hit = np.zeros(hi - lo, dtype=bool)
        hit[band] = shapely.contains_xy(g, sx[band], sy[band])
        n = int(hit.sum())
        inside += n
        print(f"{k},{n},{int(vals[lo:hi][hit].sum())}")
    print(f"{len(xs) - inside} of {len(xs)} points in no unit", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
