//! Histogram bins on whole cargo lots.
//!
//! Cargo arrives in lots: wagons are whole wagons, and in the shipped
//! scenarios oil is delivered in whole tanker loads (tankers are dispatched
//! when full, `dispatch = { policy = "when_full" }`, so every voyage
//! discharges one `capacity` of 8,000 t and `delivered_total.oil` is a
//! multiple of it). Bins of a width that is not a whole number of lots hold
//! different numbers of possible values and make a smooth distribution look
//! jagged. The lot is read from the values themselves, so it needs no
//! scenario: the largest whole amount that divides every replication's
//! value. With few replications that can be a multiple of the true lot;
//! the edges are then still on whole lots.

/// The largest whole number dividing every value, when every value is a
/// whole number (and at least one is not zero); `None` otherwise (values
/// with fractions, such as time-weighted means, have no lot).
pub fn lot(values: &[f64]) -> Option<f64> {
    let mut g: u64 = 0;
    for &v in values {
        if !v.is_finite() {
            continue;
        }
        if v.fract() != 0.0 || v.abs() > 2f64.powi(53) {
            return None;
        }
        g = gcd(g, v.abs() as u64);
    }
    (g > 0).then_some(g as f64)
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The bin width: the smallest multiple of `lot` of the form 1, 2 or 5
/// times a power of ten that covers `lo..=hi` in at most `bins` bins.
pub fn width(lot: f64, lo: f64, hi: f64, bins: usize) -> f64 {
    let span = (hi - lo).max(0.0);
    let need = span / (lot * bins.max(1) as f64);
    let mut m = 1.0;
    'outer: for _ in 0..40 {
        for f in [1.0, 2.0, 5.0] {
            let w = m * f;
            // Enough when the bins starting at a multiple of the width
            // below `lo` reach past `hi`.
            let w_abs = w * lot;
            let first = (lo / w_abs).floor();
            let last = (hi / w_abs).floor();
            if w >= need && last - first < bins as f64 {
                m = w;
                break 'outer;
            }
        }
        m *= 10.0;
    }
    m * lot
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lot_divides_every_value() {
        assert_eq!(lot(&[1_672_000.0, 1_680_000.0, 1_704_000.0]), Some(8000.0));
        assert_eq!(lot(&[21_013.0, 20_934.0]), Some(1.0));
        assert_eq!(lot(&[0.0, 16.0, 24.0, f64::NAN]), Some(8.0));
        assert_eq!(lot(&[1.5, 2.0]), None);
        assert_eq!(lot(&[0.0, 0.0]), None);
    }

    #[test]
    fn widths_are_whole_lots_and_cover_the_range() {
        // Oil in tanker loads: one load per bin when the range allows.
        assert_eq!(width(8000.0, 1_672_000.0, 1_736_000.0, 7), 16_000.0);
        assert_eq!(width(8000.0, 1_672_000.0, 1_712_000.0, 7), 8000.0);
        // Wagons: a round number of wagons.
        let w = width(1.0, 19_879.0, 23_500.0, 7);
        assert_eq!(w, 1000.0);
        for (lo, hi, k) in [(3.0, 997.0, 5), (0.0, 1.0, 5), (123.0, 123.0, 6), (7.0, 4000.0, 30)] {
            let w = width(1.0, lo, hi, k);
            assert_eq!(w.fract(), 0.0);
            assert!((hi / w).floor() - (lo / w).floor() < k as f64, "{lo}..{hi} in {k}: {w}");
        }
    }
}
