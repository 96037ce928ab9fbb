//! The radix heap against `std`'s `BinaryHeap<Reverse<(time, seq)>>`
//! (`crate::queue_check`): the same pushes and pops must give the same keys,
//! in the same order.

use caspian_engine::EventKey;
use proptest::prelude::*;

use super::RadixQueue;
use crate::queue_check::{check, check_equal_times_first_in_first_out, key, ops, queue_under_test};

queue_under_test!(RadixQueue<u64>, peek_key);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Monotone traffic, as a simulation pushes: never before `now`.
    #[test]
    fn pops_in_the_binary_heaps_order(ops in ops(0, 1)) {
        check::<RadixQueue<u64>>(&ops)?;
    }

    /// Also pushes before the last pop, which rebuild the buckets.
    #[test]
    fn pops_in_the_binary_heaps_order_after_pushes_into_the_past(ops in ops(1, 1)) {
        check::<RadixQueue<u64>>(&ops)?;
    }
}

#[test]
fn equal_times_pop_first_in_first_out() {
    check_equal_times_first_in_first_out::<RadixQueue<u64>>();
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
