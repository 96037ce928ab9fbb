//! A calendar queue (Brown 1988) over the engine's [`EventKey`], as a candidate
//! for the event queue of the hold model (`benches/benches/event_queue.rs`,
//! `benches/peers/hold.rs`). It is a benchmark subject, not used by the engine.
//!
//! Time is cut into *days* of `2^shift` ticks; day `d` lives in bucket
//! `d mod nb` (`nb` a power of two), and `nb` days make a *year*. Each bucket is
//! a singly linked list sorted by the full key `(time, seq)`, kept in one slab
//! of nodes (indices, not pointers: safe Rust, and one allocation). A pop looks
//! at the bucket of the current day: if its head falls in that day it is the
//! smallest key of all; otherwise the day moves on. After a whole year of empty
//! days the earliest head is found by a direct search over the buckets.
//!
//! The order is exactly `(time, seq)`, the order of the engine's heap, because
//! equal times share a day, hence a bucket, and a bucket is sorted by the whole
//! key. A push before the current day (which a simulation never does, but a
//! general queue may) moves the current day back to it.
//!
//! Resizing follows Brown: the bucket count doubles when the size exceeds
//! `2 nb` and halves when it drops below `nb / 2`; each time, the day length is
//! re-estimated as [`WIDTH_GAPS`] times the mean gap between the first
//! [`SAMPLE`] keys (gaps over twice the first mean left out), rounded to a
//! power of two so that the day of a time is one shift.

use caspian_engine::{EventKey, SimTime};

use crate::packed;

/// No node: the end of a bucket's list or of the free list.
const NIL: u32 = u32::MAX;
/// The fewest buckets the calendar shrinks to.
const MIN_BUCKETS: usize = 2;
/// How many of the earliest keys estimate the day length at a resize.
pub const SAMPLE: usize = 25;
/// Day length in mean gaps between consecutive keys (Brown suggests 3).
pub const WIDTH_GAPS: u64 = 3;

/// One slab entry: a pending event, or a free slot (`event` is `None`).
#[derive(Clone, Debug)]
struct Node<E> {
    key: EventKey,
    next: u32,
    event: Option<E>,
}

/// A calendar queue of `(EventKey, E)` pairs, popped in key order.
///
/// Holds at most `u32::MAX - 1` events at once (node indices are `u32`).
#[derive(Clone, Debug)]
pub struct CalendarQueue<E> {
    nodes: Vec<Node<E>>,
    /// Head of the list of free slots in `nodes`.
    free: u32,
    /// Head of each bucket's sorted list; `heads.len()` is a power of two.
    heads: Vec<u32>,
    /// `heads.len() - 1`.
    mask: u64,
    /// A day is `1 << shift` ticks.
    shift: u32,
    /// The current day: no pending key falls before it.
    day: u64,
    len: usize,
    /// Resize when `len` rises above `grow_above` or drops below `shrink_below`.
    grow_above: usize,
    shrink_below: usize,
}

impl<E> Default for CalendarQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> CalendarQueue<E> {
    /// An empty queue: two buckets of one tick, re-estimated at the first resize.
    pub fn new() -> Self {
        Self {
            nodes: Vec::new(),
            free: NIL,
            heads: vec![NIL; MIN_BUCKETS],
            mask: MIN_BUCKETS as u64 - 1,
            shift: 0,
            day: 0,
            len: 0,
            grow_above: 2 * MIN_BUCKETS,
            shrink_below: 0,
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

    /// The day length in ticks (for tests and reports).
    pub fn day_ticks(&self) -> u64 {
        1 << self.shift
    }

    /// The number of buckets (for tests and reports).
    pub fn buckets(&self) -> usize {
        self.heads.len()
    }

    #[inline(always)]
    fn day_of(&self, key: EventKey) -> u64 {
        key.time().ticks() >> self.shift
    }

    /// Inserts an event. O(1) expected when the day length fits the keys.
    ///
    /// # Panics
    /// When `u32::MAX - 1` events are already pending.
    #[inline(always)]
    pub fn push(&mut self, key: EventKey, event: E) {
        let day = self.day_of(key);
        if day < self.day {
            self.day = day;
        }
        let node = Node { key, next: NIL, event: Some(event) };
        let idx = if self.free == NIL {
            assert!(self.nodes.len() < NIL as usize, "calendar queue full");
            self.nodes.push(node);
            (self.nodes.len() - 1) as u32
        } else {
            let idx = self.free;
            self.free = self.nodes[idx as usize].next;
            self.nodes[idx as usize] = node;
            idx
        };
        self.link((day & self.mask) as usize, idx);
        self.len += 1;
        if self.len > self.grow_above {
            self.resize(self.heads.len() * 2);
        }
    }

    /// Links node `idx` into `bucket`, after every smaller key.
    #[inline(always)]
    fn link(&mut self, bucket: usize, idx: u32) {
        let key = packed(self.nodes[idx as usize].key);
        let head = self.heads[bucket];
        if head == NIL || key < packed(self.nodes[head as usize].key) {
            self.nodes[idx as usize].next = head;
            self.heads[bucket] = idx;
            return;
        }
        let mut cur = head;
        loop {
            let next = self.nodes[cur as usize].next;
            if next == NIL || key < packed(self.nodes[next as usize].key) {
                self.nodes[idx as usize].next = next;
                self.nodes[cur as usize].next = idx;
                return;
            }
            cur = next;
        }
    }

    /// Removes and returns the event with the smallest key. O(1) expected when
    /// the day length fits the keys; O(nb) after a year of empty days.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<(EventKey, E)> {
        if self.len == 0 {
            return None;
        }
        let mut empty_days = 0;
        let (bucket, head) = loop {
            let bucket = (self.day & self.mask) as usize;
            let head = self.heads[bucket];
            if head != NIL && self.day_of(self.nodes[head as usize].key) == self.day {
                break (bucket, head);
            }
            self.day += 1;
            empty_days += 1;
            if empty_days > self.mask {
                self.day = self.day_of(self.earliest_head());
            }
        };
        let node = &mut self.nodes[head as usize];
        let key = node.key;
        let event = node.event.take()?; // Always `Some`: a linked node holds its event.
        self.heads[bucket] = node.next;
        node.next = self.free;
        self.free = head;
        self.len -= 1;
        if self.len < self.shrink_below {
            self.resize(self.heads.len() / 2);
        }
        Some((key, event))
    }

    /// The smallest key among the bucket heads, which is the smallest of all.
    /// Only called with at least one event pending.
    #[cold]
    #[inline(never)]
    fn earliest_head(&self) -> EventKey {
        self.heads
            .iter()
            .filter(|&&h| h != NIL)
            .map(|&h| self.nodes[h as usize].key)
            .min_by_key(|&k| packed(k))
            .unwrap_or(EventKey::new(SimTime::ZERO, 0))
    }

    /// Rebuilds the calendar with `buckets` buckets and a re-estimated day.
    /// O(n log n): the pending nodes are sorted once, then appended in order.
    #[cold]
    #[inline(never)]
    fn resize(&mut self, buckets: usize) {
        let mut live: Vec<u32> = Vec::with_capacity(self.len);
        for &head in &self.heads {
            let mut cur = head;
            while cur != NIL {
                live.push(cur);
                cur = self.nodes[cur as usize].next;
            }
        }
        live.sort_unstable_by_key(|&i| packed(self.nodes[i as usize].key));
        let times: Vec<u64> =
            live.iter().take(SAMPLE).map(|&i| self.nodes[i as usize].key.time().ticks()).collect();
        self.shift = day_shift(&times);
        self.heads.clear();
        self.heads.resize(buckets, NIL);
        self.mask = buckets as u64 - 1;
        self.grow_above = 2 * buckets;
        self.shrink_below = if buckets > MIN_BUCKETS { buckets / 2 } else { 0 };
        let mut tails = vec![NIL; buckets];
        for &idx in &live {
            let day = self.day_of(self.nodes[idx as usize].key);
            let bucket = (day & self.mask) as usize;
            self.nodes[idx as usize].next = NIL;
            match tails[bucket] {
                NIL => self.heads[bucket] = idx,
                tail => self.nodes[tail as usize].next = idx,
            }
            tails[bucket] = idx;
        }
        if let Some(&first) = live.first() {
            self.day = self.day_of(self.nodes[first as usize].key);
        }
    }
}

/// Brown's day length from the earliest sorted times, as a power-of-two shift:
/// [`WIDTH_GAPS`] times the mean gap, gaps over twice the first mean left out.
fn day_shift(times: &[u64]) -> u32 {
    let gaps: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    if gaps.is_empty() {
        return 0;
    }
    let mean = |gs: &mut dyn Iterator<Item = u64>| {
        let (sum, count) = gs.fold((0u128, 0u128), |(s, c), g| (s + u128::from(g), c + 1));
        sum.checked_div(count).unwrap_or(0)
    };
    let first = mean(&mut gaps.iter().copied());
    let trimmed = mean(&mut gaps.iter().copied().filter(|&g| u128::from(g) <= 2 * first));
    let width = (trimmed * u128::from(WIDTH_GAPS)).clamp(1, 1 << 62) as u64;
    // Nearest power of two on a log scale: round up from 1.5 times the one below.
    let below = 63 - width.leading_zeros();
    if width - (1 << below) >= (1 << below) / 2 { below + 1 } else { below }
}

#[cfg(test)]
mod tests;
