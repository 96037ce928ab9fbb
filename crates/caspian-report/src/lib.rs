//! # caspian-report
//!
//! Charts and reports people can look at, made from caspian-sim's result
//! files. Every chart is SVG drawn with `plotters` (no bitmap backend, no
//! font files: the viewer renders the text), and every chart comes in two
//! steps: a function that extracts the data series from the result (tested
//! against the file) and one that draws them.
//!
//! - [`sweep`]: a KPI against a sweep axis with its 95% band, one line per
//!   value of a second axis.
//! - [`distribution`]: histogram and empirical CDF of a KPI over the
//!   replications of a run, with a target and the probability of meeting it.
//! - [`fan`]: a cargo's monthly series (delivered, backlog, service
//!   level) month by month: the P5 to P95 band across replications with
//!   the median, one band per scenario.
//! - [`forest`]: paired differences of policies from the base, one facet
//!   per KPI on its own scale.
//! - [`pareto`]: a comparison's two-measure Pareto view: means with 95%
//!   error bars on both axes, the front joined, points labelled.
//! - [`tornado`]: a Latin hypercube sweep's sensitivity: the partial rank
//!   correlation of each swept key with a KPI.
//! - [`lots`]: histogram bins on whole cargo lots.
//! - [`reference`](mod@reference): a sweep's paired differences from its reference point,
//!   per design point.
//! - [`story`]: one replication's berth calls, port closures and storage
//!   levels, from an event trace.
//! - [`html`]: one self-contained HTML page (inline SVG and CSS, no
//!   scripts, no external assets) per result: a shared page frame and one
//!   module per kind of result.
//! - [`input`]: result documents (read through the runner's checked
//!   loader) and per-replication values (the runner's CSV format).
//!
//! Units and better/worse directions come from the documents (every KPI
//! carries its `unit`) and the KPI schema the runner re-exports
//! (`caspian_montecarlo::schema`); nothing is derived from KPI names here.

pub mod distribution;
pub mod error;
pub mod fan;
pub mod forest;
pub mod html;
pub mod input;
pub mod lots;
pub mod pareto;
pub mod reference;
pub mod story;
pub mod sweep;
pub mod tornado;
pub mod units;

mod chart;
#[cfg(test)]
mod testdata;

pub use error::ReportError;
pub use input::{Replications, ResultDoc};
