//! `--checkpoint FILE` of `run` and `compare` (and what `optimize`'s says): every replication saved as
//! it is computed ([`caspian_montecarlo::journal`]), so that the same
//! command run again after an interruption goes on from where it stopped,
//! and ends with the results an uninterrupted run gives, bit for bit.

use std::path::Path;

use caspian_montecarlo::journal::Journal;
use caspian_montecarlo::shown_path;

use crate::common::note;
use crate::failure::Failure;

/// Opens the checkpoint at `path`, if one was asked for: reads what an
/// earlier run saved there, and from now on an interruption says that the
/// file keeps what was computed. Call it after every check of the input,
/// so that a refusal leaves no file behind. `stop_after` is the testing
/// aid `--interrupt-after-saves`.
///
/// # Errors
/// [`Failure::Input`] for a file that is not such a checkpoint (left as it
/// is), is damaged, or cannot be written.
pub(crate) fn open(
    path: Option<&Path>,
    stop_after: Option<u64>,
) -> Result<Option<Journal>, Failure> {
    let Some(path) = path else { return Ok(None) };
    let mut journal = Journal::open(path).map_err(|e| Failure::Input(e.to_string()))?;
    if let Some(saves) = stop_after {
        journal.stop_after_saves(saves);
    }
    say_passed_over(&journal);
    say_kept(path);
    Ok(Some(journal))
}

/// Warns of the incomplete parts of a joined checkpoint that were passed
/// over: their replications are computed again, so the results stay exact,
/// but a part may have been joined damaged (a shard killed or crashed
/// mid-write, or another file).
pub(crate) fn say_passed_over(journal: &Journal) {
    let path = shown_path(journal.path());
    for &(first, header) in journal.passed_over() {
        let place = if first == header {
            format!("at line {first}, run on into the next part's header,")
        } else {
            format!("from line {first} up to the next part's header at line {header}")
        };
        note(
            false,
            &format!(
                "warning: checkpoint {path}: an incomplete part (torn, or zero bytes) {place} was \
                 passed over; whatever replications it held are computed again"
            ),
        );
    }
}

/// From now on, an interruption says that the checkpoint at `path` keeps
/// what was computed (also for `optimize --checkpoint`).
pub(crate) fn say_kept(path: &Path) {
    crate::signals::say_when_stopped(Some(format!(
        "caspian: checkpoint {} keeps the replications computed so far: run the same command \
         again to go on from them",
        shown_path(path)
    )));
}

/// After every result file is written: deletes the checkpoint (needed
/// only to resume) unless it holds replications this command did not use,
/// and says how many replications (`reused`) it gave, if any.
pub(crate) fn close(journal: Option<Journal>, reused: u64, quiet: bool) {
    let Some(journal) = journal else { return };
    let journal_filled = journal.filled();
    // Whatever happens now, the checkpoint keeps nothing to resume.
    crate::signals::say_when_stopped(None);
    let path = shown_path(journal.path());
    let full = journal.full();
    match journal.finish() {
        Ok(true) => {}
        Ok(false) => {
            note(
                quiet,
                &format!(
                    "checkpoint {path} kept: it holds replications this command did not use (of \
                     other scenarios, seeds or builds of caspian, or outside those asked for); \
                     delete it once no command needs them"
                ),
            );
            if full {
                note(
                    false,
                    &format!(
                        "warning: checkpoint {path} reached the 2 GiB a checkpoint can be read \
                         back at: the replications computed after that were not saved"
                    ),
                );
            }
        }
        Err(e) => note(false, &format!("warning: cannot delete the checkpoint {path}: {e}")),
    }
    if reused > 0 {
        let filled = match journal_filled {
            0 => String::new(),
            n => format!(
                "; {} missing between them computed",
                caspian_report::units::replications(n)
            ),
        };
        note(
            quiet,
            &format!(
                "{} read from the checkpoint{filled}",
                caspian_report::units::replications(reused)
            ),
        );
    }
}

/// Bytes a checkpoint takes a replication of `kpis` KPIs, a little more
/// than measured (5,299 for the baseline's 467: docs/guarantees.md).
fn bytes_a_replication(kpis: usize) -> u64 {
    12 * kpis as u64 + 100
}

/// Refuses a checkpoint already larger than what can be read back (2 GiB);
/// otherwise returns its size in bytes (0: none yet). For `optimize`,
/// whose replications are not known up front (a checkpoint that fills up
/// meanwhile stops saving: [`close`] says so).
///
/// # Errors
/// [`Failure::Input`] saying to delete it.
pub(crate) fn check_held(path: Option<&Path>) -> Result<u64, Failure> {
    let Some(path) = path else { return Ok(0) };
    let held = std::fs::metadata(path).map_or(0, |m| m.len());
    if held > caspian_montecarlo::input::InputKind::Result.cap() {
        return Err(Failure::Input(format!(
            "--checkpoint {}: the file is {:.1} GB already, more than the 2 GiB a checkpoint can \
             be read back at; delete it, or give another --checkpoint",
            shown_path(path),
            held as f64 / 1e9
        )));
    }
    Ok(held)
}

/// Refuses a checkpoint that `replications` replications of at most
/// `kpis` KPIs would make larger than what can be read back (2 GiB), or
/// that is already larger.
///
/// # Errors
/// [`Failure::Input`] saying how to split the work.
pub(crate) fn check_size(
    path: Option<&Path>,
    replications: u64,
    kpis: usize,
) -> Result<(), Failure> {
    let Some(path) = path else { return Ok(()) };
    let cap = caspian_montecarlo::input::InputKind::Result.cap();
    // What the file holds already stays in it; it may be these very
    // replications (the shards of a comparison joined), so the larger of
    // the two counts, not their sum.
    let held = check_held(Some(path))?;
    let bytes = replications.saturating_mul(bytes_a_replication(kpis)).max(held);
    if bytes <= cap {
        return Ok(());
    }
    Err(Failure::Input(format!(
        "--checkpoint: {} of {kpis} KPIs would make a checkpoint of about {:.1} GB, more than the \
         2 GiB one can be read back at; split the work (`run --shard K/N`, fewer scenarios a \
         comparison) or leave out --checkpoint",
        caspian_report::units::replications(replications),
        bytes as f64 / 1e9
    )))
}
