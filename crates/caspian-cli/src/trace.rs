//! `caspian trace`: the event log of one replication, as CSV (the format
//! is `caspian_montecarlo::trace`'s), streamed to standard output or into
//! `--csv FILE` (which appears only once complete).

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clap::Args;

use caspian_montecarlo::atomic::AtomicFile;
use caspian_montecarlo::shown_path;
use caspian_montecarlo::study::Study;
use caspian_montecarlo::trace::{self, TraceError};

use crate::common::{EXTENDED, SetArgs, cannot_write, check_files, extended_files, read_scenario};
use crate::failure::Failure;
use crate::terminal::stdout_failure;
use crate::warnings::Later;

#[derive(Debug, Args)]
pub(crate) struct TraceArgs {
    /// Scenario file (TOML) [default: the embedded baseline].
    scenario: Option<PathBuf>,
    /// Which replication (its random streams are those of replication R of a run).
    #[arg(allow_negative_numbers = true, short, long, default_value_t = 0, value_parser = crate::parse::whole_in::<u64>(0, u64::MAX))]
    replication: u64,
    /// Master seed [default: the scenario's seed].
    #[arg(allow_negative_numbers = true, long, value_parser = crate::parse::whole_in::<u64>(0, u64::MAX))]
    seed: Option<u64>,
    /// Write the CSV to FILE instead of standard output (`-` is standard output).
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    #[command(flatten)]
    set: SetArgs,
}

pub(crate) fn run(args: TraceArgs) -> Result<(), Failure> {
    let mut later = Later::default();
    let (s, _) = read_scenario(args.scenario.as_deref(), &args.set.set, &mut later)?;
    let parents = extended_files(&s.lineage);
    let study = Study::single(&s.text, &s.source, args.seed)?;
    if args.replication > trace::MAX_REPLICATION {
        return Err(Failure::Input(format!(
            "--replication {} is beyond the largest index, {}",
            args.replication,
            trace::MAX_REPLICATION
        )));
    }
    let mut inputs = vec![("SCENARIO", args.scenario.as_deref())];
    inputs.extend(parents.iter().map(|p| (EXTENDED, Some(p.as_path()))));
    check_files(&inputs, &[("--csv", args.csv.as_deref())])?;
    later.say();
    let seed = study.seed;
    let plan = &study.plan;
    // The trace is written as the replication runs: memory stays flat
    // however long it is.
    match args.csv.as_deref().filter(|p| !crate::sink::is_stdout(p)) {
        Some(path) => {
            let mut file = AtomicFile::create(path).map_err(|e| cannot_write(path, e))?;
            let out = trace::stream_csv(plan, seed, args.replication, &mut file)
                .map_err(|e| cannot_write(path, e))?;
            file.commit().map_err(|e| cannot_write(path, e))?;
            crate::terminal::err_line(&format!(
                "{} trace entries (events, corridor-closure boundaries and state changes) of replication {} (seed {seed}) written to {}{}",
                out.entries,
                args.replication,
                shown_path(path),
                if out.truncated { "; the event limit stopped the run early" } else { "" }
            ));
        }
        None => {
            // A closed pipe (`| head`) ends the replication and the command
            // quietly; a full disk is exit code 2.
            let mut stdout = BufWriter::new(std::io::stdout().lock());
            trace::stream_csv(plan, seed, args.replication, &mut stdout).map_err(|e| match e {
                TraceError::Io(e) => stdout_failure(e),
                other => Failure::Internal(format!("trace CSV: {other}")),
            })?;
            stdout.flush().map_err(stdout_failure)?;
        }
    }
    Ok(())
}
