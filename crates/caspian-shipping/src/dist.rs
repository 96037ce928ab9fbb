//! Probability distributions chosen in scenario files.
//!
//! A scenario names a distribution as a TOML inline table tagged by `dist`:
//!
//! ```toml
//! storm_hours = { dist = "lognormal", mean = 30.0, sd = 20.0 }
//! berth_hours = { dist = "triangular", min = 10.0, mode = 14.0, max = 30.0 }
//! batch_kt    = { dist = "empirical", values = [60.0, 80.0, 100.0], weights = [1.0, 2.0, 1.0] }
//! ```
//!
//! [`DistSpec`] is that table, as written; [`Dist`] is the validated sampler
//! built from it by [`Dist::new`]. Every distribution here describes a
//! duration or a quantity, so a valid [`Dist`] only ever yields finite values
//! `>= 0`, and specs that could produce anything else are rejected with a
//! [`DistError`] that names the offending parameter.
//!
//! Parameterisation is by the moments a modeller knows (mean and standard
//! deviation of the variable itself), not by the textbook shape/scale or
//! log-space parameters. Degenerate specs (a zero `sd`, `min == max`) are a
//! point mass and behave exactly like `constant`: they consume no random
//! numbers.

use std::fmt;

use rand::Rng;
use rand_distr::weighted::WeightedIndex;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Normal, Triangular, Uniform};
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
    /// variable's own mean is larger (see [`Dist::mean`]). `mean` must be
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

    /// The same distribution with its scale multiplied by `factor`: every
    /// location and scale parameter (value, mean, sd, min, mode, max, table
    /// values) is multiplied, shapes and weights are kept. The result is the
    /// distribution of `factor * X`, so its mean is `factor` times the mean
    /// and its coefficient of variation is unchanged.
    ///
    /// Used by sweeps such as "storm duration x 1.5". `factor` should be finite
    /// and `> 0`; the result is not validated here, [`Dist::new`] does that.
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
    /// A parameter is negative where only values `>= 0` make sense.
    #[error("{dist}: `{param}` = {value:?} is negative; it must be >= 0")]
    Negative {
        /// The distribution's tag.
        dist: &'static str,
        /// The parameter at fault.
        param: String,
        /// Its value.
        value: f64,
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

/// The validated sampler behind a [`Dist`].
#[derive(Clone, Debug)]
enum Sampler {
    Constant(f64),
    Exponential(Exp<f64>),
    Uniform(Uniform<f64>),
    Triangular(Triangular<f64>),
    LogNormal(LogNormal<f64>),
    Gamma(Gamma<f64>),
    /// A normal, redrawn while negative.
    TruncNormal(Normal<f64>),
    Empirical {
        values: Vec<f64>,
        index: WeightedIndex<f64>,
    },
}

/// A validated distribution of a non-negative quantity, ready to sample.
///
/// Build it with [`Dist::new`] (or deserialize it directly from a scenario
/// file, which validates as it parses). It also implements
/// [`rand_distr::Distribution<f64>`].
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "DistSpec", into = "DistSpec")]
pub struct Dist {
    spec: DistSpec,
    sampler: Sampler,
    mean: f64,
    variance: f64,
}

/// Checks that `value` is finite and `>= 0`.
fn non_negative(dist: &'static str, param: &str, value: f64) -> Result<f64, DistError> {
    if !value.is_finite() {
        return Err(DistError::NotFinite { dist, param: param.to_owned(), value });
    }
    if value < 0.0 {
        return Err(DistError::Negative { dist, param: param.to_owned(), value });
    }
    Ok(value)
}

/// Checks that `value` is finite and `> 0`.
fn positive(
    dist: &'static str,
    param: &str,
    value: f64,
    hint: &'static str,
) -> Result<f64, DistError> {
    non_negative(dist, param, value)?;
    if value == 0.0 {
        return Err(DistError::Zero { dist, param: param.to_owned(), hint });
    }
    Ok(value)
}

/// Checks `min <= max`, both finite and `>= 0`.
fn range(dist: &'static str, min: f64, max: f64) -> Result<(), DistError> {
    non_negative(dist, "min", min)?;
    non_negative(dist, "max", max)?;
    if min > max {
        return Err(DistError::MinAboveMax { dist, min, max });
    }
    Ok(())
}

/// The error for a derived quantity that does not fit.
fn unrepresentable(dist: &'static str, param: &str, derived: &'static str) -> DistError {
    DistError::Unrepresentable { dist, param: param.to_owned(), derived }
}

/// `Ok(x)` when `x` is finite and `> 0`, else [`DistError::Unrepresentable`].
fn finite_positive(
    x: f64,
    dist: &'static str,
    param: &str,
    derived: &'static str,
) -> Result<f64, DistError> {
    if x.is_finite() && x > 0.0 { Ok(x) } else { Err(unrepresentable(dist, param, derived)) }
}

impl Dist {
    /// Validates `spec` and builds its sampler.
    ///
    /// # Errors
    /// A [`DistError`] naming the parameter at fault when a parameter is NaN
    /// or infinite, negative, zero where it must be positive, when `min > max`,
    /// the triangular mode lies outside `[min, max]`, an empirical table is
    /// empty, its weights do not match its values or are all zero, or the
    /// parameters are so extreme that the distribution's moments overflow.
    pub fn new(spec: &DistSpec) -> Result<Dist, DistError> {
        let dist = spec.name();
        // Which parameter to blame when the variance overflows.
        let scale_param;
        let (sampler, mean, variance) = match *spec {
            DistSpec::Constant { value } => {
                scale_param = "value";
                non_negative(dist, "value", value)?;
                (Sampler::Constant(value), value, 0.0)
            }
            DistSpec::Exponential { mean } => {
                scale_param = "mean";
                positive(dist, "mean", mean, "")?;
                let rate = finite_positive(1.0 / mean, dist, "mean", "rate 1/mean")?;
                let exp = Exp::new(rate).map_err(|_| unrepresentable(dist, "mean", "rate"))?;
                (Sampler::Exponential(exp), mean, mean * mean)
            }
            DistSpec::Uniform { min, max } => {
                scale_param = "max";
                range(dist, min, max)?;
                let width = max - min;
                let sampler = if width == 0.0 {
                    Sampler::Constant(min)
                } else {
                    Sampler::Uniform(
                        Uniform::new_inclusive(min, max)
                            .map_err(|_| unrepresentable(dist, "max", "width"))?,
                    )
                };
                (sampler, min + 0.5 * width, width * width / 12.0)
            }
            DistSpec::Triangular { min, mode, max } => {
                scale_param = "max";
                range(dist, min, max)?;
                if !mode.is_finite() {
                    return Err(DistError::NotFinite {
                        dist,
                        param: "mode".to_owned(),
                        value: mode,
                    });
                }
                if mode < min || mode > max {
                    return Err(DistError::ModeOutsideRange { min, mode, max });
                }
                let sampler = if min == max {
                    Sampler::Constant(min)
                } else {
                    Sampler::Triangular(
                        Triangular::new(min, max, mode)
                            .map_err(|_| unrepresentable(dist, "mode", "shape"))?,
                    )
                };
                let mean = (min + mode + max) / 3.0;
                // Shifted to min for accuracy: Var is translation invariant.
                let (b, c) = (max - min, mode - min);
                let variance = (b * b + c * c - b * c) / 18.0;
                (sampler, mean, variance)
            }
            DistSpec::Lognormal { mean, sd } => {
                scale_param = "sd";
                positive(dist, "mean", mean, "")?;
                non_negative(dist, "sd", sd)?;
                let sampler = if sd == 0.0 {
                    Sampler::Constant(mean)
                } else {
                    let cv = sd / mean;
                    let sigma2 = (cv * cv).ln_1p();
                    if !sigma2.is_finite() {
                        return Err(unrepresentable(dist, "sd", "log-space variance"));
                    }
                    let mu = mean.ln() - 0.5 * sigma2;
                    Sampler::LogNormal(
                        LogNormal::new(mu, sigma2.sqrt())
                            .map_err(|_| unrepresentable(dist, "sd", "log-space sd"))?,
                    )
                };
                (sampler, mean, sd * sd)
            }
            DistSpec::Gamma { mean, sd } => {
                scale_param = "sd";
                positive(dist, "mean", mean, "")?;
                non_negative(dist, "sd", sd)?;
                let sampler = if sd == 0.0 {
                    Sampler::Constant(mean)
                } else {
                    let ratio = mean / sd;
                    let shape = finite_positive(ratio * ratio, dist, "mean/sd", "shape")?;
                    let scale = finite_positive(sd * (sd / mean), dist, "mean/sd", "scale")?;
                    Sampler::Gamma(
                        Gamma::new(shape, scale)
                            .map_err(|_| unrepresentable(dist, "mean/sd", "shape"))?,
                    )
                };
                (sampler, mean, sd * sd)
            }
            DistSpec::Normal { mean, sd } => {
                scale_param = "sd";
                non_negative(dist, "mean", mean)?;
                non_negative(dist, "sd", sd)?;
                if sd == 0.0 {
                    (Sampler::Constant(mean), mean, 0.0)
                } else {
                    let (m, v) = truncated_normal_moments(mean, sd);
                    let normal =
                        Normal::new(mean, sd).map_err(|_| unrepresentable(dist, "sd", "sd"))?;
                    (Sampler::TruncNormal(normal), m, v)
                }
            }
            DistSpec::Empirical { ref values, ref weights } => {
                scale_param = "values";
                let (sampler, mean, variance) = empirical(values, weights.as_deref())?;
                (sampler, mean, variance)
            }
        };
        if !mean.is_finite() {
            return Err(unrepresentable(dist, scale_param, "mean"));
        }
        if !variance.is_finite() {
            return Err(unrepresentable(dist, scale_param, "variance"));
        }
        Ok(Dist { spec: spec.clone(), sampler, mean, variance: variance.max(0.0) })
    }

    /// The spec this distribution was built from.
    pub fn spec(&self) -> &DistSpec {
        &self.spec
    }

    /// One draw: finite and `>= 0`.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match &self.sampler {
            Sampler::Constant(v) => *v,
            Sampler::Exponential(d) => d.sample(rng),
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Gamma(d) => d.sample(rng),
            Sampler::TruncNormal(d) => loop {
                // The underlying mean is >= 0, so each draw is kept with
                // probability >= 1/2.
                let x = d.sample(rng);
                if x >= 0.0 {
                    break x;
                }
            },
            Sampler::Empirical { values, index } => values[index.sample(rng)],
        };
        // Valid parameters never give anything else; this guards the edges.
        if x.is_finite() {
            x.max(0.0)
        } else if x > 0.0 {
            f64::MAX
        } else {
            0.0
        }
    }

    /// The analytic mean of the distribution (for the truncated normal, the
    /// mean of the truncated variable).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The analytic variance of the distribution (for the truncated normal,
    /// the variance of the truncated variable).
    pub fn variance(&self) -> f64 {
        self.variance
    }

    /// The analytic standard deviation, `variance().sqrt()`.
    pub fn sd(&self) -> f64 {
        self.variance.sqrt()
    }
}

impl PartialEq for Dist {
    /// Two distributions are equal when they were built from equal specs.
    fn eq(&self, other: &Dist) -> bool {
        self.spec == other.spec
    }
}

impl Distribution<f64> for Dist {
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        Dist::sample(self, rng)
    }
}

impl TryFrom<DistSpec> for Dist {
    type Error = DistError;
    fn try_from(spec: DistSpec) -> Result<Dist, DistError> {
        Dist::new(&spec)
    }
}

impl TryFrom<&DistSpec> for Dist {
    type Error = DistError;
    fn try_from(spec: &DistSpec) -> Result<Dist, DistError> {
        Dist::new(spec)
    }
}

impl From<Dist> for DistSpec {
    fn from(d: Dist) -> DistSpec {
        d.spec
    }
}

impl fmt::Display for Dist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.spec.fmt(f)
    }
}

/// Validates an empirical table and returns its sampler, mean and variance.
fn empirical(values: &[f64], weights: Option<&[f64]>) -> Result<(Sampler, f64, f64), DistError> {
    const DIST: &str = "empirical";
    if values.is_empty() {
        return Err(DistError::EmptyTable);
    }
    for (i, &v) in values.iter().enumerate() {
        non_negative(DIST, &format!("values[{i}]"), v)?;
    }
    let weights: Vec<f64> = match weights {
        None => vec![1.0; values.len()],
        Some(w) => {
            if w.len() != values.len() {
                return Err(DistError::WeightsLength { values: values.len(), weights: w.len() });
            }
            for (i, &x) in w.iter().enumerate() {
                non_negative(DIST, &format!("weights[{i}]"), x)?;
            }
            // Normalised by the largest weight so the running sum cannot overflow.
            let largest = w.iter().copied().fold(0.0, f64::max);
            if largest == 0.0 {
                return Err(DistError::WeightsAllZero);
            }
            w.iter().map(|x| x / largest).collect()
        }
    };
    let total: f64 = weights.iter().sum();
    let mean = values.iter().zip(&weights).map(|(v, w)| v * (w / total)).sum::<f64>();
    let variance = values
        .iter()
        .zip(&weights)
        .map(|(v, w)| {
            let d = v - mean;
            d * d * (w / total)
        })
        .sum::<f64>();
    let index = WeightedIndex::new(&weights)
        .map_err(|_| unrepresentable(DIST, "weights", "total weight"))?;
    Ok((Sampler::Empirical { values: values.to_vec(), index }, mean, variance))
}

/// The standard normal density.
fn std_normal_pdf(z: f64) -> f64 {
    const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;
    INV_SQRT_2PI * (-0.5 * z * z).exp()
}

/// `erf(x)` for `x >= 0`, to about 1e-16 absolute.
///
/// Uses the everywhere-positive series
/// `erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n (2x^2)^n x / (1*3*...*(2n+1))`,
/// which has no cancellation; beyond `x = 6`, `1 - erf(x) < 3e-17`.
fn erf_non_negative(x: f64) -> f64 {
    debug_assert!(x >= 0.0);
    if x >= 6.0 {
        return 1.0;
    }
    let two_x2 = 2.0 * x * x;
    let mut term = x;
    let mut sum = x;
    let mut n = 0.0;
    loop {
        n += 1.0;
        term *= two_x2 / (2.0 * n + 1.0);
        sum += term;
        if term <= sum * 1e-17 {
            break;
        }
    }
    (std::f64::consts::FRAC_2_SQRT_PI * (-x * x).exp() * sum).min(1.0)
}

/// The standard normal CDF `Phi(z)`, accurate to about 1e-16 absolute.
fn std_normal_cdf(z: f64) -> f64 {
    let e = erf_non_negative(z.abs() / std::f64::consts::SQRT_2);
    if z >= 0.0 { 0.5 * (1.0 + e) } else { 0.5 * (1.0 - e) }
}

/// Mean and variance of `N(mu, sigma^2)` truncated below at zero, `mu >= 0`.
///
/// With `a = mu/sigma` and `lambda = phi(a)/Phi(a)` (the inverse Mills ratio
/// at the truncation point `-a`): mean `mu + sigma*lambda`, variance
/// `sigma^2 (1 - a*lambda - lambda^2)`.
fn truncated_normal_moments(mu: f64, sigma: f64) -> (f64, f64) {
    let a = mu / sigma;
    let lambda = std_normal_pdf(a) / std_normal_cdf(a);
    (mu + sigma * lambda, sigma * sigma * (1.0 - a * lambda - lambda * lambda))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streams::{Source, stream};

    const N: usize = 200_000;

    fn dist(spec: DistSpec) -> Dist {
        Dist::new(&spec).expect("valid spec")
    }

    /// Sample mean and variance of `n` draws, and the standard error of the
    /// sample variance (from the sample's fourth central moment).
    fn moments(d: &Dist, sub: u8, n: usize) -> (f64, f64, f64) {
        let mut rng = stream(2024, 0, Source::Vessel, sub);
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        assert!(xs.iter().all(|x| x.is_finite() && *x >= 0.0), "{d}: bad sample");
        let nf = n as f64;
        let mean = xs.iter().sum::<f64>() / nf;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (nf - 1.0);
        let m4 = xs.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / nf;
        let se_var = ((m4 - var * var).max(0.0) / nf).sqrt();
        (mean, var, se_var)
    }

    fn all_specs() -> Vec<DistSpec> {
        vec![
            DistSpec::Constant { value: 3.5 },
            DistSpec::Exponential { mean: 12.0 },
            DistSpec::Uniform { min: 2.0, max: 10.0 },
            DistSpec::Triangular { min: 1.0, mode: 3.0, max: 10.0 },
            DistSpec::Lognormal { mean: 24.0, sd: 12.0 },
            DistSpec::Gamma { mean: 10.0, sd: 4.0 },
            DistSpec::Gamma { mean: 2.0, sd: 3.0 },
            DistSpec::Normal { mean: 5.0, sd: 3.0 },
            DistSpec::Normal { mean: 0.0, sd: 2.0 },
            DistSpec::Empirical { values: vec![1.0, 2.0, 5.0, 10.0], weights: None },
            DistSpec::Empirical {
                values: vec![1.0, 2.0, 5.0, 10.0],
                weights: Some(vec![4.0, 3.0, 2.0, 1.0]),
            },
        ]
    }

    #[test]
    fn sample_moments_match_analytic_moments() {
        for (i, spec) in all_specs().into_iter().enumerate() {
            let d = dist(spec);
            let (mean, var, se_var) = moments(&d, i as u8, N);
            let se_mean = (d.variance() / N as f64).sqrt();
            println!(
                "{d}: mean {mean:.5} vs {:.5} (se {se_mean:.2e}), var {var:.5} vs {:.5} (se {se_var:.2e})",
                d.mean(),
                d.variance()
            );
            if d.variance() == 0.0 {
                assert_eq!(mean, d.mean(), "{d}");
                assert_eq!(var, 0.0, "{d}");
                continue;
            }
            assert!((mean - d.mean()).abs() <= 4.0 * se_mean, "{d}: mean {mean} vs {}", d.mean());
            assert!(
                (var - d.variance()).abs() <= 4.0 * se_var,
                "{d}: variance {var} vs {}",
                d.variance()
            );
        }
    }

    #[test]
    fn analytic_moments_of_known_cases() {
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
        let half = dist(DistSpec::Normal { mean: 0.0, sd: 2.0 });
        let pi = std::f64::consts::PI;
        assert!(close(half.mean(), 2.0 * (2.0 / pi).sqrt()));
        assert!(close(half.variance(), 4.0 * (1.0 - 2.0 / pi)));
        // Far from zero the truncation is invisible.
        let far = dist(DistSpec::Normal { mean: 100.0, sd: 1.0 });
        assert!(close(far.mean(), 100.0) && close(far.variance(), 1.0));
        let tri = dist(DistSpec::Triangular { min: 0.0, mode: 0.0, max: 6.0 });
        assert!(close(tri.mean(), 2.0) && close(tri.variance(), 2.0));
        assert!(close(dist(DistSpec::Exponential { mean: 3.0 }).variance(), 9.0));
        // Phi and erf against reference values.
        assert!((std_normal_cdf(1.0) - 0.841_344_746_068_542_9).abs() < 1e-15);
        assert!((std_normal_cdf(2.0) - 0.977_249_868_051_820_8).abs() < 1e-15);
        assert!((std_normal_cdf(-1.5) - 0.066_807_201_268_858_06).abs() < 1e-15);
        assert!((erf_non_negative(0.5) - 0.520_499_877_813_046_5).abs() < 1e-15);
        assert!((erf_non_negative(3.0) - 0.999_977_909_503_001_4).abs() < 1e-15);
    }

    #[test]
    fn degenerate_specs_are_point_masses_that_draw_nothing() {
        for spec in [
            DistSpec::Uniform { min: 4.0, max: 4.0 },
            DistSpec::Triangular { min: 4.0, mode: 4.0, max: 4.0 },
            DistSpec::Lognormal { mean: 4.0, sd: 0.0 },
            DistSpec::Gamma { mean: 4.0, sd: 0.0 },
            DistSpec::Normal { mean: 4.0, sd: 0.0 },
        ] {
            let d = dist(spec);
            let mut rng = stream(1, 0, Source::Vessel, 0);
            assert_eq!(d.sample(&mut rng), 4.0);
            assert_eq!((d.mean(), d.variance()), (4.0, 0.0));
            assert_eq!(rng.next_u64(), stream(1, 0, Source::Vessel, 0).next_u64());
        }
    }

    #[test]
    fn scaled_multiplies_mean_and_keeps_cv() {
        for spec in all_specs() {
            let d = dist(spec.clone());
            let s = dist(spec.scaled(1.5));
            let rel = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1e-300);
            assert!(rel(s.mean(), 1.5 * d.mean()), "{spec}");
            assert!(rel(s.variance(), 2.25 * d.variance()), "{spec}");
        }
        assert_eq!(
            DistSpec::Empirical { values: vec![1.0, 2.0], weights: Some(vec![1.0, 3.0]) }
                .scaled(2.0),
            DistSpec::Empirical { values: vec![2.0, 4.0], weights: Some(vec![1.0, 3.0]) }
        );
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Scenario {
        storm: DistSpec,
    }

    #[test]
    fn parses_inline_tables() {
        let cases = [
            ("{ dist = \"constant\", value = 5 }", DistSpec::Constant { value: 5.0 }),
            ("{ dist = \"exponential\", mean = 12.0 }", DistSpec::Exponential { mean: 12.0 }),
            (
                "{ dist = \"uniform\", min = 1.0, max = 2.5 }",
                DistSpec::Uniform { min: 1.0, max: 2.5 },
            ),
            (
                "{ dist = \"triangular\", min = 1.0, mode = 2, max = 4.0 }",
                DistSpec::Triangular { min: 1.0, mode: 2.0, max: 4.0 },
            ),
            (
                "{ dist = \"lognormal\", mean = 30.0, sd = 20.0 }",
                DistSpec::Lognormal { mean: 30.0, sd: 20.0 },
            ),
            ("{ dist = \"gamma\", mean = 3.0, sd = 1.0 }", DistSpec::Gamma { mean: 3.0, sd: 1.0 }),
            (
                "{ dist = \"normal\", mean = 3.0, sd = 1.0 }",
                DistSpec::Normal { mean: 3.0, sd: 1.0 },
            ),
            (
                "{ dist = \"empirical\", values = [1.0, 2] }",
                DistSpec::Empirical { values: vec![1.0, 2.0], weights: None },
            ),
            (
                "{ dist = \"empirical\", values = [1.0, 2.0], weights = [1, 3] }",
                DistSpec::Empirical { values: vec![1.0, 2.0], weights: Some(vec![1.0, 3.0]) },
            ),
        ];
        for (text, want) in cases {
            let parsed: Scenario = toml::from_str(&format!("storm = {text}"))
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(parsed.storm, want, "{text}");
            // Round trip through TOML text.
            let written = toml::to_string(&parsed).expect("serializes");
            let back: Scenario = toml::from_str(&written).expect("re-parses");
            assert_eq!(back, parsed, "{written}");
            // And through the validated sampler, which deserializes the same shape.
            let d: Dist = toml::from_str::<DistWrap>(&format!("d = {text}")).expect("valid").d;
            assert_eq!(d.spec(), &want);
            let written = toml::to_string(&DistWrap { d }).expect("serializes");
            assert!(written.contains(&format!("dist = \"{}\"", want.name())), "{written}");
        }
    }

    #[derive(Debug, Serialize, Deserialize)]
    struct DistWrap {
        d: Dist,
    }

    fn parse_err(text: &str) -> String {
        match toml::from_str::<Scenario>(&format!("storm = {text}")) {
            Ok(s) => panic!("{text} parsed as {s:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn unknown_keys_and_tags_are_rejected() {
        let msg = parse_err("{ dist = \"exponential\", mean = 1.0, sd = 2.0 }");
        assert!(msg.contains("unknown field `sd`"), "{msg}");
        let msg = parse_err("{ dist = \"constant\", value = 1.0, vlaue = 2.0 }");
        assert!(msg.contains("vlaue"), "{msg}");
        let msg = parse_err("{ dist = \"empirical\", values = [1.0], weight = [1.0] }");
        assert!(msg.contains("weight"), "{msg}");
        let msg = parse_err("{ dist = \"weibull\", shape = 1.0 }");
        assert!(msg.contains("weibull"), "{msg}");
        let msg = parse_err("{ mean = 1.0 }");
        assert!(msg.contains("dist"), "{msg}");
        let msg = parse_err("{ dist = \"uniform\", min = 1.0 }");
        assert!(msg.contains("max"), "{msg}");
    }

    #[test]
    fn validation_happens_when_parsing_a_dist() {
        let err = toml::from_str::<DistWrap>("d = { dist = \"uniform\", min = -1.0, max = 2.0 }")
            .expect_err("negative min");
        assert!(err.to_string().contains("`min` = -1.0 is negative"), "{err}");
    }

    fn err(spec: DistSpec) -> DistError {
        match Dist::new(&spec) {
            Ok(d) => panic!("{spec} accepted as {d:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn every_error_is_reachable_and_names_its_parameter() {
        let nan = f64::NAN;
        let cases: Vec<(DistSpec, &str)> = vec![
            (DistSpec::Exponential { mean: nan }, "`mean`"),
            (DistSpec::Constant { value: f64::INFINITY }, "`value`"),
            (DistSpec::Constant { value: -1.0 }, "`value`"),
            (DistSpec::Uniform { min: -1.0, max: 2.0 }, "`min`"),
            (DistSpec::Uniform { min: 1.0, max: nan }, "`max`"),
            (DistSpec::Exponential { mean: 0.0 }, "`mean`"),
            (DistSpec::Lognormal { mean: 0.0, sd: 1.0 }, "`mean`"),
            (DistSpec::Gamma { mean: 1.0, sd: -2.0 }, "`sd`"),
            (DistSpec::Normal { mean: -1.0, sd: 1.0 }, "`mean`"),
            (DistSpec::Uniform { min: 5.0, max: 1.0 }, "`min` = 5.0 is greater than `max` = 1.0"),
            (DistSpec::Triangular { min: 1.0, mode: 9.0, max: 4.0 }, "`mode` = 9.0 lies outside"),
            (DistSpec::Triangular { min: 1.0, mode: -1.0, max: 4.0 }, "`mode` = -1.0 lies outside"),
            (DistSpec::Empirical { values: vec![], weights: None }, "`values`"),
            (DistSpec::Empirical { values: vec![1.0, -2.0], weights: None }, "`values[1]`"),
            (
                DistSpec::Empirical { values: vec![1.0, 2.0], weights: Some(vec![1.0]) },
                "`weights` has 1 entries but `values` has 2",
            ),
            (
                DistSpec::Empirical { values: vec![1.0, 2.0], weights: Some(vec![0.0, 0.0]) },
                "`weights`",
            ),
            (
                DistSpec::Empirical { values: vec![1.0, 2.0], weights: Some(vec![1.0, -0.5]) },
                "`weights[1]`",
            ),
            (
                DistSpec::Empirical { values: vec![1.0, 2.0], weights: Some(vec![nan, 1.0]) },
                "`weights[0]`",
            ),
            (DistSpec::Triangular { min: 1.0, mode: nan, max: 4.0 }, "`mode` = NaN"),
            (DistSpec::Exponential { mean: 1e200 }, "`mean`"),
            (DistSpec::Gamma { mean: 1e-200, sd: 1e200 }, "`mean/sd`"),
            (DistSpec::Lognormal { mean: 1e-200, sd: 1e200 }, "`sd`"),
        ];
        let mut seen = std::collections::BTreeSet::new();
        for (spec, needle) in cases {
            let e = err(spec.clone());
            let msg = e.to_string();
            println!("{spec}: {msg}");
            assert!(msg.contains(needle), "{spec}: `{msg}` lacks `{needle}`");
            assert!(msg.starts_with(spec.name()), "{msg}");
            seen.insert(match e {
                DistError::NotFinite { .. } => 0,
                DistError::Negative { .. } => 1,
                DistError::Zero { .. } => 2,
                DistError::MinAboveMax { .. } => 3,
                DistError::ModeOutsideRange { .. } => 4,
                DistError::EmptyTable => 5,
                DistError::WeightsLength { .. } => 6,
                DistError::WeightsAllZero => 7,
                DistError::Unrepresentable { .. } => 8,
            });
        }
        assert_eq!(seen.len(), 9, "every DistError variant is exercised");
    }

    #[test]
    fn extreme_but_valid_specs_sample_finite_values() {
        for spec in [
            DistSpec::Gamma { mean: 1.0, sd: 1e6 },
            DistSpec::Lognormal { mean: 1.0, sd: 1e6 },
            DistSpec::Exponential { mean: 1e-300 },
            DistSpec::Uniform { min: 0.0, max: 1e150 },
        ] {
            let d = dist(spec);
            let mut rng = stream(3, 0, Source::Vessel, 0);
            for _ in 0..10_000 {
                let x = d.sample(&mut rng);
                assert!(x.is_finite() && x >= 0.0, "{d}: {x}");
            }
        }
    }
}
