#!/usr/bin/env python3
"""Expected values for tests/series.rs, computed without lor.

Reads the sample series (data/sample/series/EWR*_Matrix.csv) and the
crosswalk old keys -> new keys (data/sample/lor-alt-neu.csv) with Python's
csv module, translates the dates in old keys (value of a new PLR = sum of
weight x value of its old PLR), sums per PGR (first 4 key digits) and per
PLR, recomputes the share Anteil_w = E_EW / E_E * 100 from the sums, and
the changes against the previous date and the same month a year before.

Run from the project folder:
    python3 tests/expected/series/make_expected.py > tests/expected/series/sample.csv
"""
import csv
import glob
import sys

cw = {}
with open("data/sample/lor-alt-neu.csv", encoding="utf-8") as f:
    for r in csv.DictReader(f, delimiter=";"):
        cw.setdefault(r["PLR_alt"], []).append((r["PLR_neu"], float(r["Gewicht"])))

series = {}  # date -> (translated, {new PLR: (E_E, E_EW)})
for path in sorted(glob.glob("data/sample/series/EWR*_Matrix.csv")):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    z = rows[0]["ZEIT"]
    date = f"{z[:4]}-{z[4:]}"
    old = rows[0]["PGR"].startswith("0")
    plr = {}
    for r in rows:
        e, w = float(r["E_E"]), float(r["E_EW"])
        targets = cw[r["RAUMID"]] if old else [(r["RAUMID"], 1.0)]
        for k, g in targets:
            a, b = plr.get(k, (0.0, 0.0))
            plr[k] = (a + g * e, b + g * w)
    series[date] = (old, plr)

dates = sorted(series)
out = csv.writer(sys.stdout, lineterminator="\n")
cols = ["E_E", "E_EW", "Anteil_w"]
header = ["level", "key", "date", "translated"] + cols
for c in ["E_E", "Anteil_w"]:
    for a in ["previous", "year"]:
        if c == "Anteil_w":
            header.append(f"{c} change {a} pp")
        else:
            header += [f"{c} change {a}", f"{c} change {a} %"]
out.writerow(header)

for level, digits in [("plr", 8), ("pgr", 4)]:
    per = {}  # key -> date -> [E_E, E_EW, Anteil_w]
    for d in dates:
        acc = {}
        for k, (e, w) in series[d][1].items():
            a, b = acc.get(k[:digits], (0.0, 0.0))
            acc[k[:digits]] = (a + e, b + w)
        for k, (e, w) in acc.items():
            per.setdefault(k, {})[d] = [e, w, w / e * 100 if e else None]
    for k in sorted(per):
        for i, d in enumerate(dates):
            if d not in per[k]:
                continue
            v = per[k][d]
            y, m = d.split("-")
            ref = {"previous": dates[i - 1] if i > 0 else None, "year": f"{int(y) - 1}-{m}"}
            row = [level, k, d, "LOR 2006" if series[d][0] else ""] + ["" if x is None else repr(x) for x in v]
            for j, c in [(0, "E_E"), (2, "Anteil_w")]:
                for a in ["previous", "year"]:
                    p = per[k].get(ref[a]) if ref[a] else None
                    cur = v[j]
                    prev = p[j] if p else None
                    if c == "Anteil_w":
                        row.append(repr(cur - prev) if prev is not None and cur is not None else "")
                    else:
                        row.append(repr(cur - prev) if prev is not None else "")
                        row.append(repr((cur - prev) / prev * 100) if prev else "")
            out.writerow(row)
