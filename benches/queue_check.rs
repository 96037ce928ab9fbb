//! The property check every candidate queue passes: the same pushes and pops
//! on the queue and on `std`'s `BinaryHeap<Reverse<(time, seq)>>` must give
//! the same keys, in the same order (ties first in, first out). The queues'
//! own tests (`calendar_queue/tests.rs`, `radix_queue/tests.rs`) run it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use caspian_engine::{EventKey, SimTime};
use proptest::prelude::*;

/// The key at `t` ticks with sequence number `s`.
pub(crate) fn key(t: u64, s: u64) -> EventKey {
    EventKey::new(SimTime::from_ticks(t), s)
}

/// What the check needs from a queue under test.
pub(crate) trait Queue: Default {
    fn push(&mut self, key: EventKey, payload: u64);
    fn pop(&mut self) -> Option<(EventKey, u64)>;
    fn len(&self) -> usize;
    /// The smallest key; only queues that can peek are given `Op::Peek`.
    fn peek_key(&self) -> Option<EventKey> {
        unimplemented!("this queue cannot peek: generate no Op::Peek for it")
    }
}

/// Implements [`Queue`] for a queue type by its own methods (`peek` too
/// where it has `peek_key`).
macro_rules! queue_under_test {
    ($queue:ty $(, $peek:ident)?) => {
        impl $crate::queue_check::Queue for $queue {
            fn push(&mut self, key: caspian_engine::EventKey, payload: u64) {
                <$queue>::push(self, key, payload)
            }
            fn pop(&mut self) -> Option<(caspian_engine::EventKey, u64)> {
                <$queue>::pop(self)
            }
            fn len(&self) -> usize {
                <$queue>::len(self)
            }
            $(
            fn $peek(&self) -> Option<caspian_engine::EventKey> {
                <$queue>::$peek(self)
            }
            )?
        }
    };
}
pub(crate) use queue_under_test;

/// Where a pushed time falls, relative to the time of the last pop (`now`).
#[derive(Clone, Debug)]
pub(crate) enum When {
    /// At `now`: ties, which must come out first in, first out.
    Now,
    /// A few ticks after `now`: ties and near-ties.
    Near(u64),
    /// Hold-model-like increments.
    Later(u64),
    /// Far ahead, up to the end of the clock: empty years, top buckets.
    Huge(u64),
    /// Anywhere on the clock, before `now` included.
    Anywhere(u64),
}

#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// A burst of pushes.
    Push(Vec<When>),
    /// A burst of pops.
    Pop(usize),
    /// A look at the smallest key.
    Peek,
}

/// Pushed times, `anywhere` the weight of a time anywhere on the clock
/// (0: monotone traffic, as a simulation pushes).
fn when(anywhere: u32) -> impl Strategy<Value = When> {
    prop_oneof![
        2 => Just(When::Now),
        3 => (0u64..8).prop_map(When::Near),
        6 => (0u64..2_000_000).prop_map(When::Later),
        1 => any::<u64>().prop_map(When::Huge),
        anywhere => any::<u64>().prop_map(When::Anywhere),
    ]
}

/// Bursts of pushes and pops, and peeks with weight `peek` (0 for a queue
/// that cannot peek).
pub(crate) fn ops(anywhere: u32, peek: u32) -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        8 => prop::collection::vec(when(anywhere), 1..80).prop_map(Op::Push),
        8 => (1usize..80).prop_map(Op::Pop),
        peek => Just(Op::Peek),
    ];
    prop::collection::vec(op, 1..120)
}

/// Runs `ops` on `Q` and on the binary heap, checking every pop and peek and
/// the length after each op, then empties both.
pub(crate) fn check<Q: Queue>(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut q = Q::default();
    let mut heap: BinaryHeap<Reverse<(u64, u64)>> = BinaryHeap::new();
    let (mut now, mut seq) = (0u64, 0u64);
    let pop_both = |q: &mut Q, heap: &mut BinaryHeap<_>, now: &mut u64| {
        let expected = heap.pop().map(|Reverse((t, s))| (key(t, s), s));
        let got = q.pop();
        prop_assert_eq!(got, expected);
        if let Some((k, _)) = got {
            *now = k.time().ticks();
        }
        Ok(())
    };
    for op in ops {
        match op {
            Op::Push(whens) => {
                for w in whens {
                    let t = match *w {
                        When::Now => now,
                        When::Near(d) | When::Later(d) => now.saturating_add(d),
                        When::Huge(d) => now.saturating_add(d.max(1 << 40)),
                        When::Anywhere(t) => t,
                    };
                    q.push(key(t, seq), seq);
                    heap.push(Reverse((t, seq)));
                    seq += 1;
                }
            }
            Op::Pop(count) => {
                for _ in 0..*count {
                    pop_both(&mut q, &mut heap, &mut now)?;
                }
            }
            Op::Peek => {
                let expected = heap.peek().map(|&Reverse((t, s))| key(t, s));
                prop_assert_eq!(q.peek_key(), expected);
            }
        }
        prop_assert_eq!(q.len(), heap.len());
    }
    while !heap.is_empty() {
        pop_both(&mut q, &mut heap, &mut now)?;
    }
    prop_assert_eq!(q.pop(), None);
    Ok(())
}

/// Pushes 40 events at three times, interleaved, and checks that each time's
/// events come out in the order they were pushed.
pub(crate) fn check_equal_times_first_in_first_out<Q: Queue>() {
    let mut q = Q::default();
    for s in 0..40u64 {
        q.push(key(1_000 * (s % 3), s), s);
    }
    let order: Vec<u64> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
    let expected: Vec<u64> = (0..3).flat_map(|r| (0..40).filter(move |s| s % 3 == r)).collect();
    assert_eq!(order, expected);
}
