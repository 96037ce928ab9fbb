//! Statistics that respect a KPI's range, and the rare-event report.
//!
//! - **Range.** Every KPI of a family whose kind is count, amount or
//!   duration is non-negative; a ratio or probability lies in `[0, 1]`.
//!   The Student-t interval for the mean is intersected with that range
//!   ([`KpiRange::clip`]): the true mean lies in the range, so the
//!   intersection covers it whenever the t-interval does, and the coverage
//!   is unchanged. Paired differences are signed and never clipped.
//! - **Rare events.** For the loss and incident counts, and the cargo lost,
//!   which are zero in most replications, the summary also reports the
//!   probability that a replication sees at least one (Wilson score
//!   interval) and, for counts, the mean number per replication with the
//!   Garwood exact Poisson interval ([`RareEvents`]).

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use crate::intervals;
use crate::schema::{self, KpiKind};
use crate::stats::Summary;

/// The values a KPI can take, from its family's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiRange {
    /// Any real number (a KPI with no family, or money that may be negative).
    Unbounded,
    /// `[0, ∞)`: counts, amounts, durations and costs (`cost.*_per_year`:
    /// sums of amounts `[costs]` requires to be non-negative).
    NonNegative,
    /// `[0, 1]`: ratios and probabilities.
    UnitInterval,
}

impl KpiRange {
    /// The range of the KPI `name`.
    pub fn of(name: &str) -> Self {
        Self::of_family(schema::family_of(name))
    }

    /// The range of a KPI of `family` (`None`: a name with no family).
    fn of_family(family: Option<&schema::KpiFamily>) -> Self {
        if family.is_some_and(|f| f.unit == schema::Unit::MoneyPerYear) {
            return Self::NonNegative;
        }
        match family.map(|f| f.kind) {
            Some(KpiKind::Count | KpiKind::Amount | KpiKind::Duration) => Self::NonNegative,
            Some(KpiKind::Ratio | KpiKind::Probability) => Self::UnitInterval,
            _ => Self::Unbounded,
        }
    }

    /// The lowest and highest value in the range.
    pub fn bounds(self) -> (f64, f64) {
        match self {
            Self::Unbounded => (f64::NEG_INFINITY, f64::INFINITY),
            Self::NonNegative => (0.0, f64::INFINITY),
            Self::UnitInterval => (0.0, 1.0),
        }
    }

    /// `x` moved into the range; NaN stays NaN.
    pub fn clamp(self, x: f64) -> f64 {
        let (lo, hi) = self.bounds();
        if x < lo {
            lo
        } else if x > hi {
            hi
        } else {
            x
        }
    }

    /// `s` with its confidence interval intersected with the range.
    pub fn clip(self, s: Summary) -> Summary {
        Summary { ci95_low: self.clamp(s.ci95_low), ci95_high: self.clamp(s.ci95_high), ..s }
    }
}

/// The KPI families with a rare-event report, and whether their values are
/// event counts (which also get a Poisson rate).
pub const RARE_EVENT_FAMILIES: &[(&str, bool)] = &[
    ("incidents", true),
    ("detentions", true),
    ("vessels_lost", true),
    ("vessels_lost.<fleet>", true),
    ("vessels_missing_at_start", false),
    ("cargo_lost.<cargo>", false),
];

/// Whether `name` gets a rare-event report, and if so whether it is an
/// event count.
pub fn rare_event_kind(name: &str) -> Option<bool> {
    rare_event_kind_of(schema::family_of(name)?)
}

/// [`rare_event_kind`] of a KPI of `family`.
fn rare_event_kind_of(family: &schema::KpiFamily) -> Option<bool> {
    RARE_EVENT_FAMILIES.iter().find(|(p, _)| *p == family.pattern).map(|&(_, count)| count)
}

/// How often a rare event occurs over the replications (95% intervals).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RareEvents {
    /// Replications whose value is above zero (at least one event, or some
    /// cargo lost).
    pub with_event: u64,
    /// `with_event / n`: the probability that a replication sees one.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub p_any: f64,
    /// Lower end of its Wilson score interval.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub p_any_ci95_low: f64,
    /// Upper end.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub p_any_ci95_high: f64,
    /// For event counts, the mean number per replication (per reporting
    /// window) with its Garwood exact Poisson interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<PoissonRate>,
}

/// A Poisson rate per replication from a total count.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PoissonRate {
    /// Events over all replications.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub events: f64,
    /// `events / n`.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub per_replication: f64,
    /// Lower end of the Garwood interval.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub ci95_low: f64,
    /// Upper end.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub ci95_high: f64,
}

impl RareEvents {
    /// The report over the finite values of `values`; with `count`, the
    /// Poisson rate too. `None` when no value is finite.
    pub fn of(values: &[f64], count: bool) -> Option<Self> {
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let n = finite.len() as u64;
        if n == 0 {
            return None;
        }
        let with_event = finite.iter().filter(|&&v| v > 0.0).count() as u64;
        let (p_any_ci95_low, p_any_ci95_high) = intervals::wilson(with_event, n);
        let rate = count.then(|| {
            let events: f64 = finite.iter().map(|v| v.max(0.0)).sum();
            let (ci95_low, ci95_high) = intervals::garwood(events, n);
            PoissonRate { events, per_replication: events / n as f64, ci95_low, ci95_high }
        });
        Some(Self {
            with_event,
            p_any: with_event as f64 / n as f64,
            p_any_ci95_low,
            p_any_ci95_high,
            rate,
        })
    }

    /// Checks a report read from a document, for a summary of `n` values.
    ///
    /// # Errors
    /// A sentence saying what is inconsistent.
    pub fn check(&self, n: u64) -> Result<(), String> {
        if self.with_event > n {
            return Err(format!("with_event {} is above n {n}", self.with_event));
        }
        let ordered = |lo: f64, mid: f64, hi: f64| lo <= mid && mid <= hi;
        let unit = |x: f64| (0.0..=1.0).contains(&x);
        let p = [self.p_any_ci95_low, self.p_any, self.p_any_ci95_high];
        if !(p.iter().all(|&x| unit(x)) && ordered(p[0], p[1], p[2])) {
            return Err(format!("p_any interval {p:?} is not ordered within [0, 1]"));
        }
        // What [`Self::of`] would have written for these counts: the file
        // holds the numbers it was computed from, so a hand-edited share or
        // interval shows. The shares exactly (a division); the interval ends
        // to 1e-6, so that a refinement of the interval code in a later
        // version does not refuse the documents of this one.
        let share_same = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1e-12);
        let end_same = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs().max(1e-6);
        let (low, high) = intervals::wilson(self.with_event, n);
        let share = self.with_event as f64 / n as f64;
        if !(share_same(p[1], share) && end_same(p[0], low) && end_same(p[2], high)) {
            return Err(format!(
                "p_any interval {p:?} is not {share} with its Wilson interval [{low}, {high}] \
                 for {} of {n} replications; the file is damaged",
                self.with_event
            ));
        }
        if let Some(r) = &self.rate {
            let v = [r.ci95_low, r.per_replication, r.ci95_high];
            if !(r.events >= 0.0 && v[0] >= 0.0 && ordered(v[0], v[1], v[2])) {
                return Err(format!(
                    "rate {v:?} from {} events is not an ordered non-negative interval",
                    r.events
                ));
            }
            let (low, high) = intervals::garwood(r.events, n);
            let per = r.events / n as f64;
            if !(share_same(v[1], per) && end_same(v[0], low) && end_same(v[2], high)) {
                return Err(format!(
                    "rate {v:?} is not {per} with its Garwood interval [{low}, {high}] for {} \
                     events over {n} replications; the file is damaged",
                    r.events
                ));
            }
        }
        Ok(())
    }
}

/// Reads an optional rare-event report, naming the field at fault inside
/// it (`rare.rate.ci95_high: invalid type ...`): a summary is flattened
/// into its KPI's entry, and serde keeps no path inside flattened fields.
///
/// # Errors
/// When the value is not a rare-event report or `null`.
pub fn deserialize_named<'de, D: Deserializer<'de>>(d: D) -> Result<Option<RareEvents>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    serde_path_to_error::deserialize(value)
        .map_err(|e| D::Error::custom(format!("rare.{}: {}", e.path(), e.inner())))
}

/// The summary of the KPI `name` over `values` as documents report it: the
/// interval within the KPI's range, and the rare-event report where the
/// family has one.
pub fn kpi_summary(name: &str, values: &[f64]) -> Summary {
    // One family lookup for both facts: a long monthly series has thousands
    // of names (issue 18).
    let family = schema::family_of(name);
    let s = KpiRange::of_family(family).clip(Summary::of(values));
    let rare = family.and_then(rare_event_kind_of);
    Summary { rare: rare.and_then(|count| RareEvents::of(values, count)), ..s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rare_event_family_is_in_the_schema() {
        for (pattern, _) in RARE_EVENT_FAMILIES {
            assert!(schema::FAMILIES.iter().any(|f| f.pattern == *pattern), "{pattern}");
        }
        assert_eq!(rare_event_kind("vessels_lost"), Some(true));
        assert_eq!(rare_event_kind("cargo_lost.oil"), Some(false));
        assert_eq!(rare_event_kind("delivered_total.oil"), None);
    }

    #[test]
    fn intervals_are_clipped_to_the_range_and_nan_stays() {
        // Two utilizations far apart: the t-interval runs outside [0, 1].
        let s = kpi_summary("vessel_utilization.tankers", &[0.1, 0.9]);
        assert_eq!((s.ci95_low, s.ci95_high), (0.0, 1.0));
        let s = kpi_summary("cargo_lost.oil", &[0.0, 0.0, 0.0, 5000.0]);
        assert_eq!(s.ci95_low, 0.0);
        assert!(s.ci95_high > s.mean);
        let one = kpi_summary("cargo_lost.oil", &[3.0]);
        assert!(one.ci95_low.is_nan() && one.ci95_high.is_nan());
        // A KPI with no family is left alone.
        let free = kpi_summary("no_such_family", &[-1.0, 1.0]);
        assert!(free.ci95_low < -1.0);
    }

    #[test]
    fn a_short_baseline_run_reports_every_interval_within_its_range() {
        use crate::run::{RunOutcome, run};
        let study = crate::study::Study::single(crate::BASELINE_TOML, "baseline", Some(7)).unwrap();
        let RunOutcome::Whole { doc, .. } = run(&study, 2, None, None, &|| {}, None).unwrap()
        else {
            panic!("not whole")
        };
        let mut clipped = 0;
        for (name, s) in &doc.kpis {
            let kind = schema::family_of(name).map(|f| f.kind);
            let (lo, hi) = match kind {
                Some(KpiKind::Ratio | KpiKind::Probability) => (0.0, 1.0),
                Some(KpiKind::Count | KpiKind::Amount | KpiKind::Duration) => (0.0, f64::INFINITY),
                _ => continue,
            };
            for v in [s.ci95_low, s.ci95_high].into_iter().filter(|v| !v.is_nan()) {
                assert!((lo..=hi).contains(&v), "{name}: {v} outside [{lo}, {hi}]");
            }
            clipped += usize::from(s.ci95_low == lo || s.ci95_high == hi);
            assert_eq!(s.rare.is_some(), rare_event_kind(name).is_some(), "{name}");
        }
        // Two replications: many t-intervals reached past a bound.
        assert!(clipped > 5, "{clipped} intervals at a bound");
    }

    #[test]
    fn errors_inside_the_report_name_their_field() {
        let s = kpi_summary("vessels_lost", &[0.0, 1.0]);
        let mut v = serde_json::to_value(s).unwrap();
        v["rare"]["rate"]["ci95_high"] = serde_json::json!("x");
        let e = serde_json::from_value::<Summary>(v).unwrap_err().to_string();
        assert!(e.starts_with("rare.rate.ci95_high: invalid type"), "{e}");
        let back: Summary = serde_json::from_value(serde_json::to_value(s).unwrap()).unwrap();
        assert_eq!(back.rare, s.rare);
    }

    #[test]
    fn rare_event_report_of_losses() {
        // No loss in 10 replications: P(any) in [0, 0.2775], rate in [0, 0.3689].
        let s = kpi_summary("vessels_lost", &[0.0; 10]);
        let r = s.rare.unwrap();
        assert_eq!((r.with_event, r.p_any, r.p_any_ci95_low), (0, 0.0, 0.0));
        assert!((r.p_any_ci95_high - 0.277_533_6).abs() < 1e-6);
        let rate = r.rate.unwrap();
        assert_eq!((rate.events, rate.ci95_low), (0.0, 0.0));
        assert!((rate.ci95_high - 0.368_887_945).abs() < 1e-8);
        assert!(r.check(10).is_ok());
        // Over another n, the same counts give other intervals.
        assert!(r.check(9).is_err() && r.check(0).is_err());
        // Two losses, one replication with two: 1 of 4 replications, 2 events.
        let r = RareEvents::of(&[0.0, 2.0, 0.0, f64::NAN, 0.0], true).unwrap();
        assert_eq!((r.with_event, r.rate.unwrap().events), (1, 2.0));
        assert!(RareEvents::of(&[1.0], false).unwrap().rate.is_none());
        assert!(RareEvents::of(&[f64::NAN], true).is_none());
        let bad = RareEvents { with_event: 3, ..r };
        assert!(bad.check(2).is_err());
        let bad = RareEvents { p_any_ci95_high: 1.5, ..r };
        assert!(bad.check(4).is_err());
    }
}
