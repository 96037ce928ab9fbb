//! Waits and transits still in progress when a replication ends.
//!
//! A mean over completed waits alone flatters a corridor that has stopped
//! working: cargo stranded in a yard behind a lost ferry, trains still at a
//! full gate and vessels still at anchor never finish their wait, so they
//! would be left out, and the mean would *improve* as the corridor fails.
//! Instead every transit and wait in progress at the end of the run is
//! counted with its age then, a lower bound on its length (a right-censored
//! observation counted at its censoring time):
//!
//! - **transit** (`transit_h.<cargo>.*`): cargo in a storage some fleet
//!   loads from, cargo aboard a vessel, and cargo of trains or parcels
//!   waiting at a full gate, each aged from when it arrived;
//! - **gate waits** (`gate_wait_h.<inflow>`): arrivals still waiting at the
//!   gate of their storage;
//! - **anchorage waits** (`anchorage_wait_h.<port>.<class>`): vessels still
//!   waiting for a berth;
//! - **cargo waits** (`cargo_wait_h.<fleet>`): vessels still waiting at the
//!   anchorage to be called for their cargo;
//! - **room waits** (`space_wait_h.<fleet>`): laden vessels still waiting at
//!   the anchorage for room ashore;
//! - **waits for the link** (`link_wait_h.<storage>`): cargo still in a
//!   hand-over storage, aged from when it was discharged there.
//!
//! So a stranded replication reads worse, never better. `berth_calls` and
//! the other counts still count only what happened.

use caspian_engine::{LevelOp, SimTime, Tally};

use super::histogram::WeightedHistogram;
use super::state::World;
use super::store::UnitHours;
use super::{CARGOES, cargo_idx};

/// The run's statistics at its end that take more than a counter: transits
/// and waits with those still in progress added, each at its age then, and
/// the cargo still in the corridor.
pub(super) struct Closing {
    /// Transit times per cargo (oil, wagons), weighted by amount.
    pub(super) transit: [WeightedHistogram; CARGOES],
    /// Gate waits per inflow, in hours.
    pub(super) gate_wait_h: Vec<Tally>,
    /// Anchorage waits per port and berth class (`BerthClass::ALL` order), in hours.
    pub(super) anchorage_wait_h: Vec<Vec<Tally>>,
    /// Cargo waits per fleet, in hours.
    pub(super) cargo_wait_h: Vec<Tally>,
    /// Room waits per fleet, in hours.
    pub(super) space_wait_h: Vec<Tally>,
    /// Per storage, the wait for the hinterland link in a hand-over
    /// storage, with what is still there counted at its age.
    pub(super) link_wait: Vec<UnitHours>,
    /// Units of each cargo in the corridor at the end ([`super::corridor`]).
    pub(super) in_corridor: [u128; CARGOES],
    /// Units of each cargo demanded over the window by inflows into origins.
    pub(super) demand: [u128; CARGOES],
    /// Units of each cargo diverted over the window by inflows into origins.
    pub(super) diverted: [u128; CARGOES],
}

impl World<'_> {
    /// The statistics of [`Closing`] at `now`, the end of the run.
    pub(super) fn closing(&self, now: SimTime) -> Closing {
        let plan = self.plan;
        let age = |since: SimTime| now.saturating_since(since).as_hours_f64();
        let mut transit = self.transit.clone();
        // Cargo in a storage a fleet loads from is still on its way; in any
        // other storage it was delivered (its transit already recorded).
        for (st, store) in self.stores.iter().enumerate().filter(|(st, _)| self.origin[*st]) {
            let cargo = cargo_idx(plan.storages[st].cargo);
            for c in &store.cohorts {
                transit[cargo].record(age(c.arrived), c.amount as f64);
            }
        }
        // Cargo still in a hand-over storage is still waiting for its link.
        let mut link_wait = self.link_wait.clone();
        for (st, store) in self.stores.iter().enumerate().filter(|(st, _)| self.hand_over[*st]) {
            for c in &store.cohorts {
                link_wait[st].record(age(c.arrived), c.amount as f64);
            }
        }
        // A lost vessel's cargo is counted lost, and no longer aboard.
        for v in &self.vessels {
            for (h, hold) in plan.fleets[v.fleet].holds.iter().zip(&v.holds) {
                for c in &hold.cohorts {
                    transit[cargo_idx(h.cargo)].record(age(c.arrived), c.amount as f64);
                }
            }
        }
        // Arrivals still at a gate: their wait so far; at an origin's gate
        // they are corridor cargo on its way too (at any other storage's,
        // local freight that never enters the transit times).
        let mut gate_wait_h = self.gate_wait_h.clone();
        for (st, store) in self.stores.iter().enumerate() {
            let cargo = cargo_idx(plan.storages[st].cargo);
            for (since, amount, &inflow) in store.level.waiting(LevelOp::Put) {
                gate_wait_h[inflow as usize].record(age(since));
                if self.origin[st] {
                    transit[cargo].record(age(since), amount as f64);
                }
            }
        }
        let anchorage_wait_h = self
            .ports
            .iter()
            .map(|p| {
                p.berths
                    .iter()
                    .map(|r| {
                        let mut waits = *r.waits();
                        r.waiting_since().for_each(|since| waits.record(age(since)));
                        waits
                    })
                    .collect()
            })
            .collect();
        let mut cargo_wait_h = self.cargo_wait_h.clone();
        for store in &self.stores {
            for &v in &store.cargo_line {
                let ves = &self.vessels[v as usize];
                cargo_wait_h[ves.fleet].record(age(ves.cargo_wait_since));
            }
        }
        let mut space_wait_h = self.space_wait_h.clone();
        for &v in &self.space_line {
            let ves = &self.vessels[v as usize];
            space_wait_h[ves.fleet].record(age(ves.space_wait_since));
        }
        Closing {
            transit,
            cargo_wait_h,
            space_wait_h,
            link_wait,
            gate_wait_h,
            anchorage_wait_h,
            in_corridor: self.in_corridor(),
            demand: self.corridor_sum(&self.counters.demand),
            diverted: self.corridor_sum(&self.counters.diverted),
        }
    }
}
