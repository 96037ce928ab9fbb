//! The JSON document of `caspian optimize`: the problem, every portfolio
//! with its status and estimates, the selection with its intervals, the
//! portfolios that cannot be told apart from it, the feasible Pareto set,
//! the replications spent and the guarantee.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::document::{KpiTable, Provenance};
use crate::stats::{PairedDifference, Summary};

use super::constraint::Test;

/// The whole result of an optimisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimizeDoc {
    /// Always `optimize`.
    pub kind: String,
    /// How it was produced.
    pub provenance: Provenance,
    /// What was asked.
    pub problem: ProblemDoc,
    /// Every portfolio, in enumeration order.
    pub portfolios: Vec<PortfolioDoc>,
    /// The selection (absent when no portfolio is feasible).
    pub selected: Option<SelectedDoc>,
    /// Shortlisted portfolios that cannot be told apart from the selected
    /// one: the paired 95% interval of the difference in the objective
    /// over their common KN replications contains zero, or the mean
    /// difference is within delta.
    pub contenders: Vec<ContenderDoc>,
    /// The next best feasible portfolio and where its cost differs from
    /// the selection's (absent with fewer than two feasible portfolios, and
    /// in documents written before it was added).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runner_up: Option<RunnerUpDoc>,
    /// The feasible portfolios that no other feasible portfolio beats on
    /// both the objective and the Pareto measure (means over phases 1-2).
    pub pareto: ParetoDoc,
    /// Replications per phase.
    pub replications: SpentDoc,
    /// What the selection guarantees.
    pub guarantee: GuaranteeDoc,
    /// How the method works, in brief, and why it is not shardable.
    pub method_note: String,
    /// The study's warnings ([`crate::study::Study::warnings`]: escorts
    /// that protect nothing, say), then those about its decisions
    /// ([`super::decision::idle_decisions`]); absent when none, and in
    /// documents written before they were kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl OptimizeDoc {
    /// The document as pretty-printed JSON with a final newline (NaN as
    /// `null`).
    ///
    /// # Errors
    /// The encoder's error (a defect).
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let mut json = serde_json::to_string_pretty(self)?;
        json.push('\n');
        Ok(json)
    }

    /// Reads a document written by [`to_json`](Self::to_json), checked as
    /// result documents are (`crate::validate`): a damaged or hand-edited
    /// file is refused with the field at fault, never read into a page.
    ///
    /// # Errors
    /// [`DocumentError`](crate::validate::DocumentError) naming the field.
    pub fn from_json(text: &str) -> Result<Self, crate::validate::DocumentError> {
        crate::validate::read_optimize(text)
    }

    /// The level β of each feasibility test (`alpha_f / (k m L)` over the
    /// `k` portfolios the budget left that are not the same model as an
    /// earlier one), as phase 1 used it; `None` without
    /// constraints.
    pub fn test_level(&self) -> Option<f64> {
        let p = &self.problem;
        let screened =
            self.portfolios.iter().filter(|q| q.status != "pruned" && q.status != "same").count();
        (!p.constraints.is_empty()).then(|| {
            super::constraint::test_level(
                p.alpha_feasibility,
                screened,
                p.constraints.len(),
                p.n0,
                p.max_replications,
            )
        })
    }

    /// The evidence the selected portfolio was found feasible on, a line
    /// for each constraint: its estimate and one-sided bounds at the test's
    /// level over the replications of the test (phase 1, screening: OCBA
    /// does not test again; those with a finite value).
    /// The selection's KPI table counts only the selection's replications,
    /// far fewer, so a constraint's row there can look as if it failed
    /// the target while the test passed it; these lines say which counts.
    /// `num` writes a number. Empty without a selection or constraints.
    pub fn selected_feasibility(&self, num: impl Fn(f64) -> String) -> Vec<String> {
        let Some(sel) = &self.selected else { return Vec::new() };
        let Some(q) = self.portfolios.iter().find(|q| q.index == sel.index) else {
            return Vec::new();
        };
        let level = self.test_level().map_or(String::new(), |b| format!(" at level {}", num(b)));
        self.problem
            .constraints
            .iter()
            .zip(&q.constraints)
            .map(|(c, t)| {
                format!(
                    "feasible by the test of {c}: estimate {} (one-sided bounds {} and {}{level}) \
                     over the {} replications of its feasibility test (screening), the evidence \
                     feasibility rests on; the KPI table summarises its {} {} instead",
                    num(t.estimate),
                    num(t.lower),
                    num(t.upper),
                    t.n,
                    sel.n,
                    sel.data
                )
            })
            .collect()
    }

    /// The contenders as table rows under [`CONTENDER_HEADER`]; `numbers`
    /// writes each row's difference (mean and 95% interval), so the terminal
    /// and the HTML page keep their own number style.
    pub fn contender_rows(&self, numbers: impl Fn(&[f64]) -> Vec<String>) -> Vec<Vec<String>> {
        self.contenders
            .iter()
            .map(|c| {
                let d = &c.difference;
                let mut row = vec![c.index.to_string(), decisions_text(&c.decisions)];
                row.extend(numbers(&[d.mean_diff, d.ci95_low, d.ci95_high]));
                row.push(d.n.to_string());
                // Its interval holds 0, or (significant) it is within delta:
                // a difference the guarantee treats as too small to matter.
                row.push(if d.is_significant() {
                    "within delta: differs, by less than matters".to_string()
                } else {
                    "not told apart: interval contains 0".to_string()
                });
                row
            })
            .collect()
    }

    /// What the feasible Pareto set weighs, each measure with its way:
    /// `"total_cost (minimized) against delivered_total.teu (maximized)"`.
    pub fn pareto_measures(&self) -> String {
        let way = |d: &str| match d {
            "maximize" => "maximized",
            _ => "minimized",
        };
        format!(
            "{} ({}) against {} ({})",
            self.pareto.objective,
            way(&self.problem.direction),
            self.pareto.measure,
            way(&self.pareto.measure_direction)
        )
    }

    /// The feasible Pareto set as table rows under [`PARETO_HEADER`];
    /// `numbers` writes the objective and the measure.
    pub fn pareto_rows(&self, numbers: impl Fn(&[f64]) -> Vec<String>) -> Vec<Vec<String>> {
        self.pareto
            .points
            .iter()
            .map(|pt| {
                let mut row = vec![
                    pt.index.to_string(),
                    decisions_text(&self.portfolios[pt.index].decisions),
                ];
                row.extend(numbers(&[pt.objective, pt.measure]));
                row
            })
            .collect()
    }
}

/// Columns of [`OptimizeDoc::contender_rows`].
pub const CONTENDER_HEADER: [&str; 7] =
    ["portfolio", "decisions", "mean diff", "95% CI low", "95% CI high", "n", "why"];

/// Columns of [`OptimizeDoc::pareto_rows`].
pub const PARETO_HEADER: [&str; 4] = ["portfolio", "decisions", "objective", "measure"];

/// The problem as posed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProblemDoc {
    /// The scenario's name.
    pub scenario: String,
    /// Where it came from.
    pub source: String,
    /// The master seed.
    pub seed: u64,
    /// Each decision: its key and values, in the order given.
    pub decisions: Vec<DecisionDoc>,
    /// The objective measure.
    pub objective: String,
    /// `minimize` or `maximize`.
    pub direction: String,
    /// The constraints as given.
    pub constraints: Vec<String>,
    /// The capital budget per year (absent: none).
    pub budget: Option<f64>,
    /// The capital outlay allowed beyond the scenario as given (absent:
    /// none, and in documents written before it was added).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlay: Option<f64>,
    /// The currency of cost figures (the scenario's `[costs].currency`).
    pub currency: String,
    /// `1 - alpha` is the guaranteed probability of correct selection.
    pub alpha: f64,
    /// Of alpha, the share spent on feasibility tests.
    pub alpha_feasibility: f64,
    /// The indifference zone, in the objective's unit.
    pub delta: f64,
    /// First-stage replications.
    pub n0: u64,
    /// Replications per portfolio and phase, at most.
    pub max_replications: u64,
    /// Portfolios KN considers at most.
    pub shortlist: usize,
    /// Replications OCBA may spend.
    pub ocba_budget: u64,
    /// The Pareto view's second measure.
    pub pareto_measure: String,
}

/// One decision variable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionDoc {
    /// The sweep key.
    pub key: String,
    /// Its values.
    pub values: Vec<f64>,
}

/// One portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioDoc {
    /// Its position in the enumeration.
    pub index: usize,
    /// Its decision values, by key.
    pub decisions: BTreeMap<String, f64>,
    /// Annualised capital cost.
    pub capital_per_year: f64,
    /// Capital outlay beyond the scenario as given: the prices of what it
    /// adds, undiscounted, less those of what it has fewer of (0 in
    /// documents written before it was added).
    #[serde(default)]
    pub outlay: f64,
    /// `pruned`, `same` (as portfolio `same_as`), `infeasible`,
    /// `undecided`, `feasible`, `shortlisted`, `eliminated` (at
    /// `eliminated_at_stage`) or `selected`.
    pub status: String,
    /// The earlier portfolio whose scenario compiles to the same model as
    /// this one's (what they decide otherwise changes nothing, as the
    /// escort force with escorts off): it ran for both, and this one took
    /// no replications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_as: Option<usize>,
    /// The KN stage at which it was eliminated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eliminated_at_stage: Option<u64>,
    /// Replications it took in each phase.
    pub replications: PhaseCounts,
    /// The objective over phases 1-2 (absent when pruned or the same as
    /// another).
    pub objective: Option<Summary>,
    /// Each constraint's last test, in the order given.
    pub constraints: Vec<Test>,
}

/// Replications per phase.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseCounts {
    /// Phase 1 (screening and feasibility).
    pub screening: u64,
    /// Phase 2 (OCBA).
    pub ocba: u64,
    /// Phase 3 (KN), used by the procedure.
    pub selection: u64,
    /// Phase 3, computed in a batch after the portfolio's elimination and
    /// not used.
    pub selection_discarded: u64,
}

/// The selected portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectedDoc {
    /// Its index.
    pub index: usize,
    /// Its decision values.
    pub decisions: BTreeMap<String, f64>,
    /// Annualised capital cost.
    pub capital_per_year: f64,
    /// Capital outlay beyond the scenario as given (as
    /// [`PortfolioDoc::outlay`]).
    #[serde(default)]
    pub outlay: f64,
    /// Which replications the intervals below use: `selection (KN)` or
    /// `screening and OCBA` (when KN had one portfolio).
    pub data: String,
    /// Replications behind the intervals.
    pub n: u64,
    /// The objective, every constraint's measure and the cost KPIs, with
    /// 95% intervals.
    pub kpis: KpiTable,
    /// Warnings on how to read its cost: less than the scenario as written
    /// of what carries capital ([`crate::appraisal`]). Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A portfolio that cannot be told apart from the selection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContenderDoc {
    /// Its index.
    pub index: usize,
    /// Its decision values.
    pub decisions: BTreeMap<String, f64>,
    /// Its objective minus the selection's, paired over every replication
    /// both ran (screening, OCBA and, where both were shortlisted, KN).
    pub difference: PairedDifference,
}

/// The feasible portfolio other than the selection with the best
/// objective mean over phases 1-2, and what separates the two: each
/// measure's difference (its value minus the selection's), paired over
/// every replication both ran (phases 1-2 and, where both were
/// shortlisted, KN), as the contenders are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunnerUpDoc {
    /// Its index.
    pub index: usize,
    /// Its decision values.
    pub decisions: BTreeMap<String, f64>,
    /// Per measure (the objective, then each cost KPI the run has), its
    /// value minus the selection's.
    pub differences: BTreeMap<String, PairedDifference>,
    /// With a cost objective, the cost KPIs valuing time or cargo (delay,
    /// demurrage, lost cargo) without whose difference the runner-up would
    /// cost less than the selection: what the choice rests on, a price the
    /// scenario assumes.
    pub rests_on: Vec<String>,
    /// Warnings on how to read its figures, as the selection's: less than
    /// the scenario as written of what carries capital, an escort force
    /// that binds (from its screening and OCBA replications). Absent when
    /// none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Header of the next best portfolio's table ([`RunnerUpDoc::rows`]).
pub const RUNNER_UP_HEADER: [&str; 4] = ["measure", "mean diff", "95% CI low", "95% CI high"];

impl RunnerUpDoc {
    /// The sentence that introduces its table: which portfolio, over how
    /// many pairs.
    pub fn intro(&self) -> String {
        let n = self.differences.values().map(|d| d.n).max().unwrap_or(0);
        format!(
            "next best feasible portfolio: {} ({}); its value minus the selection's, paired over \
             the {n} replications both ran (screening, OCBA and selection)",
            self.index,
            decisions_text(&self.decisions)
        )
    }

    /// Its table's rows under [`RUNNER_UP_HEADER`]; `numbers` writes each
    /// row's mean and interval (the terminal and the page keep their own
    /// number style).
    pub fn rows(&self, numbers: impl Fn(&[f64]) -> Vec<String>) -> Vec<Vec<String>> {
        self.differences
            .iter()
            .map(|(k, d)| {
                let mut row = vec![k.clone()];
                row.extend(numbers(&[d.mean_diff, d.ci95_low, d.ci95_high]));
                row
            })
            .collect()
    }

    /// The note on the valuations the selection rests on, if any.
    pub fn rests_on_note(&self) -> Option<String> {
        (!self.rests_on.is_empty()).then(|| {
            format!(
                "without its difference in {}, portfolio {} would cost less than the selection: \
                 the choice rests on {}, a valuation of time or cargo the scenario assumes; rerun \
                 with its price changed (--set costs.failure....) to see whether it holds \
                 (docs/optimize.md, \"The next best portfolio\")",
                self.rests_on.join(" or "),
                self.index,
                if self.rests_on.len() == 1 { "it" } else { "them" },
            )
        })
    }
}

/// The feasible Pareto set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParetoDoc {
    /// The objective.
    pub objective: String,
    /// The second measure, and which way is better for it.
    pub measure: String,
    /// `minimize` or `maximize`.
    pub measure_direction: String,
    /// The portfolios on the front, by objective from best.
    pub points: Vec<ParetoPoint>,
}

/// A portfolio on the Pareto front.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParetoPoint {
    /// Its index.
    pub index: usize,
    /// Mean of the objective.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub objective: f64,
    /// Mean of the second measure.
    #[serde(deserialize_with = "crate::json::f64_or_nan")]
    pub measure: f64,
}

/// Replications spent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpentDoc {
    /// Phase 1.
    pub screening: u64,
    /// Phase 2.
    pub ocba: u64,
    /// Phase 3, used.
    pub selection: u64,
    /// Phase 3, computed but not used.
    pub selection_discarded: u64,
    /// All of them.
    pub total: u64,
}

/// The statement the selection carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuaranteeDoc {
    /// Alpha.
    pub alpha: f64,
    /// Delta.
    pub delta: f64,
    /// `all feasible` or `shortlist of M out of K feasible`.
    pub guarantee_scope: String,
    /// Whether KN hit the replication cap (which voids the guarantee).
    pub cap_hit: bool,
    /// Whether the guarantee holds as stated.
    pub holds: bool,
    /// One sentence.
    pub statement: String,
}

/// A portfolio's decisions as people read them: `KEY=VALUE, ...` in key
/// order, values written as in `--decision` (`60000`, `1.5`).
pub fn decisions_text(d: &BTreeMap<String, f64>) -> String {
    d.iter()
        .map(|(k, v)| format!("{k}={}", crate::study::short_number(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}
