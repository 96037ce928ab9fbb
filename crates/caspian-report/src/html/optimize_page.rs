//! The report of an optimisation (`caspian optimize --report`): the
//! guarantee, the selected portfolio with its KPI intervals, the portfolios
//! as good as it within the guarantee (not told apart, or within delta),
//! the next best feasible portfolio and what separates the two, the
//! feasible Pareto set, the replications spent per phase and every
//! portfolio's status. Tables only.

use std::fmt::Write as _;

use caspian_montecarlo::optimize::document::decisions_text as decisions;
use caspian_montecarlo::optimize::document::{
    CONTENDER_HEADER, OptimizeDoc, PARETO_HEADER, RUNNER_UP_HEADER,
};

use super::page::{Page, SUMMARY_HEADER, summary_row, upper_first};
use super::{Report, esc};
use crate::units::fmt_num;

/// The report page of an optimisation document.
pub fn optimize_report(d: &OptimizeDoc) -> Report {
    let mut page = Page { body: String::new(), charts: 0 };
    let p = &d.problem;
    let title = format!("caspian-sim optimisation report: {}", p.scenario);
    let _ = writeln!(page.body, "<h1>{}</h1>", esc(&title));
    page.h2("guarantee", "Guarantee");
    page.note(&d.guarantee.statement);
    page.facts(&[
        ("objective", format!("{} {}", p.direction, p.objective)),
        (
            "constraints",
            if p.constraints.is_empty() { "none".into() } else { p.constraints.join("; ") },
        ),
        ("budget", p.budget.map_or("none".into(), |b| format!("{} {}/yr", fmt_num(b), p.currency))),
        (
            "outlay allowed",
            p.outlay.map_or("none".into(), |b| format!("{} {}", fmt_num(b), p.currency)),
        ),
        ("alpha, delta", format!("{}, {}", p.alpha, fmt_num(p.delta))),
        ("scope", d.guarantee.guarantee_scope.clone()),
        ("cap hit", d.guarantee.cap_hit.to_string()),
    ]);
    page.warnings(&d.warnings);
    page.h2("selected", "Selected portfolio");
    match &d.selected {
        Some(s) => {
            page.note(&format!(
                "Portfolio {} ({}): capital {} {cur}/yr, outlay {} {cur} beyond the scenario as \
                 given; its KPIs over {} {}.",
                s.index,
                decisions(&s.decisions),
                fmt_num(s.capital_per_year),
                fmt_num(s.outlay),
                s.n,
                s.data,
                cur = d.problem.currency
            ));
            let rows: Vec<Vec<String>> = s.kpis.iter().map(|(k, v)| summary_row(k, v)).collect();
            page.table(&SUMMARY_HEADER, &rows, &[]);
            for line in d.selected_feasibility(fmt_num) {
                page.note(&format!("{}.", upper_first(&line)));
            }
            for n in &s.notes {
                page.note(&format!("{}.", upper_first(n)));
            }
        }
        None => page.note("No portfolio was shown to be feasible: nothing is selected."),
    }
    let each = |xs: &[f64]| -> Vec<String> { xs.iter().map(|&x| fmt_num(x)).collect() };
    if d.selected.is_some() {
        page.h2("contenders", "As good as it within the guarantee");
        let others = d
            .portfolios
            .iter()
            .filter(|q| ["feasible", "shortlisted", "eliminated"].contains(&q.status.as_str()))
            .count();
        match (d.contenders.is_empty(), others) {
            (false, _) => page.table(&CONTENDER_HEADER, &d.contender_rows(each), &[]),
            (true, 0) => page.note("None: it is the only feasible portfolio."),
            (true, 1) => page.note(
                "None: the other feasible portfolio differs from it significantly and by more \
                 than delta.",
            ),
            (true, n) => page.note(&format!(
                "None: each of the other {n} feasible portfolios differs from it significantly \
                 and by more than delta."
            )),
        }
    }
    if let Some(r) = &d.runner_up {
        page.h2("runner-up", "Next best feasible portfolio");
        page.note(&format!("{}.", upper_first(&r.intro())));
        page.table(&RUNNER_UP_HEADER, &r.rows(each), &[]);
        if let Some(note) = r.rests_on_note() {
            page.note(&format!("{}.", upper_first(&note)));
        }
        for note in &r.notes {
            page.note(&format!("{}.", upper_first(note)));
        }
    }
    page.h2("pareto", "Feasible Pareto set");
    page.note(&format!(
        "{}: means over each portfolio's screening and OCBA replications, not the \
         selection's.",
        d.pareto_measures()
    ));
    page.table(&PARETO_HEADER, &d.pareto_rows(each), &[]);
    page.h2("replications", "Replications spent");
    let r = &d.replications;
    page.facts(&[
        ("screening", r.screening.to_string()),
        ("OCBA", r.ocba.to_string()),
        ("selection (KN)", r.selection.to_string()),
        ("computed, not used", r.selection_discarded.to_string()),
        ("total", r.total.to_string()),
    ]);
    page.h2("portfolios", "Every portfolio");
    let rows: Vec<Vec<String>> = d
        .portfolios
        .iter()
        .map(|q| {
            let status = match (q.eliminated_at_stage, q.same_as) {
                (Some(r), _) => format!("{} at stage {r}", q.status),
                (None, Some(first)) => format!("same model as {first}"),
                (None, None) => q.status.clone(),
            };
            vec![
                q.index.to_string(),
                decisions(&q.decisions),
                fmt_num(q.capital_per_year),
                fmt_num(q.outlay),
                status,
                q.objective.map_or("-".into(), |o| fmt_num(o.mean)),
                (q.replications.screening + q.replications.ocba + q.replications.selection)
                    .to_string(),
            ]
        })
        .collect();
    page.table(
        &[
            "portfolio",
            "decisions",
            "capital/yr",
            "outlay",
            "status",
            "objective mean",
            "replications",
        ],
        &rows,
        &[],
    );
    page.note(&d.method_note);
    page.provenance(&d.provenance, &[("seed", p.seed.to_string())]);
    page.finish(&title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_is_one_self_contained_page_with_every_section() {
        let json = include_str!("optimize_page_test.json");
        let doc = OptimizeDoc::from_json(json).unwrap();
        let r = optimize_report(&doc);
        assert!(r.html.starts_with("<!DOCTYPE html>") && !r.html.contains("<script"));
        assert!(r.html.contains(&esc(&doc.guarantee.statement)));
        assert_eq!(r.html.matches("<h2 ").count(), 7);
        assert!(r.html.contains("id=\"provenance\""));
    }

    #[test]
    fn the_selections_notes_are_shown_under_it() {
        let json = include_str!("optimize_page_test.json");
        let mut doc = OptimizeDoc::from_json(json).unwrap();
        assert!(!optimize_report(&doc).html.contains("capacity not yet built"));
        let note = "the selected portfolio has less than the scenario as written of x's capacity \
                    (1 against 2): ... which holds only where that capacity is not yet built";
        doc.selected.as_mut().unwrap().notes.push(note.to_string());
        let html = optimize_report(&doc).html;
        assert!(html.contains(&esc(&format!("{}.", upper_first(note)))), "{html}");
    }

    /// The Pareto section names each measure with its own way (the
    /// objective's, the measure's), and the page gives the outlay: the
    /// problem's limit, the selection's and each portfolio's.
    #[test]
    fn the_pareto_measures_and_the_outlay_are_shown() {
        let json = include_str!("optimize_page_test.json");
        let mut doc = OptimizeDoc::from_json(json).unwrap();
        assert_eq!(
            doc.pareto_measures(),
            "cost.total_per_year (minimized) against P(anchorage_wait_h.mmc.tanker<=1) \
             (maximized)"
        );
        doc.problem.outlay = Some(1.5e8);
        doc.selected.as_mut().unwrap().outlay = 1.25e8;
        let html = optimize_report(&doc).html;
        assert!(html.contains(&esc(&doc.pareto_measures())), "{html}");
        assert!(html.contains("150,000,000 USD"), "{html}");
        assert!(html.contains("outlay 125,000,000 USD beyond the scenario as given"), "{html}");
        assert!(html.contains("<th>outlay</th>"), "{html}");
    }
}
