"""Write a gzipped GeoJSON polygon layer again with every edge cut into N
equal parts in the file's own coordinates: the input of the whole-process
runs at ×N density in the speed table of docs/performance.md (the same shapes, N times
the vertices to read, check, project and overlay).

    python3 benches/peers/densify.py IN.geojson.gz OUT.geojson.gz 10

benches/common/mod.rs does the same for `cargo bench` (densify_geojson).
"""
import gzip
import json
import sys


def ring(r, n):
    out = []
    for (x0, y0, *_), (x1, y1, *_) in zip(r, r[1:]):
        for k in range(n):
            t = k / n
            out.append([x0 + t * (x1 - x0), y0 + t * (y1 - y0)])
    out.append(r[-1][:2])
    return out


def main():
    src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with gzip.open(src, "rt", encoding="utf-8") as f:
        d = json.load(f)
    for feature in d["features"]:
        g = feature["geometry"]
        if g["type"] == "Polygon":
            g["coordinates"] = [ring(r, n) for r in g["coordinates"]]
        elif g["type"] == "MultiPolygon":
            g["coordinates"] = [[ring(r, n) for r in p] for p in g["coordinates"]]
        else:
            sys.exit(f"{src}: feature with a {g['type']}, not a polygon")
    with gzip.open(dst, "wt", encoding="utf-8") as o:
        json.dump(d, o, ensure_ascii=False)


if __name__ == "__main__":
    main()
