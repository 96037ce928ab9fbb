//! Intervals for proportions and Poisson rates, which stay inside their
//! parameter's range: the Wilson score interval for a probability, the
//! Clopper-Pearson (exact) one-sided bounds, and the Garwood (exact)
//! interval for the mean of a Poisson count.
//!
//! Clopper-Pearson bounds are beta quantiles, found by bisection on the
//! regularised incomplete beta function.
//!
//! The Garwood interval needs chi-square quantiles, found here by inverting
//! the regularised lower incomplete gamma function (series and continued
//! fraction, Numerical Recipes section 6.2) with bisection refined by Newton
//! steps.

use crate::stats::{CONFIDENCE, inc_beta, invert_cdf, ln_gamma, t_quantile};

/// The two-sided normal critical value of [`CONFIDENCE`] (1.96 at 95%).
pub fn z_critical() -> f64 {
    t_quantile(0.5 + CONFIDENCE / 2.0, f64::INFINITY)
}

/// Wilson score interval at [`CONFIDENCE`] for a probability, from `k`
/// successes in `n` trials; `(NaN, NaN)` when `n` is 0. Always within
/// `[0, 1]`, and informative at `k = 0` (upper bound `z²/(n + z²)`).
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let z = z_critical();
    let (k, n) = (k.min(n) as f64, n as f64);
    let z2 = z * z;
    let centre = (k + z2 / 2.0) / (n + z2);
    let half = z * (k * (n - k) / n + z2 / 4.0).sqrt() / (n + z2);
    // At k = 0 or k = n one end is exactly 0 or 1; rounding must not move it.
    let low = if k == 0.0 { 0.0 } else { (centre - half).max(0.0) };
    let high = if k == n { 1.0 } else { (centre + half).min(1.0) };
    (low, high)
}

/// Garwood exact interval at [`CONFIDENCE`] for the mean of a Poisson
/// count per unit of exposure, from a total count `total` over `exposure`
/// units (replications): `[χ²(α/2; 2K) / 2n, χ²(1 − α/2; 2K + 2) / 2n]`,
/// with lower bound 0 when `K = 0`. `(NaN, NaN)` when `exposure` is 0 or
/// `total` is negative or not finite.
pub fn garwood(total: f64, exposure: u64) -> (f64, f64) {
    if exposure == 0 || !total.is_finite() || total < 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let alpha = 1.0 - CONFIDENCE;
    let two_n = 2.0 * exposure as f64;
    let low = if total == 0.0 { 0.0 } else { chi2_quantile(alpha / 2.0, 2.0 * total) / two_n };
    let high = chi2_quantile(1.0 - alpha / 2.0, 2.0 * total + 2.0) / two_n;
    (low, high)
}

/// One-sided Clopper-Pearson bounds for a probability from `k` successes in
/// `n` trials, each holding with probability at least `1 - level`:
/// `(lower, upper)` with `lower = B(level; k, n - k + 1)` (0 when `k = 0`)
/// and `upper = B(1 - level; k + 1, n - k)` (1 when `k = n`), B the beta
/// quantile. `(NaN, NaN)` when `n` is 0 or `level` is not in (0, 1).
pub fn clopper_pearson(k: u64, n: u64, level: f64) -> (f64, f64) {
    if n == 0 || !(level > 0.0 && level < 1.0) {
        return (f64::NAN, f64::NAN);
    }
    let (kf, nf) = (k.min(n) as f64, n as f64);
    let lower = if k == 0 { 0.0 } else { beta_quantile(level, kf, nf - kf + 1.0) };
    let upper = if k >= n { 1.0 } else { beta_quantile(1.0 - level, kf + 1.0, nf - kf) };
    (lower, upper)
}

/// Quantile of the beta distribution with shapes `a, b > 0`, for `0 < p < 1`:
/// bisection on the regularised incomplete beta function, to 1e-15.
pub fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    if !(p > 0.0 && p < 1.0 && a > 0.0 && b > 0.0) {
        return f64::NAN;
    }
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if inc_beta(a, b, mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-15 {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// Degrees of freedom from which [`chi2_quantile`] uses the Wilson–Hilferty
/// approximation: the incomplete gamma series would need thousands of terms,
/// and the approximation's relative error is below 1e-9 there (tested
/// against 30-digit values: within 1e-3 at 2·10^6 degrees of freedom).
const WILSON_HILFERTY_DF: f64 = 2e5;

/// Quantile of the chi-square distribution with `df > 0` degrees of
/// freedom, for `0 < p < 1` (NaN otherwise).
pub fn chi2_quantile(p: f64, df: f64) -> f64 {
    if df >= WILSON_HILFERTY_DF && p > 0.0 && p < 1.0 {
        // (χ²/k)^(1/3) is nearly normal with mean 1 − 2/(9k), variance 2/(9k).
        let z = t_quantile(p, f64::INFINITY);
        let v = 2.0 / (9.0 * df);
        return df * (1.0 - v + z * v.sqrt()).powi(3);
    }
    2.0 * gamma_quantile(p, df / 2.0)
}

/// Quantile of the standard gamma distribution with shape `a > 0`.
fn gamma_quantile(p: f64, a: f64) -> f64 {
    if !(p > 0.0 && p < 1.0 && a > 0.0 && a.is_finite()) {
        return f64::NAN;
    }
    let mut hi = a.max(1.0);
    while gamma_p(a, hi) < p {
        hi *= 2.0;
        if hi > 1e300 {
            return f64::INFINITY;
        }
    }
    let density = |x: f64| ((a - 1.0) * x.ln() - x - ln_gamma(a)).exp();
    invert_cdf(p, (0.0, hi), |x| gamma_p(a, x), density)
}

/// Terms the series or continued fraction may need near `x = a`: they
/// converge in O(√a) steps there (shape up to 10^5, see
/// [`WILSON_HILFERTY_DF`]).
fn iterations(a: f64) -> u32 {
    1000 + (20.0 * a.sqrt()).min(1e6) as u32
}

/// Regularised lower incomplete gamma function P(a, x).
fn gamma_p(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let ln_front = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        // Series: P = e^{-x} x^a / Γ(a) · Σ x^n / (a (a+1) ... (a+n)).
        let (mut term, mut sum, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..iterations(a) {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-17 {
                break;
            }
        }
        (sum.ln() + ln_front).exp()
    } else {
        // Continued fraction for Q = 1 - P (modified Lentz).
        const TINY: f64 = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..iterations(a) {
            let an = -f64::from(i) * (f64::from(i) - a);
            b += 2.0;
            d = an * d + b;
            d = if d.abs() < TINY { TINY } else { d };
            c = b + an / c;
            c = if c.abs() < TINY { TINY } else { c };
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        1.0 - (ln_front.exp() * h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_quantiles_of_huge_counts_match_30_digit_values() {
        // mpmath 1.3, 30 digits: inverse of gammainc(k/2, 0, x, regularized).
        close(chi2_quantile(0.025, 2e6), 1_996_081.966_680_587_8, 2e-3);
        close(chi2_quantile(0.975, 2e6 + 2.0), 2_003_923.823_890_864_4, 2e-3);
        // Both sides of the switch agree.
        let below = 2.0 * gamma_quantile(0.025, WILSON_HILFERTY_DF / 2.0);
        close(chi2_quantile(0.025, WILSON_HILFERTY_DF), below, below * 1e-8);
        // The interval of a huge count holds its mean (1e8 a replication).
        let (low, high) = garwood(3e8, 3);
        assert!(low < 1e8 && 1e8 < high, "[{low}, {high}]");
    }

    fn close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol, "got {got}, want {want}");
    }

    #[test]
    fn chi_square_quantiles_match_tables() {
        // Reference values to 10 digits (mpmath, 30 digits; they agree with
        // the tables of Abramowitz and Stegun 26.4 to the digits printed there).
        let table = [
            (0.95, 1.0, 3.841_458_821),
            (0.975, 2.0, 7.377_758_908),
            (0.025, 2.0, 0.050_635_616),
            (0.975, 10.0, 20.483_177_350),
            (0.025, 10.0, 3.246_972_780),
            (0.975, 22.0, 36.780_712_084),
            (0.025, 20.0, 9.590_777_392),
            (0.5, 100.0, 99.334_129_236),
        ];
        for (p, df, want) in table {
            close(chi2_quantile(p, df), want, 1e-7 * want.max(1.0));
        }
        assert!(chi2_quantile(0.0, 2.0).is_nan() && chi2_quantile(0.5, 0.0).is_nan());
    }

    #[test]
    fn garwood_matches_published_poisson_limits() {
        // Exact 95% limits for a Poisson mean (Garwood 1936; e.g. the
        // tables of Ulm 1990): K = 0 -> [0, 3.689], 1 -> [0.0253, 5.572],
        // 10 -> [4.795, 18.39].
        let (lo, hi) = garwood(0.0, 1);
        assert_eq!(lo, 0.0);
        close(hi, -(0.025f64).ln(), 1e-9); // 3.68888
        let (lo, hi) = garwood(1.0, 1);
        close(lo, -(0.975f64).ln(), 1e-9); // 0.02532
        close(hi, 5.571_643_391, 1e-7);
        let (lo, hi) = garwood(10.0, 1);
        close(lo, 4.795_388_696, 1e-7);
        close(hi, 18.390_356_042, 1e-7);
        // Per unit of exposure: the same over 200 replications.
        let (lo, hi) = garwood(10.0, 200);
        close(lo, 4.795_388_696 / 200.0, 1e-9);
        close(hi, 18.390_356_042 / 200.0, 1e-9);
        assert!(garwood(1.0, 0).0.is_nan() && garwood(-1.0, 5).1.is_nan());
    }

    #[test]
    fn clopper_pearson_matches_closed_forms_and_tables() {
        // k = 0: upper = 1 - level^(1/n); k = n: lower = level^(1/n).
        for (n, level) in [(10_u64, 0.05), (20, 0.025), (7, 0.1)] {
            let (lo, hi) = clopper_pearson(0, n, level);
            assert_eq!(lo, 0.0);
            close(hi, 1.0 - level.powf(1.0 / n as f64), 1e-12);
            let (lo, hi) = clopper_pearson(n, n, level);
            assert_eq!(hi, 1.0);
            close(lo, level.powf(1.0 / n as f64), 1e-12);
        }
        // k = 1 of n = 2 at 0.025 each side: the exact 95% interval
        // [0.01257912, 0.98742088] (1 - sqrt(0.975) and its mirror).
        let (lo, hi) = clopper_pearson(1, 2, 0.025);
        close(lo, 1.0 - 0.975_f64.sqrt(), 1e-12);
        close(hi, 0.975_f64.sqrt(), 1e-12);
        // k = 5 of n = 10, two-sided 95%: [0.187086, 0.812914] (published).
        let (lo, hi) = clopper_pearson(5, 10, 0.025);
        close(lo, 0.187_086, 1e-6);
        close(hi, 0.812_914, 1e-6);
        assert!(clopper_pearson(1, 0, 0.05).0.is_nan());
        assert!(clopper_pearson(1, 5, 1.0).0.is_nan());
    }

    #[test]
    fn wilson_matches_known_values_and_stays_in_the_unit_interval() {
        // k = 0 of 10: [0, z²/(10 + z²)] = [0, 0.2775].
        let (lo, hi) = wilson(0, 10);
        assert_eq!(lo, 0.0);
        close(hi, 0.277_533_6, 1e-6);
        // 5 of 10: [0.2366, 0.7634] (Newcombe 1998, table I style).
        let (lo, hi) = wilson(5, 10);
        close(lo, 0.236_593, 1e-5);
        close(hi, 0.763_407, 1e-5);
        // 10 of 10: [0.7225, 1].
        let (lo, hi) = wilson(10, 10);
        close(lo, 0.722_466_4, 1e-6);
        assert_eq!(hi, 1.0);
        assert!(wilson(0, 0).0.is_nan());
        for n in 1..40 {
            for k in 0..=n {
                let (lo, hi) = wilson(k, n);
                let p = k as f64 / n as f64;
                assert!((0.0..=p).contains(&lo) && (p..=1.0).contains(&hi), "{k}/{n}");
            }
        }
    }
}
