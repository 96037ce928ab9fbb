//! Experimental designs for sweeps: full factorial and Latin hypercube.
//!
//! A design is a list of points, each a value per axis. Every point is run
//! with the same replication indices, so points differ only in their
//! parameters, never in their random numbers (common random numbers).

use caspian_shipping::SweepKey;
use rand::rngs::ChaCha8Rng;
use rand::{Rng, RngExt, SeedableRng};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The largest number of design points a sweep may have.
pub const MAX_POINTS: usize = 100_000;

/// The largest number of summary cells (design points x KPIs) that a
/// sweep's HTML report (`--report`), which shows every point, may hold in
/// memory at once: about 210 bytes a cell, so under 1 GB. The sweep itself
/// writes its summaries point by point ([`crate::sweep_stream`]) and has no
/// such limit.
pub const MAX_SUMMARY_CELLS: usize = 4_000_000;

/// The largest number of (design point, KPI) cells a sweep may have. Each
/// point's records keep its KPI names and one value per replication, about
/// 85 bytes a cell at `-n 1` (measured: 100,000 points of the baseline's
/// then 92 KPIs peaked at 858 MB, docs/performance.md), so this keeps a
/// sweep at `-n 1` under 1 GB for any scenario (20,080 points of today's
/// baseline, 498 KPIs).
pub const MAX_POINT_CELLS: usize = 10_000_000;

/// The stream id of the Latin-hypercube sampler. Model streams use ids below
/// `2^64 - 2^16 + 2^11` (see `caspian_shipping::streams`), so this one is
/// never shared with the model.
const LHS_STREAM: u64 = u64::MAX;

/// One swept parameter and its values. In JSON the key is its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    /// The swept parameter.
    pub key: SweepKey,
    /// Its values, in the order given.
    pub values: Vec<f64>,
}

/// How the points were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum DesignKind {
    /// Every combination of the axis values.
    FullFactorial,
    /// A Latin hypercube over each axis' range.
    LatinHypercube {
        /// Number of samples.
        samples: u32,
    },
}

/// A design that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DesignError {
    /// The full factorial would have more than [`MAX_POINTS`] points.
    #[error(
        "the full-factorial design has more than {MAX_POINTS} points; use fewer values or --lhs"
    )]
    TooManyPoints,
    /// Design points x KPIs above [`MAX_SUMMARY_CELLS`].
    #[error(
        "--report: {points} design points x {kpis} KPIs = {cells} summaries, above the \
         {MAX_SUMMARY_CELLS} that the HTML report, which shows every point, holds in memory (about \
         1 GB); write the results with --json and --csv alone (they are written point by point), \
         or use fewer design points (at most {fit} for this scenario)",
        cells = points.saturating_mul(*kpis),
        fit = MAX_SUMMARY_CELLS / (*kpis).max(1)
    )]
    TooManySummaries {
        /// Design points.
        points: usize,
        /// KPIs per point.
        kpis: usize,
    },
    /// Design points x KPIs above [`MAX_POINT_CELLS`].
    #[error(
        "{points} design points x {kpis} KPIs = {cells} cells, above the {MAX_POINT_CELLS} whose \
         records a sweep holds in memory (about 1 GB at -n 1); use fewer design points (at most \
         {fit} for this scenario)",
        cells = points.saturating_mul(*kpis),
        fit = MAX_POINT_CELLS / (*kpis).max(1)
    )]
    TooManyCells {
        /// Design points.
        points: usize,
        /// KPIs per point.
        kpis: usize,
    },
    /// A Latin hypercube with zero or more than [`MAX_POINTS`] samples.
    #[error("--lhs needs between 1 and {MAX_POINTS} samples, got {samples}")]
    Samples {
        /// The samples asked for.
        samples: u32,
    },
    /// A Latin hypercube whose every axis has one value: every point would
    /// be the same.
    #[error(
        "--axis {key}: a Latin hypercube samples each axis' range from its smallest to its \
         largest value, and every axis has one value ({key} has {value}), so every point would \
         be the same; give a range (--axis {key}=LOW,HIGH), or run the scenario with --set \
         {key}={value}"
    )]
    OneValue {
        /// The axis' key.
        key: String,
        /// Its one value.
        value: String,
    },
}

/// Every combination of the axes' values, the last axis varying fastest.
///
/// # Errors
/// [`DesignError::TooManyPoints`] when the design would exceed [`MAX_POINTS`].
pub fn full_factorial(axes: &[Axis]) -> Result<Vec<Vec<f64>>, DesignError> {
    let total = axes.iter().try_fold(1usize, |acc, a| acc.checked_mul(a.values.len()));
    match total {
        Some(n) if n <= MAX_POINTS => {}
        _ => return Err(DesignError::TooManyPoints),
    }
    let mut points = vec![Vec::new()];
    for axis in axes {
        points = points
            .into_iter()
            .flat_map(|p| {
                axis.values.iter().map(move |&v| {
                    let mut q = p.clone();
                    q.push(v);
                    q
                })
            })
            .collect();
    }
    Ok(points)
}

/// A Latin hypercube of `samples` points over each axis' range
/// `[min(values), max(values)]`: each axis' range is cut into `samples` equal
/// strata and every stratum is used exactly once. Axes whose key needs a
/// whole number ([`SweepKey::needs_whole_number`]) take whole values only.
/// The design depends only on `seed`.
///
/// # Errors
/// [`DesignError::Samples`] when `samples` is zero or above [`MAX_POINTS`].
pub fn latin_hypercube(
    axes: &[Axis],
    samples: u32,
    seed: u64,
) -> Result<Vec<Vec<f64>>, DesignError> {
    let n = samples as usize;
    if n == 0 || n > MAX_POINTS {
        return Err(DesignError::Samples { samples });
    }
    // One axis held at one value beside others is a constant of the design
    // (its PRCC is "-"); every axis so would repeat one point.
    let one_value = |a: &Axis| a.values.iter().all(|&v| v == a.values[0]);
    if let Some(a) = axes.first().filter(|_| axes.iter().all(one_value)) {
        let value = a.values.first().map_or_else(String::new, |&v| crate::study::short_number(v));
        return Err(DesignError::OneValue { key: a.key.to_string(), value });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(LHS_STREAM);
    let mut points = vec![Vec::with_capacity(axes.len()); n];
    for axis in axes {
        let whole = axis.key.needs_whole_number();
        let lo = axis.values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = axis.values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut strata: Vec<usize> = (0..n).collect();
        // Fisher–Yates with the design stream.
        for i in (1..n).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            strata.swap(i, j);
        }
        for (point, stratum) in points.iter_mut().zip(strata) {
            let u: f64 = rng.random();
            let position = (stratum as f64 + u) / n as f64; // in [0, 1)
            let v = if whole {
                // Every whole value in [lo, hi] gets an equal share of the
                // strata (rounding a continuous draw would give the two end
                // values half a share each).
                let (lo, hi) = (lo.ceil(), hi.floor().max(lo.ceil()));
                (lo + ((hi - lo + 1.0) * position).floor()).min(hi)
            } else {
                lo + (hi - lo) * position
            };
            point.push(v);
        }
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A continuous axis and a whole-number one.
    const X: &str = "weather.storm_rate_multiplier";
    const K: &str = "fleet.f.count";

    fn axis(key: &str, values: &[f64]) -> Axis {
        Axis { key: key.parse().unwrap(), values: values.to_vec() }
    }

    #[test]
    fn full_factorial_enumerates_every_combination_in_order() {
        let pts = full_factorial(&[axis(X, &[1.0, 2.0]), axis(K, &[10.0, 20.0, 30.0])]).unwrap();
        assert_eq!(pts.len(), 6);
        assert_eq!(pts[0], vec![1.0, 10.0]);
        assert_eq!(pts[1], vec![1.0, 20.0]);
        assert_eq!(pts[5], vec![2.0, 30.0]);
        assert_eq!(full_factorial(&[]).unwrap(), vec![Vec::<f64>::new()]);
    }

    #[test]
    fn full_factorial_refuses_huge_designs() {
        let big: Vec<f64> = (0..1000).map(f64::from).collect();
        let axes = [axis(X, &big), axis(K, &big)];
        let e = full_factorial(&axes).unwrap_err();
        assert_eq!(e, DesignError::TooManyPoints);
        assert!(e.to_string().starts_with("the full-factorial design has more than 100000 points"));
        let e = latin_hypercube(&axes, 0, 1).unwrap_err();
        assert_eq!(e.to_string(), "--lhs needs between 1 and 100000 samples, got 0");
    }

    /// Axes that all have one value (or one value given twice) have no range
    /// to sample: the design would run one point many times. One such axis
    /// beside another that varies is a constant of the design.
    #[test]
    fn latin_hypercube_refuses_axes_that_all_have_one_value() {
        for values in [&[2.0][..], &[2.0, 2.0]] {
            let e = latin_hypercube(&[axis(K, values)], 4, 1).unwrap_err();
            let said = e.to_string();
            assert!(said.starts_with(&format!("--axis {K}: a Latin hypercube samples")), "{said}");
            assert!(said.ends_with(&format!("--set {K}=2")), "{said}");
            let pts = latin_hypercube(&[axis(X, &[0.0, 1.0]), axis(K, values)], 4, 1).unwrap();
            assert!(pts.iter().all(|p| p[1] == 2.0), "{pts:?}");
        }
    }

    #[test]
    fn latin_hypercube_uses_each_stratum_once_and_is_reproducible() {
        let axes = [axis(X, &[0.0, 1.0]), axis(K, &[1.0, 5.0])];
        let pts = latin_hypercube(&axes, 10, 42).unwrap();
        assert_eq!(pts, latin_hypercube(&axes, 10, 42).unwrap());
        assert_ne!(pts, latin_hypercube(&axes, 10, 43).unwrap());
        let mut strata: Vec<usize> = pts.iter().map(|p| (p[0] * 10.0).floor() as usize).collect();
        strata.sort_unstable();
        assert_eq!(strata, (0..10).collect::<Vec<_>>());
        for p in &pts {
            assert_eq!(p[1].fract(), 0.0);
            assert!((1.0..=5.0).contains(&p[1]));
        }
        // Whole-number axes: each of the values 1..=5 gets an equal share.
        let pts = latin_hypercube(&axes, 1000, 7).unwrap();
        for k in 1..=5 {
            let count = pts.iter().filter(|p| p[1] == f64::from(k)).count();
            assert_eq!(count, 200, "value {k}");
        }
    }
}
