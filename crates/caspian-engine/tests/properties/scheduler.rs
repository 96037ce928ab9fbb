//! Scheduler properties: time order, FIFO ties, cancellation and bookkeeping, against a model.

use std::collections::BTreeSet;

use caspian_engine::{EventKey, ScheduleError, Scheduler, SimDuration, SimTime};
use proptest::prelude::*;
use proptest::sample::Index;

/// One operation on the scheduler under test.
#[derive(Clone, Debug)]
enum Op {
    /// `schedule_at(now + delay)`.
    At(u64),
    /// `schedule_after(delay)`.
    After(u64),
    /// `schedule_now`.
    Now,
    /// `schedule_calendar(now + delay)`: the second heap, same order.
    Calendar(u64),
    /// `pop_due(now + delay)`: a pop only if the next event is due by then.
    PopDue(u64),
    /// `schedule_at(now - back)`: an error whenever `back > 0`.
    Past(u64),
    /// `cancel` of a previously issued key (pending or not).
    Cancel(Index),
    /// `reschedule` of a previously issued key to `now + delay`.
    Reschedule(Index, u64),
    /// `reschedule` of a previously issued key to just before now.
    ReschedulePast(Index),
    /// `pop`.
    Pop,
    /// `peek_time`.
    Peek,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Pending,
    Fired,
    Cancelled,
}

/// An event the test has scheduled. Its payload is its index in `Harness::issued`,
/// which is also its scheduling order.
#[derive(Debug)]
struct Issued {
    key: EventKey,
    time: SimTime,
    state: State,
}

/// The scheduler under test beside a reference model of it.
struct Harness {
    sched: Scheduler<usize>,
    issued: Vec<Issued>,
    /// Pending events as `(due time, scheduling order)`: the next pop is the first.
    pending: BTreeSet<(SimTime, usize)>,
    now: SimTime,
    last_popped: Option<SimTime>,
}

impl Harness {
    fn new() -> Self {
        Self {
            sched: Scheduler::new(),
            issued: Vec::new(),
            pending: BTreeSet::new(),
            now: SimTime::ZERO,
            last_popped: None,
        }
    }

    fn record(&mut self, key: EventKey, at: SimTime) -> Result<(), TestCaseError> {
        let id = self.issued.len();
        prop_assert_eq!(key.time(), at, "key carries the requested time");
        if let Some(prev) = self.issued.last() {
            prop_assert!(key.seq() > prev.key.seq(), "sequence numbers increase");
        }
        self.issued.push(Issued { key, time: at, state: State::Pending });
        self.pending.insert((at, id));
        Ok(())
    }

    fn schedule_at(&mut self, at: SimTime) -> Result<(), TestCaseError> {
        let id = self.issued.len();
        let key = self.sched.schedule_at(at, id);
        prop_assert!(key.is_ok(), "schedule_at({:?}) at now {:?} failed: {:?}", at, self.now, key);
        self.record(key.unwrap(), at)
    }

    fn cancel(&mut self, i: usize) -> Result<(), TestCaseError> {
        let was_pending = self.issued[i].state == State::Pending;
        let key = self.issued[i].key;
        prop_assert_eq!(self.sched.cancel(key), was_pending, "cancel({:?}) result", key);
        if was_pending {
            self.issued[i].state = State::Cancelled;
            self.pending.remove(&(self.issued[i].time, i));
        }
        Ok(())
    }

    fn pop(&mut self) -> Result<Option<SimTime>, TestCaseError> {
        self.pop_with(Scheduler::pop)
    }

    /// Pops through `pop` (`Scheduler::pop` or `pop_due` with a horizon the
    /// next event is due by) and checks the event against the reference.
    fn pop_with(
        &mut self,
        pop: impl FnOnce(&mut Scheduler<usize>) -> Option<(SimTime, usize)>,
    ) -> Result<Option<SimTime>, TestCaseError> {
        let expected = self.pending.pop_first();
        let got = pop(&mut self.sched);
        match expected {
            None => prop_assert_eq!(got, None, "reference queue is empty"),
            Some((time, id)) => {
                prop_assert_eq!(got, Some((time, id)), "next event by (time, scheduling order)");
                if let Some(last) = self.last_popped {
                    prop_assert!(time >= last, "popped times never decrease");
                }
                prop_assert_eq!(self.issued[id].state, State::Pending);
                self.issued[id].state = State::Fired;
                self.last_popped = Some(time);
                self.now = time;
            }
        }
        Ok(expected.map(|(t, _)| t))
    }

    fn apply(&mut self, op: &Op) -> Result<(), TestCaseError> {
        match *op {
            Op::At(delay) => self.schedule_at(self.now + SimDuration::from_ticks(delay))?,
            Op::After(delay) => {
                let id = self.issued.len();
                let key = self.sched.schedule_after(SimDuration::from_ticks(delay), id);
                prop_assert!(key.is_ok(), "schedule_after failed: {:?}", key);
                self.record(key.unwrap(), self.now + SimDuration::from_ticks(delay))?;
            }
            Op::Calendar(delay) => {
                let at = self.now + SimDuration::from_ticks(delay);
                let id = self.issued.len();
                let key = self.sched.schedule_calendar(at, id);
                prop_assert!(key.is_ok(), "schedule_calendar failed: {:?}", key);
                self.record(key.unwrap(), at)?;
            }
            Op::PopDue(delay) => {
                let horizon = self.now + SimDuration::from_ticks(delay);
                match self.pending.first() {
                    Some(&(t, _)) if t <= horizon => {
                        self.pop_with(|s| s.pop_due(horizon))?;
                    }
                    _ => prop_assert_eq!(
                        self.sched.pop_due(horizon),
                        None,
                        "nothing due by {:?}",
                        horizon
                    ),
                }
            }
            Op::Now => {
                let key = self.sched.schedule_now(self.issued.len());
                self.record(key, self.now)?;
            }
            Op::Past(back) => {
                if back == 0 || back > self.now.ticks() {
                    return Ok(());
                }
                let at = SimTime::from_ticks(self.now.ticks() - back);
                let res = self.sched.schedule_at(at, usize::MAX);
                prop_assert_eq!(res, Err(ScheduleError::InThePast { at, now: self.now }));
            }
            Op::Cancel(idx) => {
                if !self.issued.is_empty() {
                    self.cancel(idx.index(self.issued.len()))?;
                }
            }
            Op::Reschedule(idx, delay) => {
                if self.issued.is_empty() {
                    return Ok(());
                }
                let i = idx.index(self.issued.len());
                let old = self.issued[i].key;
                let at = self.now + SimDuration::from_ticks(delay);
                let new_id = self.issued.len();
                let res = self.sched.reschedule(old, at, new_id);
                if self.issued[i].state == State::Pending {
                    prop_assert!(res.is_ok(), "reschedule of a pending event failed: {:?}", res);
                    self.issued[i].state = State::Cancelled;
                    self.pending.remove(&(self.issued[i].time, i));
                    self.record(res.unwrap(), at)?;
                } else {
                    prop_assert_eq!(res, Err(ScheduleError::NotPending(old)));
                }
            }
            Op::ReschedulePast(idx) => {
                if self.issued.is_empty() || self.now == SimTime::ZERO {
                    return Ok(());
                }
                let i = idx.index(self.issued.len());
                let old = self.issued[i].key;
                let at = SimTime::from_ticks(self.now.ticks() - 1);
                let res = self.sched.reschedule(old, at, usize::MAX);
                if self.issued[i].state == State::Pending {
                    // The old event stays scheduled.
                    prop_assert_eq!(res, Err(ScheduleError::InThePast { at, now: self.now }));
                } else {
                    prop_assert_eq!(res, Err(ScheduleError::NotPending(old)));
                }
            }
            Op::Pop => {
                self.pop()?;
            }
            Op::Peek => {
                let expected = self.pending.first().map(|&(t, _)| t);
                prop_assert_eq!(self.sched.peek_time(), expected, "peek_time");
            }
        }
        self.check()
    }

    /// Compares every observable of the scheduler with the reference.
    fn check(&self) -> Result<(), TestCaseError> {
        prop_assert_eq!(self.sched.len(), self.pending.len(), "len()");
        prop_assert_eq!(self.sched.is_empty(), self.pending.is_empty(), "is_empty()");
        prop_assert_eq!(self.sched.now(), self.now, "now()");
        prop_assert_eq!(self.sched.scheduled_count(), self.issued.len() as u64);
        for (id, ev) in self.issued.iter().enumerate() {
            prop_assert_eq!(
                self.sched.is_pending(ev.key),
                ev.state == State::Pending,
                "is_pending of event {} ({:?}, {:?})",
                id,
                ev.key,
                ev.state
            );
        }
        Ok(())
    }

    /// Pops everything left and checks that exactly the non-cancelled events fired, once each.
    fn drain(&mut self) -> Result<(), TestCaseError> {
        while self.pop()?.is_some() {
            prop_assert_eq!(self.sched.len(), self.pending.len());
            prop_assert_eq!(self.sched.now(), self.now);
        }
        prop_assert_eq!(self.sched.pop(), None);
        self.check()?;
        for (id, ev) in self.issued.iter().enumerate() {
            prop_assert!(ev.state != State::Pending, "event {} never fired", id);
        }
        Ok(())
    }
}

fn op(max_delay: u64, cancel_weight: u32) -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..max_delay).prop_map(Op::At),
        2 => (0..max_delay).prop_map(Op::After),
        1 => Just(Op::Now),
        2 => (0..max_delay).prop_map(Op::Calendar),
        1 => (0..max_delay).prop_map(Op::PopDue),
        1 => (0..max_delay).prop_map(Op::Past),
        cancel_weight => any::<Index>().prop_map(Op::Cancel),
        2 => (any::<Index>(), 0..max_delay).prop_map(|(i, d)| Op::Reschedule(i, d)),
        1 => any::<Index>().prop_map(Op::ReschedulePast),
        4 => Just(Op::Pop),
        1 => Just(Op::Peek),
    ]
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut h = Harness::new();
    for op in ops {
        h.apply(op)?;
    }
    h.drain()
}

/// A batch of events, a cancellation of more than half of them in random order
/// (enough to force a compaction of the heap), then random operations.
fn heavy_cancellation() -> impl Strategy<Value = (Vec<u64>, Vec<usize>, Vec<Op>)> {
    (66usize..160).prop_flat_map(|n| {
        (
            prop::collection::vec(0u64..200, n),
            prop::sample::subsequence((0..n).collect::<Vec<_>>(), n / 2 + 1..=n).prop_shuffle(),
            prop::collection::vec(op(200, 6), 0..120),
        )
    })
}

proptest! {
    #![proptest_config(crate::config(256))]

    #[test]
    fn mixed_operations_match_reference(ops in prop::collection::vec(op(1_000, 3), 0..150)) {
        run(&ops)?;
    }

    #[test]
    fn many_equal_times_fire_fifo(ops in prop::collection::vec(op(3, 3), 0..150)) {
        run(&ops)?;
    }

    #[test]
    fn heavy_cancellation_and_compaction((delays, cancels, ops) in heavy_cancellation()) {
        let mut h = Harness::new();
        for &d in &delays {
            h.schedule_at(SimTime::from_ticks(d))?;
        }
        h.check()?;
        for &i in &cancels {
            h.cancel(i)?;
            prop_assert_eq!(h.sched.len(), h.pending.len());
            prop_assert!(!h.sched.is_pending(h.issued[i].key));
        }
        h.check()?;
        // A second cancel of the same events must report them dead, compacted or not.
        for &i in &cancels {
            h.cancel(i)?;
        }
        h.check()?;
        for op in &ops {
            h.apply(op)?;
        }
        h.drain()?;
    }
}
