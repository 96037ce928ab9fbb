"""SimPy peer of scenarios/ferry_shuttle.toml: a ferry shuttle with storms.

Reads the scenario file itself (horizon, warm-up, storms, ports, yards,
trains, railway, fleet), and mirrors what caspian-sim does with it
(crates/caspian-shipping/src/model.rs, docs/model.md, docs/kpis.md). The
subset of the file format mirrored here, and rejected otherwise:

- one sea area with storms (monthly onset rates, a duration distribution, a
  crossing slowdown), no ice; ports in that area or in none, every storm
  closing them for its own length (`storm_exposure` and
  `storm_hours_factor` 1);
- one fleet, ballast return (no return cargo, one cargo on deck, no draft
  relation, availability or pre-advice), dispatch `when_full`,
  `berth_priority` 0; no interdiction, escorts or corridor closures, no open
  traffic, no disruptions, no sea level;
- yards; Poisson inflows with `when_full = "spill"` (or the old spelling
  `spill_when_full = true`); outflows with `capacity_per_year`;
- distributions: constant, exponential, uniform, triangular, lognormal.

Every table and key of the file is checked against that list (`KEYS`):
anything else, including a key added to the format later, is refused by
name (the script stops with exit status 1), never ignored.

Mechanisms, each as model.rs does it:

- Storms: a storm closes every port of its area for its whole length. A
  closed port berths nobody (the storm takes every free berth with a
  higher-priority request, and any berth freed during it); vessels already at
  berth carry on; a vessel ready to sail keeps its berth and sails when the
  port reopens (`try_depart`). The destination's state is not checked.
- Vessel k of the fleet first arrives at its origin at k x cycle / count,
  cycle = 2 x crossing + 2 x mean(overhead) + capacity / load rate +
  capacity / discharge rate.
- Waiting for room, off the berth (space_line.rs): a vessel arriving laden
  at its destination joins the discharge yard's space line at the anchorage
  (FIFO) unless the line is empty, no vessel waits at a berth there for
  space, and the yard's unclaimed room (capacity minus level minus room
  claimed for vessels already called) takes its cargo (at most the yard's
  capacity); it asks for a berth only when called, the room then claimed
  for it (checked whenever the yard changes). Its wait from arrival to the
  call is `space_wait_h`.
- A berth call draws one port-call overhead. At the destination, cargo moves
  into the yard at the grant, as much as fits; the rest waits for space (FIFO
  among vessels) and `DischargeDone` comes at the later of grant + overhead +
  units / discharge rate and the moment the last unit was accepted. At the
  origin (nothing aboard) it comes at grant + overhead.
- Waiting for cargo, off the berth (cargo_line.rs): a vessel arriving empty
  at its origin joins the loading yard's cargo line at the anchorage (FIFO)
  and asks for a berth only when called: when the yard's unclaimed content
  (level minus units claimed for vessels already called) would fill it, a
  full load is claimed for it (checked whenever the yard changes). Its
  wait from joining to the call is `cargo_wait_h`.
- Loading starts at `DischargeDone` and takes what is in the yard and not
  claimed for another vessel, up to the free capacity; a vessel not yet full
  (only if something took its claimed cargo) waits at the berth (FIFO among
  vessels). Loading ends at the later of loading start + units / load rate
  and the moment it became full. At the destination there is nothing to
  load: it is ready at once.
- Crossing: distance / speed, plus (slowdown - 1) x the stormy time of the
  destination's area (or else the origin's) within [departure, departure +
  nominal).
- Trains: a Poisson process at arrivals_per_year / 8760 x seasonal weight per
  hour (exact across month boundaries); each brings round(size) wagons; what
  exceeds the yard capacity, and then what does not fit now, is shut in.
- The railway takes, every interval_h (first at interval_h), the whole
  units of capacity_per_year x interval_h / 8760 plus the carried fraction,
  up to what is in the yard, oldest first.
- After any change at a yard, waiting loaders and dischargers are served
  until nothing moves (`settle`).
- Cargo is kept as cohorts (entry time, amount), oldest first, so transit
  time = acceptance into the destination yard - acceptance into the origin
  yard. Cargo landed in a yard the fleet does not load from and a railway
  drains (a hand-over yard) is stamped with the time it landed, and its wait
  for the railway = the tick that takes it - that time.

KPIs (over [warm-up, horizon), as `env.run(until=horizon)` and the model
both run; definitions of docs/kpis.md): delivered and
storage mean per yard, forwarded, shut in, transit mean, anchorage wait,
anchorage queue mean and berth utilization per port, port closure hours,
voyages, crossing mean, cargo wait, room wait and vessel utilization of
the fleet, and the wait for the railway per hand-over yard.
Waits and transits still in progress at the horizon count with their age
then (model/censored.rs): anchorage and cargo waits, wagons in the loading
yard and aboard, and wagons still in a hand-over yard.

Usage: simpy_ferry.py SCENARIO REPLICATIONS [OUT.json|-] [--seed S] [--defect D]

`--defect` plants a deliberate modelling error, so that compare.py
--self-test can show the agreement check catches a wrong model:
`no_slowdown` (storms do not lengthen crossings), `sail_in_storms` (a closed
port does not hold departures), `berth_in_storms` (a closed port still
berths arriving vessels).
"""

from __future__ import annotations

import argparse
import math
from collections import deque

import simpy

from peers_common import (
    HOURS_PER_DAY,
    HOURS_PER_YEAR,
    INERT_TABLES,
    SCENARIO_KEYS,
    Timeline,
    dist_mean,
    load_scenario,
    next_event,
    only_keys,
    refuse,
    rng_for,
    sampler,
    storm_timeline,
    write_result,
)

DEFECTS = ("no_slowdown", "sail_in_storms", "berth_in_storms")


PEER = "simpy_ferry.py"
# Every table and key of the scenario format (docs/scenarios.md) this peer
# reads; the rest is refused by name (peers_common.only_keys).
KEYS = {
    "scenario": SCENARIO_KEYS,
    "sea_area": {"id", "storm_onsets_per_month", "storm_duration_h", "storm_crossing_slowdown"},
    "port": {"id", "name", "notes", "sea_area", "berths", "ice_affected", "storm_exposure", "storm_hours_factor"},
    "storage": {"id", "port", "cargo", "capacity", "initial"},
    "inflow": {"id", "into", "arrivals_per_year", "size", "pattern", "seasonal", "when_full", "spill_when_full"},
    "outflow": {"id", "from", "capacity_per_year", "interval_h"},
    "fleet": {"id", "berth_class", "count", "cargo", "capacity", "speed_kn", "distance_nmi", "origin", "load_from",
              "destination", "discharge_to", "load_rate_per_h", "discharge_rate_per_h", "port_call_overhead_h",
              "dispatch", "berth_priority"},
    "interdiction": {"incident_probability", "loss_probability", "detention_h", "closures_per_year",
                     "closure_duration_h", "escort"},
    **INERT_TABLES,
}


def when_full(inflow: dict) -> str:
    """An inflow's policy: `when_full`, or its old spelling `spill_when_full`
    (true: spill, false: wait); the default is wait (scenario/mod.rs)."""
    if "when_full" in inflow:
        return inflow["when_full"]
    return "spill" if inflow.get("spill_when_full", False) else "wait"


def check_supported(sc: dict) -> None:
    def no(cond, what):
        if cond:
            refuse(PEER, what)

    only_keys(PEER, sc, KEYS)
    no(len(sc.get("sea_area", [])) > 1, "more than one sea area")
    for p in sc.get("port", []):
        no(p.get("ice_affected", False), "ice seasons")
        no(float(p.get("storm_exposure", 1.0)) != 1.0, "storm_exposure other than 1")
        no(float(p.get("storm_hours_factor", 1.0)) != 1.0, "storm_hours_factor other than 1")
    no(len(sc.get("fleet", [])) != 1, "anything but exactly one fleet")
    f = sc["fleet"][0]
    no(f.get("dispatch", {"policy": "when_full"})["policy"] != "when_full", "dispatch other than when_full")
    no(int(f.get("berth_priority", 0)) != 0, "berth_priority other than 0")
    it = sc.get("interdiction", {})
    no(it.get("incident_probability", 0.0) or it.get("closures_per_year", 0.0), "interdiction")
    no(it.get("escort", {}).get("enabled", False), "escorted convoys")
    no(any(when_full(i) != "spill" for i in sc.get("inflow", [])), 'inflows other than when_full = "spill"')
    no(any(i.get("pattern", "poisson") != "poisson" for i in sc.get("inflow", [])), "regular inflows")


class Yard:
    """A storage: level, cohorts (entry time, amount), units claimed for
    called vessels, the cargo line at the anchorage, vessels waiting at berth."""

    def __init__(self, spec: dict, warm: float):
        self.id = spec["id"]
        self.capacity = int(spec["capacity"])
        self.level = int(spec.get("initial", 0))
        self.cohorts = deque([[0.0, self.level]]) if self.level else deque()
        self.claimed = 0
        self.cargo_line = deque()
        self.room_claimed = 0
        self.space_line = deque()
        self.loaders = deque()
        self.dischargers = deque()
        self.warm = warm
        self.last = 0.0
        self.area = 0.0
        self.delivered = 0

    def set_level(self, now: float, level: int) -> None:
        span = now - max(self.last, self.warm)
        if span > 0.0:
            self.area += self.level * span
        self.last = now
        self.level = level


class Port:
    """Berths of the fleet's class at one port, with closure and statistics."""

    def __init__(self, env, spec: dict, cls: str, closures: Timeline, warm: float):
        self.id = spec["id"]
        self.c = int(spec.get("berths", {}).get(cls, 0))
        self.berths = simpy.PriorityResource(env, capacity=self.c)
        self.closures = closures
        self.warm = warm
        self.open = True
        self.held = 0  # berths held by vessels
        self.line = 0  # vessels waiting at the anchorage
        self.last = 0.0
        self.busy_area = 0.0  # min(held, available) over time
        self.avail_area = 0.0
        self.line_area = 0.0
        self.wait_sum = 0.0
        self.wait_n = 0
        self.waiting = {}  # vessel -> time it asked for a berth

    def advance(self, now: float) -> None:
        span = now - max(self.last, self.warm)
        if span > 0.0:
            avail = self.c if self.open else 0
            self.busy_area += min(self.held, avail) * span
            self.avail_area += avail * span
            self.line_area += self.line * span
        self.last = now


def replicate(sc: dict, seed: int, rep: int, defect: str | None = None) -> dict:
    s = sc["scenario"]
    horizon = float(s["horizon_days"]) * HOURS_PER_DAY
    warm = float(s.get("warmup_days", 0.0)) * HOURS_PER_DAY
    f = sc["fleet"][0]
    cls = f["berth_class"]
    env = simpy.Environment()

    areas = {a["id"]: a for a in sc.get("sea_area", [])}
    storms = {aid: storm_timeline(a, horizon, rng_for(seed, rep, 1)) for aid, a in areas.items()}
    never = Timeline([])
    ports = {
        p["id"]: Port(env, p, cls, storms[p["sea_area"]] if "sea_area" in p else never, warm)
        for p in sc["port"]
    }
    yards = {y["id"]: Yard(y, warm) for y in sc["storage"]}
    stats = {"voyages": 0, "crossing_sum": 0.0, "crossing_n": 0, "transit_sum": 0.0, "transit_n": 0,
             "cargo_wait_sum": 0.0, "cargo_wait_n": 0, "space_wait_sum": 0.0, "space_wait_n": 0}
    shut_in = {i["id"]: 0 for i in sc.get("inflow", [])}
    forwarded = {o["id"]: 0 for o in sc.get("outflow", [])}
    # Hand-over yards: the fleet does not load from them, a railway drains
    # them. Unit-hours and units of the wait for the railway.
    hand_over = {o["from"] for o in sc.get("outflow", [])} - {f["load_from"]}
    link_wait = {y: [0.0, 0] for y in hand_over}

    # ----- yards ------------------------------------------------------------

    def take(y: Yard, now: float, amount: int, into: deque | None) -> None:
        """Moves `amount` units, oldest first, out of `y` (into `into`)."""
        y.set_level(now, y.level - amount)
        while amount > 0:
            front = y.cohorts[0]
            piece = min(front[1], amount)
            front[1] -= piece
            if front[1] == 0:
                y.cohorts.popleft()
            amount -= piece
            if y.id in hand_over and now >= warm:
                link_wait[y.id][0] += (now - front[0]) * piece
                link_wait[y.id][1] += piece
            if into is not None:
                if into and into[-1][0] == front[0]:
                    into[-1][1] += piece
                else:
                    into.append([front[0], piece])

    def load_step(v, now: float) -> bool:
        """Loads what is there and not claimed for another vessel (its own
        claim is given back as it loads); True when full."""
        y = v.load_from
        y.claimed -= v.claim
        v.claim = 0
        taken = min(y.level - y.claimed, capacity - v.aboard_units)
        if taken > 0:
            take(y, now, taken, v.aboard)
            v.aboard_units += taken
            v.loaded += taken
        return v.aboard_units >= capacity

    def discharge_step(v, now: float) -> bool:
        """Puts into the yard what fits; True when empty."""
        y = v.discharge_into
        accepted = min(v.aboard_units, y.capacity - y.level)
        if accepted > 0:
            y.set_level(now, y.level + accepted)
            amount = accepted
            while amount > 0:
                front = v.aboard[0]
                piece = min(front[1], amount)
                front[1] -= piece
                if front[1] == 0:
                    v.aboard.popleft()
                amount -= piece
                if now >= warm:
                    stats["transit_sum"] += (now - front[0]) * piece
                    stats["transit_n"] += piece
                stamp = now if y.id in hand_over else front[0]
                if y.cohorts and y.cohorts[-1][0] == stamp:
                    y.cohorts[-1][1] += piece
                else:
                    y.cohorts.append([stamp, piece])
            v.aboard_units -= accepted
            used = min(v.room_claim, accepted)
            v.room_claim -= used
            y.room_claimed -= used
            if now >= warm:
                y.delivered += accepted
        return v.aboard_units == 0

    def settle(y: Yard) -> None:
        now = env.now
        while True:
            progress = False
            while y.level > 0 and y.loaders:
                v = y.loaders[0]
                before = y.level
                if load_step(v, now):
                    y.loaders.popleft()
                    v.wake.succeed()
                    progress = True
                else:
                    progress |= y.level != before
                    break
            while y.level < y.capacity and y.dischargers:
                v = y.dischargers[0]
                before = y.level
                if discharge_step(v, now):
                    y.dischargers.popleft()
                    v.wake.succeed()
                    progress = True
                else:
                    progress |= y.level != before
                    break
            progress |= call_loaders(y)
            progress |= call_dischargers(y)
            if not progress:
                break

    def room_ready(v) -> bool:
        """Its cargo has room ashore now (space_line.rs `room_ready`)."""
        y = v.discharge_into
        need = min(v.aboard_units, y.capacity)
        return need > 0 and not y.dischargers and y.capacity - y.level - y.room_claimed >= need

    def call_to_discharge(v, now: float) -> None:
        """Claims its room and records its wait (space_line.rs `call_to_discharge`)."""
        y = v.discharge_into
        v.room_claim = min(v.aboard_units, y.capacity)
        y.room_claimed += v.room_claim
        if now >= warm:
            stats["space_wait_sum"] += now - v.space_wait_since
            stats["space_wait_n"] += 1
        v.space_wait_since = None

    def call_dischargers(y: Yard) -> bool:
        """Calls the vessels at the head of the space line whose room is
        there (space_line.rs `call_dischargers`)."""
        called = False
        while y.space_line and room_ready(y.space_line[0]):
            v = y.space_line.popleft()
            call_to_discharge(v, env.now)
            v.wake.succeed()
            called = True
        return called

    def call_loaders(y: Yard) -> bool:
        """Calls the vessels at the head of the cargo line whose load is
        there unclaimed (or, larger than what is there, whose yard is full),
        claiming a full load for each (cargo_line.rs `call_loaders`)."""
        called = False
        while y.cargo_line:
            unclaimed = y.level - y.claimed
            if not (unclaimed >= capacity or (y.level == y.capacity and unclaimed > 0)):
                break
            v = y.cargo_line.popleft()
            v.claim = capacity
            y.claimed += capacity
            if env.now >= warm:
                stats["cargo_wait_sum"] += env.now - v.cargo_wait_since
                stats["cargo_wait_n"] += 1
            v.cargo_wait_since = None
            v.wake.succeed()
            called = True
        return called

    def inflow(env, spec: dict, k: int):
        y = yards[spec["into"]]
        rng = rng_for(seed, rep, 5 * 256 + k)
        w = [float(x) for x in spec.get("seasonal", [1.0] * 12)]
        mean_w = sum(w) / 12.0
        rate = [float(spec["arrivals_per_year"]) / HOURS_PER_YEAR * x / mean_w for x in w]
        size = sampler(spec["size"], rng)
        exp = rng.expovariate
        while True:
            t = next_event(rate, env.now, horizon, exp)
            if t is None:
                return
            yield env.timeout(t - env.now)
            now = env.now
            drawn = max(math.floor(size() + 0.5), 0)  # Rust's f64::round
            fits = min(drawn, y.capacity)
            accepted = min(fits, y.capacity - y.level)
            if now >= warm:
                shut_in[spec["id"]] += drawn - accepted
            if accepted > 0:
                y.set_level(now, y.level + accepted)
                y.cohorts.append([now, accepted])
            if fits > 0:
                settle(y)

    def outflow(env, spec: dict):
        y = yards[spec["from"]]
        interval = float(spec.get("interval_h", 6.0))
        per_interval = float(spec["capacity_per_year"]) * interval / HOURS_PER_YEAR
        credit = 0.0
        while True:
            yield env.timeout(interval)
            credit += per_interval
            whole = math.floor(credit)
            credit -= whole
            taken = min(y.level, whole)
            if taken > 0:
                take(y, env.now, taken, None)
                if env.now >= warm:
                    forwarded[spec["id"]] += taken
            settle(y)

    # ----- storms -----------------------------------------------------------

    def closures(env, port: Port):
        for start, end in port.closures.intervals:
            yield env.timeout(start - env.now)
            port.advance(env.now)
            port.open = False
            # Every berth goes to the storm as it is (or becomes) free: nobody
            # new is berthed while the port is closed.
            hold = [port.berths.request(priority=-1) for _ in range(port.c if defect != "berth_in_storms" else 0)]
            yield env.timeout(end - env.now)
            if end >= horizon:
                return  # clipped at the horizon: the port does not reopen
            port.advance(env.now)
            port.open = True
            for req in hold:
                if req.triggered:
                    port.berths.release(req)
                else:
                    req.cancel()

    # ----- vessels ----------------------------------------------------------

    capacity = int(f["capacity"])
    crossing = float(f["distance_nmi"]) / float(f["speed_kn"])
    load_rate = float(f["load_rate_per_h"])
    discharge_rate = float(f["discharge_rate_per_h"])
    overhead_spec = f.get("port_call_overhead_h", {"dist": "constant", "value": 0.0})
    overhead = sampler(overhead_spec, rng_for(seed, rep, 6 * 256))
    origin, destination = ports[f["origin"]], ports[f["destination"]]
    load_yard, discharge_yard = yards[f["load_from"]], yards[f["discharge_to"]]
    count = int(f["count"])
    cycle = (
        2.0 * crossing
        + 2.0 * dist_mean(overhead_spec)
        + capacity / load_rate
        + capacity / discharge_rate
    )

    class Vessel:
        def __init__(self):
            self.aboard = deque()
            self.aboard_units = 0
            self.loaded = 0
            self.claim = 0
            self.cargo_wait_since = None
            self.room_claim = 0
            self.space_wait_since = None
            self.load_from = load_yard
            self.discharge_into = discharge_yard
            self.wake = None
            self.working = False
            self.last = 0.0
            self.work_area = 0.0

        def set_working(self, now: float, working: bool) -> None:
            span = now - max(self.last, warm)
            if span > 0.0 and self.working:
                self.work_area += span
            self.last = now
            self.working = working

    port_area = {p["id"]: p.get("sea_area") for p in sc["port"]}

    def voyage(env, v: Vessel, k: int):
        yield env.timeout(k * cycle / count)
        at_origin = True
        while True:
            port = origin if at_origin else destination
            v.set_working(env.now, False)
            if at_origin:
                # Empty at its origin: wait at the anchorage in the cargo
                # line until called (a full load there, claimed for it).
                v.cargo_wait_since = env.now
                v.wake = env.event()
                v.load_from.cargo_line.append(v)
                call_loaders(v.load_from)
                yield v.wake
            elif v.aboard_units > 0:
                # Laden: wait at the anchorage in the space line until its
                # cargo has room ashore, claimed for it.
                y = v.discharge_into
                v.space_wait_since = env.now
                if y.space_line or not room_ready(v):
                    v.wake = env.event()
                    y.space_line.append(v)
                    yield v.wake
                else:
                    call_to_discharge(v, env.now)
            # Work to do here: request a berth; wait at the anchorage if none is free.
            asked = env.now
            port.advance(asked)
            port.line += 1
            port.waiting[v] = asked
            req = port.berths.request(priority=0)
            yield req
            now = env.now
            port.advance(now)
            port.line -= 1
            del port.waiting[v]
            port.held += 1
            if now >= warm:
                port.wait_sum += now - asked
                port.wait_n += 1
            # Berth call: overhead, then discharge (destination) or nothing.
            v.set_working(now, True)
            clock = now + overhead()
            if not at_origin and v.aboard_units > 0:
                to_discharge = v.aboard_units
                y = v.discharge_into
                if not discharge_step(v, now):
                    v.set_working(now, False)  # waiting for space
                    v.wake = env.event()
                    y.dischargers.append(v)
                    settle(y)
                    yield v.wake
                    v.set_working(env.now, True)
                else:
                    settle(y)
                clock = max(clock + to_discharge / discharge_rate, env.now)
            yield env.timeout(clock - env.now)
            # DischargeDone: load at the origin; nothing to load at the destination.
            if at_origin:
                load_start = env.now
                v.loaded = 0
                y = v.load_from
                if load_step(v, load_start):
                    settle(y)
                else:
                    v.set_working(load_start, False)  # waiting for cargo
                    v.wake = env.event()
                    y.loaders.append(v)
                    settle(y)
                    yield v.wake
                    v.set_working(env.now, True)
                done = max(load_start + v.loaded / load_rate, env.now)
                yield env.timeout(done - env.now)
            # LoadDone: sail, unless the port is closed: then keep the berth
            # until it reopens.
            reopen = port.closures.closed_until(env.now)
            if reopen is not None and defect != "sail_in_storms":
                v.set_working(env.now, False)
                if reopen >= horizon:
                    return
                yield env.timeout(reopen - env.now)
            now = env.now
            port.advance(now)
            port.held -= 1
            port.berths.release(req)
            to = destination if at_origin else origin
            area = port_area[to.id] or port_area[port.id]
            sail = crossing
            slowdown = float(areas[area].get("storm_crossing_slowdown", 1.0)) if area else 1.0
            if slowdown > 1.0 and defect != "no_slowdown":
                sail += storms[area].closed_time_between(now, now + crossing) * (slowdown - 1.0)
            if now >= warm:
                stats["voyages"] += 1
                stats["crossing_sum"] += sail
                stats["crossing_n"] += 1
            v.set_working(now, True)
            yield env.timeout(sail)
            at_origin = not at_origin

    # ----- run --------------------------------------------------------------

    for p in ports.values():
        if p.closures.intervals:
            env.process(closures(env, p))
    for k, spec in enumerate(sc.get("inflow", [])):
        env.process(inflow(env, spec, k))
    for spec in sc.get("outflow", []):
        env.process(outflow(env, spec))
    vessels = [Vessel() for _ in range(count)]
    for k, v in enumerate(vessels):
        env.process(voyage(env, v, k))
    env.run(until=horizon)

    span = horizon - warm
    out = {}
    # Waits and transits still in progress count with their age at the end
    # (model/censored.rs): anchorage and cargo waits, and the cargo in the
    # loading yard and aboard.
    for p in ports.values():
        for asked in p.waiting.values():
            p.wait_sum += horizon - asked
            p.wait_n += 1
    for v in vessels:
        if v.cargo_wait_since is not None:
            stats["cargo_wait_sum"] += horizon - v.cargo_wait_since
            stats["cargo_wait_n"] += 1
        if v.space_wait_since is not None:
            stats["space_wait_sum"] += horizon - v.space_wait_since
            stats["space_wait_n"] += 1
        for since, amount in v.aboard:
            stats["transit_sum"] += (horizon - since) * amount
            stats["transit_n"] += amount
    for since, amount in load_yard.cohorts:
        stats["transit_sum"] += (horizon - since) * amount
        stats["transit_n"] += amount
    for y, (unit_h, units) in link_wait.items():
        for since, amount in yards[y].cohorts:
            unit_h += (horizon - since) * amount
            units += amount
        out[f"link_wait_h.{y}"] = unit_h / units if units else math.nan
    for y in yards.values():
        y.set_level(horizon, y.level)
        out[f"delivered.{y.id}"] = float(y.delivered)
        out[f"storage_mean.{y.id}"] = y.area / span
    for i, n in shut_in.items():
        out[f"shut_in.{i}"] = float(n)
    for o, n in forwarded.items():
        out[f"forwarded.{o}"] = float(n)
    for p in ports.values():
        p.advance(horizon)
        key = f"{p.id}.{cls}"
        out[f"anchorage_wait_h.{key}"] = p.wait_sum / p.wait_n if p.wait_n else math.nan
        out[f"anchorage_queue_mean.{key}"] = p.line_area / span
        out[f"berth_utilization.{key}"] = p.busy_area / p.avail_area if p.avail_area else math.nan
        out[f"port_closure_h.{p.id}"] = p.closures.closed_time_between(warm, horizon)
    for v in vessels:
        v.set_working(horizon, v.working)
    fid = f["id"]
    out[f"voyages.{fid}"] = float(stats["voyages"])
    out[f"crossing_h.{fid}"] = stats["crossing_sum"] / stats["crossing_n"] if stats["crossing_n"] else math.nan
    cw = stats["cargo_wait_n"]
    out[f"cargo_wait_h.{fid}"] = stats["cargo_wait_sum"] / cw if cw else math.nan
    sw = stats["space_wait_n"]
    out[f"space_wait_h.{fid}"] = stats["space_wait_sum"] / sw if sw else math.nan
    out[f"vessel_utilization.{fid}"] = sum(v.work_area for v in vessels) / (span * count)
    n = stats["transit_n"]
    out["transit_h.wagons.mean"] = stats["transit_sum"] / n if n else math.nan
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("replications", type=int)
    ap.add_argument("out", nargs="?", default="-")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--defect", choices=DEFECTS, default=None)
    a = ap.parse_args()
    sc = load_scenario(a.scenario)
    check_supported(sc)
    seed = a.seed if a.seed is not None else int(sc["scenario"].get("seed", 20261123))
    rows = [replicate(sc, seed, r, a.defect) for r in range(a.replications)]
    write_result(a.out, "ferry_shuttle", a.scenario, a.replications, rows)


if __name__ == "__main__":
    main()
