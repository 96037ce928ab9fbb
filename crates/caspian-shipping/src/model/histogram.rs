//! A weighted histogram of durations, for the mean and percentiles of cargo
//! transit times weighted by the amount of cargo.

/// Fixed-width bins from zero; values beyond the last bin go to an overflow bin
/// whose percentile is reported as the largest value seen.
///
/// Bins are stored only up to the highest one that received weight: the
/// rest are zero. A replication builds one histogram per cargo, most of them
/// never used and the others short (transits of days, not of the 120 days
/// the bins cover), so allocating, zeroing (at warm-up) and copying (for the
/// censored transits) the full array was a measurable share of a short
/// replication.
#[derive(Debug, Clone)]
pub(crate) struct WeightedHistogram {
    bin_width: f64,
    /// How many bins the histogram covers.
    n_bins: usize,
    /// Bins `0..bins.len()`; those beyond are zero.
    bins: Vec<f64>,
    total_weight: f64,
    weighted_sum: f64,
    max: f64,
}

impl WeightedHistogram {
    /// `n_bins` bins of `bin_width` each.
    pub(crate) fn new(bin_width: f64, n_bins: usize) -> Self {
        Self { bin_width, n_bins, bins: Vec::new(), total_weight: 0.0, weighted_sum: 0.0, max: 0.0 }
    }

    /// Records `value` with weight `weight`.
    pub(crate) fn record(&mut self, value: f64, weight: f64) {
        if weight.is_nan() || weight <= 0.0 || !value.is_finite() {
            return;
        }
        let value = value.max(0.0);
        let idx = (value / self.bin_width) as usize;
        // Beyond the last bin only the total and the maximum are kept.
        if idx < self.n_bins {
            if idx >= self.bins.len() {
                self.bins.resize(idx + 1, 0.0);
            }
            self.bins[idx] += weight;
        }
        self.total_weight += weight;
        self.weighted_sum += weight * value;
        self.max = self.max.max(value);
    }

    /// Weighted mean, or NaN with no data.
    pub(crate) fn mean(&self) -> f64 {
        if self.total_weight > 0.0 { self.weighted_sum / self.total_weight } else { f64::NAN }
    }

    /// The sum of weight times value (e.g. unit-hours of transit).
    pub(crate) fn weighted_sum(&self) -> f64 {
        self.weighted_sum
    }

    /// The weighted `q`-quantile (0..1), interpolated within its bin; NaN with no data.
    pub(crate) fn quantile(&self, q: f64) -> f64 {
        if self.total_weight <= 0.0 {
            return f64::NAN;
        }
        let target = q * self.total_weight;
        let mut cum = 0.0;
        for (i, &w) in self.bins.iter().enumerate() {
            if w > 0.0 && cum + w >= target {
                let frac = ((target - cum) / w).clamp(0.0, 1.0);
                return ((i as f64 + frac) * self.bin_width).min(self.max);
            }
            cum += w;
        }
        self.max
    }

    /// Forgets everything (end of warm-up).
    pub(crate) fn reset(&mut self) {
        self.bins.clear();
        self.total_weight = 0.0;
        self.weighted_sum = 0.0;
        self.max = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_quantiles_by_hand() {
        let mut h = WeightedHistogram::new(1.0, 100);
        assert!(h.mean().is_nan());
        // 90 units waited 10.5 h, 10 units waited 50.5 h.
        h.record(10.5, 90.0);
        h.record(50.5, 10.0);
        assert!((h.mean() - (90.0 * 10.5 + 10.0 * 50.5) / 100.0).abs() < 1e-12);
        let p50 = h.quantile(0.5);
        assert!((10.0..=11.0).contains(&p50), "{p50}");
        let p95 = h.quantile(0.95);
        assert!((50.0..=50.5).contains(&p95), "{p95}");
        h.record(500.0, 1.0);
        assert_eq!(h.quantile(1.0), 500.0, "overflow reports the maximum");
    }
}
