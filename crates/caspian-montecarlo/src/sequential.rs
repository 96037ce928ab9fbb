//! Sequential stopping: add replications until the primary KPIs are known
//! to a target relative precision.
//!
//! After each batch, every primary KPI of every design point is checked:
//! the 95% CI half-width must be at most `rel_half_width` times the absolute
//! mean. The next total is estimated from the worst KPI as
//! `n * (observed / target)^2`, at least 10 more and at most double, capped
//! at the budget. Because a replication's result depends only on its index,
//! stopping at `n` gives exactly the result of asking for `n` replications at
//! the start.

use serde::{Deserialize, Serialize};

use crate::records::PointRecords;
use crate::select;
use crate::stats::Summary;

/// KPIs that sequential stopping and tables focus on unless told otherwise.
pub const DEFAULT_PRIMARY: &[&str] = &["delivered_total.*"];

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
}

/// The least precise primary KPI over all points, judged on each point's
/// first `rows` replications, or `None` when no KPI matches the patterns.
pub fn worst(records: &[PointRecords], primary: &[String], rows: usize) -> Option<Precision> {
    let mut worst: Option<Precision> = None;
    for (point, rec) in records.iter().enumerate() {
        for name in select::select(&rec.kpi_names, primary) {
            let Some(k) = rec.kpi_index(name) else { continue };
            let column: Vec<f64> = rec.rows.iter().take(rows).map(|r| r.values[k]).collect();
            let s = Summary::of(&column);
            // Fewer than two values: the interval is undefined, never precise.
            let rel = if s.n < 2 { f64::INFINITY } else { s.rel_half_width() };
            if worst.as_ref().is_none_or(|w| rel > w.rel_half_width) {
                worst = Some(Precision { point, kpi: name.to_string(), rel_half_width: rel });
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
    precision.is_some_and(|p| p.rel_half_width <= target.rel_half_width)
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
}
