//! `caspian validate`: checks scenario files and reports every problem.

use std::path::PathBuf;

use clap::Args;

use crate::common::read_scenario;
use crate::failure::Failure;

#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// Scenario files (TOML).
    #[arg(required = true, value_name = "SCENARIO")]
    scenarios: Vec<PathBuf>,
}

pub(crate) fn run(args: ValidateArgs) -> Result<(), Failure> {
    let mut bad = 0;
    for path in &args.scenarios {
        let outcome = read_scenario(Some(path)).and_then(|(text, source)| {
            caspian_shipping::load(&text, &source).map_err(|e| Failure::Input(e.to_string()))
        });
        match outcome {
            Ok(plan) => println!("{}: ok (\"{}\")", path.display(), plan.source.scenario.name),
            Err(e) => {
                bad += 1;
                eprintln!("{e}");
            }
        }
    }
    if bad > 0 {
        Err(Failure::Input(format!("{bad} of {} file(s) invalid", args.scenarios.len())))
    } else {
        Ok(())
    }
}
