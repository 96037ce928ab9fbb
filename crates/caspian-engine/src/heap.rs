//! A d-ary implicit min-heap of events keyed by `(time, sequence number)`.
//!
//! This is the data structure under [`Scheduler`](crate::Scheduler). It is public
//! so that benchmarks can put it beside other queues; models never touch it.
//!
//! Why d-ary: a node's `D` children sit next to each other in memory, so a
//! sift-down touches `log_D(n)` cache lines instead of `log_2(n)`. With 4 children
//! the tree is half as deep as a binary heap, which matters once the queue no
//! longer fits in cache (the measured figures are in `docs/performance.md`).
//! The code is safe Rust: elements move by `swap`, never through raw pointers.

use crate::time::SimTime;

/// The identity and order of a scheduled event: its due time, then the order in
/// which it was scheduled. Keys are unique within one [`Scheduler`](crate::Scheduler),
/// and they order events exactly as they fire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventKey {
    // Field order matters: the derived `Ord` compares `time` first, then `seq`.
    time: SimTime,
    seq: u64,
}

impl EventKey {
    /// Builds a key from its parts; only the scheduler and benchmarks need this.
    #[inline]
    pub const fn new(time: SimTime, seq: u64) -> Self {
        Self { time, seq }
    }
    /// When the event is due.
    #[inline]
    pub const fn time(self) -> SimTime {
        self.time
    }
    /// The event's sequence number: the count of events scheduled before it.
    #[inline]
    pub const fn seq(self) -> u64 {
        self.seq
    }
    /// Packs the key into one integer with the same order, for a single compare.
    #[inline(always)]
    fn packed(self) -> u128 {
        ((self.time.ticks() as u128) << 64) | self.seq as u128
    }
}

/// One heap slot: the key and the payload side by side, so a compare and a move
/// touch one cache line.
#[derive(Clone, Debug)]
struct Entry<E> {
    key: EventKey,
    event: E,
}

/// A `D`-ary min-heap of `(EventKey, E)` pairs. `D` must be at least 2.
#[derive(Clone, Debug)]
pub struct EventHeap<E, const D: usize = 4> {
    slots: Vec<Entry<E>>,
}

impl<E, const D: usize> Default for EventHeap<E, D> {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl<E, const D: usize> EventHeap<E, D> {
    const ARITY_OK: () = assert!(D >= 2, "a heap needs at least two children per node");

    /// An empty heap with room for `capacity` events before it reallocates.
    pub fn with_capacity(capacity: usize) -> Self {
        let () = Self::ARITY_OK;
        Self { slots: Vec::with_capacity(capacity) }
    }

    /// Number of entries (cancelled ones included; the heap does not know).
    #[inline]
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the heap holds no entries.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The smallest key, if any.
    #[inline]
    pub fn peek_key(&self) -> Option<EventKey> {
        self.slots.first().map(|e| e.key)
    }

    /// Inserts an entry. O(log_D n).
    #[inline]
    pub fn push(&mut self, key: EventKey, event: E) {
        self.slots.push(Entry { key, event });
        self.sift_up(self.slots.len() - 1);
    }

    /// Removes and returns the entry with the smallest key. O(D log_D n).
    #[inline]
    pub fn pop(&mut self) -> Option<(EventKey, E)> {
        if self.slots.is_empty() {
            return None;
        }
        let top = self.slots.swap_remove(0);
        if !self.slots.is_empty() {
            self.sift_down(0);
        }
        Some((top.key, top.event))
    }

    /// Keeps only the entries for which `keep` returns true, then restores the
    /// heap order. O(n).
    pub fn retain(&mut self, mut keep: impl FnMut(EventKey) -> bool) {
        self.slots.retain(|e| keep(e.key));
        self.rebuild();
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.slots.clear();
    }

    /// Restores the heap order over the whole array (Floyd's method, O(n)).
    fn rebuild(&mut self) {
        let n = self.slots.len();
        if n < 2 {
            return;
        }
        let last_parent = (n - 2) / D;
        for i in (0..=last_parent).rev() {
            self.sift_down(i);
        }
    }

    #[inline(always)]
    fn sift_up(&mut self, mut pos: usize) {
        let key = self.slots[pos].key.packed();
        while pos > 0 {
            let parent = (pos - 1) / D;
            if self.slots[parent].key.packed() <= key {
                break;
            }
            self.slots.swap(parent, pos);
            pos = parent;
        }
    }

    #[inline(always)]
    fn sift_down(&mut self, mut pos: usize) {
        let n = self.slots.len();
        let key = self.slots[pos].key.packed();
        loop {
            let first = D * pos + 1;
            if first >= n {
                break;
            }
            let end = (first + D).min(n);
            let mut best = first;
            let mut best_key = self.slots[first].key.packed();
            for child in first + 1..end {
                let k = self.slots[child].key.packed();
                if k < best_key {
                    best = child;
                    best_key = k;
                }
            }
            if key <= best_key {
                break;
            }
            self.slots.swap(pos, best);
            pos = best;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain<const D: usize>(mut h: EventHeap<u32, D>) -> Vec<u32> {
        std::iter::from_fn(|| h.pop().map(|(_, e)| e)).collect()
    }

    #[test]
    fn pops_in_key_order_for_several_arities() {
        let times = [5u64, 3, 9, 3, 0, 7, 7, 1, 12, 3];
        let mut expected: Vec<(u64, u32)> =
            times.iter().enumerate().map(|(i, &t)| (t, i as u32)).collect();
        expected.sort();
        let expected: Vec<u32> = expected.into_iter().map(|(_, i)| i).collect();

        let mut h2 = EventHeap::<u32, 2>::default();
        let mut h4 = EventHeap::<u32, 4>::default();
        let mut h8 = EventHeap::<u32, 8>::default();
        for (i, &t) in times.iter().enumerate() {
            let key = EventKey::new(SimTime::from_ticks(t), i as u64);
            h2.push(key, i as u32);
            h4.push(key, i as u32);
            h8.push(key, i as u32);
        }
        assert_eq!(drain(h2), expected);
        assert_eq!(drain(h4), expected);
        assert_eq!(drain(h8), expected);
    }

    #[test]
    fn retain_restores_order() {
        let mut h = EventHeap::<u32, 4>::default();
        for i in 0..50u64 {
            h.push(EventKey::new(SimTime::from_ticks((i * 37) % 50), i), i as u32);
        }
        h.retain(|k| k.seq() % 3 != 0);
        let mut last = None;
        let mut count = 0;
        while let Some((k, _)) = h.pop() {
            assert!(k.seq() % 3 != 0);
            assert!(last.is_none_or(|l| l < k));
            last = Some(k);
            count += 1;
        }
        assert_eq!(count, 50 - 17);
    }
}
