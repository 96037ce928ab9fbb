//! A capacity-limited resource (e.g. the berths of one class at a port) with a
//! waiting line ordered by priority class, then by arrival (FIFO).

use crate::line::{Waiting, WaitingLine};
use crate::stats::{Tally, TimeWeighted};
use crate::time::{SimDuration, SimTime};

/// Names one request in a [`Resource`]'s waiting line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TicketId(u64);

impl TicketId {
    /// The request's arrival number at this resource.
    pub fn get(self) -> u64 {
        self.0
    }

    #[cfg(test)]
    pub(crate) fn new(arrival: u64) -> Self {
        Self(arrival)
    }
}

/// What happened to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// A unit was free: the requester holds it from now on.
    Granted,
    /// All units are busy: the requester waits in line under this ticket.
    Queued(TicketId),
}

/// A waiting requester that has just been given a unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Granted<R> {
    /// The ticket it waited under.
    pub ticket: TicketId,
    /// The requester's payload, as given to [`Resource::request`].
    pub requester: R,
    /// How long it waited.
    pub waited: SimDuration,
}

/// `capacity` identical units (berths) and a line of requesters waiting for one.
///
/// Handler-style: [`request`](Self::request) either grants a unit at once or
/// queues the requester; [`release`](Self::release) frees a unit and, if someone
/// is waiting, hands it straight to the next in line and returns them, so the
/// model can schedule what they do next. Lower priority numbers are served
/// first; equal priorities are served in arrival order. A waiting request can be
/// withdrawn (a vessel gives up and diverts) or re-prioritised.
///
/// The waiting line is a deque in service order (see `line.rs`): joining at
/// the back and leaving from the front are O(1); withdrawal and priority
/// changes find the ticket by binary search within each priority class.
///
/// Statistics are built in: busy units, available units and line length are
/// tracked as time-weighted averages, and every grant records its waiting time
/// (zero for an immediate grant) in hours, as every withdrawal records its
/// time in line.
///
/// A unit counts as *busy* only while it is available: after the capacity is
/// lowered below the number of units held (a berth closed while a vessel is
/// still at it), the units held above the capacity are *held* but not busy.
/// So busy units never exceed the capacity, and
/// [`utilization`](Self::utilization) (busy unit-time over available
/// unit-time) is always within `[0, 1]`. [`mean_held`](Self::mean_held) counts
/// every unit held.
#[derive(Debug)]
pub struct Resource<R> {
    capacity: u32,
    busy: u32,
    line: WaitingLine<R>,
    next_ticket: u64,
    /// Units held and available: `min(busy, capacity)`.
    busy_stats: TimeWeighted,
    /// Units held, available or not: `busy`.
    held_stats: TimeWeighted,
    capacity_stats: TimeWeighted,
    line_stats: TimeWeighted,
    waits: Tally,
    withdrawals: u64,
}

impl<R> Resource<R> {
    /// A resource with `capacity` units, all free, observed from `now`.
    pub fn new(capacity: u32, now: SimTime) -> Self {
        Self {
            capacity,
            busy: 0,
            line: WaitingLine::default(),
            next_ticket: 0,
            busy_stats: TimeWeighted::new(now, 0.0),
            held_stats: TimeWeighted::new(now, 0.0),
            capacity_stats: TimeWeighted::new(now, f64::from(capacity)),
            line_stats: TimeWeighted::new(now, 0.0),
            waits: Tally::new(),
            withdrawals: 0,
        }
    }

    /// Asks for one unit with the given priority (lower is served first; use 0
    /// everywhere for a plain FIFO line).
    pub fn request(&mut self, now: SimTime, requester: R, priority: i32) -> Request {
        let ticket = TicketId(self.next_ticket);
        self.next_ticket += 1;
        if self.busy < self.capacity && self.line.is_empty() {
            self.seize(now);
            self.waits.record(0.0);
            return Request::Granted;
        }
        self.line.push(Waiting { priority, ticket, requester, since: now });
        self.line_stats.set(now, self.line.len() as f64);
        Request::Queued(ticket)
    }

    /// Frees one unit. If a requester is waiting and a unit is now available, the
    /// unit passes to the next in line, who is returned.
    ///
    /// Releasing when no unit is busy is a model bug; it is ignored (and caught by
    /// a debug assertion).
    pub fn release(&mut self, now: SimTime) -> Option<Granted<R>> {
        debug_assert!(self.busy > 0, "release with no busy unit");
        if self.busy == 0 {
            return None;
        }
        self.busy -= 1;
        // A unit handed straight on leaves `busy` where it was: its statistics
        // are brought up to date once, after the hand-over (a dip of zero length
        // adds nothing to the time average).
        let granted = self.take_next(now);
        self.record_busy(now);
        granted
    }

    /// Hands a free unit, if any, to the next in line. [`release`](Self::release)
    /// does this itself; call it after raising the capacity, in a loop.
    pub fn grant_next(&mut self, now: SimTime) -> Option<Granted<R>> {
        let granted = self.take_next(now)?;
        self.record_busy(now);
        Some(granted)
    }

    /// The hand-over of [`grant_next`](Self::grant_next), leaving the busy
    /// statistics to the caller.
    fn take_next(&mut self, now: SimTime) -> Option<Granted<R>> {
        if self.busy >= self.capacity {
            return None;
        }
        let waiting = self.line.pop()?;
        self.line_stats.set(now, self.line.len() as f64);
        self.busy += 1;
        debug_assert!(self.busy <= self.capacity.max(1), "a unit was granted beyond capacity");
        let waited = now.saturating_since(waiting.since);
        self.waits.record(waited.as_hours_f64());
        Some(Granted { ticket: waiting.ticket, requester: waiting.requester, waited })
    }

    /// Takes a request out of the waiting line. Returns its payload, or `None` if
    /// the ticket is not waiting (already granted or withdrawn).
    ///
    /// Its wait until now is recorded in [`waits`](Self::waits), as a grant's
    /// is: a wait is the time spent in line, whichever way the line is left,
    /// so a requester that gives up (or is taken away) after a long wait does
    /// not make the line look shorter than it was.
    pub fn withdraw(&mut self, now: SimTime, ticket: TicketId) -> Option<R> {
        let waiting = self.line.remove(ticket)?;
        self.line_stats.set(now, self.line.len() as f64);
        self.withdrawals += 1;
        self.waits.record(now.saturating_since(waiting.since).as_hours_f64());
        Some(waiting.requester)
    }

    /// Changes a waiting request's priority; it keeps its arrival order among
    /// equals. Returns `false` if the ticket is not waiting.
    pub fn change_priority(&mut self, ticket: TicketId, priority: i32) -> bool {
        self.line.change_priority(ticket, priority)
    }

    /// Changes the number of units (a berth taken out of or back into service).
    /// Busy units above a lowered capacity finish their work; no one new is
    /// granted until the busy count is below the capacity. After raising it, call
    /// [`grant_next`](Self::grant_next) until it returns `None`.
    pub fn set_capacity(&mut self, now: SimTime, capacity: u32) {
        self.capacity = capacity;
        self.capacity_stats.set(now, f64::from(capacity));
        self.record_busy(now);
    }

    /// Number of units.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Units held now.
    pub fn busy(&self) -> u32 {
        self.busy
    }

    /// Requesters waiting now.
    pub fn queue_len(&self) -> usize {
        self.line.len()
    }

    /// When each requester waiting now joined the line, in service order:
    /// for waits still in progress when a run ends.
    pub fn waiting_since(&self) -> impl Iterator<Item = SimTime> + '_ {
        self.line.iter().map(|w| w.since)
    }

    /// Whether this ticket is waiting in line.
    pub fn is_waiting(&self, ticket: TicketId) -> bool {
        self.line.contains(ticket)
    }

    /// Busy unit-time over available unit-time since the last reset, in
    /// `[0, 1]`: [`mean_busy`](Self::mean_busy) over
    /// [`mean_capacity`](Self::mean_capacity). NaN (undefined) when no unit was
    /// available at all; over a period of zero length, the current ratio.
    pub fn utilization(&self, now: SimTime) -> f64 {
        let available = self.capacity_stats.mean(now);
        if available > 0.0 { self.busy_stats.mean(now) / available } else { f64::NAN }
    }

    /// Time-average number of busy units: units held while available, i.e.
    /// `min(held, capacity)`. Never above [`mean_capacity`](Self::mean_capacity).
    pub fn mean_busy(&self, now: SimTime) -> f64 {
        self.busy_stats.mean(now)
    }

    /// Time-average number of units held, including units held above a
    /// lowered capacity (occupancy).
    pub fn mean_held(&self, now: SimTime) -> f64 {
        self.held_stats.mean(now)
    }

    /// Time-average number of units available (the capacity).
    pub fn mean_capacity(&self, now: SimTime) -> f64 {
        self.capacity_stats.mean(now)
    }

    /// Time-average length of the waiting line.
    pub fn mean_queue_len(&self, now: SimTime) -> f64 {
        self.line_stats.mean(now)
    }

    /// Longest waiting line since the last reset.
    pub fn max_queue_len(&self) -> f64 {
        self.line_stats.max()
    }

    /// Waiting times (hours) of every grant since the last reset, immediate
    /// grants included as zero, and of every withdrawal, its time in line.
    pub fn waits(&self) -> &Tally {
        &self.waits
    }

    /// Requests withdrawn since the last reset.
    pub fn withdrawals(&self) -> u64 {
        self.withdrawals
    }

    /// Units granted since the last reset, immediate grants included: the
    /// waits recorded less the withdrawals'.
    pub fn grants(&self) -> u64 {
        self.waits.count() - self.withdrawals
    }

    /// Forgets the statistics gathered before `now` (end of warm-up). Requesters
    /// already waiting will record their full wait when granted.
    pub fn reset_stats(&mut self, now: SimTime) {
        self.busy_stats.reset(now);
        self.held_stats.reset(now);
        self.capacity_stats.reset(now);
        self.line_stats.reset(now);
        self.waits.reset();
        self.withdrawals = 0;
    }

    fn seize(&mut self, now: SimTime) {
        self.busy += 1;
        debug_assert!(self.busy <= self.capacity.max(1), "a unit was granted beyond capacity");
        self.record_busy(now);
    }

    /// Brings the busy and held statistics up to date after `busy` or
    /// `capacity` changed.
    fn record_busy(&mut self, now: SimTime) {
        self.busy_stats.set(now, f64::from(self.busy.min(self.capacity)));
        self.held_stats.set(now, f64::from(self.busy));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(x: u64) -> SimTime {
        SimTime::from_hours(x)
    }

    #[test]
    fn grants_up_to_capacity_then_queues() {
        let mut r = Resource::new(2, h(0));
        assert_eq!(r.request(h(0), 'a', 0), Request::Granted);
        assert_eq!(r.request(h(0), 'b', 0), Request::Granted);
        assert!(matches!(r.request(h(1), 'c', 0), Request::Queued(_)));
        assert_eq!(r.busy(), 2);
        assert_eq!(r.queue_len(), 1);
        let g = r.release(h(3)).unwrap();
        assert_eq!(g.requester, 'c');
        assert_eq!(g.waited, SimDuration::from_hours(2));
        assert_eq!(r.busy(), 2);
        assert_eq!(r.release(h(4)), None);
        assert_eq!(r.busy(), 1);
    }

    #[test]
    fn waiting_since_lists_the_waits_in_progress() {
        let mut r = Resource::new(1, h(0));
        r.request(h(0), 'a', 0);
        r.request(h(2), 'b', 0);
        r.request(h(5), 'c', 0);
        let mut since: Vec<SimTime> = r.waiting_since().collect();
        since.sort_unstable();
        assert_eq!(since, [h(2), h(5)]);
        r.release(h(6));
        assert_eq!(r.waiting_since().collect::<Vec<_>>(), [h(5)]);
    }

    #[test]
    fn priority_then_fifo() {
        let mut r = Resource::new(1, h(0));
        r.request(h(0), "holder", 0);
        r.request(h(1), "low-1", 5);
        r.request(h(2), "high-1", 1);
        r.request(h(3), "low-2", 5);
        r.request(h(4), "high-2", 1);
        let order: Vec<&str> = (5..9).map(|t| r.release(h(t)).unwrap().requester).collect();
        assert_eq!(order, ["high-1", "high-2", "low-1", "low-2"]);
    }

    #[test]
    fn withdraw_and_reprioritise() {
        let mut r = Resource::new(1, h(0));
        r.request(h(0), 1, 0);
        let Request::Queued(t2) = r.request(h(0), 2, 0) else { panic!() };
        let Request::Queued(t3) = r.request(h(0), 3, 0) else { panic!() };
        let Request::Queued(t4) = r.request(h(0), 4, 0) else { panic!() };
        assert_eq!(r.withdraw(h(1), t2), Some(2));
        assert_eq!(r.withdraw(h(1), t2), None);
        // The withdrawn request's hour in line is a wait, beside the holder's
        // 0; it is no grant.
        assert_eq!(r.waits().count(), 2);
        assert_eq!(r.waits().max(), Some(1.0));
        assert_eq!(r.grants(), 1);
        assert!(r.change_priority(t4, -1));
        assert_eq!(r.release(h(2)).unwrap().requester, 4);
        assert_eq!(r.release(h(3)).unwrap().requester, 3);
        assert!(!r.is_waiting(t3));
        assert_eq!(r.withdrawals(), 1);
    }

    #[test]
    fn statistics_by_hand() {
        // One berth: busy 0-4h, idle 4-6h, busy 6-10h. A second ship waits 0-4h.
        let mut r = Resource::new(1, h(0));
        r.request(h(0), 'a', 0);
        r.request(h(0), 'b', 0);
        assert_eq!(r.release(h(4)).unwrap().requester, 'b');
        assert_eq!(r.release(h(4)), None);
        r.request(h(6), 'c', 0);
        r.release(h(10));
        assert!((r.utilization(h(10)) - 0.8).abs() < 1e-12);
        assert!((r.mean_queue_len(h(10)) - 0.4).abs() < 1e-12);
        assert_eq!(r.waits().count(), 3);
        assert!((r.waits().mean().unwrap() - 4.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn capacity_changes_weight_utilization() {
        let mut r = Resource::<()>::new(2, h(0));
        r.request(h(0), (), 0);
        r.set_capacity(h(5), 1);
        // busy 1 of 2 for 5h, busy 1 of 1 for 5h: 10 busy-hours over 15 available.
        assert!((r.utilization(h(10)) - 10.0 / 15.0).abs() < 1e-12);
        r.set_capacity(h(10), 0);
        assert!(matches!(r.request(h(10), (), 0), Request::Queued(_)));
        r.release(h(11));
        assert_eq!(r.grant_next(h(11)), None, "no capacity, nobody is granted");
        r.set_capacity(h(12), 1);
        assert!(r.grant_next(h(12)).is_some());
    }

    #[test]
    fn units_held_while_unavailable_are_not_busy() {
        // One unit, held from 0 to 10 h; the capacity is cut to 0 from 2 to 6 h
        // (a port closed with a vessel at the berth). Available unit-hours:
        // 2 + 4 = 6 of 10 -> mean capacity 0.6. Busy (held while available):
        // [0, 2) and [6, 10) = 6 unit-hours -> mean busy 0.6, utilization
        // 6 / 6 = 1 (not 10 / 6). Held: 10 unit-hours -> mean held 1.
        let mut r = Resource::new(1, h(0));
        r.request(h(0), 'a', 0);
        r.set_capacity(h(2), 0);
        r.set_capacity(h(6), 1);
        assert!((r.mean_capacity(h(10)) - 0.6).abs() < 1e-12);
        assert!((r.mean_busy(h(10)) - 0.6).abs() < 1e-12);
        assert!((r.mean_held(h(10)) - 1.0).abs() < 1e-12);
        assert!((r.utilization(h(10)) - 1.0).abs() < 1e-12);
        // Released at 12 while closed again from 11: busy over [0, 12) is
        // 2 + 5 = 7 unit-hours, available 2 + 5 = 7: still 1, and never above.
        r.set_capacity(h(11), 0);
        r.release(h(12));
        assert!((r.utilization(h(12)) - 1.0).abs() < 1e-12);
        assert!((r.mean_held(h(12)) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn utilization_is_undefined_without_available_units() {
        // Closed for the whole observed period: no unit-hour was available, so
        // utilization is NaN, not 0; a unit held through it is held, not busy.
        let mut r = Resource::new(1, h(0));
        r.request(h(0), 'a', 0);
        r.set_capacity(h(0), 0);
        r.reset_stats(h(1));
        assert!(r.utilization(h(5)).is_nan());
        assert_eq!(r.mean_busy(h(5)), 0.0);
        assert_eq!(r.mean_held(h(5)), 1.0);
        // An open, unused resource has utilization 0.
        let idle = Resource::<()>::new(3, h(0));
        assert_eq!(idle.utilization(h(5)), 0.0);
    }
}
