//! `caspian validate`: checks scenario files and reports every problem.

use std::path::PathBuf;

use clap::Args;

use caspian_montecarlo::shown_path;
use caspian_montecarlo::study::Study;

use crate::common::read_scenario;
use crate::failure::Failure;
use crate::terminal::{err_line, out};

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
        // point, as `caspian sweep` would run it.
        let outcome = read_scenario(Some(path), &[]).and_then(|s| {
            let study = Study::single(&s.text, &s.source, None)?;
            if !s.scenario.sweeps.is_empty() {
                Study::sweep(&s.text, &s.source, None, Vec::new(), None)?;
            }
            Ok(study)
        });
        match outcome {
            Ok(study) if printing.is_ok() => {
                printing = out(&format!("{}: ok (\"{}\")\n", shown_path(path), study.name));
            }
            Ok(_) => {}
            Err(e) => {
                bad += 1;
                err_line(&e.to_string());
            }
        }
    }
    if bad > 0 {
        Err(Failure::Input(format!("{bad} of {} file(s) invalid", args.scenarios.len())))
    } else {
        printing
    }
}
