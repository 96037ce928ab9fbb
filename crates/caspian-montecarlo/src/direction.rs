//! Which way is better for a ranked or charted quantity: from the KPI
//! schema's direction, unless `--minimize` / `--maximize` patterns say
//! otherwise, and for a probability `P(KPI OP NUMBER)` from the KPI's
//! direction and the operator.
//!
//! `P(KPI >= x)` and `P(KPI > x)` move with the KPI, so they are better
//! higher when the KPI is; `P(KPI <= x)` and `P(KPI < x)` move against it,
//! so the direction is mirrored (`P(service_level.wagons<0.95)`, the chance
//! of a bad year, is better lower).

use serde::{Deserialize, Serialize};

use crate::measure::Measure;
use crate::schema::{self, Direction as Better};
use crate::select::matches;
use crate::targets::Op;

/// Which way is better for a ranking or a Pareto axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Larger is better (cargo delivered).
    Maximize,
    /// Smaller is better (waiting time, cargo lost, cost).
    Minimize,
}

impl Direction {
    /// The other way.
    pub fn flipped(self) -> Direction {
        match self {
            Direction::Maximize => Direction::Minimize,
            Direction::Minimize => Direction::Maximize,
        }
    }

    /// How tables say it: `largest first` or `smallest first`.
    pub fn order_words(self) -> &'static str {
        match self {
            Direction::Maximize => "largest first",
            Direction::Minimize => "smallest first",
        }
    }

    /// How axes say it: `larger is better` or `smaller is better`.
    pub fn better_words(self) -> &'static str {
        match self {
            Direction::Maximize => "larger is better",
            Direction::Minimize => "smaller is better",
        }
    }

    /// Whether `a` is strictly better than `b`.
    pub fn better(self, a: f64, b: f64) -> bool {
        match self {
            Direction::Maximize => a > b,
            Direction::Minimize => a < b,
        }
    }
}

/// A measure whose direction cannot be decided.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DirectionError {
    /// The KPI's schema direction is "neither" (or it has no family) and
    /// no pattern names it.
    #[error(
        "{option} {measure}: the KPI schema says neither larger nor smaller {kpi} is better; \
         say which with --minimize {kpi} or --maximize {kpi}"
    )]
    Neither {
        /// The option that named the measure (`--rank`, `--pareto`).
        option: String,
        /// The measure as written.
        measure: String,
        /// The KPI it reads.
        kpi: String,
    },
    /// Both `--minimize` and `--maximize` patterns match the KPI.
    #[error(
        "{kpi} matches both --minimize {minimize} and --maximize {maximize}; \
         give one direction per KPI"
    )]
    Conflict {
        /// The KPI.
        kpi: String,
        /// The matching `--minimize` pattern.
        minimize: String,
        /// The matching `--maximize` pattern.
        maximize: String,
    },
}

/// The user's `--minimize` and `--maximize` patterns, which override the
/// schema for the KPIs they match.
#[derive(Debug, Clone, Copy, Default)]
pub struct Overrides<'a> {
    /// KPIs better smaller.
    pub minimize: &'a [String],
    /// KPIs better larger.
    pub maximize: &'a [String],
}

impl Overrides<'_> {
    /// Which way is better for the KPI `kpi`: a matching pattern, else the
    /// schema (`None` when it says neither, or the KPI has no family).
    ///
    /// # Errors
    /// [`DirectionError::Conflict`] when patterns of both kinds match it.
    pub fn kpi_direction(&self, kpi: &str) -> Result<Option<Direction>, DirectionError> {
        let min = self.minimize.iter().find(|p| matches(p, kpi));
        let max = self.maximize.iter().find(|p| matches(p, kpi));
        match (min, max) {
            (Some(a), Some(b)) => Err(DirectionError::Conflict {
                kpi: kpi.to_string(),
                minimize: a.clone(),
                maximize: b.clone(),
            }),
            (Some(_), None) => Ok(Some(Direction::Minimize)),
            (None, Some(_)) => Ok(Some(Direction::Maximize)),
            (None, None) => Ok(match schema::family_of(kpi).map(|f| f.direction) {
                Some(Better::HigherIsBetter) => Some(Direction::Maximize),
                Some(Better::LowerIsBetter) => Some(Direction::Minimize),
                _ => None,
            }),
        }
    }

    /// Which way is better for `measure`; `option` names the command-line
    /// option in the error.
    ///
    /// # Errors
    /// [`DirectionError`] when no direction can be decided.
    pub fn direction(&self, measure: &Measure, option: &str) -> Result<Direction, DirectionError> {
        let kpi = measure.kpi();
        let Some(dir) = self.kpi_direction(kpi)? else {
            return Err(DirectionError::Neither {
                option: option.to_string(),
                measure: measure.to_string(),
                kpi: kpi.to_string(),
            });
        };
        Ok(match measure {
            Measure::Kpi(_) => dir,
            Measure::Probability(c) => match c.op {
                Op::AtLeast | Op::Above => dir,
                Op::AtMost | Op::Below => dir.flipped(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(spec: &str, o: Overrides<'_>) -> Result<Direction, DirectionError> {
        o.direction(&Measure::parse(spec).unwrap(), "--rank")
    }

    #[test]
    fn schema_operator_and_patterns_decide() {
        let none = Overrides::default();
        assert_eq!(dir("delivered_total.oil", none), Ok(Direction::Maximize));
        assert_eq!(dir("anchorage_wait_h.alat.rail_ferry", none), Ok(Direction::Minimize));
        assert_eq!(dir("P(delivered_total.oil>=1)", none), Ok(Direction::Maximize));
        assert_eq!(dir("P(delivered_total.oil<1)", none), Ok(Direction::Minimize));
        assert_eq!(dir("P(anchorage_wait_h.alat.rail_ferry<=5)", none), Ok(Direction::Maximize));
        assert_eq!(dir("P(anchorage_wait_h.alat.rail_ferry>5)", none), Ok(Direction::Minimize));
        // A KPI the schema does not order needs a pattern.
        let err = dir("no_such_family.x", none).unwrap_err();
        assert!(err.to_string().contains("--minimize no_such_family.x"), "{err}");
        let max = ["no_such*".to_string()];
        let o = Overrides { maximize: &max, ..none };
        assert_eq!(dir("no_such_family.x", o), Ok(Direction::Maximize));
        assert_eq!(dir("P(no_such_family.x<3)", o), Ok(Direction::Minimize));
        // A pattern overrides the schema; both kinds on one KPI is an error.
        let min = ["delivered_total.*".to_string()];
        let o = Overrides { minimize: &min, ..none };
        assert_eq!(dir("delivered_total.oil", o), Ok(Direction::Minimize));
        let all = ["*".to_string()];
        let o = Overrides { minimize: &min, maximize: &all };
        assert!(matches!(dir("delivered_total.oil", o), Err(DirectionError::Conflict { .. })));
    }
}
