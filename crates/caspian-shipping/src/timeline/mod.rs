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
//!
//! - `calendar`: the calendar constants and functions.
//! - `intervals`: [`Timeline`].
//! - `episodes`: the generators and [`TimelineError`].

mod calendar;
mod episodes;
mod intervals;
#[cfg(test)]
mod tests;

pub use calendar::{
    DAYS_IN_MONTH, DAYS_PER_YEAR, TICKS_PER_YEAR, day_of_year, month_and_next_start, month_of,
    month_start, next_month_start, year_of,
};
pub use episodes::{
    TimelineError, annual_episodes, expected_onsets, ice_seasons, monthly_rate_at, next_event,
    poisson_episode_list, poisson_episodes, ticks_saturating,
};
pub use intervals::Timeline;
