"""Shared parts of the SimPy peers: scenario reading, distributions, the
calendar and closure timelines of caspian-sim, and statistics.

Everything here mirrors a piece of caspian-sim so that the SimPy models draw
from the same distributions and processes (not the same random numbers: the
two tools use different generators, so the comparison is statistical):

- distributions: crates/caspian-shipping/src/dist.rs (moments parameterisation);
- calendar: 365-day years, months of 31, 28, 31, ... days (timeline.rs);
- `next_event`: the exact piecewise-constant-rate Poisson process used for
  storm onsets and Poisson inflows (timeline.rs `next_event`);
- `storm_timeline`: onsets, each followed by its duration draw, clipped at the
  horizon, overlapping episodes merged (timeline.rs `episodes`,
  `Timeline::from_intervals`).

Times are float hours here; caspian-sim uses integer milliseconds. The
difference (rounding to 1 ms) is far below anything the KPIs can show.

Standard library only (Python 3.11: tomllib), apart from SimPy in the models.
"""

from __future__ import annotations

import bisect
import json
import math
import random
import sys
import tomllib

HOURS_PER_DAY = 24.0
HOURS_PER_YEAR = 8760.0
DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
MONTH_START_H = [0.0]
for _d in DAYS_IN_MONTH:
    MONTH_START_H.append(MONTH_START_H[-1] + _d * HOURS_PER_DAY)


def load_scenario(path: str) -> dict:
    with open(path, "rb") as f:
        return tomllib.load(f)


def refuse(peer: str, what: str) -> None:
    """Stops a peer on a scenario feature it does not mirror: the message on
    stderr, exit status 1 (compare.py then fails)."""
    raise SystemExit(f"{peer} does not mirror {what}")


# Keys of [scenario] every peer handles: the run's length, warm-up and seed,
# and the two safeguards (a truncated caspian run fails the comparison).
SCENARIO_KEYS = {"name", "description", "horizon_days", "warmup_days", "seed", "max_events", "max_waiting"}
# Tables that change no KPI a peer reports (cost and tonne figures only).
INERT_TABLES = {"costs": None, "tonnes_per_unit": None}


def only_keys(peer: str, sc: dict, allowed: dict) -> None:
    """Refuses any table or key of `sc` that is not in `allowed`, which maps a
    top-level table name to the set of its keys a peer reads or knows to be
    inert (a key of an array of tables is checked in every entry). A feature
    added to the scenario format later is thus refused by name, never
    ignored. The value checks (e.g. `when_full = "spill"`) are the peer's."""
    for table, value in sc.items():
        if table not in allowed:
            refuse(peer, f"[{table}] (the peer mirrors {', '.join(sorted(allowed))})")
        for entry in value if isinstance(value, list) else [value]:
            for key in entry if isinstance(entry, dict) and allowed[table] is not None else []:
                if key not in allowed[table]:
                    refuse(peer, f"{table}.{key}")


def rng_for(seed: int, rep: int, stream: int) -> random.Random:
    """One Mersenne Twister per (seed, replication, stream): independent
    processes draw from independent streams, as in caspian-sim."""
    return random.Random(f"{seed}/{rep}/{stream}")


def sampler(spec: dict, rng: random.Random):
    """A zero-argument function drawing from `spec` (a scenario `dist` table)."""
    kind = spec["dist"]
    if kind == "constant":
        value = float(spec["value"])
        return lambda: value
    if kind == "exponential":
        rate = 1.0 / float(spec["mean"])
        exp = rng.expovariate
        return lambda: exp(rate)
    if kind == "uniform":
        lo, hi = float(spec["min"]), float(spec["max"])
        if lo == hi:
            return lambda: lo
        uni = rng.uniform
        return lambda: uni(lo, hi)
    if kind == "triangular":
        lo, mode, hi = float(spec["min"]), float(spec["mode"]), float(spec["max"])
        if lo == hi:
            return lambda: lo
        tri = rng.triangular
        return lambda: tri(lo, hi, mode)  # Python's order is (low, high, mode)
    if kind == "lognormal":
        mean, sd = float(spec["mean"]), float(spec["sd"])
        if sd == 0.0:
            return lambda: mean
        sigma2 = math.log1p((sd / mean) ** 2)
        mu, sigma = math.log(mean) - sigma2 / 2.0, math.sqrt(sigma2)
        logn = rng.lognormvariate
        return lambda: logn(mu, sigma)
    raise SystemExit(f"distribution {kind!r} is not mirrored by the SimPy peers")


def dist_mean(spec: dict) -> float:
    kind = spec["dist"]
    if kind == "constant":
        return float(spec["value"])
    if kind in ("exponential", "lognormal"):
        return float(spec["mean"])
    if kind == "uniform":
        return (float(spec["min"]) + float(spec["max"])) / 2.0
    if kind == "triangular":
        return (float(spec["min"]) + float(spec["mode"]) + float(spec["max"])) / 3.0
    raise SystemExit(f"distribution {kind!r} is not mirrored by the SimPy peers")


# ----- calendar and Poisson processes (timeline.rs) ------------------------


def month_piece(t: float) -> tuple[int, float]:
    """The calendar month of time `t` (hours) and the time its month ends."""
    year, into = divmod(t, HOURS_PER_YEAR)
    m = bisect.bisect_right(MONTH_START_H, into) - 1
    m = min(max(m, 0), 11)
    return m, year * HOURS_PER_YEAR + MONTH_START_H[m + 1]


def next_event(rate_per_h_by_month, t: float, limit: float, exp) -> float | None:
    """The next event after `t` and before `limit` of a Poisson process whose
    rate (per hour) is constant within each calendar month; `exp(rate)` draws
    an exponential gap. The gap restarts at each month boundary (exact, the
    exponential is memoryless), as in timeline.rs `next_event`."""
    while t < limit:
        m, piece_end = month_piece(t)
        piece_end = min(max(piece_end, t + 1e-9), limit)
        rate = rate_per_h_by_month[m]
        if rate > 0.0:
            gap = exp(rate)
            if gap < piece_end - t:
                return t + gap
        t = piece_end
    return None


class Timeline:
    """Sorted, merged, half-open closed intervals [start, end) in hours."""

    def __init__(self, intervals):
        merged = []
        for start, end in sorted(iv for iv in intervals if iv[1] > iv[0]):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.intervals = [(s, e) for s, e in merged]
        self.starts = [s for s, _ in self.intervals]
        self.closed_through = []
        total = 0.0
        for s, e in self.intervals:
            total += e - s
            self.closed_through.append(total)

    def closed_until(self, t: float) -> float | None:
        """The end of the closed interval containing `t`, or None if open."""
        i = bisect.bisect_right(self.starts, t) - 1
        if i >= 0 and t < self.intervals[i][1]:
            return self.intervals[i][1]
        return None

    def _closed_before(self, t: float) -> float:
        i = bisect.bisect_right(self.starts, t) - 1
        if i < 0:
            return 0.0
        s, e = self.intervals[i]
        before = self.closed_through[i - 1] if i > 0 else 0.0
        return before + (min(t, e) - s)

    def closed_time_between(self, a: float, b: float) -> float:
        return self._closed_before(b) - self._closed_before(a) if b > a else 0.0


def storm_timeline(area: dict, horizon_h: float, rng: random.Random) -> Timeline:
    """Storm episodes of a sea area over [0, horizon): a Poisson process of
    onsets at `storm_onsets_per_month[m]` per calendar month, each lasting a
    draw of `storm_duration_h`, clipped and merged (timeline.rs `episodes`)."""
    onsets = [float(x) for x in area.get("storm_onsets_per_month", [0.0] * 12)]
    if all(x == 0.0 for x in onsets):
        return Timeline([])
    rate = [onsets[m] / (DAYS_IN_MONTH[m] * HOURS_PER_DAY) for m in range(12)]
    duration = sampler(area.get("storm_duration_h", {"dist": "constant", "value": 0.0}), rng)
    out = []
    t = 0.0
    while True:
        onset = next_event(rate, t, horizon_h, rng.expovariate)
        if onset is None:
            break
        end = min(onset + duration(), horizon_h)
        if end > onset:
            out.append((onset, end))
        t = onset
    return Timeline(out)


# ----- statistics -----------------------------------------------------------


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        de = d * c
        h *= de
        if abs(de - 1.0) < 1e-15:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    ln = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(ln) * _betacf(a, b, x) / a
    return 1.0 - math.exp(ln) * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    tail = 0.5 * betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p: float, df: float) -> float:
    """Student-t quantile by bisection on the CDF."""
    lo, hi = -1e3, 1e3
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def summary(values) -> dict:
    """Mean, sample sd, n and the 95% Student-t interval, NaN left out (as the
    caspian runner does)."""
    xs = [v for v in values if not math.isnan(v)]
    n = len(xs)
    if n == 0:
        return {"mean": None, "sd": None, "n": 0, "ci95_low": None, "ci95_high": None}
    mean = math.fsum(xs) / n
    sd = math.sqrt(math.fsum((x - mean) ** 2 for x in xs) / (n - 1)) if n > 1 else 0.0
    half = t_quantile(0.975, n - 1) * sd / math.sqrt(n) if n > 1 else float("nan")
    return {"mean": mean, "sd": sd, "n": n, "ci95_low": mean - half, "ci95_high": mean + half}


def write_result(path: str, model: str, source: str, replications: int, rows: list[dict]) -> None:
    """Writes the per-replication KPIs and their summaries as JSON."""
    keys = sorted(rows[0]) if rows else []
    doc = {
        "tool": "simpy",
        "model": model,
        "source": source,
        "replications": replications,
        "per_replication": {k: [r[k] for r in rows] for k in keys},
        "kpis": {k: summary([r[k] for r in rows]) for k in keys},
    }
    text = json.dumps(doc, indent=1, allow_nan=True)
    if path == "-":
        sys.stdout.write(text + "\n")
    else:
        with open(path, "w") as f:
            f.write(text + "\n")
