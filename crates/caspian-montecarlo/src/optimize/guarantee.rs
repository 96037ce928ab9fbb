//! The optimisation's guarantee in one sentence, with its scope, and what
//! it leaves out (portfolios undecided at `--max-replications`).

use std::collections::BTreeMap;

use crate::study::short_number;

use super::document::{GuaranteeDoc, PortfolioDoc};
use super::procedure::{Run, Settings, Standing};
use crate::study::Study;

/// What a guarantee leaves out, as a sentence to follow it (empty where
/// nothing is): the portfolios undecided at `--max-replications`, whose
/// feasibility could not be told, and of them those whose mean objective
/// over phases 1-2 was better than the selection's, which a planner may
/// want to run further.
pub(super) fn left_out(
    s: &Settings,
    portfolios: &[PortfolioDoc],
    selected: Option<usize>,
) -> String {
    let undecided: Vec<&PortfolioDoc> =
        portfolios.iter().filter(|p| p.status == "undecided").collect();
    if undecided.is_empty() {
        return String::new();
    }
    let list = |ps: &[&PortfolioDoc]| {
        ps.iter().map(|p| p.index.to_string()).collect::<Vec<_>>().join(", ")
    };
    let mean = |p: &PortfolioDoc| p.objective.as_ref().map(|o| o.mean);
    let chosen = selected.and_then(|i| portfolios.get(i)).and_then(mean);
    // Where a constraint's values have not varied, more replications decide
    // nothing unless one differs: "run them further" is not the advice.
    let flat = |p: &PortfolioDoc| -> Vec<usize> {
        p.constraints.iter().enumerate().filter(|(_, t)| t.no_spread).map(|(j, _)| j).collect()
    };
    let flat: Vec<(&PortfolioDoc, Vec<usize>)> =
        undecided.iter().map(|&p| (p, flat(p))).filter(|(_, js)| !js.is_empty()).collect();
    let better: Vec<&PortfolioDoc> = undecided
        .iter()
        .copied()
        .filter(|p| flat.iter().all(|(f, _)| f.index != p.index))
        .filter(|p| match (mean(p), chosen) {
            // Better: larger when maximised, smaller when minimised.
            (Some(m), Some(c)) => (m > c) == s.maximize && m != c,
            _ => false,
        })
        .collect();
    let (n, noun) =
        (undecided.len(), if undecided.len() == 1 { "portfolio" } else { "portfolios" });
    let mut text = format!(
        " It does not cover the {n} {noun} undecided at --max-replications ({}), whose \
         feasibility could not be told",
        list(&undecided)
    );
    if !better.is_empty() {
        let which = if better.len() == 1 { "portfolio" } else { "portfolios" };
        text.push_str(&format!(
            "; of them, {which} {} had a better mean {} than the selection over their screening \
             and OCBA replications: run them further (a larger --max-replications) before ruling \
             them out",
            list(&better),
            s.objective
        ));
    }
    if !flat.is_empty() {
        let ps: Vec<&PortfolioDoc> = flat.iter().map(|(p, _)| *p).collect();
        let mut js: Vec<usize> = flat.iter().flat_map(|(_, js)| js.iter().copied()).collect();
        js.sort_unstable();
        js.dedup();
        let named: Vec<String> =
            js.iter().filter_map(|&j| s.constraints.get(j)).map(|c| format!("`{c}`")).collect();
        let (which, verb) =
            if ps.len() == 1 { ("portfolio", "was") } else { ("portfolios", "were") };
        text.push_str(&format!(
            "; {which} {} {verb} undecided because {} did not vary over their replications, and \
             a mean without spread is bounded only by its KPI's range: more replications decide \
             it only if a value differs (where the condition is about how often, state it as a \
             probability constraint, P(KPI OP x)>=p, which the share of years settles)",
            list(&ps),
            named.join(", ")
        ));
    }
    text.push('.');
    text
}

/// The sentence, to follow the guarantee, that the portfolios `same` as an
/// earlier one share its result and standing, which the statement's counts
/// leave out (empty where there are none).
pub(super) fn same_models(portfolios: &[PortfolioDoc]) -> String {
    let same = portfolios.iter().filter(|p| p.same_as.is_some()).count();
    match same {
        0 => String::new(),
        1 => " One portfolio is the same model as an earlier one (status same) and shares its \
              result and standing; this statement's counts leave it out."
            .to_string(),
        n => format!(
            " {n} portfolios are the same model as an earlier one (status same) and share its \
             result and standing; this statement's counts leave them out."
        ),
    }
}

/// What the selection's probability is a probability of, said with it
/// (docs/optimize.md, "Assumptions"), for an objective that is a KPI.
const WITHIN_THE_MODEL: &str = "The probability is the model's, and approximate: the \
     scenario's prices and assumptions (value of time, demurrage, lost cargo) decide which is \
     best, and the procedure takes each portfolio's replications as normal, which rare, large \
     costs such as a lost vessel make less true; a larger --n0 makes it more reliable";

/// The same for an objective that is a probability, `P(KPI OP NUMBER)`,
/// whose replications are 0 or 1.
const WITHIN_THE_MODEL_P: &str = "The probability is the model's, and approximate: the \
     scenario's assumptions decide which is best, and the procedure takes each portfolio's \
     replications as normal, which the 0s and 1s of a probability are not; a larger --n0 makes \
     it more reliable";

pub(super) fn guarantee(
    study: &Study,
    s: &Settings,
    run: &Run,
    units: &BTreeMap<String, String>,
) -> GuaranteeDoc {
    let undecided = run.standing.iter().filter(|&&st| st == Standing::Undecided).count();
    let scope = match (run.shortlist.len() == run.feasible, undecided) {
        (true, 0) => "all feasible".to_string(),
        (true, u) => format!(
            "the {} portfolios declared feasible; {u} undecided at the cap are not covered",
            run.feasible
        ),
        (false, 0) => {
            format!("shortlist of {} out of {} feasible", run.shortlist.len(), run.feasible)
        }
        (false, u) => format!(
            "shortlist of {} out of {} declared feasible; {u} undecided at the cap are not covered",
            run.shortlist.len(),
            run.feasible
        ),
    };
    let cap_hit = run.kn.as_ref().is_some_and(|o| o.cap_hit);
    let unit = units
        .get(s.objective.kpi())
        .filter(|_| !s.objective.is_probability())
        .cloned()
        .unwrap_or_default();
    let delta = format!("{} {unit}", short_number(s.delta)).trim_end().to_string();
    let confidence = format!("{}%", short_number(100.0 * (1.0 - s.alpha)));
    let statement = match run.kn.as_ref() {
        None => "No portfolio was shown to be feasible: nothing is selected.".to_string(),
        Some(o) if o.cap_hit => format!(
            "KN reached --max-replications ({}) with several portfolios still in contention; \
             the best mean among them is reported, WITHOUT the guarantee.",
            s.max_replications
        ),
        Some(o) if !o.tied.is_empty() => {
            let tied: Vec<String> = o.tied.iter().map(|&l| run.shortlist[l].to_string()).collect();
            let (noun, verb) =
                if tied.len() == 1 { ("portfolio", "") } else { ("portfolios", " each") };
            format!(
                "Portfolio {} ({}) is reported for its position among the portfolios with the \
                 best mean {}, WITHOUT the guarantee: its first --n0 ({}) replications gave \
                 exactly the values of {noun} {}{verb}, so their differences have no variance to \
                 estimate and the procedure cannot tell them apart (a 0/1 objective with the \
                 same outcome in every replication, or a cost the decisions did not move in \
                 those years); raise --n0, and if they still match, they are alike on this \
                 objective as far as the replications tell, and their costs (the Pareto table) \
                 decide between them; or choose an objective that is not 0/1.",
                run.shortlist[o.selected],
                study.describe_point(run.shortlist[o.selected]),
                s.objective,
                s.n0,
                tied.join(", ")
            )
        }
        Some(o) if !o.constant_gaps.is_empty() => {
            let pairs: Vec<String> = o
                .constant_gaps
                .iter()
                .take(4)
                .map(|&(i, l)| format!("{} and {}", run.shortlist[i], run.shortlist[l]))
                .chain((o.constant_gaps.len() > 4).then(|| "...".to_string()))
                .collect();
            format!(
                "Portfolio {} ({}) is reported for its position among the portfolios with the \
                 best mean {}, WITHOUT the guarantee: over the first --n0 ({}) replications, \
                 portfolios {} differed on it by the same amount in every replication, so their \
                 difference had no variance to estimate and the procedure decided between them \
                 on that gap at once, which the guarantee (normal differences) does not cover. \
                 If what sets them apart changes nothing but a cost fixed by the decisions (a \
                 lever that does not bind), the gap is all there is and the choice stands; if a \
                 rare cost (a loss, a closure) could still set them apart, raise --n0.",
                run.shortlist[o.selected],
                study.describe_point(run.shortlist[o.selected]),
                s.objective,
                s.n0,
                pairs.join("; ")
            )
        }
        Some(o) => {
            let p = run.shortlist[o.selected];
            let feasible_part = if s.constraints.is_empty() {
                ""
            } else {
                ", and declares every portfolio's feasibility correctly (the feasibility tests \
                 and the selection share alpha)"
            };
            if run.shortlist.len() == 1 && run.feasible > 1 {
                format!(
                    "Portfolio {p} ({}) has the best mean {} of the {} feasible portfolios on the \
                     OCBA data, but with a shortlist of one there is no selection stage and so \
                     NO guarantee that it is the best.",
                    study.describe_point(p),
                    s.objective,
                    run.feasible
                )
            } else if run.shortlist.len() == 1 && s.constraints.is_empty() {
                let pruned = run.standing.iter().filter(|&&st| st == Standing::Pruned).count();
                let why = if pruned > 0 {
                    " (--budget or --outlay pruned the others before any replication)"
                } else {
                    ""
                };
                format!(
                    "Portfolio {p} ({}) is the only portfolio left{why}: with no constraint there \
                     is nothing to test and no choice to make, so there is no statistical \
                     guarantee to state.",
                    study.describe_point(p)
                )
            } else if run.shortlist.len() == 1 {
                format!(
                    "Portfolio {p} ({}) is the only portfolio declared feasible, selected without \
                     further replications; the feasibility tests are right with probability at \
                     least {confidence}.",
                    study.describe_point(p)
                )
            } else {
                let set = if run.shortlist.len() == run.feasible {
                    format!("{} feasible", run.feasible)
                } else {
                    format!("{} shortlisted (of {} feasible)", run.shortlist.len(), run.feasible)
                };
                format!(
                    "Portfolio {p} ({}) is selected by a procedure that, with probability at least \
                     {confidence}, picks the portfolio with the best mean {} among the {set} \
                     portfolios whenever that one beats every other by at least {delta}{feasible_part}; \
                     portfolios closer to it than that are listed as contenders. {within} \
                     (here --n0 {}).",
                    study.describe_point(p),
                    s.objective,
                    s.n0,
                    within = if s.objective.is_probability() {
                        WITHIN_THE_MODEL_P
                    } else {
                        WITHIN_THE_MODEL
                    },
                )
            }
        }
    };
    GuaranteeDoc {
        alpha: s.alpha,
        delta: s.delta,
        guarantee_scope: scope,
        cap_hit,
        // One portfolio chosen by OCBA's means alone, out of several feasible
        // ones, has no selection guarantee; the only one left with no
        // constraint to test has none to state.
        holds: run.kn.as_ref().is_some_and(|o| o.tied.is_empty() && o.constant_gaps.is_empty())
            && !cap_hit
            && (run.shortlist.len() > 1 || (run.feasible == 1 && !s.constraints.is_empty())),
        statement,
    }
}

#[cfg(test)]
mod tests {
    use super::super::document::PhaseCounts;
    use super::*;
    use crate::stats::Summary;

    fn portfolio(index: usize, status: &str, mean: f64) -> PortfolioDoc {
        PortfolioDoc {
            index,
            decisions: BTreeMap::new(),
            capital_per_year: 0.0,
            outlay: 0.0,
            status: status.to_string(),
            same_as: None,
            eliminated_at_stage: None,
            replications: PhaseCounts::default(),
            objective: Some(Summary::of(&[mean, mean])),
            constraints: Vec::new(),
        }
    }

    /// The guarantee names the portfolios undecided at the cap, which it
    /// does not cover, and those of them whose mean beat the selection's.
    #[test]
    fn the_guarantee_names_what_it_leaves_out() {
        let cost = Settings::for_tests("cost.total_per_year", false);
        let all = [
            portfolio(0, "infeasible", 1.0),
            portfolio(1, "undecided", 5.0),
            portfolio(2, "selected", 4.0),
            portfolio(3, "undecided", 3.0),
        ];
        assert_eq!(
            left_out(&cost, &all, Some(2)),
            " It does not cover the 2 portfolios undecided at --max-replications (1, 3), whose \
             feasibility could not be told; of them, portfolio 3 had a better mean \
             cost.total_per_year than the selection over their screening and OCBA replications: \
             run them further (a larger --max-replications) before ruling them out."
        );
        // Maximised, the better mean is the larger.
        let level = Settings::for_tests("service_level.wagons", true);
        assert!(left_out(&level, &all, Some(2)).contains("of them, portfolio 1 had"));
        // Nothing undecided, nothing to say.
        assert_eq!(left_out(&cost, &[], None), "");
        assert_eq!(left_out(&cost, &[portfolio(0, "selected", 1.0)], Some(0)), "");
    }

    /// A portfolio undecided because a mean constraint's values never
    /// varied is not told to run further: more replications decide it only
    /// if a value differs.
    #[test]
    fn a_constraint_without_spread_is_named_not_run_further() {
        use super::super::constraint::{Constraint, Verdict};
        let mut cost = Settings::for_tests("cost.total_per_year", false);
        cost.constraints = vec![
            Constraint::parse("service_level.wagons>=0.9").unwrap(),
            Constraint::parse("transit_h.wagons.mean<=72").unwrap(),
        ];
        let constant =
            Constraint::parse("transit_h.wagons.mean<=72").unwrap().test(&[50.0; 40], 0.01);
        assert!(constant.no_spread && constant.verdict == Verdict::Undecided, "{constant:?}");
        let varied =
            Constraint::parse("transit_h.wagons.mean<=72").unwrap().test(&[50.0, 90.0], 0.01);
        assert!(!varied.no_spread, "{varied:?}");
        let mut flat = portfolio(3, "undecided", 3.0);
        flat.constraints = vec![varied, constant];
        let all = [portfolio(1, "undecided", 2.0), portfolio(2, "selected", 4.0), flat];
        let text = left_out(&cost, &all, Some(1));
        assert!(text.contains("of them, portfolio 1 had a better mean"), "{text}");
        assert!(!text.contains("portfolios 1, 3 had"), "{text}");
        assert!(
            text.contains(
                "portfolio 3 was undecided because `transit_h.wagons.mean<=72` did not vary"
            ),
            "{text}"
        );
    }
}
