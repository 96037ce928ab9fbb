//! `caspian merge`: joins shard results into the summary a single run gives.

use std::path::PathBuf;

use clap::Args;

use caspian_montecarlo::document::Document;
use caspian_montecarlo::merge::{Merged, merge};
use caspian_montecarlo::shown_path;

use crate::common::{Named, check_files, note, read_document, write_document};
use crate::failure::Failure;
use crate::output;
use crate::parse::whole_in;
use crate::terminal::out;

#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// Partial results written by `run --shard` or `sweep --shard`.
    #[arg(required = true, value_name = "PART")]
    parts: Vec<PathBuf>,
    /// Write the merged summary as JSON to FILE (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write CSV to FILE (`-`: standard output; per replication for a run, per point and KPI for a sweep).
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Show only KPIs matching PATTERN in the table (repeatable).
    #[arg(long = "kpi", value_name = "PATTERN")]
    kpis: Vec<String>,
    /// Show every KPI, also those zero or undefined in every replication (hidden by default).
    #[arg(long)]
    all: bool,
    /// Worker threads that summarise a sweep's design points [default: one per CPU core; at most 8 per core]. Results do not depend on it.
    #[arg(allow_negative_numbers = true, short = 't', long, value_parser = whole_in::<u16>(1, u64::from(u16::MAX)))]
    threads: Option<u16>,
    /// No notes on stderr.
    #[arg(short, long)]
    quiet: bool,
}

pub(crate) fn run(args: MergeArgs) -> Result<(), Failure> {
    let inputs: Vec<Named<'_>> = args.parts.iter().map(|p| ("PART", Some(p.as_path()))).collect();
    check_files(&inputs, &[("--json", args.json.as_deref()), ("--csv", args.csv.as_deref())])?;
    // Made first, so that a bad --threads is refused whatever the parts.
    let pool = crate::common::pool(args.threads)?;
    let mut parts = Vec::new();
    for path in &args.parts {
        let name = shown_path(path);
        let part = match read_document(path)? {
            Document::Partial(part) => part,
            other => {
                return Err(Failure::Input(format!(
                    "{name}: is a \"{}\" file, not a shard's partial result (of `caspian \
                     run/sweep --shard`)",
                    other.kind()
                )));
            }
        };
        parts.push((name, part));
    }
    let count = parts.len();
    let merged = merge(parts).map_err(|e| Failure::Input(e.to_string()))?;
    match merged {
        Merged::Run { doc, records, header } => {
            let escort = header.escort_warning(std::slice::from_ref(&records));
            let warnings = (header.source.clone(), header.warnings.clone(), escort);
            let names: Vec<String> = doc.kpis.keys().cloned().collect();
            crate::output::check_kpi_patterns(&args.kpis, &names)?;
            let table = output::run_table(&doc, &args.kpis, args.all);
            let saturation = output::sentences(&doc.saturation);
            let notes =
                output::notes(None, output::Places::None, doc.truncated_replications, &saturation);
            let outputs = crate::common::begin_outputs();
            if let Some(path) = &args.csv {
                output::write_replications_csv(path, &records)?;
            }
            if let Some(path) = &args.json {
                write_document(path, &Document::Run(doc))?;
            }
            crate::common::commit_outputs(outputs)?;
            out(&table)?;
            for line in notes {
                note(args.quiet && !line.starts_with("warning"), &line);
            }
            print_warnings(&warnings.0, &warnings.1, warnings.2);
        }
        Merged::Sweep(result) => {
            if let Some(first) = result.records.first() {
                crate::output::check_kpi_patterns(&args.kpis, &first.kpi_names)?;
            }
            let patterns = if args.kpis.is_empty() {
                caspian_montecarlo::sequential::DEFAULT_PRIMARY
                    .iter()
                    .map(|s| (*s).to_string())
                    .collect()
            } else {
                args.kpis.clone()
            };
            // The points are summarised on the pool of --threads; the
            // files are written from this thread.
            let outputs = crate::common::begin_outputs();
            let written = output::write_sweep(
                &result,
                args.json.as_deref(),
                args.csv.as_deref(),
                &patterns,
                args.all,
                &pool,
            )?;
            crate::common::commit_outputs(outputs)?;
            out(&written.table)?;
            for line in output::sweep_notes(&result, &written) {
                note(args.quiet && !line.starts_with("warning"), &line);
            }
            let h = &result.header;
            print_warnings(&h.source, &h.warnings, h.escort_warning(&result.records));
        }
    }
    note(args.quiet, &format!("merged {count} parts"));
    Ok(())
}

/// The merged study's warnings, as the single run printed them: the
/// study's (those its shards printed too), each after the scenario's
/// source, and one that only the whole shows, an escort force that binds
/// (`escort`); on standard error whatever `--quiet`, and kept in the
/// document.
fn print_warnings(source: &str, study: &[String], escort: Option<String>) {
    for w in study {
        note(false, &format!("warning: {source}: {w}"));
    }
    if let Some(w) = escort {
        note(false, &format!("warning: {w}"));
    }
}
