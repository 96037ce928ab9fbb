//! Showing and saving results of runs and sweeps (shared by `run`, `sweep`
//! and `merge`, which produce the same documents).

use std::path::Path;

use std::collections::BTreeMap;

use caspian_montecarlo::document::{KpiTable, KpiUnits, RunDoc, Saturation, SweepDoc, SweepPoint};
use caspian_montecarlo::records::PointRecords;
use caspian_montecarlo::sequential::TargetReport;
use caspian_montecarlo::sweep_stream::{SweepResult, SweepStream};
use caspian_montecarlo::{select, tidy};
use caspian_report::units::replications;

use crate::arrange::{Line, arrange, void};
use crate::common::{cannot_write, csv_failure, csv_num, csv_writer, finish_csv};
use crate::failure::Failure;
use crate::sink::Sink;
use crate::sweep_table::SweepTable;
use crate::table;

/// Checks `--kpi` patterns against the KPIs there are: a pattern matching
/// none is bad input (exit 2), with the closest names.
pub(crate) fn check_kpi_patterns(patterns: &[String], names: &[String]) -> Result<(), Failure> {
    select::check_patterns("--kpi", patterns, names).map_err(|e| Failure::Input(e.to_string()))
}

/// The KPI table of a run, limited to `patterns` (all when empty), with
/// the rare-event table and the `--target` probabilities; void KPIs are
/// hidden unless `all`.
pub(crate) fn run_table(doc: &RunDoc, patterns: &[String], all: bool) -> String {
    // A name and a source read from a result document (`merge`) stay on
    // their line, whatever a hand edit put in them.
    let mut out = format!(
        "scenario \"{}\" ({}), seed {}, {}\n",
        caspian_montecarlo::escape_invisible(&doc.scenario, |_| false),
        caspian_montecarlo::escape_invisible(&doc.source, |_| false),
        doc.seed,
        replications(doc.replications)
    );
    // What one replication's value is, and which columns are what.
    if let Some(w) = doc.window {
        let stopped = match doc.truncated_replications {
            0 => String::new(),
            n => format!(", but {n} stopped early by a safeguard cover less of it (see below)"),
        };
        out.push_str(&format!(
            "each replication: its reporting window, day {} to day {} ({} days; totals and \
             counts are over it{stopped}); 95% CI: of the mean; P5/P50/P95: across replications\n",
            table::num(w.warmup_days),
            table::num(w.horizon_days),
            table::num(w.horizon_days - w.warmup_days)
        ));
    }
    out.push('\n');
    let means: Vec<(&str, f64)> = doc.kpis.iter().map(|(k, s)| (k.as_str(), s.mean)).collect();
    let shown = arrange(&means, |k| doc.kpis.get(k).is_some_and(|s| void(k, s)), patterns, all);
    let rows = shown.table_rows(|k| {
        let s = &doc.kpis[k];
        table::summary_row(k, &s.unit, s)
    });
    out.push_str(&table::render(&table::SUMMARY_HEADER, &rows));
    if let Some(line) = shown.hidden_line("in every replication") {
        out.push('\n');
        out.push_str(&line);
    }
    let notes = shown.kpi_notes(|k| doc.kpi_notes(k));
    for line in notes {
        out.push_str(&line);
        out.push('\n');
    }
    let rare: Vec<Vec<String>> = shown
        .rows
        .iter()
        .filter_map(|r| match r {
            Line::Kpi(k) => Some(k),
            Line::Heading(_) => None,
        })
        .filter_map(|k| doc.kpis[k].rare.as_ref().map(|r| table::rare_row(k, doc.kpis[k].n, r)))
        .collect();
    if !rare.is_empty() {
        out.push_str(
            "\nrare events: replications with at least one (cargo lost: with any), P(>=1) with\n\
             its Wilson interval, events per replication (reporting window) with its exact\n\
             Poisson interval\n\n",
        );
        out.push_str(&table::render(&table::RARE_HEADER, &rare));
    }
    if !doc.targets.is_empty() {
        out.push_str(
            "\ntargets: the probability that a replication meets each condition, with its 95%\n\
             Wilson interval, over the n replications where the KPI is defined\n\n",
        );
        let rows: Vec<Vec<String>> = doc.targets.iter().map(table::target_row).collect();
        out.push_str(&table::render(&table::TARGET_HEADER, &rows));
        for t in &doc.targets {
            if let Some((low, high)) = t.bounds() {
                out.push_str(&format!(
                    "note: {}{}: {} more replications had an episode not recovered by the \
                     horizon, left out of n (their recovery is known only to exceed the time \
                     left, so whether they meet it is unknown); over all {}, P(meet) lies \
                     between {} and {}\n",
                    t.kpi,
                    t.condition,
                    t.unrecovered,
                    t.n + t.unrecovered,
                    table::num(low),
                    table::num(high)
                ));
            }
        }
    }
    out
}

/// Writes `--tidy-csv`: a header (with the swept `keys`), then `blocks`
/// one after the other, streamed into the file.
pub(crate) fn write_tidy_csv<'a>(
    path: &Path,
    keys: &[String],
    blocks: impl IntoIterator<Item = tidy::Block<'a>>,
) -> Result<(), Failure> {
    let mut w = csv_writer(path)?;
    let fail = |e: csv::Error| csv_failure(path, e);
    tidy::write_header(&mut w, keys).map_err(fail)?;
    for block in blocks {
        tidy::write_block(&mut w, &block).map_err(fail)?;
    }
    finish_csv(path, w)
}

/// Writes a sweep's `--tidy-csv` from its records: one block per design
/// point (`points[i]` its axis values, `records[i]` its replications), the
/// swept `keys` as columns. The points of a sweep differ in swept values
/// only, so one table of `units` serves them all.
pub(crate) fn write_sweep_records_tidy_csv(
    path: &Path,
    scenario: &str,
    keys: &[String],
    points: &[Vec<f64>],
    records: &[PointRecords],
    units: &KpiUnits,
) -> Result<(), Failure> {
    let blocks = points.iter().zip(records).enumerate().map(|(i, (values, records))| tidy::Block {
        scenario,
        point: Some(i),
        values,
        records,
        units,
    });
    write_tidy_csv(path, keys, blocks)
}

/// The unit of each KPI of a summary table.
pub(crate) fn units_of(kpis: &KpiTable) -> KpiUnits {
    kpis.iter().map(|(k, s)| (k.clone(), s.unit.clone())).collect()
}

/// Design points shown in the terminal table when the files hold them all
/// (`--json` or `--csv`); without a file, every point is shown.
pub(crate) const SHOWN_POINTS: usize = 1000;

/// What a sweep's results come to as they are written: the table, and the
/// counts its notes need.
pub(crate) struct SweepWritten {
    /// The terminal table.
    pub(crate) table: String,
    /// Replications stopped by a safeguard, over all points.
    pub(crate) truncated: u64,
    /// Each saturated waiting line (by name) with the points where it was.
    pub(crate) saturated: BTreeMap<String, Vec<usize>>,
}

/// Writes a sweep's results in point order from the calling thread (whose
/// output set the files join; `pool` summarises a few points per thread at
/// a time): the document into `json`, the long CSV into `csv`, and the
/// terminal table's rows. Both files appear only when complete.
pub(crate) fn write_sweep(
    result: &SweepResult,
    json: Option<&Path>,
    csv: Option<&Path>,
    patterns: &[String],
    all: bool,
    pool: &caspian_montecarlo::pool::ThreadPool,
) -> Result<SweepWritten, Failure> {
    let head = result.head();
    let files: Vec<&Path> = json.into_iter().chain(csv).collect();
    let limit = if files.is_empty() { usize::MAX } else { SHOWN_POINTS };
    let mut table = SweepTable::new(&head, result.len(), patterns, limit, all);
    let mut stream = match json {
        Some(path) => {
            let file = Sink::create(path)?;
            Some((path, SweepStream::begin(file, &head).map_err(|e| cannot_write(path, e))?))
        }
        None => None,
    };
    let mut rows = match csv {
        Some(path) => {
            let mut w = csv_writer(path)?;
            w.write_record(sweep_csv_header(&head)).map_err(|e| csv_failure(path, e))?;
            Some((path, w))
        }
        None => None,
    };
    let mut written =
        SweepWritten { table: String::new(), truncated: 0, saturated: BTreeMap::new() };
    for (point, text) in result.points_in_order(stream.is_some(), pool) {
        if let Some((path, s)) = &mut stream {
            let text = text.expect("asked for").map_err(|e| cannot_write(path, e))?;
            s.point_from_text(&text).map_err(|e| cannot_write(path, e))?;
        }
        if let Some((path, w)) = &mut rows {
            write_sweep_csv_rows(w, &point).map_err(|e| csv_failure(path, e))?;
        }
        table.push(&point);
        written.truncated += point.truncated_replications;
        for s in &point.saturation {
            written.saturated.entry(s.line.to_string()).or_default().push(point.index);
        }
    }
    if let Some((path, s)) = stream {
        let file = s.finish().map_err(|e| cannot_write(path, e))?;
        file.commit(path)?;
    }
    if let Some((path, w)) = rows {
        finish_csv(path, w)?;
    }
    written.table = table.render(&files);
    Ok(written)
}

/// The sentences of saturation warnings, one per waiting line.
pub(crate) fn sentences(saturation: &[Saturation]) -> Vec<String> {
    saturation.iter().map(ToString::to_string).collect()
}

/// What a result's target report counts its places by: a sweep's design
/// points, a comparison's scenarios; a run has one place, not named.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Places<'a> {
    None,
    Points,
    /// The comparison's scenario names, in order.
    Scenarios(&'a [&'a str]),
}

/// The notes of a sweep's results: its target's outcome, the truncated
/// replications and one line per saturated waiting line, naming the
/// points (the full text per point is in the JSON).
pub(crate) fn sweep_notes(result: &SweepResult, written: &SweepWritten) -> Vec<String> {
    let saturation: Vec<String> = written
        .saturated
        .iter()
        .map(|(line, points)| {
            let list: Vec<String> = points.iter().map(ToString::to_string).collect();
            format!(
                "{line} was still growing when the replication ended in some replications at {} \
                 of {} design points ({}): demand exceeded capacity there in those replications \
                 (e.g. after a vessel was lost, or while a closure or cut was still in effect at \
                 the horizon; details per point under `saturation` in the JSON)",
                points.len(),
                result.len(),
                list.join(", ")
            )
        })
        .collect();
    notes(result.target.as_ref(), Places::Points, written.truncated, &saturation)
}

/// Lines about sequential stopping, truncated replications and saturated
/// waiting lines, for stderr. Warnings start with "warning".
pub(crate) fn notes(
    target: Option<&TargetReport>,
    places: Places<'_>,
    truncated: u64,
    saturation: &[String],
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(t) = target {
        let worst = t.worst.as_ref().map_or_else(
            || "no KPI matched the primary patterns".to_string(),
            |w| {
                let at = match places {
                    Places::None => String::new(),
                    Places::Points => format!(" at point {}", w.point),
                    Places::Scenarios(names) => match names.get(w.point) {
                        Some(name) => format!(" in {name}"),
                        None => format!(" in scenario {}", w.point),
                    },
                };
                match &w.shortfall {
                    Some(short) => format!("worst: {}{at}: {short}", w.kpi),
                    None => format!("worst: {}{at} with {:.4}", w.kpi, w.rel_half_width),
                }
            },
        );
        // A target missed is a warning, said under -q too: a script that
        // asked for a precision must not take a silent success.
        out.push(format!(
            "{}target relative half-width {} {} after {} ({worst})",
            if t.met { "" } else { "warning: " },
            caspian_montecarlo::study::short_number(t.rel_half_width),
            if t.met { "met" } else { "NOT met within the budget" },
            replications(t.replications)
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
    let mut w = crate::common::csv_writer(path)?;
    caspian_montecarlo::replication_csv::write_into(rec, &mut w)
        .map_err(|e| crate::common::csv_failure(path, e))?;
    crate::common::finish_csv(path, w)
}

/// The columns of the sweep summary CSV, in long form: one row per
/// (design point, KPI), with the point's paired difference from the
/// reference point (empty at the reference).
fn sweep_csv_header(head: &SweepDoc) -> Vec<String> {
    let mut header = vec!["point".to_string()];
    header.extend(head.axes.iter().map(|a| a.key.to_string()));
    header.extend(
        [
            "kpi",
            "unit",
            "mean",
            "sd",
            "ci95_low",
            "ci95_high",
            "p05",
            "p50",
            "p95",
            "n",
            "diff_vs_reference",
            "diff_ci95_low",
            "diff_ci95_high",
        ]
        .map(String::from),
    );
    header
}

/// The rows of one design point in the sweep summary CSV.
fn write_sweep_csv_rows<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    p: &SweepPoint,
) -> Result<(), csv::Error> {
    for (k, s) in &p.kpis {
        let mut r = vec![p.index.to_string()];
        r.extend(p.values.iter().map(|v| v.to_string()));
        r.push(k.clone());
        r.push(s.unit.clone());
        r.extend([s.mean, s.sd, s.ci95_low, s.ci95_high, s.p05, s.p50, s.p95].map(csv_num));
        r.push(s.n.to_string());
        match p.differences.get(k) {
            Some(d) => r.extend([d.mean_diff, d.ci95_low, d.ci95_high].map(csv_num)),
            None => r.extend([String::new(), String::new(), String::new()]),
        }
        w.write_record(&r)?;
    }
    Ok(())
}
