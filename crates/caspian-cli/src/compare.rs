//! `caspian compare`: policies against a base under common random numbers.

use std::path::PathBuf;

use clap::Args;

use caspian_montecarlo::compare::{CompareRequest, Direction, run_compare_with_records};
use caspian_montecarlo::document::{CompareDoc, Document, RANKING_HEADER};
use caspian_montecarlo::tidy;

use crate::common::{
    CommonArgs, EXTENDED, Named, Progress, check_files, csv_failure, csv_num, csv_writer,
    extended_files, finish_csv, note, pool, write_document,
};
use crate::failure::Failure;
use crate::table::{self, num};

#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// The base scenario, then the policies (TOML files; with --variant, none needed).
    #[arg(required = true, num_args = 1.., value_name = "SCENARIO")]
    scenarios: Vec<PathBuf>,
    /// A policy that is the base with values changed, named NAME (repeatable), e.g.
    /// berth3:port.alat.berths.rail_ferry=3 or more:fleet.ferries_kuryk_alat.count=5,fleet.oil_tankers.count=5.
    #[arg(long = "variant", value_name = "NAME:KEY=VALUE[,KEY=VALUE...]")]
    variants: Vec<String>,
    #[command(flatten)]
    common: CommonArgs,
    /// Rank KPIs matching PATTERN smallest-first (repeatable; others rank largest-first).
    #[arg(long, value_name = "PATTERN")]
    minimize: Vec<String>,
}

pub(crate) fn run(args: CompareArgs) -> Result<(), Failure> {
    let c = &args.common;
    let studies = crate::variant::studies(&args.scenarios, &args.variants, &c.set.set)?;
    let target = c.target.target(c.replications)?;
    if let Some(base) = studies.first() {
        crate::output::check_kpi_patterns(&c.kpis, base.plan.kpi_layout().names())?;
    }
    let report = crate::report::prepare_dir(c.report.as_deref(), false)?;
    let parents: Vec<PathBuf> = studies.iter().flat_map(|s| extended_files(&s.lineage)).collect();
    let mut inputs: Vec<Named<'_>> =
        args.scenarios.iter().map(|p| ("SCENARIO", Some(p.as_path()))).collect();
    inputs.extend(parents.iter().map(|p| (EXTENDED, Some(p.as_path()))));
    check_files(&inputs, &c.outputs(&report.files))?;
    let pool = pool(c.threads)?;
    let progress = Progress::new(studies.len() as u64 * c.replications, c.quiet);
    let primary = c.target.primary();
    let request = CompareRequest { primary: &primary, minimize: &args.minimize, target: None };
    let (doc, records) = pool.install(|| {
        run_compare_with_records(
            &studies,
            c.seed,
            c.replications,
            target.as_ref(),
            request,
            &|| progress.tick(),
        )
    })?;
    progress.finish();
    let elapsed = progress.elapsed();
    // Result files first: whatever happens to the terminal, they are complete.
    let table = compare_table(&doc, &c.kpis, c.all);
    let notes = crate::output::notes(doc.target.as_ref(), 0, &doc.saturation_notes());
    let done = format!(
        "{} scenarios x {} replications in {elapsed:.2?}",
        doc.scenarios.len(),
        doc.replications
    );
    if let Some(path) = &c.csv {
        write_csv(path, &doc)?;
    }
    if let Some(path) = &c.tidy_csv {
        let units: Vec<_> = doc.summaries.iter().map(crate::output::units_of).collect();
        let names = tidy_names(&doc);
        let blocks = names.iter().zip(&records).zip(&units).map(|((name, records), units)| {
            tidy::Block { scenario: name, point: None, values: &[], records, units }
        });
        crate::output::write_tidy_csv(path, &[], blocks)?;
    }
    drop(records);
    let doc = Document::Compare(doc);
    if let Some(path) = &c.json {
        write_document(path, &doc)?;
    }
    crate::report::write_report(c.report.as_deref(), doc, None, &c.kpis, c.quiet)?;
    crate::terminal::out(&table)?;
    for line in notes {
        note(c.quiet && !line.starts_with("warning"), &line);
    }
    note(c.quiet, &done);
    Ok(())
}

/// The scenarios' names for the tidy CSV: each its own, and a name that
/// two scenarios share followed by the scenario's position (`baseline [1]`),
/// so that every block can be told apart.
fn tidy_names(doc: &CompareDoc) -> Vec<String> {
    let names: Vec<&str> = doc.scenarios.iter().map(|s| s.name.as_str()).collect();
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if names.iter().filter(|m| *m == n).count() > 1 {
                format!("{n} [{i}]")
            } else {
                (*n).to_string()
            }
        })
        .collect()
}

fn compare_table(doc: &CompareDoc, patterns: &[String], all: bool) -> String {
    let base = &doc.scenarios[0];
    let mut out = format!(
        "paired comparison under common random numbers: seed {}, {} replications per scenario\n\
         base: \"{}\" ({})\n",
        doc.seed, doc.replications, base.name, base.source
    );
    // Void: zero or undefined in every replication of every scenario.
    let void_everywhere =
        |k: &str| doc.summaries.iter().all(|t| t.get(k).is_none_or(|s| crate::arrange::void(s)));
    for d in &doc.differences {
        let p = &doc.scenarios[d.scenario];
        out.push_str(&format!("\n\"{}\" ({}) minus base:\n", p.name, p.source));
        let means: Vec<(&str, f64)> = d
            .kpis
            .keys()
            .map(|k| (k.as_str(), doc.summaries[0].get(k).map_or(f64::NAN, |s| s.mean)))
            .collect();
        let shown = crate::arrange::arrange(
            &means,
            |k| void_everywhere(k) || d.kpis[k].n == 0,
            patterns,
            all,
        );
        let rows = shown.table_rows(|k| table::diff_row(k, &d.kpis[k].unit, &d.kpis[k]));
        out.push_str(&table::render(&table::DIFF_HEADER, &rows));
        if let Some(line) = shown.hidden_line("in every replication of every scenario") {
            out.push_str(&line);
        }
    }
    if doc.scenarios.len() > 2 {
        for r in &doc.rankings {
            let dir = match r.direction {
                Direction::Maximize => "largest first",
                Direction::Minimize => "smallest first",
            };
            out.push_str(&format!("\nranking on {} ({dir}):\n", r.kpi));
            let rows = doc.ranking_rows(r, num);
            out.push_str(&table::render(&RANKING_HEADER, &rows));
        }
    }
    out
}

fn write_csv(path: &std::path::Path, doc: &CompareDoc) -> Result<(), Failure> {
    let mut w = csv_writer(path)?;
    let fail = |e: csv::Error| csv_failure(path, e);
    w.write_record([
        "policy",
        "kpi",
        "unit",
        "base_mean",
        "policy_mean",
        "mean_diff",
        "ci95_low",
        "ci95_high",
        "correlation",
        "variance_reduction",
        "n",
    ])
    .map_err(fail)?;
    for d in &doc.differences {
        for (k, v) in &d.kpis {
            let mean = |i: usize| doc.summaries[i].get(k).map_or(f64::NAN, |s| s.mean);
            w.write_record([
                doc.scenarios[d.scenario].name.clone(),
                k.clone(),
                v.unit.clone(),
                csv_num(mean(0)),
                csv_num(mean(d.scenario)),
                csv_num(v.mean_diff),
                csv_num(v.ci95_low),
                csv_num(v.ci95_high),
                csv_num(v.correlation),
                csv_num(v.variance_reduction),
                v.n.to_string(),
            ])
            .map_err(fail)?;
        }
    }
    finish_csv(path, w)
}
