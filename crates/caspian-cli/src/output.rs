//! Showing and saving results of runs and sweeps (shared by `run`, `sweep`
//! and `merge`, which produce the same documents).

use std::path::Path;

use caspian_montecarlo::checkpoint::CheckpointHeader;
use caspian_montecarlo::document::{
    KpiTable, KpiUnits, RunDoc, Saturation, StudyHeader, StudyKind, SweepDoc,
};
use caspian_montecarlo::records::PointRecords;
use caspian_montecarlo::sequential::TargetReport;
use caspian_montecarlo::shard::Shard;
use caspian_montecarlo::stats::Summary;
use caspian_montecarlo::study::Study;
use caspian_montecarlo::{select, tidy};

use crate::common::{csv_failure, csv_num, csv_writer, finish_csv};
use crate::failure::Failure;
use crate::table::{self, num};

/// One line of a KPI table: a group's heading, or a KPI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Line {
    /// `headline`, or a family's pattern and meaning.
    Heading(String),
    /// A KPI's name.
    Kpi(String),
}

/// What a KPI table shows: the headline KPIs first, then the others
/// grouped by family (in the order of the KPI schema), as rows of KPI
/// names under one-cell headings; and how many were hidden.
#[derive(Debug, Default)]
pub(crate) struct Arranged {
    /// Headings and KPIs, in display order.
    pub(crate) rows: Vec<Line>,
    /// KPIs left out because they are void ([`Arranged::hidden_line`]).
    pub(crate) hidden: usize,
}

impl Arranged {
    /// The line saying how many KPIs were hidden and why (`where_` says
    /// where they were void, e.g. "in every replication"), if any were.
    pub(crate) fn hidden_line(&self, where_: &str) -> Option<String> {
        (self.hidden > 0).then(|| {
            format!(
                "{} KPI{} hidden: zero or undefined {where_} (`--all` shows them)\n",
                self.hidden,
                if self.hidden == 1 { "" } else { "s" }
            )
        })
    }

    /// The table rows: a heading as a one-cell row, a KPI as `row(name)`.
    pub(crate) fn table_rows(&self, row: impl Fn(&str) -> Vec<String>) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| match r {
                Line::Kpi(name) => row(name),
                Line::Heading(heading) => vec![heading.clone()],
            })
            .collect()
    }
}

/// Arranges the KPIs `kpis` (name and mean, in name order) for a table:
/// those matching `patterns` (all when empty), headline KPIs first
/// ([`caspian_montecarlo::schema`]'s `headline`), then the others by
/// family. Unless `all`, a KPI that is `void` (zero or undefined
/// throughout) is hidden, except a headline KPI ("no loss" is a finding)
/// and a KPI named exactly by a pattern.
pub(crate) fn arrange(
    kpis: &[(&str, f64)],
    void: impl Fn(&str) -> bool,
    patterns: &[String],
    all: bool,
) -> Arranged {
    use caspian_montecarlo::headline;
    use caspian_montecarlo::schema::{FAMILIES, family_of};
    let wanted = |k: &str| patterns.is_empty() || patterns.iter().any(|p| select::matches(p, k));
    let named = |k: &str| patterns.iter().any(|p| p == k);
    let top: Vec<&str> = headline(kpis.iter().copied()).into_iter().filter(|k| wanted(k)).collect();
    let mut out = Arranged::default();
    if !top.is_empty() {
        out.rows.push(Line::Heading("headline".into()));
        out.rows.extend(top.iter().map(|k| Line::Kpi((*k).to_string())));
    }
    let rest: Vec<&str> = kpis
        .iter()
        .map(|&(k, _)| k)
        .filter(|k| wanted(k) && !top.contains(k))
        .filter(|k| {
            let keep = all || named(k) || !void(k);
            out.hidden += usize::from(!keep);
            keep
        })
        .collect();
    for family in FAMILIES.iter().map(Some).chain([None]) {
        let members: Vec<&&str> = rest
            .iter()
            .filter(|k| family_of(k).map(|f| f.pattern) == family.map(|f| f.pattern))
            .collect();
        if members.is_empty() {
            continue;
        }
        out.rows.push(Line::Heading(
            family.map_or_else(
                || "other".to_string(),
                |f| format!("{}: {}", f.pattern, f.description),
            ),
        ));
        out.rows.extend(members.into_iter().map(|k| Line::Kpi((*k).to_string())));
    }
    out
}

/// Whether a summary is of a KPI zero or undefined in every replication.
pub(crate) fn void(s: &Summary) -> bool {
    s.n == 0 || (s.mean == 0.0 && (s.sd == 0.0 || s.n == 1))
}

/// Checks `--kpi` patterns against the KPIs there are: a pattern matching
/// none is bad input (exit 2), with the closest names.
pub(crate) fn check_kpi_patterns(patterns: &[String], names: &[String]) -> Result<(), Failure> {
    select::check_patterns("--kpi", patterns, names).map_err(|e| Failure::Input(e.to_string()))
}

/// The KPI table of a run, limited to `patterns` (all when empty), with
/// the rare-event table and the `--target` probabilities; void KPIs are
/// hidden unless `all`.
pub(crate) fn run_table(doc: &RunDoc, patterns: &[String], all: bool) -> String {
    let mut out = format!(
        "scenario \"{}\" ({}), seed {}, {} replications\n\n",
        doc.scenario, doc.source, doc.seed, doc.replications
    );
    let means: Vec<(&str, f64)> = doc.kpis.iter().map(|(k, s)| (k.as_str(), s.mean)).collect();
    let shown = arrange(&means, |k| doc.kpis.get(k).is_some_and(|s| void(s)), patterns, all);
    let rows = shown.table_rows(|k| {
        let s = &doc.kpis[k];
        table::summary_row(k, &s.unit, s)
    });
    out.push_str(&table::render(&table::SUMMARY_HEADER, &rows));
    if let Some(line) = shown.hidden_line("in every replication") {
        out.push('\n');
        out.push_str(&line);
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

/// Writes a finished sweep's `--tidy-csv` from its checkpoint (`checkpoint`,
/// still on disk), which holds every replication of every design point:
/// one block per point, with the point's axis values.
pub(crate) fn write_sweep_tidy_csv(
    path: &Path,
    study: &Study,
    replications: u64,
    checkpoint: &Path,
    doc: &SweepDoc,
) -> Result<(), Failure> {
    let head = CheckpointHeader {
        kind: "checkpoint".into(),
        shard: Shard { index: 0, count: 1 },
        header: StudyHeader::of(study, StudyKind::Sweep, replications),
    };
    let (mut records, _) = caspian_montecarlo::checkpoint::load(checkpoint, &head)
        .map_err(|e| Failure::Internal(format!("reading back the sweep's records: {e}")))?;
    for rec in &mut records {
        rec.truncate(usize::try_from(doc.replications).unwrap_or(usize::MAX));
    }
    let keys: Vec<String> = doc.axes.iter().map(|a| a.key.to_string()).collect();
    let points: Vec<Vec<f64>> = doc.points.iter().map(|p| p.values.clone()).collect();
    let units = doc.points.first().map(|p| units_of(&p.kpis)).unwrap_or_default();
    write_sweep_records_tidy_csv(path, &doc.scenario, &keys, &points, &records, &units)
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

/// [`sweep_table`] of the KPIs matching `patterns`, less those zero or
/// undefined in every replication of every design point (unless `all`, or
/// named exactly), with a line saying how many were hidden.
pub(crate) fn sweep_table_shown(doc: &SweepDoc, patterns: &[String], all: bool) -> String {
    let names: Vec<&String> = doc.points.first().map_or_else(Vec::new, |p| {
        p.kpis.keys().filter(|k| patterns.iter().any(|pat| select::matches(pat, k))).collect()
    });
    let void_everywhere =
        |k: &str| doc.points.iter().all(|p| p.kpis.get(k).is_none_or(|s| void(s)));
    let (shown, hidden): (Vec<&String>, Vec<&String>) = names
        .into_iter()
        .partition(|k| all || patterns.iter().any(|p| p == *k) || !void_everywhere(k));
    let exact: Vec<String> = shown.into_iter().cloned().collect();
    let mut out = sweep_table(doc, &exact);
    let count = Arranged { rows: Vec::new(), hidden: hidden.len() };
    if let Some(line) = count.hidden_line("in every replication of every point") {
        out.push('\n');
        out.push_str(&line);
    }
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
