//! `caspian trace`: the event log of one replication, as CSV (the format
//! is `caspian_montecarlo::trace`'s).

use std::path::PathBuf;

use clap::Args;

use caspian_montecarlo::study::Study;
use caspian_montecarlo::trace;

use crate::common::{check_files, read_scenario, write_file};
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
    let study = Study::single(&text, &source, args.seed)?;
    if args.replication > trace::MAX_REPLICATION {
        return Err(Failure::Input(format!(
            "--replication {} is beyond the largest index, {}",
            args.replication,
            trace::MAX_REPLICATION
        )));
    }
    check_files(&[("SCENARIO", args.scenario.as_deref())], &[("--csv", args.csv.as_deref())])?;
    let seed = study.seed;
    let out = trace::record(&study.points[0].plan, seed, args.replication);
    let mut bytes = Vec::new();
    trace::write_csv(&mut bytes, &out.entries)
        .map_err(|e| Failure::Internal(format!("trace CSV: {e}")))?;
    match &args.csv {
        Some(path) => {
            write_file(path, &bytes)?;
            crate::terminal::err_line(&format!(
                "{} trace entries (events, and corridor-closure boundaries) of replication {} (seed {seed}) written to {}{}",
                out.entries.len(),
                args.replication,
                path.display(),
                if out.truncated { "; the event limit stopped the run early" } else { "" }
            ));
        }
        // A closed pipe (`| head`) ends quietly; a full disk is exit code 2.
        None => crate::terminal::out_bytes(&bytes)?,
    }
    Ok(())
}
