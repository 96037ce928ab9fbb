//! A quantity measured once per replication: a KPI by name, or whether a
//! replication meets a condition on one, written `P(KPI OP NUMBER)`.
//!
//! The mean of a [`Measure::Probability`] column (ones and zeros) is the
//! probability that a replication meets the condition, so rankings, Pareto
//! views, constraints and paired differences treat both kinds alike.
//! Replications in which the KPI is undefined (NaN) give NaN in either kind,
//! but for one case: a recovery time left undefined by an episode that never
//! recovered is marked apart by [`censored`], for the tables that count it,
//! and a probability on it counts it as never recovering
//! ([`Measure::column`]).

use std::fmt;

use crate::rare::KpiRange;
use crate::records::PointRecords;
use crate::schema::unrecovered_of;
use crate::select::NoMatch;
use crate::stats::Summary;
use crate::targets::{self, Condition, TargetError};

/// A per-replication quantity: `cost.total_per_year` or
/// `P(service_level.wagons>=0.95)`.
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    /// The KPI's value.
    Kpi(String),
    /// 1 when the replication meets the condition, 0 when not.
    Probability(Condition),
}

impl Measure {
    /// Parses `KPI` or `P(KPI OP NUMBER)` (spaces around the parts allowed).
    ///
    /// # Errors
    /// [`TargetError`] when the condition inside `P(...)` is malformed, or
    /// when a plain KPI name is empty or holds a comparison.
    pub fn parse(spec: &str) -> Result<Measure, TargetError> {
        Self::parse_with(spec, targets::parse)
    }

    /// [`Measure::parse`] for a measure read back from a result document:
    /// the condition of a `P(...)` is not checked against a fraction's
    /// range ([`targets::parse_stored`]).
    ///
    /// # Errors
    /// As [`Measure::parse`], but for the range.
    pub fn parse_stored(spec: &str) -> Result<Measure, TargetError> {
        Self::parse_with(spec, targets::parse_stored)
    }

    fn parse_with(
        spec: &str,
        condition: fn(&str) -> Result<Condition, TargetError>,
    ) -> Result<Measure, TargetError> {
        let s = spec.trim();
        if let Some(inner) = s.strip_prefix("P(").and_then(|r| r.strip_suffix(')')) {
            return condition(inner).map(Measure::Probability);
        }
        if s.is_empty() || s.contains(['<', '>', '=', '(', ')', ',']) {
            return Err(TargetError::Syntax(crate::validate::cap(spec)));
        }
        Ok(Measure::Kpi(s.to_string()))
    }

    /// The KPI it reads.
    pub fn kpi(&self) -> &str {
        match self {
            Measure::Kpi(k) => k,
            Measure::Probability(c) => &c.kpi,
        }
    }

    /// Whether it is a probability (values 0 or 1, mean in `[0, 1]`).
    pub fn is_probability(&self) -> bool {
        matches!(self, Measure::Probability(_))
    }

    /// Checks that the KPI it reads is one of `kpis`; `option` names the
    /// command-line option in the error.
    ///
    /// # Errors
    /// [`NoMatch`] with the closest names.
    pub fn check(&self, kpis: &[String], option: &str) -> Result<(), NoMatch> {
        let kpi = self.kpi();
        if kpis.iter().any(|k| k == kpi) {
            return Ok(());
        }
        Err(NoMatch::one_kpi(option, kpi, kpis))
    }

    /// The values its mean and interval can take: `[0, 1]` for a
    /// probability, the KPI's range ([`KpiRange::of`]) for a KPI.
    pub fn range(&self) -> KpiRange {
        match self {
            Measure::Kpi(k) => KpiRange::of(k),
            Measure::Probability(_) => KpiRange::UnitInterval,
        }
    }

    /// The summary of its `values` as documents report it: a KPI's
    /// interval within [`range`](Self::range), as
    /// [`crate::rare::kpi_summary`] cuts a KPI's; a probability's the
    /// Wilson score interval ([`crate::intervals::wilson`]), as `run
    /// --target` and the Pareto view report one (a Student-t interval on
    /// 0/1 values is `[1, 1]` after 20 successes in 20, which claims
    /// certainty), and no percentiles (NaN), which of 0s and 1s mean
    /// nothing.
    pub fn summary(&self, values: &[f64]) -> Summary {
        let mut summary = self.range().clip(Summary::of(values));
        if let Measure::Probability(_) = self {
            let met = values.iter().filter(|&&v| v.is_finite() && v > 0.5).count() as u64;
            (summary.ci95_low, summary.ci95_high) = crate::intervals::wilson(met, summary.n);
            // A replication meets the condition or does not: percentiles of
            // its 0s and 1s (a "P5" of 0.45 between them) mean nothing.
            (summary.p05, summary.p50, summary.p95) = (f64::NAN, f64::NAN, f64::NAN);
        }
        summary
    }

    /// Its value in one replication, from the KPI's value there.
    pub fn of(&self, kpi_value: f64) -> f64 {
        match self {
            Measure::Kpi(_) => kpi_value,
            Measure::Probability(_) if kpi_value.is_nan() => f64::NAN,
            Measure::Probability(c) => f64::from(u8::from(c.op.holds(kpi_value, c.threshold))),
        }
    }

    /// Its values in every replication of `records`, in replication order
    /// (NaN throughout when the KPI is absent).
    ///
    /// A probability on a recovery time counts a replication whose episode
    /// had not recovered by the horizon ([`censored`]) at its worse end, as
    /// never recovering: it fails `recovery_days.x<=10` and meets
    /// `recovery_days.x>=30`. Left out, the slowest recoveries would vanish
    /// and flatter the scenario; counted so, its mean is the lower end of
    /// what `run --target` reports for the same condition (which gives
    /// both ends) where the condition asks for a quick recovery. A KPI's own
    /// column keeps them NaN (a mean of +inf says nothing).
    pub fn column(&self, records: &PointRecords) -> Vec<f64> {
        let values = match self {
            Measure::Kpi(k) => records.column_named(k),
            Measure::Probability(c) => censored(records, &c.kpi),
        };
        values.into_iter().map(|v| self.of(v)).collect()
    }
}

/// `kpi`'s values in every replication of `records`, with a recovery time
/// (`recovery_days.<id>`, `recovery_paired_days.<id>`) that is undefined
/// because an episode had not recovered by the horizon (its `unrecovered`
/// KPI, [`unrecovered_of`], above 0) marked +inf: it is known only to
/// exceed the time left after the episode, which may be shorter than any
/// threshold asked about, so a condition on it is undecided. Counting it
/// apart (`run --target`, the charts) keeps it from vanishing among the
/// replications where no episode ended. Undefined otherwise, it stays
/// NaN. Other KPIs are as recorded.
pub fn censored(records: &PointRecords, kpi: &str) -> Vec<f64> {
    let values = records.column_named(kpi);
    match unrecovered_of(kpi) {
        Some(u) => censor(values, &records.column_named(&u)),
        None => values,
    }
}

/// `values` with each NaN whose `unrecovered` count (same replication) is
/// above 0 made +inf ([`censored`]).
pub fn censor(mut values: Vec<f64>, unrecovered: &[f64]) -> Vec<f64> {
    for (v, &u) in values.iter_mut().zip(unrecovered) {
        if v.is_nan() && u > 0.0 {
            *v = f64::INFINITY;
        }
    }
    values
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Measure::Kpi(k) => f.write_str(k),
            Measure::Probability(c) => write!(f, "P({c})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A recovery time left undefined by an episode that never recovered is
    /// known only to exceed the time left: a target leaves it out of `n`
    /// but counts it, bounding the probability over every replication; a
    /// `P(...)` column counts it at its worse end (optimize refuses it).
    #[test]
    fn an_unrecovered_episode_is_counted_apart() {
        let names = ["recovery_days.x".to_string(), "unrecovered.x".to_string()];
        let nan = f64::NAN;
        let records = PointRecords::from_columns(
            &names,
            &[vec![3.0, nan, nan, 20.0], vec![0.0, 1.0, 0.0, 0.0]],
        );
        let marked = censored(&records, "recovery_days.x");
        assert_eq!((marked[0], marked[1]), (3.0, f64::INFINITY));
        assert!(marked[2].is_nan());
        let target = crate::targets::parse("recovery_days.x<=10").unwrap();
        let p = crate::targets::probability(&target, &records);
        assert_eq!((p.n, p.unrecovered, p.p_meet), (2, 1, 0.5));
        assert_eq!(p.bounds(), Some((1.0 / 3.0, 2.0 / 3.0)));
        // In a ranking or a Pareto view it counts at its worse end: not
        // recovered within 10 days, recovered in 30 days or more.
        let within = Measure::parse("P(recovery_days.x<=10)").unwrap();
        let col = within.column(&records);
        assert_eq!((col[0], col[1], col[3]), (1.0, 0.0, 0.0));
        assert!(col[2].is_nan(), "no episode ended: left out");
        let slow = Measure::parse("P(recovery_days.x>=30)").unwrap().column(&records);
        assert_eq!((slow[0], slow[1], slow[3]), (0.0, 1.0, 0.0));
        // The days themselves stay undefined (NaN), as recorded.
        assert!(Measure::parse("recovery_days.x").unwrap().column(&records)[1].is_nan());
        // Without the count in the records, nothing is known: left out.
        let alone = PointRecords::from_columns(&names[..1], &[vec![3.0, nan]]);
        let p = crate::targets::probability(&target, &alone);
        assert_eq!((p.n, p.unrecovered, p.bounds()), (1, 0, None));
    }

    /// Intervals are cut to what the measure can be, as a run's are: a
    /// t-interval of a skewed cost reaches below zero; a probability gets
    /// a Wilson interval, which stays within [0, 1] by construction.
    #[test]
    fn summaries_keep_their_intervals_within_the_range() {
        let cost = Measure::parse("cost.lost_cargo_per_year").unwrap();
        let values = [0.0, 0.0, 0.0, 5000.0];
        assert!(Summary::of(&values).ci95_low < 0.0, "the raw interval reaches below zero");
        let s = cost.summary(&values);
        assert_eq!((s.ci95_low, s.mean), (0.0, 1250.0));
        let p = Measure::parse("P(service_level.wagons>=0.95)").unwrap();
        let ones = [1.0, 1.0, 1.0, 0.0];
        assert!(Summary::of(&ones).ci95_high > 1.0, "the raw interval reaches above one");
        let s = p.summary(&ones);
        assert_eq!((s.ci95_low, s.ci95_high), crate::intervals::wilson(3, 4));
        // All met: a Wilson interval, not the t-interval's [1, 1] of certainty.
        let all = p.summary(&[1.0; 20]);
        assert_eq!(all.ci95_high, 1.0);
        assert!((all.ci95_low - 0.8389).abs() < 1e-4, "{}", all.ci95_low);
        // Replications without a value are left out of n and of the count.
        let some = p.summary(&[1.0, f64::NAN, 0.0]);
        assert_eq!(some.n, 2);
        assert_eq!((some.ci95_low, some.ci95_high), crate::intervals::wilson(1, 2));
        // A KPI with no family keeps its interval.
        let free = Measure::parse("no_such_kpi").unwrap();
        assert!(free.summary(&[-1.0, 1.0]).ci95_low < -1.0);
    }

    #[test]
    fn parses_kpis_and_probabilities_and_round_trips() {
        let m = Measure::parse(" cost.total_per_year ").unwrap();
        assert_eq!(m, Measure::Kpi("cost.total_per_year".into()));
        assert!(!m.is_probability());
        let p = Measure::parse("P(service_level.wagons >= 0.95)").unwrap();
        assert_eq!(p.kpi(), "service_level.wagons");
        assert!(p.is_probability());
        assert_eq!(p.to_string(), "P(service_level.wagons>=0.95)");
        assert_eq!(Measure::parse(&p.to_string()).unwrap(), p);
        for bad in ["", "x>=1", "P(x)", "P(x>=)", "P(x>=1", "a,b"] {
            assert!(Measure::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_probability_column_is_an_indicator_and_keeps_nan() {
        let r = PointRecords::single_kpi(&[0.9, 0.96, f64::NAN, 0.95]);
        let p = Measure::parse("P(x>=0.95)").unwrap();
        let col = p.column(&r);
        assert_eq!(&col[..2], &[0.0, 1.0]);
        assert!(col[2].is_nan());
        assert_eq!(col[3], 1.0);
        assert_eq!(Measure::Kpi("x".into()).column(&r)[1], 0.96);
        assert!(Measure::Kpi("y".into()).check(&["x".into()], "--pareto").is_err());
        assert!(p.check(&["x".into()], "--pareto").is_ok());
    }
}
