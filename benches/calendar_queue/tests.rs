//! The calendar queue, and the hybrid queue built on it, against `std`'s
//! `BinaryHeap<Reverse<(time, seq)>>` (`crate::queue_check`): the same pushes
//! and pops must give the same keys, in the same order.

use proptest::prelude::*;

use super::CalendarQueue;
use crate::hybrid_queue::HybridQueue;
use crate::queue_check::{check, check_equal_times_first_in_first_out, key, ops, queue_under_test};

queue_under_test!(CalendarQueue<u64>);
queue_under_test!(HybridQueue<u64>);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn pops_in_the_binary_heaps_order(ops in ops(1, 0)) {
        check::<CalendarQueue<u64>>(&ops)?;
    }

    #[test]
    fn hybrid_pops_in_the_binary_heaps_order(ops in ops(1, 0)) {
        check::<HybridQueue<u64>>(&ops)?;
    }
}

#[test]
fn equal_times_pop_first_in_first_out() {
    check_equal_times_first_in_first_out::<CalendarQueue<u64>>();
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
