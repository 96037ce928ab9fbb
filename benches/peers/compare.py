"""caspian-sim against SimPy, side by side: same models, same parameters, same
replication counts, whole processes, one thread each.

Run through compare.sh (which builds the binaries and the virtualenv). For
each model, both implementations run RUNS times, interleaved (caspian,
SimPy, caspian, SimPy, ...), each timed by wall clock from process start to
exit; the median is reported. The KPIs of the first run of each side are
then compared.

Agreement rule, per model: for every KPI the SimPy peer reports, a two-sided
Welch t-test of "same mean" on the per-replication values (caspian's mean,
sd and n from its --json summary; SimPy's from its own). The model agrees if
no KPI is rejected at family-wise level 1% (Bonferroni: each of the k KPIs
at 1%/k). KPIs with zero variance on both sides must be equal. Any
disagreement makes the script exit with status 1: a wrong-but-fast model
does not count. Both sides use fixed seeds, so the verdict is reproducible.

--self-test re-runs the SimPy peers with deliberate modelling errors planted
(`--defect` in simpy_mmc.py and simpy_ferry.py) and checks that the rule
rejects every one of them (exit status 1 otherwise).

Only when every KPI agrees do the time ratios mean anything; they are
printed either way, marked. Then, per model, the model's own cost per event
against the bare hold step at the same queue size (the issue's goal: at most
1.5x):

- events: `caspian run --csv` (untimed, after the timed runs) writes the
  number of events each replication fired; caspian's ns per event is its
  median whole-process time over the sum of those events (process start,
  scenario compilation and output included, so it slightly overstates the
  per-event cost);
- queue size: the mean number of pending events when an event is popped
  (the popped one included), over the events of replication 0: the
  `pending` column of `caspian trace`, which the engine reports exactly;
- hold: `peers_hold N` at that N (rounded), timed in the same interleaved
  rounds as the model runs (caspian, SimPy, hold, start-up, caspian, ...),
  median ns per hold (its own timer, after N warm-up holds);
- start-up: `caspian run` of the same file for one replication of next to
  no simulated time (STARTUP), in the same rounds; caspian's ns per event is
  also given net of its median (process start, scenario compilation,
  output), which leaves the per-replication work (KPI layout, summaries)
  in.

--pgo BINARY also times a second caspian binary, the profile-guided build of
scripts/pgo-build.sh, in the same interleaved rounds (caspian, PGO, SimPy,
...), checks that its result document is byte-identical to the plain
binary's (exit status 1 otherwise), and reports its ratio beside the plain
one. The plain `cargo build --release` binary stays the reference.

--instructions adds the same per-event comparison in instructions
(callgrind; deterministic, so unaffected by the load that makes the
wall-clock figures noisy): see `instructions_per_event`.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from peers_common import load_scenario, t_cdf

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = ROOT / "target" / "peers"
CASPIAN = ROOT / "target" / "release" / "caspian"
HOLD = ROOT / "target" / "release" / "examples" / "peers_hold"
PY = sys.executable
ALPHA = 0.01


def run_timed(cmd: list, stdout=subprocess.DEVNULL) -> float:
    """Runs `cmd` to completion and returns its wall-clock time in seconds."""
    start = time.perf_counter()
    subprocess.run([str(c) for c in cmd], check=True, stdout=stdout)
    return time.perf_counter() - start


def fmt(x, digits=4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.{digits}g}" if abs(x) < 1e5 else f"{x:.0f}"


# ----- KPI agreement -----------------------------------------------------------


def welch(a: dict, b: dict) -> tuple[float, float, float]:
    """(t, degrees of freedom, two-sided p) for equal means."""
    va, vb = a["sd"] ** 2 / a["n"], b["sd"] ** 2 / b["n"]
    se = math.sqrt(va + vb)
    diff = a["mean"] - b["mean"]
    if se == 0.0:
        same = abs(diff) <= 1e-9 * max(1.0, abs(a["mean"]))
        return (0.0 if same else math.inf), math.inf, (1.0 if same else 0.0)
    t = diff / se
    df = (va + vb) ** 2 / (va**2 / (a["n"] - 1) + vb**2 / (b["n"] - 1))
    p = 2.0 * (1.0 - t_cdf(abs(t), df))
    return t, df, p


def agreement(name: str, rust: dict, simpy: dict, replications: int, quiet: bool = False) -> list[str]:
    """Prints the KPI table; returns the KPIs that disagree."""
    if rust.get("truncated_replications", 0):
        return [f"{name}: caspian truncated {rust['truncated_replications']} replications"]
    keys = sorted(simpy["kpis"])
    k = len(keys)
    bad = []
    rows = []
    for key in keys:
        s = simpy["kpis"][key]
        r = rust["kpis"].get(key)
        if r is None:
            bad.append(f"{key} (caspian does not report it)")
            continue
        if r["n"] == 0 and s["n"] == 0:
            rows.append((key, r, s, None, None, "both undefined"))
            continue
        if r["n"] != s["n"] or r["n"] < 2:
            bad.append(f"{key} (defined in {r['n']} caspian vs {s['n']} SimPy replications)")
            continue
        t, df, p = welch(r, s)
        ok = p >= ALPHA / k
        rows.append((key, r, s, t, p, "agree" if ok else "DISAGREE"))
        if not ok:
            bad.append(f"{key} (t = {t:.2f}, p = {p:.2g} < {ALPHA / k:.2g})")
    if not quiet:
        print(f"\n{name}: {replications} replications each; Welch t-test per KPI, "
              f"reject at p < 1%/{k} = {ALPHA / k:.2g}")
        w = max(len(r[0]) for r in rows) if rows else 10
        print(f"  {'kpi':<{w}}  {'caspian mean [95% CI]':>32}  {'SimPy mean [95% CI]':>32}  {'t':>7}  {'p':>7}")
        for key, r, s, t, p, verdict in rows:
            rc = f"{fmt(r['mean'])} [{fmt(r['ci95_low'])}, {fmt(r['ci95_high'])}]"
            sc = f"{fmt(s['mean'])} [{fmt(s['ci95_low'])}, {fmt(s['ci95_high'])}]"
            tt = "-" if t is None else f"{t:7.2f}"
            pp = "-" if p is None else f"{p:7.3f}"
            print(f"  {key:<{w}}  {rc:>32}  {sc:>32}  {tt:>7}  {pp:>7}  {verdict}")
    return bad


def erlang_c(sc: dict) -> str:
    """Theory for the M/M/c file, as a sanity line (not part of the rule)."""
    (port,) = sc["port"]
    (ot,) = sc["open_traffic"]
    c = int(port["berths"][ot["berth_class"]])
    lam = 1.0 / float(ot["interarrival_h"]["mean"])
    mu = 1.0 / float(ot["service_h"]["mean"])
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1.0 - rho)
    pw = top / (sum(a**i / math.factorial(i) for i in range(c)) + top)
    return f"Erlang C: utilization {rho:.4f}, mean wait {pw / (c * mu - lam):.4f} h"


# ----- the models -----------------------------------------------------------------

# name, scenario file, SimPy peer; the M/M/c files also get the Erlang C line.
MODELS = [
    ("mmc", "scenarios/mmc_check.toml", "simpy_mmc.py"),
    ("mmc_rho09", "scenarios/mmc_rho09.toml", "simpy_mmc.py"),
    ("ferry_shuttle", "scenarios/ferry_shuttle.toml", "simpy_ferry.py"),
]
# Planted defects of the SimPy peers that --self-test must see rejected.
DEFECTS = {
    "mmc": ["service_from_arrival"],
    "mmc_rho09": ["service_from_arrival"],
    "ferry_shuttle": ["no_slowdown", "sail_in_storms", "berth_in_storms"],
}
# A start-up run: the scenario compiled and one replication of 86 s
# simulated time (next to no events) written out: what a whole-process time
# holds besides the replications.
STARTUP = ["--set", "scenario.horizon_days=0.001", "--set", "scenario.warmup_days=0"]
def mean_pending(path: Path) -> float:
    """Mean number of pending events when an event is popped (the event
    itself included: the hold model's N), over one replication's trace: the
    engine's count in the `pending` column (empty only for corridor-closure
    boundaries, which are not events)."""
    with path.open(newline="") as f:
        counts = [int(r["pending"]) for r in csv.DictReader(f) if r.get("pending")]
    if not counts:
        raise SystemExit(f"{path}: no `pending` counts: not a trace of this caspian")
    return sum(counts) / len(counts)


def caspian_events(name: str, scenario: str, reps: int) -> dict:
    """Events per replication (from `caspian run --csv`) and the mean queue
    size (from `caspian trace` of replication 0); untimed."""
    ev_csv, trace_csv = OUT / f"{name}_caspian_events.csv", OUT / f"{name}_caspian_trace_r0.csv"
    subprocess.run([str(CASPIAN), "run", scenario, "-n", str(reps), "--threads", "1", "--quiet",
                    "--csv", str(ev_csv)], check=True, stdout=subprocess.DEVNULL)
    with ev_csv.open(newline="") as f:
        events = [int(r["events"]) for r in csv.DictReader(f)]
    subprocess.run([str(CASPIAN), "trace", scenario, "-r", "0", "--csv", str(trace_csv)], check=True,
                   stderr=subprocess.DEVNULL)
    with trace_csv.open(newline="") as f:
        traced = sum(1 for r in csv.DictReader(f) if r.get("pending"))
    if traced != events[0]:
        raise SystemExit(f"{name}: the trace of replication 0 has {traced} event rows, the run counted "
                         f"{events[0]} events: the trace is no longer one row per event")
    pending = mean_pending(trace_csv)
    return {"events_per_replication": events, "events_total": sum(events),
            "events_mean": sum(events) / len(events), "pending_mean": pending}


def hold_ns(n: int, holds: int) -> tuple[float, float]:
    """One `peers_hold n holds` process: (ns per hold, whole-process seconds)."""
    start = time.perf_counter()
    out = subprocess.run([str(HOLD), str(n), str(holds)], check=True, capture_output=True, text=True).stdout
    return json.loads(out)["ns_per_hold"], time.perf_counter() - start


def instructions_per_event(entry: dict) -> None:
    """Adds to a model's summary `entry` the same comparison in instructions
    (callgrind, unaffected by load): caspian's instructions per event over
    a few replications, net of a start-up run, against the hold step's at
    the same N (the difference of two hold counts over their difference, so
    start-up and warm-up cancel). Counts with scripts/instructions.py's
    `count`."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from instructions import count

    reps = max(1, min(entry["replications"], round(200_000 / entry["caspian_events_mean"])))
    base = [str(CASPIAN), "run", entry["scenario"], "-n", str(reps), "--threads", "1", "--quiet", "--json", "{out}"]
    events = sum(entry["caspian_events_per_replication"][:reps])
    run_ir, start_ir = count(base), count(base[:4] + ["1"] + base[5:] + STARTUP)
    n, h1, h2 = entry["hold_n"], 100_000, 300_000
    hold_ir = (count([str(HOLD), str(n), str(h2)]) - count([str(HOLD), str(n), str(h1)])) / (h2 - h1)
    per_event = (run_ir - start_ir) / events
    entry.update({"ir_replications": reps, "ir_events": events, "ir_run": run_ir, "ir_startup": start_ir,
                  "ir_per_event_net": per_event, "ir_per_hold": hold_ir, "ir_event_vs_hold_ratio": per_event / hold_ir})
    print(f"  {entry['model']:<14} {reps:>3} reps, {events} events: caspian {per_event:7.0f} instructions/event "
          f"(net of start-up), hold at N = {n} {hold_ir:5.0f} instructions/hold: {per_event / hold_ir:5.2f}x")


def compare_model(name, scenario, reps, runs, peer_script, holds, summary, failures, pgo=None):
    sc_path = ROOT / scenario
    counts = caspian_events(name, scenario, reps)
    hold_n = max(1, round(counts["pending_mean"]))
    rust_times, simpy_times, hold_times, start_times, pgo_times = [], [], [], [], []
    pgo_differs = False
    for i in range(runs):
        rj = OUT / f"{name}_caspian_{i}.json"
        sj = OUT / f"{name}_simpy_{i}.json"
        rj.unlink(missing_ok=True)
        rust_times.append(
            run_timed([CASPIAN, "run", scenario, "-n", reps, "--threads", "1", "--quiet", "--json", rj])
        )
        if pgo:
            pj = OUT / f"{name}_caspian_pgo_{i}.json"
            pj.unlink(missing_ok=True)
            pgo_times.append(run_timed([pgo, "run", scenario, "-n", reps, "--threads", "1", "--quiet", "--json", pj]))
            if pj.read_bytes() != rj.read_bytes():
                pgo_differs = True
                failures.append(f"{name}: the PGO binary's result document differs from the plain binary's")
        simpy_times.append(run_timed([PY, HERE / peer_script, scenario, reps, sj]))
        hold_times.append(hold_ns(hold_n, holds)[0])
        start_times.append(run_timed([CASPIAN, "run", scenario, "-n", 1, "--threads", 1, "--quiet", "--json",
                                      OUT / f"{name}_caspian_startup.json", *STARTUP]))
        pgo_note = f", PGO {pgo_times[-1]:.3f} s" if pgo else ""
        print(f"  {name} run {i + 1}/{runs}: caspian {rust_times[-1]:.3f} s{pgo_note}, SimPy {simpy_times[-1]:.2f} s, "
              f"hold at N = {hold_n} {hold_times[-1]:.1f} ns", flush=True)
    rust = json.loads((OUT / f"{name}_caspian_0.json").read_text())
    simpy = json.loads((OUT / f"{name}_simpy_0.json").read_text())
    bad = agreement(name, rust, simpy, reps)
    if peer_script == "simpy_mmc.py":
        print("  " + erlang_c(load_scenario(str(sc_path))))
    failures += [f"{name}: {b}" for b in bad]
    rm, sm, hm = statistics.median(rust_times), statistics.median(simpy_times), statistics.median(hold_times)
    st = statistics.median(start_times)
    ns_event = 1e9 * rm / counts["events_total"]
    ns_net = 1e9 * (rm - st) / counts["events_total"]
    print(f"  per event: {counts['events_mean']:.0f} events a replication, {counts['pending_mean']:.1f} pending "
          f"on average; caspian {ns_event:.1f} ns/event whole process ({ns_net:.1f} net of a {1e3 * st:.0f} ms "
          f"start-up), hold at N = {hold_n} {hm:.1f} ns/hold: {ns_event / hm:.2f}x ({ns_net / hm:.2f}x net; "
          f"goal <= 1.5)")
    summary.append({
        "model": name, "scenario": scenario, "replications": reps,
        "caspian_s": rust_times, "simpy_s": simpy_times,
        "caspian_median_s": rm, "simpy_median_s": sm, "ratio": sm / rm,
        "kpis_agree": not bad,
        "caspian_per_replication_ms": 1e3 * rm / reps, "simpy_per_replication_ms": 1e3 * sm / reps,
        "caspian_events_per_replication": counts["events_per_replication"],
        "caspian_events_total": counts["events_total"],
        "caspian_events_mean": counts["events_mean"],
        "pending_mean": counts["pending_mean"],
        "pending_method": "the engine's count in the pending column of caspian trace -r 0",
        "caspian_ns_per_event": ns_event,
        "caspian_startup_s": start_times, "caspian_startup_median_s": st,
        "caspian_ns_per_event_net_of_startup": ns_net, "event_vs_hold_ratio_net_of_startup": ns_net / hm,
        "hold_n": hold_n, "hold_holds": holds, "hold_ns_per_hold": hold_times, "hold_median_ns": hm,
        "event_vs_hold_ratio": ns_event / hm,
    })
    if pgo:
        pm = statistics.median(pgo_times)
        summary[-1].update({
            "pgo_s": pgo_times, "pgo_median_s": pm, "pgo_ratio": sm / pm,
            "pgo_results_identical": not pgo_differs,
            "pgo_vs_plain": pm / rm,
            "pgo_vs_plain_paired_median": statistics.median(p / r for p, r in zip(pgo_times, rust_times)),
            "pgo_ns_per_event": 1e9 * pm / counts["events_total"],
            "pgo_event_vs_hold_ratio": 1e9 * pm / counts["events_total"] / hm,
        })
    return rust


def self_test(rust_docs: dict, reps: dict, failures: list) -> None:
    print("\nself-test: SimPy peers with planted errors must be rejected")
    for name, scenario, script in MODELS:
        for defect in DEFECTS[name]:
            out = OUT / f"{name}_simpy_defect_{defect}.json"
            run_timed([PY, HERE / script, scenario, reps[name], out, "--defect", defect])
            doc = json.loads(out.read_text())
            bad = agreement(f"{name} --defect {defect}", rust_docs[name], doc, reps[name], quiet=True)
            if bad:
                print(f"  {name} --defect {defect}: rejected ({len(bad)} KPIs), e.g. {bad[0]}")
            else:
                print(f"  {name} --defect {defect}: NOT rejected")
                failures.append(f"self-test: {name} --defect {defect} was not detected")


def compare_hold(sizes, holds, runs, summary):
    print(f"\nhold model: {holds} timed holds after N warm-up holds, one process per run")
    for n in sizes:
        r_ns, s_ns, r_s, s_s = [], [], [], []
        for _ in range(runs):
            for cmd, ns, wall in (([HOLD, n, holds], r_ns, r_s), ([PY, HERE / "simpy_hold.py", n, holds], s_ns, s_s)):
                start = time.perf_counter()
                out = subprocess.run([str(c) for c in cmd], check=True, capture_output=True, text=True).stdout
                wall.append(time.perf_counter() - start)
                ns.append(json.loads(out)["ns_per_hold"])
        rm, sm = statistics.median(r_ns), statistics.median(s_ns)
        rp, sp = statistics.median(r_s), statistics.median(s_s)
        print(f"  N = {n:>8}: caspian-engine {rm:8.1f} ns/hold, SimPy {sm:8.1f} ns/hold, ratio {sm / rm:6.1f}x; "
              f"whole process {rp:.3f} s vs {sp:.2f} s, ratio {sp / rp:6.1f}x", flush=True)
        summary.append({
            "model": f"hold N={n}", "holds": holds,
            "caspian_ns_per_hold": r_ns, "simpy_ns_per_hold": s_ns,
            "caspian_median_ns": rm, "simpy_median_ns": sm, "ratio": sm / rm,
            "caspian_process_s": r_s, "simpy_process_s": s_s,
            "caspian_process_median_s": rp, "simpy_process_median_s": sp, "process_ratio": sp / rp,
        })


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import simpy

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} logical CPUs, load average {load}; "
            f"Python {platform.python_version()}, SimPy {simpy.__version__}")


def main() -> None:
    ap = argparse.ArgumentParser(description="caspian-sim against SimPy, side by side.")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per side (median reported)")
    ap.add_argument("--mmc-reps", type=int, default=20)
    ap.add_argument("--ferry-reps", type=int, default=300)
    ap.add_argument("--holds", type=int, default=1_000_000)
    ap.add_argument("--hold-sizes", default="100,10000", help="comma-separated N (1000000 is slow in SimPy)")
    ap.add_argument("--self-test", action="store_true", help="also check that planted model errors are caught")
    ap.add_argument("--pgo", metavar="BINARY", help="also time this caspian binary (scripts/pgo-build.sh's "
                    "target/pgo/caspian) in the same rounds; its results must be byte-identical")
    ap.add_argument("--instructions", action="store_true",
                    help="also compare per-event and per-hold instruction counts (needs valgrind)")
    a = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)
    print(f"machine: {machine()}")
    summary, failures = [], []
    reps = {"mmc": a.mmc_reps, "mmc_rho09": a.mmc_reps, "ferry_shuttle": a.ferry_reps}
    rust_docs = {
        name: compare_model(name, scenario, reps[name], a.runs, script, a.holds, summary, failures,
                            pgo=a.pgo and Path(a.pgo).resolve())
        for name, scenario, script in MODELS
    }
    if a.self_test:
        self_test(rust_docs, reps, failures)
    if a.instructions:
        print("\ninstructions (callgrind) per caspian event against the bare hold step at the same N:")
        for entry in summary:
            instructions_per_event(entry)
    sizes = [int(x) for x in a.hold_sizes.split(",") if x]
    if sizes:
        compare_hold(sizes, a.holds, a.runs, summary)

    agree = all(s.get("kpis_agree", True) for s in summary)
    print(f"\nsummary (median of {a.runs} interleaved runs per side, wall clock, whole process, 1 thread)"
          + ("" if agree else " -- KPIs DISAGREE: the time ratios below do not count") + ":")
    for s in summary:
        if "caspian_median_s" in s:
            print(f"  {s['model']:<14} {s['replications']:>4} reps  caspian {s['caspian_median_s']:7.3f} s  "
                  f"SimPy {s['simpy_median_s']:7.2f} s  SimPy/caspian {s['ratio']:6.1f}x  "
                  f"KPIs {'agree' if s['kpis_agree'] else 'DISAGREE'}")
            if "pgo_median_s" in s:
                print(f"  {'  with PGO':<14} {s['replications']:>4} reps  caspian {s['pgo_median_s']:7.3f} s  "
                      f"SimPy {s['simpy_median_s']:7.2f} s  SimPy/caspian {s['pgo_ratio']:6.1f}x  "
                      f"(PGO/plain {s['pgo_vs_plain']:.3f}, paired median {s['pgo_vs_plain_paired_median']:.3f}; "
                      f"results {'identical' if s['pgo_results_identical'] else 'DIFFER'})")
        else:
            print(f"  {s['model']:<14} {s['holds']:>9} holds  caspian {s['caspian_median_ns']:7.1f} ns  "
                  f"SimPy {s['simpy_median_ns']:7.1f} ns  SimPy/caspian {s['ratio']:6.1f}x  "
                  f"(whole process {s['process_ratio']:.1f}x)")
    print("\nper-event cost against the bare hold step at the same queue size (goal <= 1.5x):")
    for s in summary:
        if "caspian_ns_per_event" in s:
            print(f"  {s['model']:<14} {s['caspian_events_mean']:8.0f} events/rep  N = {s['hold_n']:>4}  "
                  f"caspian {s['caspian_ns_per_event']:6.1f} ns/event  hold {s['hold_median_ns']:6.1f} ns/hold  "
                  f"{s['event_vs_hold_ratio']:5.2f}x  (net of start-up {s['caspian_ns_per_event_net_of_startup']:6.1f} "
                  f"ns/event, {s['event_vs_hold_ratio_net_of_startup']:5.2f}x)")
            if "pgo_ns_per_event" in s:
                print(f"  {'  with PGO':<14} {'':>8}              {'':>4}  "
                      f"caspian {s['pgo_ns_per_event']:6.1f} ns/event  hold {s['hold_median_ns']:6.1f} ns/hold  "
                      f"{s['pgo_event_vs_hold_ratio']:5.2f}x")
    (OUT / "summary.json").write_text(json.dumps({"machine": machine(), "results": summary}, indent=1) + "\n")
    print(f"(details in {OUT.relative_to(ROOT)}/)")
    if failures:
        print("\nFAILED:")
        for f in failures:
            print(f"  {f}")
        sys.exit(1)


if __name__ == "__main__":
    main()
