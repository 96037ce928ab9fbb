//! Sensitivity of a KPI to the swept keys: partial rank correlation
//! coefficients (PRCC; Marino et al. 2008) with 95% intervals.
//!
//! For each input `x_j` and the output `y`: rank-transform every input and
//! the output (ties get their average rank), regress `rank(x_j)` and
//! `rank(y)` on the other inputs' ranks (with an intercept), and correlate
//! the two residual series. The coefficient measures a monotone, not only
//! linear, influence of `x_j` with the other inputs held fixed.
//!
//! The 95% interval comes from Fisher's z: `atanh(r) ± z₀.₉₇₅ / sqrt(n − 3 − p)`,
//! where `p` is the number of other inputs (the t statistic of a partial
//! correlation has `n − 2 − p` degrees of freedom; Fisher's z of a partial
//! correlation has standard error `1 / sqrt(n − 3 − p)`). With too few
//! observations for that (`n ≤ 3 + p`) the interval is undefined (NaN).
//!
//! A sweep's sensitivity is computed from its document: one observation per
//! design point, the point's mean over its replications (what a Latin
//! hypercube with few replications per point gives).

use crate::intervals::z_critical;

/// One input's partial rank correlation with the output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prcc {
    /// The coefficient, in `[-1, 1]` (NaN when undefined: a constant input
    /// or output, or an input the others determine).
    pub coefficient: f64,
    /// Lower end of its 95% interval.
    pub ci95_low: f64,
    /// Upper end of its 95% interval.
    pub ci95_high: f64,
}

impl Prcc {
    /// Whether the interval excludes zero.
    pub fn is_significant(&self) -> bool {
        self.ci95_low > 0.0 || self.ci95_high < 0.0
    }
}

/// Ranks of `values` from 1, ties sharing their average rank.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

/// Residuals of the least-squares fit of `y` on `columns` and an intercept
/// (solved by the normal equations; the systems here are at most a few
/// inputs wide). `None` when the columns are linearly dependent.
fn residuals(y: &[f64], columns: &[&[f64]]) -> Option<Vec<f64>> {
    let n = y.len();
    let k = columns.len() + 1;
    let x = |i: usize, c: usize| if c == 0 { 1.0 } else { columns[c - 1][i] };
    // Augmented normal equations [X'X | X'y].
    let mut m = vec![vec![0.0; k + 1]; k];
    for (r, row) in m.iter_mut().enumerate() {
        for (c, cell) in row.iter_mut().enumerate().take(k) {
            *cell = (0..n).map(|i| x(i, r) * x(i, c)).sum();
        }
        row[k] = (0..n).map(|i| x(i, r) * y[i]).sum();
    }
    // Gauss-Jordan elimination with partial pivoting.
    let scale =
        m.iter().map(|r| r[..k].iter().fold(0.0_f64, |a, v| a.max(v.abs()))).fold(0.0, f64::max);
    for col in 0..k {
        let pivot = (col..k).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() <= 1e-10 * scale.max(f64::MIN_POSITIVE) {
            return None;
        }
        m.swap(col, pivot);
        let p = m[col][col];
        for v in &mut m[col] {
            *v /= p;
        }
        let pivot_row = m[col].clone();
        for (r, row) in m.iter_mut().enumerate() {
            let f = row[col];
            if r != col && f != 0.0 {
                for (cell, p) in row.iter_mut().zip(&pivot_row) {
                    *cell -= f * p;
                }
            }
        }
    }
    let beta: Vec<f64> = m.iter().map(|r| r[k]).collect();
    Some((0..n).map(|i| y[i] - (0..k).map(|c| beta[c] * x(i, c)).sum::<f64>()).collect())
}

/// Pearson's correlation of two series (NaN when either is constant).
fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    // Residuals that are zero up to rounding are a constant series.
    let tiny = 1e-20 * n * n * n;
    if saa <= tiny || sbb <= tiny {
        return f64::NAN;
    }
    (sab / (saa * sbb).sqrt()).clamp(-1.0, 1.0)
}

/// The PRCC of each input with the output: `inputs[j]` holds input `j`'s
/// value at every observation, `output` the output's. Observations where
/// the output is not finite are left out.
///
/// # Panics
/// Never; mismatched lengths give NaN coefficients.
pub fn prcc(inputs: &[Vec<f64>], output: &[f64]) -> Vec<Prcc> {
    let undefined = Prcc { coefficient: f64::NAN, ci95_low: f64::NAN, ci95_high: f64::NAN };
    let keep: Vec<usize> = (0..output.len())
        .filter(|&i| {
            output[i].is_finite() && inputs.iter().all(|x| x.get(i).is_some_and(|v| v.is_finite()))
        })
        .collect();
    let p = inputs.len();
    let n = keep.len();
    let ry = ranks(&keep.iter().map(|&i| output[i]).collect::<Vec<_>>());
    let rx: Vec<Vec<f64>> =
        inputs.iter().map(|x| ranks(&keep.iter().map(|&i| x[i]).collect::<Vec<_>>())).collect();
    // An input that does not vary (an axis of one value) has no PRCC and
    // holds nothing fixed: left in, it would make every regression singular.
    let varies: Vec<bool> = rx.iter().map(|x| x.iter().any(|&v| v != x[0])).collect();
    if n < varies.iter().filter(|&&v| v).count() + 2 {
        return vec![undefined; p];
    }
    (0..p)
        .map(|j| {
            if !varies[j] {
                return undefined;
            }
            let others: Vec<&[f64]> = rx
                .iter()
                .enumerate()
                .filter(|&(k, _)| k != j && varies[k])
                .map(|(_, v)| v.as_slice())
                .collect();
            let (Some(ex), Some(ey)) = (residuals(&rx[j], &others), residuals(&ry, &others)) else {
                return undefined;
            };
            let r = correlation(&ex, &ey);
            let (low, high) = fisher_interval(r, n, others.len());
            Prcc { coefficient: r, ci95_low: low, ci95_high: high }
        })
        .collect()
}

/// The inputs' places in `coefficients`, the strongest influence (largest
/// `|PRCC|`) first and undefined ones last: the order of a tornado chart.
pub fn strongest_first(coefficients: &[Prcc]) -> Vec<usize> {
    let strength = |p: &Prcc| {
        let c = p.coefficient.abs();
        if c.is_nan() { -1.0 } else { c }
    };
    let mut order: Vec<usize> = (0..coefficients.len()).collect();
    order.sort_by(|&a, &b| strength(&coefficients[b]).total_cmp(&strength(&coefficients[a])));
    order
}

/// The 95% interval of a partial correlation `r` over `n` observations with
/// `others` inputs held fixed, by Fisher's z (NaN when `n ≤ 3 + others`).
pub fn fisher_interval(r: f64, n: usize, others: usize) -> (f64, f64) {
    if !r.is_finite() || n <= 3 + others {
        return (f64::NAN, f64::NAN);
    }
    if r.abs() >= 1.0 {
        return (r, r);
    }
    let se = 1.0 / ((n - 3 - others) as f64).sqrt();
    let z = r.atanh();
    let h = z_critical() * se;
    ((z - h).tanh(), (z + h).tanh())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixed pseudo-random sequence in [0, 1) (no RNG dependency needed).
    fn lcg(seed: u64, n: usize) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (s >> 11) as f64 / (1u64 << 53) as f64
            })
            .collect()
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[10.0, 30.0, 20.0, 20.0]), [1.0, 4.0, 2.5, 2.5]);
    }

    #[test]
    fn a_monotone_function_of_one_key_gets_one_and_an_unrelated_key_about_zero() {
        let n = 60;
        let x1 = lcg(1, n);
        let x2 = lcg(2, n);
        // y is a monotone (not linear) function of x1 alone: its ranks are
        // x1's, so the PRCC of x1 is exactly 1 (and x2's is 0/0, undefined:
        // nothing of y is left for x2 to explain).
        let y: Vec<f64> = x1.iter().map(|v| (3.0 * v).exp()).collect();
        let r = prcc(&[x1.clone(), x2.clone()], &y);
        assert!((r[0].coefficient - 1.0).abs() < 1e-9, "{:?}", r[0]);
        assert!(r[1].coefficient.is_nan(), "{:?}", r[1]);
        // A decreasing function gives -1.
        let y: Vec<f64> = x1.iter().map(|v| -v * v * v).collect();
        assert!((prcc(&[x1.clone(), x2.clone()], &y)[0].coefficient + 1.0).abs() < 1e-9);
        // With a little noise: x1 near 1, the unrelated x2 near 0 with an
        // interval that holds 0.
        let noise = lcg(9, n);
        let y: Vec<f64> = (0..n).map(|i| (3.0 * x1[i]).exp() + 0.5 * noise[i]).collect();
        let r = prcc(&[x1, x2], &y);
        assert!(r[0].coefficient > 0.9 && r[0].is_significant(), "{:?}", r[0]);
        assert!(r[1].coefficient.abs() < 0.3 && !r[1].is_significant(), "{:?}", r[1]);
    }

    #[test]
    fn a_key_that_does_not_vary_has_none_and_leaves_the_others_alone() {
        let n = 40;
        let (x1, x2, noise) = (lcg(6, n), lcg(7, n), lcg(8, n));
        let y: Vec<f64> = (0..n).map(|i| x1[i] + 0.3 * x2[i] + 0.2 * noise[i]).collect();
        let without = prcc(&[x1.clone(), x2.clone()], &y);
        let with = prcc(&[x1.clone(), vec![2.0; n], x2.clone()], &y);
        assert!(with[1].coefficient.is_nan() && with[1].ci95_low.is_nan(), "{:?}", with[1]);
        assert_eq!([with[0], with[2]], [without[0], without[1]]);
        assert!(with[0].is_significant() && with[2].is_significant(), "{with:?}");
        // Nor does it count against the points: four points for two keys
        // that vary give coefficients (the interval needs more).
        let few = |x: &[f64]| x[..4].to_vec();
        let (a, b) = (few(&x1), few(&x2));
        let without = prcc(&[a.clone(), b.clone()], &y[..4]);
        let with = prcc(&[a, vec![2.0; 4], b], &y[..4]);
        assert!(without[0].coefficient.is_finite(), "{without:?}");
        assert_eq!(
            [with[0], with[2]].map(|p| p.coefficient),
            [without[0], without[1]].map(|p| p.coefficient)
        );
    }

    /// Against the closed form of a first-order partial correlation on
    /// ranks: r_xy.z = (r_xy - r_xz r_yz) / sqrt((1 - r_xz²)(1 - r_yz²)).
    #[test]
    fn matches_the_closed_form_of_a_partial_correlation_and_its_interval() {
        let n = 30;
        let x1 = lcg(3, n);
        let x2 = lcg(4, n);
        let noise = lcg(5, n);
        let y: Vec<f64> = (0..n).map(|i| 2.0 * x1[i] - 1.0 * x2[i] + 1.5 * noise[i]).collect();
        let got = prcc(&[x1.clone(), x2.clone()], &y);
        let (r1, r2, ry) = (ranks(&x1), ranks(&x2), ranks(&y));
        let c = |a: &[f64], b: &[f64]| correlation(a, b);
        let partial = |x: &[f64], z: &[f64]| {
            let (rxy, rxz, ryz) = (c(x, &ry), c(x, z), c(&ry, z));
            (rxy - rxz * ryz) / ((1.0 - rxz * rxz) * (1.0 - ryz * ryz)).sqrt()
        };
        let want = [partial(&r1, &r2), partial(&r2, &r1)];
        for (g, w) in got.iter().zip(want) {
            assert!((g.coefficient - w).abs() < 1e-10, "{g:?} vs {w}");
            // Fisher z by hand: n = 30, one other input, se = 1/sqrt(26).
            let h = 1.959_963_984_540_054 / 26f64.sqrt();
            assert!((g.ci95_low - (w.atanh() - h).tanh()).abs() < 1e-9);
            assert!((g.ci95_high - (w.atanh() + h).tanh()).abs() < 1e-9);
        }
        assert!(got[0].coefficient > 0.3 && got[1].coefficient < 0.0, "{got:?}");
        assert!(got[0].is_significant());
    }

    #[test]
    fn too_few_or_constant_observations_are_undefined() {
        let r = prcc(&[vec![1.0, 2.0, 3.0], vec![3.0, 1.0, 2.0]], &[1.0, 2.0, 3.0]);
        assert!(r[0].ci95_low.is_nan(), "n = 3 leaves no degrees of freedom");
        let x = lcg(7, 10);
        let r = prcc(&[x], &[5.0; 10]);
        assert!(r[0].coefficient.is_nan(), "constant output");
    }
}
