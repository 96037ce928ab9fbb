//! `caspian run` in the runner: the replications of one scenario (all, or
//! one shard's share), and the document they make.

use crate::document::{PartialDoc, RunDoc, StudyHeader, StudyKind, kpi_units, run_doc};
use crate::error::RunError;
use crate::execute::Executor;
use crate::records::PointRecords;
use crate::sequential::Target;
use crate::shard::Shard;
use crate::study::Study;

/// What a run produced.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // made once per command
pub enum RunOutcome {
    /// Every replication: the run document and the records it summarises
    /// (for the per-replication CSV and the report's distributions).
    Whole {
        /// The document.
        doc: RunDoc,
        /// Its records.
        records: PointRecords,
    },
    /// One shard's share, for `caspian merge`.
    Shard(PartialDoc),
}

/// Runs `replications` of `study` (more with a sequential-stopping
/// `target`), or with `shard` only that share of them, on the current rayon
/// pool, calling `tick` after each replication.
///
/// # Errors
/// [`RunError`] when the model breaks an invariant or no KPI matches the
/// target's primary patterns.
pub fn run(
    study: &Study,
    replications: u64,
    shard: Option<Shard>,
    target: Option<&Target>,
    tick: &(dyn Fn() + Sync),
) -> Result<RunOutcome, RunError> {
    let range = crate::shard::share(shard, replications);
    let mut exec = Executor::new(vec![&study.plan], study.seed, range.start);
    let (end, report) = exec.run(range.end, target, tick, &mut |_, _, _| Ok(()))?;
    let mut records = exec.into_records(end);
    let header = StudyHeader::of(study, StudyKind::Run, replications);
    let units = kpi_units(&study.plan, &records[0].kpi_names);
    Ok(match shard {
        Some(shard) => RunOutcome::Shard(PartialDoc { shard, header, records, units }),
        None => {
            let records = records.swap_remove(0);
            RunOutcome::Whole { doc: run_doc(&header, &records, &units, report), records }
        }
    })
}
