//! [`DistSpec`], a distribution as written in a scenario file, and
//! [`DistError`], why a spec is not a valid distribution.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A distribution as written in a scenario file: a table tagged by `dist`.
///
/// Unknown keys are rejected, so a misspelt parameter is an error rather than
/// a silently ignored line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum DistSpec {
    /// Always `value`.
    Constant {
        /// The value (`>= 0`).
        value: f64,
    },
    /// Exponential with the given mean.
    Exponential {
        /// The mean (`> 0`).
        mean: f64,
    },
    /// Uniform on `[min, max]`.
    Uniform {
        /// The lower bound (`>= 0`).
        min: f64,
        /// The upper bound (`>= min`).
        max: f64,
    },
    /// Triangular on `[min, max]` with its peak at `mode`.
    Triangular {
        /// The lower bound (`>= 0`).
        min: f64,
        /// The most likely value, in `[min, max]`.
        mode: f64,
        /// The upper bound (`>= min`).
        max: f64,
    },
    /// Lognormal with the given mean and standard deviation of the variable
    /// itself (not of its logarithm).
    Lognormal {
        /// The mean (`> 0`).
        mean: f64,
        /// The standard deviation (`>= 0`).
        sd: f64,
    },
    /// Gamma with the given mean and standard deviation
    /// (shape `(mean/sd)^2`, scale `sd^2/mean`).
    Gamma {
        /// The mean (`> 0`).
        mean: f64,
        /// The standard deviation (`>= 0`).
        sd: f64,
    },
    /// A normal distribution truncated at zero: draws below zero are redrawn.
    ///
    /// `mean` and `sd` are those of the underlying normal; the truncated
    /// variable's own mean is larger (see [`Dist::mean`](super::Dist::mean)). `mean` must be
    /// `>= 0`, so at most half of the draws are redrawn.
    Normal {
        /// The mean of the underlying normal (`>= 0`).
        mean: f64,
        /// The standard deviation of the underlying normal (`>= 0`).
        sd: f64,
    },
    /// A discrete empirical table: `values[i]` with probability proportional
    /// to `weights[i]` (equal weights when `weights` is absent).
    Empirical {
        /// The possible values (each `>= 0`, at least one).
        values: Vec<f64>,
        /// Relative weights, one per value (each `>= 0`, not all zero).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weights: Option<Vec<f64>>,
    },
}

impl DistSpec {
    /// The `dist` tag of this variant, as written in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            DistSpec::Constant { .. } => "constant",
            DistSpec::Exponential { .. } => "exponential",
            DistSpec::Uniform { .. } => "uniform",
            DistSpec::Triangular { .. } => "triangular",
            DistSpec::Lognormal { .. } => "lognormal",
            DistSpec::Gamma { .. } => "gamma",
            DistSpec::Normal { .. } => "normal",
            DistSpec::Empirical { .. } => "empirical",
        }
    }

    /// The smallest value a draw can take: the lower end of a bounded
    /// distribution (constant, uniform, triangular, an empirical table's
    /// smallest value), else 0 (every distribution here draws `>= 0`).
    pub fn lower(&self) -> f64 {
        match self {
            DistSpec::Constant { value } => *value,
            DistSpec::Uniform { min, .. } | DistSpec::Triangular { min, .. } => *min,
            DistSpec::Empirical { values, .. } => {
                values.iter().copied().fold(f64::INFINITY, f64::min)
            }
            DistSpec::Exponential { .. }
            | DistSpec::Lognormal { .. }
            | DistSpec::Gamma { .. }
            | DistSpec::Normal { .. } => 0.0,
        }
    }

    /// The same distribution with its scale multiplied by `factor`: every
    /// location and scale parameter (value, mean, sd, min, mode, max, table
    /// values) is multiplied, shapes and weights are kept. The result is the
    /// distribution of `factor * X`, so its mean is `factor` times the mean
    /// and its coefficient of variation is unchanged.
    ///
    /// Used by sweeps such as "storm duration x 1.5". `factor` should be finite
    /// and `> 0`; the result is not validated here, [`Dist::new`](super::Dist::new) does that.
    pub fn scaled(&self, factor: f64) -> DistSpec {
        let f = factor;
        match self {
            DistSpec::Constant { value } => DistSpec::Constant { value: value * f },
            DistSpec::Exponential { mean } => DistSpec::Exponential { mean: mean * f },
            DistSpec::Uniform { min, max } => DistSpec::Uniform { min: min * f, max: max * f },
            DistSpec::Triangular { min, mode, max } => {
                DistSpec::Triangular { min: min * f, mode: mode * f, max: max * f }
            }
            DistSpec::Lognormal { mean, sd } => DistSpec::Lognormal { mean: mean * f, sd: sd * f },
            DistSpec::Gamma { mean, sd } => DistSpec::Gamma { mean: mean * f, sd: sd * f },
            DistSpec::Normal { mean, sd } => DistSpec::Normal { mean: mean * f, sd: sd * f },
            DistSpec::Empirical { values, weights } => DistSpec::Empirical {
                values: values.iter().map(|v| v * f).collect(),
                weights: weights.clone(),
            },
        }
    }
}

impl fmt::Display for DistSpec {
    /// Formats like the TOML inline table, e.g. `{ dist = "exponential", mean = 12 }`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{ dist = \"{}\"", self.name())?;
        match self {
            DistSpec::Constant { value } => write!(f, ", value = {value:?}")?,
            DistSpec::Exponential { mean } => write!(f, ", mean = {mean:?}")?,
            DistSpec::Uniform { min, max } => write!(f, ", min = {min:?}, max = {max:?}")?,
            DistSpec::Triangular { min, mode, max } => {
                write!(f, ", min = {min:?}, mode = {mode:?}, max = {max:?}")?
            }
            DistSpec::Lognormal { mean, sd }
            | DistSpec::Gamma { mean, sd }
            | DistSpec::Normal { mean, sd } => write!(f, ", mean = {mean:?}, sd = {sd:?}")?,
            DistSpec::Empirical { values, weights } => {
                write!(f, ", values = {values:?}")?;
                if let Some(w) = weights {
                    write!(f, ", weights = {w:?}")?;
                }
            }
        }
        f.write_str(" }")
    }
}

/// Why a [`DistSpec`] is not a valid distribution. Each variant names the
/// parameter at fault (for tables, with its index, e.g. `weights[2]`).
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum DistError {
    /// A parameter is NaN or infinite.
    #[error("{dist}: `{param}` = {value:?} is not a finite number")]
    NotFinite {
        /// The distribution's tag.
        dist: &'static str,
        /// The parameter at fault.
        param: String,
        /// Its value.
        value: f64,
    },
    /// A parameter is negative where only values `>= 0` (or `> 0`) make
    /// sense.
    #[error("{dist}: `{param}` = {value:?} is negative; it must be {bound}")]
    Negative {
        /// The distribution's tag.
        dist: &'static str,
        /// The parameter at fault.
        param: String,
        /// Its value.
        value: f64,
        /// What it must be: `>= 0`, or `> 0` where zero is refused too.
        bound: &'static str,
    },
    /// A parameter is zero where it must be strictly positive.
    #[error("{dist}: `{param}` is zero; it must be > 0{hint}")]
    Zero {
        /// The distribution's tag.
        dist: &'static str,
        /// The parameter at fault.
        param: String,
        /// Extra advice, possibly empty.
        hint: &'static str,
    },
    /// `min` is larger than `max`.
    #[error("{dist}: `min` = {min:?} is greater than `max` = {max:?}")]
    MinAboveMax {
        /// The distribution's tag.
        dist: &'static str,
        /// The lower bound given.
        min: f64,
        /// The upper bound given.
        max: f64,
    },
    /// The triangular `mode` lies outside `[min, max]`.
    #[error("triangular: `mode` = {mode:?} lies outside [`min`, `max`] = [{min:?}, {max:?}]")]
    ModeOutsideRange {
        /// The lower bound given.
        min: f64,
        /// The mode given.
        mode: f64,
        /// The upper bound given.
        max: f64,
    },
    /// An empirical table has no values.
    #[error("empirical: `values` is empty; give at least one value")]
    EmptyTable,
    /// An empirical table has a different number of weights than values.
    #[error("empirical: `weights` has {weights} entries but `values` has {values}")]
    WeightsLength {
        /// The number of values.
        values: usize,
        /// The number of weights.
        weights: usize,
    },
    /// Every weight of an empirical table is zero.
    #[error("empirical: `weights` are all zero; at least one must be > 0")]
    WeightsAllZero,
    /// A `lognormal` or `gamma` so dispersed (sd above
    /// [`MAX_CV`](crate::dist::MAX_CV) times the mean) that its draws would
    /// not show its mean: nearly all far below it, a rare one far above.
    #[error(
        "{dist}: `sd` = {sd:?} is more than {} times `mean` = {mean:?}: nearly every draw would \
         lie far below the mean and a rare one far above it, so no run would show the stated \
         mean; give an sd of at most {} times the mean",
        crate::dist::MAX_CV,
        crate::dist::MAX_CV
    )]
    Dispersed {
        /// The distribution's tag.
        dist: &'static str,
        /// The mean.
        mean: f64,
        /// The standard deviation.
        sd: f64,
    },
    /// The parameters are individually valid but so extreme that a derived
    /// quantity (a moment, a shape) does not fit in an `f64`.
    #[error("{dist}: `{param}` is too extreme: the {derived} does not fit in an f64")]
    Unrepresentable {
        /// The distribution's tag.
        dist: &'static str,
        /// The parameter(s) at fault.
        param: String,
        /// The derived quantity that overflowed or underflowed.
        derived: &'static str,
    },
}
