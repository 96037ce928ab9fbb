//! What is wrong with a sweep key, or with a value written through one.

use thiserror::Error;

use super::SweepKey;

/// Text that is not a sweepable key.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SweepKeyError {
    /// No sweepable parameter has this form.
    #[error(
        "\"{key}\" is not a sweepable parameter{} (see docs/scenarios.md, section Sweeps)",
        hint.as_ref().map_or(String::new(), |h| format!("; did you mean \"{h}\"?"))
    )]
    NotSweepable {
        /// The text given.
        key: String,
        /// The sweepable key closest to it, if one is close.
        hint: Option<String>,
    },
    /// An entry's id (`fleet.<id>.id`), which names the entry.
    #[error("{}", crate::resolve::set::id_key_message(key))]
    Id {
        /// The text given.
        key: String,
    },
    /// `port.<id>.berths.<class>` with a class that does not exist.
    #[error("{key}: unknown berth class \"{class}\"")]
    UnknownBerthClass {
        /// The text given.
        key: String,
        /// The class given.
        class: String,
    },
}

/// A sweep key or value that does not fit a scenario.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum SweepError {
    /// The key's text is not a sweepable key.
    #[error(transparent)]
    Key(#[from] SweepKeyError),
    /// The key names an id the scenario does not have.
    #[error("{key}: unknown {what} \"{id}\"")]
    UnknownId {
        /// The key.
        key: SweepKey,
        /// The kind of thing named: `port`, `fleet`, `storage`, `inflow`,
        /// `outflow`, `disruption`.
        what: &'static str,
        /// The id.
        id: String,
    },
    /// A count or capacity given a negative, fractional or huge value.
    #[error("{key} needs a whole non-negative number, got {}", crate::resolve::plain::number(*value))]
    NotWholeNumber {
        /// The key.
        key: SweepKey,
        /// The value given.
        value: f64,
    },
    /// An on/off switch given something other than 0 or 1.
    #[error("{key} takes 0 or 1, got {}", crate::resolve::plain::number(*value))]
    NotSwitch {
        /// The key.
        key: SweepKey,
        /// The value given.
        value: f64,
    },
    /// A multiplier given a negative or non-finite value.
    #[error("{key} is a multiplier: it takes a finite number, 0 or more, got {}", crate::resolve::plain::number(*value))]
    NotMultiplier {
        /// The key.
        key: SweepKey,
        /// The value given.
        value: f64,
    },
    /// A rate given to a disruption that strikes on a fixed day.
    #[error(
        "{key}: disruption \"{id}\" strikes on a fixed day (start_day), so it has no rate; \
         only a random disruption (rate_per_year or mtbf_days) has one"
    )]
    Dated {
        /// The key.
        key: SweepKey,
        /// The disruption's id.
        id: String,
    },
}
