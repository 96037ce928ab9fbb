//! A tank farm or rail yard at run time: an engine `Level` plus the arrival
//! times of what it holds (to measure transit times), the vessels waiting on
//! it and the cargo promised to vessels on their way to a berth.

use std::collections::VecDeque;

use caspian_engine::{Level, SimTime};

/// An amount of cargo that arrived in the system at one time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cohort {
    /// When it entered its origin storage (or arrived at the gate).
    pub(crate) arrived: SimTime,
    /// Units.
    pub(crate) amount: u64,
}

/// Most cohorts one storage or one vessel keeps. Each inflow arrival adds
/// a cohort, so a storage filling without end (a parcel a second into a
/// huge tank farm) would otherwise grow by one record per event; at the cap
/// new cargo is merged into the newest cohort instead (see [`push_cohort`]).
/// Far above what any shipped scenario holds, so it never changes a result there.
pub(crate) const MAX_COHORTS: usize = 1024;

/// Appends `piece` to the back of `line`. It joins the newest cohort if both
/// arrived at the same time or `line` already holds [`MAX_COHORTS`]; in the
/// second case the merged cohort's arrival is the amount-weighted mean of the
/// two (to the millisecond), so amounts stay exact and mean transit times
/// nearly so: only transit-time percentiles are blurred, and only in a
/// storage that has piled up over a thousand separate arrivals.
pub(crate) fn push_cohort(line: &mut VecDeque<Cohort>, piece: Cohort) {
    let full = line.len() >= MAX_COHORTS;
    match line.back_mut() {
        Some(back) if back.arrived == piece.arrived => back.amount += piece.amount,
        Some(back) if full => {
            let (a, b) = (u128::from(back.amount), u128::from(piece.amount));
            let weighted =
                a * u128::from(back.arrived.ticks()) + b * u128::from(piece.arrived.ticks());
            if let Some(mean) = weighted.checked_div(a + b) {
                back.arrived = SimTime::from_ticks(u64::try_from(mean).unwrap_or(u64::MAX));
            }
            back.amount += piece.amount;
        }
        _ => line.push_back(piece),
    }
}

/// Moves `amount` units from the front of `from` to the back of `to`, splitting a
/// cohort if needed, and calls `each` on every piece moved.
pub(crate) fn move_cohorts(
    from: &mut VecDeque<Cohort>,
    to: &mut VecDeque<Cohort>,
    mut amount: u64,
    mut each: impl FnMut(Cohort),
) {
    while amount > 0 {
        let Some(front) = from.front_mut() else {
            debug_assert!(false, "cohort bookkeeping is short of {amount} units");
            return;
        };
        let piece = Cohort { arrived: front.arrived, amount: front.amount.min(amount) };
        front.amount -= piece.amount;
        if front.amount == 0 {
            from.pop_front();
        }
        amount -= piece.amount;
        each(piece);
        push_cohort(to, piece);
    }
}

/// Removes `amount` units from the front of `from` (cargo leaving the
/// system or its storage), splitting a cohort if needed, and calls `each`
/// on every piece removed.
pub(crate) fn drop_cohorts(
    from: &mut VecDeque<Cohort>,
    mut amount: u64,
    mut each: impl FnMut(Cohort),
) {
    while amount > 0 {
        let Some(front) = from.front_mut() else {
            debug_assert!(false, "cohort bookkeeping is short of {amount} units");
            return;
        };
        let piece = Cohort { arrived: front.arrived, amount: front.amount.min(amount) };
        front.amount -= piece.amount;
        amount -= piece.amount;
        if front.amount == 0 {
            from.pop_front();
        }
        each(piece);
    }
}

/// Unit-hours and units: the mean time units spent somewhere, weighted by
/// the units (`link_wait_h.<storage>`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct UnitHours {
    /// Sum over the units recorded of the hours each spent.
    pub(crate) unit_h: f64,
    /// Units recorded.
    pub(crate) units: f64,
}

impl UnitHours {
    /// Records `units` units that spent `hours` each.
    #[inline]
    pub(crate) fn record(&mut self, hours: f64, units: f64) {
        self.unit_h += hours * units;
        self.units += units;
    }

    /// The mean hours a unit, NaN if none was recorded.
    pub(crate) fn mean(&self) -> f64 {
        if self.units > 0.0 { self.unit_h / self.units } else { f64::NAN }
    }
}

/// A storage at run time.
#[derive(Debug)]
pub(crate) struct Store {
    /// Level, capacity, blocked trains at the gate (tag = inflow index).
    pub(crate) level: Level<u32>,
    /// What the storage holds, oldest first; sums to the level. In an
    /// origin storage each cohort's time is when it entered the corridor
    /// (for transit times); in any other, when it entered this storage (for
    /// the wait for the hinterland link).
    pub(crate) cohorts: VecDeque<Cohort>,
    /// Vessels at berth short of the cargo they were called for (an outflow
    /// took part of it) or loading up to their timetable slot, first come
    /// first served.
    pub(crate) waiting_loaders: VecDeque<u32>,
    /// Vessels at the anchorage waiting for their cargo, first come first
    /// served: the first is called to a berth when the unclaimed content
    /// would fill it (see `model::cargo_line`).
    pub(crate) cargo_line: VecDeque<u32>,
    /// Units promised to vessels called to a berth that have not loaded yet.
    pub(crate) claimed: u64,
    /// Vessels at berth waiting for space to discharge into: a vessel
    /// larger than the storage's room, or one whose room trains at the
    /// gate took first.
    pub(crate) waiting_dischargers: VecDeque<u32>,
    /// Vessels in the space line (at the anchorage, waiting for room; see
    /// `model::space_line`) with cargo for this storage.
    pub(crate) room_waiters: u32,
    /// Room promised to vessels called to a berth that have not
    /// discharged into it yet.
    pub(crate) room_claimed: u64,
    /// Trains or parcels arrive here through a gate: a vessel is called
    /// for any room, not for room for its whole cargo (see
    /// `model::space_line`).
    pub(crate) gate_fed: bool,
    /// The storages whose cargo lines hold vessels that also load here (a
    /// mixed deck waits in the line of its first hold's storage): cargo
    /// arriving here may complete their load.
    pub(crate) linked_lines: Vec<usize>,
    /// The outflows that draw from this storage, in index order.
    pub(crate) outflows: Vec<usize>,
    /// How many of them sleep until cargo arrives (`World::wake_outflows`).
    pub(crate) idle_outflows: usize,
}

impl Store {
    /// Units in the storage not claimed for a vessel called to a berth.
    pub(crate) fn unclaimed(&self) -> u64 {
        self.level.level().saturating_sub(self.claimed)
    }

    /// Room in the storage not claimed for a vessel called to discharge.
    pub(crate) fn unclaimed_room(&self) -> u64 {
        self.level.space().saturating_sub(self.room_claimed)
    }

    /// A storage holding `initial` units (at most `capacity`) that arrived at time zero.
    pub(crate) fn new(capacity: u64, initial: u64) -> Self {
        let initial = initial.min(capacity);
        let level = match Level::new(capacity, initial, SimTime::ZERO) {
            Ok(level) => level,
            Err(e) => unreachable!("initial was clamped to the capacity: {e}"),
        };
        let mut cohorts = VecDeque::new();
        if initial > 0 {
            cohorts.push_back(Cohort { arrived: SimTime::ZERO, amount: initial });
        }
        Self {
            level,
            cohorts,
            waiting_loaders: VecDeque::new(),
            cargo_line: VecDeque::new(),
            claimed: 0,
            waiting_dischargers: VecDeque::new(),
            room_waiters: 0,
            room_claimed: 0,
            gate_fed: false,
            linked_lines: Vec::new(),
            outflows: Vec::new(),
            idle_outflows: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cohorts_split_and_merge() {
        let t = SimTime::from_hours;
        let mut from: VecDeque<Cohort> =
            [Cohort { arrived: t(1), amount: 5 }, Cohort { arrived: t(2), amount: 5 }].into();
        let mut to = VecDeque::new();
        let mut seen = Vec::new();
        move_cohorts(&mut from, &mut to, 7, |c| seen.push(c));
        assert_eq!(
            seen,
            vec![Cohort { arrived: t(1), amount: 5 }, Cohort { arrived: t(2), amount: 2 }]
        );
        assert_eq!(from, VecDeque::from([Cohort { arrived: t(2), amount: 3 }]));
        move_cohorts(&mut from, &mut to, 3, |_| {});
        assert_eq!(to.len(), 2, "pieces with the same arrival time merge");
        assert_eq!(to.iter().map(|c| c.amount).sum::<u64>(), 10);
    }

    #[test]
    fn cohorts_stop_growing_at_the_cap_and_keep_every_unit() {
        let mut line = VecDeque::new();
        let n = MAX_COHORTS as u64 + 10;
        for k in 0..n {
            push_cohort(&mut line, Cohort { arrived: SimTime::from_ticks(1000 * k), amount: 1 });
        }
        assert_eq!(line.len(), MAX_COHORTS);
        assert_eq!(line.iter().map(|c| c.amount).sum::<u64>(), n);
        // The newest cohort holds the last 11 arrivals at their mean time.
        let back = line.back().unwrap();
        assert_eq!(back.amount, 11);
        let mean = (n - 11..n).map(|k| 1000 * k).sum::<u64>() / 11;
        assert_eq!(back.arrived.ticks(), mean);
    }
}
