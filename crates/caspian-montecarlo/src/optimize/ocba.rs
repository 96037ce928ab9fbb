//! Optimal computing budget allocation (OCBA; Chen, Lin, Yucesan & Chick
//! 2000, Discrete Event Dynamic Systems 10:251-270): where the next
//! replications do most for the probability of picking the best. No
//! guarantee by itself; it sharpens the shortlist that KN then settles.
//!
//! With `b` the current best (largest mean here; the caller negates a
//! quantity to minimise), `D_i = mean_b - mean_i` and `s_i` the standard
//! deviations: `N_i / N_j = (s_i / D_i)^2 / (s_j / D_j)^2` for `i, j != b`,
//! and `N_b = s_b sqrt(sum_{i != b} N_i^2 / s_i^2)`.

/// The OCBA proportions (summing to 1) for alternatives with `means` and
/// standard deviations `sds`. A gap of zero to the best is replaced by a
/// tiny one (such a rival needs the most replications); with every
/// deviation zero, equal shares.
pub fn proportions(means: &[f64], sds: &[f64]) -> Vec<f64> {
    let k = means.len();
    if k == 0 {
        return Vec::new();
    }
    let b = best(means);
    let scale = means.iter().map(|m| m.abs()).fold(0.0, f64::max).max(1.0);
    let mut w = vec![0.0; k];
    for i in (0..k).filter(|&i| i != b) {
        let gap = (means[b] - means[i]).max(1e-9 * scale);
        w[i] = (sds[i] / gap).powi(2);
    }
    let sum_sq: f64 =
        (0..k).filter(|&i| i != b && sds[i] > 0.0).map(|i| w[i] * w[i] / (sds[i] * sds[i])).sum();
    w[b] = sds[b] * sum_sq.sqrt();
    let total: f64 = w.iter().sum();
    if total > 0.0 && total.is_finite() {
        w.iter().map(|x| x / total).collect()
    } else {
        vec![1.0 / k as f64; k]
    }
}

/// The position of the largest mean (the first of equals).
pub fn best(means: &[f64]) -> usize {
    (0..means.len()).fold(0, |b, i| if means[i] > means[b] { i } else { b })
}

/// How `add` more replications are shared among alternatives that have
/// `counts` already: each is brought towards its OCBA share of the new
/// total, the shortfalls scaled to `add` by largest remainders (ties to the
/// lower position). Deterministic, and the result sums to `add`.
pub fn allocate(means: &[f64], sds: &[f64], counts: &[u64], add: u64) -> Vec<u64> {
    let k = means.len();
    if k == 0 || add == 0 {
        return vec![0; k];
    }
    let p = proportions(means, sds);
    let total = counts.iter().sum::<u64>() + add;
    let short: Vec<f64> =
        (0..k).map(|i| (p[i] * total as f64 - counts[i] as f64).max(0.0)).collect();
    let sum: f64 = short.iter().sum();
    let want: Vec<f64> = if sum > 0.0 {
        short.iter().map(|s| s / sum * add as f64).collect()
    } else {
        p.iter().map(|x| x * add as f64).collect()
    };
    let mut out: Vec<u64> = want.iter().map(|w| w.floor() as u64).collect();
    let mut left = add - out.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (want[a] - want[a].floor(), want[b] - want[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportions_match_hand_computed_ratios() {
        // Means 10, 8, 6; sds 1, 1, 2. Gaps 2 and 4: w1 = (1/2)^2 = 0.25,
        // w2 = (2/4)^2 = 0.25; w0 = 1 * sqrt(0.25^2/1 + 0.25^2/4) = 0.279508.
        let p = proportions(&[10.0, 8.0, 6.0], &[1.0, 1.0, 2.0]);
        let wb = (0.0625_f64 + 0.015625).sqrt();
        let t = 0.5 + wb;
        for (got, want) in p.iter().zip([wb / t, 0.25 / t, 0.25 / t]) {
            assert!((got - want).abs() < 1e-12, "{p:?}");
        }
        // N1/N2 = (s1/D1)^2 / (s2/D2)^2: here (1/1)^2 / (1/3)^2 = 9.
        let p = proportions(&[5.0, 4.0, 2.0], &[1.0, 1.0, 1.0]);
        assert!((p[1] / p[2] - 9.0).abs() < 1e-9, "{p:?}");
    }

    #[test]
    fn allocation_sums_to_the_budget_and_favours_close_rivals() {
        let a = allocate(&[5.0, 4.0, 2.0], &[1.0, 1.0, 1.0], &[10, 10, 10], 10);
        assert_eq!(a.iter().sum::<u64>(), 10);
        assert!(a[1] > a[2], "{a:?}");
        assert_eq!(allocate(&[1.0, 1.0], &[0.0, 0.0], &[5, 5], 3).iter().sum::<u64>(), 3);
        assert_eq!(allocate(&[1.0], &[1.0], &[5], 0), vec![0]);
    }
}
