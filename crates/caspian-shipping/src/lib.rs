//! # caspian-shipping
//!
//! The discrete-event model of tankers and rail/ro-ro ferries crossing the
//! Caspian Sea, built on [`caspian_engine`]. It owns ports, berths, vessels,
//! cargo flows, weather and interdiction risk, and turns one replication of a
//! scenario into its KPIs.
//!
//! - [`scenario`]: the TOML file format ([`Scenario`]).
//! - [`compile()`]: checks a scenario and resolves it ([`CompiledScenario`]).
//! - [`costs`]: annuities and the resolved cost model.
//! - [`simulate`]: one replication, a pure function of (scenario, seed,
//!   replication index).
//! - [`simulate_probed`] and [`probe`]: the same, with an event trace and
//!   state samples (for `caspian trace` and `caspian warmup`).
//! - [`trace`]: the typed event trace ([`trace::TraceEntry`]).
//! - [`resolve`]: a file, the files it `extends` and `--set` overrides,
//!   resolved into one scenario.
//! - [`BASELINE_TOML`]: today's corridor, embedded so the main job needs no file.
//!
//! ```
//! let plan = caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline")?;
//! let rep = caspian_shipping::simulate(&plan, 1, 0);
//! assert!(rep.kpis.get("delivered_total.oil").unwrap() > 0.0);
//! assert_eq!(rep.conservation_residual, [0; caspian_shipping::scenario::Cargo::COUNT]);
//! # Ok::<(), caspian_shipping::LoadError>(())
//! ```

use std::fmt;

pub mod compile;
pub mod costs;
pub mod dist;
pub mod kpi;
mod model;
pub mod probe;
pub mod resolve;
pub mod saturation;
pub mod scenario;
pub mod streams;
pub mod sweep;
pub mod timeline;
pub mod trace;

pub use compile::{CompiledScenario, ScenarioError, compile};
pub use kpi::Kpis;
pub use model::{LEVEL_BEFORE_DAYS, Replication, simulate, simulate_probed};
pub use saturation::{SATURATION_MIN_WAITING, SATURATION_SHARE, WaitingLine};
pub use scenario::Scenario;
pub use sweep::{AvailabilityKey, SweepKey};

/// The calibrated baseline scenario (today's corridor), embedded in the binary.
pub const BASELINE_TOML: &str = include_str!("../../../scenarios/baseline.toml");

/// A scenario that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadError {
    /// The text is not valid TOML, or a key or type does not fit the format.
    Parse {
        /// Where the text came from (a file path, or "baseline").
        origin: String,
        /// The parser's message, which names the key and shows the line.
        message: String,
    },
    /// The file parsed but its values are inconsistent or out of range.
    Invalid {
        /// Where the text came from.
        origin: String,
        /// Every problem found.
        errors: Vec<ScenarioError>,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Parse { origin, message } => {
                write!(f, "{origin}: {}", message.trim_end())
            }
            LoadError::Invalid { origin, errors } => {
                write!(f, "{origin}: {} problem(s)", errors.len())?;
                for e in errors {
                    write!(f, "\n  {origin}: {e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// Parses scenario TOML without checking values (no `extends`: see
/// [`resolve`]). Messages speak plainly ([`resolve::plain`]).
///
/// # Errors
/// [`LoadError::Parse`] naming the key and line at fault.
pub fn parse(text: &str, origin: &str) -> Result<Scenario, LoadError> {
    parse_given(text, origin, None)
}

/// [`parse`], with `given`, `text` as a TOML table, when the caller has
/// already read it (else it is read here).
pub(crate) fn parse_given(
    text: &str,
    origin: &str,
    given: Option<&toml::Table>,
) -> Result<Scenario, LoadError> {
    let scenario: Scenario = toml::from_str(text).map_err(|e| LoadError::Parse {
        origin: origin.to_string(),
        message: resolve::plain::plain_message(&e.to_string()),
    })?;
    // A list where a table goes is read as the table's keys in order:
    // refused ([`resolve::list_for_table`]).
    let read;
    let given = match given {
        Some(given) => Some(given),
        None => {
            read = text.parse::<toml::Table>().ok();
            read.as_ref()
        }
    };
    if let Some(path) = given.and_then(|given| resolve::list_for_table(given, &scenario)) {
        return Err(LoadError::Parse {
            origin: origin.to_string(),
            message: format!("{path}: {}", resolve::LIST_FOR_TABLE),
        });
    }
    Ok(scenario)
}

/// Parses and checks scenario TOML.
///
/// # Errors
/// [`LoadError`] listing every problem.
pub fn load(text: &str, origin: &str) -> Result<CompiledScenario, LoadError> {
    let scenario = parse(text, origin)?;
    compile(&scenario).map_err(|errors| LoadError::Invalid { origin: origin.to_string(), errors })
}
