#!/usr/bin/env python3
"""How the runner scales with threads, and a 1,000-point sweep (issue 18).

    scripts/scaling.py [--caspian target/release/caspian] [--threads 1,2,4,8,16]
                       [--reps 1600] [--rounds 3] [--independent]
                       [--sweep-reps 100] [--grid 10] [--also BINARY] [--no-shard]
                       [--time /usr/bin/time] [--out DIR]

1. Thread scaling: `caspian run -n REPS -t T -q --json` of the embedded
   baseline for every T, the thread counts interleaved within each round, as
   whole processes timed by wall clock, with each process's peak RSS (from
   GNU time, when there is one). Reports the median time per T, the
   speed-up and the parallel efficiency against the first thread count
   (t1 / tT and t1 / (T tT) when it is 1), and the largest peak RSS of the
   rounds. Every run's JSON, in every round, must be byte-identical to the
   first thread count's (results do not depend on the thread count).
   With --independent: max(T) one-thread processes started at once against
   one alone, timed to the end of the slowest, start-up included.
2. The sweep: scenarios/baseline.toml over a 10 x 10 x 10 grid (berths for
   rail ferries at Alat 1..10, storm rate x0.25..x2.5, incident probability
   0..0.05), SWEEP_REPS replications a point, on the largest thread count,
   writing its JSON summary (with --also, the other binary's sweep after
   it, once each, not interleaved; the two JSON must be byte-identical);
   then, unless --no-shard, share 0 of 16 of the same sweep (`--shard 0/16`)
   on one thread, from which a one-thread cost of a replication of this
   sweep follows, and so an estimate of the sweep's parallel efficiency.
   The estimate is biased high: the share pays each point's fixed costs
   over 1/16 of the replications.

Prints Markdown tables and writes DIR/scaling.json. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXES = {
    "port.alat.berths.rail_ferry": [str(b) for b in range(1, 11)],
    "weather.storm_rate_multiplier": [f"{0.25 * k:g}" for k in range(1, 11)],
    "interdiction.incident_probability": "0 0.0001 0.0002 0.0005 0.001 0.002 0.005 0.01 0.02 0.05".split(),
}


def timed(cmd: list, time_binary: str | None) -> tuple[float, float | None]:
    """Runs one process; returns (wall seconds, peak RSS in MiB or None).

    The peak RSS comes from GNU time (`%M`) when there is one. Not from
    wait4: a child's ru_maxrss counts the Python process it was forked
    from, which can be far larger than caspian (a sweep's JSON once loaded).
    """
    cmd = [str(c) for c in cmd]
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        if time_binary:
            cmd = [time_binary, "-f", "%M", "-o", rss.name, *cmd]
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}")
        text = rss.read().strip().splitlines()
    return wall, (int(text[-1]) / 1024 if time_binary and text else None)


def mib(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} MiB"


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    except OSError:
        lscpu = ""
    return {"cpus": os.cpu_count(), "model": model, "kernel": platform.release(), "lscpu": lscpu}


def thread_scaling(caspian: Path, threads: list, reps: int, rounds: int, out: Path, tb) -> list:
    times = {t: [] for t in threads}
    rss = {t: [] for t in threads}
    for r in range(rounds):
        for t in threads:
            doc = out / f"run_t{t}.json"
            wall, peak = timed([caspian, "run", "-n", reps, "-t", t, "-q", "--json", doc], tb)
            times[t].append(wall)
            rss[t].append(peak)
            print(f"round {r + 1}: {t:>2} threads {wall:7.3f} s, peak RSS {mib(peak)}", flush=True)
        reference = (out / f"run_t{threads[0]}.json").read_bytes()
        for t in threads[1:]:
            if (out / f"run_t{t}.json").read_bytes() != reference:
                sys.exit(f"round {r + 1}: the run with {t} threads differs from the run with {threads[0]}")
    base = statistics.median(times[threads[0]]) * threads[0]
    rows = []
    for t in threads:
        med = statistics.median(times[t])
        peaks = [p for p in rss[t] if p is not None]
        rows.append({"threads": t, "runs_s": times[t], "median_s": med, "speedup": base / med,
                     "efficiency": base / (t * med), "peak_rss_mib": max(peaks) if peaks else None})
    return rows


def independent(caspian: Path, copies: int, reps: int, rounds: int) -> dict:
    """`copies` one-thread processes of `reps // copies` replications each at
    once, against one such process alone: how much slower a replication gets
    when every core is busy, whatever the runner does."""
    share = reps // copies
    cmd = [str(c) for c in [caspian, "run", "-n", share, "-t", 1, "-q"]]
    alone, together = [], []
    for r in range(rounds):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        alone.append(time.perf_counter() - start)
        start = time.perf_counter()
        procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL) for _ in range(copies)]
        if any(p.wait() != 0 for p in procs):
            sys.exit("an independent process failed")
        together.append(time.perf_counter() - start)
        print(f"round {r + 1}: one process {alone[-1]:.3f} s, {copies} at once {together[-1]:.3f} s", flush=True)
    a, t = statistics.median(alone), statistics.median(together)
    return {"copies": copies, "reps_each": share, "alone_s": alone, "together_s": together,
            "slowdown": t / a}


def sweep(caspians: list, threads: int, reps: int, grid: int, out: Path, tb, shard: bool) -> dict:
    axes = [a for key, values in AXES.items() for a in ("--axis", f"{key}={','.join(values[:grid])}")]
    points = grid ** len(AXES)
    scenario = ROOT / "scenarios" / "baseline.toml"
    runs = []
    for i, caspian in enumerate(caspians):
        full = out / f"sweep{i}.json"
        wall, peak = timed([caspian, "sweep", scenario, *axes, "-n", reps, "-t", threads, "-q", "--json", full], tb)
        print(f"sweep ({caspian}): {points} points x {reps} reps on {threads} threads {wall:.2f} s, "
              f"peak RSS {mib(peak)}, JSON {full.stat().st_size / 1e6:.1f} MB", flush=True)
        runs.append({"binary": str(caspian), "wall_s": wall, "peak_rss_mib": peak,
                     "json_mb": full.stat().st_size / 1e6})
    if len(caspians) > 1 and (out / "sweep0.json").read_bytes() != (out / "sweep1.json").read_bytes():
        sys.exit("the two binaries' sweep results differ")
    result = {"points": points, "reps_per_point": reps, "threads": threads, "runs": runs}
    if not shard:
        return result
    part = out / "sweep_shard0.json"
    shard_wall, shard_peak = timed([caspians[0], "sweep", scenario, *axes, "-n", reps, "--shard", "0/16",
                                    "-t", 1, "-q", "--json", part], tb)
    shard_reps = shard_replications(json.loads(part.read_text()))
    if shard_reps == 0:
        sys.exit(f"share 0 of 16 of {reps} replications a point is empty: give --sweep-reps 16 or more")
    print(f"shard 0/16 on 1 thread: {shard_reps} replications {shard_wall:.2f} s, "
          f"peak RSS {mib(shard_peak)}", flush=True)
    per_rep = shard_wall / shard_reps
    result.update({"shard_replications": shard_reps, "shard_wall_s": shard_wall,
                   "shard_peak_rss_mib": shard_peak, "one_thread_s_per_rep": per_rep,
                   "efficiency": per_rep * points * reps / (threads * runs[0]["wall_s"])})
    return result


def shard_replications(part: dict) -> int:
    """Replications a sweep shard ran, summed over its points."""
    return sum(len(point["rows"]) for point in part["records"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--caspian", type=Path, default=ROOT / "target" / "release" / "caspian")
    ap.add_argument("--threads", default="1,2,4,8,16")
    ap.add_argument("--reps", type=int, default=1600)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--independent", action="store_true",
                    help="also time max(threads) one-thread processes at once against one alone")
    ap.add_argument("--sweep-reps", type=int, default=100, help="0 skips the sweep")
    ap.add_argument("--grid", type=int, default=10, help="values per sweep axis (of 10): grid^3 points")
    ap.add_argument("--also", type=Path, help="another caspian binary to time on the sweep beside --caspian "
                    "(its results must be byte-identical)")
    ap.add_argument("--no-shard", action="store_true", help="skip the one-thread share of the sweep")
    ap.add_argument("--time", default=shutil.which("time"),
                    help="GNU time (its -f %%M), for peak RSS [default: `time` on the PATH, if any]")
    ap.add_argument("--out", type=Path, default=ROOT / "target" / "scaling")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tb = args.time if args.time and Path(args.time).exists() else None
    threads = [int(t) for t in args.threads.split(",")]
    result = {"machine": machine(), "reps": args.reps, "rounds": args.rounds}
    print(f"{result['machine']['cpus']} CPUs: {result['machine']['model']}"
          f"{'' if tb else ' (no GNU time: peak RSS not measured)'}", flush=True)
    if threads:
        result["threads"] = thread_scaling(args.caspian, threads, args.reps, args.rounds, args.out, tb)
        print(f"\n`caspian run -n {args.reps}` of the embedded baseline, median of {args.rounds} interleaved rounds\n")
        print("| threads | median | speed-up | efficiency | largest peak RSS |\n|---|---|---|---|---|")
        for row in result["threads"]:
            print(f"| {row['threads']} | {row['median_s']:.3f} s | {row['speedup']:.2f}x | "
                  f"{row['efficiency']:.2f} | {mib(row['peak_rss_mib'])} |")
    if args.independent:
        result["independent"] = independent(args.caspian, max(threads), args.reps, args.rounds)
        print(f"{max(threads)} one-thread processes at once, to the end of the slowest: "
              f"{result['independent']['slowdown']:.2f}x the time of one alone (medians)")
    if args.sweep_reps > 0:
        binaries = [args.caspian] + ([args.also] if args.also else [])
        result["sweep"] = sweep(binaries, max(threads), args.sweep_reps, args.grid, args.out, tb,
                                not args.no_shard)
        if "efficiency" in result["sweep"]:
            print(f"\nsweep parallel efficiency on {max(threads)} threads: about "
                  f"{result['sweep']['efficiency']:.2f} (biased high: see the docstring)")
    (args.out / "scaling.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
