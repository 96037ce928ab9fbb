//! The phases of `caspian optimize`: prune on the budget, screen and test
//! feasibility under common random numbers, allocate by OCBA, select by KN
//! on fresh replications. Every step is a deterministic function of the
//! records, which are pure functions of (portfolio, replication index): the
//! result depends neither on the thread count nor on interruptions.

use caspian_shipping::resolve::plain::number;
use std::ops::Range;

use rayon::prelude::*;

use crate::direction::{Direction, Overrides};
use crate::measure::Measure;
use crate::study::Study;

use super::constraint::{self, Constraint, Test, Verdict};
use super::document::OptimizeDoc;
use super::kn::{self, KnOutcome, KnSettings};
use super::ocba;
use super::store::Store;
use super::{Limit, OptimizeError};

/// Replications OCBA adds per round.
pub const OCBA_ROUND: u64 = 10;
/// KN stages drawn at once (in parallel) after its first stage. Fixed, so
/// that the replications computed (not only the result) are the same on
/// every machine.
pub const KN_BATCH: u64 = 10;

/// What to optimise and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The objective.
    pub objective: Measure,
    /// Maximise it (else minimise).
    pub maximize: bool,
    /// Constraints on means or probabilities.
    pub constraints: Vec<Constraint>,
    /// Capital per year allowed (portfolios above it are pruned).
    pub budget: Option<f64>,
    /// Capital outlay allowed beyond the scenario as given: the prices of
    /// what a portfolio adds, undiscounted (portfolios above it are
    /// pruned).
    pub outlay: Option<f64>,
    /// 1 - alpha: the guaranteed probability of correct selection.
    pub alpha: f64,
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
    pub pareto: Measure,
}

/// The smallest `--alpha` accepted: below it the per-test levels of the
/// feasibility tests (alpha / 2 over K portfolios, m constraints and L
/// looks) underflow the quantile functions' precision.
pub const MIN_ALPHA: f64 = 1e-6;

impl Settings {
    /// Checks the settings and that every measure names one of `kpis`.
    ///
    /// # Errors
    /// [`OptimizeError::Setting`] or [`OptimizeError::UnknownKpi`].
    pub fn check(&self, kpis: &[String]) -> Result<(), OptimizeError> {
        let bad = |option: &str, message: String| {
            Err(OptimizeError::Setting { option: option.into(), message })
        };
        if !(self.alpha >= MIN_ALPHA && self.alpha < 1.0) {
            return bad("--alpha", format!("{} is not in [{MIN_ALPHA}, 1)", number(self.alpha)));
        }
        if !(self.delta > 0.0 && self.delta.is_finite()) {
            return bad("--delta", format!("{} must be a positive number", number(self.delta)));
        }
        if self.n0 < 2 {
            return bad(
                "--n0",
                format!(
                    "must be at least 2, got {} (KN estimates variances from the first \
                     stage's replications)",
                    self.n0
                ),
            );
        }
        if self.max_replications < self.n0 {
            return bad(
                "--max-replications",
                format!("{} is below --n0 {}", self.max_replications, self.n0),
            );
        }
        if self.shortlist < 1 {
            return bad("--shortlist", "must be at least 1".into());
        }
        if let Some(b) = self.budget.filter(|b| !(b.is_finite() && *b >= 0.0)) {
            return bad("--budget", format!("{} is not a non-negative number", number(b)));
        }
        if let Some(b) = self.outlay.filter(|b| !(b.is_finite() && *b >= 0.0)) {
            return bad("--outlay", format!("{} is not a non-negative number", number(b)));
        }
        let objective_option = if self.maximize { "--maximize" } else { "--minimize" };
        self.objective.check(kpis, objective_option)?;
        if self.objective.range() == crate::rare::KpiRange::UnitInterval && self.delta >= 1.0 {
            // Every difference of a fraction is below 1: such a zone holds
            // every portfolio, and the guarantee says nothing.
            let hint = if (1.0..=100.0).contains(&self.delta) {
                let points = if self.delta == 1.0 { "point" } else { "points" };
                format!(" (percentage points? {} {points} is {})", self.delta, self.delta / 100.0)
            } else {
                String::new()
            };
            return bad(
                "--delta",
                format!(
                    "{} is not below 1, but the objective {} is a fraction from 0 to 1: no two \
                     portfolios could be told apart{hint}",
                    number(self.delta),
                    self.objective
                ),
            );
        }
        for c in &self.constraints {
            c.measure.check(kpis, "--constraint")?;
        }
        self.pareto.check(kpis, "--pareto")?;
        self.pareto_direction()?;
        Ok(())
    }

    /// Which way is better for the Pareto view's measure: the KPI schema's
    /// direction, mirrored for `P(KPI <= x)` and `P(KPI < x)`, as in
    /// `caspian compare` ([`crate::direction`]).
    ///
    /// # Errors
    /// [`OptimizeError::Setting`] when the schema says neither way is better.
    pub fn pareto_direction(&self) -> Result<Direction, OptimizeError> {
        Overrides::default().direction(&self.pareto, "--pareto").map_err(|e| {
            OptimizeError::Setting { option: "--pareto".into(), message: e.to_string() }
        })
    }

    /// Alpha spent on feasibility: half of it when there are constraints.
    pub fn alpha_feasibility(&self) -> f64 {
        if self.constraints.is_empty() { 0.0 } else { self.alpha / 2.0 }
    }
}

#[cfg(test)]
impl Settings {
    /// Settings for unit tests: `objective`, no constraint nor budget.
    pub(crate) fn for_tests(objective: &str, maximize: bool) -> Self {
        Self {
            objective: crate::measure::Measure::parse(objective).unwrap(),
            maximize,
            constraints: Vec::new(),
            budget: None,
            outlay: None,
            alpha: 0.05,
            delta: 1.0,
            n0: 10,
            max_replications: 100,
            shortlist: 5,
            ocba_budget: 100,
            pareto: crate::measure::Measure::parse("cost.capital_per_year").unwrap(),
        }
    }
}

/// Where a portfolio stands after phases 0-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    Pruned,
    /// The same model as this earlier portfolio, which runs for both.
    Same(usize),
    Infeasible,
    Undecided,
    Feasible,
}

/// Everything the procedure found, for [`super::outcome`].
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) capital: Vec<f64>,
    /// Each portfolio's capital outlay beyond the scenario as given.
    pub(crate) outlay: Vec<f64>,
    pub(crate) standing: Vec<Standing>,
    pub(crate) tests: Vec<Vec<Test>>,
    /// Phase-1 replications per portfolio (indices `0..screening`).
    pub(crate) screening: Vec<u64>,
    /// Phase-2 replications (indices `screening..screening + ocba`).
    pub(crate) ocba: Vec<u64>,
    pub(crate) shortlist: Vec<usize>,
    pub(crate) feasible: usize,
    /// KN's first replication index.
    pub(crate) offset: u64,
    pub(crate) kn: Option<KnOutcome>,
    /// The decisions that change nothing ([`Priced::idle_warnings`]).
    pub(crate) idle: Vec<String>,
}

impl Run {
    pub(crate) fn held(&self, p: usize) -> Range<u64> {
        0..self.screening[p] + self.ocba[p]
    }
}

/// The portfolios' annualised capital, their capital outlay beyond the
/// scenario as given, and phase 0 (the pruning by `--budget` and
/// `--outlay`), checked before any replication (so before a checkpoint is
/// touched): the settings, the decisions nothing prices
/// (`decision::unpriced_by_kind`, `decision::unpriced`) and a budget or an
/// outlay that prunes every portfolio. It also finds the decisions that
/// change nothing ([`Priced::idle_warnings`]).
#[derive(Debug, Clone)]
pub struct Priced {
    capital: Vec<f64>,
    outlay: Vec<f64>,
    standing: Vec<Standing>,
    idle: Vec<String>,
}

impl Priced {
    /// The warnings on decisions that change nothing
    /// ([`super::decision::idle_decisions`]), found once here: the caller
    /// says them, and the document keeps them.
    pub fn idle_warnings(&self) -> &[String] {
        &self.idle
    }
}

/// Compiles every portfolio of `study` and checks what needs no
/// replication ([`Priced`]).
///
/// # Errors
/// [`OptimizeError`]: bad settings, a decision nothing prices, a budget
/// that prunes everything.
pub fn price(study: &Study, settings: &Settings) -> Result<Priced, OptimizeError> {
    settings.check(study.plan.kpi_layout().names())?;
    // The decision's key and what would price it.
    let named = |a: usize| {
        let key = &study.axes[a].key;
        (key.to_string(), super::decision::unpriced_hint(key, &study.plan))
    };
    if let Some((key, hint)) = super::decision::unpriced_by_kind(study).map(named) {
        return Err(OptimizeError::UnpricedKind { key, hint });
    }
    // Each portfolio's costs and model fingerprint; its plan is dropped.
    let priced: Vec<(f64, f64, f64, u64)> = (0..study.points.len())
        .into_par_iter()
        .map(|p| {
            let plan = study.point_plan(p).map_err(|e| OptimizeError::Run(e.to_string()))?;
            let c = &plan.costs;
            Ok((
                c.capital_per_year,
                c.fixed_operating_per_year,
                c.capital,
                plan.model_fingerprint(),
            ))
        })
        .collect::<Result<_, OptimizeError>>()?;
    let capital: Vec<f64> = priced.iter().map(|p| p.0).collect();
    let fixed: Vec<f64> = priced.iter().map(|p| p.1).collect();
    // The outlay beyond the scenario as given (its --set included): below
    // zero for a portfolio with less than it.
    let outlay: Vec<f64> = priced.iter().map(|p| p.2 - study.plan.costs.capital).collect();
    let cost: Vec<f64> = capital.iter().zip(&fixed).map(|(c, f)| c + f).collect();
    if let Some((key, hint)) = super::decision::unpriced(study, &cost).map(named) {
        return Err(OptimizeError::Unpriced { key, hint });
    }
    let mut standing = vec![Standing::Undecided; capital.len()];
    prune(study, Limit::Budget, settings.budget, &capital, &mut standing)?;
    prune(study, Limit::Outlay, settings.outlay, &outlay, &mut standing)?;
    // Portfolios that compile to the same model (the escort force with
    // escorts off) would be run alike and stay undecided between them: the
    // first runs, for all. They cost the same, so pruning took all or none.
    let prints: Vec<Option<u64>> = priced.iter().map(|p| Some(p.3)).collect();
    for (p, q) in study.same_points(&prints) {
        if standing[p] == Standing::Undecided {
            standing[p] = Standing::Same(q);
        }
    }
    let idle = super::decision::idle_decisions(study);
    Ok(Priced { capital, outlay, standing, idle })
}

/// Runs the whole procedure on the portfolios of `study` (its design
/// points) and returns the document: [`price`], then [`optimize_priced`].
/// A portfolio's capital is its compiled scenario's annualised capital
/// cost (`capital_per_year`).
///
/// # Errors
/// [`OptimizeError`]: bad settings, a decision nothing prices, a budget
/// that prunes everything, an undefined objective, a checkpoint that
/// cannot be written, a failed replication.
pub fn optimize(
    study: &Study,
    settings: &Settings,
    store: &mut Store<'_>,
) -> Result<OptimizeDoc, OptimizeError> {
    let priced = price(study, settings)?;
    optimize_priced(study, settings, store, priced)
}

/// The procedure on portfolios [`price`] checked and pruned (with the same
/// `settings`): phases 1 to 3.
///
/// # Errors
/// As [`optimize`].
pub fn optimize_priced(
    study: &Study,
    settings: &Settings,
    store: &mut Store<'_>,
    priced: Priced,
) -> Result<OptimizeDoc, OptimizeError> {
    settings.check(store.names())?;
    let count = study.points.len();
    let mut run = Run {
        standing: priced.standing,
        tests: vec![Vec::new(); count],
        screening: vec![0; count],
        ocba: vec![0; count],
        shortlist: Vec::new(),
        feasible: 0,
        offset: 0,
        kn: None,
        capital: priced.capital,
        outlay: priced.outlay,
        idle: priced.idle,
    };
    screen(study, settings, store, &mut run)?;
    allocate(study, settings, store, &mut run)?;
    select(study, settings, store, &mut run)?;
    Ok(super::outcome::document(study, settings, store, &run))
}

/// Phase 0: portfolios whose `amounts` (annualised capital for
/// [`Limit::Budget`], outlay for [`Limit::Outlay`]) are above `value`.
fn prune(
    study: &Study,
    limit: Limit,
    value: Option<f64>,
    amounts: &[f64],
    standing: &mut [Standing],
) -> Result<(), OptimizeError> {
    let Some(value) = value else { return Ok(()) };
    for (p, &c) in amounts.iter().enumerate() {
        if c > value {
            standing[p] = Standing::Pruned;
        }
    }
    if standing.iter().all(|&st| st == Standing::Pruned) {
        let cheapest =
            (0..amounts.len()).fold(0, |b, p| if amounts[p] < amounts[b] { p } else { b });
        return Err(OptimizeError::BudgetPrunesAll {
            limit,
            budget: value,
            cheapest: study.describe_point(cheapest),
            cheapest_cost: amounts[cheapest],
        });
    }
    Ok(())
}

/// The values of `measure` in replications `range` of portfolio `p`.
pub(crate) fn values(store: &Store<'_>, m: &Measure, p: usize, range: Range<u64>) -> Vec<f64> {
    let kpi = store.names().iter().position(|n| n == m.kpi());
    store.column(p, kpi, range).into_iter().map(|v| m.of(v)).collect()
}

/// [`values`], refused with [`OptimizeError::Undefined`] where one is
/// undefined (NaN): `role` is `objective` or `constraint`.
fn defined(
    study: &Study,
    store: &Store<'_>,
    (m, role): (&Measure, &'static str),
    p: usize,
    range: Range<u64>,
) -> Result<Vec<f64>, OptimizeError> {
    let v = values(store, m, p, range.clone());
    match v.iter().position(|x| !x.is_finite()) {
        Some(j) => Err(OptimizeError::Undefined {
            role,
            measure: m.to_string(),
            hint: super::undefined_hint(m.kpi()),
            portfolio: p,
            decisions: study.describe_point(p),
            replication: range.start + j as u64,
        }),
        None => Ok(v),
    }
}

/// Phase 1: `n0` replications of every portfolio left, and the
/// feasibility tests, looking again at doubled counts while undecided.
fn screen(
    study: &Study,
    s: &Settings,
    store: &mut Store<'_>,
    run: &mut Run,
) -> Result<(), OptimizeError> {
    let mut open: Vec<usize> =
        (0..run.standing.len()).filter(|&p| run.standing[p] == Standing::Undecided).collect();
    let looks = constraint::looks(s.n0, s.max_replications);
    let level = constraint::test_level(
        s.alpha_feasibility(),
        open.len(),
        s.constraints.len(),
        s.n0,
        s.max_replications,
    );
    let mut from = 0;
    for &n in &looks {
        let wanted: Vec<(usize, Range<u64>)> = open.iter().map(|&p| (p, from..n)).collect();
        store.ensure(&wanted)?;
        from = n;
        for &p in &open {
            run.screening[p] = n;
            let before = std::mem::take(&mut run.tests[p]);
            let tests: Vec<Test> = s
                .constraints
                .iter()
                .enumerate()
                .map(|(i, c)| match before.get(i) {
                    Some(t) if t.verdict != Verdict::Undecided => Ok(*t),
                    _ => {
                        let v = defined(study, store, (&c.measure, "constraint"), p, 0..n)?;
                        Ok(c.test(&v, level))
                    }
                })
                .collect::<Result<_, OptimizeError>>()?;
            run.standing[p] = if tests.iter().any(|t| t.verdict == Verdict::Infeasible) {
                Standing::Infeasible
            } else if tests.iter().all(|t| t.verdict == Verdict::Feasible) {
                Standing::Feasible
            } else {
                Standing::Undecided
            };
            run.tests[p] = tests;
        }
        open.retain(|&p| run.standing[p] == Standing::Undecided);
        if open.is_empty() {
            break;
        }
    }
    Ok(())
}

/// The objective, larger is better, of `p` over `range`; refused where it
/// is undefined.
fn oriented(
    study: &Study,
    s: &Settings,
    store: &Store<'_>,
    p: usize,
    range: Range<u64>,
) -> Result<Vec<f64>, OptimizeError> {
    let sign = if s.maximize { 1.0 } else { -1.0 };
    let v = defined(study, store, (&s.objective, "objective"), p, range)?;
    Ok(v.into_iter().map(|v| sign * v).collect())
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let (m, var) = crate::stats::mean_var(v);
    (if m.is_nan() { f64::NEG_INFINITY } else { m }, if var.is_nan() { 0.0 } else { var.sqrt() })
}

/// Phase 2: OCBA among the feasible portfolios when there are more than
/// the shortlist holds, then the shortlist (best means first).
fn allocate(
    study: &Study,
    s: &Settings,
    store: &mut Store<'_>,
    run: &mut Run,
) -> Result<(), OptimizeError> {
    let feasible: Vec<usize> =
        (0..run.standing.len()).filter(|&p| run.standing[p] == Standing::Feasible).collect();
    run.feasible = feasible.len();
    let stats = |store: &Store<'_>, run: &Run, p: usize| {
        oriented(study, s, store, p, run.held(p)).map(|v| mean_sd(&v))
    };
    if feasible.len() > s.shortlist {
        let mut spent = 0;
        while spent < s.ocba_budget {
            let open: Vec<usize> = feasible
                .iter()
                .copied()
                .filter(|&p| run.held(p).end < s.max_replications)
                .collect();
            if open.is_empty() {
                break;
            }
            let stats = open.iter().map(|&p| stats(store, run, p)).collect::<Result<Vec<_>, _>>();
            let (means, sds): (Vec<f64>, Vec<f64>) = stats?.into_iter().unzip();
            let counts: Vec<u64> = open.iter().map(|&p| run.held(p).end).collect();
            let add = OCBA_ROUND.min(s.ocba_budget - spent);
            let shares = ocba::allocate(&means, &sds, &counts, add);
            let mut wanted = Vec::new();
            for (&p, &a) in open.iter().zip(&shares) {
                let a = a.min(s.max_replications - run.held(p).end);
                if a > 0 {
                    wanted.push((p, run.held(p).end..run.held(p).end + a));
                }
            }
            if wanted.is_empty() {
                break;
            }
            store.ensure(&wanted)?;
            for (p, r) in &wanted {
                run.ocba[*p] += r.end - r.start;
                spent += r.end - r.start;
            }
        }
    }
    let mut ranked: Vec<(usize, f64)> = feasible
        .iter()
        .map(|&p| stats(store, run, p).map(|(mean, _)| (p, mean)))
        .collect::<Result<_, _>>()?;
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    run.shortlist = ranked.into_iter().take(s.shortlist).map(|(p, _)| p).collect();
    run.shortlist.sort_unstable();
    Ok(())
}

/// Phase 3: KN on the shortlist, on replication indices from one offset
/// above every index used so far.
fn select(
    study: &Study,
    s: &Settings,
    store: &mut Store<'_>,
    run: &mut Run,
) -> Result<(), OptimizeError> {
    let k = run.shortlist.len();
    if k == 0 {
        return Ok(());
    }
    run.offset = (0..run.standing.len()).map(|p| run.held(p).end).max().unwrap_or(0);
    let settings = KnSettings {
        alpha: s.alpha - s.alpha_feasibility(),
        delta: s.delta,
        n0: s.n0,
        max_stages: s.max_replications,
        batch: KN_BATCH,
    };
    let (offset, shortlist) = (run.offset, run.shortlist.clone());
    let mut draw = |alts: &[usize], stages: Range<u64>| {
        let range = offset + stages.start..offset + stages.end;
        let wanted: Vec<(usize, Range<u64>)> =
            alts.iter().map(|&a| (shortlist[a], range.clone())).collect();
        store.ensure(&wanted)?;
        alts.iter().map(|&a| oriented(study, s, store, shortlist[a], range.clone())).collect()
    };
    run.kn = Some(kn::select(k, &settings, &mut draw)?);
    Ok(())
}
