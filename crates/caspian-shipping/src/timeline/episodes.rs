//! Episode generation: Poisson onsets (monthly or annual rates) with random
//! durations, and yearly ice seasons, drawn from a replication's streams.

use caspian_engine::{SimTime, TICKS_PER_DAY, TICKS_PER_HOUR};
use rand::Rng;
use rand_distr::{Distribution, Exp1};
use thiserror::Error;

use super::calendar::{DAYS_IN_MONTH, TICKS_PER_YEAR, month_and_next_start};
use super::intervals::Timeline;
use crate::dist::Dist;

/// More expected onsets than this over one horizon is taken for an input
/// error (about 160 MB of intervals).
const MAX_EXPECTED_ONSETS: f64 = 1e7;

/// Invalid parameters for a timeline generator.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum TimelineError {
    /// A monthly onset rate is NaN, infinite or negative.
    #[error("onsets_per_month[{month}] = {value} must be a finite number >= 0")]
    MonthlyRate {
        /// The month, `0..12`.
        month: usize,
        /// The rate given.
        value: f64,
    },
    /// An annual onset rate is NaN, infinite or negative.
    #[error("rate_per_year = {value} must be a finite number >= 0")]
    AnnualRate {
        /// The rate given.
        value: f64,
    },
    /// The rates would generate an unreasonable number of episodes.
    #[error(
        "the onset rates give about {expected:.3e} episodes over the horizon; \
         more than {MAX_EXPECTED_ONSETS:e} is taken for an input error"
    )]
    TooManyOnsets {
        /// The expected number of onsets (an upper bound).
        expected: f64,
    },
    /// The ice-season start day is not a day of the year.
    #[error("start_day_of_year = {value} must be a finite number in [0, 365)")]
    StartDay {
        /// The day given.
        value: f64,
    },
}

/// `x` units of `ticks_per_unit` ticks, rounded, saturating at `u64::MAX`.
/// `x` is a sample of a [`Dist`], so finite and `>= 0`.
pub fn ticks_saturating(x: f64, ticks_per_unit: u64) -> u64 {
    let ticks = (x * ticks_per_unit as f64).round();
    // 2^64 is exactly representable; `as` saturates anyway, this is explicit.
    if ticks >= 18_446_744_073_709_551_616.0 { u64::MAX } else { ticks as u64 }
}

/// The next event at or after tick `t` and before tick `limit` of a Poisson
/// process whose rate is piecewise constant, or `None` if there is none
/// before `limit`. Used for storm onsets, corridor closures and Poisson
/// inflows.
///
/// `rate_at(t)` gives the rate per tick at tick `t` and the end of the
/// constant-rate piece containing `t` (strictly after `t`). Within a piece the
/// gap to the next event is exponential; a gap that would cross the end of the
/// piece is discarded and redrawn there, which is exact because the
/// exponential distribution is memoryless (the same process as drawing one
/// Exp(1) and inverting the cumulative rate). Zero-rate pieces consume no
/// random numbers. Events are on whole ticks (the exact time, floored).
pub fn next_event<R: Rng + ?Sized>(
    rate_at: impl Fn(u64) -> (f64, u64),
    t: u64,
    limit: u64,
    rng: &mut R,
) -> Option<u64> {
    let mut t = t;
    while t < limit {
        let (rate, piece_end) = rate_at(t);
        let piece_end = piece_end.clamp(t + 1, limit);
        if rate > 0.0 {
            let gap: f64 = Exp1.sample(rng);
            let gap = gap / rate;
            let room = piece_end - t;
            if gap < room as f64 {
                // Floor, and stay inside the piece despite f64 rounding.
                return Some(t + (gap as u64).min(room - 1));
            }
        }
        t = piece_end;
    }
    None
}

/// `rate_at` for [`next_event`] from a rate per hour in each calendar month:
/// the rate per tick at `t` and the start of the next month.
pub fn monthly_rate_at(rate_per_hour: &[f64; 12]) -> impl Fn(u64) -> (f64, u64) + '_ {
    move |t: u64| {
        let (month, next) = month_and_next_start(SimTime::from_ticks(t));
        (rate_per_hour[month] / TICKS_PER_HOUR as f64, next.ticks())
    }
}

/// The Poisson episode generator behind [`poisson_episodes`] and
/// [`annual_episodes`]: onsets from [`next_event`], each followed at once by
/// its duration draw.
fn episodes<R: Rng + ?Sized>(
    rate_at: impl Fn(u64) -> (f64, u64),
    duration_hours: &Dist,
    horizon: SimTime,
    rng: &mut R,
) -> Vec<(SimTime, SimTime)> {
    let horizon = horizon.ticks();
    let mut out = Vec::new();
    let mut t = 0u64;
    while let Some(onset) = next_event(&rate_at, t, horizon, rng) {
        let duration = ticks_saturating(duration_hours.sample(rng), TICKS_PER_HOUR);
        let end = onset.saturating_add(duration).min(horizon);
        if end > onset {
            out.push((SimTime::from_ticks(onset), SimTime::from_ticks(end)));
        }
        t = onset;
    }
    out
}

/// Validates monthly rates and bounds the expected number of onsets.
fn check_monthly(onsets_per_month: &[f64; 12], horizon: SimTime) -> Result<(), TimelineError> {
    for (month, &value) in onsets_per_month.iter().enumerate() {
        if !value.is_finite() || value < 0.0 {
            return Err(TimelineError::MonthlyRate { month, value });
        }
    }
    let per_year: f64 = onsets_per_month.iter().sum();
    check_expected(per_year, horizon)
}

/// The expected number of onsets over `horizon` at `per_year` onsets a
/// year, rounded up to whole years (an upper bound).
fn expected(per_year: f64, horizon: SimTime) -> f64 {
    per_year * (horizon.ticks() as f64 / TICKS_PER_YEAR as f64 + 1.0)
}

/// The expected number of storm onsets over `horizon` for onset rates per
/// calendar month, rounded up to whole years (an upper bound).
pub fn expected_onsets(onsets_per_month: &[f64; 12], horizon: SimTime) -> f64 {
    expected(onsets_per_month.iter().sum(), horizon)
}

/// Errors when `per_year` onsets a year over `horizon` is implausibly many.
fn check_expected(per_year: f64, horizon: SimTime) -> Result<(), TimelineError> {
    let expected = expected(per_year, horizon);
    if expected > MAX_EXPECTED_ONSETS {
        return Err(TimelineError::TooManyOnsets { expected });
    }
    Ok(())
}

/// The individual episodes behind [`poisson_episodes`], in onset order,
/// clipped to `horizon` but not merged (so they may overlap). Useful for
/// counting storms; the random stream is consumed exactly as by
/// [`poisson_episodes`].
///
/// # Errors
/// [`TimelineError::MonthlyRate`] for a NaN, infinite or negative rate,
/// [`TimelineError::TooManyOnsets`] when the rates and horizon imply more than
/// ten million episodes.
pub fn poisson_episode_list<R: Rng + ?Sized>(
    onsets_per_month: &[f64; 12],
    duration_hours: &Dist,
    horizon: SimTime,
    rng: &mut R,
) -> Result<Vec<(SimTime, SimTime)>, TimelineError> {
    check_monthly(onsets_per_month, horizon)?;
    if onsets_per_month.iter().all(|&r| r == 0.0) {
        return Ok(Vec::new());
    }
    let rate_at = |t: u64| {
        let (m, next) = month_and_next_start(SimTime::from_ticks(t));
        (onsets_per_month[m] / (DAYS_IN_MONTH[m] * TICKS_PER_DAY) as f64, next.ticks())
    };
    Ok(episodes(rate_at, duration_hours, horizon, rng))
}

/// Closure episodes (e.g. storms) over `[0, horizon)` whose onsets form a
/// Poisson process with a rate constant within each calendar month: month
/// `m` sees `onsets_per_month[m]` onsets on average. Each episode lasts a
/// draw of `duration_hours` (in hours), taken right after its onset;
/// overlapping episodes are merged (closed while any lasts) and the result is
/// clipped to `horizon`.
///
/// The exponential gap restarts at each month boundary, which is exact for a
/// piecewise-constant rate. Months with a zero rate consume no random numbers;
/// all-zero rates give an empty timeline and leave `rng` untouched.
///
/// # Errors
/// As [`poisson_episode_list`].
pub fn poisson_episodes<R: Rng + ?Sized>(
    onsets_per_month: &[f64; 12],
    duration_hours: &Dist,
    horizon: SimTime,
    rng: &mut R,
) -> Result<Timeline, TimelineError> {
    poisson_episode_list(onsets_per_month, duration_hours, horizon, rng)
        .map(Timeline::from_intervals)
}

/// Closure episodes (e.g. corridor closures) whose onsets form a homogeneous
/// Poisson process with `rate_per_year` onsets per 365-day year on average,
/// each lasting a draw of `duration_hours`, merged and clipped to `horizon`.
///
/// A rate of zero gives an empty timeline and consumes no random numbers.
///
/// # Errors
/// [`TimelineError::AnnualRate`] for a NaN, infinite or negative rate,
/// [`TimelineError::TooManyOnsets`] for an implausibly high one.
pub fn annual_episodes<R: Rng + ?Sized>(
    rate_per_year: f64,
    duration_hours: &Dist,
    horizon: SimTime,
    rng: &mut R,
) -> Result<Timeline, TimelineError> {
    if !rate_per_year.is_finite() || rate_per_year < 0.0 {
        return Err(TimelineError::AnnualRate { value: rate_per_year });
    }
    check_expected(rate_per_year, horizon)?;
    if rate_per_year == 0.0 {
        return Ok(Timeline::new());
    }
    let rate = rate_per_year / TICKS_PER_YEAR as f64;
    let list = episodes(|_| (rate, u64::MAX), duration_hours, horizon, rng);
    Ok(Timeline::from_intervals(list))
}

/// One ice season a year over `[0, horizon)`: each starts on day
/// `start_day_of_year` (0-based and fractional: `0.0` is 1 January 00:00,
/// `334.0` is 1 December) and lasts a draw of `duration_days` (in days). A
/// season may run into the next year; seasons that overlap are merged.
///
/// The season that started in the year before time zero is included, so a
/// horizon starting on 1 January begins inside a winter that is already
/// under way. Durations are drawn in year order starting with that one
/// (year -1, 0, 1, ... up to the last season starting before `horizon`).
///
/// # Errors
/// [`TimelineError::StartDay`] when `start_day_of_year` is not finite or not
/// in `[0, 365)`.
pub fn ice_seasons<R: Rng + ?Sized>(
    start_day_of_year: f64,
    duration_days: &Dist,
    horizon: SimTime,
    rng: &mut R,
) -> Result<Timeline, TimelineError> {
    if !start_day_of_year.is_finite() || !(0.0..365.0).contains(&start_day_of_year) {
        return Err(TimelineError::StartDay { value: start_day_of_year });
    }
    let offset = ticks_saturating(start_day_of_year, TICKS_PER_DAY).min(TICKS_PER_YEAR - 1);
    let horizon = horizon.ticks();
    let mut seasons = Vec::new();
    // The season of year -1, seen only where it runs past 1 January of year 0.
    let length = ticks_saturating(duration_days.sample(rng), TICKS_PER_DAY);
    let carried = offset.saturating_add(length).saturating_sub(TICKS_PER_YEAR);
    seasons.push((SimTime::ZERO, SimTime::from_ticks(carried.min(horizon))));
    for year in 0u64.. {
        let Some(start) = year.checked_mul(TICKS_PER_YEAR).and_then(|y| y.checked_add(offset))
        else {
            break;
        };
        if start >= horizon {
            break;
        }
        let length = ticks_saturating(duration_days.sample(rng), TICKS_PER_DAY);
        let end = start.saturating_add(length).min(horizon);
        seasons.push((SimTime::from_ticks(start), SimTime::from_ticks(end)));
    }
    Ok(Timeline::from_intervals(seasons))
}
