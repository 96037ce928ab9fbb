//! Observation: what a [`Probe`] sees of a replication (regular state
//! samples and, on request, every event described as a trace entry,
//! corridor-closure boundaries and the vessels another subject's event
//! changed included). Never changes what the model does.

use caspian_engine::{Observer, SimDuration, SimTime};

use super::state::{Ev, World};
use super::{CARGOES, cargo_idx};
use crate::probe::{Probe, Sample};
use crate::trace::{Subject, TraceEntry, TraceEvent, TraceState};

/// An engine observer that can also act once the run is over.
pub(super) trait Watch<'a>: Observer<World<'a>> {
    /// Called after the run with the final state and clock.
    fn finish(&mut self, _world: &World<'a>, _now: SimTime) {}
}

impl<'a> Watch<'a> for () {}

/// Feeds a [`Probe`] from the engine's observer calls.
pub(super) struct Watcher<'p> {
    probe: &'p mut dyn Probe,
    every: Option<SimDuration>,
    next_sample: SimTime,
    horizon: SimTime,
    trace: bool,
    /// The event about to fire, while tracing.
    pending: Option<Ev>,
    /// Events pending before it fired, itself included.
    queue_len: u64,
    /// Corridor-closure boundaries reported so far (2 per interval).
    corridor_reported: usize,
    /// Each vessel's phase, port and berth as the trace last told them,
    /// while tracing: a vessel that another subject's event changed gets a
    /// `StateChange` entry of its own.
    told: Vec<Told>,
}

/// What the trace last told of a vessel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Told {
    phase: crate::trace::VesselPhase,
    port: usize,
    berth: bool,
}

impl Told {
    fn of(v: &super::vessel::Vessel) -> Told {
        Told { phase: v.phase, port: v.port, berth: v.holds_berth }
    }
}

impl<'p> Watcher<'p> {
    pub(super) fn new(probe: &'p mut dyn Probe, horizon: SimTime) -> Self {
        let every = probe.sample_every().filter(|d| d.ticks() > 0);
        let trace = probe.wants_trace();
        Self {
            probe,
            every,
            next_sample: SimTime::ZERO,
            horizon,
            trace,
            pending: None,
            queue_len: 0,
            corridor_reported: 0,
            told: Vec::new(),
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
            let event = if opening { TraceEvent::CorridorOpen } else { TraceEvent::CorridorClose };
            self.probe.trace(&TraceEntry {
                time: t,
                event,
                subject: Subject::Corridor,
                state: TraceState::None,
                pending: None,
            });
            self.corridor_reported += 1;
        }
    }
}

impl<'a> Observer<World<'a>> for Watcher<'_> {
    fn queue_len(&mut self, pending: usize) {
        self.queue_len = pending as u64;
    }

    fn before_event(&mut self, world: &World<'a>, time: SimTime, event: &Ev) {
        self.trace_corridor_until(world, time);
        // Instants strictly before this event see the state before it.
        if time > SimTime::ZERO {
            self.sample_until(world, SimTime::from_ticks(time.ticks() - 1));
        }
        if self.trace {
            // An event the model ignores (one a vessel out of service had
            // scheduled) did nothing: no entry.
            self.pending = (!world.ignores(*event)).then_some(*event);
            // The vessels of the plan, at the first event, are told as they
            // are: their own events describe them from their arrival on. (A
            // replacement is told by the event that created it, see
            // `trace_state_changes`.)
            let known = self.told.len();
            self.told.extend(world.vessels[known..].iter().map(Told::of));
        }
    }

    fn after_event(&mut self, world: &World<'a>, time: SimTime) {
        if let Some(ev) = self.pending.take() {
            let mut entry = world.describe(time, ev);
            entry.pending = Some(self.queue_len);
            self.probe.trace(&entry);
            // The vessel the entry described (the replaced one, still
            // `Lost`, for `VesselReturn`), if any.
            let subject = match ev {
                Ev::VesselReturn(v) => Some(v as usize),
                _ => ev.vessel(),
            };
            self.trace_state_changes(world, time, subject);
        }
    }

    fn wants_stop(&self) -> bool {
        self.probe.wants_stop()
    }
}

impl Watcher<'_> {
    /// After the entry of an event whose subject is vessel `subject` (or
    /// none): a `StateChange` entry for every other vessel whose phase,
    /// port or berth the event changed, so that a reader sees a berth
    /// granted when another vessel left it at the moment it was granted,
    /// not at the vessel's own next event.
    ///
    /// Every vessel is compared after every event: a trace costs time in
    /// proportion to events times vessels. That keeps the model itself free
    /// of any bookkeeping for the trace (noting each change where the model
    /// makes it cost 1.1% of a plain ferry replication, measured); a trace
    /// is one replication, and the shipped fleets have tens of vessels.
    ///
    /// A vessel this event created (a replacement entering service, at
    /// `VesselReturn`) gets one too, as it enters service: `NotArrived` at
    /// its fleet's origin, before its own `Arrive` at the same time.
    fn trace_state_changes(&mut self, world: &World<'_>, time: SimTime, subject: Option<usize>) {
        // A vessel this event created is not known yet: it is told too.
        for v in 0..world.vessels.len() {
            let now = Told::of(&world.vessels[v]);
            match self.told.get_mut(v) {
                Some(last) if *last == now => continue,
                Some(last) => {
                    *last = now;
                    if subject == Some(v) {
                        continue;
                    }
                }
                None => self.told.push(now),
            }
            let (subject, state) = world.vessel(v);
            self.probe.trace(&TraceEntry {
                time,
                event: TraceEvent::StateChange,
                subject,
                state,
                pending: None,
            });
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
        let delivered = self.delivered_by_cargo();
        let mut in_storage = [0u128; CARGOES];
        for (i, p) in self.plan.storages.iter().enumerate() {
            in_storage[cargo_idx(p.cargo)] += u128::from(self.stores[i].level.level());
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

    fn vessel(&self, v: usize) -> (Subject, TraceState) {
        let ves = &self.vessels[v];
        let fleet = ves.fleet;
        let index = self.vessels[..v].iter().filter(|x| x.fleet == fleet).count();
        let subject = Subject::Vessel {
            fleet: self.plan.fleets[fleet].id.clone(),
            index: u32::try_from(index).unwrap_or(u32::MAX),
        };
        let state = TraceState::Vessel {
            phase: ves.phase,
            port: self.plan.ports[ves.port].id.clone(),
            aboard: ves.deck_used,
            berth: Some(ves.holds_berth),
        };
        (subject, state)
    }

    fn berths_state(&self, p: usize) -> TraceState {
        let (busy, capacity, anchorage) = self.ports[p]
            .berths
            .iter()
            .fold((0, 0, 0), |(b, c, q), r| (b + r.busy(), c + r.capacity(), q + r.queue_len()));
        TraceState::Berths {
            port: self.plan.ports[p].id.clone(),
            busy: u64::from(busy),
            capacity: u64::from(capacity),
            anchorage: anchorage as u64,
        }
    }

    fn storage_state(&self, st: usize) -> TraceState {
        let level = &self.stores[st].level;
        TraceState::Storage {
            storage: self.plan.storages[st].id.clone(),
            level: level.level(),
            capacity: level.capacity(),
            gate: level.waiting_puts() as u64,
        }
    }

    /// An event as a trace entry, with its subject's state after it fired.
    fn describe(&self, time: SimTime, ev: Ev) -> TraceEntry {
        let plan = self.plan;
        let port = |p: u16| Subject::Port { id: plan.ports[p as usize].id.clone() };
        let (event, (subject, state)) = match ev {
            Ev::EndWarmup => (TraceEvent::EndWarmup, (Subject::None, TraceState::None)),
            Ev::MonthEnd => (TraceEvent::MonthEnd, (Subject::None, TraceState::None)),
            Ev::PortClose(p) => (TraceEvent::PortClose, (port(p), self.berths_state(p as usize))),
            Ev::PortOpen(p) => (TraceEvent::PortOpen, (port(p), self.berths_state(p as usize))),
            Ev::Inflow(i) | Ev::GatePatience(i) => {
                let f = &plan.inflows[i as usize];
                let subject = Subject::Inflow { id: f.id.clone() };
                let event = if matches!(ev, Ev::Inflow(_)) {
                    TraceEvent::Inflow
                } else {
                    TraceEvent::GatePatience
                };
                (event, (subject, self.storage_state(f.into)))
            }
            Ev::Outflow(j) => {
                let o = &plan.outflows[j as usize];
                let subject = Subject::Outflow { id: o.id.clone() };
                (TraceEvent::Outflow, (subject, self.storage_state(o.from)))
            }
            Ev::Arrive(v) => (TraceEvent::Arrive, self.vessel(v as usize)),
            Ev::DischargeDone(v) => (TraceEvent::DischargeDone, self.vessel(v as usize)),
            Ev::LoadTimer(v) => (TraceEvent::LoadTimer, self.vessel(v as usize)),
            Ev::LoadDone(v) => (TraceEvent::LoadDone, self.vessel(v as usize)),
            Ev::TryDepart(v) => (TraceEvent::TryDepart, self.vessel(v as usize)),
            Ev::SailIn(v) => (TraceEvent::SailIn, self.vessel(v as usize)),
            Ev::ConvoyGo(p) => {
                let state = TraceState::Convoy {
                    port: plan.ports[p as usize].id.clone(),
                    waiting: self.ports[p as usize].convoy.len() as u64,
                };
                (TraceEvent::ConvoyGo, (port(p), state))
            }
            Ev::EscortArrive(p, _) => {
                let state = TraceState::Convoy {
                    port: plan.ports[p as usize].id.clone(),
                    waiting: self.ports[p as usize].convoy.len() as u64,
                };
                (TraceEvent::EscortArrive, (port(p), state))
            }
            Ev::EscortBack => (TraceEvent::EscortBack, (Subject::None, TraceState::None)),
            Ev::OpenArrival(i) | Ev::OpenDepart(i) => {
                let o = &plan.open_traffic[i as usize];
                let event = if matches!(ev, Ev::OpenArrival(_)) {
                    TraceEvent::OpenArrival
                } else {
                    TraceEvent::OpenDepart
                };
                (event, (Subject::OpenTraffic { id: o.id.clone() }, self.berths_state(o.port)))
            }
            Ev::BacklogSample => (TraceEvent::BacklogSample, (Subject::None, TraceState::None)),
            Ev::DisruptionStart(d) | Ev::DisruptionEnd(d) => {
                let event = match ev {
                    Ev::DisruptionStart(_) => TraceEvent::DisruptionStart,
                    _ => TraceEvent::DisruptionEnd,
                };
                let id = plan.disruptions[d as usize].id.clone();
                (event, (Subject::Disruption { id }, TraceState::None))
            }
            // The subject is the vessel replaced, which stays `Lost`; its
            // replacement, a new vessel, has a `StateChange` entry of its own
            // right after (see `trace_state_changes`).
            Ev::VesselReturn(v) => (TraceEvent::VesselReturn, self.vessel(v as usize)),
        };
        TraceEntry { time, event, subject, state, pending: None }
    }
}
