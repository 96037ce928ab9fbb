//! What can go wrong when turning results into charts.

/// A result file, replication CSV or trace that cannot be charted, or a
/// chart that cannot be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A file is not what it should be (not JSON, wrong columns, ...).
    #[error("{what}: {message}")]
    Parse {
        /// Which input, e.g. `result file` or `trace CSV`.
        what: String,
        /// What is wrong with it.
        message: String,
    },
    /// A KPI name or pattern that the result does not hold.
    #[error("no KPI named \"{kpi}\" in this result; {hint}")]
    UnknownKpi {
        /// The name or pattern asked for.
        kpi: String,
        /// Some names that do exist.
        hint: String,
    },
    /// A sweep axis that the sweep does not have.
    #[error("no sweep axis \"{axis}\"; the axes are: {axes}")]
    UnknownAxis {
        /// The key asked for.
        axis: String,
        /// The sweep's axes.
        axes: String,
    },
    /// The request does not fit the result (e.g. `--by` equal to `--axis`).
    #[error("{0}")]
    Request(String),
    /// Two inputs that do not belong together (e.g. a replication CSV of
    /// another run).
    #[error("{0}")]
    Mismatch(String),
    /// Values that no chart can show (e.g. a bound beyond 1e100 in a
    /// hand-edited file).
    #[error("{0}")]
    Unchartable(String),
    /// The chart library failed (a bug).
    #[error("cannot draw the chart: {0}")]
    Draw(String),
}

impl ReportError {
    /// A parse error of input `what`.
    pub(crate) fn parse(what: &str, message: impl Into<String>) -> Self {
        Self::Parse { what: what.to_string(), message: message.into() }
    }

    /// Whether the error is the user's (bad input) rather than a defect.
    pub fn is_input(&self) -> bool {
        !matches!(self, Self::Draw(_))
    }
}

/// Turns a plotters error into [`ReportError::Draw`].
pub(crate) fn draw<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<T, ReportError> {
    r.map_err(|e| ReportError::Draw(e.to_string()))
}
