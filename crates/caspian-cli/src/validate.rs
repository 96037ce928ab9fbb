//! `caspian validate`: checks scenario files and reports every problem:
//! the errors that stop a run, and the warnings `run` or `sweep` would
//! give before running (settings that change nothing, dated events outside
//! the reporting window, ...). Warnings do not make a file invalid.

use std::path::PathBuf;

use clap::Args;

use caspian_montecarlo::error::StudyError;
use caspian_montecarlo::shown_path;
use caspian_montecarlo::study::Study;

use crate::common::read_scenario;
use crate::failure::Failure;
use crate::terminal::{err_line, out};
use crate::warnings::Later;

#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// Scenario files (TOML).
    #[arg(required = true, value_name = "SCENARIO")]
    scenarios: Vec<PathBuf>,
}

pub(crate) fn run(args: ValidateArgs) -> Result<(), Failure> {
    let mut bad = 0;
    // A terminal that fails does not stop the checking: every file is
    // checked, and an invalid one is exit code 2 whatever became of stdout.
    let mut printing = Ok(());
    for path in &args.scenarios {
        // A file with `[[sweep]]` axes is also checked at every design
        // point, as `caspian sweep` would run it; a design too large to
        // run in full is no error (`sweep --lhs` samples it).
        // The warnings `run` (or `sweep`, for a file with axes) would give
        // before it ran, said after the file's verdict.
        let mut later = Later::default();
        let outcome = read_scenario(Some(path), &[], &mut later).and_then(|(s, _)| {
            let study = Study::single(&s.text, &s.source, None)?;
            let run = study.warnings();
            for w in &run {
                later.push(format!("{}: {w}", study.source));
            }
            if !s.scenario.sweeps.is_empty() {
                match Study::sweep(&s.text, &s.source, None, Vec::new(), None) {
                    // Those of the sweep's points (`at design point P
                    // first, ...`) the run has not given already.
                    Ok(sweep) => {
                        for w in sweep.warnings() {
                            if !run.iter().any(|r| w.ends_with(r.as_str())) {
                                later.push(format!("{}: {w}", study.source));
                            }
                        }
                    }
                    Err(StudyError::Design { source, .. }) => {
                        err_line(&format!(
                            "note: {}: its [[sweep]] points were not checked one by one: {source}",
                            shown_path(path)
                        ));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            Ok(study)
        });
        match outcome {
            Ok(study) => {
                if printing.is_ok() {
                    printing = out(&format!("{}: ok (\"{}\")\n", shown_path(path), study.name));
                }
                later.say();
            }
            Err(e) => {
                bad += 1;
                // Each message names the file given, even when the fault is
                // in a file it extends (`parent.toml (extended by ...)`).
                let (given, message) = (shown_path(path), e.to_string());
                if message.starts_with(&given) {
                    err_line(&message);
                } else {
                    err_line(&format!("{given}: {message}"));
                }
            }
        }
    }
    if bad > 0 {
        Err(Failure::Input(format!("{bad} of {} file(s) invalid", args.scenarios.len())))
    } else {
        printing
    }
}
