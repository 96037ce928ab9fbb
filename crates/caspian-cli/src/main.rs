//! `caspian`: the command line of caspian-sim.
//!
//! Exit codes: 0 success, 1 internal error (a bug; please report it),
//! 2 bad input or usage (the message names the file, key and problem),
//! 128 plus the signal's number (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP) when
//! stopped by one (a sweep after the batch of
//! design points in progress, its checkpoint kept for --resume; other commands at once,
//! leaving no temporary file, see [`signals`]). A closed standard output
//! (`| head`) ends a command quietly with 0; standard output or error that
//! cannot be written otherwise is exit code 2 (see [`terminal`]).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::failure::Failure;

mod arrange;
mod common;
mod compare;
mod compare_policies;
mod failure;
mod files;
mod journal;
mod kpis;
mod memory;
mod merge;
mod optimize;
mod output;
mod parse;
mod plot;
mod report;
mod run;
mod signals;
mod sink;
mod sweep;
mod sweep_sensitivity;
mod sweep_table;
mod table;
mod terminal;
mod trace;
mod twins;
mod validate;
mod variant;
mod warmup;
mod warnings;

/// Discrete-event Monte Carlo simulator of shipping across the Caspian Sea.
#[derive(Debug, Parser)]
#[command(name = "caspian", version, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run replications of a scenario (the embedded baseline when no file is given).
    Run(run::RunArgs),
    /// Sweep a scenario's parameters; every design point sees the same random numbers.
    Sweep(sweep::SweepArgs),
    /// Compare policies with a base scenario (paired, common random numbers).
    Compare(compare::CompareArgs),
    /// Find the best portfolio of discrete decisions, with a guaranteed probability of correct selection.
    Optimize(optimize::OptimizeArgs),
    /// Join the partial results of `--shard` runs into one summary.
    Merge(merge::MergeArgs),
    /// Check scenario files: every value error (a file that does not parse: its first parse error), and the warnings a run would give.
    Validate(validate::ValidateArgs),
    /// Write the event log of one replication as CSV (for debugging).
    Trace(trace::TraceArgs),
    /// Suggest a warm-up length (MSER-5 on Welch averages of daily series).
    Warmup(warmup::WarmupArgs),
    /// Draw one chart of a result (or of a trace) as SVG.
    Plot(plot::PlotArgs),
    /// Write a self-contained HTML report of a result: summary, charts, KPI table, provenance.
    Report(report::ReportArgs),
    /// List every KPI of a scenario with its unit and meaning (the names --kpi and --target take).
    Kpis(kpis::KpisArgs),
}

fn main() -> ExitCode {
    // A panic is a bug in caspian-sim: say so plainly and exit 1, not 101.
    std::panic::set_hook(Box::new(|info| {
        terminal::err_line(&format!(
            "caspian: internal error: {info}\nThis is a bug in caspian-sim; please report it with \
             the command line and scenario file."
        ));
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage(&e),
    };
    signals::install();
    let outcome = std::panic::catch_unwind(|| {
        let done = match cli.command {
            Command::Run(a) => run::run(a),
            Command::Sweep(a) => sweep::run(a),
            Command::Compare(a) => compare::run(a),
            Command::Merge(a) => merge::run(a),
            Command::Optimize(a) => optimize::run(a),
            Command::Validate(a) => validate::run(a),
            Command::Trace(a) => trace::run(a),
            Command::Warmup(a) => warmup::run(a),
            Command::Plot(a) => plot::run(a),
            Command::Report(a) => report::run(a),
            Command::Kpis(a) => kpis::run(a),
        };
        // A result for standard output not printed yet (a shard prints no
        // table): printed now that the command has succeeded.
        done.and_then(|()| sink::release())
    });
    let code = match outcome {
        Ok(Ok(()) | Err(Failure::ClosedPipe)) => ExitCode::SUCCESS,
        Ok(Err(failure)) => {
            terminal::err_line(&format!("caspian: {failure}"));
            if let (Failure::Interrupted(_), Some(kept)) = (&failure, signals::kept_line()) {
                terminal::err_line(&kept);
            }
            failure.exit_code()
        }
        Err(_) => ExitCode::from(1),
    };
    // Notes or warnings that could not be written: the user did not see
    // everything the command had to say.
    if code == ExitCode::SUCCESS && terminal::stderr_failed() { ExitCode::from(2) } else { code }
}

/// Help, version or a usage error from the argument parser: printed like
/// any other output, so that a full disk is exit code 2 with the message
/// every command gives (`cannot write to standard output: ...`), not a
/// silent 0; a closed pipe ends it quietly.
fn usage(e: &clap::Error) -> ExitCode {
    let code = u8::try_from(e.exit_code()).unwrap_or(2);
    match e.print() {
        Err(io) if io.kind() != std::io::ErrorKind::BrokenPipe => {
            // A usage error goes to standard error: nowhere left to say why.
            if !e.use_stderr() {
                terminal::err_line(&format!("caspian: {}", terminal::stdout_failure(io)));
            }
            ExitCode::from(2)
        }
        _ => ExitCode::from(code),
    }
}
