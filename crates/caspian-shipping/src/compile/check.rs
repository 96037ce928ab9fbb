//! The checks shared by every table: ranges, counts, distributions,
//! durations, and ids (duplicates, references to unknown ids).

use std::collections::BTreeMap;

use caspian_engine::SimDuration;

use super::ScenarioError;
use super::text::check_id;
use crate::dist::{Dist, DistSpec};
use crate::resolve::plain::number;

/// Largest horizon accepted: a thousand years is already absurd, and it keeps
/// every sum of times far from overflow.
pub(crate) const MAX_HORIZON_DAYS: f64 = 365_000.0;
/// Largest count of vessels, berths or per-entry items accepted.
pub(super) const MAX_COUNT: u64 = 100_000;
/// Largest storage capacity or cargo amount accepted (10^15 units).
pub(crate) const MAX_AMOUNT: u64 = 1_000_000_000_000_000;
/// Most vessels in all fleets together: each is a record of a few hundred
/// bytes, so this keeps a replication's fleet well under 1 GB, and it bounds
/// what one event can add to a total (see `model::state::Counters`).
pub(super) const MAX_VESSELS: u64 = 1_000_000;
/// Largest `max_events` accepted (about a day of simulation at ten million
/// events a second); with [`MAX_AMOUNT`] and [`MAX_VESSELS`] it keeps every
/// cargo total below 2^127 (the proof is at `model::state::Counters`).
pub(super) const MAX_EVENTS: u64 = 1_000_000_000_000;
/// Most storm closures, expected over the horizon, summed over every sea
/// area's own timeline and every port it closes: each is an interval in
/// memory and two events scheduled up front, so this keeps the weather of
/// a replication near 200 MB.
pub(super) const MAX_STORM_CLOSURES: f64 = 2e6;
/// Largest `max_waiting` accepted: a waiting vessel or train costs about
/// 80 bytes, so a backlog at this limit holds about 400 MB.
pub(super) const MAX_WAITING: u64 = 5_000_000;
/// The largest mean a distribution may have (hours, days, units: beyond
/// it a scenario is a mistake, and sums of draws lose their precision).
pub(super) const MAX_DIST_MEAN: f64 = 1e9;

/// Collects errors while compiling.
pub(super) struct Checker {
    pub(super) errors: Vec<ScenarioError>,
}

impl Checker {
    pub(super) fn err(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.errors.push(ScenarioError { key: key.into(), message: message.into() });
    }

    /// A finite number in `[min, max]`.
    pub(super) fn range(&mut self, key: &str, value: f64, min: f64, max: f64) -> bool {
        if !value.is_finite() {
            self.err(key, format!("must be a finite number, got {}", number(value)));
            false
        } else if value < min || value > max {
            self.err(
                key,
                format!(
                    "must be between {} and {}, got {}",
                    number(min),
                    number(max),
                    number(value)
                ),
            );
            false
        } else {
            true
        }
    }

    /// A finite number strictly above zero and at most `max`.
    pub(super) fn positive(&mut self, key: &str, value: f64, max: f64) -> bool {
        if !value.is_finite() {
            self.err(key, format!("must be a finite number, got {}", number(value)));
            false
        } else if value <= 0.0 {
            self.err(key, format!("must be greater than zero, got {}", number(value)));
            false
        } else if value > max {
            self.err(
                key,
                format!("is absurdly large ({}); the limit is {}", number(value), number(max)),
            );
            false
        } else {
            true
        }
    }

    pub(super) fn probability(&mut self, key: &str, value: f64) -> bool {
        if !value.is_finite() || !(0.0..=1.0).contains(&value) {
            self.err(key, format!("must be a probability between 0 and 1, got {}", number(value)));
            false
        } else {
            true
        }
    }

    pub(super) fn count(&mut self, key: &str, value: u64, min: u64) -> bool {
        if value < min {
            self.err(key, format!("must be at least {min}, got {value}"));
            false
        } else if value > MAX_COUNT {
            self.err(key, format!("is absurdly large ({value}); the limit is {MAX_COUNT}"));
            false
        } else {
            true
        }
    }

    /// A distribution of `spec`, with a mean of at most [`MAX_DIST_MEAN`].
    pub(super) fn dist(&mut self, key: &str, spec: &DistSpec) -> Option<Dist> {
        match Dist::new(spec) {
            Ok(d) => {
                if d.mean() > MAX_DIST_MEAN {
                    let (mean, limit) = (number(d.mean()), number(MAX_DIST_MEAN));
                    self.err(key, format!("mean {mean} is absurdly large; the limit is {limit}"));
                    None
                } else {
                    Some(d)
                }
            }
            Err(e) => {
                self.err(key, e.to_string());
                None
            }
        }
    }

    pub(super) fn hours(&mut self, key: &str, h: f64) -> Option<SimDuration> {
        if !self.range(key, h, 0.0, MAX_HORIZON_DAYS * 24.0) {
            return None;
        }
        SimDuration::try_from_hours_f64(h).map_err(|e| self.err(key, e.to_string())).ok()
    }
}

/// Index of each id, reporting duplicates and ids that break the id rule
/// ([`check_id`]).
pub(super) fn index_ids<'a>(
    c: &mut Checker,
    table: &str,
    ids: impl Iterator<Item = &'a String>,
) -> BTreeMap<&'a str, usize> {
    let mut map = BTreeMap::new();
    for (i, id) in ids.enumerate() {
        if check_id(c, &format!("{table}[{i}].id"), id) && map.insert(id.as_str(), i).is_some() {
            c.err(format!("{table}[{i}].id"), format!("duplicate id \"{id}\""));
        }
    }
    map
}

pub(super) fn lookup(
    c: &mut Checker,
    map: &BTreeMap<&str, usize>,
    key: String,
    what: &str,
    id: &str,
) -> Option<usize> {
    let found = map.get(id).copied();
    if found.is_none() {
        let known: Vec<&str> = map.keys().copied().collect();
        let known = if known.is_empty() {
            format!("the scenario defines no {what}")
        } else {
            format!("known: {}", known.join(", "))
        };
        c.err(key, format!("unknown {what} \"{id}\" ({known})"));
    }
    found
}

/// A distribution that always returns zero, standing in for one that failed a
/// check (the scenario is rejected then, so it is never sampled).
pub(super) fn zero_dist() -> Dist {
    match Dist::new(&DistSpec::Constant { value: 0.0 }) {
        Ok(d) => d,
        Err(e) => unreachable!("a constant zero is always a valid distribution: {e}"),
    }
}
