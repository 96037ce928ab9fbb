//! Mergeable statistics: time-weighted averages and tallies of observations.

use crate::time::SimTime;

/// `b` if it is below `a`, else `a`: [`f64::min`] for a running minimum, in
/// one `minsd` on x86-64 where `f64::min`, which must pass over a NaN, takes
/// about seven instructions (issue 18: 2.5% of an M/M/3 replication). The
/// same as `f64::min` for every `a` that is not NaN (on x86-64 even for
/// signed zeros; elsewhere `f64::min` may pick either zero), and a NaN `b`
/// is passed over as `f64::min` would. A NaN `a` stays (where `f64::min`
/// would recover): the quantities and observations recorded here must not
/// be NaN.
#[inline(always)]
fn lesser(a: f64, b: f64) -> f64 {
    if b < a { b } else { a }
}

/// `b` if it is above `a`, else `a`: the [`f64::max`] of [`lesser`].
#[inline(always)]
fn greater(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}

/// Time-weighted statistics of a piecewise-constant quantity (a queue length,
/// busy servers, a storage level): its time average, minimum and maximum.
///
/// The area is kept in value-ticks, so the mean is exact up to f64 rounding of
/// the sums. [`reset`](Self::reset) forgets the history but keeps the current
/// value, which is what the end of a warm-up period needs.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TimeWeighted {
    /// Start of the observation period.
    start: SimTime,
    /// Time of the last change of `value`.
    last: SimTime,
    /// The current value.
    value: f64,
    /// Integral of the value from `start` to `last`, in value-ticks.
    area: f64,
    /// Ticks covered by periods merged in from other accumulators.
    merged_ticks: f64,
    min: f64,
    max: f64,
}

impl TimeWeighted {
    /// Starts observing at `now` with the quantity at `value`.
    pub fn new(now: SimTime, value: f64) -> Self {
        Self { start: now, last: now, value, area: 0.0, merged_ticks: 0.0, min: value, max: value }
    }

    /// Records that the quantity changed to `value` at `now`. Times must not go
    /// backwards; an earlier `now` is treated as `last` (no area is added).
    #[inline]
    pub fn set(&mut self, now: SimTime, value: f64) {
        let dt = now.saturating_since(self.last).ticks() as f64;
        self.area += self.value * dt;
        if now > self.last {
            self.last = now;
        }
        self.value = value;
        self.min = lesser(self.min, value);
        self.max = greater(self.max, value);
    }

    /// Adds `delta` to the quantity at `now`.
    #[inline]
    pub fn add(&mut self, now: SimTime, delta: f64) {
        self.set(now, self.value + delta);
    }

    /// The current value.
    #[inline]
    pub fn value(&self) -> f64 {
        self.value
    }

    /// The integral of the value over the observed period up to `now`, in value-hours.
    pub fn integral_hours(&self, now: SimTime) -> f64 {
        self.area_to(now) / crate::time::TICKS_PER_HOUR as f64
    }

    /// Observed duration up to `now`, in hours.
    pub fn duration_hours(&self, now: SimTime) -> f64 {
        self.ticks_to(now) / crate::time::TICKS_PER_HOUR as f64
    }

    /// The time average over the observed period up to `now`. With a period of zero
    /// length it is the current value.
    pub fn mean(&self, now: SimTime) -> f64 {
        let ticks = self.ticks_to(now);
        if ticks > 0.0 { self.area_to(now) / ticks } else { self.value }
    }

    /// Smallest value taken during the observed period.
    pub fn min(&self) -> f64 {
        self.min
    }

    /// Largest value taken during the observed period.
    pub fn max(&self) -> f64 {
        self.max
    }

    /// Forgets everything before `now` but keeps the current value (end of warm-up).
    pub fn reset(&mut self, now: SimTime) {
        *self = Self::new(now.max(self.last), self.value);
    }

    /// Folds in another accumulator's history up to `other_now`, as if its period
    /// had been observed by this one too (e.g. the same quantity in a second
    /// replication, or the next stretch of one run). The combined mean is the
    /// duration-weighted mean of the two; the current value stays this one's.
    pub fn merge(&mut self, other: &TimeWeighted, other_now: SimTime) {
        self.area += other.area_to(other_now);
        self.merged_ticks += other.ticks_to(other_now);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    fn area_to(&self, now: SimTime) -> f64 {
        self.area + self.value * now.saturating_since(self.last).ticks() as f64
    }

    fn ticks_to(&self, now: SimTime) -> f64 {
        now.max(self.last).saturating_since(self.start).ticks() as f64 + self.merged_ticks
    }
}

/// Count, mean, variance, minimum and maximum of observations (Welford's
/// algorithm; merging uses Chan et al.'s pairwise update).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Tally {
    count: u64,
    mean: f64,
    /// Sum of squared deviations from the mean.
    m2: f64,
    min: f64,
    max: f64,
}

impl Tally {
    /// An empty tally.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one observation.
    #[inline]
    pub fn record(&mut self, x: f64) {
        self.count += 1;
        if self.count == 1 {
            self.mean = x;
            self.m2 = 0.0;
            self.min = x;
            self.max = x;
            return;
        }
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
        self.min = lesser(self.min, x);
        self.max = greater(self.max, x);
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Sample mean, or `None` with no observations.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then_some(self.mean)
    }

    /// Sample mean, or `default` with no observations.
    pub fn mean_or(&self, default: f64) -> f64 {
        self.mean().unwrap_or(default)
    }

    /// Sum of the observations.
    pub fn sum(&self) -> f64 {
        self.mean * self.count as f64
    }

    /// Unbiased sample variance (divisor n - 1), or `None` with fewer than two
    /// observations.
    pub fn variance(&self) -> Option<f64> {
        (self.count > 1).then(|| self.m2 / (self.count - 1) as f64)
    }

    /// Sample standard deviation, or `None` with fewer than two observations.
    pub fn std_dev(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }

    /// Smallest observation, or `None` with no observations.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// Largest observation, or `None` with no observations.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// Folds in another tally, as if its observations had been recorded here.
    pub fn merge(&mut self, other: &Tally) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let n_a = self.count as f64;
        let n_b = other.count as f64;
        let n = n_a + n_b;
        let delta = other.mean - self.mean;
        self.mean += delta * n_b / n;
        self.m2 += other.m2 + delta * delta * n_a * n_b / n;
        self.count += other.count;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Forgets every observation (end of warm-up).
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(x: u64) -> SimTime {
        SimTime::from_hours(x)
    }

    #[test]
    fn time_weighted_by_hand() {
        // 0 for 2h, 3 for 1h, 1 for 1h: area 4 over 4h.
        let mut tw = TimeWeighted::new(h(0), 0.0);
        tw.set(h(2), 3.0);
        tw.set(h(3), 1.0);
        assert_eq!(tw.mean(h(4)), 1.0);
        assert_eq!(tw.integral_hours(h(4)), 4.0);
        assert_eq!((tw.min(), tw.max()), (0.0, 3.0));
        tw.reset(h(4));
        assert_eq!(tw.mean(h(4)), 1.0, "zero-length period reports the current value");
        tw.add(h(6), 1.0);
        assert_eq!(tw.mean(h(8)), 1.5);
        assert_eq!(tw.duration_hours(h(8)), 4.0);
    }

    #[test]
    fn tally_by_hand() {
        let mut t = Tally::new();
        assert_eq!(t.mean(), None);
        for x in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            t.record(x);
        }
        assert_eq!(t.count(), 8);
        assert_eq!(t.mean(), Some(5.0));
        assert!((t.variance().unwrap() - 32.0 / 7.0).abs() < 1e-12);
        assert_eq!((t.min(), t.max()), (Some(2.0), Some(9.0)));
        assert_eq!(t.sum(), 40.0);
    }

    #[test]
    fn tally_merge_matches_single_pass() {
        let xs: Vec<f64> = (0..100).map(|i| ((i * 7919) % 101) as f64 * 0.37).collect();
        let mut all = Tally::new();
        xs.iter().for_each(|&x| all.record(x));
        let (mut a, mut b) = (Tally::new(), Tally::new());
        xs[..37].iter().for_each(|&x| a.record(x));
        xs[37..].iter().for_each(|&x| b.record(x));
        a.merge(&b);
        assert_eq!(a.count(), all.count());
        assert!((a.mean().unwrap() - all.mean().unwrap()).abs() < 1e-12);
        assert!((a.variance().unwrap() - all.variance().unwrap()).abs() < 1e-9);
        assert_eq!(a.min(), all.min());
        assert_eq!(a.max(), all.max());
    }

    #[test]
    fn time_weighted_merge_matches_single_pass() {
        let mut whole = TimeWeighted::new(h(0), 2.0);
        whole.set(h(3), 5.0);
        whole.set(h(10), 1.0);
        // Same trace split at 5h into two accumulators.
        let mut first = TimeWeighted::new(h(0), 2.0);
        first.set(h(3), 5.0);
        let mut second = TimeWeighted::new(h(5), 5.0);
        second.set(h(10), 1.0);
        first.merge(&second, h(12));
        // `first` is read at 5h (its own period 0..5h) plus the merged 5h..12h.
        let by_hand = (2.0 * 3.0 + 5.0 * 2.0 + 5.0 * 5.0 + 1.0 * 2.0) / 12.0;
        assert!((first.mean(h(5)) - by_hand).abs() < 1e-12);
        assert!((whole.mean(h(12)) - by_hand).abs() < 1e-12);
        assert_eq!((first.min(), first.max()), (1.0, 5.0));
    }
}
