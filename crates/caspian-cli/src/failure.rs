//! How a command fails, and the exit code each failure gets.

use std::fmt;
use std::process::ExitCode;

/// A failed command.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The user's input or request is wrong: exit code 2.
    Input(String),
    /// A defect in caspian-sim: exit code 1.
    Internal(String),
    /// Stopped on request before finishing (checkpoint kept): exit code 128
    /// plus the signal's number (130 for SIGINT, 143 for SIGTERM).
    Interrupted(String),
    /// Standard output was closed by its reader (`| head`): the command
    /// stops quietly with exit code 0; its result files are already written.
    ClosedPipe,
}

impl Failure {
    pub(crate) fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Input(_) => ExitCode::from(2),
            Failure::Internal(_) => ExitCode::from(1),
            Failure::Interrupted(_) => ExitCode::from(crate::signals::stop_code()),
            Failure::ClosedPipe => ExitCode::SUCCESS,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Input(m) | Failure::Internal(m) | Failure::Interrupted(m) => f.write_str(m),
            Failure::ClosedPipe => f.write_str("standard output was closed"),
        }
    }
}

impl From<caspian_montecarlo::error::StudyError> for Failure {
    fn from(e: caspian_montecarlo::error::StudyError) -> Self {
        Failure::Input(e.to_string())
    }
}

impl From<caspian_montecarlo::error::RunError> for Failure {
    fn from(e: caspian_montecarlo::error::RunError) -> Self {
        match e {
            caspian_montecarlo::error::RunError::Checkpoint { .. }
            | caspian_montecarlo::error::RunError::Journal(_)
            | caspian_montecarlo::error::RunError::NoPrimaryKpi { .. }
            | caspian_montecarlo::error::RunError::Window(_) => Failure::Input(e.to_string()),
            // A testing aid's stop (`--interrupt-after-saves`); a sweep
            // says more of its own.
            caspian_montecarlo::error::RunError::Stopped { .. } => {
                Failure::Interrupted(e.to_string())
            }
            _ => Failure::Internal(e.to_string()),
        }
    }
}

impl From<caspian_montecarlo::sweep_run::SweepError> for Failure {
    fn from(e: caspian_montecarlo::sweep_run::SweepError) -> Self {
        match e {
            caspian_montecarlo::sweep_run::SweepError::Run(e) => e.into(),
            _ => Failure::Input(e.to_string()),
        }
    }
}
