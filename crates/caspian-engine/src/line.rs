//! The waiting line of a [`Resource`](crate::Resource): requests ordered by
//! priority class (lowest number first), then by ticket (arrival order).
//!
//! A double-ended queue kept in service order. The common case, a request
//! whose class is served no earlier than any in line (every request of a
//! plain FIFO line), joins at the back, and the next in line leaves from the front: both O(1), with no
//! hashing and no heap sifting. A request of a higher class is placed by
//! binary search and inserted, moving the shorter side of the deque. A
//! ticket is found by one binary search per priority class present in the
//! line (classes are few: a port's priority rules), so withdrawing or
//! re-prioritising a request is O(k log n) for k classes, plus the move.
//!
//! This replaced an indexed priority queue (the `priority-queue` crate with a
//! fixed SipHash hasher), which hashed every request and swapped entries on
//! every grant: `request` and `grant_next` were 31% of an M/M/3
//! replication's instructions (inclusive, their statistics included), and
//! the change saved 16% of them (issue 18; figures in `docs/performance.md`).

use std::collections::VecDeque;

use crate::resource::TicketId;
use crate::time::SimTime;

/// One request waiting in the line.
#[derive(Debug)]
pub(crate) struct Waiting<R> {
    pub(crate) priority: i32,
    pub(crate) ticket: TicketId,
    pub(crate) requester: R,
    pub(crate) since: SimTime,
}

impl<R> Waiting<R> {
    /// The service order: lower priority numbers first, then earlier tickets.
    #[inline]
    fn order(&self) -> (i32, TicketId) {
        (self.priority, self.ticket)
    }
}

/// Requests in service order: the front is served next.
#[derive(Debug)]
pub(crate) struct WaitingLine<R> {
    line: VecDeque<Waiting<R>>,
}

impl<R> Default for WaitingLine<R> {
    fn default() -> Self {
        Self { line: VecDeque::new() }
    }
}

impl<R> WaitingLine<R> {
    pub(crate) fn len(&self) -> usize {
        self.line.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.line.is_empty()
    }

    /// Adds a request. Its ticket must be larger than every ticket ever
    /// pushed before (tickets are issued in arrival order).
    #[inline]
    pub(crate) fn push(&mut self, waiting: Waiting<R>) {
        let key = waiting.order();
        if self.line.back().is_none_or(|last| last.order() < key) {
            self.line.push_back(waiting);
        } else {
            let at = self.line.partition_point(|w| w.order() < key);
            self.line.insert(at, waiting);
        }
    }

    /// Removes and returns the next request to serve.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<Waiting<R>> {
        self.line.pop_front()
    }

    /// Where the request with this ticket stands in the line, if it waits.
    fn position(&self, ticket: TicketId) -> Option<usize> {
        let mut start = 0;
        while let Some(first) = self.line.get(start) {
            // The run of requests of `first`'s class: `start..end`.
            let class = first.priority;
            if let Ok(at) = self.line.binary_search_by(|w| w.order().cmp(&(class, ticket))) {
                return Some(at);
            }
            start = self.line.partition_point(|w| w.priority <= class);
        }
        None
    }

    /// Takes the request with this ticket out of the line.
    pub(crate) fn remove(&mut self, ticket: TicketId) -> Option<Waiting<R>> {
        let at = self.position(ticket)?;
        self.line.remove(at)
    }

    /// Moves a waiting request into another priority class; it keeps its
    /// ticket, so its arrival order among equals. `false` if it is not waiting.
    pub(crate) fn change_priority(&mut self, ticket: TicketId, priority: i32) -> bool {
        let Some(mut waiting) = self.remove(ticket) else {
            return false;
        };
        waiting.priority = priority;
        let at = self.line.partition_point(|w| w.order() < waiting.order());
        self.line.insert(at, waiting);
        true
    }

    pub(crate) fn contains(&self, ticket: TicketId) -> bool {
        self.position(ticket).is_some()
    }

    /// Every waiting request, in service order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Waiting<R>> + '_ {
        self.line.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(priority: i32, ticket: u64) -> Waiting<u64> {
        Waiting { priority, ticket: TicketId::new(ticket), requester: ticket, since: SimTime::ZERO }
    }

    fn order(line: &WaitingLine<u64>) -> Vec<u64> {
        line.iter().map(|w| w.requester).collect()
    }

    #[test]
    fn classes_in_order_then_arrival_order() {
        let mut line = WaitingLine::default();
        for (p, t) in [(0, 0), (0, 1), (-1, 2), (5, 3), (0, 4), (-1, 5)] {
            line.push(w(p, t));
        }
        assert_eq!(order(&line), [2, 5, 0, 1, 4, 3]);
        assert_eq!(line.pop().map(|w| w.requester), Some(2));
        assert_eq!(line.len(), 5);
    }

    #[test]
    fn every_ticket_is_found_in_every_class() {
        let mut line = WaitingLine::default();
        for t in 0..60 {
            line.push(w([3, -2, 0, 7][t as usize % 4], t));
        }
        for t in 0..60 {
            assert!(line.contains(TicketId::new(t)), "{t}");
        }
        assert!(!line.contains(TicketId::new(60)));
        assert_eq!(line.remove(TicketId::new(13)).map(|w| w.requester), Some(13));
        assert!(!line.contains(TicketId::new(13)));
        assert!(line.remove(TicketId::new(13)).is_none());
        assert!(line.change_priority(TicketId::new(3), -5));
        assert_eq!(line.pop().map(|w| w.requester), Some(3));
        assert!(!line.change_priority(TicketId::new(3), 0));
        let rest = order(&line);
        let mut sorted = rest.clone();
        sorted.sort_by_key(|&t| ([3, -2, 0, 7][t as usize % 4], t));
        assert_eq!(rest, sorted);
    }
}
