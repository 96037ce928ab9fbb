#!/usr/bin/env python3
"""Tonnes delivered into named storages, per sweep point, from a sweep's tidy CSV.

Usage: python3 scripts/seed_tonnes.py SWEEP_TIDY.csv STORAGE[,STORAGE...] [KPI[,KPI...]]

For each design point: the mean and 95% half-width (1.96 sd / sqrt(n)) over
replications of the sum of delivered.<storage> x the tonnes per unit of its
cargo (the baseline's table: oil 1, wagons 75, trucks 24, TEU 12), of the
extra KPIs named, and the paired difference of the tonnes from point 0.
This is how the provisioning tables of docs/calibration.md section 6 were
made, e.g.

    caspian sweep scenarios/seed_kz_16mt_btk17.toml -n 50 --tidy-csv t.csv
    python3 scripts/seed_tonnes.py t.csv \
        sangachal_tank_farm,alat_yard_west,alat_container_yard,alat_truck_park_west \
        link_utilization.btk_railway
"""
import csv, sys, math, collections
TPU = {"sangachal_tank_farm": 1.0, "alat_yard_west": 75.0, "alat_container_yard": 12.0, "alat_truck_park_west": 24.0}
path = sys.argv[1]
stores = sys.argv[2].split(",")
extra = sys.argv[3].split(",") if len(sys.argv) > 3 else []
rows = collections.defaultdict(lambda: collections.defaultdict(float))
axes = {}
with open(path) as f:
    r = csv.DictReader(f)
    axcols = r.fieldnames[6:]
    for row in r:
        key = (int(row["point"]), int(row["replication"]))
        axes[int(row["point"])] = tuple(row[c] for c in axcols)
        k = row["kpi"]
        if k.startswith("delivered.") and k[10:] in stores:
            rows[key]["west_t"] += float(row["value"]) * TPU[k[10:]]
        if k in extra:
            rows[key][k] = float(row["value"])
pts = sorted(axes)
print(" | ".join(axcols + ["west Mt", *extra]))
for p in pts:
    reps = [v for (pp, _), v in rows.items() if pp == p]
    out = []
    for k in ["west_t"] + extra:
        xs = [r.get(k, float('nan')) for r in reps]
        n = len(xs); m = sum(xs) / n
        sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (n - 1)) if n > 1 else 0
        hw = 1.96 * sd / math.sqrt(n)
        if k == "west_t":
            out.append(f"{m/1e6:.3f} ± {hw/1e6:.3f}")
        else:
            out.append(f"{m:.4g} ± {hw:.2g}")
    print(" | ".join(list(axes[p]) + out))
# paired difference of west_t against point 0
print("paired west Mt vs point 0:")
for p in pts[1:]:
    ds = [rows[(p, r)]["west_t"] - rows[(0, r)]["west_t"] for (pp, r) in rows if pp == p]
    n = len(ds); m = sum(ds) / n
    sd = math.sqrt(sum((x - m) ** 2 for x in ds) / (n - 1))
    print(axes[p], f"{m/1e6:+.3f} ± {1.96*sd/math.sqrt(n)/1e6:.3f}")
