//! Level properties: bounds, conservation of the quantity and strict FIFO per line.

use std::collections::VecDeque;

use caspian_engine::{Level, LevelError, LevelOp, SimDuration, SimTime, Wait, WaitId};
use proptest::prelude::*;
use proptest::sample::Index;

/// One operation on the level, applied after the clock moves on by some ticks.
/// Amounts are drawn from `0..=capacity + 2`, so a few are impossible requests.
#[derive(Clone, Debug)]
enum Op {
    Put(u64),
    Get(u64),
    Offer(u64),
    TakeUpTo(u64),
    /// Withdraws one of the operations that were ever queued (still waiting or not).
    Withdraw(Index),
}

fn op(capacity: u64) -> impl Strategy<Value = Op> {
    let amount = 0..=capacity + 2;
    prop_oneof![
        4 => amount.clone().prop_map(Op::Put),
        4 => amount.clone().prop_map(Op::Get),
        2 => (0..=2 * capacity).prop_map(Op::Offer),
        2 => (0..=2 * capacity).prop_map(Op::TakeUpTo),
        2 => any::<Index>().prop_map(Op::Withdraw),
    ]
}

/// A waiting operation as the test saw it queued.
#[derive(Clone, Copy, Debug)]
struct Queued {
    id: WaitId,
    amount: u64,
    tag: u64,
    since: SimTime,
}

/// The level under test and what the test knows from its answers alone.
struct Harness {
    level: Level<u64>,
    capacity: u64,
    initial: u64,
    now: SimTime,
    /// Waiting puts and gets, in request order.
    puts: VecDeque<Queued>,
    gets: VecDeque<Queued>,
    /// Every operation ever queued, with its kind.
    ever_queued: Vec<(LevelOp, Queued)>,
    next_tag: u64,
    // Conservation accounts.
    put_done: u64,
    put_ready: u64,
    offered: u64,
    get_done: u64,
    get_ready: u64,
    taken: u64,
    /// The level after every change, for the statistics.
    max_seen: u64,
    area: f64,
    last_change: SimTime,
}

impl Harness {
    /// The level the accounts say there should be.
    fn expected_level(&self) -> u64 {
        let added = self.initial + self.put_done + self.put_ready + self.offered;
        let removed = self.get_done + self.get_ready + self.taken;
        assert!(added >= removed, "more taken out ({removed}) than ever put in ({added})");
        added - removed
    }

    /// Advances the clock, accumulating the level's area.
    fn advance(&mut self, dt: u64) {
        let now = self.now + SimDuration::from_ticks(dt);
        self.area += self.expected_level() as f64 * (now - self.last_change).ticks() as f64;
        self.last_change = now;
        self.now = now;
    }

    fn seen(&mut self) {
        self.max_seen = self.max_seen.max(self.expected_level());
    }

    fn enqueue(&mut self, op: LevelOp, q: Queued) {
        self.ever_queued.push((op, q));
        match op {
            LevelOp::Put => self.puts.push_back(q),
            LevelOp::Get => self.gets.push_back(q),
        }
    }

    fn apply(&mut self, dt: u64, op: &Op) -> Result<(), TestCaseError> {
        self.advance(dt);
        let now = self.now;
        let level_before = self.level.level();
        let space_before = self.capacity - level_before;
        match *op {
            Op::Put(amount) | Op::Get(amount) => {
                let kind = if matches!(op, Op::Put(_)) { LevelOp::Put } else { LevelOp::Get };
                let tag = self.next_tag;
                self.next_tag += 1;
                let res = match kind {
                    LevelOp::Put => self.level.put(now, amount, tag),
                    LevelOp::Get => self.level.get(now, amount, tag),
                };
                if amount > self.capacity {
                    let capacity = self.capacity;
                    prop_assert_eq!(res, Err(LevelError::AmountAboveCapacity { amount, capacity }));
                    prop_assert_eq!(self.level.level(), level_before, "a refused request moved");
                } else {
                    let (line_empty, fits) = match kind {
                        LevelOp::Put => (self.puts.is_empty(), amount <= space_before),
                        LevelOp::Get => (self.gets.is_empty(), amount <= level_before),
                    };
                    match res {
                        Ok(Wait::Done) => {
                            prop_assert!(
                                line_empty,
                                "{:?} of {} overtook a waiting one",
                                kind,
                                amount
                            );
                            prop_assert!(fits, "{:?} of {} done without room", kind, amount);
                            match kind {
                                LevelOp::Put => self.put_done += amount,
                                LevelOp::Get => self.get_done += amount,
                            }
                            self.seen();
                        }
                        Ok(Wait::Queued(id)) => {
                            prop_assert!(
                                !(line_empty && fits),
                                "{:?} of {} waits needlessly",
                                kind,
                                amount
                            );
                            if let Some(&(_, last)) = self.ever_queued.last() {
                                prop_assert!(id > last.id, "wait ids increase");
                            }
                            self.enqueue(kind, Queued { id, amount, tag, since: now });
                        }
                        Err(e) => prop_assert!(false, "unexpected error {:?}", e),
                    }
                }
            }
            Op::Offer(amount) => {
                let accepted = self.level.offer(now, amount);
                let expected = if self.puts.is_empty() { amount.min(space_before) } else { 0 };
                prop_assert_eq!(accepted, expected, "offer of {}", amount);
                self.offered += accepted;
                self.seen();
            }
            Op::TakeUpTo(amount) => {
                let taken = self.level.take_up_to(now, amount);
                let expected = if self.gets.is_empty() { amount.min(level_before) } else { 0 };
                prop_assert_eq!(taken, expected, "take_up_to {}", amount);
                self.taken += taken;
                self.seen();
            }
            Op::Withdraw(idx) => {
                if self.ever_queued.is_empty() {
                    return Ok(());
                }
                let (kind, q) = *idx.get(&self.ever_queued);
                let line = match kind {
                    LevelOp::Put => &mut self.puts,
                    LevelOp::Get => &mut self.gets,
                };
                let pos = line.iter().position(|w| w.id == q.id);
                if let Some(pos) = pos {
                    line.remove(pos);
                }
                let expected = pos.map(|_| q.tag);
                prop_assert_eq!(self.level.withdraw(now, q.id), expected, "withdraw {:?}", q.id);
            }
        }
        self.drain_ready()?;
        self.check()
    }

    /// Takes every ready record: each must be the head of its line (FIFO per line).
    fn drain_ready(&mut self) -> Result<(), TestCaseError> {
        while let Some(ready) = self.level.next_ready() {
            let line = match ready.op {
                LevelOp::Put => &mut self.puts,
                LevelOp::Get => &mut self.gets,
            };
            let head = line.pop_front();
            prop_assert!(head.is_some(), "{:?} ready with nothing waiting", ready);
            let head = head.unwrap();
            prop_assert_eq!(ready.id, head.id, "not the head of the {:?} line", ready.op);
            prop_assert_eq!((ready.amount, ready.tag), (head.amount, head.tag));
            prop_assert_eq!(ready.waited, self.now - head.since, "waited");
            match ready.op {
                LevelOp::Put => self.put_ready += ready.amount,
                LevelOp::Get => self.get_ready += ready.amount,
            }
            self.seen();
        }
        Ok(())
    }

    fn check(&self) -> Result<(), TestCaseError> {
        let l = &self.level;
        prop_assert!(l.level() <= l.capacity(), "level {} above capacity", l.level());
        prop_assert_eq!(l.capacity(), self.capacity);
        prop_assert_eq!(l.space(), self.capacity - l.level());
        prop_assert_eq!(l.level(), self.expected_level(), "conservation");
        prop_assert_eq!(l.waiting_puts(), self.puts.len());
        prop_assert_eq!(l.waiting_gets(), self.gets.len());
        prop_assert_eq!(l.waiting_put_amount(), self.puts.iter().map(|q| q.amount).sum::<u64>());
        // Nothing that could proceed is left waiting.
        if let Some(head) = self.gets.front() {
            prop_assert!(head.amount > l.level(), "head get of {} could proceed", head.amount);
        }
        if let Some(head) = self.puts.front() {
            prop_assert!(head.amount > l.space(), "head put of {} could proceed", head.amount);
        }
        prop_assert_eq!(l.max_level(), self.max_seen, "max level");
        let elapsed = self.now.ticks() as f64;
        let mean = if elapsed > 0.0 { self.area / elapsed } else { l.level() as f64 };
        let got = l.mean_level(self.now);
        prop_assert!((got - mean).abs() <= 1e-9 * mean.max(1.0), "mean level {} vs {}", got, mean);
        Ok(())
    }
}

fn case() -> impl Strategy<Value = (u64, u64, Vec<(u64, Op)>)> {
    (1u64..40).prop_flat_map(|capacity| {
        (
            Just(capacity),
            0..=capacity,
            prop::collection::vec(
                (prop::sample::select(vec![0u64, 0, 1, 250]), op(capacity)),
                0..120,
            ),
        )
    })
}

proptest! {
    #![proptest_config(crate::config(256))]

    #[test]
    fn level_is_bounded_conserved_and_fifo((capacity, initial, ops) in case()) {
        let mut h = Harness {
            level: Level::new(capacity, initial, SimTime::ZERO).unwrap(),
            capacity,
            initial,
            now: SimTime::ZERO,
            puts: VecDeque::new(),
            gets: VecDeque::new(),
            ever_queued: Vec::new(),
            next_tag: 0,
            put_done: 0,
            put_ready: 0,
            offered: 0,
            get_done: 0,
            get_ready: 0,
            taken: 0,
            max_seen: initial,
            area: 0.0,
            last_change: SimTime::ZERO,
        };
        h.check()?;
        for (dt, op) in &ops {
            h.apply(*dt, op)?;
        }
    }

    #[test]
    fn initial_above_capacity_is_refused(capacity in 0u64..100, extra in 1u64..100) {
        let initial = capacity + extra;
        let res = Level::<()>::new(capacity, initial, SimTime::ZERO).map(|_| ());
        prop_assert_eq!(res, Err(LevelError::InitialAboveCapacity { initial, capacity }));
    }
}
