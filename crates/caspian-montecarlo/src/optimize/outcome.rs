//! The optimisation's result as a document: each portfolio's status and
//! estimates, the selection with its intervals (from its KN data), the
//! portfolios that cannot be told apart from it, the feasible Pareto set,
//! the replications spent and the guarantee in one sentence.

use std::collections::BTreeMap;
use std::ops::Range;

use caspian_shipping::CompiledScenario;

use crate::appraisal;
use crate::compare::Direction;
use crate::document::{Provenance, WithUnit, kpi_units};
use crate::measure::Measure;
use crate::stats::{PairedDifference, Summary};
use crate::study::{Study, short_number};

use super::document::{
    ContenderDoc, DecisionDoc, OptimizeDoc, ParetoDoc, ParetoPoint, PhaseCounts, PortfolioDoc,
    ProblemDoc, RunnerUpDoc, SelectedDoc, SpentDoc,
};
use super::guarantee::{guarantee, left_out, same_models};
use super::procedure::{Run, Settings, Standing, values};
use super::store::Store;

/// The five cost KPIs of the total (the demurrage part of the delay aside),
/// reported for the selection when the scenario has them.
pub const COST_KPIS: [&str; 5] = [
    "cost.capital_per_year",
    "cost.operating_per_year",
    "cost.delay_per_year",
    "cost.lost_cargo_per_year",
    "cost.total_per_year",
];

/// What the method does, in brief, for the document.
pub const METHOD_NOTE: &str = "Common random numbers across portfolios. Phase 0 prunes \
portfolios over the capital budget. Phase 1 runs n0 replications of each and tests every \
constraint one-sidedly (Clopper-Pearson for probabilities; for means Student-t, with Garwood's \
Poisson bounds for event counts, and, where the replications have not varied, only bounds that \
need no spread) at level \
alpha_f/(k m L) (Bonferroni over k portfolios, m constraints, L looks; alpha_f = alpha/2 with \
constraints, else 0), doubling the replications of undecided portfolios up to the cap. Phase 2 \
(only with more feasible portfolios than the shortlist) allocates a budget by OCBA (Chen et al. \
2000) and keeps the best by mean; the guarantee then covers that shortlist (Boesel, Nelson & Kim \
2003). Phase 3 runs the KN procedure (Kim & Nelson 2001) with alpha - alpha_f on fresh \
replication indices. Not shardable: KN's elimination at each stage needs every survivor's \
results.";

fn decisions(study: &Study, p: usize) -> BTreeMap<String, f64> {
    study.axes.iter().zip(&study.points[p].values).map(|(a, &v)| (a.key.to_string(), v)).collect()
}

/// Builds the document from a finished run.
pub(crate) fn document(study: &Study, s: &Settings, store: &Store<'_>, run: &Run) -> OptimizeDoc {
    let kn = run.kn.as_ref();
    let selected_index = kn.map(|o| run.shortlist[o.selected]);
    let portfolios: Vec<PortfolioDoc> =
        (0..run.standing.len()).map(|p| portfolio(study, s, store, run, p)).collect();
    let units = kpi_units(&study.plan, store.names());
    let selected = selected_index.map(|p| selected(study, s, store, run, p, &units));
    let contenders = selected_index.map_or_else(Vec::new, |p| contenders(study, s, store, run, p));
    let mut guarantee = guarantee(study, s, run, &units);
    let spent = spent(run);
    let cut_short = cut_short(store);
    if cut_short.is_some() {
        // The tests and the selection rest on years cut short.
        guarantee.statement.push_str(if guarantee.holds {
            " The guarantee does NOT hold as stated: a safeguard stopped some replications \
             before the horizon (see the warnings), so the tests and the selection rest on \
             years cut short."
        } else {
            " A safeguard also stopped some replications before the horizon (see the warnings)."
        });
        guarantee.holds = false;
    }
    // The next best's note names the guarantee only where one holds.
    let runner_up =
        selected_index.and_then(|p| runner_up(study, s, store, run, p, guarantee.holds));
    if guarantee.holds {
        guarantee.statement.push_str(&left_out(s, &portfolios, selected_index));
        guarantee.statement.push_str(&within_delta(contenders.len()));
    }
    guarantee.statement.push_str(&same_models(&portfolios));
    OptimizeDoc {
        kind: "optimize".into(),
        provenance: Provenance::of_study(study),
        problem: problem(study, s),
        portfolios,
        selected,
        contenders,
        runner_up,
        pareto: pareto(s, store, run),
        replications: spent,
        guarantee,
        method_note: METHOD_NOTE.into(),
        warnings: study
            .warnings()
            .into_iter()
            .chain(dated_every_year(study))
            .chain(run.idle.iter().cloned())
            .chain(cut_short)
            .collect(),
    }
}

/// The warning that a safeguard (`max_events`, `max_waiting`) stopped
/// replications of some portfolios before the horizon, naming them; `None`
/// when it stopped none.
pub fn cut_short(store: &Store<'_>) -> Option<String> {
    let cut = store.cut_short();
    if cut.is_empty() {
        return None;
    }
    let listed: Vec<String> = cut
        .iter()
        .take(8)
        .map(|(p, n, of)| format!("portfolio {p}: {n} of {of}"))
        .chain((cut.len() > 8).then(|| format!("{} more", cut.len() - 8)))
        .collect();
    Some(format!(
        "replications stopped before the horizon by the scenario's max_events or max_waiting \
         safeguard ({}): their KPIs cover less than the window, so the feasibility tests and the \
         selection rest on years cut short (a run cut short delivers less, for one) and the \
         guarantee does not hold; those portfolios are probably saturated (demand above \
         capacity): raise the safeguard (--set scenario.max_events=N, scenario.max_waiting=N)",
        listed.join(", ")
    ))
}

/// The warning that a dated disruption (a stress test) is in every
/// replication, so the optimiser chooses for years in which it strikes.
pub fn dated_every_year(study: &Study) -> Option<String> {
    let dated = crate::economics::dated_disruptions(study)?;
    Some(format!(
        "the scenario has a dated disruption ({dated}): it strikes in every replication, so the \
         objective and constraints are of a year with it, and the selection is the best \
         portfolio for years in which it strikes; for a typical year, optimise the scenario \
         without it, and value the event with caspian compare --one-off"
    ))
}

/// What the guarantee says of the contenders, when there are any: it
/// covers a best that leads by δ, so it does not rank the selection above
/// them.
fn within_delta(contenders: usize) -> String {
    match contenders {
        0 => String::new(),
        1 => " Here 1 contender lies within delta of it or cannot be told apart from it: the \
               guarantee does not say that the selection beats it; choose between them on what \
               the objective leaves out."
            .to_string(),
        k => format!(
            " Here {k} contenders lie within delta of it or cannot be told apart from it: the \
             guarantee does not say that the selection beats them; choose among them on what \
             the objective leaves out."
        ),
    }
}

fn problem(study: &Study, s: &Settings) -> ProblemDoc {
    ProblemDoc {
        scenario: study.name.clone(),
        source: study.source.clone(),
        seed: study.seed,
        decisions: study
            .axes
            .iter()
            .map(|a| DecisionDoc { key: a.key.to_string(), values: a.values.clone() })
            .collect(),
        objective: s.objective.to_string(),
        direction: if s.maximize { "maximize" } else { "minimize" }.into(),
        constraints: s.constraints.iter().map(ToString::to_string).collect(),
        budget: s.budget,
        outlay: s.outlay,
        currency: study.plan.cost_basis().currency.clone(),
        alpha: s.alpha,
        alpha_feasibility: s.alpha_feasibility(),
        delta: s.delta,
        n0: s.n0,
        max_replications: s.max_replications,
        shortlist: s.shortlist,
        ocba_budget: s.ocba_budget,
        pareto_measure: s.pareto.to_string(),
    }
}

fn portfolio(study: &Study, s: &Settings, store: &Store<'_>, run: &Run, p: usize) -> PortfolioDoc {
    let kn = run.kn.as_ref();
    let pos = run.shortlist.iter().position(|&q| q == p);
    let mut eliminated_at_stage = None;
    let status = match run.standing[p] {
        Standing::Pruned => "pruned",
        Standing::Same(_) => "same",
        Standing::Infeasible => "infeasible",
        Standing::Undecided => "undecided",
        Standing::Feasible => match (pos, kn) {
            (None, _) => "feasible",
            (Some(i), Some(o)) if o.selected == i => "selected",
            (Some(i), Some(o)) if o.eliminated_at[i].is_some() => {
                eliminated_at_stage = o.eliminated_at[i];
                "eliminated"
            }
            (Some(_), _) => "shortlisted",
        },
    };
    let (used, computed) = match (pos, kn) {
        (Some(i), Some(o)) => (o.used[i], o.computed[i]),
        _ => (0, 0),
    };
    let held = run.held(p);
    let same_as = match run.standing[p] {
        Standing::Same(q) => Some(q),
        _ => None,
    };
    let objective = (!matches!(run.standing[p], Standing::Pruned | Standing::Same(_)))
        .then(|| s.objective.summary(&values(store, &s.objective, p, held)));
    PortfolioDoc {
        index: p,
        decisions: decisions(study, p),
        capital_per_year: run.capital[p],
        outlay: run.outlay[p],
        status: status.into(),
        same_as,
        eliminated_at_stage,
        replications: PhaseCounts {
            screening: run.screening[p],
            ocba: run.ocba[p],
            selection: used,
            selection_discarded: computed - used,
        },
        objective,
        constraints: run.tests[p].clone(),
    }
}

/// Where the escort force is a decision with values above the force of
/// `plan` (the selection's, or the runner-up's where not `selected`): the
/// sentence that says they were tried, in place of advice to try one.
fn larger_forces_tried(
    study: &Study,
    s: &Settings,
    plan: &CompiledScenario,
    selected: bool,
) -> Option<String> {
    let force = f64::from(plan.interdiction.escort?.force);
    let axis = study.axes.iter().find(|a| a.key == crate::SweepKey::EscortVessels)?;
    let larger: Vec<String> =
        axis.values.iter().filter(|&&v| v > force).map(|&v| short_number(v)).collect();
    (!larger.is_empty()).then(|| {
        let larger = larger.join(", ");
        if selected {
            format!(
                "; larger forces were among the decisions ({larger}) and were not selected \
                 (pruned, infeasible or no better on {}: their status says which), so the \
                 selection takes the wait as the price of a smaller force",
                s.objective
            )
        } else {
            format!(
                "; larger forces were among the decisions ({larger}): their status in the \
                 portfolio table says how they did"
            )
        }
    })
}

/// The notes on how to read portfolio `p`'s figures (`what` names it):
/// less than the scenario as written of what carries capital, and an
/// escort force that binds, from the means of `range`'s replications.
fn plan_notes(
    study: &Study,
    s: &Settings,
    store: &Store<'_>,
    p: usize,
    range: std::ops::Range<u64>,
    what: &str,
    selected: bool,
) -> Vec<String> {
    let mean = |k: &str| {
        let v = values(store, &Measure::Kpi(k.to_string()), p, range.clone());
        crate::stats::mean_var(&v).0
    };
    // The portfolio's plan compiled when it ran, so it compiles now.
    study.point_plan(p).ok().map_or_else(Vec::new, |plan| {
        let less =
            appraisal::less_than_base_warning(&study.plan, &plan, what, "the scenario as written");
        let advice = larger_forces_tried(study, s, &plan, selected);
        let escorts = appraisal::escort_force_note(&plan, what, mean, advice.as_deref());
        less.into_iter().chain(escorts).collect()
    })
}

/// The portfolios that compile to the same model as `p` and so share its
/// results, with the decisions in which they differ from it, in words.
fn same_note(study: &Study, run: &Run, p: usize) -> Option<String> {
    let same: Vec<usize> =
        (0..run.standing.len()).filter(|&q| run.standing[q] == Standing::Same(p)).collect();
    let earliest = *same.first()?;
    let keys: Vec<String> = study
        .axes
        .iter()
        .enumerate()
        .filter(|&(a, _)| {
            same.iter().any(|&q| study.points[q].values[a] != study.points[p].values[a])
        })
        .map(|(_, axis)| axis.key.to_string())
        .collect();
    let list = same.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    let (which, verb, they, decide, them, first) = if same.len() == 1 {
        ("portfolio", "compiles", "it", "decides", "it", String::new())
    } else {
        ("portfolios", "compile", "they", "decide", "them", " first".to_string())
    };
    Some(format!(
        "{which} {list} ({}{first}) {verb} to the same model as the selected portfolio: what \
         {they} {decide} otherwise ({}) changes nothing here, so the selection stands for {them} \
         too",
        study.describe_point(earliest),
        keys.join(", ")
    ))
}

/// The replications behind the selection's intervals: its KN data, or
/// phases 1-2 when KN needed none (a single portfolio).
fn selection_range(run: &Run, p: usize) -> (std::ops::Range<u64>, &'static str) {
    let used = run.kn.as_ref().map_or(0, |o| o.used[o.selected]);
    if used >= 2 {
        (run.offset..run.offset + used, "selection (KN) replications")
    } else {
        (run.held(p), "screening and OCBA replications (KN needed none: one portfolio)")
    }
}

fn selected(
    study: &Study,
    s: &Settings,
    store: &Store<'_>,
    run: &Run,
    p: usize,
    units: &BTreeMap<String, String>,
) -> SelectedDoc {
    let (range, data) = selection_range(run, p);
    let mut measures: Vec<Measure> = vec![s.objective.clone()];
    measures.extend(s.constraints.iter().map(|c| c.measure.clone()));
    measures.extend(
        COST_KPIS
            .iter()
            .filter(|k| store.names().iter().any(|n| n == *k))
            .map(|k| Measure::Kpi((*k).to_string())),
    );
    let mut kpis = BTreeMap::new();
    for m in measures {
        let unit = if m.is_probability() {
            "probability".to_string()
        } else {
            units.get(m.kpi()).cloned().unwrap_or_default()
        };
        let value = m.summary(&values(store, &m, p, range.clone()));
        kpis.insert(m.to_string(), WithUnit { unit, value });
    }
    let notes = plan_notes(study, s, store, p, range.clone(), "the selected portfolio", true);
    let notes = notes.into_iter().chain(same_note(study, run, p)).collect();
    SelectedDoc {
        index: p,
        decisions: decisions(study, p),
        capital_per_year: run.capital[p],
        outlay: run.outlay[p],
        data: data.into(),
        n: range.end - range.start,
        kpis,
        notes,
    }
}

/// Every feasible portfolio other than the selection `sel` that cannot be
/// told apart from it: the paired 95% interval of its objective's
/// difference contains zero, or the mean difference is within δ. Paired
/// over every replication both ran: the screening and OCBA replications
/// they share, and the KN replications they share where both were
/// shortlisted. So the next best portfolio ([`runner_up`]) is a contender
/// whenever its mean difference is within δ, shortlisted or not.
fn contenders(
    study: &Study,
    s: &Settings,
    store: &Store<'_>,
    run: &Run,
    sel: usize,
) -> Vec<ContenderDoc> {
    let mut out = Vec::new();
    for q in (0..run.standing.len()).filter(|&q| q != sel && run.standing[q] == Standing::Feasible)
    {
        let d = paired(store, &s.objective, run, sel, q);
        if d.n < 2 {
            continue;
        }
        if is_contender(&d, s.delta) {
            out.push(ContenderDoc { index: q, decisions: decisions(study, q), difference: d });
        }
    }
    out
}

/// A contender: its difference `d` from the selection holds 0 or is within `delta`.
pub(super) fn is_contender(d: &PairedDifference, delta: f64) -> bool {
    (d.ci95_low <= 0.0 && d.ci95_high >= 0.0) || d.mean_diff.abs() < delta
}

/// The replications portfolios `p` and `q` both ran: their common screening
/// and OCBA replications, and their common KN replications where both
/// were shortlisted.
fn common_replications(run: &Run, p: usize, q: usize) -> [Range<u64>; 2] {
    let kn_used = |p: usize| {
        let o = run.kn.as_ref()?;
        run.shortlist.iter().position(|&k| k == p).map(|i| o.used[i])
    };
    let kn_common = kn_used(p).unwrap_or(0).min(kn_used(q).unwrap_or(0));
    [0..run.held(p).end.min(run.held(q).end), run.offset..run.offset + kn_common]
}

/// `m` of `q` minus that of `sel`, paired over every replication both ran
/// ([`common_replications`]): the one pairing of the contenders and the
/// next best portfolio, so that the two never disagree.
fn paired(store: &Store<'_>, m: &Measure, run: &Run, sel: usize, q: usize) -> PairedDifference {
    let ranges = common_replications(run, sel, q);
    let pooled = |p: usize| -> Vec<f64> {
        ranges.iter().flat_map(|r| values(store, m, p, r.clone())).collect()
    };
    PairedDifference::of(&pooled(sel), &pooled(q))
}

/// The cost KPIs a runner-up's difference is split into: the parts of
/// the total, and demurrage (a part of the delay cost) on its own.
const COST_PARTS: [&str; 5] = [
    "cost.capital_per_year",
    "cost.operating_per_year",
    "cost.delay_per_year",
    "cost.demurrage_per_year",
    "cost.lost_cargo_per_year",
];

/// The cost KPIs that value time and cargo at prices the scenario
/// assumes, which a selection may rest on.
pub(crate) const VALUATIONS: [&str; 3] =
    ["cost.delay_per_year", "cost.demurrage_per_year", "cost.lost_cargo_per_year"];

/// The next best feasible portfolio after `sel` ([`RunnerUpDoc`]);
/// `guaranteed`: whether the guarantee holds (`GuaranteeDoc::holds`).
fn runner_up(
    study: &Study,
    s: &Settings,
    store: &Store<'_>,
    run: &Run,
    sel: usize,
    guaranteed: bool,
) -> Option<RunnerUpDoc> {
    let sign = if s.maximize { 1.0 } else { -1.0 };
    let mean = |p: usize| sign * Summary::of(&values(store, &s.objective, p, run.held(p))).mean;
    let q = (0..run.standing.len())
        .filter(|&p| p != sel && run.standing[p] == Standing::Feasible)
        .max_by(|&a, &b| mean(a).total_cmp(&mean(b)).then(b.cmp(&a)))?;
    let has = |k: &str| store.names().iter().any(|n| n == k);
    let mut measures = vec![s.objective.clone()];
    measures.extend(COST_PARTS.iter().filter(|k| has(k)).map(|k| Measure::Kpi((*k).to_string())));
    let differences: BTreeMap<String, PairedDifference> =
        measures.iter().map(|m| (m.to_string(), paired(store, m, run, sel, q))).collect();
    let rests_on = rests_on(s, &differences);
    let mut notes = plan_notes(study, s, store, q, run.held(q), "the next best portfolio", false);
    let objective = &differences[&s.objective.to_string()];
    notes.extend(super::next_best::better_by_mean(s, objective, guaranteed));
    Some(RunnerUpDoc { index: q, decisions: decisions(study, q), differences, rests_on, notes })
}

/// The valuations ([`VALUATIONS`]) a cost selection rests on: the
/// runner-up costs `total` more; without a part's difference it would cost
/// `total - part` more, and less where that is below 0. Capital and
/// operating cost are what an investment costs, not a valuation.
fn rests_on(s: &Settings, differences: &BTreeMap<String, PairedDifference>) -> Vec<String> {
    match (s.objective.kpi(), s.maximize, differences.get(&s.objective.to_string())) {
        ("cost.total_per_year", false, Some(t)) if t.mean_diff > 0.0 => VALUATIONS
            .iter()
            .filter(|k| differences.get(**k).is_some_and(|d| t.mean_diff - d.mean_diff < 0.0))
            .map(|k| (*k).to_string())
            .collect(),
        _ => Vec::new(),
    }
}

fn pareto(s: &Settings, store: &Store<'_>, run: &Run) -> ParetoDoc {
    // Settings::check refused a measure with no direction before the run.
    let dir = s.pareto_direction().unwrap_or(Direction::Maximize);
    let (so, sm) =
        (if s.maximize { 1.0 } else { -1.0 }, if dir == Direction::Maximize { 1.0 } else { -1.0 });
    let mean = |m: &Measure, p: usize| Summary::of(&values(store, m, p, run.held(p))).mean;
    let pts: Vec<ParetoPoint> = (0..run.standing.len())
        .filter(|&p| run.standing[p] == Standing::Feasible)
        .map(|p| ParetoPoint {
            index: p,
            objective: mean(&s.objective, p),
            measure: mean(&s.pareto, p),
        })
        .collect();
    let beats = |a: &ParetoPoint, b: &ParetoPoint| {
        let (ao, am, bo, bm) = (so * a.objective, sm * a.measure, so * b.objective, sm * b.measure);
        ao >= bo && am >= bm && (ao > bo || am > bm)
    };
    let mut front: Vec<ParetoPoint> =
        pts.iter().filter(|p| !pts.iter().any(|q| beats(q, p))).cloned().collect();
    front.sort_by(|a, b| {
        (so * b.objective).total_cmp(&(so * a.objective)).then(a.index.cmp(&b.index))
    });
    ParetoDoc {
        objective: s.objective.to_string(),
        measure: s.pareto.to_string(),
        measure_direction: match dir {
            Direction::Maximize => "maximize",
            Direction::Minimize => "minimize",
        }
        .into(),
        points: front,
    }
}

fn spent(run: &Run) -> SpentDoc {
    let (used, computed) =
        run.kn.as_ref().map_or((0, 0), |o| (o.used.iter().sum(), o.computed.iter().sum()));
    let screening = run.screening.iter().sum();
    let ocba = run.ocba.iter().sum();
    SpentDoc {
        screening,
        ocba,
        selection: used,
        selection_discarded: computed - used,
        total: screening + ocba + computed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(mean_diff: f64) -> PairedDifference {
        PairedDifference::of(&[0.0, 0.0], &[mean_diff, mean_diff])
    }

    /// The runner-up (a berth fewer) costs 1.0 more: 3.5 less capital and
    /// operating, 4.5 more delay, 4.0 of it demurrage. Without the
    /// demurrage it would cost 3.0 less, so the selection rests on it (and
    /// on the delay holding it); capital, however large, is what the
    /// investment costs, never a valuation.
    #[test]
    fn a_selection_rests_on_the_valuations_it_would_lose_without() {
        let differences: BTreeMap<String, PairedDifference> = [
            ("cost.total_per_year", 1.0),
            ("cost.capital_per_year", -3.0),
            ("cost.operating_per_year", -0.5),
            ("cost.delay_per_year", 4.5),
            ("cost.demurrage_per_year", 4.0),
            ("cost.lost_cargo_per_year", 0.0),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), diff(v)))
        .collect();
        let cost = Settings::for_tests("cost.total_per_year", false);
        assert_eq!(
            rests_on(&cost, &differences),
            ["cost.delay_per_year", "cost.demurrage_per_year"]
        );
        // A small saving decides nothing.
        let mut small = differences.clone();
        small.insert("cost.delay_per_year".into(), diff(0.5));
        small.insert("cost.demurrage_per_year".into(), diff(0.5));
        assert!(rests_on(&cost, &small).is_empty());
        // Another objective has no parts to rest on.
        assert!(
            rests_on(&Settings::for_tests("service_level.wagons", true), &differences).is_empty()
        );
    }
}
