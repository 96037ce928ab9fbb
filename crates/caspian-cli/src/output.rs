//! Showing and saving results of runs and sweeps (shared by `run`, `sweep`
//! and `merge`, which produce the same documents).

use std::path::Path;

use caspian_montecarlo::document::{RunDoc, Saturation, SweepDoc};
use caspian_montecarlo::records::PointRecords;
use caspian_montecarlo::select;
use caspian_montecarlo::sequential::TargetReport;

use crate::common::{csv_failure, csv_num, csv_writer, finish_csv};
use crate::failure::Failure;
use crate::table::{self, num};

/// The KPI table of a run, limited to `patterns` (all when empty).
pub(crate) fn run_table(doc: &RunDoc, patterns: &[String]) -> String {
    let mut out = format!(
        "scenario \"{}\" ({}), seed {}, {} replications\n\n",
        doc.scenario, doc.source, doc.seed, doc.replications
    );
    let shown: Vec<_> = doc
        .kpis
        .iter()
        .filter(|(k, _)| patterns.is_empty() || patterns.iter().any(|p| select::matches(p, k)))
        .collect();
    let rows: Vec<Vec<String>> =
        shown.iter().map(|(k, s)| table::summary_row(k, &s.unit, s)).collect();
    out.push_str(&table::render(&table::SUMMARY_HEADER, &rows));
    let rare: Vec<Vec<String>> = shown
        .iter()
        .filter_map(|(k, s)| s.rare.as_ref().map(|r| table::rare_row(k, s.n, r)))
        .collect();
    if !rare.is_empty() {
        out.push_str(
            "\nrare events: replications with at least one (cargo lost: with any), P(>=1) with\n\
             its Wilson interval, events per replication (reporting window) with its exact\n\
             Poisson interval\n\n",
        );
        out.push_str(&table::render(&table::RARE_HEADER, &rare));
    }
    out
}

/// The sweep table: one row per design point, with mean and CI half-width
/// of the KPIs matching `patterns`.
pub(crate) fn sweep_table(doc: &SweepDoc, patterns: &[String]) -> String {
    let mut out = format!(
        "sweep of \"{}\" ({}), seed {}, {} design points x {} replications (common random numbers)\n\n",
        doc.scenario,
        doc.source,
        doc.seed,
        doc.points.len(),
        doc.replications
    );
    let names: Vec<String> = doc.points.first().map_or_else(Vec::new, |p| {
        p.kpis
            .keys()
            .filter(|k| patterns.iter().any(|pat| select::matches(pat, k)))
            .cloned()
            .collect()
    });
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(doc.axes.iter().map(|a| a.key.to_string()));
    let first = doc.points.first();
    for n in &names {
        match first.and_then(|p| p.kpis.get(n)).map(|s| s.unit.as_str()) {
            Some(u) if !u.is_empty() => header.push(format!("{n} ({u})")),
            _ => header.push(n.clone()),
        }
        header.push("+-95%".into());
    }
    let rows: Vec<Vec<String>> = doc
        .points
        .iter()
        .map(|p| {
            let mut r = vec![p.index.to_string()];
            r.extend(p.values.iter().map(|v| num(*v)));
            for n in &names {
                let s = p.kpis.get(n);
                r.push(s.map_or("-".into(), |s| num(s.mean)));
                r.push(s.map_or("-".into(), |s| num(s.half_width())));
            }
            r
        })
        .collect();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    out.push_str(&table::render(&header_refs, &rows));
    out
}

/// The sentences of saturation warnings, one per waiting line.
pub(crate) fn sentences(saturation: &[Saturation]) -> Vec<String> {
    saturation.iter().map(ToString::to_string).collect()
}

/// Lines about sequential stopping, truncated replications and saturated
/// waiting lines, for stderr. Warnings start with "warning".
pub(crate) fn notes(
    target: Option<&TargetReport>,
    truncated: u64,
    saturation: &[String],
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(t) = target {
        let worst = t.worst.as_ref().map_or_else(
            || "no KPI matched the primary patterns".to_string(),
            |w| match &w.shortfall {
                Some(short) => format!("worst: {} at point {}: {short}", w.kpi, w.point),
                None => {
                    format!("worst: {} at point {} with {:.4}", w.kpi, w.point, w.rel_half_width)
                }
            },
        );
        out.push(format!(
            "target relative half-width {} {} after {} replications ({worst})",
            t.rel_half_width,
            if t.met { "met" } else { "NOT met within the budget" },
            t.replications
        ));
    }
    out.extend(saturation.iter().map(|w| format!("warning: saturated: {w}")));
    if truncated > 0 {
        out.push(format!(
            "warning: {truncated} replication(s) hit the scenario's max_events or max_waiting \
             safeguard and stopped \
             before the horizon; the system is probably saturated (demand above capacity), and \
             their KPIs cover less than the full horizon"
        ));
    }
    out
}

/// One row per replication: index, events, truncated, then every KPI (the
/// runner's per-replication CSV).
pub(crate) fn write_replications_csv(path: &Path, rec: &PointRecords) -> Result<(), Failure> {
    let bytes = caspian_montecarlo::replication_csv::write(rec)
        .map_err(|e| Failure::Internal(format!("CSV: {e}")))?;
    crate::common::write_file(path, &bytes)
}

/// The sweep summary in long form: one row per (design point, KPI).
pub(crate) fn write_sweep_csv(path: &Path, doc: &SweepDoc) -> Result<(), Failure> {
    let mut w = csv_writer(path)?;
    let mut header = vec!["point".to_string()];
    header.extend(doc.axes.iter().map(|a| a.key.to_string()));
    header.extend(
        ["kpi", "unit", "mean", "sd", "ci95_low", "ci95_high", "p05", "p50", "p95", "n"]
            .map(String::from),
    );
    let fail = |e: csv::Error| csv_failure(path, e);
    w.write_record(&header).map_err(fail)?;
    for p in &doc.points {
        for (k, s) in &p.kpis {
            let mut r = vec![p.index.to_string()];
            r.extend(p.values.iter().map(|v| v.to_string()));
            r.push(k.clone());
            r.push(s.unit.clone());
            r.extend([s.mean, s.sd, s.ci95_low, s.ci95_high, s.p05, s.p50, s.p95].map(csv_num));
            r.push(s.n.to_string());
            w.write_record(&r).map_err(fail)?;
        }
    }
    finish_csv(path, w)
}
