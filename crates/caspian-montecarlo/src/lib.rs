//! # caspian-montecarlo
//!
//! The Monte Carlo runner of caspian-sim: many replications of a scenario in
//! parallel (rayon), sweeps over port capacity, weather and interdiction
//! risk, and policy comparisons under common random numbers.
//!
//! The unit of work is a (design point, replication index) pair, and its
//! result is a pure function of the scenario, the master seed and the index
//! (see `caspian_shipping::streams`). The runner keeps one record per
//! replication ([`records`]) and computes every statistic from those records
//! in replication order, so results are bit-identical for any thread count,
//! any split into shards ([`shard`], [`merge`]), and any interruption and
//! resumption.
//!
//! - [`study`]: a scenario expanded into design points ([`design`]).
//! - [`execute`]: parallel replications with ordered records; [`run`]: a
//!   run (or one shard of it) and its document; [`sweep_run`]: a sweep,
//!   checkpointed after every design point, resumable and stoppable;
//!   [`sweep_stream`]: its results summarised and written point by point.
//! - [`stats`]: Student-t intervals, quantiles, paired differences;
//!   [`measure`]: a KPI or `P(KPI OP NUMBER)`, per replication.
//! - [`sequential`]: add replications until a target precision is reached.
//! - [`compare`]: paired comparison and multiple comparison with the best;
//!   [`direction`]: which way is better for a ranked measure;
//!   [`economics`]: NPV and benefit-cost ratio against the base;
//!   [`conditions`] and [`unpriced`]: the policies that get none;
//!   [`scenario_diff`]: what differs between two scenarios, in words;
//!   [`pareto`]: the two-measure Pareto view; [`twin`]: a scenario run
//!   again without some of its disruptions, on the same random numbers,
//!   for [`one_off`] (a policy against a one-off event) and
//!   [`vulnerability`] (what the disruptions cost, and what a policy
//!   removes).
//! - [`optimize`]: the best portfolio of discrete decisions under
//!   constraints, with a guaranteed probability of correct selection
//!   (screening, OCBA, Kim & Nelson's KN procedure).
//! - [`document`]: the JSON result files; [`atomic`]: how they are written;
//!   [`input`]: how input files are read (regular files, size caps).
//! - [`mser`]: MSER-5 warm-up suggestion; [`warmup`]: the warm-up pilot.
//! - [`trace`]: one replication's event trace and the trace file (CSV).
//! - [`validate`]: reading documents safely; [`replication_csv`]: the
//!   per-replication CSV; [`pool`]: the worker threads.
//! - [`schema`]: the KPI schema (units, directions), re-exported from the
//!   domain model for readers of documents.
//!
//! ```
//! use caspian_montecarlo::{document, execute::Executor, study::Study};
//!
//! let study = Study::single(caspian_shipping::BASELINE_TOML, "baseline", Some(1))?;
//! let mut exec = Executor::new(vec![&study.plan], study.seed, 0);
//! exec.ensure(4, &|| {}, &mut |_, _, _| Ok(())).unwrap();
//! let records = exec.into_records(4);
//! let units = document::kpi_units(&study.plan, &records[0].kpi_names);
//! let kpis = document::summarize(&records[0], &units);
//! assert_eq!(kpis["delivered_total.oil"].unit, "t");
//! assert_eq!(kpis["delivered_total.oil"].n, 4);
//! # Ok::<(), caspian_montecarlo::error::StudyError>(())
//! ```

pub mod appraisal;
pub mod atomic;
pub mod checkpoint;
pub mod compare;
pub mod conditions;
pub mod design;
pub mod direction;
pub mod document;
pub mod economics;
pub mod error;
pub mod execute;
pub mod input;
pub mod intervals;
pub mod journal;
pub mod json;
pub mod measure;
pub mod merge;
pub mod mser;
pub mod one_off;
pub mod optimize;
pub mod pareto;
pub mod pool;
pub mod ranking;
pub mod rare;
pub mod records;
pub mod replication_csv;
pub mod run;
pub mod scenario_diff;
pub mod seal;
pub mod select;
pub mod sensitivity;
pub mod sequential;
pub mod shard;
pub mod stats;
pub mod study;
pub mod sweep_run;
pub mod sweep_stream;
pub mod targets;
pub mod tidy;
pub mod tonnage;
pub mod trace;
pub mod twin;
pub mod unpriced;
pub mod validate;
pub mod vulnerability;
pub mod warmup;

/// The most replications one run, comparison or sweep point may have
/// (`-n`, `--max-replications`): a document that claims more was not
/// written by caspian ([`validate::check`] refuses it).
pub const MAX_REPLICATIONS: u64 = 1_000_000_000;

/// The sweep-key type of `caspian_shipping::sweep`, for crates that see the
/// runner only (the report).
pub use caspian_shipping::sweep::{SweepKey, SweepKeyError};

/// The embedded baseline scenario (TOML), for runs without a file.
pub use caspian_shipping::BASELINE_TOML;
/// A scenario compiled for the model (what a study runs).
pub use caspian_shipping::CompiledScenario;
/// Whether a character is drawn as nothing or drives the terminal (control
/// and Unicode format characters), and text with such characters written as
/// `<U+XXXX>`, as the CLI shows them; a path as every message shows it.
pub use caspian_shipping::compile::{
    MAX_NAME_LEN, escape_invisible, first_invisible, invisible, shown_path,
};
/// The headline KPIs (the few a planner reads first), shared by the terminal
/// tables and the report's summary panel.
pub use caspian_shipping::kpi::headline;
pub use caspian_shipping::kpi::schema;
pub use caspian_shipping::resolve;
/// The cargo kinds (for readers of results that go cargo by cargo).
pub use caspian_shipping::scenario::Cargo;
