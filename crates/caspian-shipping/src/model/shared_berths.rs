//! Berths shared by several classes (`[[port]] shared_berths`), lent to a
//! class while it has vessels waiting and returned when idle.
//!
//! Each class at a port keeps its own engine `Resource` (its line, waits,
//! calls and utilization stay per class). A shared berth is *lent* to a
//! class by raising that class's capacity by one when the class has a
//! vessel waiting and all its berths are busy, and *returned* (capacity
//! back down by one) when the class has a free berth and nobody waiting.
//! Berths of a class are interchangeable: when a dedicated berth frees up
//! while a vessel works at a borrowed one, the borrowed one is the berth
//! returned (as if the vessel had moved). Nothing is lent or returned while
//! the port is closed.

use caspian_engine::{Scheduler, SimTime, TimeWeighted};

use super::state::{Ev, World};

/// Run-time state of one group of shared berths.
#[derive(Debug, Clone)]
pub(super) struct Pool {
    /// Berths of the group not lent to any class.
    pub(super) free: u32,
    /// Berths lent to each class (in `BerthClass::ALL` order).
    pub(super) lent: [u32; 4],
    /// Berths free and usable (the port open), time-weighted: the idle
    /// berth-hours every class of the group could have used.
    pub(super) idle: TimeWeighted,
}

impl Pool {
    pub(super) fn new(count: u32) -> Self {
        Pool { free: count, lent: [0; 4], idle: TimeWeighted::new(SimTime::ZERO, f64::from(count)) }
    }
}

impl World<'_> {
    /// Shared berths lent to class `c` at port `p`, all groups together.
    fn lent(&self, p: usize, c: usize) -> u32 {
        self.ports[p].pools.iter().map(|g| g.lent[c]).sum()
    }

    /// The capacity of class `c` at port `p` now: its berths in service plus
    /// the shared berths lent to it (0 while the port is closed).
    pub(super) fn class_capacity(&self, p: usize, c: usize, now: SimTime) -> u32 {
        if self.ports[p].closures.is_closed(now) {
            return 0;
        }
        self.berths_in_service(p, c, now) + self.lent(p, c)
    }

    /// Records the free shared berths of port `p` as idle (0 while closed).
    pub(super) fn note_idle_shared(&mut self, p: usize, now: SimTime) {
        let closed = self.ports[p].closures.is_closed(now);
        for g in &mut self.ports[p].pools {
            g.idle.set(now, if closed { 0.0 } else { f64::from(g.free) });
        }
    }

    /// `berth_utilization` of class `c` at port `p`: busy berth-hours over
    /// the berth-hours the class could use, its own and lent berths plus
    /// shared berths standing free (see `docs/kpis.md`).
    pub(super) fn class_utilization(&self, p: usize, c: usize, now: SimTime) -> f64 {
        let r = &self.ports[p].berths[c];
        let shared: f64 = (self.plan.ports[p].shared.iter().zip(&self.ports[p].pools))
            .filter(|(g, _)| g.classes[c])
            .map(|(_, pool)| pool.idle.mean(now))
            .sum();
        let available = r.mean_capacity(now) + shared;
        if available > 0.0 { r.mean_busy(now) / available } else { f64::NAN }
    }

    /// Returns idle lent berths and lends free ones to classes with vessels
    /// waiting, granting them at once. A no-op at a port without shared berths
    /// (most ports, after every berth request and release): inlined, and the
    /// work kept out of line, so that the no-op costs a load and a branch, not
    /// a call that saves every register the work needs.
    #[inline(always)]
    pub(super) fn rebalance_shared(&mut self, s: &mut Scheduler<Ev>, p: usize) {
        if !self.ports[p].pools.is_empty() {
            self.rebalance_pools(s, p);
        }
    }

    /// [`rebalance_shared`](Self::rebalance_shared) at a port with shared berths.
    #[inline(never)]
    fn rebalance_pools(&mut self, s: &mut Scheduler<Ev>, p: usize) {
        if self.ports[p].closures.is_closed(s.now()) {
            return;
        }
        let now = s.now();
        let plan = &self.plan.ports[p];
        for c in 0..self.ports[p].berths.len() {
            loop {
                let r = &self.ports[p].berths[c];
                if r.queue_len() > 0 || r.busy() >= r.capacity() {
                    break;
                }
                let Some(g) = self.ports[p].pools.iter().position(|g| g.lent[c] > 0) else {
                    break;
                };
                let pool = &mut self.ports[p].pools[g];
                pool.lent[c] -= 1;
                pool.free += 1;
                let cap = self.ports[p].berths[c].capacity();
                self.ports[p].berths[c].set_capacity(now, cap - 1);
            }
        }
        for c in 0..self.ports[p].berths.len() {
            loop {
                // Lent only where it lets a waiting vessel in: not to a class
                // holding more berths than it now has (a disruption cut it).
                let r = &self.ports[p].berths[c];
                if r.queue_len() == 0 || r.busy() != r.capacity() {
                    break;
                }
                let Some(g) = (0..plan.shared.len())
                    .find(|&g| plan.shared[g].classes[c] && self.ports[p].pools[g].free > 0)
                else {
                    break;
                };
                let pool = &mut self.ports[p].pools[g];
                pool.free -= 1;
                pool.lent[c] += 1;
                let cap = self.ports[p].berths[c].capacity();
                self.ports[p].berths[c].set_capacity(now, cap + 1);
                self.note_idle_shared(p, now);
                if let Some(granted) = self.ports[p].berths[c].grant_next(now) {
                    self.on_granted(s, granted.requester);
                }
            }
        }
        self.note_idle_shared(p, now);
    }
}
