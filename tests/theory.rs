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

/// Standard normal quantile (Acklam's rational approximation, relative error
/// below 1.2e-9).
pub fn normal_quantile(p: f64) -> f64 {
    assert!(p > 0.0 && p < 1.0);
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let p_low = 0.02425;
    if p < p_low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - p_low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -normal_quantile(1.0 - p)
    }
}

/// Student-t quantile with `df` degrees of freedom (Cornish–Fisher expansion
/// around the normal quantile; within 0.1% of tables for df >= 10).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    let z = normal_quantile(p);
    let z3 = z.powi(3);
    let z5 = z.powi(5);
    let z7 = z.powi(7);
    z + (z3 + z) / (4.0 * df)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * df * df)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * df.powi(3))
}

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
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
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
        assert!((normal_quantile(0.975) - 1.959_964).abs() < 1e-6);
        assert!((t_quantile(0.975, 9.0) - 2.262_157).abs() < 2e-3);
        assert!((t_quantile(0.995, 29.0) - 2.756_386).abs() < 2e-3);
        assert!((t_quantile(0.995, 99.0) - 2.626_405).abs() < 1e-3);
    }
}
