//! A radix heap (Ahuja, Mehlhorn, Orlin and Tarjan, "Faster algorithms for the
//! shortest path problem", J. ACM 37(2), 1990) over the engine's [`EventKey`],
//! as a candidate for the event queue of the hold model
//! (`benches/benches/event_queue.rs`, `benches/peers/hold.rs`). It is a
//! benchmark subject, not used by the engine.
//!
//! A radix heap is a *monotone* priority queue: it relies on no key being
//! pushed below the last key popped, which a simulation guarantees (an event
//! is never scheduled before `now`, and the sequence number grows). The key
//! `(time, seq)` is read as one 128-bit number, time in the high half, so the
//! order is exactly the engine heap's. Keys are kept in 129 buckets relative to
//! `last`, the last key popped: bucket 0 holds keys equal to `last`, bucket
//! `b` (1 to 128) the keys whose highest bit differing from `last` is bit
//! `b - 1`, that is `b` = the bit length of `key ^ last`. Every key of bucket
//! `b` is smaller than every key of bucket `b + 1`, and within one bucket keys
//! are unordered. A bit mask of the non-empty buckets 1 to 128 finds the lowest
//! one with one trailing-zeros count, and each bucket's smallest key is kept
//! beside it (one compare a push), so a pop need not scan for it.
//!
//! A push is O(1): one XOR, one leading-zeros count, one `Vec` push. A pop
//! takes bucket 0's key if there is one; otherwise it empties the lowest
//! non-empty bucket, makes its smallest key the new `last` and puts every key
//! back: the smallest into bucket 0, the others each into a strictly lower
//! bucket (they now agree with `last` on the bit that put them there). A key
//! thus moves at most 128 times between push and pop: O(log C) amortized a
//! pop, C the key range; in the hold model a key moves about three times at
//! N = 100 (`peers_hold`). The number of keys moved differs from pop to pop,
//! which the CPU mispredicts.
//!
//! A push below `last` (which a simulation never does, but a general queue
//! may) rebuilds the buckets around the new key, O(n), so the queue stays
//! correct as a general priority queue, only slower.

use caspian_engine::EventKey;

use crate::{packed, unpacked};

/// Buckets 1 to 128; bucket 0 is [`RadixQueue::zero`].
const BUCKETS: usize = 128;

/// A radix heap of `(EventKey, E)` pairs, popped in key order.
#[derive(Clone, Debug)]
pub struct RadixQueue<E> {
    /// Bucket 0: keys equal to `last` (more than one only for repeated keys).
    zero: Vec<(EventKey, E)>,
    /// `buckets[j]` is bucket `j + 1`: keys whose highest bit differing from
    /// `last` is bit `j`.
    buckets: Box<[Vec<(EventKey, E)>; BUCKETS]>,
    /// Bit `j % 64` of word `j / 64` set when `buckets[j]` is not empty
    /// (two words: a `u128` shift costs more than a `u64` one).
    mask: [u64; 2],
    /// `mins[j]`: the smallest key in `buckets[j]`, `u128::MAX` when empty.
    mins: Box<[u128; BUCKETS]>,
    /// The last key popped (or the key a push below it lowered it to); no
    /// pending key is smaller.
    last: u128,
    len: usize,
}

impl<E> Default for RadixQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> RadixQueue<E> {
    /// An empty queue, `last` at key zero.
    pub fn new() -> Self {
        Self {
            zero: Vec::new(),
            buckets: Box::new(std::array::from_fn(|_| Vec::new())),
            mask: [0; 2],
            mins: Box::new([u128::MAX; BUCKETS]),
            last: 0,
            len: 0,
        }
    }

    /// Number of pending events.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no event is pending.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Puts `(key, event)` into its bucket relative to `last`; `key >= last`.
    #[inline(always)]
    fn place(&mut self, key: EventKey, event: E) {
        let k = packed(key);
        let diff = k ^ self.last;
        if diff == 0 {
            self.zero.push((key, event));
        } else {
            let j = (127 - diff.leading_zeros() as usize) % BUCKETS;
            self.buckets[j].push((key, event));
            self.mask[j / 64] |= 1 << (j % 64);
            self.mins[j] = self.mins[j].min(k);
        }
    }

    /// Inserts an event. O(1), or O(n) for a key below the last one popped.
    #[inline(always)]
    pub fn push(&mut self, key: EventKey, event: E) {
        if packed(key) < self.last {
            self.lower_last(packed(key));
        }
        self.place(key, event);
        self.len += 1;
    }

    /// Makes `k` (below `last`) the new `last` and re-buckets every pending key.
    #[cold]
    #[inline(never)]
    fn lower_last(&mut self, k: u128) {
        let mut all = std::mem::take(&mut self.zero);
        for bucket in self.buckets.iter_mut() {
            all.append(bucket);
        }
        self.mask = [0; 2];
        self.mins.fill(u128::MAX);
        self.last = k;
        for (key, event) in all.drain(..) {
            self.place(key, event);
        }
        self.zero = all; // Empty; kept for its allocation.
    }

    /// The smallest key, if any, without removing it. O(1).
    pub fn peek_key(&self) -> Option<EventKey> {
        match self.zero.last() {
            Some(&(key, _)) => Some(key),
            None => self.mins.get(self.lowest_bucket()?).map(|&k| unpacked(k)),
        }
    }

    /// The index in `buckets` of the lowest non-empty bucket, if any.
    #[inline(always)]
    fn lowest_bucket(&self) -> Option<usize> {
        match self.mask {
            [0, 0] => None,
            [0, high] => Some(64 + high.trailing_zeros() as usize),
            [low, _] => Some(low.trailing_zeros() as usize),
        }
    }

    /// Removes and returns the event with the smallest key. Amortized
    /// O(log C), C the key range (each key moves down at most 128 times).
    #[inline(always)]
    pub fn pop(&mut self) -> Option<(EventKey, E)> {
        let popped = match self.zero.pop() {
            Some(entry) => entry,
            None => self.pop_from_lowest_bucket()?,
        };
        self.len -= 1;
        Some(popped)
    }

    /// Bucket 0 is empty: empties the lowest non-empty bucket, makes its
    /// smallest key the new `last`, puts its entries back (the smallest into
    /// bucket 0, the others lower) and pops bucket 0.
    #[inline(always)]
    fn pop_from_lowest_bucket(&mut self) -> Option<(EventKey, E)> {
        let j = self.lowest_bucket()? % BUCKETS;
        self.mask[j / 64] &= !(1 << (j % 64));
        self.last = std::mem::replace(&mut self.mins[j], u128::MAX);
        let mut entries = std::mem::take(&mut self.buckets[j]);
        // The smallest goes to bucket 0, the others lower than `j`.
        for (key, event) in entries.drain(..) {
            self.place(key, event);
        }
        self.buckets[j] = entries; // Empty; kept for its allocation.
        self.zero.pop()
    }
}

#[cfg(test)]
mod tests;
