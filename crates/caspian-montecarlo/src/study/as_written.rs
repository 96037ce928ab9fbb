//! Warnings about what the scenario as written asks for and the run cannot
//! give: dredging that never takes effect yet is charged, and escorted
//! convoys that can never fill.

use super::{Study, short_number};

impl Study {
    /// Each `[[dredging]]` dated at or after the horizon: it never takes
    /// effect in the run, yet the metres it gains are charged in
    /// `cost.capital_per_year` (the cost model prices the works as
    /// written).
    pub fn dredging_after_horizon(&self) -> Vec<String> {
        let source = &self.plan.source;
        let horizon = source.scenario.horizon_days;
        source
            .dredgings
            .iter()
            .enumerate()
            .filter(|(_, d)| d.day >= horizon)
            .map(|(i, d)| {
                format!(
                    "dredging[{i}] of port {} on day {} is at or after the horizon, day {}: it \
                     never takes effect in the run, yet the metres it gains are charged in \
                     cost.capital_per_year; date it inside the run, or leave it out",
                    d.port,
                    short_number(d.day),
                    short_number(horizon)
                )
            })
            .collect()
    }

    /// With escorts on, a `convoy_size` above the number of escorted
    /// vessels in the whole scenario: no convoy ever fills, so each sails
    /// only when its first vessel has waited `max_wait_h` (and none at all
    /// where that is longer than the run), while `escort_wait_h`, the wait
    /// for an escort, stays 0.
    pub fn convoys_never_fill(&self) -> Option<String> {
        let escort = self.plan.interdiction.escort?;
        let vessels: u64 =
            self.plan.fleets.iter().filter(|f| f.escorted).map(|f| u64::from(f.count)).sum();
        if vessels >= u64::from(escort.convoy_size) {
            return None;
        }
        let wait_h = escort.max_wait.as_hours_f64();
        let run_h = self.plan.horizon.as_hours_f64();
        let outcome = if wait_h >= run_h {
            "longer than the run: no escorted vessel ever sails".to_string()
        } else {
            "each convoy sails only when its first vessel has waited that long".to_string()
        };
        Some(format!(
            "interdiction.escort.convoy_size is {}, but the escorted fleets have {vessels} \
             vessel(s) in all: no convoy ever fills, so it waits max_wait_h ({} h), {outcome}; \
             this wait is not escort_wait_h (the wait for a free escort), which stays 0",
            escort.convoy_size,
            short_number(wait_h)
        ))
    }
}
