//! Analytic results from queueing theory and small-sample confidence intervals.

/// Erlang C: the probability that an arrival waits in an M/M/c queue with
/// arrival rate `lambda` and service rate `mu` per server. Requires
/// `lambda < c * mu`.
pub fn erlang_c(c: u32, lambda: f64, mu: f64) -> f64 {
    let a = lambda / mu; // offered load in Erlangs
    let rho = a / f64::from(c);
    assert!(rho < 1.0, "unstable queue: rho = {rho}");
    // Sum a^k / k! for k < c, iteratively to avoid factorial overflow.
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let last = term * a / f64::from(c) / (1.0 - rho); // a^c / c! / (1 - rho)
    last / (sum + last)
}

/// Mean wait in queue (before service) of an M/M/c queue, in the time unit of
/// the rates.
pub fn mmc_mean_wait(c: u32, lambda: f64, mu: f64) -> f64 {
    erlang_c(c, lambda, mu) / (f64::from(c) * mu - lambda)
}

/// Mean wait in queue of an M/G/1 queue (Pollaczek–Khinchine), given the mean
/// and the squared coefficient of variation of the service time.
pub fn mg1_mean_wait(lambda: f64, mean_service: f64, scv_service: f64) -> f64 {
    let rho = lambda * mean_service;
    assert!(rho < 1.0, "unstable queue: rho = {rho}");
    rho * mean_service * (1.0 + scv_service) / (2.0 * (1.0 - rho))
}

pub use caspian_montecarlo::stats::t_quantile;

/// A two-sided confidence interval for the mean of independent observations.
#[derive(Debug, Clone, Copy)]
pub struct Interval {
    /// Sample mean.
    pub mean: f64,
    /// Half-width.
    pub half_width: f64,
    /// Number of observations.
    pub n: usize,
}

impl Interval {
    /// Student-t interval at `level` (e.g. 0.99) over `xs`.
    pub fn student_t(xs: &[f64], level: f64) -> Self {
        let n = xs.len();
        assert!(n >= 2, "need at least two observations");
        let (mean, var) = caspian_montecarlo::stats::mean_var(xs);
        let t = t_quantile(0.5 + level / 2.0, (n - 1) as f64);
        Self { mean, half_width: t * (var / n as f64).sqrt(), n }
    }

    /// Whether `x` lies inside the interval.
    pub fn contains(&self, x: f64) -> bool {
        (x - self.mean).abs() <= self.half_width
    }

    /// Lower end.
    pub fn low(&self) -> f64 {
        self.mean - self.half_width
    }

    /// Upper end.
    pub fn high(&self) -> f64 {
        self.mean + self.half_width
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_matches_published_values() {
        // M/M/1: P(wait) = rho.
        assert!((erlang_c(1, 0.7, 1.0) - 0.7).abs() < 1e-12);
        // c = 2, a = 1 Erlang: C = 1/3 (a^2/2/(1-0.5) = 1; 1/(1+1+1)).
        assert!((erlang_c(2, 1.0, 1.0) - 1.0 / 3.0).abs() < 1e-12);
        // M/M/1 mean wait: rho / (mu - lambda).
        assert!((mmc_mean_wait(1, 0.5, 1.0) - 1.0).abs() < 1e-12);
        // M/D/1 via P-K: rho / (2 mu (1 - rho)).
        assert!((mg1_mean_wait(0.5, 1.0, 0.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn quantiles_match_tables() {
        assert!((t_quantile(0.975, 9.0) - 2.262_157).abs() < 1e-6);
        assert!((t_quantile(0.995, 29.0) - 2.756_386).abs() < 1e-6);
        assert!((t_quantile(0.995, 99.0) - 2.626_405).abs() < 1e-6);
    }
}
