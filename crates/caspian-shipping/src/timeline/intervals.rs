//! [`Timeline`]: sorted, disjoint closed periods and lookups on them.

use caspian_engine::{SimDuration, SimTime};

/// A set of closed periods: sorted, disjoint, non-adjacent half-open
/// intervals `[start, end)`.
///
/// Lookups are binary searches, `O(log n)`; [`Timeline::closed_time_between`]
/// uses prefix sums and is `O(log n)` too.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    intervals: Vec<(SimTime, SimTime)>,
    /// `closed_through[i]`: total closed ticks in `intervals[..=i]`.
    closed_through: Vec<u64>,
}

/// How many of `intervals` (sorted) start before `t`, for a `t` usually at
/// most a few intervals in: those are stepped over, and only past four is
/// the rest searched.
fn starting_before(intervals: &[(SimTime, SimTime)], t: SimTime) -> usize {
    let near = intervals.iter().take(4).take_while(|&&(start, _)| start < t).count();
    if near < 4 { near } else { intervals.partition_point(|&(start, _)| start < t) }
}

impl Timeline {
    /// A timeline that is never closed.
    pub fn new() -> Timeline {
        Timeline::default()
    }

    /// The timeline closed during any of `intervals`: they are sorted, and
    /// overlapping or adjacent ones merged. Intervals with `end <= start` are
    /// empty and ignored.
    pub fn from_intervals(mut intervals: Vec<(SimTime, SimTime)>) -> Timeline {
        intervals.retain(|&(start, end)| start < end);
        intervals.sort_unstable();
        let mut merged: Vec<(SimTime, SimTime)> = Vec::with_capacity(intervals.len());
        for (start, end) in intervals {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        let mut total = 0u64;
        let closed_through = merged
            .iter()
            .map(|&(start, end)| {
                // Disjoint intervals within u64 ticks cannot sum past u64::MAX.
                total += end.ticks() - start.ticks();
                total
            })
            .collect();
        Timeline { intervals: merged, closed_through }
    }

    /// The closed intervals, sorted, disjoint and non-adjacent.
    pub fn intervals(&self) -> &[(SimTime, SimTime)] {
        &self.intervals
    }

    /// The number of closed intervals.
    pub fn len(&self) -> usize {
        self.intervals.len()
    }

    /// Whether the timeline is never closed.
    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    /// The index of the last interval starting at or before `t`, if any.
    fn last_starting_by(&self, t: SimTime) -> Option<usize> {
        self.intervals.partition_point(|&(start, _)| start <= t).checked_sub(1)
    }

    /// The closed interval containing `t`, if `t` is closed.
    pub fn interval_at(&self, t: SimTime) -> Option<(SimTime, SimTime)> {
        let i = self.last_starting_by(t)?;
        let iv = self.intervals[i];
        (t < iv.1).then_some(iv)
    }

    /// Whether `t` lies in a closed interval.
    pub fn is_closed(&self, t: SimTime) -> bool {
        self.interval_at(t).is_some()
    }

    /// The first open instant at or after `t`: `t` itself when it is open,
    /// else the end of the interval containing it (which is open, because
    /// adjacent intervals are merged).
    pub fn next_open(&self, t: SimTime) -> SimTime {
        self.interval_at(t).map_or(t, |(_, end)| end)
    }

    /// The first instant after `t` at which [`Timeline::is_closed`] changes:
    /// the end of the interval containing `t`, or else the start of the next
    /// interval; `None` when nothing changes after `t`.
    pub fn next_change_after(&self, t: SimTime) -> Option<SimTime> {
        let next = self.intervals.partition_point(|&(start, _)| start <= t);
        if let Some(&(_, end)) = next.checked_sub(1).map(|i| &self.intervals[i])
            && t < end
        {
            return Some(end);
        }
        self.intervals.get(next).map(|&(start, _)| start)
    }

    /// Closed ticks in `[0, t)`, given `n`, the number of intervals that
    /// start before `t`.
    fn closed_before(&self, n: usize, t: SimTime) -> u64 {
        let Some(i) = n.checked_sub(1) else { return 0 };
        let end = self.intervals[i].1;
        self.closed_through[i] - end.ticks().saturating_sub(t.ticks())
    }

    /// The total closed time within `[a, b)`; zero when `b <= a`.
    ///
    /// One binary search for `a`; `b` (a crossing later, in the model) is
    /// usually at most a few intervals further, so those are stepped over
    /// before a second search of the rest.
    pub fn closed_time_between(&self, a: SimTime, b: SimTime) -> SimDuration {
        if b <= a {
            return SimDuration::ZERO;
        }
        let na = self.intervals.partition_point(|&(start, _)| start < a);
        self.closed_from(na, a, b)
    }

    /// [`closed_time_between`](Self::closed_time_between) for a caller whose
    /// `a` mostly grows from call to call (the crossings of one sea area, in
    /// time order): `hint` remembers where `a` fell last time, so the search
    /// steps forward over at most a few intervals instead of bisecting.
    /// Any `hint` gives the same result; a stale or wrong one costs a
    /// binary search.
    pub fn closed_time_between_hinted(
        &self,
        hint: &mut usize,
        a: SimTime,
        b: SimTime,
    ) -> SimDuration {
        if b <= a {
            return SimDuration::ZERO;
        }
        // Valid when every interval before `hint` starts before `a`.
        let valid =
            *hint <= self.intervals.len() && (*hint == 0 || self.intervals[*hint - 1].0 < a);
        let na = if valid {
            *hint + starting_before(&self.intervals[*hint..], a)
        } else {
            self.intervals.partition_point(|&(start, _)| start < a)
        };
        *hint = na;
        self.closed_from(na, a, b)
    }

    /// Closed time within `[a, b)`, `a < b`, given `na`, the number of
    /// intervals that start before `a`.
    fn closed_from(&self, na: usize, a: SimTime, b: SimTime) -> SimDuration {
        let nb = na + starting_before(&self.intervals[na..], b);
        SimDuration::from_ticks(self.closed_before(nb, b) - self.closed_before(na, a))
    }

    /// The total closed time.
    pub fn total_closed(&self) -> SimDuration {
        SimDuration::from_ticks(self.closed_through.last().copied().unwrap_or(0))
    }

    /// The timeline closed whenever `self` or `other` is closed (e.g. a port
    /// shut by storms or by ice).
    pub fn union(&self, other: &Timeline) -> Timeline {
        let mut all = Vec::with_capacity(self.len() + other.len());
        all.extend_from_slice(&self.intervals);
        all.extend_from_slice(&other.intervals);
        Timeline::from_intervals(all)
    }
}
