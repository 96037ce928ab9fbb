//! A run of several scenarios' replications that reads what a journal
//! holds and saves the rest to it.

use std::collections::BTreeMap;
use std::ops::Range;

use caspian_shipping::CompiledScenario;

use crate::error::RunError;
use crate::execute::Executor;
use crate::records::{PointRecords, Row};
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
    let mut held: Vec<(Vec<String>, BTreeMap<u64, Row>)> =
        keys.iter().map(|k| journal.take_all(k)).collect();
    for (point, ((names, rows), plan)) in held.iter().zip(&plans).enumerate() {
        if !rows.is_empty() && names != plan.kpi_layout().names() {
            return Err(RunError::Journal(JournalError::Unfit {
                path: shown_path(&journal.path),
                what: format!(
                    "the rows saved for scenario {point} of this command name other KPIs than it \
                     (a hand-edited file?)"
                ),
            }));
        }
    }
    let read_back: u64 = held.iter().map(|(_, rows)| rows.range(first..end).count() as u64).sum();
    for _ in 0..read_back {
        tick();
    }
    let step = SAVE_EVERY_PER_THREAD.saturating_mul(rayon::current_num_threads() as u64);
    let filled = fill_gaps(&plans, seed, first..end, &mut held, step, tick, journal, &keys)?;
    let mut saved = Vec::with_capacity(held.len());
    let mut records = Vec::with_capacity(held.len());
    for (names, rows) in held {
        let (rec, left) = super::consecutive(names, rows, first);
        journal.unused |= left;
        saved.push(rec.rows.len());
        records.push(rec);
    }
    let prefix: Vec<u64> = saved.iter().map(|&n| n as u64).collect();
    let mut exec = Executor::resume(plans, seed, first, records).save_every(step);
    let mut after = |point: usize, records: &[PointRecords], last_of_batch: bool| {
        let rec = &records[point];
        journal
            .append(&keys[point], &rec.kpi_names, &rec.rows[saved[point]..])
            .map_err(|e| journal.fail(e))?;
        saved[point] = rec.rows.len();
        if last_of_batch { journal.saved(point) } else { Ok(()) }
    };
    let (end, report) = exec.run(end, target, tick, &mut after)?;
    journal.unused |= prefix.iter().any(|&n| first + n > end);
    // The rows read back that the command used (a target may have gone
    // on past the first `end`), not those it computed to fill a gap.
    let used = prefix.iter().map(|&n| n.min(end - first)).sum::<u64>();
    journal.reused += used - filled;
    journal.filled += filled;
    Ok((end, report, exec.into_records(end)))
}

/// Computes the replications missing inside `reps` before a row held
/// after them (a shard of a comparison not run, or killed, a batch torn),
/// saving them to the journal as it goes, so that every row held in
/// `reps` is used. Returns how many it computed.
#[allow(clippy::too_many_arguments)]
fn fill_gaps(
    plans: &[&CompiledScenario],
    seed: u64,
    reps: Range<u64>,
    held: &mut [(Vec<String>, BTreeMap<u64, Row>)],
    step: u64,
    tick: &(dyn Fn() + Sync),
    journal: &mut Journal,
    keys: &[String],
) -> Result<u64, RunError> {
    let mut gaps: Vec<(usize, Range<u64>)> = Vec::new();
    for (point, (_, rows)) in held.iter().enumerate() {
        let mut next = reps.start;
        for &j in rows.range(reps.clone()).map(|(j, _)| j) {
            // In pieces of at most `step`, so that they are saved as they go.
            while next < j {
                let to = j.min(next.saturating_add(step));
                gaps.push((point, next..to));
                next = to;
            }
            next = j + 1;
        }
    }
    let mut filled = 0;
    let per_group = rayon::current_num_threads().max(1);
    for group in gaps.chunks(per_group) {
        let jobs: Vec<(&CompiledScenario, Range<u64>)> =
            group.iter().map(|(p, r)| (plans[*p], r.clone())).collect();
        let results = crate::execute::run_ranges(&jobs, seed, tick);
        for ((point, range), result) in group.iter().zip(results) {
            let (names, rows) = result.map_err(|e| crate::execute::point_error(*point, e))?;
            journal.append(&keys[*point], &names, &rows).map_err(|e| journal.fail(e))?;
            filled += range.end - range.start;
            let (held_names, held_rows) = &mut held[*point];
            if held_names.is_empty() {
                *held_names = names;
            }
            held_rows.extend(rows.into_iter().map(|r| (r.replication, r)));
        }
        journal.saved(group[0].0)?;
    }
    Ok(filled)
}
