//! Cargo still in the corridor: demand not yet delivered, shut in or lost.
//!
//! Cargo is *in the corridor* from the moment it arrives at the gate of an
//! *origin* storage (one that some fleet loads from) until a vessel
//! discharges it into a storage (delivered), it is lost with its vessel, it
//! is refused at the gate (shut in), or it gives up waiting at the gate and
//! leaves for another route (diverted). At any instant it is the content of
//! the origin storages, the cargo aboard vessels and the arrivals waiting at
//! origin gates. Over a window, for each cargo:
//!
//! ```text
//! in corridor at start + demand = delivered + shut in + diverted + lost + in corridor at end
//! ```
//!
//! (demand, shut in and diverted of inflows into origin storages; a test
//! checks it on every shipped scenario). `backlog_end.<cargo>` is the last
//! term, `diverted_total.<cargo>` the diverted one, and
//! `service_level.<cargo>` is delivered over the first two. Cargo a fleet
//! discharges into another origin storage (a relay) stays in the corridor.

use caspian_engine::LevelOp;

use super::state::World;
use super::{CARGOES, cargo_idx};

impl World<'_> {
    /// Units of each cargo (oil, wagons) in the corridor now.
    pub(super) fn in_corridor(&self) -> [u128; CARGOES] {
        let mut units = [0u128; CARGOES];
        for (st, store) in self.stores.iter().enumerate().filter(|(st, _)| self.origin[*st]) {
            let at_gate: u128 =
                store.level.waiting(LevelOp::Put).map(|(_, amount, _)| u128::from(amount)).sum();
            units[cargo_idx(self.plan.storages[st].cargo)] +=
                u128::from(store.level.level()) + at_gate;
        }
        for v in &self.vessels {
            for (h, hold) in self.plan.fleets[v.fleet].holds.iter().zip(&v.holds) {
                units[cargo_idx(h.cargo)] += u128::from(hold.units);
            }
        }
        units
    }

    /// Units of each cargo delivered in the window so far: discharged from
    /// vessels into storages that no fleet loads from. Cargo a fleet
    /// discharges into a storage another fleet loads from (a relay) is
    /// still in the corridor, and is delivered where it leaves it.
    pub(super) fn delivered_by_cargo(&self) -> [u128; CARGOES] {
        let mut units = [0u128; CARGOES];
        let storages = self.plan.storages.iter().zip(&self.counters.delivered).enumerate();
        for (_, (p, d)) in storages.filter(|(st, _)| !self.origin[*st]) {
            units[cargo_idx(p.cargo)] += d;
        }
        units
    }

    /// A per-inflow counter (demand, diverted) summed per cargo over the
    /// inflows into origin storages.
    pub(super) fn corridor_sum(&self, per_inflow: &[u128]) -> [u128; CARGOES] {
        let mut units = [0u128; CARGOES];
        for (i, f) in self.plan.inflows.iter().enumerate().filter(|(_, f)| self.origin[f.into]) {
            units[cargo_idx(self.plan.storages[f.into].cargo)] += per_inflow[i];
        }
        units
    }
}
