//! A run of several scenarios' replications that reads what a journal
//! holds and saves the rest to it.

use std::io;
use std::ops::Range;

use caspian_shipping::CompiledScenario;

use crate::error::RunError;
use crate::execute::Executor;
use crate::records::PointRecords;
use crate::sequential::{Target, TargetReport};
use crate::shown_path;

use super::{Journal, JournalError, SAVE_EVERY_PER_THREAD, key};

/// Runs replications `reps` of every plan (more with a sequential
/// `target`) under `seed`, as [`Executor::run`] does; with a `journal`,
/// the rows it holds are read instead of simulated (and counted as
/// progress, `tick` once each), and the rest are saved to it as they are
/// computed. Returns the end reached, the target's outcome and the
/// records, cut to the end.
///
/// # Errors
/// As [`Executor::run`]; [`RunError::Checkpoint`] when the journal cannot
/// be written (what it saved before is kept), and [`RunError::Journal`]
/// when rows it holds under a scenario's key do not fit the scenario.
pub fn run_saved(
    plans: Vec<&CompiledScenario>,
    seed: u64,
    reps: Range<u64>,
    target: Option<&Target>,
    tick: &(dyn Fn() + Sync),
    journal: Option<&mut Journal>,
) -> Result<(u64, Option<TargetReport>, Vec<PointRecords>), RunError> {
    let Range { start: first, end } = reps;
    let Some(journal) = journal else {
        let mut exec = Executor::new(plans, seed, first);
        let (end, report) = exec.run(end, target, tick, &mut |_, _, _| Ok(()))?;
        return Ok((end, report, exec.into_records(end)));
    };
    let keys: Vec<String> = plans.iter().map(|p| key(p, seed)).collect();
    let held: Vec<PointRecords> = keys.iter().map(|k| journal.take(k, first)).collect();
    for (point, (rec, plan)) in held.iter().zip(&plans).enumerate() {
        if !rec.rows.is_empty() && rec.kpi_names != *plan.kpi_layout().names() {
            return Err(RunError::Journal(JournalError::Unfit {
                path: shown_path(&journal.path),
                what: format!(
                    "the rows saved for scenario {point} of this command name other KPIs than it \
                     (a hand-edited file?)"
                ),
            }));
        }
    }
    let initial: Vec<u64> = held.iter().map(|r| r.rows.len() as u64).collect();
    let mut saved: Vec<usize> = held.iter().map(|r| r.rows.len()).collect();
    let read_back: u64 = held.iter().map(|r| (r.rows.len() as u64).min(end - first)).sum();
    for _ in 0..read_back {
        tick();
    }
    let step = SAVE_EVERY_PER_THREAD.saturating_mul(rayon::current_num_threads() as u64);
    let mut exec = Executor::resume(plans, seed, first, held).save_every(step);
    let shown = shown_path(&journal.path);
    let fail = |e: io::Error| RunError::Checkpoint {
        path: shown.clone(),
        message: format!(
            "{e}; the replications saved before are kept: make room and run the same command \
             again to go on from them"
        ),
    };
    let mut after = |point: usize, records: &[PointRecords], last_of_batch: bool| {
        let rec = &records[point];
        journal.append(&keys[point], &rec.kpi_names, &rec.rows[saved[point]..]).map_err(fail)?;
        saved[point] = rec.rows.len();
        if last_of_batch {
            journal.sync().map_err(fail)?;
            journal.saves.0 += 1;
            if journal.saves.1.is_some_and(|n| journal.saves.0 >= n) {
                return Err(RunError::Stopped { point });
            }
        }
        Ok(())
    };
    let (end, report) = exec.run(end, target, tick, &mut after)?;
    journal.unused |= initial.iter().any(|&n| first + n > end);
    // The rows read back that the command used (a target may have gone
    // on past the first `end`).
    journal.reused += initial.iter().map(|&n| n.min(end - first)).sum::<u64>();
    Ok((end, report, exec.into_records(end)))
}
