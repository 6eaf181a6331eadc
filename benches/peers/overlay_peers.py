"""Peer programs for lor's speed table (docs/performance.md): the same jobs as
`lor mismatch` and `lor crosswalk` done with shapely 2 and GeoPandas.

Each run is one whole process, as `lor` is measured: read both gzipped
GeoJSON layers, project them to EPSG:25833, intersect every pair of units
whose envelopes meet, and write one CSV row per piece (A id, B id, area m²,
share of A). The results agree with lor's to well under a square metre per
piece (lor's `mismatch --format json` lists the same pieces).

    python3 -m venv /tmp/peers
    /tmp/peers/bin/pip install shapely geopandas pyogrio
    A=data/berlin/lor-2006/plr.geojson.gz B=data/berlin/lor-2021/pgr.geojson.gz
    hyperfine -w 2 -r 10 \\
      "/tmp/peers/bin/python benches/peers/overlay_peers.py shapely $A $B" \\
      "/tmp/peers/bin/python benches/peers/overlay_peers.py geopandas $A $B" \\
      "/tmp/peers/bin/python benches/peers/overlay_peers.py shapely $A $B --bezirk 04" \\
      "target/release/lor mismatch $A $B" "target/release/lor mismatch $A $B --bezirk 04"

Methods:
- shapely: STRtree over B, `query(A, predicate="intersects")` for the
  candidate pairs, one vectorised `shapely.intersection` over all pairs
  (GEOS, released GIL, split over 2 threads), `shapely.area`.
- geopandas: `geopandas.overlay(a, b, how="intersection")` and `.area`.
With `--bezirk BB` both layers keep only ids starting with BB (after reading,
as a GeoPandas user would filter).
"""

import csv
import sys
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import shapely


def read(path, bezirk):
    # GDAL reads gzip through its /vsigzip/ file system.
    gdal_path = "/vsigzip/" + path if path.endswith(".gz") else path
    df = gpd.read_file(gdal_path, engine="pyogrio")
    if bezirk:
        df = df[df["id"].astype(str).str.startswith(bezirk)]
    return df.to_crs(25833).reset_index(drop=True)


def main():
    method, a_path, b_path = sys.argv[1:4]
    bezirk = sys.argv[sys.argv.index("--bezirk") + 1] if "--bezirk" in sys.argv else None
    with ThreadPoolExecutor(2) as pool:
        fa, fb = pool.submit(read, a_path, bezirk), pool.submit(read, b_path, bezirk)
        a, b = fa.result(), fb.result()
    out = csv.writer(sys.stdout)
    out.writerow(["a", "b", "area", "share"])
    if method == "shapely":
        ga = shapely.make_valid(a.geometry.values)
        gb = shapely.make_valid(b.geometry.values)
        ia, ib = shapely.STRtree(gb).query(ga, predicate="intersects")
        half = len(ia) // 2
        with ThreadPoolExecutor(2) as pool:
            parts = pool.map(
                lambda s: shapely.area(shapely.intersection(ga[ia[s]], gb[ib[s]])),
                [slice(0, half), slice(half, None)],
            )
            areas = np.concatenate(list(parts))
        whole = shapely.area(ga)
        for i, j, ar in zip(ia, ib, areas):
            if ar > 0:
                out.writerow([a["id"][i], b["id"][j], f"{ar:.3f}", f"{ar / whole[i]:.6f}"])
    elif method == "geopandas":
        a["area_a"] = a.area
        pieces = gpd.overlay(
            a[["id", "area_a", "geometry"]],
            b[["id", "geometry"]],
            how="intersection",
            keep_geom_type=True,
        )
        for ida, idb, ar, aa in zip(pieces["id_1"], pieces["id_2"], pieces.area, pieces["area_a"]):
            out.writerow([ida, idb, f"{ar:.3f}", f"{ar / aa:.6f}"])
    else:
        sys.exit(f"unknown method {method}; give shapely or geopandas")


if __name__ == "__main__":
    main()
