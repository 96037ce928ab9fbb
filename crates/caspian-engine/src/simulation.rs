//! The run loop: pops events in order and hands them to the model.

use crate::scheduler::Scheduler;
use crate::time::SimTime;

/// A discrete-event model: state plus a handler for its own event type.
///
/// The engine never looks inside `Event`; the model defines it (usually a small
/// `Copy` enum). Handlers schedule follow-up events through the [`Scheduler`] and
/// may ask the run to stop with [`Scheduler::stop`].
pub trait Model {
    /// The model's event payload.
    type Event;

    /// Handles one event. The scheduler's clock already reads the event's time.
    fn handle(&mut self, scheduler: &mut Scheduler<Self::Event>, event: Self::Event);
}

/// Watches a run from outside the model: tracing, sampling the state at
/// regular times, animation. Every method defaults to doing nothing, and
/// [`Simulation::run`] uses the no-op observer `()`, which compiles away.
pub trait Observer<M: Model> {
    /// Called just before [`before_event`](Self::before_event) with the
    /// number of events pending at that moment, the one about to fire
    /// included (the queue size N of the hold model); cancelled events do
    /// not count. For measuring what the queue holds, e.g. a trace column.
    fn queue_len(&mut self, _pending: usize) {}

    /// Called just before `event`, due at `time`, fires. The model's state is
    /// the state at every instant since the previous event, up to `time`.
    fn before_event(&mut self, _model: &M, _time: SimTime, _event: &M::Event) {}

    /// Called just after an event due at `time` has fired.
    fn after_event(&mut self, _model: &M, _time: SimTime) {}

    /// Whether the run should end now (asked after each event; e.g. a trace
    /// whose reader has gone away). The run then returns
    /// [`StopReason::StoppedByObserver`].
    fn wants_stop(&self) -> bool {
        false
    }
}

impl<M: Model> Observer<M> for () {}

/// When a run should end, whichever comes first. The default runs until the
/// queue is empty or the model stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunLimits {
    /// Fire only events due at or before this time (strictly before it with
    /// [`exclusive`](Self::exclusive)); then set the clock to it (also when
    /// the queue empties first, since nothing can change after that).
    pub horizon: Option<SimTime>,
    /// Leave the events due exactly at `horizon` unfired: the run covers the
    /// half-open window `[now, horizon)`, as SimPy's `run(until=...)` does, so
    /// that back-to-back windows never count an instant twice.
    pub exclusive: bool,
    /// Fire at most this many events in this call (a safeguard against models
    /// that schedule events without end).
    pub max_events: Option<u64>,
}

impl RunLimits {
    /// Run until `horizon`, firing the events due at it.
    pub fn until(horizon: SimTime) -> Self {
        Self { horizon: Some(horizon), exclusive: false, max_events: None }
    }

    /// Run up to `horizon`, leaving the events due at it unfired
    /// ([`RunLimits::exclusive`]); the clock then reads `horizon`.
    pub fn before(horizon: SimTime) -> Self {
        Self { horizon: Some(horizon), exclusive: true, max_events: None }
    }

    /// Also stop after `max_events` events.
    pub fn with_max_events(mut self, max_events: u64) -> Self {
        self.max_events = Some(max_events);
        self
    }
}

/// Why a run returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// No event was left to fire.
    QueueEmpty,
    /// The next event is due after the horizon (at or after it, for an
    /// [exclusive](RunLimits::exclusive) one); the clock now reads the horizon.
    HorizonReached,
    /// The model called [`Scheduler::stop`].
    StoppedByModel,
    /// [`RunLimits::max_events`] events were fired.
    EventLimit,
    /// The observer asked to stop ([`Observer::wants_stop`]).
    StoppedByObserver,
}

/// What a call to [`Simulation::run`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOutcome {
    /// Why the run returned.
    pub reason: StopReason,
    /// Events fired during this call.
    pub events: u64,
    /// The clock when the run returned.
    pub now: SimTime,
}

/// A model together with its scheduler.
#[derive(Debug)]
pub struct Simulation<M: Model> {
    model: M,
    scheduler: Scheduler<M::Event>,
    events_processed: u64,
}

impl<M: Model> Simulation<M> {
    /// Wraps a model with an empty scheduler at time zero.
    pub fn new(model: M) -> Self {
        Self::with_scheduler(model, Scheduler::new())
    }

    /// Wraps a model with a scheduler that may already hold initial events.
    pub fn with_scheduler(model: M, scheduler: Scheduler<M::Event>) -> Self {
        Self { model, scheduler, events_processed: 0 }
    }

    /// The model.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The model, mutably (e.g. to reset statistics at the end of warm-up).
    pub fn model_mut(&mut self) -> &mut M {
        &mut self.model
    }

    /// The scheduler, e.g. to schedule initial events.
    pub fn scheduler(&self) -> &Scheduler<M::Event> {
        &self.scheduler
    }

    /// The scheduler, mutably.
    pub fn scheduler_mut(&mut self) -> &mut Scheduler<M::Event> {
        &mut self.scheduler
    }

    /// The model and the scheduler at once.
    pub fn parts_mut(&mut self) -> (&mut M, &mut Scheduler<M::Event>) {
        (&mut self.model, &mut self.scheduler)
    }

    /// The current simulation time.
    pub fn now(&self) -> SimTime {
        self.scheduler.now()
    }

    /// Events fired since the simulation was created.
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    /// Takes the model back, dropping pending events.
    pub fn into_model(self) -> M {
        self.model
    }

    /// Fires the earliest pending event, if any. Returns its time. A stop the
    /// model requests while handling it is consumed here (a single step stops
    /// anyway), so it does not cut the next [`run`](Self::run) short.
    pub fn step(&mut self) -> Option<SimTime> {
        let (time, event) = self.scheduler.pop()?;
        self.model.handle(&mut self.scheduler, event);
        self.scheduler.clear_stop();
        self.events_processed += 1;
        Some(time)
    }

    /// Fires events until a limit in `limits` is hit, the queue empties, or the
    /// model asks to stop. A horizon before the current time fires nothing and
    /// returns [`StopReason::HorizonReached`]; the clock never goes back.
    pub fn run(&mut self, limits: RunLimits) -> RunOutcome {
        self.run_observed(limits, &mut ())
    }

    /// [`run`](Self::run), telling `observer` about every event fired.
    pub fn run_observed<O: Observer<M>>(
        &mut self,
        limits: RunLimits,
        observer: &mut O,
    ) -> RunOutcome {
        let horizon = limits.horizon.unwrap_or(SimTime::MAX);
        // The last instant whose events fire (none, before time 0).
        let last_due = match limits.horizon {
            Some(h) if limits.exclusive => h.ticks().checked_sub(1).map(SimTime::from_ticks),
            _ => Some(horizon),
        };
        let max_events = limits.max_events.unwrap_or(u64::MAX);
        let mut fired = 0u64;
        let reason = loop {
            if fired >= max_events {
                break StopReason::EventLimit;
            }
            let Some((time, event)) = last_due.and_then(|t| self.scheduler.pop_due(t)) else {
                if self.scheduler.is_empty() {
                    // Nothing can change any more, so the state holds until the horizon.
                    if limits.horizon.is_some() {
                        self.scheduler.advance_to(horizon);
                    }
                    break StopReason::QueueEmpty;
                }
                self.scheduler.advance_to(horizon);
                break StopReason::HorizonReached;
            };
            observer.queue_len(self.scheduler.len() + 1);
            observer.before_event(&self.model, time, &event);
            self.model.handle(&mut self.scheduler, event);
            observer.after_event(&self.model, time);
            fired += 1;
            if self.scheduler.stop_requested() {
                self.scheduler.clear_stop();
                break StopReason::StoppedByModel;
            }
            if observer.wants_stop() {
                break StopReason::StoppedByObserver;
            }
        };
        self.events_processed += fired;
        RunOutcome { reason, events: fired, now: self.scheduler.now() }
    }

    /// Runs until `horizon` (inclusive), then sets the clock to it.
    pub fn run_until(&mut self, horizon: SimTime) -> RunOutcome {
        self.run(RunLimits::until(horizon))
    }

    /// Runs until the queue is empty or the model stops.
    pub fn run_to_completion(&mut self) -> RunOutcome {
        self.run(RunLimits::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimDuration;

    /// Counts events; each of the first five schedules one more an hour later.
    #[derive(Debug, Default)]
    struct Counter {
        fired: u32,
    }

    impl Model for Counter {
        type Event = u32;
        fn handle(&mut self, s: &mut Scheduler<u32>, e: u32) {
            self.fired += 1;
            if e < 5 {
                s.schedule_after(SimDuration::from_hours(1), e + 1).unwrap();
            }
        }
    }

    /// Records what it is shown: (time, event, model count) before, and
    /// (time, model count) after.
    #[derive(Debug, Default)]
    struct Log {
        before: Vec<(SimTime, u32, u32)>,
        after: Vec<(SimTime, u32)>,
        pending: Vec<usize>,
    }

    impl Observer<Counter> for Log {
        fn queue_len(&mut self, pending: usize) {
            self.pending.push(pending);
        }
        fn before_event(&mut self, model: &Counter, time: SimTime, event: &u32) {
            self.before.push((time, *event, model.fired));
        }
        fn after_event(&mut self, model: &Counter, time: SimTime) {
            self.after.push((time, model.fired));
        }
    }

    #[test]
    fn an_exclusive_horizon_leaves_its_own_instant_to_the_next_window() {
        // Events at 0, 1, 2, ... 5 h; windows [0, 3 h) and [3 h, 6 h).
        let mut sim = Simulation::new(Counter::default());
        sim.scheduler_mut().schedule_now(0);
        let first = sim.run(RunLimits::before(SimTime::from_hours(3)));
        assert_eq!((first.reason, first.events), (StopReason::HorizonReached, 3));
        assert_eq!((first.now, sim.model().fired), (SimTime::from_hours(3), 3));
        let second = sim.run(RunLimits::before(SimTime::from_hours(6)));
        assert_eq!(
            (second.reason, second.events, sim.model().fired),
            (StopReason::QueueEmpty, 3, 6)
        );
        // The inclusive horizon fires the event due at it.
        let mut inclusive = Simulation::new(Counter::default());
        inclusive.scheduler_mut().schedule_now(0);
        assert_eq!(inclusive.run_until(SimTime::from_hours(3)).events, 4);
        // An exclusive horizon at time 0 fires nothing, not even events due at 0.
        let mut none = Simulation::new(Counter::default());
        none.scheduler_mut().schedule_now(0);
        let out = none.run(RunLimits::before(SimTime::ZERO));
        assert_eq!((out.reason, out.events), (StopReason::HorizonReached, 0));
        // Without a horizon, `exclusive` changes nothing.
        let mut open = Simulation::new(Counter::default());
        open.scheduler_mut().schedule_now(0);
        let limits = RunLimits { exclusive: true, ..RunLimits::default() };
        assert_eq!(open.run(limits).events, 6);
    }

    #[test]
    fn observer_sees_every_event_before_and_after_it_fires() {
        let mut sim = Simulation::new(Counter::default());
        sim.scheduler_mut().schedule_now(0);
        let mut log = Log::default();
        let out = sim.run_observed(RunLimits::until(SimTime::from_hours(3)), &mut log);
        assert_eq!(out.events, 4);
        let h = SimTime::from_hours;
        assert_eq!(log.before, vec![(h(0), 0, 0), (h(1), 1, 1), (h(2), 2, 2), (h(3), 3, 3)]);
        assert_eq!(log.after, vec![(h(0), 1), (h(1), 2), (h(2), 3), (h(3), 4)]);
        // One event pending at a time in this chain: the one about to fire.
        assert_eq!(log.pending, vec![1; 4]);
        // The plain run is the observed run with the no-op observer.
        let mut plain = Simulation::new(Counter::default());
        plain.scheduler_mut().schedule_now(0);
        assert_eq!(plain.run(RunLimits::until(SimTime::from_hours(3))), out);
    }

    #[test]
    fn the_queue_length_counts_the_event_about_to_fire_but_no_cancelled_one() {
        let mut sim = Simulation::new(Counter::default());
        let h = SimTime::from_hours;
        let s = sim.scheduler_mut();
        s.schedule_at(h(1), 10).unwrap();
        let gone = s.schedule_at(h(2), 11).unwrap();
        s.schedule_at(h(3), 12).unwrap();
        s.schedule_at(h(3), 4).unwrap(); // schedules 5 at 4 h
        assert!(s.cancel(gone));
        let mut log = Log::default();
        sim.run_observed(RunLimits::default(), &mut log);
        assert_eq!(log.pending, vec![3, 2, 1, 1]);
        assert_eq!(log.before.iter().map(|b| b.1).collect::<Vec<_>>(), vec![10, 12, 4, 5]);
    }

    /// Asks to stop once it has seen two events.
    #[derive(Debug, Default)]
    struct StopAfterTwo(u32);

    impl Observer<Counter> for StopAfterTwo {
        fn after_event(&mut self, _model: &Counter, _time: SimTime) {
            self.0 += 1;
        }
        fn wants_stop(&self) -> bool {
            self.0 >= 2
        }
    }

    #[test]
    fn an_observer_can_end_the_run() {
        let mut sim = Simulation::new(Counter::default());
        sim.scheduler_mut().schedule_now(0);
        let out = sim.run_observed(RunLimits::default(), &mut StopAfterTwo::default());
        assert_eq!((out.reason, out.events), (StopReason::StoppedByObserver, 2));
        assert_eq!(sim.model().fired, 2);
    }
}
