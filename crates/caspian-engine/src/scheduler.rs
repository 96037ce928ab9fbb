//! The future event list and the simulation clock.

use std::collections::BTreeSet;

use thiserror::Error;

use crate::heap::{EventHeap, EventKey};
use crate::time::{SimDuration, SimTime};

/// Why an event could not be scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// The requested time is before the current simulation time.
    #[error("cannot schedule at {at}: the clock is already at {now}")]
    InThePast {
        /// The requested time.
        at: SimTime,
        /// The clock when the request was made.
        now: SimTime,
    },
    /// `now + delay` does not fit on the clock.
    #[error("scheduling {delay} after {now} overflows the simulation clock")]
    Overflow {
        /// The clock when the request was made.
        now: SimTime,
        /// The requested delay.
        delay: SimDuration,
    },
    /// The key names an event that already fired or was cancelled.
    #[error("event {0:?} is no longer pending")]
    NotPending(EventKey),
}

/// The future event list and the clock, handed to a model's event handler.
///
/// Guarantees:
/// - events fire in order of due time, and events due at the same time fire in
///   the order they were scheduled (FIFO), always;
/// - the clock never goes backwards, and scheduling before it is an error;
/// - a cancelled event never fires; every other event fires exactly once.
///
/// Cancellation is lazy: [`cancel`](Self::cancel) records the key in an ordered
/// set of tombstones, and the entry is discarded when it reaches the top of the
/// heap. A pop pays one compare against the smallest tombstone (cached), so a
/// queue without cancellations, or whose cancelled keys all lie ahead, never
/// touches the set.
/// When more than half of the heap is cancelled entries, the heap is compacted;
/// the tombstones stay (16 bytes each, so that a stale key is still known to be
/// dead) until a fired event passes them.
///
/// Events known long in advance (a calendar of month ends, a timeline of
/// closures drawn at the start of a run) can be scheduled with
/// [`schedule_calendar`](Self::schedule_calendar): they wait in a second heap,
/// so that hundreds of far-off entries do not deepen the heap every other
/// event is pushed into and popped from. Keys come from the same sequence, and
/// every pop takes the smaller of the two tops, so the order of firing is
/// exactly what it would be with one heap.
#[derive(Debug)]
pub struct Scheduler<E> {
    heap: EventHeap<E, 4>,
    /// Events scheduled with `schedule_calendar`.
    calendar: EventHeap<E, 4>,
    /// Keys of cancelled events whose due time has not been passed yet. Those at or
    /// after the top of the heap may still be in the heap; see `cancelled_in_heap`.
    cancelled: BTreeSet<EventKey>,
    /// The smallest key in `cancelled` (`None` when it is empty), so that a pop
    /// below every tombstone, the usual case, does not walk the tree.
    first_cancelled: Option<EventKey>,
    /// How many heap entries are cancelled (not yet discarded or compacted away).
    cancelled_in_heap: usize,
    now: SimTime,
    /// Key of the most recently fired event: every key at or below it has fired or
    /// was cancelled, and every key scheduled from now on lies above it. Discarded
    /// cancelled entries do not move it (they may lie after the clock), so their
    /// tombstones stay until a fired event passes them.
    last_popped: Option<EventKey>,
    next_seq: u64,
    stop_requested: bool,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl<E> Scheduler<E> {
    /// An empty scheduler at time zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty scheduler at time zero with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            heap: EventHeap::with_capacity(capacity),
            calendar: EventHeap::default(),
            cancelled: BTreeSet::new(),
            first_cancelled: None,
            cancelled_in_heap: 0,
            now: SimTime::ZERO,
            last_popped: None,
            next_seq: 0,
            stop_requested: false,
        }
    }

    /// The current simulation time: the due time of the event being handled.
    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Number of pending (scheduled, not fired, not cancelled) events.
    #[inline]
    pub fn len(&self) -> usize {
        self.entries() - self.cancelled_in_heap
    }

    /// Entries in both heaps, cancelled ones included.
    #[inline]
    fn entries(&self) -> usize {
        self.heap.len() + self.calendar.len()
    }

    /// Whether no event is pending.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many events have ever been scheduled (fired, pending or cancelled).
    #[inline]
    pub fn scheduled_count(&self) -> u64 {
        self.next_seq
    }

    /// Schedules `event` at absolute time `at`.
    ///
    /// # Errors
    /// [`ScheduleError::InThePast`] when `at` is before [`now`](Self::now).
    #[inline]
    pub fn schedule_at(&mut self, at: SimTime, event: E) -> Result<EventKey, ScheduleError> {
        if at < self.now {
            return Err(ScheduleError::InThePast { at, now: self.now });
        }
        let key = EventKey::new(at, self.next_seq);
        self.next_seq += 1;
        self.heap.push(key, event);
        Ok(key)
    }

    /// Schedules `event` at absolute time `at`, or now if `at` has passed
    /// (after every event already due now). Never fails, so the hot path of
    /// a model that clamps its times anyway carries no error value.
    #[inline]
    pub fn schedule_at_or_now(&mut self, at: SimTime, event: E) -> EventKey {
        let key = EventKey::new(at.max(self.now), self.next_seq);
        self.next_seq += 1;
        self.heap.push(key, event);
        key
    }

    /// Schedules `event` at absolute time `at`, like [`schedule_at`](Self::schedule_at),
    /// for an event known long in advance: it waits apart from the working heap
    /// (see the type's documentation) and fires in exactly the same order.
    ///
    /// # Errors
    /// [`ScheduleError::InThePast`] when `at` is before [`now`](Self::now).
    pub fn schedule_calendar(&mut self, at: SimTime, event: E) -> Result<EventKey, ScheduleError> {
        if at < self.now {
            return Err(ScheduleError::InThePast { at, now: self.now });
        }
        let key = EventKey::new(at, self.next_seq);
        self.next_seq += 1;
        self.calendar.push(key, event);
        Ok(key)
    }

    /// Schedules `event` at `now + delay`.
    ///
    /// # Errors
    /// [`ScheduleError::Overflow`] when the sum does not fit on the clock.
    #[inline]
    pub fn schedule_after(
        &mut self,
        delay: SimDuration,
        event: E,
    ) -> Result<EventKey, ScheduleError> {
        let at =
            self.now.checked_add(delay).ok_or(ScheduleError::Overflow { now: self.now, delay })?;
        self.schedule_at(at, event)
    }

    /// Schedules `event` at the current time, after every event already due now.
    #[inline]
    pub fn schedule_now(&mut self, event: E) -> EventKey {
        let key = EventKey::new(self.now, self.next_seq);
        self.next_seq += 1;
        self.heap.push(key, event);
        key
    }

    /// Whether the event named by `key` is still due to fire.
    ///
    /// Keys are only meaningful for the scheduler that issued them.
    pub fn is_pending(&self, key: EventKey) -> bool {
        let issued = key.seq() < self.next_seq;
        let not_yet_popped = self.last_popped.is_none_or(|last| key > last);
        issued && not_yet_popped && !self.cancelled.contains(&key)
    }

    /// Cancels a pending event. Returns `true` if it was pending (it will now never
    /// fire) and `false` if it had already fired or been cancelled. O(log c) where c
    /// is the number of cancelled events still in the heap.
    pub fn cancel(&mut self, key: EventKey) -> bool {
        if !self.is_pending(key) {
            return false;
        }
        self.cancelled.insert(key);
        self.first_cancelled = Some(self.first_cancelled.map_or(key, |first| first.min(key)));
        self.cancelled_in_heap += 1;
        if self.cancelled_in_heap > 32 && self.cancelled_in_heap * 2 > self.entries() {
            self.compact();
        }
        true
    }

    /// Moves a pending event to a new time: the old entry is cancelled and `event`
    /// is scheduled at `at` with a new key, which is returned. The payload is passed
    /// again because cancelled payloads are dropped lazily, not handed back.
    ///
    /// # Errors
    /// [`ScheduleError::NotPending`] when `key` already fired or was cancelled
    /// (nothing is scheduled then), and [`ScheduleError::InThePast`] when `at` is
    /// before now (the old event stays scheduled then).
    pub fn reschedule(
        &mut self,
        key: EventKey,
        at: SimTime,
        event: E,
    ) -> Result<EventKey, ScheduleError> {
        if !self.is_pending(key) {
            return Err(ScheduleError::NotPending(key));
        }
        let new_key = self.schedule_at(at, event)?;
        self.cancel(key);
        Ok(new_key)
    }

    /// Removes the earliest pending event and advances the clock to its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_due(SimTime::MAX)
    }

    /// Removes the earliest pending event if it is due at or before `horizon`,
    /// and advances the clock to its time. `None` when nothing is due by then:
    /// [`is_empty`](Self::is_empty) tells whether anything is pending at all.
    /// One step of a run loop: it looks at the top once, where
    /// [`peek_time`](Self::peek_time) and [`pop`](Self::pop) would look twice.
    #[inline(always)]
    pub fn pop_due(&mut self, horizon: SimTime) -> Option<(SimTime, E)> {
        loop {
            let (key, in_calendar) = self.top()?;
            if key.time() > horizon {
                return None;
            }
            let popped = if in_calendar { self.calendar.pop() } else { self.heap.pop() };
            let (key, event) = popped?;
            if self.may_be_cancelled(key) && self.discard_if_cancelled(key) {
                continue;
            }
            // Only a fired event moves `last_popped`: a discarded cancelled entry may lie
            // after the clock, and events scheduled later can still fall before it.
            self.last_popped = Some(key);
            self.now = key.time();
            return Some((key.time(), event));
        }
    }

    /// Due time of the earliest pending event, discarding cancelled entries on top.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        loop {
            let (key, in_calendar) = self.top()?;
            if self.may_be_cancelled(key) && self.discard_if_cancelled(key) {
                if in_calendar {
                    self.calendar.pop();
                } else {
                    self.heap.pop();
                }
                continue;
            }
            return Some(key.time());
        }
    }

    /// The smallest key of either heap, and whether it is the calendar's.
    #[inline(always)]
    fn top(&mut self) -> Option<(EventKey, bool)> {
        let working = self.heap.top_key();
        match self.calendar.top_key() {
            Some(c) if working.is_none_or(|w| c < w) => Some((c, true)),
            _ => working.map(|w| (w, false)),
        }
    }

    /// Moves the clock forward to `t` without firing anything (the run loop does this
    /// at the horizon). The caller guarantees that no pending event is due before `t`.
    pub(crate) fn advance_to(&mut self, t: SimTime) {
        if t > self.now {
            self.now = t;
        }
    }

    /// Asks the run loop to stop after the current event.
    pub fn stop(&mut self) {
        self.stop_requested = true;
    }

    /// Whether [`stop`](Self::stop) was called since the run loop last looked.
    pub fn stop_requested(&self) -> bool {
        self.stop_requested
    }

    /// Clears the stop flag; the run loop calls this when it honours a stop.
    pub(crate) fn clear_stop(&mut self) {
        self.stop_requested = false;
    }

    /// Whether `key`, the smallest in the heap, may be cancelled: some tombstone
    /// lies at or below it. Every pending key lies above `last_popped`, so when
    /// every tombstone lies above `key` there is nothing for
    /// [`discard_if_cancelled`](Self::discard_if_cancelled) to forget either: one
    /// compare, no tree walk.
    #[inline(always)]
    fn may_be_cancelled(&self, key: EventKey) -> bool {
        self.first_cancelled.is_some_and(|first| first <= key)
    }

    /// Called with the smallest key in the heap. Forgets tombstones at or below the
    /// last fired event (such keys are dead by `last_popped` alone) and reports whether
    /// `key` itself is cancelled; if so, the caller discards the entry, but its
    /// tombstone stays until a fired event passes it, so that `is_pending` still sees
    /// the key as dead.
    #[inline]
    fn discard_if_cancelled(&mut self, key: EventKey) -> bool {
        if let Some(last) = self.last_popped {
            while self.cancelled.first().is_some_and(|&first| first <= last) {
                self.cancelled.pop_first();
            }
            self.first_cancelled = self.cancelled.first().copied();
        }
        let maybe_cancelled = self.first_cancelled.is_some_and(|first| first <= key);
        if maybe_cancelled && self.cancelled.contains(&key) {
            self.cancelled_in_heap -= 1;
            return true;
        }
        false
    }

    /// Drops cancelled entries from the heap. The tombstones stay, so that
    /// [`is_pending`](Self::is_pending) still knows those keys are dead.
    fn compact(&mut self) {
        let cancelled = &self.cancelled;
        self.heap.retain(|k| !cancelled.contains(&k));
        self.calendar.retain(|k| !cancelled.contains(&k));
        self.cancelled_in_heap = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u64) -> SimTime {
        SimTime::from_hours(h)
    }

    #[test]
    fn same_time_events_fire_fifo() {
        let mut s = Scheduler::new();
        for i in 0..10 {
            s.schedule_at(t(5), i).unwrap();
        }
        s.schedule_at(t(1), 100).unwrap();
        let order: Vec<i32> = std::iter::from_fn(|| s.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec![100, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn scheduling_in_the_past_is_an_error() {
        let mut s = Scheduler::new();
        s.schedule_at(t(3), 'a').unwrap();
        s.pop();
        assert_eq!(s.now(), t(3));
        let err = s.schedule_at(t(2), 'b').unwrap_err();
        assert_eq!(err, ScheduleError::InThePast { at: t(2), now: t(3) });
        assert_eq!(err.to_string(), "cannot schedule at 2.000h: the clock is already at 3.000h");
        assert!(s.schedule_at(t(3), 'c').is_ok());
    }

    #[test]
    fn overflowing_delay_is_an_error() {
        let mut s = Scheduler::<()>::new();
        s.schedule_at(t(1), ()).unwrap();
        s.pop();
        assert!(matches!(
            s.schedule_after(SimDuration::MAX, ()),
            Err(ScheduleError::Overflow { .. })
        ));
    }

    #[test]
    fn cancelled_event_never_fires() {
        let mut s = Scheduler::new();
        let a = s.schedule_at(t(1), 'a').unwrap();
        let b = s.schedule_at(t(2), 'b').unwrap();
        let c = s.schedule_at(t(2), 'c').unwrap();
        assert_eq!(s.len(), 3);
        assert!(s.cancel(b));
        assert!(!s.cancel(b), "second cancel reports not pending");
        assert_eq!(s.len(), 2);
        assert_eq!(s.pop(), Some((t(1), 'a')));
        assert!(!s.cancel(a), "fired events cannot be cancelled");
        assert!(s.is_pending(c));
        assert_eq!(s.pop(), Some((t(2), 'c')));
        assert_eq!(s.pop(), None);
        assert!(s.is_empty());
    }

    #[test]
    fn reschedule_moves_an_event_earlier_or_later() {
        let mut s = Scheduler::new();
        let a = s.schedule_at(t(5), 'a').unwrap();
        s.schedule_at(t(3), 'b').unwrap();
        let a2 = s.reschedule(a, t(1), 'a').unwrap();
        assert!(!s.is_pending(a));
        assert!(s.is_pending(a2));
        assert_eq!(s.pop(), Some((t(1), 'a')));
        assert_eq!(s.reschedule(a2, t(9), 'a'), Err(ScheduleError::NotPending(a2)));
        assert_eq!(s.pop(), Some((t(3), 'b')));
        assert_eq!(s.pop(), None);
    }

    #[test]
    fn peek_time_skips_cancelled() {
        let mut s = Scheduler::new();
        let a = s.schedule_at(t(1), 1).unwrap();
        s.schedule_at(t(2), 2).unwrap();
        s.cancel(a);
        assert_eq!(s.peek_time(), Some(t(2)));
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn mass_cancellation_compacts_the_heap() {
        let mut s = Scheduler::new();
        let keys: Vec<_> =
            (0..1000u64).map(|i| s.schedule_at(SimTime::from_ticks(i), i).unwrap()).collect();
        for k in &keys[..900] {
            assert!(s.cancel(*k));
        }
        for k in &keys[..900] {
            assert!(!s.cancel(*k), "a compacted key is still known to be cancelled");
            assert!(!s.is_pending(*k));
        }
        assert_eq!(s.len(), 100);
        assert!(s.heap.len() < 300, "heap should have been compacted, has {}", s.heap.len());
        let fired: Vec<u64> = std::iter::from_fn(|| s.pop().map(|(_, e)| e)).collect();
        assert_eq!(fired, (900..1000).collect::<Vec<_>>());
    }

    /// Regression: a cancelled entry discarded while it lay after the clock (the queue
    /// then held nothing else before it) used to become the "last popped" key, so an
    /// event scheduled later but due earlier was reported as not pending and could not
    /// be cancelled.
    #[test]
    fn discarding_a_cancelled_entry_after_the_clock_keeps_earlier_events_pending() {
        let mut s = Scheduler::new();
        let a = s.schedule_at(t(10), 'a').unwrap();
        assert!(s.cancel(a));
        assert_eq!(s.pop(), None, "discards `a`; the clock stays put");
        assert_eq!(s.now(), SimTime::ZERO);
        let b = s.schedule_at(t(5), 'b').unwrap();
        assert!(s.is_pending(b));
        assert!(!s.is_pending(a));
        assert!(s.cancel(b));
        assert!(s.is_empty());

        // The same through `peek_time`, which the run loop calls at every step.
        let c = s.schedule_at(t(20), 'c').unwrap();
        let d = s.schedule_at(t(30), 'd').unwrap();
        assert!(s.cancel(c));
        assert_eq!(s.peek_time(), Some(t(30)));
        let e = s.schedule_at(t(15), 'e').unwrap();
        assert!(s.is_pending(e));
        assert!(!s.is_pending(c));
        assert!(!s.cancel(c));
        assert_eq!(s.len(), 2);
        assert_eq!(s.pop(), Some((t(15), 'e')));
        assert!(s.is_pending(d));
        assert_eq!(s.pop(), Some((t(30), 'd')));
        assert_eq!(s.pop(), None);
    }

    /// Regression: after a compaction, `peek_time` dropped the tombstones below the top
    /// of the heap without moving the "last popped" key past them, so those cancelled
    /// keys read as pending again, could be cancelled twice, and `len` went wrong.
    #[test]
    fn peek_time_after_compaction_keeps_cancelled_keys_dead() {
        let mut s = Scheduler::new();
        let keys: Vec<_> =
            (1..=34u64).map(|i| s.schedule_at(SimTime::from_ticks(i), i).unwrap()).collect();
        for k in &keys[..33] {
            assert!(s.cancel(*k), "the 33rd cancel compacts the heap");
        }
        assert_eq!(s.peek_time(), Some(SimTime::from_ticks(34)));
        for k in &keys[..33] {
            assert!(!s.is_pending(*k));
            assert!(!s.cancel(*k));
        }
        assert_eq!(s.len(), 1);
        assert_eq!(s.pop(), Some((SimTime::from_ticks(34), 34)));
        assert!(s.is_empty());
    }
}
