//! Pre-generated closure timelines: storms, ice seasons, corridor closures.
//!
//! Weather and corridor closures do not depend on the state of the model, so
//! each replication generates them up front, over the whole horizon, from
//! their own random stream (see [`crate::streams`]). Every policy compared
//! under the same seed then sees exactly the same storms: common random
//! numbers are exact rather than approximate.
//!
//! A [`Timeline`] is a sorted list of disjoint half-open intervals
//! `[start, end)` during which something (a port, a sea area, a corridor) is
//! closed. The generators are:
//!
//! - [`poisson_episodes`]: episodes whose onsets form a Poisson process with
//!   a rate that varies by calendar month (storms);
//! - [`annual_episodes`]: the same with a constant rate (corridor closures);
//! - [`ice_seasons`]: one season a year from a fixed day of the year, with a
//!   random length.
//!
//! [`next_event`] is the Poisson step behind the first two, exact for a rate
//! that is constant by pieces; the model also draws Poisson inflow arrivals
//! with it (with [`monthly_rate_at`]), as they happen.
//!
//! # Calendar
//!
//! Simulation time zero is 1 January 00:00. Every year has 365 days and the
//! months have their usual lengths (February 28 days); the calendar repeats
//! for horizons of several years. See [`month_of`], [`month_start`] and
//! [`next_month_start`].

use caspian_engine::{SimDuration, SimTime, TICKS_PER_DAY, TICKS_PER_HOUR};
use rand::Rng;
use rand_distr::{Distribution, Exp1};
use thiserror::Error;

use crate::dist::Dist;

/// Days in every simulated year (no leap years).
pub const DAYS_PER_YEAR: u64 = 365;

/// Days in each calendar month, January first.
pub const DAYS_IN_MONTH: [u64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// Ticks (milliseconds) in one simulated year.
pub const TICKS_PER_YEAR: u64 = DAYS_PER_YEAR * TICKS_PER_DAY;

/// Day of the year (0-based) on which each month starts; entry 12 is the
/// start of the next year.
const MONTH_START_DAY: [u64; 13] = {
    let mut starts = [0; 13];
    let mut m = 0;
    while m < 12 {
        starts[m + 1] = starts[m] + DAYS_IN_MONTH[m];
        m += 1;
    }
    starts
};

/// More expected onsets than this over one horizon is taken for an input
/// error (about 160 MB of intervals).
const MAX_EXPECTED_ONSETS: f64 = 1e7;

/// The calendar year containing `t`, counting from year 0.
pub fn year_of(t: SimTime) -> u64 {
    t.ticks() / TICKS_PER_YEAR
}

/// The day of the year containing `t`, `0..365` (0 is 1 January).
pub fn day_of_year(t: SimTime) -> u64 {
    (t.ticks() % TICKS_PER_YEAR) / TICKS_PER_DAY
}

/// The calendar month containing `t`, `0..12` (0 is January).
pub fn month_of(t: SimTime) -> usize {
    let day = day_of_year(t);
    // The number of months that start on or before `day`, less January.
    MONTH_START_DAY[1..12].partition_point(|&start| start <= day)
}

/// The instant month `month` (`0..12`) of year `year` starts, saturating at
/// [`SimTime::MAX`].
///
/// # Panics
/// When `month >= 12`.
pub fn month_start(year: u64, month: usize) -> SimTime {
    assert!(month < 12, "month index {month} is not in 0..12");
    let day = MONTH_START_DAY[month] * TICKS_PER_DAY;
    SimTime::from_ticks(year.saturating_mul(TICKS_PER_YEAR).saturating_add(day))
}

/// The first month boundary strictly after `t`, saturating at [`SimTime::MAX`].
pub fn next_month_start(t: SimTime) -> SimTime {
    let year_start = year_of(t) * TICKS_PER_YEAR;
    let next = MONTH_START_DAY[month_of(t) + 1] * TICKS_PER_DAY;
    SimTime::from_ticks(year_start.saturating_add(next))
}

/// A set of closed periods: sorted, disjoint, non-adjacent half-open
/// intervals `[start, end)`.
///
/// Lookups are binary searches, `O(log n)`; [`Timeline::closed_time_between`]
/// uses prefix sums and is `O(log n)` too.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    intervals: Vec<(SimTime, SimTime)>,
    /// `closed_through[i]`: total closed ticks in `intervals[..=i]`.
    closed_through: Vec<u64>,
}

impl Timeline {
    /// A timeline that is never closed.
    pub fn new() -> Timeline {
        Timeline::default()
    }

    /// The timeline closed during any of `intervals`: they are sorted, and
    /// overlapping or adjacent ones merged. Intervals with `end <= start` are
    /// empty and ignored.
    pub fn from_intervals(mut intervals: Vec<(SimTime, SimTime)>) -> Timeline {
        intervals.retain(|&(start, end)| start < end);
        intervals.sort_unstable();
        let mut merged: Vec<(SimTime, SimTime)> = Vec::with_capacity(intervals.len());
        for (start, end) in intervals {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        let mut total = 0u64;
        let closed_through = merged
            .iter()
            .map(|&(start, end)| {
                // Disjoint intervals within u64 ticks cannot sum past u64::MAX.
                total += end.ticks() - start.ticks();
                total
            })
            .collect();
        Timeline { intervals: merged, closed_through }
    }

    /// The closed intervals, sorted, disjoint and non-adjacent.
    pub fn intervals(&self) -> &[(SimTime, SimTime)] {
        &self.intervals
    }

    /// The number of closed intervals.
    pub fn len(&self) -> usize {
        self.intervals.len()
    }

    /// Whether the timeline is never closed.
    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    /// The index of the last interval starting at or before `t`, if any.
    fn last_starting_by(&self, t: SimTime) -> Option<usize> {
        self.intervals.partition_point(|&(start, _)| start <= t).checked_sub(1)
    }

    /// The closed interval containing `t`, if `t` is closed.
    pub fn interval_at(&self, t: SimTime) -> Option<(SimTime, SimTime)> {
        let i = self.last_starting_by(t)?;
        let iv = self.intervals[i];
        (t < iv.1).then_some(iv)
    }

    /// Whether `t` lies in a closed interval.
    pub fn is_closed(&self, t: SimTime) -> bool {
        self.interval_at(t).is_some()
    }

    /// The first open instant at or after `t`: `t` itself when it is open,
    /// else the end of the interval containing it (which is open, because
    /// adjacent intervals are merged).
    pub fn next_open(&self, t: SimTime) -> SimTime {
        self.interval_at(t).map_or(t, |(_, end)| end)
    }

    /// The first instant after `t` at which [`Timeline::is_closed`] changes:
    /// the end of the interval containing `t`, or else the start of the next
    /// interval; `None` when nothing changes after `t`.
    pub fn next_change_after(&self, t: SimTime) -> Option<SimTime> {
        let next = self.intervals.partition_point(|&(start, _)| start <= t);
        if let Some(&(_, end)) = next.checked_sub(1).map(|i| &self.intervals[i])
            && t < end
        {
            return Some(end);
        }
        self.intervals.get(next).map(|&(start, _)| start)
    }

    /// Closed ticks in `[0, t)`.
    fn closed_before(&self, t: SimTime) -> u64 {
        let n = self.intervals.partition_point(|&(start, _)| start < t);
        let Some(i) = n.checked_sub(1) else { return 0 };
        let end = self.intervals[i].1;
        self.closed_through[i] - end.ticks().saturating_sub(t.ticks())
    }

    /// The total closed time within `[a, b)`; zero when `b <= a`.
    pub fn closed_time_between(&self, a: SimTime, b: SimTime) -> SimDuration {
        if b <= a {
            return SimDuration::ZERO;
        }
        SimDuration::from_ticks(self.closed_before(b) - self.closed_before(a))
    }

    /// The total closed time.
    pub fn total_closed(&self) -> SimDuration {
        SimDuration::from_ticks(self.closed_through.last().copied().unwrap_or(0))
    }

    /// The timeline closed whenever `self` or `other` is closed (e.g. a port
    /// shut by storms or by ice).
    pub fn union(&self, other: &Timeline) -> Timeline {
        let mut all = Vec::with_capacity(self.len() + other.len());
        all.extend_from_slice(&self.intervals);
        all.extend_from_slice(&other.intervals);
        Timeline::from_intervals(all)
    }
}

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
fn ticks_saturating(x: f64, ticks_per_unit: u64) -> u64 {
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
        let t = SimTime::from_ticks(t);
        let rate = rate_per_hour[month_of(t)] / TICKS_PER_HOUR as f64;
        (rate, next_month_start(t).ticks())
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

/// Errors when `per_year` onsets a year over `horizon` is implausibly many.
fn check_expected(per_year: f64, horizon: SimTime) -> Result<(), TimelineError> {
    let years = horizon.ticks() as f64 / TICKS_PER_YEAR as f64 + 1.0;
    let expected = per_year * years;
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
        let t = SimTime::from_ticks(t);
        let m = month_of(t);
        let rate = onsets_per_month[m] / (DAYS_IN_MONTH[m] * TICKS_PER_DAY) as f64;
        (rate, next_month_start(t).ticks())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::DistSpec;
    use crate::streams::{Source, stream};
    use proptest::prelude::*;

    fn t(ticks: u64) -> SimTime {
        SimTime::from_ticks(ticks)
    }

    fn dist(spec: DistSpec) -> Dist {
        Dist::new(&spec).expect("valid spec")
    }

    #[test]
    fn calendar() {
        let day = |d: u64| SimTime::from_days(d);
        assert_eq!(month_of(day(0)), 0);
        assert_eq!(month_of(day(30)), 0);
        assert_eq!(month_of(day(31)), 1);
        assert_eq!(month_of(day(58)), 1);
        assert_eq!(month_of(day(59)), 2);
        assert_eq!(month_of(day(364)), 11);
        assert_eq!(month_of(day(365)), 0);
        assert_eq!(month_of(day(365 + 59)), 2);
        assert_eq!(month_of(t(TICKS_PER_YEAR - 1)), 11);
        assert_eq!(year_of(day(365 * 3 + 2)), 3);
        assert_eq!(day_of_year(day(365 * 3 + 2)), 2);
        assert_eq!(month_start(0, 2), day(59));
        assert_eq!(month_start(2, 11), day(2 * 365 + 334));
        assert_eq!(next_month_start(day(0)), day(31));
        assert_eq!(next_month_start(t(31 * TICKS_PER_DAY - 1)), day(31));
        assert_eq!(next_month_start(day(364)), day(365));
        for m in 0..12 {
            assert_eq!(month_of(month_start(5, m)), m);
            assert_eq!(next_month_start(month_start(5, m)), {
                if m == 11 { month_start(6, 0) } else { month_start(5, m + 1) }
            });
        }
        assert_eq!(MONTH_START_DAY[12], DAYS_PER_YEAR);
    }

    #[test]
    fn timeline_basics() {
        let tl = Timeline::from_intervals(vec![
            (t(50), t(60)),
            (t(10), t(20)),
            (t(15), t(30)),
            (t(30), t(35)),
            (t(40), t(40)),
            (t(45), t(41)),
        ]);
        assert_eq!(tl.intervals(), &[(t(10), t(35)), (t(50), t(60))]);
        assert_eq!(tl.len(), 2);
        assert!(!tl.is_empty() && Timeline::new().is_empty());
        assert!(!tl.is_closed(t(9)) && tl.is_closed(t(10)) && tl.is_closed(t(34)));
        assert!(!tl.is_closed(t(35)));
        assert_eq!(tl.next_open(t(12)), t(35));
        assert_eq!(tl.next_open(t(36)), t(36));
        assert_eq!(tl.next_change_after(t(0)), Some(t(10)));
        assert_eq!(tl.next_change_after(t(10)), Some(t(35)));
        assert_eq!(tl.next_change_after(t(35)), Some(t(50)));
        assert_eq!(tl.next_change_after(t(60)), None);
        assert_eq!(tl.closed_time_between(t(0), t(100)), SimDuration::from_ticks(35));
        assert_eq!(tl.closed_time_between(t(30), t(55)), SimDuration::from_ticks(10));
        assert_eq!(tl.closed_time_between(t(55), t(30)), SimDuration::ZERO);
        assert_eq!(tl.total_closed(), SimDuration::from_ticks(35));
        let other = Timeline::from_intervals(vec![(t(35), t(37)), (t(70), t(80))]);
        assert_eq!(tl.union(&other).intervals(), &[(t(10), t(37)), (t(50), t(60)), (t(70), t(80))]);
    }

    /// Long-run fraction of time closed: with onsets at rate `lambda` and
    /// durations `D`, the number of episodes in progress is Poisson with mean
    /// `lambda * E[D]` (M/G/infinity), so P(closed) = 1 - exp(-lambda E[D]).
    fn check_fraction_closed(duration: DistSpec, sub: u8) {
        const YEARS: u64 = 1000;
        let per_year = 60.0;
        let d = dist(duration);
        let warm_up = SimDuration::from_days(60);
        let start = SimTime::ZERO + warm_up;
        let horizon = start + SimDuration::from_days(365);
        let fractions: Vec<f64> = (0..YEARS)
            .map(|rep| {
                let mut rng = stream(99, rep, Source::CorridorClosure, sub);
                let tl = annual_episodes(per_year, &d, horizon, &mut rng).expect("valid");
                tl.closed_time_between(start, horizon).as_days_f64() / 365.0
            })
            .collect();
        let n = YEARS as f64;
        let mean = fractions.iter().sum::<f64>() / n;
        let var = fractions.iter().map(|f| (f - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let se = (var / n).sqrt();
        let expected = 1.0 - (-per_year / 365.0 * d.mean() / 24.0).exp();
        println!(
            "{d}: P(closed) analytic {expected:.5}, estimate {mean:.5}, \
             4-se interval [{:.5}, {:.5}]",
            mean - 4.0 * se,
            mean + 4.0 * se
        );
        assert!((mean - expected).abs() <= 4.0 * se, "{mean} vs {expected} (se {se})");
    }

    #[test]
    fn fraction_closed_matches_m_g_infinity_exponential() {
        check_fraction_closed(DistSpec::Exponential { mean: 36.0 }, 0);
    }

    #[test]
    fn fraction_closed_matches_m_g_infinity_lognormal() {
        check_fraction_closed(DistSpec::Lognormal { mean: 36.0, sd: 60.0 }, 1);
    }

    #[test]
    fn onsets_per_month_match_seasonal_rates() {
        const YEARS: u64 = 2000;
        let rates = [6.0, 5.0, 4.0, 2.0, 1.0, 0.5, 0.0, 0.3, 1.0, 3.0, 5.0, 7.0];
        let d = dist(DistSpec::Constant { value: 0.01 });
        let mut rng = stream(5, 0, Source::Weather, 0);
        let horizon = SimTime::from_days(365 * YEARS);
        let list = poisson_episode_list(&rates, &d, horizon, &mut rng).expect("valid");
        let mut counts = [0u64; 12];
        for &(onset, end) in &list {
            counts[month_of(onset)] += 1;
            assert_eq!(end - onset, SimDuration::from_secs(36));
        }
        for (m, (&count, &rate)) in counts.iter().zip(&rates).enumerate() {
            let expected = rate * YEARS as f64;
            let tol = 4.0 * expected.sqrt();
            println!("month {m}: {count} onsets, expected {expected} +- {tol:.1}");
            assert!((count as f64 - expected).abs() <= tol, "month {m}: {count} vs {expected}");
        }
        assert_eq!(counts[6], 0);
    }

    #[test]
    fn episodes_are_merged_and_clipped() {
        let d = dist(DistSpec::Exponential { mean: 200.0 });
        let horizon = SimTime::from_days(3 * 365 + 17);
        let mut rng = stream(8, 0, Source::Weather, 0);
        let list = poisson_episode_list(&[5.0; 12], &d, horizon, &mut rng).expect("valid");
        let mut rng = stream(8, 0, Source::Weather, 0);
        let tl = poisson_episodes(&[5.0; 12], &d, horizon, &mut rng).expect("valid");
        assert!(tl.len() < list.len(), "long storms overlap and merge");
        assert_eq!(tl, Timeline::from_intervals(list.clone()));
        assert!(list.windows(2).all(|w| w[0].0 <= w[1].0), "onsets in order");
        assert!(tl.intervals().iter().all(|&(s, e)| s < e && e <= horizon));
        assert!(tl.intervals().windows(2).all(|w| w[0].1 < w[1].0));
    }

    #[test]
    fn same_stream_same_timeline_and_zero_rates_are_empty() {
        let d = dist(DistSpec::Gamma { mean: 20.0, sd: 10.0 });
        let horizon = SimTime::from_days(5 * 365);
        let make = |rep| {
            let mut rng = stream(42, rep, Source::Weather, 3);
            poisson_episodes(&[2.0; 12], &d, horizon, &mut rng).expect("valid")
        };
        assert_eq!(make(0), make(0));
        assert_ne!(make(0), make(1));
        let corridor = |rep| {
            let mut rng = stream(42, rep, Source::CorridorClosure, 0);
            annual_episodes(4.0, &d, horizon, &mut rng).expect("valid")
        };
        assert_eq!(corridor(7), corridor(7));
        assert!(!corridor(7).is_empty());

        let fresh = stream(42, 0, Source::Weather, 0).next_u64();
        let mut rng = stream(42, 0, Source::Weather, 0);
        assert!(poisson_episodes(&[0.0; 12], &d, horizon, &mut rng).expect("valid").is_empty());
        assert!(annual_episodes(0.0, &d, horizon, &mut rng).expect("valid").is_empty());
        assert_eq!(rng.next_u64(), fresh, "zero rates consume nothing");
        // Zero-rate months draw nothing either: a horizon that ends before the
        // only stormy month leaves the stream untouched.
        let mut rates = [0.0; 12];
        rates[11] = 3.0;
        let mut rng = stream(42, 0, Source::Weather, 0);
        let tl = poisson_episodes(&rates, &d, month_start(0, 11), &mut rng).expect("valid");
        assert!(tl.is_empty());
        assert_eq!(rng.next_u64(), fresh, "zero-rate months consume nothing");
        let list = poisson_episode_list(&rates, &d, horizon, &mut rng).expect("valid");
        assert!(!list.is_empty() && list.iter().all(|&(s, _)| month_of(s) == 11));
    }

    #[test]
    fn ice_seasons_wrap_into_the_next_year() {
        let d = dist(DistSpec::Uniform { min: 80.0, max: 100.0 });
        let horizon = SimTime::from_days(3 * 365);
        let mut rng = stream(1, 0, Source::Ice, 0);
        let tl = ice_seasons(334.0, &d, horizon, &mut rng).expect("valid");
        // Year -1's season covers 1 January; then one season per winter,
        // the last clipped at the horizon.
        assert_eq!(tl.len(), 4);
        assert_eq!(tl.intervals()[0].0, SimTime::ZERO);
        assert!(tl.is_closed(SimTime::from_days(20)));
        assert!(!tl.is_closed(SimTime::from_days(200)));
        for y in 0..3 {
            assert_eq!(tl.intervals()[y as usize + 1].0, SimTime::from_days(y * 365 + 334));
        }
        assert_eq!(tl.intervals()[3].1, horizon);
        let mut rng = stream(1, 0, Source::Ice, 0);
        let first = d.sample(&mut rng);
        let expected_end = SimTime::try_from_days_f64(334.0 + first - 365.0).expect("finite");
        assert_eq!(tl.intervals()[0].1, expected_end);
        // Seasons longer than a year merge into one closure.
        let long = dist(DistSpec::Constant { value: 400.0 });
        let tl = ice_seasons(10.0, &long, horizon, &mut rng).expect("valid");
        assert_eq!(tl.intervals(), &[(SimTime::ZERO, horizon)]);
    }

    #[test]
    fn bad_parameters_are_errors() {
        let d = dist(DistSpec::Constant { value: 1.0 });
        let h = SimTime::from_days(365);
        let mut rng = stream(1, 0, Source::Weather, 0);
        let mut rates = [1.0; 12];
        rates[4] = f64::NAN;
        let e = poisson_episodes(&rates, &d, h, &mut rng).expect_err("NaN rate");
        assert!(matches!(e, TimelineError::MonthlyRate { month: 4, .. }), "{e}");
        assert!(e.to_string().contains("onsets_per_month[4]"), "{e}");
        rates[4] = -1.0;
        assert!(poisson_episodes(&rates, &d, h, &mut rng).is_err());
        let e = annual_episodes(-2.0, &d, h, &mut rng).expect_err("negative rate");
        assert!(e.to_string().contains("rate_per_year"), "{e}");
        assert!(annual_episodes(f64::INFINITY, &d, h, &mut rng).is_err());
        let e = annual_episodes(1e12, &d, h, &mut rng).expect_err("too many");
        assert!(matches!(e, TimelineError::TooManyOnsets { .. }), "{e}");
        for bad in [-1.0, 365.0, f64::NAN] {
            let e = ice_seasons(bad, &d, h, &mut rng).expect_err("bad day");
            assert!(e.to_string().contains("start_day_of_year"), "{e}");
        }
    }

    fn arb_intervals() -> impl Strategy<Value = Vec<(u64, u64)>> {
        prop::collection::vec((0u64..100, 0u64..25), 0..10)
            .prop_map(|v| v.into_iter().map(|(s, len)| (s, s + len)).collect())
    }

    fn timeline(raw: &[(u64, u64)]) -> Timeline {
        Timeline::from_intervals(raw.iter().map(|&(s, e)| (t(s), t(e))).collect())
    }

    proptest! {
        #[test]
        fn lookups_match_brute_force(raw in arb_intervals(), other in arb_intervals()) {
            let tl = timeline(&raw);
            let closed = |x: u64| raw.iter().any(|&(s, e)| s <= x && x < e);
            const END: u64 = 130;
            // prefix[x]: closed ticks in [0, x), counted one by one.
            let prefix: Vec<u64> = (0..=END)
                .map(|x| (0..x).filter(|&z| closed(z)).count() as u64)
                .collect();
            // Canonical form: sorted, disjoint, non-adjacent, non-empty.
            for w in tl.intervals().windows(2) {
                prop_assert!(w[0].1 < w[1].0);
            }
            for &(s, e) in tl.intervals() {
                prop_assert!(s < e);
            }
            for x in 0..END {
                prop_assert_eq!(tl.is_closed(t(x)), closed(x), "is_closed({})", x);
                let open = (x..).find(|&y| !closed(y)).unwrap_or(x);
                prop_assert_eq!(tl.next_open(t(x)), t(open), "next_open({})", x);
                let change = (x + 1..END).find(|&y| closed(y) != closed(x)).map(t);
                prop_assert_eq!(tl.next_change_after(t(x)), change, "next_change_after({})", x);
                for y in 0..=END {
                    let brute = prefix[y as usize].saturating_sub(prefix[x as usize]);
                    prop_assert_eq!(
                        tl.closed_time_between(t(x), t(y)),
                        SimDuration::from_ticks(brute),
                        "closed_time_between({}, {})", x, y
                    );
                }
            }
            let both = tl.union(&timeline(&other));
            let closed_other = |x: u64| other.iter().any(|&(s, e)| s <= x && x < e);
            for x in 0..END {
                prop_assert_eq!(both.is_closed(t(x)), closed(x) || closed_other(x));
            }
            let total = (0..END).filter(|&z| closed(z)).count() as u64;
            prop_assert_eq!(tl.total_closed(), SimDuration::from_ticks(total));
        }
    }
}
