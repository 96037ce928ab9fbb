//! MSER-5 warm-up detection (White 1997; Hoad and Robinson 2011).
//!
//! The series is cut into batches of 5 observations; for each candidate
//! truncation `d` (in batches) the statistic is
//! `MSER(d) = sum_{j>d} (Z_j - mean_{>d})^2 / (k - d)^2`. The suggested
//! warm-up is `5 d*` observations for the `d*` minimising it over the first
//! half of the batches. A minimum found at the half-way limit means the run
//! is too short to judge.

/// MSER-5's suggestion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mser {
    /// Observations to delete.
    pub truncate: usize,
    /// The statistic at the minimum.
    pub statistic: f64,
    /// Whether the minimum fell at the limit of the search (the first half
    /// of the series): the series may not have settled.
    pub at_limit: bool,
}

/// Batch size of MSER-5.
pub const BATCH: usize = 5;

/// MSER-5 on `series`, or `None` with fewer than four batches.
pub fn mser5(series: &[f64]) -> Option<Mser> {
    let z: Vec<f64> =
        series.chunks_exact(BATCH).map(|c| c.iter().sum::<f64>() / BATCH as f64).collect();
    let k = z.len();
    if k < 4 {
        return None;
    }
    // Suffix sums give every MSER(d) in O(k).
    let mut sum = vec![0.0; k + 1];
    let mut sq = vec![0.0; k + 1];
    for j in (0..k).rev() {
        sum[j] = sum[j + 1] + z[j];
        sq[j] = sq[j + 1] + z[j] * z[j];
    }
    let limit = k / 2;
    let mut best = (0, f64::INFINITY);
    for d in 0..=limit {
        let m = (k - d) as f64;
        let ss = (sq[d] - sum[d] * sum[d] / m).max(0.0);
        let stat = ss / (m * m);
        if stat < best.1 {
            best = (d, stat);
        }
    }
    Some(Mser { truncate: best.0 * BATCH, statistic: best.1, at_limit: best.0 == limit })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_end_of_an_initial_transient() {
        // 100 observations decaying from 50 to 0, then 900 alternating +-1.
        let series: Vec<f64> = (0..1000)
            .map(|i| {
                if i < 100 {
                    50.0 * (1.0 - i as f64 / 100.0)
                } else if i % 2 == 0 {
                    1.0
                } else {
                    -1.0
                }
            })
            .collect();
        let m = mser5(&series).unwrap();
        assert!((90..=110).contains(&m.truncate), "truncate {}", m.truncate);
        assert!(!m.at_limit);
    }

    #[test]
    fn stationary_series_needs_no_warmup_and_short_series_no_answer() {
        let flat: Vec<f64> = (0..500).map(|i| f64::from(i % 7)).collect();
        assert!(mser5(&flat).unwrap().truncate <= 50);
        assert!(mser5(&[1.0; 19]).is_none());
    }
}
