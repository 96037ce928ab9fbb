//! The cost KPIs (`cost.*_per_year`): the counters only costs need, and
//! the pricing of a replication's counts with the plan's
//! [`crate::costs::CostPlan`] at the end of the run.
//!
//! Everything else the costs price is counted already: anchorage queues by
//! the berths, transit times by [`super::histogram`] (with what is still on
//! its way added by [`super::censored`]), the waits for the hinterland
//! links in hand-over storages by `World::link_wait`, diverted, shut-in and lost cargo
//! and lost vessels by the counters. The counters here are updated at
//! events that already happen (a phase change to or from sailing, a
//! vessel joining or leaving a space line, a convoy's departure, a
//! discharge), with no allocation. `docs/model.md`
//! ("Costs") defines each KPI.

use caspian_engine::{SimTime, TimeWeighted};

use super::censored::Closing;
use super::state::World;
use super::{CARGOES, cargo_idx};
use crate::kpi::layout::CostPart;
use crate::timeline::TICKS_PER_YEAR;

/// Counts kept for the cost KPIs only; reset at the end of warm-up.
#[derive(Debug)]
pub(super) struct CostCounters {
    /// Per fleet: vessels sailing (time-weighted; the integral is
    /// vessel-hours at sea).
    pub(super) at_sea: Vec<TimeWeighted>,
    /// Per fleet: laden vessels waiting at the anchorage for room ashore
    /// (time-weighted; the integral is vessel-hours of demurrage).
    pub(super) waiting_room: Vec<TimeWeighted>,
    /// Escorted convoys that sailed.
    pub(super) convoys: u64,
    /// Per cargo: units delivered times the calm crossing hours of the
    /// fleet that delivered them (the part of their transit that is not
    /// delay).
    pub(super) calm_unit_h: [f64; CARGOES],
}

impl CostCounters {
    pub(super) fn new(n_fleets: usize) -> Self {
        Self {
            at_sea: vec![TimeWeighted::new(SimTime::ZERO, 0.0); n_fleets],
            waiting_room: vec![TimeWeighted::new(SimTime::ZERO, 0.0); n_fleets],
            convoys: 0,
            calm_unit_h: [0.0; CARGOES],
        }
    }

    /// Forgets the warm-up (vessels sailing now stay counted from `now`).
    pub(super) fn reset(&mut self, now: SimTime) {
        self.at_sea.iter_mut().for_each(|t| t.reset(now));
        self.waiting_room.iter_mut().for_each(|t| t.reset(now));
        self.convoys = 0;
        self.calm_unit_h = [0.0; CARGOES];
    }
}

impl World<'_> {
    /// The six cost KPIs at `now`, in [`CostPart::ALL`] order; flows are
    /// per year of the window from `start` (NaN for a window of no length).
    /// The total is the sum of capital, operating, delay and lost cargo, in
    /// that order; demurrage is a part of the delay, shown on its own.
    pub(super) fn cost_kpis(&self, now: SimTime, start: SimTime, closing: &Closing) -> [f64; 6] {
        let k = &self.plan.costs;
        let window = now.saturating_since(start);
        let years = window.ticks() as f64 / TICKS_PER_YEAR as f64;
        let window_h = window.as_hours_f64();
        let per_year = |x: f64| if years > 0.0 { x / years } else { f64::NAN };
        let capital = k.capital_per_year;
        let mut vessel_day_cost = 0.0;
        for (fi, f) in self.plan.fleets.iter().enumerate() {
            let at_sea_h = self.costing.at_sea[fi].integral_hours(now);
            let in_port_h = (f64::from(f.count) * window_h - at_sea_h).max(0.0);
            vessel_day_cost +=
                (at_sea_h * k.at_sea_per_day[fi] + in_port_h * k.in_port_per_day[fi]) / 24.0;
        }
        let sorties = self.costing.convoys as f64 * k.escort_sortie;
        let operating = k.fixed_operating_per_year + per_year(vessel_day_cost + sorties);
        let tonnes = &self.plan.tonnes_per_unit;
        // Cargo delivered into a hand-over storage goes on waiting there
        // for its hinterland link: that wait is delay too.
        let mut link_unit_h = [0.0; CARGOES];
        for (st, wait) in closing.link_wait.iter().enumerate() {
            link_unit_h[cargo_idx(self.plan.storages[st].cargo)] += wait.unit_h;
        }
        let mut delay = 0.0;
        for (c, t) in tonnes.iter().enumerate() {
            let delay_unit_h = (closing.transit[c].weighted_sum() - self.costing.calm_unit_h[c])
                .max(0.0)
                + link_unit_h[c];
            delay += k.value_of_time_per_t_h[c] * t * delay_unit_h;
        }
        // Each term is added to the delay one by one, after the cargo's, as
        // ever (so the delay and the total keep every bit), and to the
        // demurrage on its own.
        let mut demurrage = 0.0;
        for port in &self.ports {
            for (c, r) in port.berths.iter().enumerate() {
                let term = k.demurrage_per_vessel_h[c] * r.mean_queue_len(now) * window_h;
                delay += term;
                demurrage += term;
            }
        }
        // Laden vessels waiting at the anchorage for room ashore are kept
        // from work as surely as those waiting for a berth.
        for (fi, f) in self.plan.fleets.iter().enumerate() {
            let class = crate::compile::class_index(f.berth_class);
            let term =
                k.demurrage_per_vessel_h[class] * self.costing.waiting_room[fi].integral_hours(now);
            delay += term;
            demurrage += term;
        }
        let delay = per_year(delay);
        let demurrage = per_year(demurrage);
        let shut_in = self.corridor_sum(&self.counters.shut_in);
        let mut lost = k.vessel_lost * self.counters.vessels_lost as f64;
        for (c, t) in tonnes.iter().enumerate() {
            let units = closing.diverted[c] + shut_in[c] + self.counters.cargo_lost[c];
            lost += k.margin_lost_per_t[c] * t * units as f64;
        }
        let lost = per_year(lost);
        [capital, operating, delay, demurrage, lost, capital + operating + delay + lost]
    }
}

/// The position of `part` in [`World::cost_kpis`].
pub(super) fn cost_index(part: CostPart) -> usize {
    CostPart::ALL.iter().position(|p| *p == part).unwrap_or(0)
}
