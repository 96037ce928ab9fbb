//! Real result documents for the tests: small studies of the shipped
//! scenarios, run here and passed through JSON as the CLI writes them.

use caspian_montecarlo::compare::{CompareRequest, compare_doc};
use caspian_montecarlo::document::{
    CompareDoc, Document, RunDoc, StudyHeader, StudyKind, SweepDoc, kpi_units, run_doc, sweep_doc,
};
use caspian_montecarlo::execute::Executor;
use caspian_montecarlo::records::PointRecords;
use caspian_montecarlo::study::Study;

use crate::input::{Replications, ResultDoc};

const SEVERE: &str = include_str!("../../../scenarios/severe_winter.toml");

fn records(study: &Study, n: u64) -> Vec<PointRecords> {
    let mut exec = Executor::new(study, study.seed, 0);
    exec.ensure(n, &|| {}, &mut |_, _, _| Ok(())).expect("replications run");
    exec.into_records(n)
}

/// Through JSON and back, as `caspian plot` reads it.
fn roundtrip(doc: Document) -> ResultDoc {
    ResultDoc::from_json(&doc.to_json().unwrap()).unwrap()
}

/// A run of the baseline with its per-replication values (as the CSV).
pub(crate) fn run(n: u64) -> (RunDoc, Replications) {
    let study = Study::single(caspian_montecarlo::BASELINE_TOML, "baseline", None).unwrap();
    let rec = records(&study, n).swap_remove(0);
    let units = kpi_units(&study.plan, &rec.kpi_names);
    let doc = run_doc(&StudyHeader::of(&study, StudyKind::Run, n), &rec, &units, None);
    let ResultDoc::Run(doc) = roundtrip(Document::Run(doc)) else { panic!("a run") };
    (*doc, Replications::from_records(&rec))
}

/// The baseline's own sweep (3 x 3 x 3 points).
pub(crate) fn sweep(n: u64) -> SweepDoc {
    let text = caspian_montecarlo::BASELINE_TOML;
    let study = Study::sweep(text, "baseline", None, Vec::new(), None).unwrap();
    let rec = records(&study, n);
    let units = kpi_units(&study.plan, &rec[0].kpi_names);
    let doc = sweep_doc(&StudyHeader::of(&study, StudyKind::Sweep, n), rec, &units, None);
    let ResultDoc::Sweep(doc) = roundtrip(Document::Sweep(doc)) else { panic!("a sweep") };
    *doc
}

/// A Latin hypercube of `samples` points over the baseline's sweep axes.
pub(crate) fn latin(samples: u32, n: u64) -> SweepDoc {
    let text = caspian_montecarlo::BASELINE_TOML;
    let study = Study::sweep(text, "baseline", None, Vec::new(), Some(samples)).unwrap();
    let rec = records(&study, n);
    let units = kpi_units(&study.plan, &rec[0].kpi_names);
    let doc = sweep_doc(&StudyHeader::of(&study, StudyKind::Sweep, n), rec, &units, None);
    let ResultDoc::Sweep(doc) = roundtrip(Document::Sweep(doc)) else { panic!("a sweep") };
    *doc
}

/// The baseline against the severe winter, as `caspian compare` builds it.
pub(crate) fn compare(n: u64) -> CompareDoc {
    compare_with(n, CompareRequest::default())
}

/// [`compare`] with rankings and a Pareto view as `request` asks.
pub(crate) fn compare_with(n: u64, request: CompareRequest) -> CompareDoc {
    let studies = [Study::single(caspian_montecarlo::BASELINE_TOML, "baseline", None).unwrap(), {
        let severe = caspian_montecarlo::resolve::resolve_shipped(SEVERE, "severe_winter.toml");
        Study::single(&severe.unwrap().text, "severe_winter.toml", None).unwrap()
    }];
    let plans: Vec<_> = studies.iter().map(|s| &s.plan).collect();
    let mut exec = Executor::new(plans, studies[0].seed, 0);
    exec.ensure(n, &|| {}, &mut |_, _, _| Ok(())).unwrap();
    let records = exec.into_records(n);
    let doc = compare_doc(&studies, studies[0].seed, &records, request);
    let ResultDoc::Compare(doc) = roundtrip(Document::Compare(doc)) else { panic!("a comparison") };
    *doc
}

/// Occurrences of `needle` in `haystack`.
pub(crate) fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}
