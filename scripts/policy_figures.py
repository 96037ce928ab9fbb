#!/usr/bin/env python3
"""Recomputes every policy figure that docs/calibration.md (sections 2.1 to
2.8), docs/resilience.md and README.md print, with the release binary, and
prints them as Markdown, one block per section, ready to paste.

Usage, from the repository root:

  cargo build --release -p caspian-cli
  python3 scripts/policy_figures.py [-n 200] [--sweep-n 20] [--seed S] \
      [--resilience-n 500] [--only 2.1,2.9,resilience,readme] \
      [--fan docs/img/fan-alat-closed-30d-wagons.svg]

Each section runs the commands its document gives:
  caspian compare scenarios/baseline.toml scenarios/<policy>.toml -n N   (paired effects)
  caspian sweep scenarios/<policy>.toml -n SWEEP_N                       (the file's own axes)
  caspian run scenarios/demand_2030.toml -n N                             (absolute figures)
and the resilience tables come from scripts/resilience_table.py (imported,
so the two scripts cannot disagree). A compare row is
`| KPI | baseline mean | policy mean | policy - baseline [95% paired CI] |`;
a sweep row is one design point: its axis values, then each KPI's mean.
With --fan the month-by-month wagons chart of the 30-day Baku closure
(the report's "Month by month: wagons" SVG) is written to that path.

A compare or sweep that fails (e.g. the engine's internal error) is
printed in place of its table; the other sections still run and the script
exits 1 at the end, naming the failed commands.

Only the standard library is used. Figures depend on -n, --sweep-n and the
seed (--seed; by default the scenarios' own, 20261123).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in scripts/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import resilience_table as rt  # noqa: E402  (the shared runner and the stress tables)

BASELINE = rt.BASELINE


def fmt(x):
    """A figure as the docs print it: thousands separators, 3-4 significant digits."""
    if x is None or x != x:  # undefined (null in the JSON) or NaN
        return "n/a"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.4f}"


def compare(policy, kpis, n, variants=()):
    """Paired comparison of the baseline with a policy file, a list of them,
    or --variant policies of the baseline when policy is None: one Markdown
    table per policy."""
    policies = [] if policy is None else [policy] if isinstance(policy, str) else list(policy)
    args = ["compare", BASELINE] + policies
    for v in variants:
        args += ["--variant", v]
    try:
        doc = rt.document(*args, "-n", str(n))
    except SystemExit as e:  # reported like a failed sweep
        FAILED.append(f"compare {' '.join(policies + list(variants))}")
        print(f"\n`caspian {' '.join(args)} -n {n}` FAILED:\n\n```\n{e}\n```")
        return None
    names = [s["name"] for s in doc["scenarios"]]
    base = doc["summaries"][0]
    for d in doc["differences"]:
        i = d["scenario"]
        print(f"\n`{names[0]}` against `{names[i]}`, {n} replications:\n")
        print(f"| KPI | {names[0]} | {names[i]} | difference [95% CI] |")
        print("|---|---|---|---|")
        for k in kpis:
            b, p, e = base.get(k), doc["summaries"][i].get(k), d["kpis"].get(k)
            if b is None or p is None or e is None:
                print(f"| `{k}` | n/a | n/a | n/a |")
                continue
            print(f"| `{k}` | {fmt(b['mean'])} | {fmt(p['mean'])} | {fmt(e['mean_diff'])} "
                  f"[{fmt(e['ci95_low'])}, {fmt(e['ci95_high'])}] |")
    return doc


def sweep(scenario, kpis, n):
    """The scenario's own sweep: one row per design point, KPI means."""
    try:
        doc = rt.document("sweep", scenario, "-n", str(n))
    except SystemExit as e:  # a failed command is reported, the other sections still run
        FAILED.append(f"sweep {scenario}")
        print(f"\n`caspian sweep {scenario} -n {n}` FAILED:\n\n```\n{e}\n```")
        return
    axes = [a["key"] if isinstance(a, dict) else str(a) for a in doc["axes"]]
    print(f"\n`caspian sweep {scenario} -n {n}`:\n")
    print("| " + " | ".join(f"`{a}`" for a in axes) + " | " + " | ".join(f"`{k}`" for k in kpis) + " |")
    print("|" + "---|" * (len(axes) + len(kpis)))
    for p in doc["points"]:
        vals = [f"{v:,.0f}" if isinstance(v, (int, float)) and v == int(v) else
                fmt(v) if isinstance(v, (int, float)) else str(v) for v in p["values"]]
        cells = [fmt(p["kpis"][k]["mean"]) if k in p["kpis"] else "n/a" for k in kpis]
        print("| " + " | ".join(vals + cells) + " |")


def run(scenario, kpis, n, extra=()):
    """Absolute figures of one scenario: mean and 95% CI."""
    doc = rt.document("run", scenario, "-n", str(n), *extra)
    print(f"\n`caspian run {scenario} -n {n}`:\n")
    print("| KPI | mean | 95% CI |")
    print("|---|---|---|")
    for k in kpis:
        s = doc["kpis"].get(k)
        if s is None:
            print(f"| `{k}` | n/a | |")
        else:
            print(f"| `{k}` | {fmt(s['mean'])} | {fmt(s['ci95_low'])} to {fmt(s['ci95_high'])} |")
    return doc


# Commands that failed (printed where their table would be); main exits 1 if any.
FAILED = []

WAGONS = "delivered_total.wagons"
OIL = "delivered_total.oil"
TRANSIT_W = "transit_h.wagons.mean"
TRANSIT_O = "transit_h.oil.mean"

# (section, title, policy file, compare KPIs, sweep KPIs or None)
SECTIONS = [
    ("2.1", "alat_extra_berth.toml", "scenarios/alat_extra_berth.toml",
     ["anchorage_wait_h.alat.rail_ferry", "berth_utilization.alat.rail_ferry", TRANSIT_W, WAGONS],
     ["anchorage_wait_h.alat.rail_ferry", WAGONS, TRANSIT_W]),
    ("2.2", "larger_ferry_fleet.toml", "scenarios/larger_ferry_fleet.toml",
     ["voyages.ferries_kuryk_alat", WAGONS, TRANSIT_W, "vessel_utilization.ferries_kuryk_alat",
      "anchorage_wait_h.kuryk.rail_ferry", "berth_utilization.kuryk.rail_ferry",
      "cargo_wait_h.ferries_kuryk_alat"],
     [WAGONS, "gate_wait_h.westbound_trains_kuryk", TRANSIT_W, "anchorage_wait_h.kuryk.rail_ferry"]),
    ("2.3", "btk_17mt.toml", "scenarios/btk_17mt.toml",
     ["forwarded.btk_railway", WAGONS, TRANSIT_W, "storage_mean.alat_yard_west"],
     ["forwarded.btk_railway", WAGONS, TRANSIT_W, "storage_max.alat_yard_west"]),
    ("2.4", "escort_convoys.toml", "scenarios/escort_convoys.toml",
     ["incidents", "vessels_lost", TRANSIT_O, TRANSIT_W, "voyages.ferries_kuryk_alat",
      "voyages.ferries_aktau_alat", "vessel_utilization.ferries_kuryk_alat", WAGONS, OIL],
     [TRANSIT_W, "vessels_lost", "incidents"]),
    ("2.5", "high_interdiction.toml", "scenarios/high_interdiction.toml",
     ["incidents", "vessels_lost", "corridor_closure_h", TRANSIT_W, TRANSIT_O,
      "shut_in.kazakh_crude", OIL, WAGONS, "cargo_lost.wagons", "vessel_utilization.oil_tankers"],
     None),
    ("2.6", "severe_winter.toml", "scenarios/severe_winter.toml",
     ["port_closure_h.alat", "anchorage_wait_h.kuryk.rail_ferry", "anchorage_wait_h.alat.rail_ferry",
      "anchorage_wait_h.aktau.tanker", "anchorage_wait_h.sangachal.tanker", TRANSIT_W, TRANSIT_O,
      "voyages.ferries_kuryk_alat", OIL, WAGONS, "vessel_utilization.oil_tankers"],
     ["port_closure_h.alat", "shut_in.kazakh_crude", WAGONS]),
]

SEA_LEVEL = ["scenarios/sea_level_2030.toml", "scenarios/sea_level_2030_dredged.toml"]
SEA_LEVEL_KPIS = [OIL, WAGONS, "load_factor.oil_tankers", "load_factor.ferries_kuryk_alat",
                  "load_factor.ferries_turkmenbashi_alat", "voyages.oil_tankers", "service_level.wagons"]

DEMAND_2030_KPIS = [OIL, WAGONS, "delivered_t.total", TRANSIT_W, TRANSIT_O,
                    "anchorage_wait_h.kuryk.rail_ferry", "berth_utilization.kuryk.rail_ferry",
                    "anchorage_wait_h.sangachal.tanker", "berth_utilization.sangachal.tanker",
                    "anchorage_wait_h.aktau.tanker", "shut_in.kazakh_crude"]
DEMAND_2030_SWEEP = ["anchorage_wait_h.kuryk.rail_ferry", "anchorage_wait_h.sangachal.tanker",
                     TRANSIT_W, "shut_in.kazakh_crude"]


def resilience(n, fan):
    print("\n## docs/resilience.md (and calibration.md 2.8)\n")
    rt.tables(n, investments=True)
    print("\n### The CPC surge's limit\n")
    doc = rt.document("compare", "scenarios/stress/cpc_outage_surge.toml",
                      "--variant", "x3:disruption.cpc_surge.scale=3",
                      "--variant", "x4:disruption.cpc_surge.scale=4", "-n", str(n))
    names = [s["name"] for s in doc["scenarios"]]
    print("| variant | `delivered_total.oil` | `shut_in.kazakh_crude` | `service_level.oil` "
          "| Δ oil delivered vs x2 [95% CI] |")
    print("|---|---|---|---|---|")
    for i, s in enumerate(doc["summaries"]):
        d = next((d for d in doc["differences"] if d["scenario"] == i), None)
        delta = "—" if d is None else rt.diff({"differences": [d]}, OIL, 0)
        print(f"| {names[i]} | {fmt(s[OIL]['mean'])} | {fmt(s['shut_in.kazakh_crude']['mean'])} "
              f"| {s['service_level.oil']['mean']:.4f} | {delta} |")
    print("\n### Month by month, the 30-day Baku closure (medians of the fan chart's series)\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "c.json")
        rt.caspian("compare", BASELINE, "scenarios/stress/alat_closed_30d.toml", "-n", str(n),
                   "--json", path, "-q")
        with open(path) as f:
            doc = json.load(f)
        names = [s["name"] for s in doc["scenarios"]]
        print("| month | " + " | ".join(f"{nm}: delivered (P50) | {nm}: in corridor (P50)"
                                         for nm in names) + " |")
        print("|---|" + "---|---|" * len(names))
        for m in range(1, 14):
            row = []
            for s in doc["summaries"]:
                dk, bk = f"month_delivered.wagons.m{m:02d}", f"month_backlog.wagons.m{m:02d}"
                row += [fmt(s[dk]["p50"]) if dk in s else "n/a", fmt(s[bk]["p50"]) if bk in s else "n/a"]
            print(f"| m{m:02d} | " + " | ".join(row) + " |")
        if fan:
            html = os.path.join(tmp, "c.html")
            out = subprocess.run([rt.BIN, "report", path, "--out", html], capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f"caspian report failed ({out.returncode}):\n{out.stderr}")
            with open(html) as f:
                svgs = re.findall(r"<svg\b.*?</svg>", f.read(), flags=re.S)
            chart = [s for s in svgs if "Month by month: wagons" in s]
            if not chart:
                sys.exit("the report has no 'Month by month: wagons' chart")
            tmp_fan = fan + ".tmp"
            with open(tmp_fan, "w") as f:
                f.write(chart[0] + "\n")
            os.replace(tmp_fan, fan)
            print(f"\n(fan chart written to {fan})")


def readme(n):
    print("\n## README.md: three planners' questions, ferry trips, the Baku closure\n")
    compare(None, ["forwarded.btc_offtake"], n, ["storms_x1.5:weather.storm_rate_multiplier=1.5"])
    compare(None, [OIL, WAGONS, "anchorage_wait_h.alat.rail_ferry", "anchorage_wait_h.kuryk.rail_ferry",
                   "cargo_wait_h.ferries_kuryk_alat"], n,
            ["third_alat_berth:port.alat.berths.rail_ferry=3",
             "two_more_ferries:fleet.ferries_kuryk_alat.count=5"])
    doc = rt.document("run", "scenarios/high_interdiction.toml", "-n", str(n),
                      "--target", "delivered_total.oil<1500000")
    t = doc["targets"][0]
    lo, hi = t.get("wilson95_low", t.get("ci95_low")), t.get("wilson95_high", t.get("ci95_high"))
    print(f"\nhigh_interdiction, P(annual oil < 1.5 Mt) = {t['p_meet']:.4f} "
          f"(95% interval {lo:.4f} to {hi:.4f}), {n} replications")
    run(BASELINE, ["trips_per_vessel_month.ferries_kuryk_alat", "downtime_h.ferries_kuryk_alat"], n)
    compare("scenarios/stress/alat_closed_30d.toml", ["service_level.wagons", "service_level.oil",
                                                      "diverted_total.wagons"], n)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=200, help="replications per compare and run [200]")
    ap.add_argument("--sweep-n", type=int, default=20, help="replications per sweep point [20]")
    ap.add_argument("--resilience-n", type=int, default=500,
                    help="replications for docs/resilience.md's tables and chart [500]")
    ap.add_argument("--seed", type=int, help="master seed [default: the scenarios' own]")
    ap.add_argument("--only", help="comma-separated sections: 2.1,...,2.7, 2.9, resilience, readme [all]")
    ap.add_argument("--fan", help="write the Baku closure's month-by-month wagons chart (SVG) here")
    a = ap.parse_args()
    if not os.path.exists(rt.BIN):
        sys.exit(f"{rt.BIN} not found: run `cargo build --release -p caspian-cli` first")
    if a.seed is not None:
        rt.COMMON.extend(["--seed", str(a.seed)])
    only = set(a.only.split(",")) if a.only else None
    want = lambda s: only is None or s in only  # noqa: E731
    print(f"<!-- python3 scripts/policy_figures.py -n {a.n} --sweep-n {a.sweep_n} --resilience-n {a.resilience_n}"
          f"{'' if a.seed is None else f' --seed {a.seed}'} -->")
    for sec, title, path, kpis, sweep_kpis in SECTIONS:
        if not want(sec):
            continue
        print(f"\n## calibration.md {sec} `{title}`")
        compare(path, kpis, a.n)
        if sweep_kpis:
            sweep(path, sweep_kpis, a.sweep_n)
    if want("2.7"):
        print("\n## calibration.md 2.7 `demand_2030.toml`")
        run("scenarios/demand_2030.toml", DEMAND_2030_KPIS, a.n)
        sweep("scenarios/demand_2030.toml", DEMAND_2030_SWEEP, a.sweep_n)
    if want("2.9"):
        print("\n## calibration.md 2.9 `sea_level_2030.toml`, `sea_level_2030_dredged.toml`")
        compare(SEA_LEVEL, SEA_LEVEL_KPIS, a.n)
    if want("resilience") or want("2.8"):
        resilience(a.resilience_n, a.fan)
    if want("readme"):
        readme(a.n)
    if FAILED:
        sys.exit("failed: " + "; ".join(FAILED))


if __name__ == "__main__":
    main()
