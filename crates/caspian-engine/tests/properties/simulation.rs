//! Run-loop properties: horizons, event limits and model stops, against a reference event list.

use std::collections::BTreeSet;

use caspian_engine::{
    EventKey, Model, RunLimits, Scheduler, SimDuration, SimTime, Simulation, StopReason,
};
use proptest::prelude::*;
use proptest::sample::Index;

/// Event ids below this have a generated plan (follow-up and stop flag); later ones do nothing.
const PLANNED: usize = 64;

/// A model that records what fires, schedules planned follow-ups and stops on request.
/// Its events are ids, numbered in the order they were scheduled.
#[derive(Debug)]
struct Recorder {
    /// Delay of the follow-up event that event `id` schedules, if any.
    follow_up: Vec<Option<u64>>,
    /// Whether event `id` asks the run to stop.
    stops: Vec<bool>,
    /// Key of every event ever scheduled, by id.
    keys: Vec<EventKey>,
    fired: Vec<(SimTime, usize)>,
}

impl Model for Recorder {
    type Event = usize;

    fn handle(&mut self, s: &mut Scheduler<usize>, id: usize) {
        self.fired.push((s.now(), id));
        if self.stops.get(id).copied().unwrap_or(false) {
            s.stop();
        }
        if let Some(delay) = self.follow_up.get(id).copied().flatten() {
            let next = self.keys.len();
            let key = s.schedule_after(SimDuration::from_ticks(delay), next).unwrap();
            self.keys.push(key);
        }
    }
}

/// What the test does between (and with) runs.
#[derive(Clone, Debug)]
enum Step {
    /// `run` with a horizon `now + offset` (if any), exclusive or not, and an
    /// event limit (if any).
    Run { horizon: Option<u64>, exclusive: bool, max_events: Option<u64> },
    /// Schedules an event at `now + delay` from outside the model.
    Schedule(u64),
    /// Cancels a previously scheduled event from outside the model.
    Cancel(Index),
}

/// The reference: which events are pending, and which are still to fire in what order.
struct Reference {
    pending: BTreeSet<(SimTime, usize)>,
    time_of: Vec<SimTime>,
    follow_up: Vec<Option<u64>>,
}

impl Reference {
    /// Checks that `id` is the event due next, and schedules its follow-up.
    fn fire(&mut self, time: SimTime, id: usize) -> Result<(), TestCaseError> {
        let expected = self.pending.pop_first();
        prop_assert_eq!(Some((time, id)), expected, "fired out of (time, scheduling) order");
        if let Some(delay) = self.follow_up.get(id).copied().flatten() {
            let at = time + SimDuration::from_ticks(delay);
            self.pending.insert((at, self.time_of.len()));
            self.time_of.push(at);
        }
        Ok(())
    }
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (prop::option::of(0u64..60), any::<bool>(), prop::option::weighted(0.4, 0u64..8))
            .prop_map(|(horizon, exclusive, max_events)| Step::Run { horizon, exclusive, max_events }),
        3 => (0u64..50).prop_map(Step::Schedule),
        2 => any::<Index>().prop_map(Step::Cancel),
    ]
}

fn check_run(
    sim: &mut Simulation<Recorder>,
    reference: &mut Reference,
    limits: RunLimits,
) -> Result<StopReason, TestCaseError> {
    let RunLimits { horizon, exclusive, max_events } = limits;
    let start = sim.now();
    let before = sim.model().fired.len();
    let processed_before = sim.events_processed();
    let outcome = sim.run(limits);
    let fired = sim.model().fired[before..].to_vec();

    prop_assert_eq!(outcome.events, fired.len() as u64, "outcome counts the events fired");
    prop_assert_eq!(sim.events_processed(), processed_before + outcome.events);
    prop_assert_eq!(outcome.now, sim.now());
    prop_assert!(!sim.scheduler().stop_requested(), "the run loop clears a stop it honours");
    if let Some(max) = max_events {
        prop_assert!(outcome.events <= max, "{} events fired with a limit of {}", fired.len(), max);
    }
    let mut last = start;
    for (i, &(t, id)) in fired.iter().enumerate() {
        prop_assert!(t >= last, "time went backwards");
        if let Some(h) = horizon {
            prop_assert!(t <= h, "event at {:?} fired after the horizon {:?}", t, h);
            prop_assert!(!exclusive || t < h, "event at {:?} fired at the exclusive horizon", t);
        }
        let asks_stop = sim.model().stops.get(id).copied().unwrap_or(false);
        if asks_stop {
            prop_assert_eq!(i + 1, fired.len(), "the run goes on after a stop");
        }
        reference.fire(t, id)?;
        last = t;
    }
    let next_due = reference.pending.first().map(|&(t, _)| t);
    let last_asked_stop =
        fired.last().is_some_and(|&(_, id)| sim.model().stops.get(id) == Some(&true));
    match outcome.reason {
        StopReason::StoppedByModel => prop_assert!(last_asked_stop),
        StopReason::EventLimit => {
            prop_assert!(!last_asked_stop);
            prop_assert_eq!(Some(outcome.events), max_events);
            prop_assert_eq!(sim.now(), last);
        }
        StopReason::HorizonReached => {
            prop_assert!(!last_asked_stop);
            prop_assert!(horizon.is_some());
            prop_assert_eq!(Some(sim.now()), horizon, "clock stops at the horizon");
            if exclusive {
                prop_assert!(next_due >= horizon, "stopped with an event due before the horizon");
            } else {
                prop_assert!(next_due > horizon, "stopped with an event due by the horizon");
            }
        }
        StopReason::QueueEmpty => {
            prop_assert!(!last_asked_stop);
            prop_assert_eq!(next_due, None);
            prop_assert!(sim.scheduler().is_empty());
            prop_assert_eq!(sim.now(), horizon.unwrap_or(last), "clock after an emptied queue");
        }
        other => prop_assert!(false, "unexpected stop reason {:?}", other),
    }
    prop_assert_eq!(sim.scheduler().len(), reference.pending.len());
    Ok(outcome.reason)
}

proptest! {
    #![proptest_config(crate::config(256))]

    #[test]
    fn run_respects_horizon_limit_and_stop(
        follow_up in prop::collection::vec(prop::option::weighted(0.6, 0u64..40), PLANNED),
        stops in prop::collection::vec(prop::bool::weighted(0.1), PLANNED),
        steps in prop::collection::vec(step(), 1..40),
    ) {
        let model =
            Recorder { follow_up: follow_up.clone(), stops, keys: Vec::new(), fired: Vec::new() };
        let mut sim = Simulation::new(model);
        let mut reference =
            Reference { pending: BTreeSet::new(), time_of: Vec::new(), follow_up };
        for step in &steps {
            match *step {
                Step::Run { horizon, exclusive, max_events } => {
                    let horizon = horizon.map(|h| sim.now() + SimDuration::from_ticks(h));
                    let limits = RunLimits { horizon, exclusive, max_events };
                    check_run(&mut sim, &mut reference, limits)?;
                }
                Step::Schedule(delay) => {
                    let at = sim.now() + SimDuration::from_ticks(delay);
                    let (model, sched) = sim.parts_mut();
                    let id = model.keys.len();
                    model.keys.push(sched.schedule_at(at, id).unwrap());
                    reference.pending.insert((at, id));
                    reference.time_of.push(at);
                }
                Step::Cancel(idx) => {
                    if reference.time_of.is_empty() {
                        continue;
                    }
                    let id = idx.index(reference.time_of.len());
                    let was_pending = reference.pending.remove(&(reference.time_of[id], id));
                    let key = sim.model().keys[id];
                    prop_assert_eq!(sim.scheduler_mut().cancel(key), was_pending, "cancel {}", id);
                }
            }
            prop_assert_eq!(sim.model().keys.len(), reference.time_of.len());
        }
        // Whatever is left fires in order, once each.
        while check_run(&mut sim, &mut reference, RunLimits::default())? != StopReason::QueueEmpty {}
    }
}
