//! Saturation: the waiting lines that were still growing at the horizon.
//!
//! A replication names each such line with a [`WaitingLine`]; the runner
//! counts them over replications and documents carry them as values, never
//! as sentences to be split. The text form (`anchorage alat.rail_ferry`,
//! `gate aktau_yard_west`) is the [`Display`](std::fmt::Display) of the type,
//! parsed back by [`FromStr`], and is how a line is
//! written in JSON.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::scenario::BerthClass;

/// Fewest still waiting at the horizon for a line to count as saturated.
pub const SATURATION_MIN_WAITING: usize = 10;

/// Share of a line's traffic (served + still waiting) that must still be
/// waiting at the horizon for the line to count as saturated.
pub const SATURATION_SHARE: f64 = 0.05;

/// A place where vessels or cargo queue.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum WaitingLine {
    /// Vessels waiting at a port's anchorage for a berth of one class.
    Anchorage {
        /// Port id.
        port: String,
        /// Berth class.
        class: BerthClass,
    },
    /// Arrivals (trains) waiting at the gate of a full storage.
    Gate {
        /// Storage id.
        storage: String,
    },
}

impl fmt::Display for WaitingLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitingLine::Anchorage { port, class } => {
                write!(f, "anchorage {port}.{}", class.as_str())
            }
            WaitingLine::Gate { storage } => write!(f, "gate {storage}"),
        }
    }
}

/// A text that is not a waiting line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a waiting line: {0:?} (expected `anchorage <port>.<class>` or `gate <storage>`)")]
pub struct ParseWaitingLineError(pub String);

impl FromStr for WaitingLine {
    type Err = ParseWaitingLineError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParseWaitingLineError(s.to_string());
        let (kind, rest) = s.split_once(' ').ok_or_else(bad)?;
        let id_ok = |id: &str| !id.is_empty() && !id.contains([' ', '.']);
        match kind {
            "anchorage" => {
                let (port, class) = rest.split_once('.').ok_or_else(bad)?;
                let class =
                    BerthClass::ALL.into_iter().find(|c| c.as_str() == class).ok_or_else(bad)?;
                if !id_ok(port) {
                    return Err(bad());
                }
                Ok(WaitingLine::Anchorage { port: port.to_string(), class })
            }
            "gate" if id_ok(rest) => Ok(WaitingLine::Gate { storage: rest.to_string() }),
            _ => Err(bad()),
        }
    }
}

impl Serialize for WaitingLine {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for WaitingLine {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips() {
        for line in [
            WaitingLine::Anchorage { port: "alat".into(), class: BerthClass::RailFerry },
            WaitingLine::Gate { storage: "aktau_yard_west".into() },
        ] {
            let text = line.to_string();
            assert_eq!(text.parse::<WaitingLine>().unwrap(), line, "{text}");
        }
        assert_eq!(
            WaitingLine::Anchorage { port: "q".into(), class: BerthClass::Tanker }.to_string(),
            "anchorage q.tanker"
        );
    }

    #[test]
    fn malformed_lines_are_refused() {
        for text in [
            "",
            "anchorage",
            "anchorage alat",
            "anchorage alat.ferry",
            "gate ",
            "gate a b",
            "queue x",
        ] {
            assert!(text.parse::<WaitingLine>().is_err(), "{text:?}");
        }
    }
}
