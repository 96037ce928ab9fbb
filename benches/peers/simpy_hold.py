"""SimPy peer of the hold model (benches/peers/hold.rs).

N processes each wait an Exp(1) time, forever: N timeouts are pending at any
time, and one `env.step()` pops the earliest, resumes its process, which
draws an increment and schedules its next timeout. One step is one hold.
After the N initialisations and N warm-up holds, HOLDS holds are timed.

This is how a SimPy user writes the hold model; SimPy does more per hold than
the Rust side (a generator resume and a Timeout object per event), and that
is the point of the comparison.

Usage: simpy_hold.py N HOLDS   (prints one JSON line: n, holds, ns per hold)
"""

from __future__ import annotations

import json
import random
import sys
import time

import simpy


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    holds = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    env = simpy.Environment()
    exp = random.Random(1).expovariate

    def holder(env):
        timeout = env.timeout
        while True:
            yield timeout(exp(1.0))

    for _ in range(n):
        env.process(holder(env))
    step = env.step
    for _ in range(2 * n):  # initialisations, then N warm-up holds
        step()
    start = time.perf_counter()
    for _ in range(holds):
        step()
    secs = time.perf_counter() - start
    print(
        json.dumps(
            {"tool": "simpy", "n": n, "holds": holds, "ns_per_hold": round(secs * 1e9 / holds, 2), "now": env.now}
        )
    )


if __name__ == "__main__":
    main()
