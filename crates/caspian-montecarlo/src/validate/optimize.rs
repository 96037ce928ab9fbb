//! Checks of an optimize document (`caspian optimize -o FILE.json`) that
//! its shape cannot carry: every portfolio index in range, each portfolio
//! at its own position with decisions the problem offers, statuses the
//! optimiser writes, replication counts that add up, levels and the
//! indifference zone as the optimiser accepts them, and summaries that
//! replications could give.

use super::names::unknown_kpi;
use super::{
    DocumentError, check_counts, check_differences, difference_problem, field, share_problem,
    summary::short, summary_problem,
};
use crate::measure::Measure;
use crate::optimize::constraint::Constraint;
use crate::optimize::document::{OptimizeDoc, PortfolioDoc};
use crate::rare::KpiRange;
use crate::validate::cap;

/// The statuses the optimiser gives a portfolio.
const STATUSES: [&str; 8] = [
    "pruned",
    "same",
    "infeasible",
    "undecided",
    "feasible",
    "selected",
    "eliminated",
    "shortlisted",
];

/// Checks an optimize document.
///
/// # Errors
/// [`DocumentError::Field`] naming the first field at fault.
pub(super) fn check_optimize(d: &OptimizeDoc) -> Result<(), DocumentError> {
    let p = &d.problem;
    let level = |v: f64| v > 0.0 && v < 1.0;
    if !level(p.alpha) {
        return Err(field("problem.alpha", format!("{} is not between 0 and 1", short(p.alpha))));
    }
    // A share of alpha: 0 without constraints.
    if !(0.0..1.0).contains(&p.alpha_feasibility) {
        return Err(field(
            "problem.alpha_feasibility",
            format!("{} is not a share from 0 to below 1", short(p.alpha_feasibility)),
        ));
    }
    if !(p.delta.is_finite() && p.delta > 0.0) {
        return Err(field("problem.delta", format!("{} is not a positive number", short(p.delta))));
    }
    for (at, spec) in
        [("problem.objective", &p.objective), ("problem.pareto_measure", &p.pareto_measure)]
    {
        if let Some(problem) = measure_problem_of_name(spec) {
            return Err(field(at, problem));
        }
    }
    for (i, spec) in p.constraints.iter().enumerate() {
        let at = format!("problem.constraints[{i}]");
        match Constraint::parse_stored(spec) {
            Err(_) => {
                return Err(field(
                    at,
                    format!("\"{}\" is not 'P(KPI OP x) OP p' or 'KPI OP x'", cap(spec)),
                ));
            }
            Ok(c) => {
                if let Some(problem) = unknown_kpi(c.measure.kpi()) {
                    return Err(field(at, format!("{problem}; the file is damaged")));
                }
            }
        }
    }
    check_echoes(d)?;
    if d.portfolios.is_empty() {
        return Err(field("portfolios", "empty: an optimisation has one portfolio at least"));
    }
    for (i, pf) in d.portfolios.iter().enumerate() {
        check_portfolio(d, i, pf)?;
    }
    let n = d.portfolios.len();
    let index = |at: String, i: usize| {
        if i < n { Ok(i) } else { Err(field(at, format!("{i} is out of range ({n} portfolios)"))) }
    };
    if let Some(s) = &d.selected {
        let i = index("selected.index".into(), s.index)?;
        if s.decisions != d.portfolios[i].decisions {
            return Err(field("selected.decisions", format!("not those of portfolio {i}")));
        }
        if d.portfolios[i].status != "selected" {
            return Err(field("selected.index", format!("portfolio {i} is not the selected one")));
        }
        check_capital("selected.capital_per_year", s.capital_per_year)?;
        if s.n == 0 {
            return Err(field("selected.n", "0: the intervals rest on no replication"));
        }
        check_selected_kpis(&s.kpis, s.n)?;
    }
    for (k, c) in d.contenders.iter().enumerate() {
        index(format!("contenders[{k}].index"), c.index)?;
        if let Some(problem) = difference_problem(&c.difference) {
            let at = format!("contenders[{k}].difference");
            return Err(field(at, format!("{problem}; the file is damaged")));
        }
    }
    if let Some(r) = &d.runner_up {
        let i = index("runner_up.index".into(), r.index)?;
        if d.selected.as_ref().is_none_or(|s| s.index == i) {
            return Err(field(
                "runner_up.index",
                format!("{i}: not a portfolio beside the selection"),
            ));
        }
        if r.decisions != d.portfolios[i].decisions {
            return Err(field("runner_up.decisions", format!("not those of portfolio {i}")));
        }
        for name in r.differences.keys() {
            if let Some(problem) = measure_problem_of_name(name) {
                return Err(field(format!("runner_up.differences.{}", cap(name)), problem));
            }
        }
        check_differences("runner_up.differences", &r.differences)?;
        let valuations = crate::optimize::outcome::VALUATIONS;
        if let Some(k) = r
            .rests_on
            .iter()
            .find(|k| !valuations.contains(&k.as_str()) || !r.differences.contains_key(*k))
        {
            return Err(field(
                "runner_up.rests_on",
                format!("\"{}\" is not a valuation with a difference here", cap(k)),
            ));
        }
    }
    for (k, pt) in d.pareto.points.iter().enumerate() {
        index(format!("pareto.points[{k}].index"), pt.index)?;
    }
    let r = &d.replications;
    let sum = r.screening.checked_add(r.ocba).and_then(|v| v.checked_add(r.selection));
    let total = sum.and_then(|v| v.checked_add(r.selection_discarded));
    if total != Some(r.total) {
        return Err(field(
            "replications.total",
            format!(
                "{} is not screening + ocba + selection + selection_discarded; the file is \
                 damaged",
                r.total
            ),
        ));
    }
    // Pairs of replications both portfolios ran: no more than all of them.
    if let Some(next) = &d.runner_up {
        let counts = next.differences.iter().map(|(name, x)| (name, x.n));
        check_counts("runner_up.differences", counts, r.total)?;
    }
    Ok(())
}

/// Portfolio `i`: at its own position, decisions the problem offers, a
/// status the optimiser gives, a capital cost that is a cost, and an
/// objective summary replications could give.
fn check_portfolio(d: &OptimizeDoc, i: usize, pf: &PortfolioDoc) -> Result<(), DocumentError> {
    let at = |what: &str| format!("portfolios[{i}].{what}");
    if pf.index != i {
        return Err(field(at("index"), format!("{} at position {i}", pf.index)));
    }
    if !STATUSES.contains(&pf.status.as_str()) {
        return Err(field(
            at("status"),
            format!("\"{}\" is not one of {}", super::cap(&pf.status), STATUSES.join(", ")),
        ));
    }
    let keys: Vec<&str> = d.problem.decisions.iter().map(|x| x.key.as_str()).collect();
    if pf.decisions.len() != keys.len() || !keys.iter().all(|k| pf.decisions.contains_key(*k)) {
        return Err(field(at("decisions"), "not the problem's decisions"));
    }
    for x in &d.problem.decisions {
        let v = pf.decisions[&x.key];
        if !x.values.contains(&v) {
            return Err(field(
                at(&format!("decisions.{}", super::cap(&x.key))),
                format!("{} is not one of the problem's values", short(v)),
            ));
        }
    }
    check_same(d, i, pf)?;
    // One test per constraint of the problem once screened; none pruned
    // or run as another.
    let screened = pf.status != "pruned" && pf.status != "same";
    let tests = if screened { d.problem.constraints.len() } else { 0 };
    if pf.constraints.len() != tests {
        return Err(field(
            at("constraints"),
            format!(
                "{} tests, but the problem has {} constraints and the portfolio is {}",
                pf.constraints.len(),
                d.problem.constraints.len(),
                super::cap(&pf.status)
            ),
        ));
    }
    if pf.status == "undecided" && tests == 0 {
        return Err(field(at("status"), "undecided, but the problem has no constraint to decide"));
    }
    check_capital(&at("capital_per_year"), pf.capital_per_year)?;
    if let Some(s) = &pf.objective
        && let Some(problem) = measure_problem(&d.problem.objective, s)
    {
        return Err(field(at("objective"), format!("{problem}; the file is damaged")));
    }
    Ok(())
}

/// A portfolio that is the same model as another (`same`): it names an
/// earlier one that ran, and has no replications nor objective of its own;
/// no other status names one.
fn check_same(d: &OptimizeDoc, i: usize, pf: &PortfolioDoc) -> Result<(), DocumentError> {
    let at = |what: &str| format!("portfolios[{i}].{what}");
    match (pf.status == "same", pf.same_as) {
        (false, None) => Ok(()),
        (false, Some(_)) => Err(field(at("same_as"), "given, but the status is not \"same\"")),
        (true, None) => Err(field(at("same_as"), "missing: a \"same\" portfolio names another")),
        (true, Some(q)) => {
            if q >= i || ["same", "pruned"].contains(&d.portfolios[q].status.as_str()) {
                return Err(field(
                    at("same_as"),
                    format!("{q} is not an earlier portfolio that ran; the file is damaged"),
                ));
            }
            let r = &pf.replications;
            // Each count on its own: a sum of damaged counts could wrap.
            if [r.screening, r.ocba, r.selection, r.selection_discarded].iter().any(|&n| n > 0)
                || pf.objective.is_some()
            {
                return Err(field(
                    at("replications"),
                    "a \"same\" portfolio takes none (the earlier one runs for it); the file is \
                     damaged",
                ));
            }
            Ok(())
        }
    }
}

/// An annualised capital cost: finite and not negative.
fn check_capital(at: &str, v: f64) -> Result<(), DocumentError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(field(at, format!("{} is not a cost (finite, at least 0)", short(v))))
    }
}

/// The selection's KPI table: no more replications than it rests on, and
/// each summary one that replications could give ([`measure_problem`]).
fn check_selected_kpis(kpis: &crate::document::KpiTable, n: u64) -> Result<(), DocumentError> {
    for name in kpis.keys() {
        if let Some(problem) = measure_problem_of_name(name) {
            return Err(field(format!("selected.kpis.{}", super::cap(name)), problem));
        }
    }
    check_counts("selected.kpis", kpis.iter().map(|(name, s)| (name, s.n)), n)?;
    for (name, s) in kpis {
        if let Some(problem) = measure_problem(name, s) {
            let at = format!("selected.kpis.{}", super::cap(name));
            return Err(field(at, format!("{problem}; the file is damaged")));
        }
    }
    Ok(())
}

/// Why `s` cannot be a summary of measure `name` over replications. A
/// probability (`P(...)`, an objective or a constraint's measure) carries
/// the Wilson score interval, not the Student-t one, so it is checked as a
/// share of its `n` replications, as a `--target` probability is
/// ([`share_problem`]); any other measure is a KPI ([`summary_problem`]).
fn measure_problem(name: &str, s: &crate::stats::Summary) -> Option<String> {
    if name.starts_with("P(") {
        share_problem(s.mean, s.ci95_low, s.ci95_high, s.n)
    } else {
        summary_problem(s, KpiRange::of(name))
    }
}

/// Why `spec`, a measure an optimize document names (its objective, its
/// Pareto measure, a row of the selection's KPIs or of the next best's
/// differences), cannot be one: not a KPI or `P(KPI OP NUMBER)`, or on a
/// KPI caspian does not write ([`unknown_kpi`]).
fn measure_problem_of_name(spec: &str) -> Option<String> {
    match Measure::parse_stored(spec) {
        Err(_) => Some(format!("\"{}\" is not a KPI or P(KPI OP NUMBER)", cap(spec))),
        Ok(m) => unknown_kpi(m.kpi()).map(|problem| format!("{problem}; the file is damaged")),
    }
}

/// What the document repeats of its problem, as the optimiser writes it
/// from the same settings: the guarantee's alpha and delta, and the
/// Pareto set's objective and measure.
fn check_echoes(d: &OptimizeDoc) -> Result<(), DocumentError> {
    let (p, g) = (&d.problem, &d.guarantee);
    for (at, v, of, problem) in [
        ("guarantee.alpha", g.alpha, "alpha", p.alpha),
        ("guarantee.delta", g.delta, "delta", p.delta),
    ] {
        // Both are the one setting, written and read back exactly.
        if v.to_bits() != problem.to_bits() {
            return Err(field(
                at,
                format!(
                    "{}, but problem.{of} is {}; the file is damaged",
                    short(v),
                    short(problem)
                ),
            ));
        }
    }
    for (at, v, of, problem) in [
        ("pareto.objective", &d.pareto.objective, "objective", &p.objective),
        ("pareto.measure", &d.pareto.measure, "pareto_measure", &p.pareto_measure),
    ] {
        if v != problem {
            return Err(field(
                at,
                format!(
                    "\"{}\", but problem.{of} is \"{}\"; the file is damaged",
                    cap(v),
                    cap(problem)
                ),
            ));
        }
    }
    Ok(())
}
