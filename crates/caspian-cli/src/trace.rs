//! `caspian trace`: the event log of one replication, as CSV.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use caspian_shipping::probe::Recorder;

use crate::common::{check_outputs, csv_writer, finish_csv, read_scenario};
use crate::failure::Failure;

#[derive(Debug, Args)]
pub(crate) struct TraceArgs {
    /// Scenario file (TOML) [default: the embedded baseline].
    scenario: Option<PathBuf>,
    /// Which replication (its random streams are those of replication R of a run).
    #[arg(short, long, default_value_t = 0)]
    replication: u64,
    /// Master seed [default: the scenario's seed].
    #[arg(long)]
    seed: Option<u64>,
    /// Write the CSV to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
}

pub(crate) fn run(args: TraceArgs) -> Result<(), Failure> {
    let (text, source) = read_scenario(args.scenario.as_deref())?;
    let plan = caspian_shipping::load(&text, &source).map_err(|e| Failure::Input(e.to_string()))?;
    if args.replication > caspian_shipping::streams::MAX_REPLICATION {
        return Err(Failure::Input(format!(
            "--replication {} is beyond the largest index, {}",
            args.replication,
            caspian_shipping::streams::MAX_REPLICATION
        )));
    }
    check_outputs(&[args.csv.as_ref()])?;
    let seed = args.seed.unwrap_or(plan.source.scenario.seed);
    let mut rec = Recorder { trace_events: true, ..Recorder::default() };
    let out = caspian_shipping::simulate_probed(&plan, seed, args.replication, &mut rec);
    let mut w = csv_writer();
    let fail = |e: csv::Error| Failure::Internal(format!("CSV: {e}"));
    w.write_record(["seq", "time_h", "event", "subject", "detail"]).map_err(fail)?;
    for (i, e) in rec.trace.iter().enumerate() {
        let time_h = format!("{:.4}", e.time.as_hours_f64());
        w.write_record([&i.to_string(), &time_h, e.event, &e.subject, &e.detail]).map_err(fail)?;
    }
    match &args.csv {
        Some(path) => {
            finish_csv(path, w)?;
            eprintln!(
                "{} trace entries (events, and corridor-closure boundaries) of replication {} (seed {seed}) written to {}{}",
                rec.trace.len(),
                args.replication,
                path.display(),
                if out.truncated { "; the event limit stopped the run early" } else { "" }
            );
        }
        None => {
            let bytes = w.into_inner().map_err(|e| Failure::Internal(format!("CSV: {e}")))?;
            // A closed pipe (e.g. `| head`) is not an error worth reporting.
            let _ = std::io::stdout().write_all(&bytes);
        }
    }
    Ok(())
}
