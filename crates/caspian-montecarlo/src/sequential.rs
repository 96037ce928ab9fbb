//! Sequential stopping: add replications until the primary KPIs are known
//! to a target relative precision.
//!
//! After each batch, every primary KPI of every design point is checked:
//! the 95% CI half-width must be at most `rel_half_width` times the absolute
//! mean. A relative half-width is trusted only on enough data
//! ([`Shortfall`]): at least [`MIN_REPLICATIONS`] replications, and for a
//! KPI that is zero in at least half of them (a rare event, whose interval
//! collapses to `[0, 0]` while no event has been seen) at least
//! [`MIN_NONZERO`] non-zero values. Until then the KPI counts as infinitely
//! imprecise, so the run goes on, and at the budget the target is reported
//! as not met. The next total is estimated from the worst KPI as
//! `n * (observed / target)^2`, at least 10 more and at most double, capped
//! at the budget. Because a replication's result depends only on its index,
//! stopping at `n` gives exactly the result of asking for `n` replications at
//! the start.

use caspian_shipping::CompiledScenario;
use caspian_shipping::scenario::Cargo;
use serde::{Deserialize, Serialize};

use crate::records::PointRecords;
use crate::select;
use crate::stats::Summary;

/// KPIs that tables focus on unless told otherwise, where the scenarios are
/// not at hand (a merge of result documents) or carry no cargo (an M/M/c
/// port); otherwise [`default_primary`] narrows this to the cargo they
/// carry.
pub const DEFAULT_PRIMARY: &[&str] = &["delivered_total.*"];

/// The primary KPIs when none are named: the delivered total of each cargo
/// that every scenario of `plans` carries (some storage of it holds the
/// cargo), in cargo order; empty when there is none. Every scenario reports
/// oil and wagons, but one without an oil storage delivers no oil in any
/// replication, and a target on a KPI zero in every replication can never
/// be met (its relative half-width needs non-zero values); a comparison's
/// rankings, likewise, are on the cargo every scenario carries.
pub fn default_primary(plans: &[&CompiledScenario]) -> Vec<String> {
    let carried = |c: &Cargo| plans.iter().all(|p| p.carried_cargoes().contains(c));
    if plans.is_empty() {
        return Vec::new();
    }
    Cargo::ALL
        .iter()
        .filter(|c| carried(c))
        .map(|c| format!("delivered_total.{}", c.as_str()))
        .collect()
}

/// What the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Largest acceptable CI half-width over |mean|.
    pub rel_half_width: f64,
    /// Budget: never run more replications than this.
    pub max_replications: u64,
    /// Name patterns of the primary KPIs.
    pub primary: Vec<String>,
}

/// Whether the target was met, as reported in results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetReport {
    /// The requested relative half-width.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub rel_half_width: f64,
    /// The replication budget.
    pub max_replications: u64,
    /// The primary KPI patterns.
    pub primary: Vec<String>,
    /// Whether every primary KPI of every design point met the target.
    pub met: bool,
    /// Replications run.
    pub replications: u64,
    /// The least precise primary KPI at the end.
    pub worst: Option<Precision>,
}

/// Replications needed before any relative half-width is trusted.
pub const MIN_REPLICATIONS: u64 = 30;

/// Non-zero values needed before the relative half-width of a KPI that is
/// zero in most replications is trusted.
pub const MIN_NONZERO: u64 = 10;

/// Why a KPI's interval is not yet trusted: too little data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Shortfall {
    /// Fewer than [`MIN_REPLICATIONS`] defined values.
    MinReplications {
        /// Values seen.
        have: u64,
        /// Values needed.
        need: u64,
    },
    /// Zero in at least half of the replications, and fewer than
    /// [`MIN_NONZERO`] non-zero values.
    MinNonzero {
        /// Non-zero values seen.
        have: u64,
        /// Non-zero values needed.
        need: u64,
        /// Defined values seen.
        of: u64,
    },
    /// A fraction (a KPI in `[0, 1]`) at 1 in at least half of the
    /// replications, and below 1 in fewer than [`MIN_NONZERO`]: the rare
    /// shortfall is the event, as a rare loss is for a KPI mostly 0, and a
    /// service level at 1 in 30 years of 30 does not make its mean exact.
    MinBelowOne {
        /// Values below 1 seen.
        have: u64,
        /// Values below 1 needed.
        need: u64,
        /// Defined values seen.
        of: u64,
    },
}

impl Shortfall {
    /// The shortfall of a KPI column, if any.
    pub fn of(column: &[f64]) -> Option<Self> {
        let finite = column.iter().filter(|v| v.is_finite());
        let n = finite.clone().count() as u64;
        let nonzero = finite.filter(|&&v| v != 0.0).count() as u64;
        if n < MIN_REPLICATIONS {
            Some(Self::MinReplications { have: n, need: MIN_REPLICATIONS })
        } else if 2 * nonzero <= n && nonzero < MIN_NONZERO {
            Some(Self::MinNonzero { have: nonzero, need: MIN_NONZERO, of: n })
        } else {
            None
        }
    }

    /// The shortfall of the column of KPI `kpi`: [`Shortfall::of`], and for
    /// a fraction (`KpiRange::UnitInterval`) the same rule on its
    /// distance from 1.
    pub fn of_kpi(kpi: &str, column: &[f64]) -> Option<Self> {
        if let Some(s) = Self::of(column) {
            return Some(s);
        }
        if crate::rare::KpiRange::of(kpi) != crate::rare::KpiRange::UnitInterval {
            return None;
        }
        let finite = column.iter().filter(|v| v.is_finite());
        let n = finite.clone().count() as u64;
        let below = finite.filter(|&&v| v < 1.0).count() as u64;
        (2 * below <= n && below < MIN_NONZERO).then_some(Self::MinBelowOne {
            have: below,
            need: MIN_NONZERO,
            of: n,
        })
    }

    /// Whether a document's shortfall is self-consistent (`have < need`).
    pub fn is_consistent(&self) -> bool {
        match *self {
            Self::MinReplications { have, need } => have < need,
            Self::MinNonzero { have, need, of } | Self::MinBelowOne { have, need, of } => {
                have < need && 2 * have <= of
            }
        }
    }
}

impl std::fmt::Display for Shortfall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Self::MinReplications { have, need } => {
                write!(f, "{have} replications; at least {need} are needed")
            }
            Self::MinNonzero { have, need, of } => write!(
                f,
                "non-zero in {have} of {of} replications; a KPI that is zero in most \
                 replications needs at least {need} non-zero ones"
            ),
            Self::MinBelowOne { have, need, of } => write!(
                f,
                "below 1 in {have} of {of} replications; a fraction that is 1 in most \
                 replications needs at least {need} below it"
            ),
        }
    }
}

/// The precision reached for one KPI at one design point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Precision {
    /// Design point index.
    pub point: usize,
    /// KPI name.
    pub kpi: String,
    /// CI half-width over |mean| (infinite when the mean is 0 and the
    /// interval is not; JSON `null`).
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub rel_half_width: f64,
    /// Why the interval is not yet trusted, when it is not (the relative
    /// half-width is then infinite).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortfall: Option<Shortfall>,
}

/// The least precise primary KPI over all points, judged on each point's
/// first `rows` replications, or `None` when no KPI matches the patterns.
pub fn worst(records: &[PointRecords], primary: &[String], rows: usize) -> Option<Precision> {
    let mut worst: Option<Precision> = None;
    for (point, rec) in records.iter().enumerate() {
        for name in select::select(&rec.kpi_names, primary) {
            let Some(k) = rec.kpi_index(name) else { continue };
            let column: Vec<f64> = rec.rows.iter().take(rows).map(|r| r.values[k]).collect();
            let shortfall = Shortfall::of_kpi(name, &column);
            // Too little data (or fewer than two values, where the interval
            // is undefined): never precise.
            let s = Summary::of(&column);
            let rel =
                if shortfall.is_some() || s.n < 2 { f64::INFINITY } else { s.rel_half_width() };
            let worse = worst.as_ref().is_none_or(|w| {
                rel > w.rel_half_width || (rel == w.rel_half_width && w.shortfall.is_none())
            });
            if worse {
                worst = Some(Precision {
                    point,
                    kpi: name.to_string(),
                    rel_half_width: rel,
                    shortfall,
                });
            }
        }
    }
    worst
}

/// The next replication total after `n`, given the worst relative
/// half-width observed.
pub fn next_total(n: u64, observed: f64, target: &Target) -> u64 {
    let estimate = if observed.is_finite() {
        (n as f64 * (observed / target.rel_half_width).powi(2)).ceil() as u64
    } else {
        2 * n
    };
    estimate.clamp(n + 10, (2 * n).max(n + 10)).min(target.max_replications)
}

/// Whether `precision` satisfies the target.
pub fn is_met(precision: Option<&Precision>, target: &Target) -> bool {
    precision.is_some_and(|p| p.shortfall.is_none() && p.rel_half_width <= target.rel_half_width)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target { rel_half_width: 0.01, max_replications: 1000, primary: vec!["x".into()] }
    }

    #[test]
    fn next_total_grows_between_ten_more_and_double() {
        let t = target();
        assert_eq!(next_total(100, 0.0101, &t), 110); // nearly there: at least +10
        assert_eq!(next_total(100, 0.015, &t), 200); // 225 wanted, capped at double
        assert_eq!(next_total(100, 0.012, &t), 144);
        assert_eq!(next_total(900, 0.05, &t), 1000); // budget
        assert_eq!(next_total(100, f64::INFINITY, &t), 200);
    }

    #[test]
    fn rare_or_small_samples_are_never_precise() {
        let records = crate::records::PointRecords::single_kpi;
        let t = target();
        // Ten zero replications: the interval is [0, 0], but nothing is known.
        let w = worst(&[records(&[0.0; 10])], &t.primary, 10).unwrap();
        assert_eq!(w.shortfall, Some(Shortfall::MinReplications { have: 10, need: 30 }));
        assert!(w.rel_half_width.is_infinite() && !is_met(Some(&w), &t));
        // 1000 replications, 9 with an event: still too few events.
        let mut v = vec![0.0; 1000];
        v[..9].fill(1.0);
        let w = worst(&[records(&v)], &t.primary, 1000).unwrap();
        assert_eq!(w.shortfall, Some(Shortfall::MinNonzero { have: 9, need: 10, of: 1000 }));
        assert!(!is_met(Some(&w), &Target { rel_half_width: 0.99, ..t.clone() }));
        assert!(w.shortfall.unwrap().to_string().contains("non-zero in 9 of 1000"));
        // Ten events: judged on the interval again.
        v[9] = 1.0;
        let w = worst(&[records(&v)], &t.primary, 1000).unwrap();
        assert!(w.shortfall.is_none() && w.rel_half_width.is_finite());
        // A KPI that is never zero needs only the minimum sample.
        let w = worst(&[records(&[5.0; 30])], &t.primary, 30).unwrap();
        assert!(w.shortfall.is_none() && is_met(Some(&w), &t));
        assert!(Shortfall::MinNonzero { have: 9, need: 10, of: 1000 }.is_consistent());
        assert!(!Shortfall::MinReplications { have: 30, need: 30 }.is_consistent());
    }

    /// A fraction at 1 in every replication is the mirror of a KPI at 0:
    /// its interval [1, 1] says nothing of the year that falls short.
    #[test]
    fn a_fraction_at_one_in_most_replications_is_not_precise() {
        let names = ["service_level.wagons".to_string()];
        let at = |v: Vec<f64>| crate::records::PointRecords::from_columns(&names, &[v]);
        let t = Target { primary: vec!["service_level.*".into()], ..target() };
        let w = worst(&[at(vec![1.0; 30])], &t.primary, 30).unwrap();
        assert_eq!(w.shortfall, Some(Shortfall::MinBelowOne { have: 0, need: 10, of: 30 }));
        assert!(!is_met(Some(&w), &t), "{w:?}");
        assert!(w.shortfall.unwrap().to_string().contains("below 1 in 0 of 30"));
        // Ten years short of 1: judged on the interval.
        let mut v = vec![1.0; 30];
        v[..10].fill(0.98);
        let w = worst(&[at(v)], &t.primary, 30).unwrap();
        assert!(w.shortfall.is_none() && is_met(Some(&w), &t), "{w:?}");
        // A KPI that is not a fraction keeps the plain rule.
        let w =
            worst(&[crate::records::PointRecords::single_kpi(&[1.0; 30])], &target().primary, 30);
        assert!(w.unwrap().shortfall.is_none());
    }
}
