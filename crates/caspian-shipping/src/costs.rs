//! The cost model: annuities, the annualised capital of a plan, and the
//! resolved cost rates the cost KPIs are computed with.
//!
//! The scenario's `[costs]` section ([`crate::scenario::Costs`]) is checked
//! and resolved by `compile/costs.rs` into a [`CostPlan`]; capital is a
//! deterministic function of the plan, computed once there. A year is the
//! simulated calendar's year of [`DAYS_PER_YEAR`] days, as for every other
//! per-year figure. `docs/model.md` ("Costs") says how each cost KPI is
//! computed.

use crate::scenario::Cargo;
use crate::timeline::DAYS_PER_YEAR;

/// Present value of 1 paid at the end of each of `years` years, discounted
/// at `rate` per year: `(1 - (1 + rate)^-years) / rate`, or `years` when
/// `rate` is 0. Computed with `ln_1p`/`exp_m1`, so accurate for rates near 0.
/// `rate` must be above -1.
pub fn annuity_factor(rate: f64, years: f64) -> f64 {
    if rate == 0.0 { years } else { -(-years * rate.ln_1p()).exp_m1() / rate }
}

/// The capital recovery factor: the equal yearly payment over `life` years
/// that repays 1 borrowed at `rate` (`1 / annuity_factor(rate, life)`).
pub fn capital_recovery_factor(rate: f64, life: f64) -> f64 {
    1.0 / annuity_factor(rate, life)
}

/// The terms of an appraisal: currency, discount rate and horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct CostBasis {
    /// The currency of every amount (the unit of the cost KPIs is
    /// `<currency>/yr`).
    pub currency: String,
    /// Real discount rate per year.
    pub discount_rate: f64,
    /// The horizon of net present values, in years.
    pub appraisal_years: f64,
}

/// The cost model of a compiled scenario: capital annualised once, and the
/// rates the model's counters are priced at.
#[derive(Debug, Clone, PartialEq)]
pub struct CostPlan {
    /// Currency, discount rate, appraisal horizon.
    pub basis: CostBasis,
    /// The price of every berth, owned vessel, storage capacity, priced
    /// link capacity, dredged metre and escort vessel, all together and
    /// undiscounted: the capital outlay of building them all.
    pub capital: f64,
    /// Annualised capital of the same: each kind's price times its
    /// capital recovery factor over its life.
    pub capital_per_year: f64,
    /// Operating costs that do not depend on the run: berth-years and
    /// charter hire, per year.
    pub fixed_operating_per_year: f64,
    /// Per fleet (plan order): cost per vessel-day sailing.
    pub at_sea_per_day: Vec<f64>,
    /// Per fleet (plan order): cost per vessel-day not sailing.
    pub in_port_per_day: Vec<f64>,
    /// Per escorted convoy that sails.
    pub escort_sortie: f64,
    /// Per tonne-hour of cargo delay, by [`Cargo::index`].
    pub value_of_time_per_t_h: [f64; Cargo::COUNT],
    /// Per vessel-hour at an anchorage waiting for a berth (or, laden, for
    /// room ashore), by berth class index.
    pub demurrage_per_vessel_h: [f64; 4],
    /// Per tonne diverted, shut in or lost at sea, by [`Cargo::index`].
    pub margin_lost_per_t: [f64; Cargo::COUNT],
    /// Per vessel lost.
    pub vessel_lost: f64,
}

/// Days of charter hire per year (the simulated year).
pub const CHARTER_DAYS_PER_YEAR: f64 = DAYS_PER_YEAR as f64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annuity_factor_matches_hand_values() {
        // 10 years at 8%: sum of 1.08^-k for k = 1..10.
        let by_sum: f64 = (1..=10).map(|k| 1.08_f64.powi(-k)).sum();
        assert!((annuity_factor(0.08, 10.0) - by_sum).abs() < 1e-12);
        assert!((annuity_factor(0.08, 10.0) - 6.710_081_4).abs() < 1e-7);
        // Zero rate: the number of years; a tiny rate is close to it.
        assert_eq!(annuity_factor(0.0, 25.0), 25.0);
        assert!((annuity_factor(1e-12, 25.0) - 25.0).abs() < 1e-8);
        // One year: 1 / (1 + r).
        assert!((annuity_factor(0.05, 1.0) - 1.0 / 1.05).abs() < 1e-15);
    }

    #[test]
    fn capital_recovery_factor_matches_hand_values() {
        // 40 years at 8%: 0.08 / (1 - 1.08^-40) = 0.083860...
        let crf = capital_recovery_factor(0.08, 40.0);
        assert!((crf - 0.08 / (1.0 - 1.08_f64.powi(-40))).abs() < 1e-15);
        assert!((crf - 0.083_860_2).abs() < 1e-7);
        // Zero rate: straight-line repayment.
        assert_eq!(capital_recovery_factor(0.0, 20.0), 0.05);
        // A negative real rate still repays more than nothing per year.
        assert!(capital_recovery_factor(-0.02, 10.0) < 0.1);
    }
}
