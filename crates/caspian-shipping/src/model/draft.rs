//! Sea level and draft at run time: how much cargo a vessel may take on a
//! call, and the draft KPIs (`load_factor`, `draft_lost`, `draft_blocked`).
//!
//! The water at a port at time `t` is its depth at the datum (the last
//! `[[dredging]]` in effect, else `depth_m`) plus the sea level, `offset_m +
//! change_m_per_year * t`. A vessel of a fleet with a draft relation may
//! load as much as keeps its draft, plus the under-keel clearance, within
//! the water of *both* ends of its route: it must leave the loading port
//! and enter the discharge port. The draft grows linearly with the cargo
//! aboard, so the cargo allowed is `(water - light draft - clearance) *
//! units per metre`, rounded down, between 0 and the capacity. It is
//! evaluated each time the vessel takes cargo (the level moves less than a
//! millimetre a day at the Caspian's rate, so this is the level at
//! departure to within a tonne).

use caspian_engine::SimTime;

use super::state::World;
use crate::compile::DraftPlan;

/// Units a cargo may fall short of a whole unit through rounding and still
/// count as that unit (7999.9999999 units of room are 8000).
const ROUNDING_SLACK: f64 = 1e-6;

/// The draft KPIs' counts for one fleet, over the reporting window.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct DraftTally {
    /// Departures on a leg that loads (outbound; return with return cargo).
    pub(super) departures: u64,
    /// Deck units aboard at those departures.
    pub(super) carried: u128,
    /// Units of capacity the draft limit took away at those departures.
    pub(super) lost: u128,
    /// Those departures on which not even an empty vessel fitted.
    pub(super) blocked: u64,
}

impl DraftPlan {
    /// The sea level at `now` against the ports' datum, in metres.
    pub fn sea_level_m(&self, now: SimTime) -> f64 {
        self.offset_m + self.change_m_per_tick * now.ticks() as f64
    }

    /// The depth at the datum of port `p` at `now` (the latest dredging in
    /// effect), in metres; infinite for a port of unlimited depth.
    pub fn depth_m(&self, p: usize, now: SimTime) -> f64 {
        self.depth_where(p, |from| from <= now)
    }

    /// The depth at the datum of port `p` just before `t`: that of the
    /// latest dredging dated before `t`, else the port's `depth_m`; what a
    /// dredging on `t` deepens (or silts) from. Infinite for a port of
    /// unlimited depth.
    pub fn depth_before_m(&self, p: usize, t: SimTime) -> f64 {
        self.depth_where(p, |from| from < t)
    }

    /// The depth of the latest of port `p`'s entries whose start
    /// `in_effect` accepts, else its first (the depth at time 0).
    fn depth_where(&self, p: usize, in_effect: impl Fn(SimTime) -> bool) -> f64 {
        match self.depths[p].as_slice() {
            [] => f64::INFINITY,
            [(_, d)] => *d,
            dated => {
                dated.iter().rev().find(|(from, _)| in_effect(*from)).map_or(dated[0].1, |x| x.1)
            }
        }
    }

    /// The water at port `p` at `now` (depth at the datum plus the sea
    /// level), in metres; infinite for a port of unlimited depth.
    pub fn water_m(&self, p: usize, now: SimTime) -> f64 {
        self.depth_m(p, now) + self.sea_level_m(now)
    }

    /// The most cargo a vessel of `fleet` may carry on a call at `now`: its
    /// capacity, or less where its draft would not fit the water at either
    /// end of its route (0 when not even the empty vessel fits).
    pub fn call_capacity(&self, fleet: usize, now: SimTime) -> u64 {
        let f = &self.fleets[fleet];
        let Some(limit) = &f.limit else { return f.capacity };
        let [a, b] = limit.ports;
        let depth = self.depth_m(a, now).min(self.depth_m(b, now));
        let spare = depth + self.sea_level_m(now) - limit.light_need_m;
        // Not even the empty vessel fits (or the water is not a number).
        if spare.is_nan() || spare <= 0.0 {
            return 0;
        }
        // Positive, so truncation is the floor.
        let units = spare * limit.units_per_m + ROUNDING_SLACK;
        if units >= f.capacity as f64 { f.capacity } else { units as u64 }
    }
}

impl World<'_> {
    /// Counts vessel `v`'s departure at `now` for the draft KPIs (before it
    /// leaves its port): only for fleets with a draft relation, and only on
    /// a leg that loads.
    pub(super) fn record_draft_departure(&mut self, v: usize, now: SimTime) {
        let ves = &self.vessels[v];
        let draft = &self.plan.draft;
        let f = &draft.fleets[ves.fleet];
        if f.limit.is_none() || !(ves.at_origin || f.return_loads) {
            return;
        }
        let allowed = draft.call_capacity(ves.fleet, now);
        let t = &mut self.counters.draft[ves.fleet];
        t.departures += 1;
        t.carried += u128::from(ves.deck_used);
        t.lost += u128::from(f.capacity - allowed);
        // Blocked: not one unit of any hold fits (0 for a single cargo).
        let smallest = self.plan.fleets[ves.fleet].holds.iter().map(|h| h.deck_units).min();
        t.blocked += u64::from(allowed < smallest.unwrap_or(1));
    }

    /// The draft KPIs of fleet `fi`: load factor, capacity lost, blocked calls.
    pub(super) fn draft_kpis(&self, fi: usize) -> (f64, f64, f64) {
        let t = &self.counters.draft[fi];
        let capacity = self.plan.draft.fleets[fi].capacity as f64;
        let load_factor = if t.departures == 0 {
            f64::NAN
        } else {
            t.carried as f64 / t.departures as f64 / capacity
        };
        (load_factor, t.lost as f64, t.blocked as f64)
    }
}
