//! Vessel availability (`[fleet.availability]`): dry-dock cycles and random
//! breakdowns.
//!
//! Each vessel of a fleet with availability has two due times:
//! - its next **dry-docking**: the first at a uniform draw in
//!   `[0, drydock_every_days)` from its entry into service (so a fleet does
//!   not dock at once), each next one `drydock_every_days` after the
//!   previous one began;
//! - its next **breakdown**: an exponential draw with mean `mtbf_days` of
//!   time in service, from its entry into service and again from the end of
//!   each repair (time out of service does not count).
//!
//! A vessel takes a downtime that has fallen due at its next safe point,
//! empty at a port: when it has finished discharging, at berth
//! ([`World::begin_downtime_if_due`], the first thing `on_discharge_done`
//! does unless the vessel was called for cargo claimed for it), or when it
//! arrives empty with no berth work to do (`on_arrive`: at its origin,
//! before it joins the cargo line; at its destination with no return
//! cargo, before it sails back). It leaves the berth if it holds one, is
//! out of service ([`Phase::Maintenance`], idle) for `drydock_days` or a
//! draw of `repair_h`, and then arrives at that port's anchorage again, its
//! normal arrival path (empty at its destination with no return cargo, it
//! sails back at once: see `on_arrive`). A breakdown at sea is thus taken
//! at the next call (see `docs/model.md`). When both are due, the vessel docks and the failure is
//! repaired in the dock: one dry-docking, no breakdown counted. A pending
//! breakdown is pushed back by the length of a dry-docking that did not
//! repair it.
//!
//! Every draw comes from [`Source::Availability`], one sub-stream per fleet,
//! so a scenario without availability draws nothing and every other stream
//! is unchanged (common random numbers). A vessel taken out of service by a
//! disruption is `Lost`: its pending return is ignored like its other
//! events, and its downtime ends when it is withdrawn
//! ([`World::cut_downtime`]). A replacement starts its own cycle at its
//! first call.

use caspian_engine::{Scheduler, SimTime, TICKS_PER_HOUR};
use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Exp1};

use super::state::{Ev, World};
use super::{at, hours};
use crate::compile::{AvailabilityPlan, CompiledScenario, class_index};
use crate::streams::{Source, stream};
use crate::trace::VesselPhase as Phase;

/// Days in a month for `trips_per_vessel_month` (365.25 / 12).
pub(super) const DAYS_PER_MONTH: f64 = 30.44;

/// `total` per vessel of a fleet of `count`: undefined (NaN) for a fleet
/// with no vessels, which has no per-vessel figure, not a zero one.
pub(super) fn per_vessel(total: f64, count: u32) -> f64 {
    if count == 0 { f64::NAN } else { total / f64::from(count) }
}

/// When a vessel's next dry-docking and breakdown fall due.
#[derive(Debug, Clone, Copy, Default)]
struct Due {
    drydock: Option<SimTime>,
    breakdown: Option<SimTime>,
}

/// One stop out of service.
#[derive(Debug, Clone, Copy)]
struct Downtime {
    start: SimTime,
    end: SimTime,
    /// A dry-docking (else a repair).
    drydock: bool,
}

/// The availability state of one replication.
#[derive(Debug, Default)]
pub(super) struct Downtimes {
    /// Per fleet: its stream (fleets without availability never draw).
    rng: Vec<ChaCha8Rng>,
    /// Per vessel: its due times, `None` until drawn (replacements draw at
    /// their first call).
    due: Vec<Option<Due>>,
    /// Per vessel: its downtime in progress, as an index in its fleet's `stops`.
    current: Vec<Option<usize>>,
    /// Per fleet: every stop out of service, in start order.
    stops: Vec<Vec<Downtime>>,
}

impl Downtimes {
    /// Draws the first due times of every vessel of the plan, vessel by
    /// vessel, each from its fleet's stream.
    pub(super) fn draw(plan: &CompiledScenario, fleet_of: &[usize], seed: u64, rep: u64) -> Self {
        let mut d = Downtimes {
            rng: (0..plan.fleets.len())
                .map(|f| stream(seed, rep, Source::Availability, f as u8))
                .collect(),
            due: Vec::with_capacity(fleet_of.len()),
            current: vec![None; fleet_of.len()],
            stops: vec![Vec::new(); plan.fleets.len()],
        };
        for &f in fleet_of {
            let due = plan.fleets[f]
                .availability
                .as_ref()
                .map(|a| first_due(a, SimTime::ZERO, &mut d.rng[f]));
            d.due.push(due);
        }
        d
    }
}

/// A vessel's first due times from `since`.
fn first_due(a: &AvailabilityPlan, since: SimTime, rng: &mut ChaCha8Rng) -> Due {
    let drydock = a.drydock.map(|(interval, _)| {
        let u: f64 = rng.random();
        since.saturating_add(hours(u * interval.as_hours_f64()))
    });
    let breakdown = a.breakdown.as_ref().map(|(mtbf_h, _)| time_to_failure(since, *mtbf_h, rng));
    Due { drydock, breakdown }
}

/// `since` plus an exponential draw with mean `mtbf_h` hours.
fn time_to_failure(since: SimTime, mtbf_h: f64, rng: &mut ChaCha8Rng) -> SimTime {
    let x: f64 = Exp1.sample(rng);
    since.saturating_add(hours(x * mtbf_h))
}

impl World<'_> {
    /// At vessel `v`'s safe point (empty at a port, see the module doc): if a
    /// dry-docking or breakdown has fallen due, takes it: off the berth, out
    /// of service, back at this port's anchorage when it is over. Returns
    /// whether it did (the call then ends here). Inlined: a fleet without
    /// maintenance (most) costs a load and a branch.
    #[inline(always)]
    pub(super) fn begin_downtime_if_due(&mut self, s: &mut Scheduler<Ev>, v: usize) -> bool {
        self.plan.fleets[self.vessels[v].fleet].availability.is_some()
            && self.take_downtime_if_due(s, v)
    }

    /// [`begin_downtime_if_due`](Self::begin_downtime_if_due) for a fleet
    /// with maintenance.
    #[inline(never)]
    fn take_downtime_if_due(&mut self, s: &mut Scheduler<Ev>, v: usize) -> bool {
        let plan = self.plan;
        let fleet = self.vessels[v].fleet;
        let Some(a) = plan.fleets[fleet].availability.as_ref() else {
            return false;
        };
        let now = s.now();
        let d = &mut self.downtimes;
        if d.due.len() <= v {
            d.due.resize(v + 1, None);
            d.current.resize(v + 1, None);
        }
        let rng = &mut d.rng[fleet];
        let due = *d.due[v].get_or_insert_with(|| first_due(a, now, rng));
        let dock = due.drydock.is_some_and(|t| t <= now);
        let broken = due.breakdown.is_some_and(|t| t <= now);
        if !dock && !broken {
            return false;
        }
        let (length, next) = match (dock, a.drydock, a.breakdown.as_ref()) {
            (true, Some((interval, length)), _) => {
                let mut next = due;
                next.drydock = Some(now.saturating_add(interval));
                (length, next)
            }
            (_, _, Some((_, repair))) => (hours(repair.sample(rng)), due),
            // Unreachable: a due time exists only for a configured cause.
            _ => return false,
        };
        let end = now.saturating_add(length);
        let mut next = next;
        next.breakdown = match (broken, a.breakdown.as_ref()) {
            (true, Some((mtbf_h, _))) => Some(time_to_failure(end, *mtbf_h, rng)),
            // Not repaired: no failure while out of service.
            (false, _) => due.breakdown.map(|t| t.saturating_add(length)),
            (true, None) => None,
        };
        d.due[v] = Some(next);
        d.current[v] = Some(d.stops[fleet].len());
        d.stops[fleet].push(Downtime { start: now, end, drydock: dock });
        let port = self.vessels[v].port;
        if std::mem::take(&mut self.vessels[v].holds_berth) {
            let class = class_index(plan.fleets[fleet].berth_class);
            self.release_berth(s, port, class);
        }
        self.set_phase(v, now, Phase::Maintenance);
        at(s, end, Ev::Arrive(v as u32));
        true
    }

    /// Vessel `v` leaves service for good (a disruption) now: a downtime in
    /// progress ends here.
    pub(super) fn cut_downtime(&mut self, v: usize, now: SimTime) {
        if self.vessels[v].phase != Phase::Maintenance {
            return;
        }
        let fleet = self.vessels[v].fleet;
        if let Some(i) = self.downtimes.current.get_mut(v).and_then(Option::take)
            && let Some(stop) = self.downtimes.stops[fleet].get_mut(i)
        {
            stop.end = stop.end.min(now);
        }
    }

    /// `downtime_h.<fleet>`: hours out of service in `[start, now]`, per
    /// vessel of the plan.
    pub(super) fn downtime_h(&self, fleet: usize, start: SimTime, now: SimTime) -> f64 {
        let ticks: u64 = self.downtimes.stops[fleet]
            .iter()
            .map(|x| x.end.min(now).ticks().saturating_sub(x.start.max(start).ticks()))
            .sum();
        per_vessel(ticks as f64 / TICKS_PER_HOUR as f64, self.plan.fleets[fleet].count)
    }

    /// `drydocks.<fleet>` (`drydock`) or `breakdowns.<fleet>`: stops of that
    /// kind begun in `[start, now]`.
    pub(super) fn stops_begun(&self, fleet: usize, drydock: bool, start: SimTime) -> f64 {
        self.downtimes.stops[fleet]
            .iter()
            .filter(|x| x.drydock == drydock && x.start >= start)
            .count() as f64
    }

    /// `trips_per_vessel_month.<fleet>`: departures in `[start, now]` per
    /// vessel of the plan per month of [`DAYS_PER_MONTH`] days.
    pub(super) fn trips_per_vessel_month(&self, fleet: usize, start: SimTime, now: SimTime) -> f64 {
        let months = now.saturating_since(start).as_hours_f64() / 24.0 / DAYS_PER_MONTH;
        if months <= 0.0 {
            return f64::NAN;
        }
        per_vessel(self.counters.voyages[fleet] as f64, self.plan.fleets[fleet].count) / months
    }
}
