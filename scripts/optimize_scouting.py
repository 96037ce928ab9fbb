#!/usr/bin/env python3
"""Re-measure the scouting figures of docs/optimize.md ("What each lever
does (scouting)" and the settings of "The command": the standard deviations
behind delta and the expected work).

Every figure comes from `caspian run scenarios/optimize_2030.toml -n N -t 2
--csv FILE --set ...` (one process at a time), read back from the
per-replication CSV:

  * the 120 portfolios of the worked example's grid, 100 replications each
    (K Kuryk-Alat ferries 3..7, A Aktau-Alat ferries 1..2, B Alat berths
    2..3, C tank farm 60,000/120,000/240,000 t, E escorts 0/1);
  * 4 Kuryk ferries, 2 Aktau ferries, no escorts, 2 and 3 berths, each
    tank farm: 2,000 replications (P over 2,000 years; phase 1 of
    `caspian optimize` replayed on these years);
  * the scenario's own fleet (6/2, 120,000 t) with 1 berth (100 replications)
    and with 2 berths, escorts off and on (200 replications);
  * `time caspian run scenarios/optimize_2030.toml -n 200 -t 2 -q`.

P = share of replications with service_level.wagons >= 0.95. Means and 95%
intervals are Student-t over the replications (as `caspian run` prints
them). The feasibility thresholds are exact binomial (Clopper-Pearson)
bounds at the worked example's settings.

CSV files are cached in --cache (delete it to measure afresh).

Usage: python3 scripts/optimize_scouting.py [--repo DIR] [--bin CASPIAN]
           [--cache DIR] [--prior P]
--prior sets interdiction.incident_probability (e.g. 0.0005, the former
prior); default: the scenario's own value.
"""

import argparse
import csv
import math
import os
import resource
import statistics as st
import subprocess
import time

KS = [3, 4, 5, 6, 7]
AS = [1, 2]
BS = [2, 3]
CS = [60000, 120000, 240000]
ES = [0, 1]
T975_99 = 1.9842169515  # Student t, 0.975 quantile, 99 degrees of freedom

ap = argparse.ArgumentParser()
ap.add_argument("--repo", default=os.getcwd())
ap.add_argument("--bin", default="target/release/caspian")
ap.add_argument("--cache", default="/tmp/optimize-scouting")
ap.add_argument("--prior", default=None)
args = ap.parse_args()
os.makedirs(args.cache, exist_ok=True)

RUN_LOG = []  # (label, wall s, cpu s)


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(k, a, b, c, e, n):
    tag = f"K{k}_A{a}_B{b}_C{c}_E{e}_n{n}"
    if args.prior:
        tag += f"_p{args.prior}"
    path = os.path.join(args.cache, tag + ".csv")
    if not os.path.exists(path):
        cmd = [args.bin, "run", "scenarios/optimize_2030.toml", "-n", str(n),
               "-t", "2", "-q", "--csv", path + ".part",
               "--set", f"fleet.ferries_kuryk_alat.count={k}",
               "--set", f"fleet.ferries_aktau_alat.count={a}",
               "--set", f"port.alat.berths.rail_ferry={b}",
               "--set", f"storage.aktau_tank_farm.capacity={c}",
               "--set", f"interdiction.escort.enabled={e}"]
        if args.prior:
            cmd += ["--set", f"interdiction.incident_probability={args.prior}"]
        w0, c0 = time.time(), child_cpu()
        subprocess.run(cmd, cwd=args.repo, check=True,
                       stdout=subprocess.DEVNULL)
        RUN_LOG.append((tag, time.time() - w0, child_cpu() - c0))
        os.replace(path + ".part", path)
    with open(path) as f:
        rows = list(csv.DictReader(f))
    keys = ("service_level.wagons", "transit_h.wagons.mean", "incidents",
            "vessels_lost", "shut_in.kazakh_crude", "cost.capital_per_year",
            "cost.operating_per_year", "cost.delay_per_year",
            "cost.lost_cargo_per_year", "cost.total_per_year")
    return {key: [float(r[key]) for r in rows] for key in keys}


def P(d):
    s = d["service_level.wagons"]
    return sum(v >= 0.95 for v in s) / len(s)


def mean(d, key, scale=1.0):
    return st.mean(d[key]) / scale


def ci(d, key, scale=1.0):
    v = [x / scale for x in d[key]]
    m, h = st.mean(v), T975_99 * st.stdev(v) / math.sqrt(len(v))
    assert len(v) == 100
    return m, m - h, m + h


def sdiff(d1, d2, key="cost.total_per_year", scale=1e6):
    return st.stdev([(x - y) / scale for x, y in zip(d1[key], d2[key])])


def f2(x):
    return f"{x:.2f}"


# ---------------------------------------------------------------- the grid
G = {}
for k in KS:
    for a in AS:
        for b in BS:
            for c in CS:
                for e in ES:
                    G[k, a, b, c, e] = run(k, a, b, c, e, 100)

prior = args.prior or "the scenario's"
print(f"# Scouting of docs/optimize.md, incident prior {prior}\n")
print("| Kuryk–Alat ferries | Alat berths | escorts off: P (mean service "
      "level) | escorts on: P (mean service level) |")
print("|---|---|---|---|")
for k in KS:
    for b in BS:
        cells = []
        for e in ES:
            d = G[k, 2, b, 120000, e]
            cells.append(f"{f2(P(d))} ({mean(d, 'service_level.wagons'):.4f})")
        print(f"| {k} | {b} | {cells[0]} | {cells[1]} |")

print("\n## Bullets")
p3 = [P(d) for key, d in G.items() if key[0] == 3]
print(f"3 Kuryk ferries: P at most {f2(max(p3))} over all 24 portfolios")
p4 = [P(G[4, 2, b, c, 0]) for b in BS for c in CS]
print(f"4 Kuryk, 2 Aktau, no escorts (6 portfolios): P {f2(min(p4))}–"
      f"{f2(max(p4))}")
p5 = [P(d) for key, d in G.items() if key[0] >= 5 and key[1] == 2]
print(f"5-7 Kuryk, 2 Aktau (36 portfolios): P at least {f2(min(p5))}")
L = {(b, c): run(4, 2, b, c, 0, 2000) for b in BS for c in CS}
for (b, c), d in L.items():
    print(f"4 Kuryk, {b} berths, {c} t, no escorts, 2,000 years: "
          f"P = {P(d):.4f} ({sum(v >= 0.95 for v in d['service_level.wagons'])} of 2000)")
a1 = [d for key, d in G.items() if key[1] == 1]
print(f"1 Aktau ferry (60 portfolios): P at most {f2(max(P(d) for d in a1))}, "
      f"mean service level {min(mean(d, 'service_level.wagons') for d in a1):.2f}–"
      f"{max(mean(d, 'service_level.wagons') for d in a1):.2f}")
print(f"berths at 4 Kuryk (2 Aktau, 120,000 t, no escorts): P "
      f"{f2(P(G[4, 2, 2, 120000, 0]))} -> {f2(P(G[4, 2, 3, 120000, 0]))}")
print(f"wagon transit at 6 Kuryk (2 Aktau, 120,000 t, no escorts): "
      f"{mean(G[6, 2, 2, 120000, 0], 'transit_h.wagons.mean'):.1f} -> "
      f"{mean(G[6, 2, 3, 120000, 0], 'transit_h.wagons.mean'):.1f} h")
b1 = run(6, 2, 1, 120000, 0, 100)
print(f"1 berth (6/2, 120,000 t, no escorts): P = {f2(P(b1))}, service level "
      f"{mean(b1, 'service_level.wagons'):.2f}")
esc = {e: run(6, 2, 2, 120000, e, 200) for e in ES}
for key, lab in (("incidents", "incidents a year"),
                 ("vessels_lost", "vessels lost a year"),
                 ("transit_h.wagons.mean", "mean wagon transit h"),
                 ("service_level.wagons", "wagon service level")):
    print(f"escorts off -> on (6/2/2 berths/120,000 t, 200 replications), "
          f"{lab}: {mean(esc[0], key):.3f} -> {mean(esc[1], key):.3f}")
print(f"escorts at 4 Kuryk, 2 berths, 120,000 t: P "
      f"{f2(P(G[4, 2, 2, 120000, 0]))} -> {f2(P(G[4, 2, 2, 120000, 1]))}; "
      f"3 berths: {f2(P(G[4, 2, 3, 120000, 0]))} -> "
      f"{f2(P(G[4, 2, 3, 120000, 1]))}")
up = [(key, P(G[key[:4] + (0,)]), P(d)) for key, d in G.items()
      if key[4] == 1 and P(d) > P(G[key[:4] + (0,)])]
upm = [key for key, d in G.items() if key[4] == 1 and
       mean(d, "service_level.wagons") > mean(G[key[:4] + (0,)], "service_level.wagons")]
print(f"portfolios where escorts raise P: {len(up)} {up}; "
      f"raise the mean service level: {len(upm)}")
print(f"escort-on portfolios with P >= 0.9: "
      f"{sorted(k for k, d in G.items() if k[4] == 1 and P(d) >= 0.9)}")
dm = dp = 0.0
for k in KS:
    for a in AS:
        for b in BS:
            for e in ES:
                x, y = G[k, a, b, 60000, e], G[k, a, b, 240000, e]
                dm = max(dm, abs(mean(x, "service_level.wagons") - mean(y, "service_level.wagons")))
                dp = max(dp, abs(P(x) - P(y)))
print(f"tank farm 60,000 vs 240,000 t over the 40 other combinations: mean "
      f"service level differs by at most {dm:.4f}, P by at most {f2(dp)}")
for c in CS:
    print(f"oil shut in at 6 Kuryk, 3 berths, {c} t: "
          f"{mean(G[6, 2, 3, c, 0], 'shut_in.kazakh_crude'):,.0f} t a year")

# ------------------------------------------------------------- cost table
print("\n## Cost table (M USD a year, 100 replications, 95% intervals)\n")
print("| Kuryk ferries | Aktau ferries | Alat berths | tank farm (t) | escorts "
      "| capital | operating | delay | lost cargo | total |")
print("|---|---|---|---|---|---|---|---|---|---|")
ROWS = [(4, 2, 2, 120000, 0), (5, 2, 3, 60000, 0), (6, 2, 2, 120000, 0),
        (6, 2, 3, 60000, 0), (6, 2, 3, 120000, 0), (7, 2, 3, 60000, 0),
        (6, 2, 3, 120000, 1)]
C = {}
for r in ROWS:
    d = G[r]
    C[r] = {k: mean(d, f"cost.{k}_per_year", 1e6)
            for k in ("capital", "operating", "delay", "lost_cargo", "total")}
    m, lo, hi = ci(d, "cost.total_per_year", 1e6)
    print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]:,} | {'on' if r[4] else 'off'} "
          f"| {C[r]['capital']:.1f} | {C[r]['operating']:.1f} | "
          f"{C[r]['delay']:.1f} | {C[r]['lost_cargo']:.1f} | "
          f"{m:.1f} [{lo:.1f}, {hi:.1f}] |")
r4, r5, plan = ROWS[0], ROWS[1], ROWS[2]
r6, r6b, r7, resc = ROWS[3], ROWS[4], ROWS[5], ROWS[6]
print(f"\n4/2 berths/120k minus 5/3 berths/60k: "
      f"{C[r4]['total'] - C[r5]['total']:.1f} (delay {C[r4]['delay']:.1f} vs "
      f"{C[r5]['delay']:.1f}, lost cargo {C[r4]['lost_cargo']:.1f} vs "
      f"{C[r5]['lost_cargo']:.1f})")
print(f"6th ferry: {C[r6]['total'] - C[r5]['total']:+.1f}; "
      f"7th: {C[r7]['total'] - C[r6]['total']:+.1f}")
best = min(ROWS, key=lambda r: C[r]["total"])
print(f"cheapest row: {best}; plan minus it: "
      f"{C[plan]['total'] - C[best]['total']:.1f}")
print("escorts (6/2/3 berths/120k) on minus off: " + ", ".join(
    f"{k} {C[resc][k] - C[r6b][k]:+.1f}" for k in C[resc]))
sh = (mean(G[6, 2, 3, 60000, 0], "shut_in.kazakh_crude")
      - mean(G[6, 2, 3, 120000, 0], "shut_in.kazakh_crude"))
print(f"tank farm 60k vs 120k at 6/2/3: total "
      f"{C[r6]['total'] - C[r6b]['total']:+.2f}, capital "
      f"{C[r6]['capital'] - C[r6b]['capital']:+.2f}, oil shut in {sh:+,.0f} t "
      f"(x 40 USD/t = {sh * 40 / 1e6:.2f} M USD)")
feas = sorted((mean(d, "cost.total_per_year", 1e6), key, P(d))
              for key, d in G.items() if P(d) >= 0.9)
print("cheapest portfolios with P >= 0.9 in the 100 years:")
for m, key, p in feas[:8]:
    print(f"  {key}: {m:.1f} (P {f2(p)})")

# ------------------------------------------- the standard deviations behind delta
print("\n## Standard deviations (cost.total_per_year, M USD a year)")
best5 = (5, 2, 3, 60000, 0)
lead = [(4, 2, 3, 60000, 0), (5, 2, 2, 60000, 0), best5,
        (5, 2, 3, 120000, 0), (6, 2, 3, 60000, 0)]
sds = [st.stdev(x / 1e6 for x in G[r]["cost.total_per_year"]) for r in lead]
print("own SD of the leading portfolios "
      + ", ".join(f"{r[:4]} {s:.1f}" for r, s in zip(lead, sds)))
alpha_s, k_sl, n0, delta = 0.025, 20, 50, 2.0
eta = 0.5 * ((2 * alpha_s / (k_sl - 1)) ** (-2 / (n0 - 1)) - 1)
h2 = 2 * eta * (n0 - 1)
print(f"h2 = {h2:.2f} (alpha_s {alpha_s}, k {k_sl}, n0 {n0})")
for lab, x, y in (("60,000 against 120,000 t", best5, (5, 2, 3, 120000, 0)),
                  ("2 against 3 berths", (5, 2, 2, 60000, 0), best5),
                  ("5 against 6 ferries", best5, (6, 2, 3, 60000, 0)),
                  ("4 against 5 ferries", (4, 2, 3, 60000, 0), best5)):
    s = sdiff(G[x], G[y])
    print(f"paired SD {lab}: {s:.2f} M USD -> last elimination by stage "
          f"h2 S2/delta2 = {h2 * s * s / delta ** 2:.0f}")
for c in (60000, 120000):
    a, b = G[5, 2, 3, c, 0]["vessels_lost"], G[6, 2, 3, c, 0]["vessels_lost"]
    print(f"years in which 5 and 6 ferries (3 berths, {c} t) lose a different "
          f"number of vessels: {sum(x != y for x, y in zip(a, b))} of 100; "
          f"years with a loss {sum(x > 0 for x in a)}, {sum(x > 0 for x in b)}")

# ----------------------------------------------------------- expected work
print("\n## Expected work (n0 = 50, cap 2,000, alpha = 0.05, 120 portfolios)")
looks, n = [], n0
while n < 2000:
    looks.append(n)
    n *= 2
looks.append(2000)
beta = 0.025 / (120 * 1 * len(looks))
print(f"looks {looks}, beta = {beta:.3g}")


def pmf(n, p):
    if p <= 0.0 or p >= 1.0:
        return [1.0 if s == round(n * p) else 0.0 for s in range(n + 1)]
    lp, lq = math.log(p), math.log1p(-p)
    return [math.exp(math.lgamma(n + 1) - math.lgamma(s + 1)
                     - math.lgamma(n - s + 1) + s * lp + (n - s) * lq)
            for s in range(n + 1)]


def thresholds(n, p0=0.9):
    """(largest s declared infeasible, smallest s declared feasible)."""
    f = pmf(n, p0)
    cdf, lo = 0.0, -1
    for s in range(n + 1):
        cdf += f[s]
        if cdf < beta:
            lo = s
    tail, hi = 0.0, n + 1
    for s in range(n, -1, -1):
        tail += f[s]
        if tail <= beta:
            hi = s
    return lo, hi


TH = {n: thresholds(n) for n in looks}
for n in looks:
    lo, hi = TH[n]
    print(f"  look {n}: infeasible if at most {lo} years meet it "
          f"({lo / n:.3f}), feasible if at least {hi} ({hi / n:.4f})")


def screening(p):
    """Expected replications and outcome probabilities for true P = p."""
    dist = {0: 1.0}
    prev, exp_n = 0, 0.0
    out = {"infeasible": 0.0, "feasible": 0.0, "undecided": 0.0}
    at = {}
    for n in looks:
        inc = pmf(n - prev, p)
        nd = {}
        for s, w in dist.items():
            for j, q in enumerate(inc):
                if q > 1e-15:
                    nd[s + j] = nd.get(s + j, 0.0) + w * q
        lo, hi = TH[n]
        dist = {}
        for s, w in nd.items():
            if s <= lo:
                out["infeasible"] += w
                exp_n += w * n
                at[n] = at.get(n, 0.0) + w
            elif s >= hi:
                out["feasible"] += w
                exp_n += w * n
                at[n] = at.get(n, 0.0) + w
            else:
                dist[s] = w
        prev = n
    w = sum(dist.values())
    out["undecided"] = w
    exp_n += w * 2000
    return exp_n, out, at


total = 0.0
groups = {}
for key, d in G.items():
    p = P(d)
    if key[:2] == (4, 2) and key[4] == 0:
        p = P(L[key[2], key[3]])  # the 2,000-year estimate
    en, out, at = screening(p)
    total += en
    g = ("infeasible at 50" if at.get(50, 0) > 0.99 and out["infeasible"] > 0.99
         else "feasible at 100" if at.get(100, 0) > 0.99 and out["feasible"] > 0.99
         else "other")
    groups.setdefault(g, []).append((key, p, en, out, at))
for g, items in groups.items():
    print(f"{g}: {len(items)} portfolios, {sum(i[2] for i in items):,.0f} "
          f"expected replications")
    if g == "other":
        for key, p, en, out, at in items:
            print(f"   {key} P={p:.4f}: expected {en:.0f} replications, "
                  f"feasible {out['feasible']:.3f}, undecided "
                  f"{out['undecided']:.3f}, by look "
                  + ", ".join(f"{n}: {w:.2f}" for n, w in sorted(at.items())))
print(f"expected screening replications: {total:,.0f}")
# Phase 1 on the replications themselves: `caspian optimize` uses
# replication indices 0..n-1 of every portfolio under common random numbers,
# the same years as `caspian run -n 2000` gives.
for (b, c), d in L.items():
    sl = d["service_level.wagons"]
    for n in looks:
        s = sum(v >= 0.95 for v in sl[:n])
        lo, hi = TH[n]
        if s <= lo or s >= hi:
            verdict = "infeasible" if s <= lo else "feasible"
            break
    else:
        verdict = "undecided"
    print(f"phase 1 on these years, 4 Kuryk, {b} berths, {c} t: {verdict} at "
          f"{n} years ({s} of {n}, {s / n:.4f})")

# ------------------------------------------------------------------ timing
print("\n## Timing")
w0, c0 = time.time(), child_cpu()
subprocess.run([args.bin, "run", "scenarios/optimize_2030.toml", "-n", "200",
                "-t", "2", "-q"] + (["--set", f"interdiction.incident_probability={args.prior}"]
                                    if args.prior else []),
               cwd=args.repo, check=True, stdout=subprocess.DEVNULL)
w, c = time.time() - w0, child_cpu() - c0
print(f"caspian run scenarios/optimize_2030.toml -n 200 -t 2 -q: {w:.2f} s wall, "
      f"{c:.2f} s CPU ({c / 200 * 1000:.1f} ms a replication); load average "
      f"{os.getloadavg()[0]:.2f}")
if RUN_LOG:
    print(f"runs made now: {len(RUN_LOG)}, {sum(r[1] for r in RUN_LOG):.0f} s wall, "
          f"{sum(r[2] for r in RUN_LOG):.0f} s CPU")
