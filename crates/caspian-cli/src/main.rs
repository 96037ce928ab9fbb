//! `caspian`: the command line of caspian-sim.
//!
//! Only the skeleton exists so far: the subcommands are declared so that
//! `--help` documents the intended interface, and each reports that it is not
//! implemented yet (exit code 2) instead of pretending to work.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Discrete-event Monte Carlo simulator of shipping across the Caspian Sea.
#[derive(Debug, Parser)]
#[command(name = "caspian", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run replications of a scenario (the embedded baseline when no file is given).
    Run {
        /// Scenario file (TOML).
        scenario: Option<std::path::PathBuf>,
    },
    /// Check scenario files and report every error.
    Validate {
        /// Scenario files (TOML).
        scenarios: Vec<std::path::PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let name = match cli.command {
        Command::Run { .. } => "run",
        Command::Validate { .. } => "validate",
    };
    eprintln!(
        "caspian: `{name}` is not implemented yet (the domain model and runner are issues 3 and 4)"
    );
    ExitCode::from(2)
}
