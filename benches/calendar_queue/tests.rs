//! The calendar queue, and the hybrid queue built on it, against `std`'s
//! `BinaryHeap<Reverse<(time, seq)>>`: the same pushes and pops must give the
//! same keys, in the same order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use caspian_engine::{EventKey, SimTime};
use proptest::prelude::*;

use super::CalendarQueue;
use crate::hybrid_queue::HybridQueue;

/// What the check needs from a queue under test.
trait Queue: Default {
    fn push(&mut self, key: EventKey, payload: u64);
    fn pop(&mut self) -> Option<(EventKey, u64)>;
    fn len(&self) -> usize;
}

macro_rules! queue_under_test {
    ($queue:ty) => {
        impl Queue for $queue {
            fn push(&mut self, key: EventKey, payload: u64) {
                <$queue>::push(self, key, payload)
            }
            fn pop(&mut self) -> Option<(EventKey, u64)> {
                <$queue>::pop(self)
            }
            fn len(&self) -> usize {
                <$queue>::len(self)
            }
        }
    };
}
queue_under_test!(CalendarQueue<u64>);
queue_under_test!(HybridQueue<u64>);

fn key(t: u64, s: u64) -> EventKey {
    EventKey::new(SimTime::from_ticks(t), s)
}

/// Where a pushed time falls, relative to the time of the last pop (`now`).
#[derive(Clone, Debug)]
enum When {
    /// At `now`: ties, which must come out first in, first out.
    Now,
    /// A few ticks after `now`: ties and near-ties.
    Near(u64),
    /// Hold-model-like increments.
    Later(u64),
    /// Far ahead, up to the end of the clock: empty years.
    Huge(u64),
    /// Anywhere on the clock, before `now` included.
    Anywhere(u64),
}

#[derive(Clone, Debug)]
enum Op {
    /// A burst of pushes.
    Push(Vec<When>),
    /// A burst of pops.
    Pop(usize),
}

fn when() -> impl Strategy<Value = When> {
    prop_oneof![
        2 => Just(When::Now),
        3 => (0u64..8).prop_map(When::Near),
        6 => (0u64..2_000_000).prop_map(When::Later),
        1 => any::<u64>().prop_map(When::Huge),
        1 => any::<u64>().prop_map(When::Anywhere),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        prop::collection::vec(when(), 1..80).prop_map(Op::Push),
        (1usize..80).prop_map(Op::Pop),
    ]
}

/// Runs `ops` on both queues, checking every pop and the length after each op.
fn check<Q: Queue>(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut cq = Q::default();
    let mut heap: BinaryHeap<Reverse<(u64, u64)>> = BinaryHeap::new();
    let (mut now, mut seq) = (0u64, 0u64);
    let pop_both = |cq: &mut Q, heap: &mut BinaryHeap<_>, now: &mut u64| {
        let expected = heap.pop().map(|Reverse((t, s))| (key(t, s), s));
        let got = cq.pop();
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
                    cq.push(key(t, seq), seq);
                    heap.push(Reverse((t, seq)));
                    seq += 1;
                }
            }
            Op::Pop(count) => {
                for _ in 0..*count {
                    pop_both(&mut cq, &mut heap, &mut now)?;
                }
            }
        }
        prop_assert_eq!(cq.len(), heap.len());
    }
    while !heap.is_empty() {
        pop_both(&mut cq, &mut heap, &mut now)?;
    }
    prop_assert_eq!(cq.pop(), None);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn pops_in_the_binary_heaps_order(ops in prop::collection::vec(op(), 1..120)) {
        check::<CalendarQueue<u64>>(&ops)?;
    }

    #[test]
    fn hybrid_pops_in_the_binary_heaps_order(ops in prop::collection::vec(op(), 1..120)) {
        check::<HybridQueue<u64>>(&ops)?;
    }
}

#[test]
fn equal_times_pop_first_in_first_out() {
    let mut q = CalendarQueue::new();
    for s in 0..40u64 {
        q.push(key(1_000 * (s % 3), s), s);
    }
    let order: Vec<u64> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
    let expected: Vec<u64> = (0..3).flat_map(|r| (0..40).filter(move |s| s % 3 == r)).collect();
    assert_eq!(order, expected);
}

#[test]
fn grows_shrinks_and_crosses_empty_years() {
    let mut q = CalendarQueue::new();
    for s in 0..1_000u64 {
        q.push(key(s * 10, s), s);
    }
    assert_eq!(q.buckets(), 512, "doubled past 2 nb each time");
    assert_eq!(q.day_ticks(), 32, "3 gaps of 10 ticks, rounded to a power of two");
    // A lone event a long way ahead: the pops before it cross many empty years.
    q.push(key(u64::MAX, 1_000), 1_000);
    for s in 0..1_000u64 {
        assert_eq!(q.pop(), Some((key(s * 10, s), s)));
    }
    assert_eq!(q.buckets(), 2, "halved below nb / 2 each time");
    assert_eq!(q.pop(), Some((key(u64::MAX, 1_000), 1_000)));
    assert!(q.is_empty());
    assert_eq!(q.pop(), None);
}

#[test]
fn hybrid_moves_between_heap_and_calendar() {
    use crate::hybrid_queue::{TO_CALENDAR, TO_HEAP};
    let mut q = HybridQueue::default();
    let is_calendar = |q: &HybridQueue<u64>| matches!(q, HybridQueue::Calendar(_));
    for s in 0..=TO_CALENDAR as u64 {
        assert!(!is_calendar(&q));
        q.push(key(1_000 - s, s), s);
    }
    assert!(is_calendar(&q), "more than TO_CALENDAR pending");
    let mut last = None;
    while let Some((k, _)) = q.pop() {
        assert!(last < Some(k));
        last = Some(k);
        assert_eq!(is_calendar(&q), q.len() >= TO_HEAP);
    }
}
