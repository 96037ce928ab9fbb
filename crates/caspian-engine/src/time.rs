//! Simulation time: integer ticks with an exact, total order.
//!
//! One tick is one millisecond. A `u64` of milliseconds spans about 584 million
//! years, so no realistic horizon overflows, and every comparison is exact: there
//! is no float-equality fudge anywhere in the engine.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

use thiserror::Error;

/// Ticks per second. One tick is one millisecond.
pub const TICKS_PER_SECOND: u64 = 1_000;
/// Ticks per minute.
pub const TICKS_PER_MINUTE: u64 = 60 * TICKS_PER_SECOND;
/// Ticks per hour.
pub const TICKS_PER_HOUR: u64 = 60 * TICKS_PER_MINUTE;
/// Ticks per day.
pub const TICKS_PER_DAY: u64 = 24 * TICKS_PER_HOUR;

/// A point on the simulation clock, in integer ticks (milliseconds) since time zero.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SimTime(u64);

/// A span of simulation time, in integer ticks (milliseconds).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SimDuration(u64);

/// A float could not be turned into a time or duration.
#[derive(Debug, Clone, Copy, PartialEq, Error)]
#[non_exhaustive]
pub enum TimeError {
    /// The value was NaN or infinite.
    #[error("time value {0} is not finite")]
    NotFinite(f64),
    /// The value was negative.
    #[error("time value {0} is negative")]
    Negative(f64),
    /// The value does not fit in the tick counter.
    #[error("time value {0} is too large for the simulation clock")]
    TooLarge(f64),
}

/// Converts a non-negative finite amount of `unit`s into ticks, rounding to the nearest tick.
///
/// The common case, `0 <= value * ticks_per_unit < 2^63`, takes the signed
/// conversions (one instruction each way on x86-64, where the unsigned ones
/// and `is_finite` take about 35 more: 5% of an M/M/3 replication; issue 18).
/// Both paths round half away from zero, exactly (see [`round_half_away`]);
/// everything else, errors included, goes to [`float_to_ticks_slow`].
#[inline]
fn float_to_ticks(value: f64, ticks_per_unit: u64) -> Result<u64, TimeError> {
    let scaled = value * ticks_per_unit as f64;
    // False for NaN, for negatives and for anything at or above 2^63.
    if (0.0..9_223_372_036_854_775_808.0).contains(&scaled) {
        // Exact: `whole` is the truncation of a number below 2^63, and the
        // fraction is exact as in `round_half_away`.
        let whole = scaled as i64;
        return Ok(whole as u64 + u64::from(scaled - whole as f64 >= 0.5));
    }
    float_to_ticks_slow(value, scaled)
}

/// [`float_to_ticks`] outside its common case: the errors, and values from
/// 2^63 ticks up.
#[cold]
#[inline(never)]
fn float_to_ticks_slow(value: f64, scaled: f64) -> Result<u64, TimeError> {
    if !value.is_finite() {
        return Err(TimeError::NotFinite(value));
    }
    if value < 0.0 {
        return Err(TimeError::Negative(value));
    }
    // 2^64 is exactly representable; anything at or above it does not fit
    // (nor does anything that rounds up to it: the floats just below 2^64
    // are whole numbers).
    if scaled >= 18_446_744_073_709_551_616.0 {
        return Err(TimeError::TooLarge(value));
    }
    Ok(round_half_away(scaled))
}

/// `x.round() as u64` for `0 <= x < 2^64`, without the library call that
/// `f64::round` compiles to on the baseline x86-64 target (it was 3% of the
/// instructions of a replication; issue 18). Exact: the truncation is exact,
/// and so is `x - whole` (below 2^53 by Sterbenz's lemma; at or above it
/// `x` is a whole number and the fraction is zero).
#[inline]
fn round_half_away(x: f64) -> u64 {
    let whole = x as u64;
    if x - whole as f64 >= 0.5 { whole + 1 } else { whole }
}

macro_rules! tick_type_common {
    ($ty:ident) => {
        impl $ty {
            /// Zero ticks.
            pub const ZERO: Self = Self(0);
            /// The largest representable value.
            pub const MAX: Self = Self(u64::MAX);

            /// From a raw tick count (milliseconds).
            #[inline]
            pub const fn from_ticks(ticks: u64) -> Self {
                Self(ticks)
            }
            /// From whole milliseconds.
            #[inline]
            pub const fn from_millis(ms: u64) -> Self {
                Self(ms)
            }
            /// From whole seconds, saturating at [`Self::MAX`].
            #[inline]
            pub const fn from_secs(s: u64) -> Self {
                Self(s.saturating_mul(TICKS_PER_SECOND))
            }
            /// From whole hours, saturating at [`Self::MAX`].
            #[inline]
            pub const fn from_hours(h: u64) -> Self {
                Self(h.saturating_mul(TICKS_PER_HOUR))
            }
            /// From whole days, saturating at [`Self::MAX`].
            #[inline]
            pub const fn from_days(d: u64) -> Self {
                Self(d.saturating_mul(TICKS_PER_DAY))
            }
            /// From fractional seconds, rounded to the nearest millisecond.
            ///
            /// # Errors
            /// [`TimeError`] when the value is NaN, infinite, negative or too large.
            pub fn try_from_secs_f64(s: f64) -> Result<Self, TimeError> {
                float_to_ticks(s, TICKS_PER_SECOND).map(Self)
            }
            /// From fractional hours, rounded to the nearest millisecond.
            ///
            /// # Errors
            /// [`TimeError`] when the value is NaN, infinite, negative or too large.
            pub fn try_from_hours_f64(h: f64) -> Result<Self, TimeError> {
                float_to_ticks(h, TICKS_PER_HOUR).map(Self)
            }
            /// From fractional days, rounded to the nearest millisecond.
            ///
            /// # Errors
            /// [`TimeError`] when the value is NaN, infinite, negative or too large.
            pub fn try_from_days_f64(d: f64) -> Result<Self, TimeError> {
                float_to_ticks(d, TICKS_PER_DAY).map(Self)
            }
            /// The raw tick count (milliseconds).
            #[inline]
            pub const fn ticks(self) -> u64 {
                self.0
            }
            /// In seconds, as a float (for reporting only).
            #[inline]
            pub fn as_secs_f64(self) -> f64 {
                self.0 as f64 / TICKS_PER_SECOND as f64
            }
            /// In hours, as a float (for reporting only).
            #[inline]
            pub fn as_hours_f64(self) -> f64 {
                self.0 as f64 / TICKS_PER_HOUR as f64
            }
            /// In days, as a float (for reporting only).
            #[inline]
            pub fn as_days_f64(self) -> f64 {
                self.0 as f64 / TICKS_PER_DAY as f64
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($ty), "({}ms)"), self.0)
            }
        }

        impl fmt::Display for $ty {
            /// Formats as hours with millisecond precision, e.g. `26.500h`.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let whole = self.0 / TICKS_PER_HOUR;
                let frac = (self.0 % TICKS_PER_HOUR) as f64 / TICKS_PER_HOUR as f64;
                write!(f, "{}.{:03}h", whole, (frac * 1000.0).floor() as u64)
            }
        }
    };
}

tick_type_common!(SimTime);
tick_type_common!(SimDuration);

impl SimTime {
    /// `self + d`, or `None` when the clock would overflow.
    #[inline]
    pub const fn checked_add(self, d: SimDuration) -> Option<SimTime> {
        match self.0.checked_add(d.0) {
            Some(t) => Some(SimTime(t)),
            None => None,
        }
    }
    /// `self + d`, clamped at [`SimTime::MAX`].
    #[inline]
    pub const fn saturating_add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
    /// The span from `earlier` to `self`, or `None` when `earlier` is later.
    #[inline]
    pub const fn checked_since(self, earlier: SimTime) -> Option<SimDuration> {
        match self.0.checked_sub(earlier.0) {
            Some(d) => Some(SimDuration(d)),
            None => None,
        }
    }
    /// The span from `earlier` to `self`, or zero when `earlier` is later.
    #[inline]
    pub const fn saturating_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// `self + other`, or `None` on overflow.
    #[inline]
    pub const fn checked_add(self, other: SimDuration) -> Option<SimDuration> {
        match self.0.checked_add(other.0) {
            Some(d) => Some(SimDuration(d)),
            None => None,
        }
    }
    /// `self * n`, or `None` on overflow.
    #[inline]
    pub const fn checked_mul(self, n: u64) -> Option<SimDuration> {
        match self.0.checked_mul(n) {
            Some(d) => Some(SimDuration(d)),
            None => None,
        }
    }
}

/// Panics on overflow, like integer addition; use [`SimTime::checked_add`] where
/// the operands come from user input.
impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    #[inline]
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.checked_add(d.0).expect("simulation clock overflow"))
    }
}

impl AddAssign<SimDuration> for SimTime {
    #[inline]
    fn add_assign(&mut self, d: SimDuration) {
        *self = *self + d;
    }
}

/// The span between two instants. Panics if `rhs` is later; use
/// [`SimTime::checked_since`] where that can happen.
impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    #[inline]
    fn sub(self, rhs: SimTime) -> SimDuration {
        SimDuration(self.0.checked_sub(rhs.0).expect("time subtraction underflow"))
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    #[inline]
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.checked_add(rhs.0).expect("duration overflow"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rounding_without_the_library_call_matches_f64_round() {
        let mut xs = vec![
            0.0,
            0.5,
            1.5,
            2.5,
            0.49999999999999994,
            1.4999999999999998,
            4503599627370495.5,
            4503599627370496.0,
            9007199254740993.0,
            18_446_744_073_709_549_568.0,
        ];
        let mut x: f64 = 1e-3;
        while x < 1.8e19 {
            xs.extend([x, x + 0.5, x * 1.000_000_1, (x * 3.7).floor() + 0.5]);
            x *= 1.37;
        }
        for x in xs.into_iter().filter(|&x| x < 18_446_744_073_709_551_616.0) {
            assert_eq!(super::round_half_away(x), x.round() as u64, "{x:e}");
            // Both paths of the conversion, one tick a unit.
            assert_eq!(super::float_to_ticks(x, 1).unwrap(), x.round() as u64, "{x:e}");
            assert_eq!(super::float_to_ticks_slow(x, x).unwrap(), x.round() as u64, "{x:e}");
        }
    }

    #[test]
    fn the_fast_path_keeps_the_errors_and_the_edges() {
        let two_63 = 9_223_372_036_854_775_808.0;
        let two_64 = two_63 * 2.0;
        // Both sides of 2^63 (the fast path's top; the float below it is
        // 1024 less) and the largest float below 2^64.
        for (x, want) in [
            (-0.0, 0),
            (two_63 - 1024.0, (1 << 63) - 1024),
            (two_63, 1 << 63),
            (two_64 - 2048.0, u64::MAX - 2047),
        ] {
            assert_eq!(super::float_to_ticks(x, 1).ok(), Some(want), "{x:e}");
        }
        let err = |x: f64, per_unit: u64| super::float_to_ticks(x, per_unit).unwrap_err();
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(matches!(err(x, 3_600_000), TimeError::NotFinite(_)), "{x:e}");
        }
        for x in [-1e-300, -0.5, -1e-320] {
            assert!(matches!(err(x, 3_600_000), TimeError::Negative(_)), "{x:e}");
        }
        // 2^64 itself, and finite values too large once scaled to ticks.
        assert!(matches!(err(two_64, 1), TimeError::TooLarge(_)));
        assert!(matches!(err(two_64, 3_600_000), TimeError::TooLarge(_)));
        assert!(matches!(err(1e308, 3_600_000), TimeError::TooLarge(_)));
    }

    use super::*;

    #[test]
    fn conversions_are_exact_for_whole_units() {
        assert_eq!(SimTime::from_hours(2).ticks(), 7_200_000);
        assert_eq!(SimDuration::from_days(1), SimDuration::from_hours(24));
        assert_eq!(SimTime::try_from_hours_f64(1.5).unwrap(), SimTime::from_secs(5400));
        assert_eq!(SimDuration::try_from_days_f64(0.5).unwrap(), SimDuration::from_hours(12));
        assert_eq!(SimTime::from_hours(36).as_days_f64(), 1.5);
    }

    #[test]
    fn float_conversions_round_to_nearest_tick() {
        assert_eq!(SimDuration::try_from_secs_f64(0.0004).unwrap().ticks(), 0);
        assert_eq!(SimDuration::try_from_secs_f64(0.0006).unwrap().ticks(), 1);
    }

    #[test]
    fn bad_floats_are_errors() {
        assert_eq!(
            SimTime::try_from_hours_f64(f64::NAN).unwrap_err().to_string(),
            "time value NaN is not finite"
        );
        assert!(matches!(SimTime::try_from_hours_f64(-1.0), Err(TimeError::Negative(_))));
        assert!(matches!(SimTime::try_from_days_f64(f64::INFINITY), Err(TimeError::NotFinite(_))));
        assert!(matches!(SimTime::try_from_days_f64(1e30), Err(TimeError::TooLarge(_))));
    }

    #[test]
    fn checked_arithmetic() {
        assert_eq!(SimTime::MAX.checked_add(SimDuration::from_ticks(1)), None);
        assert_eq!(SimTime::from_hours(1).checked_since(SimTime::from_hours(2)), None);
        assert_eq!(SimTime::from_hours(3) - SimTime::from_hours(1), SimDuration::from_hours(2));
        assert_eq!(
            SimTime::from_hours(3).saturating_since(SimTime::from_hours(5)),
            SimDuration::ZERO
        );
    }

    #[test]
    fn display_in_hours() {
        assert_eq!(SimTime::from_secs(26 * 3600 + 1800).to_string(), "26.500h");
        assert_eq!(format!("{:?}", SimDuration::from_millis(5)), "SimDuration(5ms)");
    }
}
