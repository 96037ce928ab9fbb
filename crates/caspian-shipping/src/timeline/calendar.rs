//! The simulated calendar: 365-day years, months of their usual lengths.

use caspian_engine::{SimTime, TICKS_PER_DAY};

/// Days in every simulated year (no leap years).
pub const DAYS_PER_YEAR: u64 = 365;

/// Days in each calendar month, January first.
pub const DAYS_IN_MONTH: [u64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// Ticks (milliseconds) in one simulated year.
pub const TICKS_PER_YEAR: u64 = DAYS_PER_YEAR * TICKS_PER_DAY;

/// Day of the year (0-based) on which each month starts; entry 12 is the
/// start of the next year.
pub(super) const MONTH_START_DAY: [u64; 13] = {
    let mut starts = [0; 13];
    let mut m = 0;
    while m < 12 {
        starts[m + 1] = starts[m] + DAYS_IN_MONTH[m];
        m += 1;
    }
    starts
};

/// The calendar year containing `t`, counting from year 0.
pub fn year_of(t: SimTime) -> u64 {
    t.ticks() / TICKS_PER_YEAR
}

/// The day of the year containing `t`, `0..365` (0 is 1 January).
pub fn day_of_year(t: SimTime) -> u64 {
    (t.ticks() % TICKS_PER_YEAR) / TICKS_PER_DAY
}

/// The month (`0..12`) of each day of the year (0 is 1 January).
const MONTH_OF_DAY: [u8; DAYS_PER_YEAR as usize] = {
    let mut months = [0; DAYS_PER_YEAR as usize];
    let mut day = 0;
    while day < DAYS_PER_YEAR as usize {
        let mut m = 0;
        while MONTH_START_DAY[m + 1] as usize <= day {
            m += 1;
        }
        months[day] = m as u8;
        day += 1;
    }
    months
};

/// The calendar month containing `t`, `0..12` (0 is January).
pub fn month_of(t: SimTime) -> usize {
    MONTH_OF_DAY[day_of_year(t) as usize] as usize
}

/// [`month_of`] and [`next_month_start`] of `t` at once: the rate pieces of
/// monthly Poisson processes ask for both at every draw.
pub fn month_and_next_start(t: SimTime) -> (usize, SimTime) {
    let year_start = year_of(t) * TICKS_PER_YEAR;
    let day = (t.ticks() - year_start) / TICKS_PER_DAY;
    let month = MONTH_OF_DAY[day as usize] as usize;
    let next = MONTH_START_DAY[month + 1] * TICKS_PER_DAY;
    (month, SimTime::from_ticks(year_start.saturating_add(next)))
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
    month_and_next_start(t).1
}
