//! The Caspian model at run time: state, events and handlers for one replication.
//!
//! `docs/model.md` describes what is modelled in prose; this file is the
//! authority. Every stochastic process draws from its own stream
//! ([`crate::streams`]), and weather and corridor closures are generated up
//! front as [`Timeline`]s, so two policies run with the same seed face the same
//! storms, trains and incident draws.

use std::collections::VecDeque;

use caspian_engine::{
    EventKey, Model, Observer, Request, Resource, RunLimits, Scheduler, SimDuration, SimTime,
    Simulation, StopReason, Tally, TimeWeighted,
};
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use crate::compile::{CompiledScenario, DispatchPlan, class_index};
use crate::histogram::WeightedHistogram;
use crate::kpi::Kpis;
use crate::probe::{Probe, Sample, TraceEntry};
use crate::saturation::{SATURATION_MIN_WAITING, SATURATION_SHARE, WaitingLine};
use crate::scenario::{ArrivalPattern, Cargo};
use crate::store::{Cohort, Store, drop_cohorts, move_cohorts};
use crate::streams::{Source, stream};
use crate::timeline::{self, Timeline};

/// Events of the Caspian model. Payloads are indices into the world's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ev {
    /// Statistics restart.
    EndWarmup,
    /// A port closes to berthing and departures.
    PortClose(u16),
    /// A port reopens.
    PortOpen(u16),
    /// Cargo arrives from the hinterland.
    Inflow(u16),
    /// A hinterland link takes what it can.
    Outflow(u16),
    /// A vessel reaches the anchorage of the port it is heading to.
    Arrive(u32),
    /// A vessel has finished discharging.
    DischargeDone(u32),
    /// A vessel's wait for cargo ends (max wait or timetable slot).
    LoadTimer(u32),
    /// A vessel has finished loading and is ready to sail.
    LoadDone(u32),
    /// A vessel retries its departure after a closure; or a detained vessel
    /// is released and starts its crossing.
    TryDepart(u32),
    /// A convoy at this port is due to sail (or retry after a closure).
    ConvoyGo(u16),
    /// An open-traffic vessel arrives.
    OpenArrival(u16),
    /// An open-traffic vessel leaves its berth.
    OpenDepart(u16),
}

/// Who holds or waits for a berth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Occupant {
    /// A fleet vessel.
    Vessel(u32),
    /// An open-traffic vessel of this stream.
    Open(u16),
}

/// What a vessel is doing. Whether it counts as working (for
/// `vessel_utilization`) depends on the phase alone, see [`Phase::working`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before its first arrival at its origin.
    NotArrived,
    /// Crossing, loaded or in ballast.
    Sailing,
    /// At the anchorage, waiting for a berth.
    Anchorage,
    /// At berth: port-call overhead and discharging.
    Discharging,
    /// At berth, waiting for space in the storage to discharge into.
    WaitingSpace,
    /// At berth, starting to load (within one event).
    Loading,
    /// At berth, waiting for cargo.
    WaitingCargo,
    /// At berth, loaded, waiting for its timetable slot.
    WaitingSlot,
    /// At berth, loading time still running; sails at `LoadDone`.
    ReadyToSail,
    /// Held at berth by a closed port or corridor, ready to sail.
    Held,
    /// Off the berth, waiting for its escorted convoy.
    Convoy,
    /// Detained (interdiction) before its crossing.
    Detained,
    /// Lost (interdiction).
    Lost,
}

impl Phase {
    /// Working: handling at berth (overhead, discharging, loading time) and
    /// sailing. Every other phase is a wait of some kind, or the vessel is
    /// gone: idle.
    fn working(self) -> bool {
        matches!(self, Phase::Sailing | Phase::Discharging | Phase::Loading | Phase::ReadyToSail)
    }
}

#[derive(Debug)]
struct Vessel {
    fleet: usize,
    /// The port the vessel is at or heading to.
    port: usize,
    /// Whether `port` is the fleet's origin.
    at_origin: bool,
    aboard: VecDeque<Cohort>,
    aboard_units: u64,
    phase: Phase,
    holds_berth: bool,
    /// Earliest time the current handling can finish (overhead and rates).
    handling_clock: SimTime,
    to_discharge: u64,
    discharge_into: usize,
    load_start: SimTime,
    loaded: u64,
    load_from: usize,
    timer: Option<EventKey>,
    /// 1 while `phase` is a working phase, else 0 (time-weighted).
    working: TimeWeighted,
}

#[derive(Debug)]
struct PortState {
    closures: Timeline,
    /// Berths per class, in `BerthClass::ALL` order.
    berths: Vec<Resource<Occupant>>,
    convoy: Vec<u32>,
    convoy_due: Option<EventKey>,
}

#[derive(Debug, Default)]
struct Counters {
    delivered: Vec<u64>,
    forwarded: Vec<u64>,
    shut_in: Vec<u64>,
    voyages: Vec<u64>,
    incidents: u64,
    detentions: u64,
    vessels_lost: u64,
    cargo_lost: [u64; 2],
}

/// Whole-run totals for the conservation check (never reset at warm-up).
#[derive(Debug, Default, Clone, Copy)]
struct Ledger {
    entered: u64,
    forwarded: u64,
    lost: u64,
}

pub(crate) struct World<'a> {
    plan: &'a CompiledScenario,
    ports: Vec<PortState>,
    stores: Vec<Store>,
    vessels: Vec<Vessel>,
    area_storms: Vec<Timeline>,
    corridor: Timeline,
    inflow_rng: Vec<ChaCha8Rng>,
    /// Whether inflow `i`'s next event is a month-boundary wake-up, not an arrival.
    inflow_wakeup: Vec<bool>,
    vessel_rng: Vec<ChaCha8Rng>,
    interdiction_rng: Vec<ChaCha8Rng>,
    open_arrival_rng: Vec<ChaCha8Rng>,
    open_service_rng: Vec<ChaCha8Rng>,
    outflow_credit: Vec<f64>,
    /// Outflow `j` has stopped ticking because its storage is empty; it
    /// resumes at its next tick after cargo arrives (see `wake_outflows`).
    outflow_idle: Vec<bool>,
    /// Time of outflow `j`'s last tick (zero before the first).
    outflow_last: Vec<SimTime>,
    counters: Counters,
    ledger: [Ledger; 2],
    transit: [WeightedHistogram; 2],
    crossing_h: Vec<Tally>,
    gate_wait_h: Vec<Tally>,
    warmup_done: bool,
}

fn cargo_idx(c: Cargo) -> usize {
    match c {
        Cargo::Oil => 0,
        Cargo::Wagons => 1,
    }
}

/// Hours to a duration, saturating on absurd values (inputs are validated).
fn hours(h: f64) -> SimDuration {
    SimDuration::try_from_hours_f64(h).unwrap_or(if h > 0.0 {
        SimDuration::MAX
    } else {
        SimDuration::ZERO
    })
}

/// Schedules `ev` at `t`, or now if `t` has passed.
fn at(s: &mut Scheduler<Ev>, t: SimTime, ev: Ev) -> Option<EventKey> {
    s.schedule_at(t.max(s.now()), ev).ok()
}

/// The first time at or after `t` when both timelines are open.
fn first_open(t: SimTime, a: &Timeline, b: &Timeline) -> SimTime {
    let mut t = t;
    loop {
        let t1 = b.next_open(a.next_open(t));
        if t1 == t {
            return t;
        }
        t = t1;
    }
}

/// Outcome of one replication, before KPIs are named.
#[derive(Debug, Clone)]
pub struct Replication {
    /// KPI values by name, in name order.
    pub kpis: Kpis,
    /// Events fired.
    pub events: u64,
    /// Whether the event-count safeguard stopped the run early.
    pub truncated: bool,
    /// Conservation residuals per cargo (entered - in storage - aboard -
    /// forwarded - lost); zero when the books balance.
    pub conservation_residual: [i128; 2],
    /// Waiting lines that look unbounded at the horizon (e.g.
    /// `anchorage kuryk.rail_ferry`, `gate alat_yard_east`): at least
    /// [`SATURATION_MIN_WAITING`] still waiting, and more than
    /// [`SATURATION_SHARE`] of everything that joined the line since warm-up.
    /// In a stable system the line at any instant is a small fraction of a
    /// year's traffic; a line that holds a sizeable share of it is growing,
    /// i.e. demand exceeds capacity.
    pub saturated: Vec<WaitingLine>,
}

/// Simulates replication `replication` of `plan` with master seed `seed`.
pub fn simulate(plan: &CompiledScenario, seed: u64, replication: u64) -> Replication {
    replicate(plan, seed, replication, &mut ())
}

/// [`simulate`], showing `probe` the state at regular times and, if it asks,
/// every event. The KPIs are exactly those of [`simulate`].
pub fn simulate_probed(
    plan: &CompiledScenario,
    seed: u64,
    replication: u64,
    probe: &mut dyn Probe,
) -> Replication {
    let mut watcher = Watcher::new(probe, plan.horizon);
    replicate(plan, seed, replication, &mut watcher)
}

fn replicate<'a, O: Watch<'a>>(
    plan: &'a CompiledScenario,
    seed: u64,
    replication: u64,
    observer: &mut O,
) -> Replication {
    let mut world = World::new(plan, seed, replication);
    let mut sched = Scheduler::with_capacity(256);
    world.schedule_initial(&mut sched);
    let mut sim = Simulation::with_scheduler(world, sched);
    let limits = RunLimits::until(plan.horizon).with_max_events(plan.max_events);
    let outcome = sim.run_observed(limits, observer);
    let truncated = outcome.reason == StopReason::EventLimit;
    let now = sim.now();
    observer.finish(sim.model(), now);
    let events = sim.events_processed();
    let world = sim.into_model();
    let conservation_residual = world.conservation_residual();
    let saturated = world.saturated_lines();
    Replication { kpis: world.kpis(now), events, truncated, conservation_residual, saturated }
}

impl<'a> World<'a> {
    fn new(plan: &'a CompiledScenario, seed: u64, rep: u64) -> Self {
        let horizon = plan.horizon;
        let area_storms: Vec<Timeline> = plan
            .sea_areas
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut rng = stream(seed, rep, Source::Weather, i as u8);
                // Rates were checked by `compile`, so this cannot fail.
                timeline::poisson_episodes(
                    &a.storm_onsets_per_month,
                    &a.storm_duration,
                    horizon,
                    &mut rng,
                )
                .unwrap_or_default()
            })
            .collect();
        let area_ice: Vec<Option<Timeline>> = plan
            .sea_areas
            .iter()
            .enumerate()
            .map(|(i, a)| {
                a.ice.as_ref().map(|(start, len)| {
                    let mut rng = stream(seed, rep, Source::Ice, i as u8);
                    timeline::ice_seasons(*start, len, horizon, &mut rng).unwrap_or_default()
                })
            })
            .collect();
        let mut closure_rng = stream(seed, rep, Source::CorridorClosure, 0);
        let corridor = timeline::annual_episodes(
            plan.interdiction.closures_per_year,
            &plan.interdiction.closure_duration,
            horizon,
            &mut closure_rng,
        )
        .unwrap_or_default();
        let ports = plan
            .ports
            .iter()
            .map(|p| {
                let mut closures = Timeline::default();
                if let Some(a) = p.sea_area {
                    closures = closures.union(&area_storms[a]);
                    if p.ice_affected
                        && let Some(ice) = &area_ice[a]
                    {
                        closures = closures.union(ice);
                    }
                }
                PortState {
                    closures,
                    berths: p.berths.iter().map(|&n| Resource::new(n, SimTime::ZERO)).collect(),
                    convoy: Vec::new(),
                    convoy_due: None,
                }
            })
            .collect();
        let stores = plan
            .storages
            .iter()
            .map(|s| Store::new(s.capacity, s.initial.min(s.capacity)))
            .collect();
        let mut ledger = [Ledger::default(); 2];
        for s in &plan.storages {
            ledger[cargo_idx(s.cargo)].entered += s.initial;
        }
        let mut vessels = Vec::new();
        for (f, fleet) in plan.fleets.iter().enumerate() {
            for _ in 0..fleet.count {
                vessels.push(Vessel {
                    fleet: f,
                    port: fleet.origin,
                    at_origin: true,
                    aboard: VecDeque::new(),
                    aboard_units: 0,
                    phase: Phase::NotArrived,
                    holds_berth: false,
                    handling_clock: SimTime::ZERO,
                    to_discharge: 0,
                    discharge_into: 0,
                    load_start: SimTime::ZERO,
                    loaded: 0,
                    load_from: 0,
                    timer: None,
                    working: TimeWeighted::new(SimTime::ZERO, 0.0),
                });
            }
        }
        let n_fleets = plan.fleets.len();
        let sub = |i: usize| i as u8;
        World {
            plan,
            ports,
            stores,
            vessels,
            area_storms,
            corridor,
            inflow_wakeup: vec![false; plan.inflows.len()],
            inflow_rng: (0..plan.inflows.len())
                .map(|i| stream(seed, rep, Source::Inflow, sub(i)))
                .collect(),
            vessel_rng: (0..n_fleets).map(|i| stream(seed, rep, Source::Vessel, sub(i))).collect(),
            interdiction_rng: (0..n_fleets)
                .map(|i| stream(seed, rep, Source::Interdiction, sub(i)))
                .collect(),
            open_arrival_rng: (0..plan.open_traffic.len())
                .map(|i| stream(seed, rep, Source::OpenTrafficArrival, sub(i)))
                .collect(),
            open_service_rng: (0..plan.open_traffic.len())
                .map(|i| stream(seed, rep, Source::OpenTrafficService, sub(i)))
                .collect(),
            outflow_credit: vec![0.0; plan.outflows.len()],
            outflow_idle: vec![false; plan.outflows.len()],
            outflow_last: vec![SimTime::ZERO; plan.outflows.len()],
            counters: Counters {
                delivered: vec![0; plan.storages.len()],
                forwarded: vec![0; plan.outflows.len()],
                shut_in: vec![0; plan.inflows.len()],
                voyages: vec![0; n_fleets],
                ..Counters::default()
            },
            ledger,
            transit: [WeightedHistogram::new(1.0, 24 * 120), WeightedHistogram::new(1.0, 24 * 120)],
            crossing_h: vec![Tally::new(); n_fleets],
            gate_wait_h: vec![Tally::new(); plan.inflows.len()],
            warmup_done: plan.warmup == SimTime::ZERO,
        }
    }

    fn schedule_initial(&mut self, s: &mut Scheduler<Ev>) {
        let plan = self.plan;
        if plan.warmup > SimTime::ZERO {
            at(s, plan.warmup, Ev::EndWarmup);
        }
        for (p, port) in self.ports.iter().enumerate() {
            for &(start, end) in port.closures.intervals() {
                at(s, start, Ev::PortClose(p as u16));
                // Timelines are clipped to the horizon; a closure that runs past
                // it must not reopen the port at the horizon instant (events due
                // exactly then still fire).
                if end < plan.horizon {
                    at(s, end, Ev::PortOpen(p as u16));
                }
            }
        }
        for i in 0..plan.inflows.len() {
            self.schedule_inflow(s, i, SimTime::ZERO);
        }
        for (j, o) in plan.outflows.iter().enumerate() {
            at(s, SimTime::ZERO.saturating_add(o.interval), Ev::Outflow(j as u16));
        }
        // Vessels start empty at their origin, spread evenly over one nominal cycle.
        let mut v = 0usize;
        for f in &plan.fleets {
            let cycle_h = 2.0 * f.crossing.as_hours_f64()
                + 2.0 * f.overhead.mean()
                + f.capacity as f64 / f.load_rate_per_h
                + f.capacity as f64 / f.discharge_rate_per_h;
            let spacing = hours(cycle_h / f64::from(f.count.max(1)));
            for k in 0..f.count {
                let t = SimTime::ZERO
                    .saturating_add(spacing.checked_mul(u64::from(k)).unwrap_or(SimDuration::ZERO));
                at(s, t, Ev::Arrive(v as u32));
                v += 1;
            }
        }
        for i in 0..plan.open_traffic.len() {
            let gap = plan.open_traffic[i].interarrival.sample(&mut self.open_arrival_rng[i]);
            at(s, SimTime::ZERO.saturating_add(hours(gap)), Ev::OpenArrival(i as u16));
        }
    }

    // ----- landside -------------------------------------------------------

    /// Schedules the next event of inflow `i` after `now`.
    ///
    /// Poisson: the next arrival of a non-homogeneous Poisson process whose
    /// rate is the monthly rate, exact across month boundaries (the same
    /// generator as storm onsets); nothing is scheduled if it falls after the
    /// horizon. Regular: one gap of `1 / rate` at `now`'s monthly rate, or,
    /// when that rate is zero, a wake-up at the start of the next month.
    fn schedule_inflow(&mut self, s: &mut Scheduler<Ev>, i: usize, now: SimTime) {
        let f = &self.plan.inflows[i];
        let next = match f.pattern {
            ArrivalPattern::Poisson => {
                // Events due exactly at the horizon still fire.
                let limit = self.plan.horizon.ticks().saturating_add(1);
                let rate_at = timeline::monthly_rate_at(&f.rate_per_h);
                let rng = &mut self.inflow_rng[i];
                match timeline::next_event(rate_at, now.ticks(), limit, rng) {
                    Some(t) => SimTime::from_ticks(t),
                    None => return,
                }
            }
            ArrivalPattern::Regular => {
                let rate = f.rate_per_h[timeline::month_of(now)];
                let gap = if rate <= 0.0 {
                    // Nothing arrives this month: look again at the start of the next.
                    self.inflow_wakeup[i] = true;
                    timeline::next_month_start(now)
                        .saturating_since(now)
                        .max(SimDuration::from_ticks(1))
                } else {
                    hours(1.0 / rate)
                };
                now.saturating_add(gap)
            }
        };
        at(s, next, Ev::Inflow(i as u16));
    }

    fn on_inflow(&mut self, s: &mut Scheduler<Ev>, i: usize) {
        let now = s.now();
        let wakeup = std::mem::take(&mut self.inflow_wakeup[i]);
        self.schedule_inflow(s, i, now);
        let f = &self.plan.inflows[i];
        if wakeup || f.rate_per_h[timeline::month_of(now)] <= 0.0 {
            // Regular inflows only (a Poisson arrival never falls in a
            // zero-rate month): a month-boundary wake-up (the next arrival is
            // one gap later), or a gap that ran into a month where nothing
            // arrives.
            return;
        }
        let drawn = f.size.sample(&mut self.inflow_rng[i]).round().max(0.0) as u64;
        // The part of an arrival larger than the whole storage can never fit,
        // spilling or not: it is shut in.
        let size = drawn.min(self.plan.storages[f.into].capacity);
        self.counters.shut_in[i] += drawn - size;
        if size == 0 {
            return;
        }
        let st = f.into;
        let cargo = cargo_idx(self.plan.storages[st].cargo);
        let store = &mut self.stores[st];
        if f.spill_when_full {
            let accepted = store.level.offer(now, size);
            if accepted > 0 {
                store.cohorts.push_back(Cohort { arrived: now, amount: accepted });
                self.ledger[cargo].entered += accepted;
            }
            self.counters.shut_in[i] += size - accepted;
        } else {
            match store.level.put(now, size, i as u32) {
                Ok(caspian_engine::Wait::Done) => {
                    store.cohorts.push_back(Cohort { arrived: now, amount: size });
                    self.ledger[cargo].entered += size;
                    self.gate_wait_h[i].record(0.0);
                }
                Ok(caspian_engine::Wait::Queued(_)) => {}
                Err(_) => self.counters.shut_in[i] += size,
            }
        }
        self.settle(s, st);
    }

    fn on_outflow(&mut self, s: &mut Scheduler<Ev>, j: usize) {
        let now = s.now();
        let o = &self.plan.outflows[j];
        self.outflow_last[j] = now;
        let whole = self.advance_outflow_credit(j);
        let store = &mut self.stores[o.from];
        let taken = store.level.take_up_to(now, whole);
        if taken > 0 {
            drop_cohorts(&mut store.cohorts, taken);
            self.counters.forwarded[j] += taken;
            self.ledger[cargo_idx(self.plan.storages[o.from].cargo)].forwarded += taken;
        }
        // An empty storage gives the next ticks nothing to take: instead of
        // firing them (about half the baseline's events), the outflow sleeps
        // until cargo arrives; `wake_outflows` then replays the skipped
        // ticks' credit and resumes on the same grid of tick times.
        if self.stores[o.from].level.level() == 0 {
            self.outflow_idle[j] = true;
        } else {
            at(s, now.saturating_add(o.interval), Ev::Outflow(j as u16));
        }
        self.settle(s, o.from);
    }

    /// One tick's capacity: the whole units outflow `j` may take now.
    /// Unused capacity is not banked; only the fraction below one unit
    /// carries over to the next tick.
    fn advance_outflow_credit(&mut self, j: usize) -> u64 {
        let credit = self.outflow_credit[j] + self.plan.outflows[j].per_interval;
        let whole = credit.floor();
        self.outflow_credit[j] = credit - whole;
        whole as u64
    }

    /// Resumes the sleeping outflows of storage `st` once it holds cargo: the
    /// next tick is the first on the outflow's grid strictly after now (a
    /// tick due now, had it been scheduled earlier, would have fired before
    /// this event and found the storage empty). Every skipped tick advances
    /// the credit exactly as a tick that found nothing would have.
    fn wake_outflows(&mut self, s: &mut Scheduler<Ev>, st: usize) {
        if self.stores[st].level.level() == 0 {
            return;
        }
        let now = s.now();
        for j in 0..self.plan.outflows.len() {
            if !self.outflow_idle[j] || self.plan.outflows[j].from != st {
                continue;
            }
            self.outflow_idle[j] = false;
            let interval = self.plan.outflows[j].interval.ticks();
            let last = self.outflow_last[j];
            let k = now.ticks().saturating_sub(last.ticks()) / interval + 1;
            for _ in 1..k {
                self.advance_outflow_credit(j);
            }
            let next = last.saturating_add(SimDuration::from_ticks(k.saturating_mul(interval)));
            at(s, next, Ev::Outflow(j as u16));
        }
    }

    /// After a storage changes: admit trains from the gate, then let waiting
    /// vessels load or discharge, until nothing more can move.
    fn settle(&mut self, s: &mut Scheduler<Ev>, st: usize) {
        let now = s.now();
        let cargo = cargo_idx(self.plan.storages[st].cargo);
        loop {
            let mut progress = false;
            while let Some(ready) = self.stores[st].level.next_ready() {
                let arrived = SimTime::from_ticks(now.ticks().saturating_sub(ready.waited.ticks()));
                self.stores[st].cohorts.push_back(Cohort { arrived, amount: ready.amount });
                self.ledger[cargo].entered += ready.amount;
                self.gate_wait_h[ready.tag as usize].record(ready.waited.as_hours_f64());
                progress = true;
            }
            // Progress means cargo moved or a vessel stopped waiting: a vessel
            // that can move nothing (e.g. a discharge held behind a train
            // waiting at the gate, which goes first) must not spin the loop.
            while self.stores[st].level.level() > 0
                && let Some(&v) = self.stores[st].waiting_loaders.front()
            {
                let before = self.stores[st].level.level();
                if self.load_step(s, v as usize) {
                    self.stores[st].waiting_loaders.pop_front();
                    progress = true;
                } else {
                    progress |= self.stores[st].level.level() != before;
                    break;
                }
            }
            while self.stores[st].level.space() > 0
                && let Some(&v) = self.stores[st].waiting_dischargers.front()
            {
                let before = self.stores[st].level.level();
                if self.discharge_step(s, v as usize) {
                    self.stores[st].waiting_dischargers.pop_front();
                    progress = true;
                } else {
                    progress |= self.stores[st].level.level() != before;
                    break;
                }
            }
            if !progress {
                break;
            }
        }
        self.wake_outflows(s, st);
    }

    // ----- berths ---------------------------------------------------------

    /// Moves vessel `v` into `phase`, and its working statistic with it.
    fn set_phase(&mut self, v: usize, now: SimTime, phase: Phase) {
        let ves = &mut self.vessels[v];
        ves.phase = phase;
        ves.working.set(now, if phase.working() { 1.0 } else { 0.0 });
    }

    /// Starts whatever a berth grant means for its new occupant.
    fn on_granted(&mut self, s: &mut Scheduler<Ev>, who: Occupant) {
        match who {
            Occupant::Vessel(v) => self.berth_start(s, v as usize),
            Occupant::Open(i) => {
                let i = i as usize;
                let h = self.plan.open_traffic[i].service.sample(&mut self.open_service_rng[i]);
                at(s, s.now().saturating_add(hours(h)), Ev::OpenDepart(i as u16));
            }
        }
    }

    fn release_berth(&mut self, s: &mut Scheduler<Ev>, port: usize, class: usize) {
        let now = s.now();
        if let Some(granted) = self.ports[port].berths[class].release(now) {
            self.on_granted(s, granted.requester);
        }
    }

    fn on_port_close(&mut self, s: &mut Scheduler<Ev>, p: usize) {
        let now = s.now();
        for r in &mut self.ports[p].berths {
            r.set_capacity(now, 0);
        }
    }

    fn on_port_open(&mut self, s: &mut Scheduler<Ev>, p: usize) {
        let now = s.now();
        if self.ports[p].closures.is_closed(now) {
            return; // a later storm began exactly as this one ended
        }
        for c in 0..self.ports[p].berths.len() {
            self.ports[p].berths[c].set_capacity(now, self.plan.ports[p].berths[c]);
            while let Some(g) = self.ports[p].berths[c].grant_next(now) {
                self.on_granted(s, g.requester);
            }
        }
    }

    fn on_open_arrival(&mut self, s: &mut Scheduler<Ev>, i: usize) {
        let now = s.now();
        let o = &self.plan.open_traffic[i];
        let gap = o.interarrival.sample(&mut self.open_arrival_rng[i]);
        at(s, now.saturating_add(hours(gap)), Ev::OpenArrival(i as u16));
        let (port, class, prio) = (o.port, class_index(o.berth_class), o.berth_priority);
        if self.ports[port].berths[class].request(now, Occupant::Open(i as u16), prio)
            == Request::Granted
        {
            self.on_granted(s, Occupant::Open(i as u16));
        }
    }

    fn on_open_depart(&mut self, s: &mut Scheduler<Ev>, i: usize) {
        let o = &self.plan.open_traffic[i];
        self.release_berth(s, o.port, class_index(o.berth_class));
    }

    // ----- vessels --------------------------------------------------------

    fn on_arrive(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let now = s.now();
        self.set_phase(v, now, Phase::Anchorage);
        let ves = &mut self.vessels[v];
        let f = &self.plan.fleets[ves.fleet];
        let class = class_index(f.berth_class);
        if self.ports[ves.port].berths[class].request(
            now,
            Occupant::Vessel(v as u32),
            f.berth_priority,
        ) == Request::Granted
        {
            self.berth_start(s, v);
        }
    }

    fn berth_start(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let now = s.now();
        self.set_phase(v, now, Phase::Discharging);
        let fleet = self.vessels[v].fleet;
        let f = &self.plan.fleets[fleet];
        let overhead = hours(f.overhead.sample(&mut self.vessel_rng[fleet]));
        let ves = &mut self.vessels[v];
        ves.holds_berth = true;
        ves.handling_clock = now.saturating_add(overhead);
        let target = if ves.at_origin { f.return_discharge_to } else { Some(f.discharge_to) };
        match target {
            Some(st) if ves.aboard_units > 0 => {
                ves.to_discharge = ves.aboard_units;
                ves.discharge_into = st;
                if self.discharge_step(s, v) {
                    // done; the DischargeDone event is scheduled
                } else {
                    self.set_phase(v, now, Phase::WaitingSpace);
                    self.stores[st].waiting_dischargers.push_back(v as u32);
                }
                self.settle(s, st);
            }
            _ => {
                let t = self.vessels[v].handling_clock;
                at(s, t, Ev::DischargeDone(v as u32));
            }
        }
    }

    /// Discharges as much as fits. Returns true when the vessel is empty (and
    /// schedules `DischargeDone`).
    fn discharge_step(&mut self, s: &mut Scheduler<Ev>, v: usize) -> bool {
        let now = s.now();
        let ves = &mut self.vessels[v];
        let st = ves.discharge_into;
        let cargo = cargo_idx(self.plan.storages[st].cargo);
        let accepted = self.stores[st].level.offer(now, ves.aboard_units);
        if accepted > 0 {
            let transit = &mut self.transit[cargo];
            move_cohorts(&mut ves.aboard, &mut self.stores[st].cohorts, accepted, |c| {
                transit.record(now.saturating_since(c.arrived).as_hours_f64(), c.amount as f64);
            });
            ves.aboard_units -= accepted;
            self.counters.delivered[st] += accepted;
        }
        if ves.aboard_units > 0 {
            return false;
        }
        let f = &self.plan.fleets[ves.fleet];
        let done = ves
            .handling_clock
            .saturating_add(hours(ves.to_discharge as f64 / f.discharge_rate_per_h));
        ves.handling_clock = done.max(now);
        let t = ves.handling_clock;
        if ves.phase == Phase::WaitingSpace {
            self.set_phase(v, now, Phase::Discharging);
        }
        at(s, t, Ev::DischargeDone(v as u32));
        true
    }

    fn on_discharge_done(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let now = s.now();
        let ves = &mut self.vessels[v];
        let f = &self.plan.fleets[ves.fleet];
        let source = if ves.at_origin { Some(f.load_from) } else { f.return_load_from };
        let Some(st) = source else {
            at(s, now, Ev::LoadDone(v as u32));
            return;
        };
        ves.load_start = now;
        ves.loaded = 0;
        ves.load_from = st;
        let outbound = ves.at_origin;
        self.set_phase(v, now, Phase::Loading);
        if self.load_step(s, v) {
            self.settle(s, st);
            return;
        }
        if !outbound {
            // The return leg takes what is there and goes.
            self.finish_loading(s, v);
            self.settle(s, st);
            return;
        }
        let ves = &mut self.vessels[v];
        let f = &self.plan.fleets[ves.fleet];
        match f.dispatch {
            DispatchPlan::WhenFull => {}
            DispatchPlan::FullOrMaxWait(wait) => {
                ves.timer = at(s, now.saturating_add(wait), Ev::LoadTimer(v as u32));
            }
            DispatchPlan::Timetable { .. } => {}
        }
        if self.vessels[v].phase == Phase::Loading {
            self.set_phase(v, now, Phase::WaitingCargo);
            self.stores[st].waiting_loaders.push_back(v as u32);
        }
        self.settle(s, st);
    }

    /// Loads what is available. Returns true when the vessel stops waiting for
    /// cargo (full), false when it should keep waiting.
    fn load_step(&mut self, s: &mut Scheduler<Ev>, v: usize) -> bool {
        let now = s.now();
        let ves = &mut self.vessels[v];
        let f = &self.plan.fleets[ves.fleet];
        let st = ves.load_from;
        let room = f.capacity - ves.aboard_units;
        let taken = self.stores[st].level.take_up_to(now, room);
        if taken > 0 {
            move_cohorts(&mut self.stores[st].cohorts, &mut ves.aboard, taken, |_| {});
            ves.aboard_units += taken;
            ves.loaded += taken;
        }
        let full = ves.aboard_units >= f.capacity;
        let outbound = ves.at_origin;
        if let (true, DispatchPlan::Timetable { interval, offset }) = (outbound, f.dispatch) {
            if ves.timer.is_none() {
                let slot = next_slot(ves.load_start, interval, offset);
                ves.timer = at(s, slot, Ev::LoadTimer(v as u32));
            }
            if full {
                // Full: the loading time runs (working), then, at `LoadDone`,
                // the vessel waits for the slot (idle) unless it has come.
                self.schedule_load_done(s, v);
                return true;
            }
            return false;
        }
        if full {
            self.finish_loading(s, v);
            return true;
        }
        false
    }

    /// Loading is over (whatever the vessel's wait): no more waiting for
    /// cargo or a slot; sail once the loading time has passed.
    fn finish_loading(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        if let Some(key) = self.vessels[v].timer.take() {
            s.cancel(key);
        }
        self.schedule_load_done(s, v);
    }

    /// `LoadDone` when the loading time is over: at `load_start` + loaded /
    /// rate, or now if that has passed (the wait for cargo overlapped it).
    fn schedule_load_done(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let now = s.now();
        let ves = &self.vessels[v];
        let f = &self.plan.fleets[ves.fleet];
        let done = ves.load_start.saturating_add(hours(ves.loaded as f64 / f.load_rate_per_h));
        self.set_phase(v, now, Phase::ReadyToSail);
        at(s, done.max(now), Ev::LoadDone(v as u32));
    }

    fn on_load_timer(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let ves = &mut self.vessels[v];
        ves.timer = None;
        match ves.phase {
            // Loaded before the slot and waiting for it: the slot has come.
            Phase::WaitingSlot => self.leave_berth(s, v),
            // Still waiting for cargo: sail with what is aboard.
            Phase::WaitingCargo | Phase::Loading => {
                let st = ves.load_from;
                self.stores[st].waiting_loaders.retain(|&w| w as usize != v);
                self.finish_loading(s, v);
            }
            // Full with loading time left (`LoadDone` will sail it), or gone.
            _ => {}
        }
    }

    fn on_load_done(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        if self.vessels[v].timer.is_some() {
            // A timetable vessel loaded before its slot waits for it at the berth.
            self.set_phase(v, s.now(), Phase::WaitingSlot);
            return;
        }
        self.leave_berth(s, v);
    }

    /// Loaded and ready: join a convoy (escorts) or depart.
    fn leave_berth(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let now = s.now();
        if self.plan.interdiction.escort.is_some() {
            let ves = &mut self.vessels[v];
            let port = ves.port;
            let class = class_index(self.plan.fleets[ves.fleet].berth_class);
            ves.holds_berth = false;
            self.set_phase(v, now, Phase::Convoy);
            self.release_berth(s, port, class);
            self.ports[port].convoy.push(v as u32);
            let (_, size, max_wait) = self.plan.interdiction.escort.unwrap_or_default();
            if self.ports[port].convoy.len() >= size as usize {
                self.launch_convoy(s, port);
            } else if self.ports[port].convoy_due.is_none() {
                self.ports[port].convoy_due =
                    at(s, now.saturating_add(max_wait), Ev::ConvoyGo(port as u16));
            }
            return;
        }
        self.try_depart(s, v);
    }

    fn launch_convoy(&mut self, s: &mut Scheduler<Ev>, port: usize) {
        let now = s.now();
        if let Some(key) = self.ports[port].convoy_due.take() {
            s.cancel(key);
        }
        let t = first_open(now, &self.ports[port].closures, &self.corridor);
        if t > now {
            // A closure clipped at the horizon "ends" there: no sailing at that instant.
            if t < self.plan.horizon {
                self.ports[port].convoy_due = at(s, t, Ev::ConvoyGo(port as u16));
            }
            return;
        }
        let members = std::mem::take(&mut self.ports[port].convoy);
        for v in members {
            self.depart(s, v as usize, true);
        }
    }

    fn on_try_depart(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        if self.vessels[v].phase == Phase::Detained {
            // The detention is over: the crossing starts (its arrival is
            // already scheduled).
            self.set_phase(v, s.now(), Phase::Sailing);
        } else {
            self.try_depart(s, v);
        }
    }

    fn try_depart(&mut self, s: &mut Scheduler<Ev>, v: usize) {
        let now = s.now();
        let port = self.vessels[v].port;
        let t = first_open(now, &self.ports[port].closures, &self.corridor);
        if t > now {
            // Ready but held at the berth by a closed port or corridor: idle.
            self.set_phase(v, now, Phase::Held);
            // A closure clipped at the horizon "ends" there: no sailing at that instant.
            if t < self.plan.horizon {
                at(s, t, Ev::TryDepart(v as u32));
            }
        } else {
            self.depart(s, v, false);
        }
    }

    fn depart(&mut self, s: &mut Scheduler<Ev>, v: usize, escorted: bool) {
        let now = s.now();
        let fleet = self.vessels[v].fleet;
        let f = &self.plan.fleets[fleet];
        if self.vessels[v].holds_berth {
            self.vessels[v].holds_berth = false;
            self.release_berth(s, self.vessels[v].port, class_index(f.berth_class));
        }
        // Three draws per crossing, whatever happens, keep the stream aligned
        // across policies (common random numbers).
        let risk = &self.plan.interdiction;
        let rng = &mut self.interdiction_rng[fleet];
        let u_incident: f64 = rng.random();
        let u_loss: f64 = rng.random();
        let detention = hours(risk.detention.sample(rng));
        let factor = if escorted { risk.escort.map_or(1.0, |e| e.0) } else { 1.0 };
        let incident = u_incident < risk.incident_probability * factor;
        let ves = &mut self.vessels[v];
        let (from, to) =
            if ves.at_origin { (f.origin, f.destination) } else { (f.destination, f.origin) };
        self.counters.voyages[fleet] += 1;
        if incident {
            self.counters.incidents += 1;
            if u_loss < risk.loss_probability {
                self.counters.vessels_lost += 1;
                let cargo = cargo_idx(f.cargo);
                self.counters.cargo_lost[cargo] += ves.aboard_units;
                self.ledger[cargo].lost += ves.aboard_units;
                ves.aboard.clear();
                ves.aboard_units = 0;
                self.set_phase(v, now, Phase::Lost);
                return;
            }
            self.counters.detentions += 1;
        }
        let delay = if incident { detention } else { SimDuration::ZERO };
        // Storms in the destination's sea area slow the crossing in proportion
        // to the stormy share of its nominal duration.
        let area = self.plan.ports[to].sea_area.or(self.plan.ports[from].sea_area);
        let start = now.saturating_add(delay);
        let mut crossing = f.crossing;
        if let Some(a) = area {
            let slow = self.plan.sea_areas[a].storm_crossing_slowdown;
            if slow > 1.0 {
                let stormy = self.area_storms[a]
                    .closed_time_between(start, start.saturating_add(f.crossing));
                let extra = hours(stormy.as_hours_f64() * (slow - 1.0));
                crossing = crossing.checked_add(extra).unwrap_or(crossing);
            }
        }
        self.crossing_h[fleet].record(crossing.as_hours_f64());
        let ves = &mut self.vessels[v];
        ves.port = to;
        ves.at_origin = !ves.at_origin;
        if incident {
            // Detained before the crossing: idle until the detention ends.
            self.set_phase(v, now, Phase::Detained);
            at(s, start, Ev::TryDepart(v as u32));
        } else {
            self.set_phase(v, now, Phase::Sailing);
        }
        at(s, start.saturating_add(crossing), Ev::Arrive(v as u32));
    }

    // ----- statistics -----------------------------------------------------

    fn end_warmup(&mut self, now: SimTime) {
        self.warmup_done = true;
        for p in &mut self.ports {
            for r in &mut p.berths {
                r.reset_stats(now);
            }
        }
        for st in &mut self.stores {
            st.level.reset_stats(now);
        }
        for v in &mut self.vessels {
            v.working.reset(now);
        }
        let c = &mut self.counters;
        c.delivered.iter_mut().for_each(|x| *x = 0);
        c.forwarded.iter_mut().for_each(|x| *x = 0);
        c.shut_in.iter_mut().for_each(|x| *x = 0);
        c.voyages.iter_mut().for_each(|x| *x = 0);
        c.incidents = 0;
        c.detentions = 0;
        c.vessels_lost = 0;
        c.cargo_lost = [0; 2];
        self.transit.iter_mut().for_each(WeightedHistogram::reset);
        self.crossing_h.iter_mut().for_each(Tally::reset);
        self.gate_wait_h.iter_mut().for_each(Tally::reset);
    }

    fn conservation_residual(&self) -> [i128; 2] {
        let mut residual = [0i128; 2];
        for (c, r) in residual.iter_mut().enumerate() {
            let l = self.ledger[c];
            let in_storage: u64 = self
                .plan
                .storages
                .iter()
                .zip(&self.stores)
                .filter(|(p, _)| cargo_idx(p.cargo) == c)
                .map(|(_, s)| s.level.level())
                .sum();
            let aboard: u64 = self
                .vessels
                .iter()
                .filter(|v| cargo_idx(self.plan.fleets[v.fleet].cargo) == c)
                .map(|v| v.aboard_units)
                .sum();
            *r = i128::from(l.entered)
                - i128::from(in_storage)
                - i128::from(aboard)
                - i128::from(l.forwarded)
                - i128::from(l.lost);
        }
        residual
    }

    fn kpis(&self, now: SimTime) -> Kpis {
        let plan = self.plan;
        let mut k = Kpis::default();
        let start = plan.warmup.min(now);
        for (st, p) in plan.storages.iter().enumerate() {
            k.push(format!("delivered.{}", p.id), self.counters.delivered[st] as f64);
            k.push(format!("storage_mean.{}", p.id), self.stores[st].level.mean_level(now));
            k.push(format!("storage_max.{}", p.id), self.stores[st].level.max_level() as f64);
        }
        for cargo in Cargo::ALL {
            let c = cargo_idx(cargo);
            let delivered: u64 = plan
                .storages
                .iter()
                .enumerate()
                .filter(|(_, p)| p.cargo == cargo)
                .map(|(i, _)| self.counters.delivered[i])
                .sum();
            k.push(format!("delivered_total.{}", cargo.as_str()), delivered as f64);
            k.push(format!("transit_h.{}.mean", cargo.as_str()), self.transit[c].mean());
            k.push(format!("transit_h.{}.p95", cargo.as_str()), self.transit[c].quantile(0.95));
            k.push(format!("cargo_lost.{}", cargo.as_str()), self.counters.cargo_lost[c] as f64);
        }
        for (j, o) in plan.outflows.iter().enumerate() {
            k.push(format!("forwarded.{}", o.id), self.counters.forwarded[j] as f64);
        }
        for (i, f) in plan.inflows.iter().enumerate() {
            k.push(format!("shut_in.{}", f.id), self.counters.shut_in[i] as f64);
            if !f.spill_when_full {
                k.push(format!("gate_wait_h.{}", f.id), self.gate_wait_h[i].mean_or(f64::NAN));
            }
        }
        for (p, port) in plan.ports.iter().enumerate() {
            for (c, class) in crate::scenario::BerthClass::ALL.iter().enumerate() {
                if port.berths[c] == 0 {
                    continue;
                }
                let r = &self.ports[p].berths[c];
                let key = format!("{}.{}", port.id, class.as_str());
                k.push(format!("anchorage_wait_h.{key}"), r.waits().mean_or(f64::NAN));
                k.push(format!("anchorage_queue_mean.{key}"), r.mean_queue_len(now));
                k.push(format!("berth_calls.{key}"), r.waits().count() as f64);
                k.push(format!("berth_utilization.{key}"), r.utilization(now));
            }
            let closed = self.ports[p].closures.closed_time_between(start, now);
            k.push(format!("port_closure_h.{}", port.id), closed.as_hours_f64());
        }
        for (fi, f) in plan.fleets.iter().enumerate() {
            let util: Vec<f64> = self
                .vessels
                .iter()
                .filter(|v| v.fleet == fi)
                .map(|v| v.working.mean(now))
                .collect();
            let mean_util = util.iter().sum::<f64>() / util.len().max(1) as f64;
            k.push(format!("vessel_utilization.{}", f.id), mean_util);
            k.push(format!("voyages.{}", f.id), self.counters.voyages[fi] as f64);
            k.push(format!("crossing_h.{}", f.id), self.crossing_h[fi].mean_or(f64::NAN));
        }
        k.push("incidents".to_string(), self.counters.incidents as f64);
        k.push("detentions".to_string(), self.counters.detentions as f64);
        k.push("vessels_lost".to_string(), self.counters.vessels_lost as f64);
        k.push(
            "corridor_closure_h".to_string(),
            self.corridor.closed_time_between(start, now).as_hours_f64(),
        );
        k.sort();
        k
    }
}

/// The first departure slot at or after `t`.
fn next_slot(t: SimTime, interval: SimDuration, offset: SimDuration) -> SimTime {
    let offset = SimTime::ZERO.saturating_add(offset);
    if t <= offset || interval.ticks() == 0 {
        return offset.max(t);
    }
    let since = t.saturating_since(offset).ticks();
    let k = since.div_ceil(interval.ticks());
    offset.saturating_add(SimDuration::from_ticks(k.saturating_mul(interval.ticks())))
}

impl Model for World<'_> {
    type Event = Ev;

    fn handle(&mut self, s: &mut Scheduler<Ev>, ev: Ev) {
        match ev {
            Ev::EndWarmup => self.end_warmup(s.now()),
            Ev::PortClose(p) => self.on_port_close(s, p as usize),
            Ev::PortOpen(p) => self.on_port_open(s, p as usize),
            Ev::Inflow(i) => self.on_inflow(s, i as usize),
            Ev::Outflow(j) => self.on_outflow(s, j as usize),
            Ev::Arrive(v) => self.on_arrive(s, v as usize),
            Ev::DischargeDone(v) => self.on_discharge_done(s, v as usize),
            Ev::LoadTimer(v) => self.on_load_timer(s, v as usize),
            Ev::LoadDone(v) => self.on_load_done(s, v as usize),
            Ev::TryDepart(v) => self.on_try_depart(s, v as usize),
            Ev::ConvoyGo(p) => self.launch_convoy(s, p as usize),
            Ev::OpenArrival(i) => self.on_open_arrival(s, i as usize),
            Ev::OpenDepart(i) => self.on_open_depart(s, i as usize),
        }
    }
}

// ----- probes: tracing and sampling (see crate::probe) ---------------------

/// An engine observer that can also act once the run is over.
trait Watch<'a>: Observer<World<'a>> {
    /// Called after the run with the final state and clock.
    fn finish(&mut self, _world: &World<'a>, _now: SimTime) {}
}

impl<'a> Watch<'a> for () {}

/// Feeds a [`Probe`] from the engine's observer calls.
struct Watcher<'p> {
    probe: &'p mut dyn Probe,
    every: Option<SimDuration>,
    next_sample: SimTime,
    horizon: SimTime,
    trace: bool,
    pending: Option<Ev>,
    /// Corridor-closure boundaries reported so far (2 per interval).
    corridor_reported: usize,
}

impl<'p> Watcher<'p> {
    fn new(probe: &'p mut dyn Probe, horizon: SimTime) -> Self {
        let every = probe.sample_every().filter(|d| d.ticks() > 0);
        let trace = probe.wants_trace();
        Self {
            probe,
            every,
            next_sample: SimTime::ZERO,
            horizon,
            trace,
            pending: None,
            corridor_reported: 0,
        }
    }

    /// Samples every instant up to and including `until` not sampled yet.
    /// The state is constant between events, so the state seen before the
    /// next event is the state at each of these instants.
    fn sample_until(&mut self, world: &World<'_>, until: SimTime) {
        let Some(every) = self.every else { return };
        while self.next_sample <= until.min(self.horizon) {
            self.probe.sample(&world.sample(self.next_sample));
            match self.next_sample.checked_add(every) {
                Some(t) => self.next_sample = t,
                None => {
                    self.every = None;
                    return;
                }
            }
        }
    }
}

impl Watcher<'_> {
    /// Traces the boundaries of corridor closures up to `until`. They are not
    /// events (the closure timeline is drawn up front), but a reader of the
    /// trace needs them to explain vessels held in port.
    fn trace_corridor_until(&mut self, world: &World<'_>, until: SimTime) {
        if !self.trace {
            return;
        }
        let bounds = world.corridor.intervals();
        while let Some(&(start, end)) = bounds.get(self.corridor_reported / 2) {
            let opening = self.corridor_reported % 2 == 1;
            let t = if opening { end } else { start };
            if t > until || t > self.horizon {
                return;
            }
            let (event, detail) = if opening {
                ("corridor_open", "crossings may start again")
            } else {
                ("corridor_close", "no crossing may start (closure episode)")
            };
            self.probe.trace(&TraceEntry {
                time: t,
                event,
                subject: "corridor".to_string(),
                detail: detail.to_string(),
            });
            self.corridor_reported += 1;
        }
    }
}

impl<'a> Observer<World<'a>> for Watcher<'_> {
    fn before_event(&mut self, world: &World<'a>, time: SimTime, event: &Ev) {
        self.trace_corridor_until(world, time);
        // Instants strictly before this event see the state before it.
        if time > SimTime::ZERO {
            self.sample_until(world, SimTime::from_ticks(time.ticks() - 1));
        }
        if self.trace {
            self.pending = Some(*event);
        }
    }

    fn after_event(&mut self, world: &World<'a>, time: SimTime) {
        if let Some(ev) = self.pending.take() {
            self.probe.trace(&world.describe(time, ev));
        }
    }
}

impl<'a> Watch<'a> for Watcher<'_> {
    fn finish(&mut self, world: &World<'a>, now: SimTime) {
        self.trace_corridor_until(world, now);
        self.sample_until(world, now);
    }
}

impl World<'_> {
    fn sample(&self, time: SimTime) -> Sample {
        let mut delivered = [0u64; 2];
        let mut in_storage = [0u64; 2];
        for (i, p) in self.plan.storages.iter().enumerate() {
            let c = cargo_idx(p.cargo);
            delivered[c] += self.counters.delivered[i];
            in_storage[c] += self.stores[i].level.level();
        }
        let (mut at_anchorage, mut berths_busy) = (0u64, 0u64);
        for p in &self.ports {
            for r in &p.berths {
                at_anchorage += r.queue_len() as u64;
                berths_busy += u64::from(r.busy());
            }
        }
        Sample { time, delivered, in_storage, at_anchorage, berths_busy }
    }

    fn vessel_name(&self, v: usize) -> String {
        let fleet = self.vessels[v].fleet;
        let k = self.vessels[..v].iter().filter(|x| x.fleet == fleet).count();
        format!("vessel {}#{k}", self.plan.fleets[fleet].id)
    }

    fn vessel_state(&self, v: usize) -> String {
        let ves = &self.vessels[v];
        format!(
            "{:?} at {} with {} aboard",
            ves.phase, self.plan.ports[ves.port].id, ves.aboard_units
        )
    }

    fn port_state(&self, p: usize) -> String {
        let (busy, cap, queue) = self.ports[p]
            .berths
            .iter()
            .fold((0, 0, 0), |(b, c, q), r| (b + r.busy(), c + r.capacity(), q + r.queue_len()));
        format!("berths {busy}/{cap} busy, {queue} at anchorage")
    }

    fn storage_state(&self, st: usize) -> String {
        let level = &self.stores[st].level;
        format!(
            "storage {} {}/{}, {} waiting at the gate",
            self.plan.storages[st].id,
            level.level(),
            level.capacity(),
            level.waiting_puts()
        )
    }

    /// An event in words, with its subject's state after it fired.
    fn describe(&self, time: SimTime, ev: Ev) -> TraceEntry {
        let plan = self.plan;
        let vessel = |kind: &'static str, v: u32| {
            (kind, self.vessel_name(v as usize), self.vessel_state(v as usize))
        };
        let (event, subject, detail) = match ev {
            Ev::EndWarmup => ("end_warmup", String::new(), "statistics reset".to_string()),
            Ev::PortClose(p) => (
                "port_close",
                format!("port {}", plan.ports[p as usize].id),
                self.port_state(p as usize),
            ),
            Ev::PortOpen(p) => (
                "port_open",
                format!("port {}", plan.ports[p as usize].id),
                self.port_state(p as usize),
            ),
            Ev::Inflow(i) => {
                let f = &plan.inflows[i as usize];
                ("inflow", format!("inflow {}", f.id), self.storage_state(f.into))
            }
            Ev::Outflow(j) => {
                let o = &plan.outflows[j as usize];
                ("outflow", format!("outflow {}", o.id), self.storage_state(o.from))
            }
            Ev::Arrive(v) => vessel("arrive", v),
            Ev::DischargeDone(v) => vessel("discharge_done", v),
            Ev::LoadTimer(v) => vessel("load_timer", v),
            Ev::LoadDone(v) => vessel("load_done", v),
            Ev::TryDepart(v) => vessel("try_depart", v),
            Ev::ConvoyGo(p) => (
                "convoy_go",
                format!("port {}", plan.ports[p as usize].id),
                format!("{} vessels still in convoy", self.ports[p as usize].convoy.len()),
            ),
            Ev::OpenArrival(i) | Ev::OpenDepart(i) => {
                let o = &plan.open_traffic[i as usize];
                let kind =
                    if matches!(ev, Ev::OpenArrival(_)) { "open_arrival" } else { "open_depart" };
                (kind, format!("open_traffic {}", o.id), self.port_state(o.port))
            }
        };
        TraceEntry { time, event, subject, detail }
    }
}

// ----- saturation: lines that grow without bound -----------------------------

impl World<'_> {
    /// The waiting lines that look unbounded at the end of the run (see
    /// [`Replication::saturated`]).
    fn saturated_lines(&self) -> Vec<WaitingLine> {
        let grows = |waiting: usize, served: u64| {
            waiting >= SATURATION_MIN_WAITING
                && waiting as f64 > SATURATION_SHARE * (served as f64 + waiting as f64)
        };
        let mut lines = Vec::new();
        for (p, port) in self.plan.ports.iter().enumerate() {
            for (c, class) in crate::scenario::BerthClass::ALL.iter().enumerate() {
                let r = &self.ports[p].berths[c];
                if grows(r.queue_len(), r.waits().count()) {
                    lines.push(WaitingLine::Anchorage { port: port.id.clone(), class: *class });
                }
            }
        }
        for (st, storage) in self.plan.storages.iter().enumerate() {
            let admitted: u64 = self
                .plan
                .inflows
                .iter()
                .enumerate()
                .filter(|(_, f)| f.into == st)
                .map(|(i, _)| self.gate_wait_h[i].count())
                .sum();
            if grows(self.stores[st].level.waiting_puts(), admitted) {
                lines.push(WaitingLine::Gate { storage: storage.id.clone() });
            }
        }
        lines
    }
}
