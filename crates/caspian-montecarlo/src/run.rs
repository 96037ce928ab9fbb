//! `caspian run` in the runner: the replications of one scenario (all, or
//! one shard's share), and the document they make.

use crate::document::{PartialDoc, RunDoc, StudyHeader, StudyKind, kpi_units, run_doc};
use crate::error::RunError;
use crate::execute::Executor;
use crate::journal::{Journal, run_saved};
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
/// pool, calling `tick` after each replication. With a `journal` (a whole
/// run only), replications saved there are read instead of simulated, and
/// the rest are saved as they are computed ([`crate::journal`]).
///
/// # Errors
/// [`RunError`] when the model breaks an invariant or no KPI matches the
/// target's primary patterns, or the journal cannot be written.
///
/// # Panics
/// With both a `shard` and a `journal` (a shard is rerun whole).
pub fn run(
    study: &Study,
    replications: u64,
    shard: Option<Shard>,
    target: Option<&Target>,
    tick: &(dyn Fn() + Sync),
    journal: Option<&mut Journal>,
) -> Result<RunOutcome, RunError> {
    let range = crate::shard::share(shard, replications);
    let (report, mut records) = if journal.is_some() {
        assert!(shard.is_none(), "a shard keeps no journal");
        let (_, report, records) =
            run_saved(vec![&study.plan], study.seed, range.clone(), target, tick, journal)?;
        (report, records)
    } else {
        let mut exec = Executor::new(vec![&study.plan], study.seed, range.start);
        let (end, report) = exec.run(range.end, target, tick, &mut |_, _, _| Ok(()))?;
        (report, exec.into_records(end))
    };
    let header = StudyHeader::of(study, StudyKind::Run, replications);
    let units = kpi_units(&study.plan, &records[0].kpi_names);
    Ok(match shard {
        Some(shard) => RunOutcome::Shard(PartialDoc::new(shard, header, records, units)),
        None => {
            let records = records.swap_remove(0);
            RunOutcome::Whole { doc: run_doc(&header, &records, &units, report), records }
        }
    })
}
