//! A d-ary implicit min-heap of events keyed by `(time, sequence number)`.
//!
//! This is the data structure under [`Scheduler`](crate::Scheduler). It is public
//! so that benchmarks can put it beside other queues; models never touch it.
//!
//! Why d-ary: a node's `D` children sit next to each other in memory, so a
//! sift-down touches `log_D(n)` cache lines instead of `log_2(n)`. With 4 children
//! the tree is half as deep as a binary heap, which matters once the queue no
//! longer fits in cache (the measured figures are in `docs/performance.md`).
//! The code is safe Rust; see [`EventHeap`] for how it avoids swaps anyway.

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
/// touch one cache line. `event` is `None` only for a slot that is momentarily
/// empty: the hole during a sift, or the vacant root after a pop.
#[derive(Clone, Debug)]
struct Slot<E> {
    key: EventKey,
    event: Option<E>,
}

/// A `D`-ary min-heap of `(EventKey, E)` pairs. `D` must be at least 2.
///
/// Two tricks keep it fast without `unsafe`:
/// - **Hole-based sifting.** The element being sifted waits in a local variable
///   while parents or children move into the hole one level at a time, so each
///   level costs one move, not a three-move swap. The `Option` around the
///   payload is what lets safe code leave a hole behind.
/// - **Deferred root removal.** [`pop`](Self::pop) takes the root's payload and
///   leaves the root vacant. If the next operation is a [`push`](Self::push), the
///   usual case in a discrete-event run (a handler schedules the next event), the
///   new element drops into the root and sifts down once: one sift instead of a
///   sift-down plus a sift-up. Otherwise the vacancy is filled from the last slot
///   first, as in a textbook pop.
#[derive(Clone, Debug)]
pub struct EventHeap<E, const D: usize = 4> {
    slots: Vec<Slot<E>>,
    root_vacant: bool,
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
        Self { slots: Vec::with_capacity(capacity), root_vacant: false }
    }

    /// Number of entries (cancelled ones included; the heap does not know).
    #[inline]
    pub fn len(&self) -> usize {
        self.slots.len() - usize::from(self.root_vacant)
    }

    /// Whether the heap holds no entries.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The smallest key, if any.
    #[inline]
    pub fn peek_key(&self) -> Option<EventKey> {
        if !self.root_vacant {
            return self.slots.first().map(|s| s.key);
        }
        // The smallest remaining key is the smallest child of the vacant root.
        let end = (D + 1).min(self.slots.len());
        self.slots.get(1..end)?.iter().map(|s| s.key).min()
    }

    /// Inserts an entry. O(log_D n).
    #[inline(always)]
    pub fn push(&mut self, key: EventKey, event: E) {
        if self.root_vacant {
            self.root_vacant = false;
            self.sift_down(0, key, event);
        } else {
            self.slots.push(Slot { key, event: None });
            self.sift_up(self.slots.len() - 1, key, event);
        }
    }

    /// The smallest key, if any, filling a vacant root first (so that a
    /// following [`pop`](Self::pop) takes the root at once). O(D log_D n) when
    /// the root was vacant, O(1) otherwise.
    #[inline]
    pub fn top_key(&mut self) -> Option<EventKey> {
        if self.root_vacant {
            self.fill_vacant_root();
        }
        self.slots.first().map(|s| s.key)
    }

    /// Removes and returns the entry with the smallest key. O(D log_D n).
    #[inline]
    pub fn pop(&mut self) -> Option<(EventKey, E)> {
        if self.root_vacant {
            self.fill_vacant_root();
        }
        let root = self.slots.first_mut()?;
        let event = root.event.take()?;
        self.root_vacant = true;
        Some((root.key, event))
    }

    /// Keeps only the entries for which `keep` returns true, then restores the
    /// heap order. O(n).
    pub fn retain(&mut self, mut keep: impl FnMut(EventKey) -> bool) {
        if self.root_vacant {
            self.fill_vacant_root();
        }
        self.slots.retain(|s| keep(s.key));
        self.rebuild();
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.root_vacant = false;
    }

    /// Moves the last entry into the vacant root and sifts it down.
    fn fill_vacant_root(&mut self) {
        self.root_vacant = false;
        let last = self.slots.pop();
        if self.slots.is_empty() {
            return; // The vacant root was the only slot.
        }
        if let Some(Slot { key, event: Some(event) }) = last {
            self.sift_down(0, key, event);
        }
    }

    /// Restores the heap order over the whole array (Floyd's method, O(n)).
    fn rebuild(&mut self) {
        let n = self.slots.len();
        if n < 2 {
            return;
        }
        for i in (0..=(n - 2) / D).rev() {
            let key = self.slots[i].key;
            if let Some(event) = self.slots[i].event.take() {
                self.sift_down(i, key, event);
            }
        }
    }

    /// Places `(key, event)` at the hole `pos` or above it: parents larger than
    /// `key` move down into the hole.
    #[inline(always)]
    fn sift_up(&mut self, pos: usize, key: EventKey, event: E) {
        self.sift_up_to(pos, 0, key, event);
    }

    /// [`sift_up`](Self::sift_up) that stops at `top`, an ancestor of `pos`
    /// (or `pos` itself).
    #[inline(always)]
    fn sift_up_to(&mut self, mut pos: usize, top: usize, key: EventKey, event: E) {
        let packed = key.packed();
        while pos > top {
            let parent = (pos - 1) / D;
            if self.slots[parent].key.packed() <= packed {
                break;
            }
            self.move_entry(parent, pos);
            pos = parent;
        }
        self.slots[pos] = Slot { key, event: Some(event) };
    }

    /// Index and packed key of the smallest slot in `first..end`.
    #[inline(always)]
    fn smallest_child(&self, first: usize, end: usize) -> (usize, u128) {
        let mut best = first;
        let mut best_key = self.slots[first].key.packed();
        for child in first + 1..end {
            let k = self.slots[child].key.packed();
            if k < best_key {
                best = child;
                best_key = k;
            }
        }
        (best, best_key)
    }

    /// The smallest of four adjacent slots, found as a tournament of two pairs:
    /// the two first-round compares are independent, so they overlap in the CPU
    /// and compile to conditional moves instead of hard-to-predict branches.
    #[inline(always)]
    fn smallest_of_four(&self, first: usize) -> (usize, u128) {
        let four = &self.slots[first..first + 4];
        let (k0, k1, k2, k3) = (
            four[0].key.packed(),
            four[1].key.packed(),
            four[2].key.packed(),
            four[3].key.packed(),
        );
        let (a, ka) = if k1 < k0 { (first + 1, k1) } else { (first, k0) };
        let (b, kb) = if k3 < k2 { (first + 3, k3) } else { (first + 2, k2) };
        if kb < ka { (b, kb) } else { (a, ka) }
    }

    /// The smallest of the `count` (1 to 3) adjacent slots from `first`,
    /// with conditional moves as in [`smallest_of_four`](Self::smallest_of_four).
    #[inline(always)]
    fn smallest_of_few(&self, first: usize, count: usize) -> (usize, u128) {
        let k0 = self.slots[first].key.packed();
        if count == 1 {
            return (first, k0);
        }
        let k1 = self.slots[first + 1].key.packed();
        let (a, ka) = if k1 < k0 { (first + 1, k1) } else { (first, k0) };
        if count == 2 {
            return (a, ka);
        }
        let k2 = self.slots[first + 2].key.packed();
        if k2 < ka { (first + 2, k2) } else { (a, ka) }
    }

    /// Index and packed key of the smallest child of the node whose children
    /// start at `first` (`first < n`, `n` the number of slots).
    #[inline(always)]
    fn smallest_child_from(&self, first: usize, n: usize) -> (usize, u128) {
        if D == 4 && first + 4 <= n {
            self.smallest_of_four(first)
        } else if D == 4 {
            // The last parent, with one to three children: small queues
            // (a model's working heap holds a handful of events) often
            // sift down to it.
            self.smallest_of_few(first, n - first)
        } else {
            self.smallest_child(first, (first + D).min(n))
        }
    }

    /// Places `(key, event)` at the hole `pos` or below it.
    ///
    /// Two ways, the same result (the heap order is unique up to ties, and keys
    /// are unique): in a small heap the smallest child moves up into the hole
    /// while it is smaller than `key` (the textbook sift); in one deeper than
    /// [`BOTTOM_UP_ABOVE`] slots the hole goes down to a leaf along the
    /// smallest children without comparing them with `key`, and `key` then
    /// sifts up from there (Floyd's bottom-up sift, Wegener 1993). A new event
    /// is due later than most pending ones, so it belongs near the bottom: the
    /// sift up takes a step or two, and the test "is `key` smaller than the
    /// smallest child", which a sift down makes at every level and the CPU
    /// mispredicts about once a sift, is gone. Measured in `docs/performance.md`
    /// ("Ninth round: a bottom-up sift in the event heap").
    #[inline(always)]
    fn sift_down(&mut self, pos: usize, key: EventKey, event: E) {
        if self.slots.len() > BOTTOM_UP_ABOVE {
            self.sift_down_bottom_up(pos, key, event);
        } else {
            self.sift_down_textbook(pos, key, event);
        }
    }

    /// The textbook sift down: see [`sift_down`](Self::sift_down).
    #[inline(always)]
    fn sift_down_textbook(&mut self, mut pos: usize, key: EventKey, event: E) {
        let n = self.slots.len();
        let packed = key.packed();
        loop {
            let first = D * pos + 1;
            if first >= n {
                break;
            }
            let (best, best_key) = self.smallest_child_from(first, n);
            if packed <= best_key {
                break;
            }
            self.move_entry(best, pos);
            pos = best;
        }
        self.slots[pos] = Slot { key, event: Some(event) };
    }

    /// Floyd's bottom-up sift down: see [`sift_down`](Self::sift_down).
    #[inline(always)]
    fn sift_down_bottom_up(&mut self, top: usize, key: EventKey, event: E) {
        let n = self.slots.len();
        let mut pos = top;
        loop {
            let first = D * pos + 1;
            if first >= n {
                break;
            }
            let (best, _) = self.smallest_child_from(first, n);
            self.move_entry(best, pos);
            pos = best;
        }
        self.sift_up_to(pos, top, key, event);
    }

    /// Moves the entry at `from` into the hole at `to` (its parent or its
    /// child), leaving the hole at `from`.
    #[inline(always)]
    fn move_entry(&mut self, from: usize, to: usize) {
        self.slots[to].key = self.slots[from].key;
        self.slots[to].event = self.slots[from].event.take();
    }
}

/// Heaps of more slots than this sift down bottom-up ([`EventHeap`]'s
/// `sift_down`): 21 slots fill the first three levels of a 4-ary heap, so
/// from 22 on a sift down crosses at least three levels. Below it the
/// bottom-up sift's unconditional moves cost more than the test it saves
/// (about 2% of an M/M/3 replication, whose working heap holds a handful of
/// events).
const BOTTOM_UP_ABOVE: usize = 21;

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
    fn interleaved_pop_push_and_peek() {
        let mut h = EventHeap::<u32, 4>::default();
        let k = |t: u64, s: u64| EventKey::new(SimTime::from_ticks(t), s);
        assert_eq!(h.pop(), None);
        h.push(k(5, 0), 0);
        assert_eq!(h.pop(), Some((k(5, 0), 0)));
        assert!(h.is_empty());
        assert_eq!(h.peek_key(), None);
        h.push(k(7, 1), 1); // fills the vacant root
        h.push(k(6, 2), 2);
        h.push(k(9, 3), 3);
        assert_eq!(h.len(), 3);
        assert_eq!(h.pop(), Some((k(6, 2), 2)));
        assert_eq!(h.len(), 2);
        assert_eq!(h.peek_key(), Some(k(7, 1)), "peek looks past the vacant root");
        assert_eq!(h.pop(), Some((k(7, 1), 1)));
        assert_eq!(h.pop(), Some((k(9, 3), 3)));
        assert_eq!(h.pop(), None);
        assert_eq!(h.len(), 0);
    }

    /// Hold-model traffic (pop one, push one later), growth, drains and
    /// `retain` on heaps from a handful of slots to hundreds, so both sift
    /// downs (the textbook one up to `BOTTOM_UP_ABOVE` slots, the bottom-up
    /// one above) and the rebuild's bounded sift up are checked against a
    /// sorted reference.
    #[test]
    fn both_sifts_match_a_sorted_reference_across_the_threshold() {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move |bound: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % bound
        };
        for size in [1_usize, 5, BOTTOM_UP_ABOVE, BOTTOM_UP_ABOVE + 1, 64, 300] {
            let mut heap = EventHeap::<u64, 4>::default();
            let mut reference = std::collections::BTreeSet::new();
            let mut seq = 0_u64;
            let mut push = |heap: &mut EventHeap<u64, 4>,
                            reference: &mut std::collections::BTreeSet<EventKey>,
                            at: u64| {
                let key = EventKey::new(SimTime::from_ticks(at), seq);
                heap.push(key, seq);
                reference.insert(key);
                seq += 1;
            };
            for _ in 0..size {
                let at = next(50);
                push(&mut heap, &mut reference, at);
            }
            for step in 0..4 * size + 50 {
                let (key, payload) = heap.pop().expect("never empty here");
                assert_eq!(Some(key), reference.pop_first(), "size {size}, step {step}");
                assert_eq!(payload, key.seq());
                let now = key.time().ticks();
                // Mostly later than the rest, sometimes due at once (ties).
                let at = now + if next(4) == 0 { 0 } else { next(60) };
                push(&mut heap, &mut reference, at);
                if step % 7 == 0 {
                    let at = now + next(60);
                    push(&mut heap, &mut reference, at);
                }
                if step % 29 == 0 {
                    let cut = next(3);
                    heap.retain(|k| k.seq() % 3 != cut);
                    reference.retain(|k| k.seq() % 3 != cut);
                    assert_eq!(heap.len(), reference.len());
                }
                if heap.is_empty() {
                    push(&mut heap, &mut reference, now);
                }
            }
            let drained: Vec<EventKey> =
                std::iter::from_fn(|| heap.pop().map(|(k, _)| k)).collect();
            let expected: Vec<EventKey> = reference.into_iter().collect();
            assert_eq!(drained, expected, "size {size}: the drain");
        }
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
