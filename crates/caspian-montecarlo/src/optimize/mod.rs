//! `caspian optimize`: the best portfolio of discrete decisions, with a
//! statistical guarantee.
//!
//! Every portfolio (a combination of decision values, [`decision`]) runs
//! with the same replication indices, so all see common random numbers.
//! The procedure ([`procedure`]):
//! 0. prunes portfolios whose annualised capital exceeds the budget, and
//!    runs once, for all, the portfolios that compile to the same model
//!    (status `same`);
//! 1. screens every other one on `n0` replications and tests each
//!    stochastic [`constraint`] one-sidedly (Bonferroni over portfolios,
//!    constraints and looks), doubling the replications of undecided ones;
//! 2. when more portfolios are feasible than the shortlist holds, spends a
//!    budget by [`ocba`] and shortlists the best by mean;
//! 3. selects among the shortlist with [`kn`] (Kim & Nelson 2001) on fresh
//!    replication indices, which guarantees P(correct selection) >= 1 - alpha
//!    within the indifference zone delta.
//!
//! [`outcome`] builds the [`document`] (selection, contenders, Pareto set,
//! guarantee); [`store`] holds the records and the checkpoint that makes a
//! run resumable. Not shardable: KN's elimination at each stage needs every
//! survivor's results.

pub mod constraint;
pub mod decision;
pub mod document;
mod guarantee;
pub mod kn;
mod next_best;
pub mod ocba;
pub mod outcome;
pub mod procedure;
pub mod store;

pub use procedure::{Priced, Settings, optimize, optimize_priced, price};

/// A limit that prunes portfolios before any replication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// `--budget`: the annualised capital of every asset.
    Budget,
    /// `--outlay`: the prices of what a portfolio adds to the scenario as
    /// given.
    Outlay,
}

impl Limit {
    /// The option that sets it.
    pub fn option(self) -> &'static str {
        match self {
            Self::Budget => "--budget",
            Self::Outlay => "--outlay",
        }
    }

    /// What a portfolio above it does, in words.
    fn what(self) -> &'static str {
        match self {
            Self::Budget => "costs more capital per year",
            Self::Outlay => "costs a larger capital outlay beyond the scenario as given",
        }
    }

    /// The amount's time unit, as a suffix.
    fn per(self) -> &'static str {
        match self {
            Self::Budget => " a year",
            Self::Outlay => "",
        }
    }

    /// What to read into the refusal.
    fn hint(self) -> &'static str {
        match self {
            Self::Budget => {
                " (--budget caps the annualised capital of every asset, those the scenario \
                 already has included; --outlay caps the prices of what a portfolio adds to it)"
            }
            Self::Outlay => "",
        }
    }
}

/// An optimisation that cannot run as asked, or failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OptimizeError {
    /// A setting out of range (names the option).
    #[error("{option}: {message}")]
    Setting {
        /// The option, e.g. `--alpha`.
        option: String,
        /// What is wrong.
        message: String,
    },
    /// A measure names no KPI of the scenario.
    #[error(transparent)]
    UnknownKpi(#[from] crate::select::NoMatch),
    /// The budget (`--budget`) or the outlay (`--outlay`) prunes every
    /// portfolio.
    #[error(
        "{} {budget}: every portfolio {} (the cheapest, {cheapest}, costs {cheapest_cost:.0}{}); \
         raise it or change the decisions{}",
        limit.option(),
        limit.what(),
        limit.per(),
        limit.hint()
    )]
    BudgetPrunesAll {
        /// Which limit.
        limit: Limit,
        /// Its value.
        budget: f64,
        /// The cheapest portfolio's decisions.
        cheapest: String,
        /// Its capital per year, or its outlay.
        cheapest_cost: f64,
    },
    /// A decision whose values all cost the same
    /// (`decision::unpriced`): the search would take its kindest value
    /// for free.
    #[error(
        "--decision {key}: every value of it costs the same capital and fixed operating cost \
         per year, with the other decisions held, so optimize would take its kindest value for \
         free: {hint}"
    )]
    Unpriced {
        /// The decision's key.
        key: String,
        /// Why nothing prices it, and what to do.
        hint: String,
    },
    /// A decision on a lever whose kind no price covers
    /// (`decision::unpriced_by_kind`: a fleet's capacity, a port's
    /// depth).
    #[error(
        "--decision {key}: nothing in the cost model prices this kind of lever, so optimize would \
         take its kindest value for free: {hint}"
    )]
    UnpricedKind {
        /// The decision's key.
        key: String,
        /// Why nothing prices it, and what to do.
        hint: String,
    },
    /// The objective or a constraint's measure is undefined (NaN) in a
    /// replication the procedure needs: a mean over the replications that
    /// define it would leave the others out, unseen.
    #[error(
        "the {role} {measure} is undefined in replication {replication} of portfolio \
         {portfolio} ({decisions}): a mean over the replications that define it would leave \
         the others out, unseen; choose a measure defined in every replication{hint}"
    )]
    Undefined {
        /// `objective` or `constraint`.
        role: &'static str,
        /// The measure.
        measure: String,
        /// What to choose instead, if anything (for a recovery time, its
        /// `unrecovered` count).
        hint: String,
        /// The portfolio.
        portfolio: usize,
        /// Its decisions.
        decisions: String,
        /// The replication.
        replication: u64,
    },
    /// The checkpoint cannot be read, is not one, or is damaged.
    #[error(transparent)]
    Journal(#[from] crate::journal::JournalError),
    /// The checkpoint cannot be written, or holds rows that do not fit.
    #[error("--checkpoint {path}: {message}")]
    Checkpoint {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A replication failed (an internal defect).
    #[error("{0}")]
    Run(String),
}

/// What to choose instead of a measure on `kpi` where it is a recovery
/// time, which is undefined where the worst cases are (an episode that
/// never recovered).
pub(crate) fn undefined_hint(kpi: &str) -> String {
    match crate::schema::unrecovered_of(kpi) {
        Some(u) => format!(
            " (a recovery time is undefined where no episode ended and where one never \
             recovered, the worst case; {u} is defined in every replication)"
        ),
        None => String::new(),
    }
}

impl OptimizeError {
    /// Whether the user's input caused it (exit code 2) rather than a defect.
    pub fn is_input(&self) -> bool {
        !matches!(self, OptimizeError::Run(_))
    }
}
