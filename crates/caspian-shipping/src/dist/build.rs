//! Validation of each distribution family's parameters, and the sampler,
//! mean and variance they give.

use caspian_engine::special::{std_normal_cdf, std_normal_pdf};
use rand_distr::weighted::WeightedIndex;
use rand_distr::{Exp, Gamma, LogNormal, Normal, Triangular, Uniform};

use super::MAX_CV;
use super::sampler::Sampler;
use super::spec::DistError;

/// A family's sampler, mean and variance.
pub(super) type Built = Result<(Sampler, f64, f64), DistError>;

/// `constant`: any finite value `>= 0`.
pub(super) fn constant(dist: &'static str, value: f64) -> Built {
    non_negative(dist, "value", value)?;
    Ok((Sampler::Constant(value), value, 0.0))
}

/// `exponential`: a positive mean whose rate is representable.
pub(super) fn exponential(dist: &'static str, mean: f64) -> Built {
    positive(dist, "mean", mean, "")?;
    let rate = finite_positive(1.0 / mean, dist, "mean", "rate 1/mean")?;
    let exp = Exp::new(rate).map_err(|_| unrepresentable(dist, "mean", "rate"))?;
    Ok((Sampler::Exponential(exp), mean, mean * mean))
}

/// `uniform`: `0 <= min <= max`; a point mass when `min == max`.
pub(super) fn uniform(dist: &'static str, min: f64, max: f64) -> Built {
    range(dist, min, max)?;
    let width = max - min;
    let sampler = if width == 0.0 {
        Sampler::Constant(min)
    } else {
        Sampler::Uniform(
            Uniform::new_inclusive(min, max).map_err(|_| unrepresentable(dist, "max", "width"))?,
        )
    };
    Ok((sampler, min + 0.5 * width, width * width / 12.0))
}

/// `triangular`: `0 <= min <= mode <= max`; a point mass when `min == max`.
pub(super) fn triangular(dist: &'static str, min: f64, mode: f64, max: f64) -> Built {
    range(dist, min, max)?;
    if !mode.is_finite() {
        return Err(DistError::NotFinite { dist, param: "mode".to_owned(), value: mode });
    }
    if mode < min || mode > max {
        return Err(DistError::ModeOutsideRange { min, mode, max });
    }
    let sampler = if min == max {
        Sampler::Constant(min)
    } else {
        Sampler::Triangular(
            Triangular::new(min, max, mode).map_err(|_| unrepresentable(dist, "mode", "shape"))?,
        )
    };
    let mean = (min + mode + max) / 3.0;
    // Shifted to min for accuracy: Var is translation invariant.
    let (b, c) = (max - min, mode - min);
    let variance = (b * b + c * c - b * c) / 18.0;
    Ok((sampler, mean, variance))
}

/// `lognormal` by the mean and sd of the variable itself.
pub(super) fn lognormal(dist: &'static str, mean: f64, sd: f64) -> Built {
    positive(dist, "mean", mean, "")?;
    non_negative(dist, "sd", sd)?;
    not_dispersed(dist, mean, sd)?;
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
    Ok((sampler, mean, sd * sd))
}

/// `gamma` by mean and sd: shape `(mean/sd)^2`, scale `sd^2/mean`.
pub(super) fn gamma(dist: &'static str, mean: f64, sd: f64) -> Built {
    positive(dist, "mean", mean, "")?;
    non_negative(dist, "sd", sd)?;
    not_dispersed(dist, mean, sd)?;
    let sampler = if sd == 0.0 {
        Sampler::Constant(mean)
    } else {
        let ratio = mean / sd;
        let shape = finite_positive(ratio * ratio, dist, "mean/sd", "shape")?;
        let scale = finite_positive(sd * (sd / mean), dist, "mean/sd", "scale")?;
        Sampler::Gamma(
            Gamma::new(shape, scale).map_err(|_| unrepresentable(dist, "mean/sd", "shape"))?,
        )
    };
    Ok((sampler, mean, sd * sd))
}

/// [`DistError::Dispersed`] when `sd` is more than [`MAX_CV`] times `mean`.
fn not_dispersed(dist: &'static str, mean: f64, sd: f64) -> Result<(), DistError> {
    if sd > MAX_CV * mean {
        return Err(DistError::Dispersed { dist, mean, sd });
    }
    Ok(())
}

/// `normal`, truncated below at zero (redrawn while negative); its moments
/// are those of the truncated variable.
pub(super) fn normal(dist: &'static str, mean: f64, sd: f64) -> Built {
    non_negative(dist, "mean", mean)?;
    non_negative(dist, "sd", sd)?;
    if sd == 0.0 {
        Ok((Sampler::Constant(mean), mean, 0.0))
    } else {
        let (m, v) = truncated_normal_moments(mean, sd);
        let normal = Normal::new(mean, sd).map_err(|_| unrepresentable(dist, "sd", "sd"))?;
        Ok((Sampler::TruncNormal(normal), m, v))
    }
}

/// Checks that `value` is finite and `>= 0`.
fn non_negative(dist: &'static str, param: &str, value: f64) -> Result<f64, DistError> {
    at_least_zero(dist, param, value, ">= 0")
}

/// Checks that `value` is finite and not negative; `bound` is what the
/// message says it must be.
fn at_least_zero(
    dist: &'static str,
    param: &str,
    value: f64,
    bound: &'static str,
) -> Result<f64, DistError> {
    if !value.is_finite() {
        return Err(DistError::NotFinite { dist, param: param.to_owned(), value });
    }
    if value < 0.0 {
        return Err(DistError::Negative { dist, param: param.to_owned(), value, bound });
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
    at_least_zero(dist, param, value, "> 0")?;
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
pub(super) fn unrepresentable(dist: &'static str, param: &str, derived: &'static str) -> DistError {
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

/// Validates an empirical table and returns its sampler, mean and variance.
pub(super) fn empirical(values: &[f64], weights: Option<&[f64]>) -> Built {
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
