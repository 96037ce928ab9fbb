//! Whether a KPI summary (or a replication's value) of a result document
//! is one that replications could give: values in the KPI's range, no
//! spread where there was one value or none, percentiles in order, a
//! standard deviation the range allows and the Student-t interval of the
//! mean. Messages show numbers short whatever their size.

use crate::rare::KpiRange;

/// A number for a message, short whatever its size: as Rust writes it
/// when of ordinary magnitude, in scientific notation when huge or tiny
/// (`1e308` and `5e-324`, not 309 or 326 characters), so a damaged value
/// cannot make a message hundreds of bytes long.
pub(super) fn short(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 || !a.is_finite() || (1e-6..1e15).contains(&a) {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

/// Why a summary cannot have come from replications of its KPI, if it
/// cannot (a field that is NaN, absent for want of data, is not checked):
///
/// - its mean or a percentile is outside the KPI's range or beyond any
///   replication's value ([`implausible`]);
/// - its percentiles are out of order (`p05 <= p50 <= p95` for any data);
/// - its standard deviation is negative, or larger than values inside the
///   range can have: by Popoviciu's inequality, `n` values in an interval
///   of width `w` have a sample standard deviation of at most
///   `w / 2 * sqrt(n / (n - 1))` (with the range cut at
///   [`MAX_KPI_VALUE`]);
/// - its 95% interval is not the Student-t interval of its mean, standard
///   deviation and `n` ([`crate::stats::half_width`]), either as computed
///   or intersected with the KPI's range ([`KpiRange::clip`]): neither
///   wider (an end beyond `mean ± half-width`) nor narrower.
///
/// Comparisons allow for rounding relative to the values' magnitude
/// (`1e-9` of `|mean| + half-width`), so a consistent summary of huge
/// values (a mean of 1e13 whose interval ends differ from `mean ±
/// half-width` by an ulp) passes while a hand edit does not.
/// What [`summary_problem`] finds in a summary of no, one or equal values:
/// with `n = 0` every field is NaN (no value); with `n = 1` the
/// percentiles are the mean and there is no standard deviation or interval
/// (NaN, or 0 and `[mean, mean]`); with a standard deviation of 0 every
/// value is the mean, so are the percentiles (unless their spread is too
/// small for its square to be a floating-point number above 0).
fn degenerate_problem(s: &crate::stats::Summary, relative: f64) -> Option<String> {
    let fields = [s.mean, s.sd, s.ci95_low, s.ci95_high, s.p05, s.p50, s.p95];
    if s.n == 0 {
        return fields
            .iter()
            .any(|v| !v.is_nan())
            .then(|| "n = 0 (no replication has a value) but the summary has values".to_string());
    }
    let near = |v: f64| (v - s.mean).abs() <= relative * s.mean.abs() + f64::MIN_POSITIVE;
    let percentiles = [s.p05, s.p50, s.p95];
    if s.n == 1 {
        let spread = !(s.sd.is_nan() || s.sd == 0.0)
            || !(s.ci95_low.is_nan() || near(s.ci95_low))
            || !(s.ci95_high.is_nan() || near(s.ci95_high));
        if spread || !percentiles.iter().all(|&v| near(v)) {
            return Some(format!(
                "n = 1, yet sd {}, 95% interval [{}, {}] and p05, p50, p95 {}, {}, {} are not all \
                 those of one value, the mean {}",
                short(s.sd),
                short(s.ci95_low),
                short(s.ci95_high),
                short(s.p05),
                short(s.p50),
                short(s.p95),
                short(s.mean)
            ));
        }
    } else if s.sd == 0.0
        && !percentiles.iter().all(|&v| near(v))
        // A spread whose square underflows (values near 1e-300) has a
        // variance of 0 in floating point: no contradiction.
        && (s.p95 - s.p05).powi(2) > 0.0
    {
        return Some(format!(
            "standard deviation 0 (every value the mean, {}) but p05, p50, p95 {}, {}, {}",
            short(s.mean),
            short(s.p05),
            short(s.p50),
            short(s.p95)
        ));
    }
    None
}

pub(super) fn summary_problem(s: &crate::stats::Summary, range: KpiRange) -> Option<String> {
    const RELATIVE: f64 = 1e-9;
    for (what, v) in [("mean", s.mean), ("p05", s.p05), ("p50", s.p50), ("p95", s.p95)] {
        if let Some(problem) = implausible(v, range) {
            return Some(format!("{what} {} {problem}", short(v)));
        }
    }
    if let Some(problem) = degenerate_problem(s, RELATIVE) {
        return Some(problem);
    }
    if s.p05 > s.p50 || s.p50 > s.p95 {
        return Some(format!(
            "percentiles out of order: p05 {}, p50 {}, p95 {}",
            short(s.p05),
            short(s.p50),
            short(s.p95)
        ));
    }
    if s.sd < 0.0 {
        return Some(format!("standard deviation {} is negative", short(s.sd)));
    }
    if s.n >= 2 {
        let (lo, hi) = range.bounds();
        let width = hi.min(MAX_KPI_VALUE) - lo.max(-MAX_KPI_VALUE);
        let n = s.n as f64;
        let most = width / 2.0 * (n / (n - 1.0)).sqrt();
        if s.sd > most * (1.0 + RELATIVE) {
            return Some(format!(
                "standard deviation {} is more than {} values in the KPI's range can have",
                short(s.sd),
                s.n
            ));
        }
    }
    let hw = crate::stats::half_width(s.sd, usize::try_from(s.n).unwrap_or(usize::MAX));
    if hw.is_finite() && s.mean.is_finite() {
        let slack = RELATIVE * (s.mean.abs() + hw) + f64::MIN_POSITIVE;
        let (low, high) = (s.mean - hw, s.mean + hw);
        let low_ok = low - slack <= s.ci95_low && s.ci95_low <= range.clamp(low) + slack;
        let high_ok = range.clamp(high) - slack <= s.ci95_high && s.ci95_high <= high + slack;
        if !(low_ok && high_ok) {
            return Some(format!(
                "95% interval [{}, {}] does not fit mean {}, sd {}, n = {} \
                 (Student-t: [{}, {}])",
                short(s.ci95_low),
                short(s.ci95_high),
                short(s.mean),
                short(s.sd),
                s.n,
                short(low),
                short(high)
            ));
        }
    }
    None
}

/// The largest magnitude a replication's KPI value can have. Cargo totals
/// stay below 1.1e33 (see `caspian_shipping`'s counters), but a cost is a
/// product of several inputs each as large as 1e15 (a value of time per
/// tonne-hour, an amount, tonnes per unit, hours): 1e38 and more from a
/// valid scenario, so the limit sits far above any such product, and far
/// enough below the largest `f64` that Welford's sums of squares over
/// 10^9 replications (about 1e209) cannot overflow.
const MAX_KPI_VALUE: f64 = 1e100;

/// Why a replication's KPI value cannot have come from a replication:
/// infinite, beyond [`MAX_KPI_VALUE`], or outside the KPI's range (by more
/// than rounding). NaN is a KPI undefined in that replication, and fine.
pub(super) fn implausible(v: f64, range: KpiRange) -> Option<&'static str> {
    const ROUNDING: f64 = 1e-9;
    let (lo, hi) = range.bounds();
    if v.is_nan() {
        None
    } else if !v.is_finite() || v.abs() > MAX_KPI_VALUE {
        Some("is beyond any value a replication produces (1e100)")
    } else if v < lo - ROUNDING || v > hi + ROUNDING {
        Some("is outside the KPI's range")
    } else {
        None
    }
}

/// What is wrong with a mean and its 95% interval as a comparison gives
/// them (a paired difference, or one scaled, as a policy's NPV): a value
/// beyond [`MAX_KPI_VALUE`], or an interval that does not hold its mean
/// (it is the mean plus and minus one half-width, so centred on it).
/// `fields` names the three values in the document (mean, low end, high
/// end), `mean` says what the mean is in a message. NaN fields (too few
/// replications) are not checked.
pub(super) fn interval_problem(fields: [(&str, f64); 3], mean: &str) -> Option<String> {
    const RELATIVE: f64 = 1e-9;
    for (what, v) in fields {
        if v.is_infinite() || v.abs() > MAX_KPI_VALUE {
            return Some(format!("{what} {} is not a difference a comparison gives", short(v)));
        }
    }
    let [(_, m), (_, low), (_, high)] = fields;
    if m.is_finite() && low.is_finite() && high.is_finite() {
        let slack = RELATIVE * (m.abs() + (high - low).abs()) + f64::MIN_POSITIVE;
        let centre = (low + high) / 2.0;
        if low > high || (centre - m).abs() > slack {
            return Some(format!(
                "95% interval [{}, {}] is not centred on the {mean} {}",
                short(low),
                short(high),
                short(m)
            ));
        }
    }
    None
}

/// What is wrong with a paired difference as no comparison gives one: its
/// mean and interval as [`interval_problem`] checks them, a correlation
/// outside `[-1, 1]`, a negative variance reduction.
pub(super) fn difference_problem(d: &crate::stats::PairedDifference) -> Option<String> {
    let fields = [("mean_diff", d.mean_diff), ("ci95_low", d.ci95_low), ("ci95_high", d.ci95_high)];
    if let Some(problem) = interval_problem(fields, "mean difference") {
        return Some(problem);
    }
    // Rounding could once pass 1 (1.0000000000000004) in written files.
    if d.correlation.abs() > 1.0 + 1e-12 {
        return Some(format!("correlation {} is outside [-1, 1]", short(d.correlation)));
    }
    if d.variance_reduction < 0.0 || d.variance_reduction.is_infinite() {
        return Some(format!(
            "variance reduction {} is not a ratio of variances",
            short(d.variance_reduction)
        ));
    }
    None
}
