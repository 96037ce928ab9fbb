//! Warnings about what the scenario as written asks for and the run cannot
//! give: dredging that never takes effect (yet is charged where it
//! deepens), escorted convoys that can never fill, and paired recoveries
//! with no disruption to pair.

use caspian_engine::SimTime;
use caspian_shipping::Scenario;

use super::{Study, short_number};

impl Study {
    /// Each `[[dredging]]` dated at or after the horizon: it never takes
    /// effect in the run, yet the metres it gains over the depth before it
    /// are charged in `cost.capital_per_year` (the cost model prices the
    /// works as written; silting, a loss of depth, costs nothing).
    pub fn dredging_after_horizon(&self) -> Vec<String> {
        let source = &self.plan.source;
        let horizon = source.scenario.horizon_days;
        source
            .dredgings
            .iter()
            .enumerate()
            .filter(|(_, d)| d.day >= horizon)
            .map(|(i, d)| {
                let gain = d.depth_m - self.depth_before(&d.port, d.day);
                let charged = if gain > 0.0 {
                    format!(
                        ", yet the {} m it gains are charged in cost.capital_per_year",
                        short_number((gain * 1000.0).round() / 1000.0)
                    )
                } else {
                    String::new()
                };
                format!(
                    "dredging[{i}] of port {} on day {} is at or after the horizon, day {}: it \
                     never takes effect in the run{charged}; date it inside the run, or leave \
                     it out",
                    d.port,
                    short_number(d.day),
                    short_number(horizon)
                )
            })
            .collect()
    }

    /// `scenario.paired_recovery = true` in a scenario with no disruption
    /// (none in the file, nor at any design point): there is no recovery
    /// to pair, and the setting is ignored.
    pub fn paired_without_disruptions(&self) -> Option<String> {
        let source = &self.plan.source;
        let none = source.disruptions.is_empty();
        (source.scenario.paired_recovery && none).then(|| {
            "scenario.paired_recovery = true, but the scenario has no [[disruption]]: there is \
             no recovery to pair, so it is ignored (no twin runs, no recovery_paired_days)"
                .to_string()
        })
    }

    /// With escorts on, a port whose convoy can never fill: the escorted
    /// vessels that call there (of the fleets it is the origin or the
    /// destination of) are fewer than `convoy_size`, so each of its convoys
    /// sails only when its first vessel has waited `max_wait_h` (none at
    /// all where that is longer than the run). Looked at every design point
    /// of a sweep (counts and escorts can be axes): the first where it is.
    pub fn convoys_never_fill(&self) -> Option<String> {
        let (point, why) = self.points.iter().enumerate().find_map(|(p, point)| {
            let written = self.written(&point.values)?;
            Some((p, short_ports(&written)?))
        })?;
        Some(if self.axes.is_empty() {
            why
        } else {
            format!("at design point {point} first, {why}")
        })
    }
}

impl Study {
    /// The depth port `port` has just before `day`, as the model and the
    /// cost model read it from the compiled plan (`DraftPlan`): that of the
    /// last `[[dredging]]` of it before then, else its `depth_m`. NaN for a
    /// port that is not in the plan (a valid scenario has none).
    fn depth_before(&self, port: &str, day: f64) -> f64 {
        let plan = &self.plan;
        let Some(p) = plan.source.ports.iter().position(|q| q.id == port) else {
            return f64::NAN;
        };
        let t = SimTime::try_from_days_f64(day).unwrap_or(SimTime::ZERO);
        plan.draft.depth_before_m(p, t)
    }
}

/// The warning for scenario `s` where escorts are on and some port's
/// convoy can never fill, naming those ports; `None` otherwise, and where
/// a convoy never waits (`max_wait_h = 0`) or no vessel is escorted (which
/// the warning on escorts that protect nothing covers).
fn short_ports(s: &Scenario) -> Option<String> {
    let escort = &s.interdiction.escort;
    if !escort.enabled || escort.max_wait_h <= 0.0 {
        return None;
    }
    let size = u64::from(escort.convoy_size);
    let calling = |port: &str| -> u64 {
        s.fleets
            .iter()
            .filter(|f| escort.escorts(&f.id) && (f.origin == port || f.destination == port))
            .map(|f| u64::from(f.count))
            .sum()
    };
    let short: Vec<String> = s
        .ports
        .iter()
        .map(|p| (p, calling(&p.id)))
        .filter(|&(_, n)| n > 0 && n < size)
        .map(|(p, n)| format!("{} ({n})", p.id))
        .collect();
    if short.is_empty() {
        return None;
    }
    let wait = short_number(escort.max_wait_h);
    let outcome = if escort.max_wait_h >= 24.0 * s.scenario.horizon_days {
        "longer than the run: an escorted vessel there never sails"
    } else {
        "each of its convoys sails only when its first vessel has waited that long"
    };
    Some(format!(
        "interdiction.escort.convoy_size is {}, more than the escorted vessels that call at {}: \
         a convoy there never fills, so it waits max_wait_h ({wait} h), {outcome}; this wait is \
         not counted in escort_wait_h, which counts only the wait for a free escort (it is in \
         convoy_wait_h)",
        escort.convoy_size,
        short.join(", ")
    ))
}
