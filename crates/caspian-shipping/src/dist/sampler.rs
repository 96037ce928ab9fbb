//! [`Dist`]: a validated distribution, ready to sample.

use std::fmt;

use rand::Rng;
use rand_distr::weighted::WeightedIndex;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Normal, Triangular, Uniform};
use serde::{Deserialize, Serialize};

use super::build;
use super::spec::{DistError, DistSpec};

/// The validated sampler behind a [`Dist`].
#[derive(Clone, Debug)]
pub(super) enum Sampler {
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
        // The parameter to blame when the mean or variance overflows.
        let (scale_param, built) = match *spec {
            DistSpec::Constant { value } => ("value", build::constant(dist, value)),
            DistSpec::Exponential { mean } => ("mean", build::exponential(dist, mean)),
            DistSpec::Uniform { min, max } => ("max", build::uniform(dist, min, max)),
            DistSpec::Triangular { min, mode, max } => {
                ("max", build::triangular(dist, min, mode, max))
            }
            DistSpec::Lognormal { mean, sd } => ("sd", build::lognormal(dist, mean, sd)),
            DistSpec::Gamma { mean, sd } => ("sd", build::gamma(dist, mean, sd)),
            DistSpec::Normal { mean, sd } => ("sd", build::normal(dist, mean, sd)),
            DistSpec::Empirical { ref values, ref weights } => {
                ("values", build::empirical(values, weights.as_deref()))
            }
        };
        let (sampler, mean, variance) = built?;
        if !mean.is_finite() {
            return Err(build::unrepresentable(dist, scale_param, "mean"));
        }
        if !variance.is_finite() {
            return Err(build::unrepresentable(dist, scale_param, "variance"));
        }
        Ok(Dist { spec: spec.clone(), sampler, mean, variance: variance.max(0.0) })
    }

    /// The spec this distribution was built from.
    pub fn spec(&self) -> &DistSpec {
        &self.spec
    }

    /// One draw: finite and `>= 0`.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = self.draw(rng);
        // Valid parameters never give anything else (the tests check `draw`
        // directly); this guards the edges.
        if x.is_finite() {
            x.max(0.0)
        } else if x > 0.0 {
            f64::MAX
        } else {
            0.0
        }
    }

    /// One draw from the sampler, before [`Dist::sample`] clamps it into
    /// `[0, f64::MAX]`.
    pub(super) fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.sampler {
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
        }
    }

    /// The analytic mean of the distribution (for the truncated normal, the
    /// mean of the truncated variable).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// A bound on every draw: the upper end of a bounded distribution
    /// (constant, uniform, triangular; an empirical table's largest value;
    /// any of no spread, such as a normal with `sd = 0`, its mean), else
    /// infinity.
    pub fn upper(&self) -> f64 {
        if let Sampler::Constant(v) = self.sampler {
            return v;
        }
        match &self.spec {
            DistSpec::Constant { value } => *value,
            DistSpec::Uniform { max, .. } | DistSpec::Triangular { max, .. } => *max,
            DistSpec::Empirical { values, .. } => values.iter().copied().fold(0.0, f64::max),
            DistSpec::Exponential { .. }
            | DistSpec::Lognormal { .. }
            | DistSpec::Gamma { .. }
            | DistSpec::Normal { .. } => f64::INFINITY,
        }
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
