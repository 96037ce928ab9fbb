"""SimPy peer of scenarios/mmc_check.toml and scenarios/mmc_rho09.toml: one
port, c berths, one open-traffic stream (the M/M/c queue).

Reads the scenario file itself, so c, the interarrival and service
distributions, the horizon and the warm-up are the file's. Mirrors what
caspian-sim does with open traffic (crates/caspian-shipping/src/model.rs,
`on_open_arrival`, `on_open_depart`; docs/kpis.md):

- the first arrival comes one interarrival gap after time 0, then one gap
  after each arrival;
- a vessel requests a berth; it is granted at once if one is free and nobody
  waits, else it waits in FIFO order (all priorities are equal);
- the service time is drawn at the grant; the berth is released after it;
- statistics are reset at the end of the warm-up and cover [warm-up, horizon]:
  `anchorage_wait_h.<port>.<class>`: mean wait over grants after warm-up (an
  immediate grant counts as 0, a wait that began before warm-up counts in
  full, a wait still in progress at the horizon counts with its age then,
  as in crates/caspian-shipping/src/model/censored.rs);
  `berth_utilization.<port>.<class>`: time-average busy berths / c;
  `anchorage_queue_mean.<port>.<class>`: time-average number waiting.

Anything else in the file (a second port or stream, storms, fleets, a key
added to the format later) is refused by name: the script stops with exit
status 1 (peers_common.only_keys).

Usage: simpy_mmc.py SCENARIO REPLICATIONS [OUT.json|-] [--seed S] [--defect D]

`--defect service_from_arrival` plants a deliberate error (the service time
runs from the arrival, not from the grant, so waiting eats into it), so that
compare.py --self-test can show the agreement check catches a wrong model.
"""

from __future__ import annotations

import argparse

import simpy

from peers_common import (
    HOURS_PER_DAY,
    INERT_TABLES,
    SCENARIO_KEYS,
    load_scenario,
    only_keys,
    refuse,
    rng_for,
    sampler,
    write_result,
)

PEER = "simpy_mmc.py"
# Every table and key this peer reads (docs/scenarios.md); no sea area, so
# the port never closes. Berths of other classes are idle: nothing uses them.
KEYS = {
    "scenario": SCENARIO_KEYS,
    "port": {"id", "name", "notes", "berths"},
    "open_traffic": {"id", "port", "berth_class", "interarrival_h", "service_h", "berth_priority"},
    **INERT_TABLES,
}


def check_supported(sc: dict) -> None:
    only_keys(PEER, sc, KEYS)
    if len(sc.get("port", [])) != 1 or len(sc.get("open_traffic", [])) != 1:
        refuse(PEER, "anything but one port and one open-traffic stream")


def replicate(sc: dict, seed: int, rep: int, defect: str | None = None) -> dict:
    (port,) = sc["port"]
    (ot,) = sc["open_traffic"]
    cls = ot["berth_class"]
    c = int(port["berths"][cls])
    horizon = float(sc["scenario"]["horizon_days"]) * HOURS_PER_DAY
    warm = float(sc["scenario"].get("warmup_days", 0.0)) * HOURS_PER_DAY
    interarrival = sampler(ot["interarrival_h"], rng_for(seed, rep, 7))
    service = sampler(ot["service_h"], rng_for(seed, rep, 8))

    env = simpy.Environment()
    berths = simpy.Resource(env, capacity=c)
    # Time-weighted statistics over [warm, horizon]: state, time of last
    # change, and accumulated area; plus the tally of waits.
    st = {"busy": 0, "line": 0, "last": 0.0, "busy_area": 0.0, "line_area": 0.0}
    waits = [0.0, 0]
    waiting = {}  # request -> arrival time, while it waits

    def advance(now: float) -> None:
        span = now - max(st["last"], warm)
        if span > 0.0:
            st["busy_area"] += st["busy"] * span
            st["line_area"] += st["line"] * span
        st["last"] = now

    def vessel(env):
        arrived = env.now
        advance(arrived)
        st["line"] += 1
        with berths.request() as req:
            waiting[req] = arrived
            yield req
            del waiting[req]
            now = env.now
            advance(now)
            st["line"] -= 1
            st["busy"] += 1
            if now >= warm:
                waits[0] += now - arrived
                waits[1] += 1
            hold = service()
            if defect == "service_from_arrival":
                hold = max(0.0, arrived + hold - now)
            yield env.timeout(hold)
            advance(env.now)
            st["busy"] -= 1

    def arrivals(env):
        while True:
            yield env.timeout(interarrival())
            env.process(vessel(env))

    env.process(arrivals(env))
    env.run(until=horizon)
    advance(horizon)
    for arrived in waiting.values():
        waits[0] += horizon - arrived
        waits[1] += 1
    span = horizon - warm
    key = f"{port['id']}.{cls}"
    return {
        f"anchorage_wait_h.{key}": waits[0] / waits[1] if waits[1] else float("nan"),
        f"berth_utilization.{key}": st["busy_area"] / (c * span),
        f"anchorage_queue_mean.{key}": st["line_area"] / span,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("replications", type=int)
    ap.add_argument("out", nargs="?", default="-")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--defect", choices=("service_from_arrival",), default=None)
    a = ap.parse_args()
    sc = load_scenario(a.scenario)
    check_supported(sc)
    seed = a.seed if a.seed is not None else int(sc["scenario"].get("seed", 20261123))
    rows = [replicate(sc, seed, r, a.defect) for r in range(a.replications)]
    write_result(a.out, sc["scenario"]["name"], a.scenario, a.replications, rows)


if __name__ == "__main__":
    main()
