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
//!
//! - `spec`: [`DistSpec`] and [`DistError`].
//! - `sampler`: [`Dist`], its sampling and moments.
//! - `build`: validation of each family's parameters into a sampler.

mod build;
mod sampler;
mod spec;
#[cfg(test)]
mod tests;

pub use sampler::Dist;
pub use spec::{DistError, DistSpec};

/// The largest coefficient of variation (sd over mean) a `lognormal` or
/// `gamma` may have. Above it the draws no longer show the mean in any
/// run a planner would make: a gamma's shape falls below 0.01 (nearly all
/// draws near zero), a lognormal's median below a tenth of its mean. No
/// source in the facts file calls for more than about 1.
pub const MAX_CV: f64 = 10.0;
