//! The radix heap against `std`'s `BinaryHeap<Reverse<(time, seq)>>`: the
//! same pushes and pops must give the same keys, in the same order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use caspian_engine::{EventKey, SimTime};
use proptest::prelude::*;

use super::RadixQueue;

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
    /// Far ahead, up to the end of the clock: the top buckets.
    Huge(u64),
    /// Anywhere on the clock, before `now` included (the rebuild).
    Anywhere(u64),
}

#[derive(Clone, Debug)]
enum Op {
    /// A burst of pushes.
    Push(Vec<When>),
    /// A burst of pops.
    Pop(usize),
    /// A look at the smallest key.
    Peek,
}

fn when(anywhere: u32) -> impl Strategy<Value = When> {
    prop_oneof![
        2 => Just(When::Now),
        3 => (0u64..8).prop_map(When::Near),
        6 => (0u64..2_000_000).prop_map(When::Later),
        1 => any::<u64>().prop_map(When::Huge),
        anywhere => any::<u64>().prop_map(When::Anywhere),
    ]
}

fn op(anywhere: u32) -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => prop::collection::vec(when(anywhere), 1..80).prop_map(Op::Push),
        8 => (1usize..80).prop_map(Op::Pop),
        1 => Just(Op::Peek),
    ]
}

/// Runs `ops` on both queues, checking every pop, peek and the length after
/// each op.
fn check(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut rq = RadixQueue::new();
    let mut heap: BinaryHeap<Reverse<(u64, u64)>> = BinaryHeap::new();
    let (mut now, mut seq) = (0u64, 0u64);
    let pop_both = |rq: &mut RadixQueue<u64>, heap: &mut BinaryHeap<_>, now: &mut u64| {
        let expected = heap.pop().map(|Reverse((t, s))| (key(t, s), s));
        let got = rq.pop();
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
                    rq.push(key(t, seq), seq);
                    heap.push(Reverse((t, seq)));
                    seq += 1;
                }
            }
            Op::Pop(count) => {
                for _ in 0..*count {
                    pop_both(&mut rq, &mut heap, &mut now)?;
                }
            }
            Op::Peek => {
                let expected = heap.peek().map(|&Reverse((t, s))| key(t, s));
                prop_assert_eq!(rq.peek_key(), expected);
            }
        }
        prop_assert_eq!(rq.len(), heap.len());
        prop_assert_eq!(rq.is_empty(), heap.is_empty());
    }
    while !heap.is_empty() {
        pop_both(&mut rq, &mut heap, &mut now)?;
    }
    prop_assert_eq!(rq.pop(), None);
    prop_assert_eq!(rq.peek_key(), None);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Monotone traffic, as a simulation pushes: never before `now`.
    #[test]
    fn pops_in_the_binary_heaps_order(ops in prop::collection::vec(op(0), 1..120)) {
        check(&ops)?;
    }

    /// Also pushes before the last pop, which rebuild the buckets.
    #[test]
    fn pops_in_the_binary_heaps_order_after_pushes_into_the_past(
        ops in prop::collection::vec(op(1), 1..120)
    ) {
        check(&ops)?;
    }
}

#[test]
fn equal_times_pop_first_in_first_out() {
    let mut q = RadixQueue::new();
    for s in 0..40u64 {
        q.push(key(1_000 * (s % 3), s), s);
    }
    let order: Vec<u64> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
    let expected: Vec<u64> = (0..3).flat_map(|r| (0..40).filter(move |s| s % 3 == r)).collect();
    assert_eq!(order, expected);
}

#[test]
fn hold_traffic_and_the_extremes_of_the_clock() {
    let mut q = RadixQueue::new();
    let mut seq = 0u64;
    let mut push = |q: &mut RadixQueue<u64>, t: u64| {
        q.push(key(t, seq), seq);
        seq += 1;
    };
    push(&mut q, u64::MAX); // Bucket 128 and back down.
    for t in 0..100u64 {
        push(&mut q, t * 7919 % 1000);
    }
    let mut last = None;
    for _ in 0..10_000 {
        let (k, _) = q.pop().expect("never empty here");
        assert!(last < Some(k), "popped in key order");
        last = Some(k);
        push(&mut q, k.time().ticks() + (k.seq() * 2_654_435_761) % 3_000);
    }
    assert_eq!(q.len(), 101);
    let rest: Vec<EventKey> = std::iter::from_fn(|| q.pop().map(|(k, _)| k)).collect();
    assert!(rest.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(rest.last().map(|k| k.time().ticks()), Some(u64::MAX));
    assert!(q.is_empty());
}
