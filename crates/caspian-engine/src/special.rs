//! Special functions shared by the model and the output analysis: the error
//! function and the standard normal density and distribution function.
//!
//! This is the one implementation in the workspace: `caspian-shipping` uses it
//! for the moments of the truncated normal, `caspian-montecarlo` for the
//! normal limit of Student's t, and the tests for theoretical values.

use std::f64::consts::{FRAC_2_SQRT_PI, SQRT_2};

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
    (FRAC_2_SQRT_PI * (-x * x).exp() * sum).min(1.0)
}

/// The error function `erf(x)`, to about 1e-16 absolute (NaN for NaN).
pub fn erf(x: f64) -> f64 {
    if x.is_nan() {
        f64::NAN
    } else if x >= 0.0 {
        erf_non_negative(x)
    } else {
        -erf_non_negative(-x)
    }
}

/// The standard normal density `phi(z)`.
pub fn std_normal_pdf(z: f64) -> f64 {
    const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;
    INV_SQRT_2PI * (-0.5 * z * z).exp()
}

/// The standard normal distribution function `Phi(z)`, to about 1e-16
/// absolute (NaN for NaN).
pub fn std_normal_cdf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    let e = erf_non_negative(z.abs() / SQRT_2);
    if z >= 0.0 { 0.5 * (1.0 + e) } else { 0.5 * (1.0 - e) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_published_values() {
        // Abramowitz and Stegun, table 7.1 (and its 16-digit recomputations).
        let table = [
            (0.0, 0.0),
            (0.1, 0.112_462_916_018_284_9),
            (0.5, 0.520_499_877_813_046_5),
            (1.0, 0.842_700_792_949_714_9),
            (1.5, 0.966_105_146_475_310_7),
            (2.0, 0.995_322_265_018_952_7),
            (3.0, 0.999_977_909_503_001_4),
            (4.0, 0.999_999_984_582_742_1),
        ];
        for (x, want) in table {
            assert!((erf(x) - want).abs() < 1e-15, "erf({x}) = {}, table {want}", erf(x));
            assert!((erf(-x) + want).abs() < 1e-15, "erf is odd at {x}");
        }
        assert_eq!(erf(10.0), 1.0);
        assert!(erf(f64::NAN).is_nan());
    }

    #[test]
    fn normal_cdf_matches_published_values() {
        let table = [
            (0.0, 0.5),
            (1.0, 0.841_344_746_068_542_9),
            (2.0, 0.977_249_868_051_820_8),
            (-1.5, 0.066_807_201_268_858_06),
            (-3.0, 0.001_349_898_031_630_094_5),
            (1.959_963_984_540_054, 0.975),
            (2.575_829_303_548_901, 0.995),
        ];
        for (z, want) in table {
            let got = std_normal_cdf(z);
            assert!((got - want).abs() < 1e-15, "Phi({z}) = {got}, table {want}");
        }
        assert!(std_normal_cdf(f64::NAN).is_nan());
        assert!((std_normal_pdf(0.0) - 0.398_942_280_401_432_7).abs() < 1e-16);
        assert!((std_normal_pdf(1.0) - 0.241_970_724_519_143_37).abs() < 1e-16);
    }
}
