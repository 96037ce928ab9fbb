//! Errors of the runner, split by who must act: the user (bad input) or the
//! developers (an internal defect).

use caspian_shipping::{LoadError, ScenarioError};

/// A study that could not be set up from the user's input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StudyError {
    /// The scenario text is invalid.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A sweep axis is unknown, empty or has unusable values.
    #[error("{origin}: sweep axis {key}: {message}")]
    Axis {
        /// Scenario origin.
        origin: String,
        /// The axis key.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// An axis given on the command line (`--axis`, `--decision`) is
    /// unknown or has unusable values.
    #[error("{option} {key}: {message}")]
    AxisOption {
        /// The option that gave it.
        option: String,
        /// The axis key.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// `sweep` on a scenario that declares no axes, with none given.
    #[error(
        "{origin}: nothing to sweep: the scenario declares no [[sweep]] axes and no --axis was given"
    )]
    NoAxes {
        /// Scenario origin.
        origin: String,
    },
    /// The design cannot be built (too many points, zero samples).
    #[error("{origin}: {source}")]
    Design {
        /// Scenario origin.
        origin: String,
        /// What is wrong.
        source: crate::design::DesignError,
    },
    /// A design point's values make the scenario invalid.
    #[error("{origin}: design point {index} ({setting}) is not a valid scenario:{}", list(errors))]
    Point {
        /// Scenario origin.
        origin: String,
        /// Design point index.
        index: usize,
        /// The point's axis values.
        setting: String,
        /// The problems.
        errors: Vec<ScenarioError>,
    },
    /// A design point of axes given on the command line makes the scenario
    /// invalid: named by the option and its values.
    #[error(
        "{option} {setting}: {point} {index} of {origin} is not a valid scenario:{}",
        list(errors)
    )]
    PointOption {
        /// The option that gave the axes (`--axis`, `--decision`).
        option: String,
        /// What a point is called there (`design point`, `portfolio`).
        point: &'static str,
        /// Scenario origin.
        origin: String,
        /// Design point index.
        index: usize,
        /// The point's axis values.
        setting: String,
        /// The problems.
        errors: Vec<ScenarioError>,
    },
    /// Several design points are invalid: the first's error, and the
    /// indices of the others.
    #[error("{first}\n  ({})", others_of(others, *total))]
    Points {
        /// The first invalid point's error.
        first: Box<StudyError>,
        /// The other invalid points, in design order.
        others: Vec<usize>,
        /// How many points the design has.
        total: usize,
    },
    /// The warm-up pilot cannot be run as asked (a non-positive interval,
    /// a horizon too short to observe).
    #[error("{message}")]
    Warmup {
        /// What is wrong.
        message: String,
    },
}

/// The most indices of other invalid points a message lists.
const OTHERS_SHOWN: usize = 10;

/// "invalid too: design point 4 of 27", "... design points 4, 9 and 12 of
/// 27", with at most
/// [`OTHERS_SHOWN`] indices and a count of the rest; "all 27 design points
/// are invalid" when none is valid.
fn others_of(others: &[usize], total: usize) -> String {
    if others.len() + 1 == total {
        return format!("all {total} design points are invalid");
    }
    let shown: Vec<String> = others.iter().take(OTHERS_SHOWN).map(ToString::to_string).collect();
    let rest = others.len() - shown.len();
    let listed = match (shown.as_slice(), rest) {
        ([one], 0) => return format!("invalid too: design point {one} of {total}"),
        ([init @ .., last], 0) => format!("{} and {last}", init.join(", ")),
        _ => format!("{} and {rest} more", shown.join(", ")),
    };
    format!("invalid too: design points {listed} of {total}")
}

fn list(errors: &[ScenarioError]) -> String {
    errors.iter().map(|e| format!("\n  {e}")).collect()
}

/// A defect found while running: the model broke one of its invariants.
/// These are bugs in caspian-sim, never the user's fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// Cargo was created or destroyed.
    #[error(
        "internal error: replication {replication} of design point {point} does not conserve cargo \
         (residuals {residual:?}); please report this with the scenario and seed"
    )]
    Conservation {
        /// Design point.
        point: usize,
        /// Replication index.
        replication: u64,
        /// Residual per cargo.
        residual: [i128; caspian_shipping::scenario::Cargo::COUNT],
    },
    /// Replications of one scenario reported different KPI names.
    #[error("internal error: design point {point}: {message}")]
    KpiNames {
        /// Design point.
        point: usize,
        /// Details.
        message: String,
    },
    /// Sequential stopping was asked for, but no KPI matches the primary
    /// patterns (a typo in `--primary`): it could never stop early.
    #[error(
        "no KPI matches the primary pattern(s) {patterns:?}, so the target precision can never be \
         checked; see docs/kpis.md for the KPI names"
    )]
    NoPrimaryKpi {
        /// The patterns given.
        patterns: Vec<String>,
    },
    /// The caller's hook asked to stop (e.g. a test of interrupted sweeps);
    /// everything finished so far is kept.
    #[error("stopped on request after design point {point}")]
    Stopped {
        /// The last design point completed.
        point: usize,
    },
    /// A design point's scenario, checked when the study was made, no
    /// longer compiles (a defect).
    #[error("internal error: design point {point} no longer compiles: {message}")]
    Point {
        /// Design point.
        point: usize,
        /// The compiler's errors.
        message: String,
    },
    /// A comparison's policy reports over another window than its base
    /// (the caller's input, not a defect).
    #[error(transparent)]
    Window(#[from] Box<crate::compare::WindowMismatch>),
    /// A replication journal cannot be used ([`crate::journal`]).
    #[error(transparent)]
    Journal(#[from] crate::journal::JournalError),
    /// Saving a checkpoint failed.
    #[error("cannot write checkpoint {path}: {message}")]
    Checkpoint {
        /// Checkpoint path.
        path: String,
        /// The OS message.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::others_of;

    #[test]
    fn other_invalid_points_are_listed_then_counted() {
        assert_eq!(others_of(&[4], 27), "invalid too: design point 4 of 27");
        assert_eq!(others_of(&[4, 9], 27), "invalid too: design points 4 and 9 of 27");
        assert_eq!(others_of(&[4, 9, 12], 27), "invalid too: design points 4, 9 and 12 of 27");
        let many: Vec<usize> = (1..=13).collect();
        assert_eq!(
            others_of(&many, 27),
            "invalid too: design points 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 3 more of 27"
        );
    }
}
