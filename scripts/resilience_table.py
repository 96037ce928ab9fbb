#!/usr/bin/env python3
"""Regenerates the stress-test table of docs/resilience.md.

For every scenario in scenarios/stress/ it runs, with the release binary:
  caspian compare scenarios/baseline.toml STRESS -n N --json ...   (paired effects)
  caspian run STRESS -n N --target ... --set scenario.paired_recovery=true --json ...
                                                      (recovery, paired too, P(below target))
and prints the Markdown table. Usage, from the repository root:

  cargo build --release
  python3 scripts/resilience_table.py [-n 500] [--seed S] [--investments]

With --investments it also measures how much each investment shortens the
recovery from the 30-day Baku closure and from the lost ferry (paired, under
common random numbers, with `compare --variant`). Only the standard library
is used. Figures depend on the replications (-n) and the seed (--seed;
by default the scenarios' own, 20261123). scripts/policy_figures.py imports
this module and prints the same tables among the other policy figures.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

BIN = os.path.join("target", "release", "caspian")
BASELINE = "scenarios/baseline.toml"
STRESS = [
    "alat_closed_30d",
    "btc_outage_14d",
    "btk_outage_21d",
    "ferry_lost",
    "corridor_closed_60d",
    "cpc_outage_surge",
    "random_outages",
]
# P(annual delivered below target). Oil: 1.6 Mt, about 94% of the baseline's
# 1.70 Mt. Wagons: 36,450 a year, ASCO's 2025 rate on all routes (18,227
# railcars in H1 2025, facts 2.3 [S50], times two), about 97% of the
# baseline's ~37,400 (docs/resilience.md, "How to read it").
TARGETS = {"oil": 1_600_000, "wagons": 36_450}
# Investments against a stress test: (name, --set keys).
INVESTMENTS = [
    ("tank farm x2", "storage.aktau_tank_farm.capacity=240000"),
    ("Kuryk yard x2", "storage.kuryk_yard_west.capacity=1600,storage.aktau_yard_west.capacity=1400"),
    ("extra Kuryk ferry", "fleet.ferries_kuryk_alat.count=4"),
    ("berth3", "port.alat.berths.rail_ferry=3"),
]
# Recovery is also measured against the same replication without each
# disruption (recovery_paired_days.<id>); it changes no other KPI.
PAIRED = ["--set", "scenario.paired_recovery=true"]


# Extra arguments for every run, e.g. ["--seed", "7"] (set by main or an importer).
COMMON = []


def caspian(*args):
    out = subprocess.run([BIN, *args, *COMMON], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"caspian {' '.join(args)} failed ({out.returncode}):\n{out.stderr}")
    return out


def document(*args):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.json")
        caspian(*args, "--json", path, "-q")
        with open(path) as f:
            return json.load(f)


def diff(doc, kpi, digits=4, scale=1.0):
    d = doc["differences"][0]["kpis"].get(kpi)
    if d is None:
        return "n/a"
    m, lo, hi = (d[k] * scale for k in ("mean_diff", "ci95_low", "ci95_high"))
    return f"{m:+.{digits}f} [{lo:+.{digits}f}, {hi:+.{digits}f}]"


def recovery(doc, paired=False):
    """Mean and P95 of recovery_days (recovery_paired_days) over the
    replications where every episode that ended recovered, with how many
    replications that is, and the episodes that had not recovered by the
    horizon (unrecovered.<id>, unrecovered_paired.<id>)."""
    family, count = ("recovery_paired_days", "unrecovered_paired") if paired else \
        ("recovery_days", "unrecovered")
    cells = []
    n = doc["replications"]
    kpis = doc["kpis"]
    for kpi, s in sorted(kpis.items()):
        if not kpi.startswith(family + "."):
            continue
        ident = kpi.split(".", 1)[1]
        stuck = round(kpis.get(f"{count}.{ident}", {}).get("mean", 0.0) * n)
        mean = "none ended" if s["n"] == 0 else f"{s['mean']:.1f} (P95 {s['p95']:.1f}, n {s['n']})"
        cells.append(f"{ident}: {mean}" + (f", {stuck} not recovered" if stuck else ""))
    return "; ".join(cells)


def below(doc, cargo):
    for t in doc["targets"]:
        if t["kpi"] == f"delivered_total.{cargo}":
            return f"{1 - t['p_meet']:.3f}"
    return "n/a"


def tables(n, investments):
    """Prints the stress-test table and, with investments, the investments table."""
    n = str(n)
    targets = [x for c, v in TARGETS.items() for x in ("--target", f"delivered_total.{c}>={v}")]
    base = document("run", BASELINE, "-n", n, *targets)
    print(f"Baseline: P(oil < {TARGETS['oil']:,} t) = {below(base, 'oil')}, "
          f"P(wagons < {TARGETS['wagons']:,}) = {below(base, 'wagons')} ({n} replications)\n")
    print("| Stress test | Δ service_level.oil | Δ service_level.wagons | Δ diverted_total.wagons "
          "| Δ backlog_end.wagons | recovery_days (mean, P95) | recovery_paired_days (mean, P95) "
          "| P(oil < target) | P(wagons < target) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in STRESS:
        path = f"scenarios/stress/{name}.toml"
        cmp = document("compare", BASELINE, path, "-n", n)
        run = document("run", path, "-n", n, *targets, *PAIRED)
        print(f"| `{name}` | {diff(cmp, 'service_level.oil')} | {diff(cmp, 'service_level.wagons')} "
              f"| {diff(cmp, 'diverted_total.wagons', 1)} | {diff(cmp, 'backlog_end.wagons', 1)} "
              f"| {recovery(run)} | {recovery(run, paired=True)} | {below(run, 'oil')} "
              f"| {below(run, 'wagons')} |")
    if not investments:
        return
    print("\n| Stress test | Investment | Δ recovery_days | Δ recovery_paired_days "
          "| Δ service_level.wagons | Δ service_level.oil |")
    print("|---|---|---|---|---|---|")
    for name, kpi in [("alat_closed_30d", "recovery_days.alat_closed"),
                      ("alat_closed_30d", "recovery_days.sangachal_closed"),
                      ("ferry_lost", "recovery_days.ferry_lost")]:
        path = f"scenarios/stress/{name}.toml"
        variants = [x for label, keys in INVESTMENTS
                    for x in ("--variant", f"{label.replace(' ', '_')}:{keys}")]
        variants += ["--variant", "standby_charter:disruption.ferry_lost.duration_days.min=7,"
                     "disruption.ferry_lost.duration_days.mode=7,"
                     "disruption.ferry_lost.duration_days.max=14"] if name == "ferry_lost" else []
        doc = document("compare", path, *variants, "-n", n, *PAIRED)
        names = [sc["name"] for sc in doc["scenarios"]]
        for d in doc["differences"]:
            print(f"| `{name}` ({kpi.split('.')[1]}) | {names[d['scenario']]} "
                  f"| {diff({'differences': [d]}, kpi, 2)} "
                  f"| {diff({'differences': [d]}, kpi.replace('recovery_', 'recovery_paired_'), 2)} "
                  f"| {diff({'differences': [d]}, 'service_level.wagons')} "
                  f"| {diff({'differences': [d]}, 'service_level.oil')} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=500)
    ap.add_argument("--seed", type=int, help="master seed [default: the scenarios' own]")
    ap.add_argument("--investments", action="store_true")
    a = ap.parse_args()
    if a.seed is not None:
        COMMON.extend(["--seed", str(a.seed)])
    tables(a.n, a.investments)


if __name__ == "__main__":
    main()
