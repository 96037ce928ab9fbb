//! A bounded store of a discrete quantity (tonnes in a tank farm, wagons in a rail
//! yard): puts wait while it is full, gets wait while it is empty.

use std::collections::VecDeque;

use thiserror::Error;

use crate::stats::TimeWeighted;
use crate::time::{SimDuration, SimTime};

/// A request that can never be met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LevelError {
    /// The initial level is above the capacity.
    #[error("initial level {initial} exceeds capacity {capacity}")]
    InitialAboveCapacity {
        /// The requested initial level.
        initial: u64,
        /// The capacity.
        capacity: u64,
    },
    /// A put or get of more than the capacity would wait forever.
    #[error("amount {amount} exceeds capacity {capacity}")]
    AmountAboveCapacity {
        /// The requested amount.
        amount: u64,
        /// The capacity.
        capacity: u64,
    },
}

/// Names one waiting put or get.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WaitId(u64);

/// Whether a put or get happened at once or waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Done now.
    Done,
    /// Waiting in line under this id; it will come out of [`Level::next_ready`].
    Queued(WaitId),
}

/// Which kind of operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LevelOp {
    /// Adding to the store.
    Put,
    /// Taking from the store.
    Get,
}

/// A waiting operation that has now been carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ready<T> {
    /// Its id.
    pub id: WaitId,
    /// Put or get.
    pub op: LevelOp,
    /// The amount moved.
    pub amount: u64,
    /// The payload given with the request.
    pub tag: T,
    /// How long it waited.
    pub waited: SimDuration,
}

/// A waiting operation withdrawn before it could be carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Withdrawn<T> {
    /// Put or get.
    pub op: LevelOp,
    /// The amount it asked for.
    pub amount: u64,
    /// The payload given with the request.
    pub tag: T,
    /// How long it waited.
    pub waited: SimDuration,
}

#[derive(Debug)]
struct Pending<T> {
    id: WaitId,
    amount: u64,
    tag: T,
    since: SimTime,
}

/// A store with an integer level between 0 and `capacity`.
///
/// Puts and gets each wait in their own strict FIFO line: a waiting operation is
/// never overtaken by a later one of the same kind, even a smaller one that would
/// fit. When an operation changes the level, waiting operations of the other kind
/// that can now proceed are carried out at once and queued as [`Ready`] records;
/// the model drains them with [`next_ready`](Self::next_ready) and schedules what
/// follows. Non-blocking [`offer`](Self::offer) and [`take_up_to`](Self::take_up_to)
/// move as much as fits, for flows that spill (shut-in oil) or drain.
///
/// Amounts are integers so that conservation checks are exact.
#[derive(Debug)]
pub struct Level<T> {
    capacity: u64,
    /// The usable part of `capacity` (lowered by [`Level::set_limit`]).
    limit: u64,
    level: u64,
    puts: VecDeque<Pending<T>>,
    gets: VecDeque<Pending<T>>,
    ready: VecDeque<Ready<T>>,
    next_id: u64,
    level_stats: TimeWeighted,
    /// Sum of the amounts of the waiting puts.
    put_backlog: u64,
    /// Highest `level + put_backlog` since the last reset.
    peak_backlog: u64,
}

impl<T> Level<T> {
    /// A store holding `initial` out of `capacity`, observed from `now`.
    ///
    /// # Errors
    /// [`LevelError::InitialAboveCapacity`] when `initial > capacity`.
    pub fn new(capacity: u64, initial: u64, now: SimTime) -> Result<Self, LevelError> {
        if initial > capacity {
            return Err(LevelError::InitialAboveCapacity { initial, capacity });
        }
        Ok(Self {
            capacity,
            limit: capacity,
            level: initial,
            puts: VecDeque::new(),
            gets: VecDeque::new(),
            ready: VecDeque::new(),
            next_id: 0,
            level_stats: TimeWeighted::new(now, initial as f64),
            put_backlog: 0,
            peak_backlog: initial,
        })
    }

    /// Adds `amount`, or waits until it fits (behind earlier waiting puts).
    ///
    /// # Errors
    /// [`LevelError::AmountAboveCapacity`] when it could never fit.
    pub fn put(&mut self, now: SimTime, amount: u64, tag: T) -> Result<Wait, LevelError> {
        self.check_amount(amount)?;
        if self.puts.is_empty() && amount <= self.space() {
            self.set_level(now, self.level + amount);
            self.note_backlog();
            self.serve_waiting(now);
            return Ok(Wait::Done);
        }
        let id = self.next_wait_id();
        self.puts.push_back(Pending { id, amount, tag, since: now });
        self.put_backlog += amount;
        self.note_backlog();
        Ok(Wait::Queued(id))
    }

    /// Takes `amount`, or waits until that much is there (behind earlier waiting gets).
    ///
    /// # Errors
    /// [`LevelError::AmountAboveCapacity`] when it could never be there.
    pub fn get(&mut self, now: SimTime, amount: u64, tag: T) -> Result<Wait, LevelError> {
        self.check_amount(amount)?;
        if self.gets.is_empty() && amount <= self.level {
            self.set_level(now, self.level - amount);
            self.serve_waiting(now);
            return Ok(Wait::Done);
        }
        let id = self.next_wait_id();
        self.gets.push_back(Pending { id, amount, tag, since: now });
        Ok(Wait::Queued(id))
    }

    /// Adds as much of `amount` as fits now, without waiting, and returns how much
    /// was accepted. Waiting puts go first, so nothing is accepted while any wait.
    pub fn offer(&mut self, now: SimTime, amount: u64) -> u64 {
        if !self.puts.is_empty() {
            return 0;
        }
        let accepted = amount.min(self.space());
        if accepted > 0 {
            self.set_level(now, self.level + accepted);
            self.note_backlog();
            self.serve_waiting(now);
        }
        accepted
    }

    /// Takes up to `amount` now, without waiting, and returns how much was taken.
    /// Waiting gets go first, so nothing is taken while any wait.
    pub fn take_up_to(&mut self, now: SimTime, amount: u64) -> u64 {
        if !self.gets.is_empty() {
            return 0;
        }
        let taken = amount.min(self.level);
        if taken > 0 {
            self.set_level(now, self.level - taken);
            self.serve_waiting(now);
        }
        taken
    }

    /// Cancels a waiting put or get and returns its payload, or `None` if it is not
    /// waiting (already done or withdrawn).
    pub fn withdraw(&mut self, now: SimTime, id: WaitId) -> Option<T> {
        self.withdraw_waiting(now, id).map(|w| w.tag)
    }

    /// [`withdraw`](Self::withdraw), returning what was withdrawn and how long it
    /// had waited. The search starts at the head of each line, so withdrawing the
    /// oldest waiting operation (a FIFO line with one patience) costs O(1).
    pub fn withdraw_waiting(&mut self, now: SimTime, id: WaitId) -> Option<Withdrawn<T>> {
        let (op, pending) = if let Some(pos) = self.puts.iter().position(|p| p.id == id) {
            let p = self.puts.remove(pos)?;
            self.put_backlog -= p.amount;
            (LevelOp::Put, p)
        } else {
            let pos = self.gets.iter().position(|p| p.id == id)?;
            (LevelOp::Get, self.gets.remove(pos)?)
        };
        // The head of a line may have changed, so others may now proceed.
        self.serve_waiting(now);
        Some(Withdrawn {
            op,
            amount: pending.amount,
            tag: pending.tag,
            waited: now.saturating_since(pending.since),
        })
    }

    /// The next waiting operation that has been carried out, oldest first.
    pub fn next_ready(&mut self) -> Option<Ready<T>> {
        self.ready.pop_front()
    }

    /// Whether a waiting operation has been carried out and not yet taken
    /// with [`next_ready`](Self::next_ready).
    #[inline]
    pub fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }

    /// Current level.
    pub fn level(&self) -> u64 {
        self.level
    }

    /// Capacity.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Room left (below the usable limit; zero when the level is above it).
    pub fn space(&self) -> u64 {
        self.limit.saturating_sub(self.level)
    }

    /// Takes part of the capacity out of service, or puts it back: from now
    /// on the level may only rise up to `limit` (at most the capacity). What
    /// is stored above a lowered limit stays, and can be taken. An amount is
    /// still refused only when it exceeds the whole capacity, so a put that
    /// fits the capacity but not the limit waits. Raising the limit lets
    /// waiting puts proceed: drain them with [`next_ready`](Self::next_ready).
    pub fn set_limit(&mut self, now: SimTime, limit: u64) {
        self.limit = limit.min(self.capacity);
        self.serve_waiting(now);
    }

    /// The usable capacity now ([`set_limit`](Self::set_limit)).
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Number of puts waiting.
    pub fn waiting_puts(&self) -> usize {
        self.puts.len()
    }

    /// Number of gets waiting.
    pub fn waiting_gets(&self) -> usize {
        self.gets.len()
    }

    /// Total amount that waiting puts want to add.
    pub fn waiting_put_amount(&self) -> u64 {
        self.put_backlog
    }

    /// Highest level plus amount of waiting puts (content plus what waits to
    /// come in) since the last reset, or since creation: tracked at every change.
    pub fn peak_backlog(&self) -> u64 {
        self.peak_backlog
    }

    /// The operations of one kind waiting now, oldest first, as (when it
    /// started waiting, amount, payload): for waits still in progress when a
    /// run ends.
    pub fn waiting(&self, op: LevelOp) -> impl Iterator<Item = (SimTime, u64, &T)> + '_ {
        let line = match op {
            LevelOp::Put => &self.puts,
            LevelOp::Get => &self.gets,
        };
        line.iter().map(|p| (p.since, p.amount, &p.tag))
    }

    /// Time-average level since the last reset.
    pub fn mean_level(&self, now: SimTime) -> f64 {
        self.level_stats.mean(now)
    }

    /// Highest level since the last reset.
    pub fn max_level(&self) -> u64 {
        self.level_stats.max() as u64
    }

    /// Forgets the level statistics gathered before `now` (end of warm-up).
    pub fn reset_stats(&mut self, now: SimTime) {
        self.level_stats.reset(now);
        self.peak_backlog = self.level + self.put_backlog;
    }

    /// Only puts and offers raise `level + put_backlog`: a waiting put that is
    /// carried out moves its amount from one term to the other.
    fn note_backlog(&mut self) {
        self.peak_backlog = self.peak_backlog.max(self.level + self.put_backlog);
    }

    fn check_amount(&self, amount: u64) -> Result<(), LevelError> {
        if amount > self.capacity {
            return Err(LevelError::AmountAboveCapacity { amount, capacity: self.capacity });
        }
        Ok(())
    }

    fn next_wait_id(&mut self) -> WaitId {
        let id = WaitId(self.next_id);
        self.next_id += 1;
        id
    }

    fn set_level(&mut self, now: SimTime, level: u64) {
        debug_assert!(level <= self.capacity);
        self.level = level;
        self.level_stats.set(now, level as f64);
    }

    /// Carries out waiting puts and gets, heads of line first, until neither head
    /// can proceed.
    #[inline]
    fn serve_waiting(&mut self, now: SimTime) {
        // Most changes find nobody waiting: no call, no loop.
        if self.gets.is_empty() && self.puts.is_empty() {
            return;
        }
        self.serve_waiting_lines(now);
    }

    /// [`serve_waiting`](Self::serve_waiting) when a line is not empty.
    fn serve_waiting_lines(&mut self, now: SimTime) {
        loop {
            let mut progressed = false;
            if let Some(head) = self.gets.front()
                && head.amount <= self.level
                && let Some(p) = self.gets.pop_front()
            {
                self.set_level(now, self.level - p.amount);
                self.push_ready(now, LevelOp::Get, p);
                progressed = true;
            }
            if let Some(head) = self.puts.front()
                && head.amount <= self.space()
                && let Some(p) = self.puts.pop_front()
            {
                self.put_backlog -= p.amount;
                self.set_level(now, self.level + p.amount);
                self.push_ready(now, LevelOp::Put, p);
                progressed = true;
            }
            if !progressed {
                break;
            }
        }
    }

    fn push_ready(&mut self, now: SimTime, op: LevelOp, p: Pending<T>) {
        self.ready.push_back(Ready {
            id: p.id,
            op,
            amount: p.amount,
            tag: p.tag,
            waited: now.saturating_since(p.since),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(x: u64) -> SimTime {
        SimTime::from_hours(x)
    }

    #[test]
    fn puts_wait_when_full_and_resume_after_a_get() {
        let mut yard = Level::new(100, 90, h(0)).unwrap();
        assert_eq!(yard.put(h(0), 20, "ferry-1").unwrap(), Wait::Queued(WaitId(0)));
        assert_eq!(yard.put(h(0), 5, "train-2").unwrap(), Wait::Queued(WaitId(1)), "no overtaking");
        assert!(yard.next_ready().is_none());
        assert_eq!(yard.get(h(2), 30, "btk").unwrap(), Wait::Done);
        let first = yard.next_ready().unwrap();
        assert_eq!((first.tag, first.amount, first.op), ("ferry-1", 20, LevelOp::Put));
        assert_eq!(first.waited, SimDuration::from_hours(2));
        assert_eq!(yard.next_ready().unwrap().tag, "train-2");
        assert_eq!(yard.level(), 85);
    }

    #[test]
    fn a_lowered_limit_holds_puts_until_it_is_raised() {
        let mut tank = Level::new(100, 60, h(0)).unwrap();
        tank.set_limit(h(1), 50);
        assert_eq!((tank.limit(), tank.space()), (50, 0), "above the limit: no room");
        assert_eq!(tank.offer(h(1), 10), 0);
        assert_eq!(tank.put(h(1), 60, 'a').unwrap(), Wait::Queued(WaitId(0)), "fits the capacity");
        assert_eq!(tank.take_up_to(h(2), 30), 30, "what is stored can still be taken");
        assert!(tank.next_ready().is_none(), "30 + 60 is above the limit");
        tank.set_limit(h(3), 1_000);
        assert_eq!(tank.limit(), 100, "at most the capacity");
        let ready = tank.next_ready().unwrap();
        assert_eq!((ready.tag, ready.amount, ready.waited), ('a', 60, SimDuration::from_hours(2)));
        assert_eq!((tank.level(), tank.space()), (90, 10));
    }

    #[test]
    fn waiting_lists_each_line_oldest_first() {
        let mut yard = Level::new(100, 90, h(0)).unwrap();
        yard.put(h(1), 20, 'a').unwrap();
        yard.put(h(3), 5, 'b').unwrap();
        assert_eq!(
            yard.waiting(LevelOp::Put).collect::<Vec<_>>(),
            [(h(1), 20, &'a'), (h(3), 5, &'b')]
        );
        assert_eq!(yard.waiting(LevelOp::Get).count(), 0);
        yard.get(h(4), 12, 'g').unwrap();
        assert_eq!(yard.waiting(LevelOp::Put).collect::<Vec<_>>(), [(h(3), 5, &'b')]);
    }

    #[test]
    fn gets_wait_when_empty() {
        let mut tank = Level::new(1_000, 0, h(0)).unwrap();
        assert!(matches!(tank.get(h(0), 300, 'a').unwrap(), Wait::Queued(_)));
        assert_eq!(tank.put(h(1), 200, 'p').unwrap(), Wait::Done);
        assert!(tank.next_ready().is_none());
        assert_eq!(tank.put(h(3), 200, 'q').unwrap(), Wait::Done);
        let r = tank.next_ready().unwrap();
        assert_eq!((r.tag, r.op, r.waited), ('a', LevelOp::Get, SimDuration::from_hours(3)));
        assert_eq!(tank.level(), 100);
    }

    #[test]
    fn offer_and_take_are_partial_and_never_wait() {
        let mut tank = Level::<()>::new(100, 70, h(0)).unwrap();
        assert_eq!(tank.offer(h(0), 50), 30, "20 shut in");
        assert_eq!(tank.take_up_to(h(1), 130), 100);
        assert_eq!(tank.take_up_to(h(1), 5), 0);
        assert_eq!(tank.level(), 0);
    }

    #[test]
    fn impossible_amounts_are_errors() {
        assert!(Level::<()>::new(10, 11, h(0)).is_err());
        let mut l = Level::new(10, 0, h(0)).unwrap();
        assert_eq!(l.put(h(0), 11, ()).unwrap_err().to_string(), "amount 11 exceeds capacity 10");
    }

    #[test]
    fn withdraw_unblocks_the_line() {
        let mut l = Level::new(10, 8, h(0)).unwrap();
        let Wait::Queued(big) = l.put(h(0), 5, 'b').unwrap() else { panic!() };
        assert!(matches!(l.put(h(0), 2, 's').unwrap(), Wait::Queued(_)));
        assert_eq!(l.withdraw(h(1), big), Some('b'));
        assert_eq!(l.next_ready().unwrap().tag, 's');
        assert_eq!(l.level(), 10);
        assert_eq!(l.withdraw(h(1), big), None);
    }

    #[test]
    fn withdraw_waiting_reports_the_wait_and_peak_backlog_counts_the_gate() {
        let mut l = Level::new(10, 8, h(0)).unwrap();
        assert_eq!(l.peak_backlog(), 8);
        let Wait::Queued(a) = l.put(h(1), 5, 'a').unwrap() else { panic!() };
        assert_eq!((l.waiting_put_amount(), l.peak_backlog()), (5, 13));
        let w = l.withdraw_waiting(h(4), a).unwrap();
        assert_eq!(
            (w.op, w.amount, w.tag, w.waited),
            (LevelOp::Put, 5, 'a', SimDuration::from_hours(3))
        );
        assert_eq!((l.waiting_put_amount(), l.peak_backlog()), (0, 13), "the peak stays");
        assert!(matches!(l.put(h(5), 4, 'b').unwrap(), Wait::Queued(_)));
        l.take_up_to(h(6), 8);
        assert_eq!((l.level(), l.waiting_put_amount()), (4, 0), "admitted: moved, not added");
        l.reset_stats(h(6));
        assert_eq!(l.peak_backlog(), 4, "reset to the value at that instant");
        l.offer(h(7), 3);
        assert_eq!(l.peak_backlog(), 7);
    }

    #[test]
    fn level_statistics() {
        let mut l = Level::<()>::new(100, 0, h(0)).unwrap();
        l.offer(h(0), 40);
        l.take_up_to(h(5), 40);
        assert!((l.mean_level(h(10)) - 20.0).abs() < 1e-12);
        assert_eq!(l.max_level(), 40);
    }
}
