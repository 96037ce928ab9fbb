//! `caspian sweep` in the runner: every design point's replications (all,
//! or one shard's share), a checkpoint saved after each point, resumption
//! from that checkpoint, and a clean stop on request.
//!
//! The caller (the CLI) owns the signal handler, the progress bar and all
//! printing: it passes a stop flag that the handler sets, and hooks that
//! are told of a resumption and of each replication done. When the flag is
//! seen after a design point, that point's checkpoint is complete and the
//! sweep ends with [`SweepOutcome::Interrupted`]; a later call with
//! `resume` continues from the checkpoint to exactly the result of an
//! uninterrupted sweep (replications are pure functions of their index).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::checkpoint::{self, Checkpoint, CheckpointError, CheckpointHeader};
use crate::document::{PartialDoc, StudyHeader, StudyKind, kpi_units};
use crate::error::RunError;
use crate::execute::Executor;
use crate::records::PointRecords;
use crate::sequential::Target;
use crate::shard::{self, Shard};
use crate::shown_path;
use crate::study::Study;
use crate::sweep_stream::SweepResult;

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct SweepRequest<'a> {
    /// The study: its design points.
    pub study: &'a Study,
    /// Replications per design point (the first batch with a `target`).
    pub replications: u64,
    /// Sequential stopping, if asked for.
    pub target: Option<&'a Target>,
    /// Run only this share of every point's replications.
    pub shard: Option<Shard>,
    /// The checkpoint file.
    pub checkpoint: &'a Path,
    /// Continue from the checkpoint, if there is one.
    pub resume: bool,
    /// Stop (as if on request) once this many design points were
    /// checkpointed: a testing aid.
    pub stop_after_points: Option<usize>,
    /// The reference design point (see [`Study::reference_point`]): every
    /// other point gets paired differences against it.
    pub reference: usize,
    /// The design, checked ([`Study::design_check`]): its warnings, which
    /// the caller has printed, are kept with the study's own in the
    /// document, and its points of the same model as an earlier one take
    /// that one's rows instead of running.
    pub design: &'a crate::study::DesignCheck,
}

/// How the caller follows a sweep.
#[derive(Clone, Copy)]
pub struct SweepHooks<'h> {
    /// Set (e.g. by a signal handler) to stop once the batch of design
    /// points in progress is saved.
    pub stop: &'h AtomicBool,
    /// Called once per replication computed, from worker threads.
    pub tick: &'h (dyn Fn() + Sync),
    /// Called once, before any work, when `resume` was asked for.
    pub resumed: &'h (dyn Fn(Resumed) + Sync),
    /// Called once the checkpoint is written, before the first replication
    /// (e.g. to start catching signals).
    pub started: &'h (dyn Fn() + Sync),
}

impl std::fmt::Debug for SweepHooks<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SweepHooks").field("stop", &self.stop).finish_non_exhaustive()
    }
}

/// What `resume` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resumed {
    /// No checkpoint file: the sweep starts from the beginning.
    NoCheckpoint,
    /// The checkpoint's records are used.
    From {
        /// Replications already done, over all points.
        held: usize,
        /// Whether a torn last line (from a kill mid-write) was dropped.
        torn: bool,
    },
}

/// What a sweep produced. The checkpoint is handed back so that it can be
/// deleted once the results are safely written.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // made once per command
pub enum SweepOutcome {
    /// Every replication: the records, summarised point by point as the
    /// document is written ([`crate::sweep_stream`]).
    Whole {
        /// The records and what summarises them.
        result: SweepResult,
        /// The checkpoint, no longer needed once the results are written.
        checkpoint: Checkpoint,
    },
    /// One shard's share, for `caspian merge`.
    Shard {
        /// The partial result.
        part: PartialDoc,
        /// The checkpoint, no longer needed once `part` is written.
        checkpoint: Checkpoint,
    },
    /// Stopped on request; the checkpoint holds every finished point.
    Interrupted {
        /// The last design point completed.
        point: usize,
        /// The replications that point holds now: in a sequential sweep
        /// (`--target-rel-halfwidth`) this tells which stage it completed,
        /// since each stage goes over the points again.
        replications: usize,
    },
}

/// A sweep that cannot start or did not finish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SweepError {
    /// The checkpoint path cannot be used: a directory, a device, a FIFO,
    /// or a path whose type cannot be read.
    #[error("{path} {why}")]
    Unusable {
        /// The checkpoint, as displayed with the option that named it
        /// (`--checkpoint cp`).
        path: String,
        /// What is wrong with it.
        why: String,
    },
    /// A file that is not a checkpoint is where the checkpoint would go.
    #[error(
        "{path}: a file that is not a caspian checkpoint is there; it would be overwritten: \
         choose another --checkpoint or delete it"
    )]
    NotACheckpoint {
        /// The checkpoint, as displayed with the option that named it.
        path: String,
    },
    /// A checkpoint exists, but resuming was not asked for.
    #[error(
        "a checkpoint of an unfinished sweep exists at {path}: add --resume to continue it, or \
         delete it to start again"
    )]
    Unfinished {
        /// The checkpoint, as displayed.
        path: String,
    },
    /// The checkpoint to resume from cannot be used.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// Running failed (a defect, or the checkpoint cannot be written).
    #[error(transparent)]
    Run(#[from] RunError),
}

/// Checks, before any work, that the checkpoint path `path` names a
/// regular file or nothing, and that an existing checkpoint is resumed,
/// not overwritten. (That it differs from the outputs, and that its
/// directory is writable, is the caller's check of all its files.)
/// `named` is how messages name it: `--checkpoint cp`, or where a default
/// path came from.
///
/// # Errors
/// [`SweepError::Unusable`], [`SweepError::NotACheckpoint`] or
/// [`SweepError::Unfinished`].
pub fn check_checkpoint(path: &Path, named: &str, resume: bool) -> Result<(), SweepError> {
    let shown = || shown_path(path);
    let unusable = |why: String| SweepError::Unusable { path: named.to_string(), why };
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(unusable(format!("cannot be inspected: {e}"))),
        Ok(m) if m.is_dir() => Err(unusable("is a directory; a checkpoint is a file".into())),
        Ok(m) if !m.is_file() => Err(unusable(
            "is not a regular file (a device, FIFO or socket); a checkpoint is a file".into(),
        )),
        Ok(_) if resume => Ok(()),
        Ok(_) if checkpoint::looks_like_one(path) => Err(SweepError::Unfinished { path: shown() }),
        Ok(_) => Err(SweepError::NotACheckpoint { path: named.to_string() }),
    }
}

/// Runs the sweep of `req` on the current rayon pool, appending every design
/// point to the checkpoint (synced once a batch of points) and stopping once
/// the batch in progress is saved after `hooks.stop` is set.
///
/// # Errors
/// [`SweepError`] when the checkpoint cannot be resumed from or written, a
/// replication breaks an invariant, or no KPI matches the target's primary
/// patterns.
pub fn run_sweep(
    req: &SweepRequest<'_>,
    hooks: SweepHooks<'_>,
) -> Result<SweepOutcome, SweepError> {
    let study = req.study;
    let whole = Shard { index: 0, count: 1 };
    let range = shard::share(req.shard, req.replications);
    let mut header = StudyHeader::of(study, StudyKind::Sweep, req.replications);
    header.reference = req.reference;
    header.warnings.extend(req.design.warnings.iter().cloned());
    let cp_head =
        CheckpointHeader { kind: "checkpoint".into(), shard: req.shard.unwrap_or(whole), header };
    let saved = saved_records(req, &cp_head, hooks.resumed)?;
    // Each point's scenario is compiled when its batch runs: only those of
    // one batch are held.
    let exec = match saved {
        Some(records) => Executor::resume(study, study.seed, range.start, records),
        None => Executor::new(study, study.seed, range.start),
    };
    let mut exec = exec.reusing(&req.design.same);
    let cp_error = |e: std::io::Error| RunError::Checkpoint {
        path: shown_path(req.checkpoint),
        message: e.to_string(),
    };
    let mut cp = Checkpoint::create(req.checkpoint, &cp_head, exec.records()).map_err(cp_error)?;
    (hooks.started)();
    let mut done = 0;
    let mut held = 0;
    // Each point is appended as it is handed on; the file is synced once a
    // batch, and a stop asked for by a signal takes effect at the end of
    // the batch, whose points are all computed by then.
    // Once the file exists, what it holds survives a failed append (a torn
    // end is dropped on resume).
    let append_error = |e: std::io::Error| RunError::Checkpoint {
        path: shown_path(req.checkpoint),
        message: format!(
            "{e}; the design points saved before are kept: make room and continue with --resume"
        ),
    };
    let mut after = |point: usize, recs: &[PointRecords], last_of_batch: bool| {
        cp.append(point, &recs[point]).map_err(append_error)?;
        done += 1;
        held = recs[point].rows.len();
        let requested = req.stop_after_points.is_some_and(|k| done >= k);
        if last_of_batch || requested {
            cp.sync().map_err(append_error)?;
        }
        if requested || (last_of_batch && hooks.stop.load(Ordering::Relaxed)) {
            Err(RunError::Stopped { point })
        } else {
            Ok(())
        }
    };
    let outcome = exec.run(range.end, req.target, hooks.tick, &mut after);
    if outcome.is_err() {
        // The points appended since the last batch's sync are kept too.
        let _ = cp.sync();
    }
    let (end, report) = match outcome {
        Err(RunError::Stopped { point }) => {
            return Ok(SweepOutcome::Interrupted { point, replications: held });
        }
        other => other?,
    };
    let records = exec.into_records(end);
    let header = cp_head.header;
    // The points' scenarios differ in swept values only, never in cargo, so
    // the scenario as written gives every KPI's unit.
    let names: BTreeSet<&String> = records.iter().flat_map(|r| &r.kpi_names).collect();
    let units = kpi_units(&study.plan, names);
    Ok(match req.shard {
        Some(shard) => SweepOutcome::Shard {
            part: PartialDoc::new(shard, header, records, units),
            checkpoint: cp,
        },
        None => SweepOutcome::Whole {
            result: SweepResult { header, records, units, target: report },
            checkpoint: cp,
        },
    })
}

/// The records of the checkpoint to resume from, if `resume` was asked for
/// and one exists.
fn saved_records(
    req: &SweepRequest<'_>,
    head: &CheckpointHeader,
    resumed: &(dyn Fn(Resumed) + Sync),
) -> Result<Option<Vec<PointRecords>>, SweepError> {
    if !req.resume {
        return Ok(None);
    }
    if !req.checkpoint.exists() {
        resumed(Resumed::NoCheckpoint);
        return Ok(None);
    }
    let (records, torn) = checkpoint::load(req.checkpoint, head)?;
    // The names are those caspian writes (checked as read); here, those of
    // each point's own scenario, so that a name added or left out by hand
    // with its values is refused, not summarised (a point whose scenario
    // does not compile fails as the sweep runs it).
    let wrong = records.par_iter().enumerate().find_first(|(p, rec)| {
        !rec.rows.is_empty()
            && req
                .study
                .point_plan(*p)
                .is_ok_and(|plan| plan.kpi_layout().names() != rec.kpi_names.as_slice())
    });
    if let Some((point, _)) = wrong {
        let path = shown_path(req.checkpoint);
        return Err(CheckpointError::PointNames { path, point }.into());
    }
    let held: usize = records.iter().map(|r| r.rows.len()).sum();
    resumed(Resumed::From { held, torn });
    Ok(Some(records))
}
