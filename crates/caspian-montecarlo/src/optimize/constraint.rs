//! Stochastic constraints of `caspian optimize`: `P(KPI OP x) OP p` on the
//! probability that a replication meets a condition, or `KPI OP x` on a
//! KPI's mean, and the one-sided test that decides each portfolio:
//! Clopper-Pearson bounds for probabilities, Garwood (Poisson) bounds for
//! the mean of an event count, Student-t bounds for other means, and no
//! decision on a mean whose replications have not varied.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::intervals::{chi2_quantile, clopper_pearson};
use crate::measure::Measure;
use crate::stats::{mean_var, t_quantile};
use crate::targets::{self, Op, TargetError};

/// A constraint: a measure's mean compared with a bound.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    /// What is measured per replication.
    pub measure: Measure,
    /// The comparison of its mean with `bound`.
    pub op: Op,
    /// The bound, in the measure's unit (a probability for `P(...)`).
    pub bound: f64,
}

/// A `--constraint` that cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--constraint \"{spec}\": {what}")]
pub struct ConstraintError {
    /// The argument given.
    pub spec: String,
    /// What is wrong.
    pub what: String,
}

impl Constraint {
    /// Parses `P(KPI OP x) OP p` or `KPI OP x`.
    ///
    /// # Errors
    /// [`ConstraintError`] saying what is malformed.
    pub fn parse(spec: &str) -> Result<Self, ConstraintError> {
        Self::parse_with(spec, Measure::parse, targets::parse)
    }

    /// [`Constraint::parse`] for a constraint read back from a result
    /// document: the KPI's threshold is not checked against a fraction's
    /// range ([`targets::parse_stored`]); the share after `P(...)` is, as
    /// the optimiser has always required.
    ///
    /// # Errors
    /// As [`Constraint::parse`], but for the range.
    pub fn parse_stored(spec: &str) -> Result<Self, ConstraintError> {
        Self::parse_with(spec, Measure::parse_stored, targets::parse_stored)
    }

    fn parse_with(
        spec: &str,
        measure_of: fn(&str) -> Result<Measure, TargetError>,
        condition_of: fn(&str) -> Result<targets::Condition, TargetError>,
    ) -> Result<Self, ConstraintError> {
        let fail = |what: String| ConstraintError { spec: crate::validate::cap(spec), what };
        // A malformed constraint is shown the two forms; a well-formed one
        // with a wrong value is told only what is wrong.
        let form = |what: &str| {
            fail(format!(
                "{what}; write 'P(KPI OP x) OP p' (e.g. 'P(service_level.wagons>=0.95)>=0.9') or \
                 'KPI OP x' (e.g. 'cost.total_per_year<=2e8')"
            ))
        };
        let s = spec.trim();
        if s.starts_with("P(") {
            let close = s.find(')').ok_or_else(|| form("no ')' closes 'P('"))?;
            let measure = measure_of(&s[..=close]).map_err(|e| match e {
                TargetError::Syntax(_) => form("the condition inside P(...) is not KPI OP NUMBER"),
                e => fail(e.reason()),
            })?;
            let rest = &s[close + 1..];
            let c = targets::parse(&format!("p{rest}"))
                .map_err(|_| form(&format!("\"{rest}\" after P(...) is not OP NUMBER")))?;
            if !(0.0..=1.0).contains(&c.threshold) {
                let percent = if (2.0..=100.0).contains(&c.threshold) {
                    format!(
                        " (a percent? {}% is {})",
                        crate::study::short_number(c.threshold),
                        crate::study::short_number(c.threshold / 100.0)
                    )
                } else {
                    String::new()
                };
                return Err(fail(format!(
                    "the probability {} is not in [0, 1]{percent}",
                    crate::study::short_number(c.threshold)
                )));
            }
            return Ok(Self { measure, op: c.op, bound: c.threshold });
        }
        let c = condition_of(s).map_err(|e| match e {
            TargetError::Syntax(_) => form("not a comparison of a KPI with a number"),
            e => fail(e.reason()),
        })?;
        Ok(Self { measure: Measure::Kpi(c.kpi), op: c.op, bound: c.threshold })
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.measure, self.op.as_str(), crate::study::short_number(self.bound))
    }
}

/// A portfolio's standing on one constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The confidence bound clears the bound.
    Feasible,
    /// The other confidence bound fails it.
    Infeasible,
    /// Neither yet.
    Undecided,
}

/// The test of one constraint on one portfolio's values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Test {
    /// The estimate (mean of the measure; NaN without finite values).
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub estimate: f64,
    /// Its one-sided lower confidence bound at the test's level.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub lower: f64,
    /// Its one-sided upper confidence bound.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub upper: f64,
    /// Replications with a finite value.
    pub n: u64,
    /// The verdict.
    pub verdict: Verdict,
    /// Undecided because the values have not varied and nothing but the
    /// KPI's range bounds a mean with no spread: more replications decide
    /// it only if one of them differs (absent, false, in documents written
    /// before it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_spread: bool,
}

impl Constraint {
    /// Tests the constraint on `values` (one per replication; NaN left
    /// out), each bound holding with probability at least `1 - level`.
    ///
    /// A mean's bounds: for an event count (`incidents`, `detentions`,
    /// `vessels_lost`, [`crate::rare::rare_event_kind`]) the one-sided
    /// Garwood bounds of a Poisson mean, which need no spread and so decide
    /// `vessels_lost<=0.01` once enough loss-free years are seen (where the
    /// counts vary, the wider of those and Student-t's, since a count more
    /// dispersed than Poisson's widens the truth beyond Garwood's); else
    /// Student-t, but only where the replications differ. Values all alike
    /// give a t-interval of no width, which would claim certainty (a loss
    /// that has not happened yet), so then: a KPI the same in every
    /// replication by construction ([`DETERMINISTIC`]) is its value; a
    /// fraction at 1 (or 0) in every replication is at least (at most)
    /// where `P(X = 1)` (`P(X = 0)`) is by Clopper-Pearson, `level^(1/n)`,
    /// since a mean of values in `[0, 1]` is at least the share of 1s;
    /// anything else is bounded only by the KPI's range, and the test stays
    /// undecided unless the range settles it. Every bound is cut to the
    /// KPI's range.
    pub fn test(&self, values: &[f64], level: f64) -> Test {
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let n = finite.len() as u64;
        let (estimate, var) = mean_var(&finite);
        let range = self.measure.range();
        let mut range_only = false;
        let (lower, upper) = if n == 0 {
            (f64::NAN, f64::NAN)
        } else if self.measure.is_probability() {
            let k = finite.iter().filter(|&&v| v > 0.5).count() as u64;
            clopper_pearson(k, n, level)
        } else if n >= 2 && var == 0.0 {
            without_spread(self.measure.kpi(), estimate, n, level).unwrap_or_else(|| {
                range_only = true;
                range.bounds()
            })
        } else if n < 2 {
            range.bounds()
        } else {
            let half = t_quantile(1.0 - level, (n - 1) as f64) * (var / n as f64).sqrt();
            let t = (range.clamp(estimate - half), range.clamp(estimate + half));
            if crate::rare::rare_event_kind(self.measure.kpi()) == Some(true) {
                let g = poisson_bounds(finite.iter().sum(), n, level);
                (t.0.min(g.0), t.1.max(g.1))
            } else {
                t
            }
        };
        let verdict = if n == 0 {
            Verdict::Undecided
        } else {
            // The bound that must clear the threshold, and the one whose
            // failure proves the constraint is not met.
            let (must, other) = match self.op {
                Op::AtLeast | Op::Above => (lower, upper),
                Op::AtMost | Op::Below => (upper, lower),
            };
            if self.op.holds(must, self.bound) {
                Verdict::Feasible
            } else if !self.op.holds(other, self.bound) {
                Verdict::Infeasible
            } else {
                Verdict::Undecided
            }
        };
        let no_spread = range_only && verdict == Verdict::Undecided;
        Test { estimate, lower, upper, n, verdict, no_spread }
    }
}

/// The KPIs the same in every replication by construction (kpis.md): a
/// constraint on one is settled by its value.
pub const DETERMINISTIC: &[&str] = &["cost.capital_per_year"];

/// One-sided bounds on the mean of KPI `kpi` whose `n` replications all
/// gave `value` ([`Constraint::test`]); `None` where only the KPI's range
/// bounds it.
fn without_spread(kpi: &str, value: f64, n: u64, level: f64) -> Option<(f64, f64)> {
    use crate::rare::KpiRange;
    if DETERMINISTIC.contains(&kpi) {
        return Some((value, value));
    }
    if crate::rare::rare_event_kind(kpi) == Some(true) {
        return Some(poisson_bounds(value * n as f64, n, level));
    }
    let share = level.powf(1.0 / n as f64);
    match KpiRange::of(kpi) {
        KpiRange::UnitInterval if value == 1.0 => Some((share, 1.0)),
        KpiRange::UnitInterval if value == 0.0 => Some((0.0, 1.0 - share)),
        _ => None,
    }
}

/// One-sided Garwood bounds, each holding with probability at least
/// `1 - level`, on the mean per replication of a Poisson count that
/// totalled `total` over `n` replications: `χ²(level; 2K) / 2n` (0 when
/// `K = 0`) and `χ²(1 − level; 2K + 2) / 2n`.
fn poisson_bounds(total: f64, n: u64, level: f64) -> (f64, f64) {
    let two_n = 2.0 * n as f64;
    let lower = if total <= 0.0 { 0.0 } else { chi2_quantile(level, 2.0 * total) / two_n };
    (lower, chi2_quantile(1.0 - level, 2.0 * total + 2.0) / two_n)
}

/// The level β of each one-sided feasibility test: `alpha_f` shared out
/// (Bonferroni) over the `k` portfolios screened, the `m` constraints and
/// the looks at `n0`, `2 n0`, ... up to `max`.
pub fn test_level(alpha_f: f64, k: usize, m: usize, n0: u64, max: u64) -> f64 {
    alpha_f / (k as f64 * m as f64 * looks(n0, max).len() as f64)
}

/// The replication counts at which feasibility is looked at: `n0`, then
/// doubling, up to `max` (its length is the number of looks `L`).
pub fn looks(n0: u64, max: u64) -> Vec<u64> {
    let mut out = vec![n0.min(max)];
    while let Some(&last) = out.last() {
        if last >= max {
            break;
        }
        out.push((last * 2).min(max));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms_and_names_the_problem() {
        let c = Constraint::parse("P(service_level.wagons>=0.95)>=0.9").unwrap();
        assert_eq!(c.measure.to_string(), "P(service_level.wagons>=0.95)");
        assert_eq!((c.op, c.bound), (Op::AtLeast, 0.9));
        assert_eq!(c.to_string(), "P(service_level.wagons>=0.95)>=0.9");
        let c = Constraint::parse(" cost.total_per_year <= 2e8").unwrap();
        assert_eq!(c.measure, Measure::Kpi("cost.total_per_year".into()));
        assert_eq!((c.op, c.bound), (Op::AtMost, 2e8));
        for bad in
            ["P(x>=1)", "P(x>=1)>=1.5", "P(x>=1>=0.9", "x", "P(x)>=0.5", "x>=abc", "P(x>=a)>=0.5"]
        {
            let e = Constraint::parse(bad).unwrap_err().to_string();
            assert!(e.starts_with(&format!("--constraint \"{bad}\": ")), "{e}");
            // Only the option the user gave is named.
            assert!(!e.contains("--target"), "{e}");
        }
    }

    #[test]
    fn probability_tests_use_clopper_pearson_and_decide_both_ways() {
        let c = Constraint::parse("P(x>=1)>=0.9").unwrap();
        let all = vec![1.0; 60];
        let t = c.test(&all, 0.01);
        // 60 of 60 at level 0.01: lower = 0.01^(1/60) = 0.9262 > 0.9.
        assert!((t.lower - 0.01_f64.powf(1.0 / 60.0)).abs() < 1e-12);
        assert_eq!(t.verdict, Verdict::Feasible);
        let half: Vec<f64> = (0..60).map(|i| f64::from(i % 2)).collect();
        assert_eq!(c.test(&half, 0.01).verdict, Verdict::Infeasible);
        let t = c.test(&all[..20], 0.01);
        assert_eq!(t.verdict, Verdict::Undecided, "{t:?}");
    }

    #[test]
    fn mean_tests_use_student_t() {
        let c = Constraint::parse("x<=10").unwrap();
        let v = [8.0, 9.0, 10.0, 9.0, 8.0, 9.0];
        let t = c.test(&v, 0.05);
        let (m, var) = mean_var(&v);
        let hw = t_quantile(0.95, 5.0) * (var / 6.0).sqrt();
        assert!((t.upper - (m + hw)).abs() < 1e-12);
        assert_eq!(t.verdict, Verdict::Feasible);
        assert_eq!(Constraint::parse("x<=8").unwrap().test(&v, 0.05).verdict, Verdict::Infeasible);
        assert_eq!(Constraint::parse("x<=9").unwrap().test(&v, 0.05).verdict, Verdict::Undecided);
    }

    /// Replications that have not varied decide nothing by themselves: 20
    /// loss-free years do not show a loss rate below 0.01 a year (at 0.025
    /// a year, 20 in a row come with probability 0.6), nor does a service
    /// level of 1 in every year show one of 0.999. An event count is bounded
    /// as a Poisson mean instead, which takes -ln(level) / n at zero events:
    /// it decides once the years seen are enough.
    #[test]
    fn means_that_never_varied_are_not_decided_by_a_zero_width_interval() {
        let lost = Constraint::parse("vessels_lost<=0.01").unwrap();
        let t = lost.test(&[0.0; 20], 1e-5);
        assert_eq!((t.lower, t.verdict), (0.0, Verdict::Undecided), "{t:?}");
        assert!((t.upper - 1e-5_f64.ln().abs() / 20.0).abs() < 1e-9, "{t:?}");
        let t = lost.test(&[0.0; 2000], 1e-5);
        assert_eq!(t.verdict, Verdict::Feasible, "{t:?}");
        // Sixteen losses in 20 years: not below 0.01 a year, shown so.
        let mut some = [0.0; 20];
        some[..16].fill(1.0);
        assert_eq!(lost.test(&some, 1e-5).verdict, Verdict::Infeasible);
        // A service level at 1 in every year: its mean is at least the share
        // of years at 1, bounded by Clopper-Pearson: 0.01^(1/40) = 0.891.
        // That proves 0.85, not 0.95.
        let t = Constraint::parse("service_level.wagons>=0.85").unwrap().test(&[1.0; 40], 0.01);
        assert!((t.lower - 0.01_f64.powf(1.0 / 40.0)).abs() < 1e-12, "{t:?}");
        assert_eq!((t.upper, t.verdict), (1.0, Verdict::Feasible), "{t:?}");
        let level = Constraint::parse("service_level.wagons>=0.95").unwrap();
        assert_eq!(level.test(&[1.0; 40], 0.01).verdict, Verdict::Undecided);
        assert_eq!(level.test(&[1.0; 100], 0.01).verdict, Verdict::Feasible);
        // At 0 in every year, at most 1 - 0.891.
        let t = Constraint::parse("service_level.wagons>=0.5").unwrap().test(&[0.0; 40], 0.01);
        assert_eq!(t.verdict, Verdict::Infeasible, "{t:?}");
        // Strictly inside the range, nothing is known: undecided both ways.
        let t = level.test(&[0.97; 40], 0.01);
        assert_eq!((t.lower, t.upper, t.verdict), (0.0, 1.0, Verdict::Undecided), "{t:?}");
        // The range alone can settle it.
        let t = Constraint::parse("service_level.wagons<=1").unwrap().test(&[0.97; 40], 0.01);
        assert_eq!(t.verdict, Verdict::Feasible, "{t:?}");
        // Capital is the same in every replication by construction: its value.
        let capital = Constraint::parse("cost.capital_per_year<=2e8").unwrap();
        let t = capital.test(&[1.5e8; 20], 0.01);
        assert_eq!((t.lower, t.upper, t.verdict), (1.5e8, 1.5e8, Verdict::Feasible), "{t:?}");
        assert_eq!(capital.test(&[2.5e8; 20], 0.01).verdict, Verdict::Infeasible);
        // Counts that vary take the wider of Garwood's and Student-t's bounds.
        let counts: Vec<f64> = (0..40).map(|i| if i % 4 == 0 { 3.0 } else { 0.0 }).collect();
        let t = lost.test(&counts, 0.01);
        let g = poisson_bounds(30.0, 40, 0.01);
        let (m, var) = mean_var(&counts);
        let hw = t_quantile(0.99, 39.0) * (var / 40.0).sqrt();
        assert_eq!((t.lower, t.upper), (g.0.min(m - hw).max(0.0), g.1.max(m + hw)), "{t:?}");
        // A lost-cargo cost that never occurred stays open; a bound is cut to
        // the range (a cost is never below 0).
        let cost = Constraint::parse("cost.lost_cargo_per_year<=1000").unwrap();
        assert_eq!(cost.test(&[0.0; 40], 0.01).verdict, Verdict::Undecided);
        let t = cost.test(&[0.0, 0.0, 0.0, 5000.0], 0.05);
        assert_eq!(t.lower, 0.0, "{t:?}");
    }

    #[test]
    fn looks_double_up_to_the_cap() {
        assert_eq!(looks(20, 2000), vec![20, 40, 80, 160, 320, 640, 1280, 2000]);
        assert_eq!(looks(20, 20), vec![20]);
        assert_eq!(looks(10, 30), vec![10, 20, 30]);
    }
}
