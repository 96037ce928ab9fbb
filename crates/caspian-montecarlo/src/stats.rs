//! Output analysis over independent replications: Student-t intervals,
//! sample quantiles and paired differences.
//!
//! Every function here reduces its input in the order given, so the same
//! replication records always give bit-identical statistics, whatever thread
//! or machine produced them. Non-finite values (a KPI undefined in a
//! replication, such as a mean wait when no vessel called) are left out, and
//! `n` says how many values remained.

use caspian_engine::Tally;
use caspian_engine::special::std_normal_cdf;
use serde::{Deserialize, Serialize};

use crate::rare::RareEvents;

/// Confidence level of every interval the runner reports.
pub const CONFIDENCE: f64 = 0.95;

/// Summary statistics of one KPI over replications.
///
/// Fields are NaN when undefined: everything when `n == 0`, the standard
/// deviation and interval when `n == 1`. JSON writes NaN as `null`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Sample mean.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub mean: f64,
    /// Sample standard deviation (n - 1 denominator).
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub sd: f64,
    /// Lower end of the 95% Student-t confidence interval for the mean.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub ci95_low: f64,
    /// Upper end of that interval.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub ci95_high: f64,
    /// 5th percentile of the replication values.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub p05: f64,
    /// Median.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub p50: f64,
    /// 95th percentile.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub p95: f64,
    /// Number of replications with a defined (finite) value.
    pub n: u64,
    /// How often the event occurred, for the rare-event KPIs
    /// ([`crate::rare`]); absent for other KPIs and in older documents.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rare::deserialize_named"
    )]
    pub rare: Option<RareEvents>,
}

impl Summary {
    /// Summarises the finite values of `values`, in order.
    pub fn of(values: &[f64]) -> Self {
        let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let n = finite.len();
        let (mean, var) = mean_var(&finite);
        let sd = var.sqrt();
        let hw = half_width(sd, n);
        finite.sort_by(f64::total_cmp);
        Self {
            mean,
            sd,
            ci95_low: mean - hw,
            ci95_high: mean + hw,
            p05: quantile_sorted(&finite, 0.05),
            p50: quantile_sorted(&finite, 0.50),
            p95: quantile_sorted(&finite, 0.95),
            n: n as u64,
            rare: None,
        }
    }

    /// Half-width of the confidence interval (NaN when undefined).
    pub fn half_width(&self) -> f64 {
        (self.ci95_high - self.ci95_low) / 2.0
    }

    /// Half-width relative to the magnitude of the mean. Zero when the
    /// interval has zero width (a KPI that never varies), infinite when the
    /// mean is zero but the interval is not.
    pub fn rel_half_width(&self) -> f64 {
        let hw = self.half_width();
        if hw == 0.0 {
            0.0
        } else if self.mean == 0.0 {
            f64::INFINITY
        } else {
            hw / self.mean.abs()
        }
    }
}

/// Mean and sample variance (n - 1 denominator) by Welford's update, in input
/// order ([`caspian_engine::Tally`], the workspace's one implementation).
/// `(NaN, NaN)` for no values, variance NaN for one.
pub fn mean_var(values: &[f64]) -> (f64, f64) {
    let mut tally = Tally::new();
    values.iter().for_each(|&x| tally.record(x));
    // `+ 0.0` turns the mean of a lone -0.0 into 0.0, as summing from zero
    // did before `Tally` was used here; every other value is unchanged.
    (tally.mean().map_or(f64::NAN, |m| m + 0.0), tally.variance().unwrap_or(f64::NAN))
}

/// The moments of paired values for a ratio of their means: each one's
/// mean and sample variance ([`mean_var`]) and their sample covariance,
/// over the first `min(len)` pairs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairedMoments {
    /// Pairs used.
    pub n: usize,
    /// Mean and variance of the first values.
    pub x: (f64, f64),
    /// Mean and variance of the second values.
    pub y: (f64, f64),
    /// Their covariance (n - 1 denominator).
    pub cov: f64,
}

impl PairedMoments {
    /// The moments of `(x_j, y_j)`; `None` with fewer than two pairs.
    pub fn of(x: &[f64], y: &[f64]) -> Option<Self> {
        let n = x.len().min(y.len());
        if n < 2 {
            return None;
        }
        let (x, y) = (&x[..n], &y[..n]);
        let (mx, vx) = mean_var(x);
        let (my, vy) = mean_var(y);
        let cov = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum::<f64>() / (n - 1) as f64;
        Some(Self { n, x: (mx, vx), y: (my, vy), cov })
    }
}

/// Half-width of the 95% Student-t interval for a mean of `n` values with
/// standard deviation `sd`.
pub fn half_width(sd: f64, n: usize) -> f64 {
    if n < 2 {
        return f64::NAN;
    }
    t_quantile(0.5 + CONFIDENCE / 2.0, (n - 1) as f64) * sd / (n as f64).sqrt()
}

/// Sample quantile of sorted values, linear interpolation between order
/// statistics (Hyndman and Fan type 7, the default of R and NumPy).
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * p;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Paired comparison of two KPIs observed on the same replications (common
/// random numbers): `policy - base`, pair by pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PairedDifference {
    /// Mean of the differences.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub mean_diff: f64,
    /// Lower end of its 95% Student-t interval.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub ci95_low: f64,
    /// Upper end.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub ci95_high: f64,
    /// Sample correlation of the pairs.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub correlation: f64,
    /// Variance of a difference of independent samples over the variance of
    /// the paired difference: how many times fewer replications the paired
    /// design needs for the same interval. Above 1 means common random numbers
    /// helped; NaN when the paired variance is zero.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub variance_reduction: f64,
    /// Number of pairs where both values are finite.
    pub n: u64,
}

/// The largest variance-reduction factor tables show as a number
/// ([`PairedDifference::variance_reduction_text`]).
pub const VARIANCE_REDUCTION_SHOWN_UP_TO: f64 = 1000.0;

impl PairedDifference {
    /// Compares `policy` with `base`, pairing values by position. Pairs in
    /// which either value is not finite are left out.
    pub fn of(base: &[f64], policy: &[f64]) -> Self {
        let pairs: Vec<(f64, f64)> = base
            .iter()
            .zip(policy)
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .map(|(&a, &b)| (a, b))
            .collect();
        let n = pairs.len();
        let diffs: Vec<f64> = pairs.iter().map(|(a, b)| b - a).collect();
        let (mean_diff, var_d) = mean_var(&diffs);
        let a: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let b: Vec<f64> = pairs.iter().map(|p| p.1).collect();
        let (mean_a, var_a) = mean_var(&a);
        let (mean_b, var_b) = mean_var(&b);
        let cov = if n > 1 {
            pairs.iter().map(|(x, y)| (x - mean_a) * (y - mean_b)).sum::<f64>() / (n - 1) as f64
        } else {
            f64::NAN
        };
        // Within [-1, 1], which rounding can pass (1.0000000000000004 for
        // two columns equal but for a constant); NaN stays NaN.
        let correlation = (cov / (var_a * var_b).sqrt()).clamp(-1.0, 1.0);
        let hw = half_width(var_d.sqrt(), n);
        let variance_reduction = if var_d > 0.0 { (var_a + var_b) / var_d } else { f64::NAN };
        Self {
            mean_diff,
            ci95_low: mean_diff - hw,
            ci95_high: mean_diff + hw,
            correlation,
            variance_reduction,
            n: n as u64,
        }
    }

    /// The variance reduction as a table shows it, numbers written by
    /// `number`: a factor above [`VARIANCE_REDUCTION_SHOWN_UP_TO`] is
    /// `>1,000`. Such a factor comes from a KPI the policy barely moves
    /// (each pair nearly equal, so the paired variance is almost nothing):
    /// it says only that common random numbers removed nearly all the noise
    /// of the difference, and a figure like 2,056,298 reads as more than
    /// that. Result documents keep the exact value.
    pub fn variance_reduction_text(&self, number: impl Fn(f64) -> String) -> String {
        if self.variance_reduction > VARIANCE_REDUCTION_SHOWN_UP_TO {
            ">1,000".to_string()
        } else {
            number(self.variance_reduction)
        }
    }

    /// Whether the interval excludes zero (the difference is significant at
    /// the 5% level).
    pub fn is_significant(&self) -> bool {
        self.ci95_low > 0.0 || self.ci95_high < 0.0
    }
}

/// Quantile of Student's t distribution with `df` degrees of freedom.
///
/// Inverts the exact CDF (regularised incomplete beta function) by bisection
/// refined with Newton steps: within 1e-9 of tabled values for 1 <= `df` <=
/// 10^6 (replication counts), about 1e-6 at `df` = 10^9. Infinite `df` gives
/// the normal quantile.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    assert!(p > 0.0 && p < 1.0, "quantile level {p} outside (0, 1)");
    assert!(df > 0.0, "degrees of freedom {df} must be positive");
    if p == 0.5 {
        return 0.0;
    }
    if p < 0.5 {
        return -t_quantile(1.0 - p, df);
    }
    // A run summarises every KPI with the same (p, df): thousands of KPIs
    // with a long monthly series. The last answer of this thread is kept
    // (a pure function of its arguments, so the cache changes no value).
    thread_local! {
        static LAST: std::cell::Cell<(f64, f64, f64)> = const { std::cell::Cell::new((f64::NAN, f64::NAN, f64::NAN)) };
    }
    let (last_p, last_df, last_q) = LAST.get();
    if last_p == p && last_df == df {
        return last_q;
    }
    let q = t_quantile_uncached(p, df);
    LAST.set((p, df, q));
    q
}

/// [`t_quantile`] for `p > 0.5`, computed.
fn t_quantile_uncached(p: f64, df: f64) -> f64 {
    // Bracket: the t quantile lies above 0 and grows as df shrinks.
    let lo = 0.0;
    let mut hi = 1.0;
    while t_cdf(hi, df) < p {
        hi *= 2.0;
        if hi > 1e12 {
            return hi;
        }
    }
    invert_cdf(p, (lo, hi), |x| t_cdf(x, df), |x| t_pdf(x, df))
}

/// The `x` in `bracket` where the increasing `cdf` reaches `p`: bisection
/// refined with Newton steps (`pdf` is the derivative of `cdf`), to
/// |cdf(x) - p| < 1e-15 or a bracket narrower than 1e-14 x.
pub(crate) fn invert_cdf(
    p: f64,
    bracket: (f64, f64),
    cdf: impl Fn(f64) -> f64,
    pdf: impl Fn(f64) -> f64,
) -> f64 {
    let (mut lo, mut hi) = bracket;
    let mut x = 0.5 * (lo + hi);
    for _ in 0..200 {
        let f = cdf(x) - p;
        if f.abs() < 1e-15 {
            break;
        }
        if f > 0.0 {
            hi = x;
        } else {
            lo = x;
        }
        // Newton step, kept inside the bracket; bisection otherwise.
        let newton = x - f / pdf(x);
        x = if newton > lo && newton < hi { newton } else { 0.5 * (lo + hi) };
        if hi - lo < 1e-14 * hi {
            break;
        }
    }
    x
}

/// CDF of Student's t distribution.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    if df.is_infinite() {
        return std_normal_cdf(t);
    }
    let x = df / (df + t * t);
    let tail = 0.5 * inc_beta(0.5 * df, 0.5, x);
    if t > 0.0 { 1.0 - tail } else { tail }
}

fn t_pdf(t: f64, df: f64) -> f64 {
    let ln = ln_gamma(0.5 * (df + 1.0))
        - ln_gamma(0.5 * df)
        - 0.5 * (df * std::f64::consts::PI).ln()
        - 0.5 * (df + 1.0) * (1.0 + t * t / df).ln();
    ln.exp()
}

/// Regularised incomplete beta function I_x(a, b) (continued fraction,
/// modified Lentz; Numerical Recipes section 6.4).
pub(crate) fn inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * beta_cf(a, b, x) / a
    } else {
        1.0 - ln_front.exp() * beta_cf(b, a, 1.0 - x) / b
    }
}

fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let clamp = |v: f64| if v.abs() < TINY { TINY } else { v };
    // One modified-Lentz step with coefficient `aa`: updates (c, d) and
    // returns the factor that multiplies the running value.
    let step = |c: &mut f64, d: &mut f64, aa: f64| {
        *d = 1.0 / clamp(1.0 + aa * *d);
        *c = clamp(1.0 + aa / *c);
        *d * *c
    };
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 / clamp(1.0 - qab * x / qap);
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        h *= step(&mut c, &mut d, m * (b - m) * x / ((qam + m2) * (a + m2)));
        let del = step(&mut c, &mut d, -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)));
        h *= del;
        if (del - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

/// ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9; relative error
/// below 1e-15).
pub(crate) fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = C[0];
    for (i, &c) in C.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        // Two-sided 95% and 99% critical values from standard tables.
        let table = [
            (0.975, 1.0, 12.706_204_736),
            (0.975, 2.0, 4.302_652_730),
            (0.975, 4.0, 2.776_445_105),
            (0.975, 9.0, 2.262_157_163),
            (0.975, 29.0, 2.045_229_642),
            (0.975, 99.0, 1.984_216_952),
            (0.995, 29.0, 2.756_385_904),
            (0.995, 4.0, 4.604_094_871),
            (0.95, 10.0, 1.812_461_123),
        ];
        for (p, df, expect) in table {
            let got = t_quantile(p, df);
            assert!((got - expect).abs() < 1e-8, "t({p}, {df}) = {got}, table {expect}");
            assert!((t_quantile(1.0 - p, df) + expect).abs() < 1e-8);
        }
        // The normal limit (tables of the normal quantile).
        assert!((t_quantile(0.975, f64::INFINITY) - 1.959_963_984_540_054).abs() < 1e-12);
        assert!((t_quantile(0.995, f64::INFINITY) - 2.575_829_303_548_901).abs() < 1e-12);
        // Large df approaches it from above.
        let big = t_quantile(0.975, 1e6);
        assert!(big > 1.959_963_984_540_054 && big - 1.959_963_984_540_054 < 1e-5, "{big}");
    }

    #[test]
    fn summary_of_known_values() {
        let s = Summary::of(&[1.0, 2.0, 3.0, 4.0, f64::NAN]);
        assert_eq!(s.n, 4);
        assert_eq!(s.mean, 2.5);
        assert!((s.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-15);
        // t(0.975, 3) = 3.182446305.
        let hw = 3.182_446_305 * s.sd / 2.0;
        assert!((s.ci95_high - 2.5 - hw).abs() < 1e-8);
        // Type 7: h = 3p; p05 -> 1 + 0.15, p50 -> 2.5, p95 -> 3 + 0.85.
        assert!((s.p05 - 1.15).abs() < 1e-12);
        assert_eq!(s.p50, 2.5);
        assert!((s.p95 - 3.85).abs() < 1e-12);
    }

    #[test]
    fn summary_of_degenerate_inputs() {
        let empty = Summary::of(&[]);
        assert_eq!(empty.n, 0);
        assert!(empty.mean.is_nan() && empty.p50.is_nan());
        let one = Summary::of(&[7.0]);
        assert_eq!((one.mean, one.p05, one.p95, one.n), (7.0, 7.0, 7.0, 1));
        assert!(one.sd.is_nan() && one.ci95_low.is_nan());
        let flat = Summary::of(&[3.0; 10]);
        assert_eq!((flat.ci95_low, flat.ci95_high, flat.rel_half_width()), (3.0, 3.0, 0.0));
    }

    #[test]
    fn paired_difference_of_shifted_values() {
        let base = [1.0, 5.0, 2.0, 8.0, 4.0];
        let policy: Vec<f64> = base.iter().map(|x| x + 1.5).collect();
        let d = PairedDifference::of(&base, &policy);
        assert_eq!(d.n, 5);
        assert!((d.mean_diff - 1.5).abs() < 1e-12);
        // Identical spread, perfectly correlated: zero paired variance.
        assert!((d.correlation - 1.0).abs() < 1e-12);
        assert!(d.variance_reduction.is_nan());
        assert!(d.is_significant());
    }

    #[test]
    fn paired_difference_of_independent_noise_has_no_reduction_on_average() {
        // Uncorrelated pairs: the variance ratio is close to 1.
        let base: Vec<f64> = (0..2000).map(|i| ((i * 7919) % 1000) as f64).collect();
        let policy: Vec<f64> = (0..2000).map(|i| ((i * 104_729 + 17) % 1000) as f64).collect();
        let d = PairedDifference::of(&base, &policy);
        assert!(d.correlation.abs() < 0.1, "correlation {}", d.correlation);
        assert!((d.variance_reduction - 1.0).abs() < 0.2, "{}", d.variance_reduction);
    }

    #[test]
    fn a_variance_reduction_above_a_thousand_is_shown_as_such() {
        let shown = |base: &[f64], policy: &[f64]| {
            PairedDifference::of(base, policy).variance_reduction_text(|x| format!("{x:.1}"))
        };
        let base = [1.0, 5.0, 2.0, 8.0, 4.0];
        // A policy that moves each pair by almost nothing.
        let nudged = [1.0, 5.001, 2.0, 8.0, 4.0];
        assert_eq!(shown(&base, &nudged), ">1,000");
        let noisy = [2.0, 5.0, 4.0, 8.0, 3.0];
        let d = PairedDifference::of(&base, &noisy);
        assert!(d.variance_reduction < VARIANCE_REDUCTION_SHOWN_UP_TO);
        assert_eq!(shown(&base, &noisy), format!("{:.1}", d.variance_reduction));
        // No paired variance at all: NaN, shown by the formatter as it is.
        assert_eq!(shown(&base, &base), "NaN");
    }
}
