//! Checks of a sweep's design in a result document: its axes, and its
//! points exactly the design those axes give (full factorial or Latin
//! hypercube).

use crate::design::{Axis, DesignKind};

use super::{DocumentError, cap, field, show};

pub(super) fn check_axes(axes: &[Axis]) -> Result<(), DocumentError> {
    if axes.is_empty() {
        return Err(field("axes", "empty (a sweep has at least one axis)"));
    }
    for (i, a) in axes.iter().enumerate() {
        if a.values.is_empty() {
            return Err(field(format!("axes[{i}].values"), "empty (an axis has values)"));
        }
        if let Some(j) = axes[..i].iter().position(|b| b.key == a.key) {
            return Err(field(
                format!("axes[{i}].key"),
                format!(
                    "{} is also axes[{j}] (each parameter is swept once)",
                    cap(&a.key.to_string())
                ),
            ));
        }
    }
    Ok(())
}

/// Checks that `points` are exactly the design of `axes`: for a full
/// factorial every combination of the axes' values, once, last axis
/// fastest; for a Latin hypercube its `samples` points, each in its axes'
/// ranges, as drawn from `seed`.
pub(super) fn check_design(
    design: DesignKind,
    axes: &[Axis],
    seed: u64,
    points: &[&[f64]],
    at: impl Fn(usize) -> String,
) -> Result<(), DocumentError> {
    let expected = match design {
        DesignKind::FullFactorial => crate::design::full_factorial(axes),
        DesignKind::LatinHypercube { samples } => {
            crate::design::latin_hypercube(axes, samples, seed)
        }
    }
    .map_err(|e| field("design", e.to_string()))?;
    if points.len() != expected.len() {
        let why = match design {
            DesignKind::FullFactorial => {
                let lens: Vec<String> = axes.iter().map(|a| a.values.len().to_string()).collect();
                format!("the product of the axes' lengths ({})", lens.join(" x "))
            }
            DesignKind::LatinHypercube { .. } => "the design's samples".to_string(),
        };
        return Err(field(
            "points",
            format!("{} design points, but {why} is {}", points.len(), expected.len()),
        ));
    }
    for (i, (got, want)) in points.iter().zip(&expected).enumerate() {
        for (j, (&v, axis)) in got.iter().zip(axes).enumerate() {
            let off = match design {
                DesignKind::FullFactorial => !axis.values.contains(&v),
                DesignKind::LatinHypercube { .. } => {
                    let lo = axis.values.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = axis.values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    !(lo..=hi).contains(&v)
                }
            };
            if off {
                return Err(field(
                    format!("{}[{j}]", at(i)),
                    format!("{v} is not a value of axis {}", cap(&axis.key.to_string())),
                ));
            }
        }
        if *got != want.as_slice() {
            let dup = points[..i].iter().position(|p| p == got);
            let what = match dup {
                Some(k) => format!("{} repeats design point {k}", show(got)),
                None => format!("{} but design point {i} is {}", show(got), show(want)),
            };
            return Err(field(at(i), what));
        }
    }
    Ok(())
}
