//! `caspian kpis`: every KPI a scenario reports, with its unit and a
//! one-line meaning (from the KPI schema), grouped by family: the names
//! that `--kpi`, `--target` and `--primary` take.

use std::path::PathBuf;

use clap::Args;

use caspian_montecarlo::study::Study;

use crate::common::{check_files, read_scenario};
use crate::failure::Failure;
use crate::terminal::out;
use crate::warnings::Later;

#[derive(Debug, Args)]
pub(crate) struct KpisArgs {
    /// Scenario file (TOML) [default: the embedded baseline].
    scenario: Option<PathBuf>,
}

pub(crate) fn run(args: KpisArgs) -> Result<(), Failure> {
    check_files(&[("SCENARIO", args.scenario.as_deref())], &[])?;
    let (scenario, _) = read_scenario(args.scenario.as_deref(), &[], &mut Later::default())?;
    let study = Study::single(&scenario.text, &scenario.source, None)?;
    out(&listing(&study))
}

/// The listing: a line on the scenario, then per family (in the order of
/// the schema, `docs/kpis.md`) a heading with its pattern and one line per
/// KPI: name, unit, meaning.
fn listing(study: &Study) -> String {
    let layout = study.plan.kpi_layout();
    let names = layout.names();
    let mut out = format!(
        "{} KPIs of \"{}\" ({}); pick them with --kpi PATTERN (`*` is a wildcard), \
         definitions in docs/kpis.md\n",
        names.len(),
        study.name,
        study.source
    );
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let unit_of = |i: usize| layout.unit_text(i);
    let unit_width = (0..names.len()).map(|i| unit_of(i).chars().count()).max().unwrap_or(0);
    let families = caspian_montecarlo::schema::FAMILIES.iter().map(Some).chain([None]);
    for family in families {
        let pattern = family.map(|f| f.pattern);
        let members: Vec<usize> =
            (0..names.len()).filter(|&i| layout.family(i).map(|f| f.pattern) == pattern).collect();
        if members.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{}\n", pattern.unwrap_or("other")));
        for i in members {
            let meaning = layout.family(i).map_or("", |f| f.description);
            out.push_str(&format!(
                "  {:<width$}  {:<unit_width$}  {meaning}\n",
                names[i],
                unit_of(i)
            ));
        }
    }
    out
}
