//! `caspian compare --one-off` and `--vulnerability`: each scenario run
//! again without some of its disruptions (its twin), what the twins
//! measure written into the comparison, their names in the tidy CSV, and
//! the vulnerability tables.

use caspian_montecarlo::direction::Overrides;
use caspian_montecarlo::document::{CompareDoc, RANKING_HEADER};
use caspian_montecarlo::journal::Journal;
use caspian_montecarlo::study::Study;
use caspian_montecarlo::twin::Without;

use crate::failure::Failure;
use crate::table::{self, num};

/// Runs the twins of `studies` (each `without` some of its disruptions)
/// for the comparison's replications and seed, on `pool` and with the
/// comparison's checkpoint (if any), writes what they measure
/// into `doc` (the valuation against the one-off event into its
/// economics, or the vulnerability on the total cost and the KPIs
/// matching `primary`, better in the directions `overrides` give), and
/// returns the twins' records (for the tidy CSV).
pub(crate) fn twins(
    doc: &mut CompareDoc,
    studies: &[Study],
    records: &[caspian_montecarlo::records::PointRecords],
    (pool, journal): (&caspian_montecarlo::pool::ThreadPool, Option<&mut Journal>),
    without: Without,
    (primary, overrides): (&[String], Overrides<'_>),
    tick: &(dyn Fn() + Sync),
) -> Result<Vec<caspian_montecarlo::records::PointRecords>, Failure> {
    use caspian_montecarlo::{one_off, twin, vulnerability};
    let (seed, n) = (doc.seed, doc.replications);
    let twins = pool.install(|| twin::run_twins(studies, without, seed, 0..n, tick, journal))?;
    match without {
        Without::Dated => {
            if let Some(e) = doc.economics.as_mut() {
                one_off::attach(e, studies, one_off::value(studies, records, &twins));
            }
        }
        Without::All => {
            let v = vulnerability::value(studies, records, &twins, primary, overrides);
            doc.vulnerability = Some(v);
        }
    }
    Ok(twins)
}

/// The scenarios' names for the tidy CSV, followed by those of the
/// `twins` (`NAME without the event`, `NAME without the disruptions`:
/// `without` says which): each its own, and a name that two share
/// followed by its position (`baseline [1]`), so that every block can be
/// told apart.
pub(crate) fn tidy_names(doc: &CompareDoc, twins: usize, without: &str) -> Vec<String> {
    let own = doc.scenarios.iter().map(|s| s.name.clone());
    let twins = doc.scenarios.iter().take(twins).map(|s| format!("{} without {without}", s.name));
    let names: Vec<String> = own.chain(twins).collect();
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if names.iter().filter(|m| *m == n).count() > 1 {
                format!("{n} [{i}]")
            } else {
                n.clone()
            }
        })
        .collect()
}

/// The tables of `--vulnerability`, with their titles, notes and
/// warnings.
pub(crate) fn vulnerability_table(
    doc: &CompareDoc,
    v: &caspian_montecarlo::vulnerability::Vulnerability,
) -> String {
    use caspian_montecarlo::vulnerability::EFFECT_HEADER;
    let names: Vec<&str> = doc.scenarios.iter().map(|s| s.name.as_str()).collect();
    let mut out = format!("\n{}\n", v.title());
    out.push_str(&table::render(&EFFECT_HEADER, &v.effect_rows(&names, num)));
    if !v.money.is_empty() {
        out.push_str(&format!("\n{}\n", v.money_title()));
        out.push_str(&table::render(v.money_header(), &v.money_rows(&names, num)));
    }
    if let Some(r) = &v.per_cost {
        out.push_str(&format!("\nranking on {} ({}):\n", r.kpi, r.direction.order_words()));
        out.push_str(&table::render(&RANKING_HEADER, &v.per_cost_rows(doc, num)));
        for note in doc.ranking_notes(r) {
            out.push_str(&format!("note: {note}\n"));
        }
    }
    for line in v.notes(&names) {
        out.push_str(&format!("note: {line}\n"));
    }
    for w in &v.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    out
}
