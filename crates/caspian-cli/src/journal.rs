//! `--checkpoint FILE` of `run` and `compare`: every replication saved as
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
    crate::signals::say_when_stopped(format!(
        "caspian: checkpoint {} keeps the replications computed so far: run the same command \
         again to go on from them",
        shown_path(path)
    ));
    Ok(Some(journal))
}

/// After every result file is written: deletes the checkpoint (needed
/// only to resume) and says how many replications it gave, if any.
pub(crate) fn close(journal: Option<Journal>, quiet: bool) {
    let Some(journal) = journal else { return };
    let reused = journal.reused();
    let path = shown_path(journal.path());
    if let Err(e) = journal.remove() {
        note(false, &format!("warning: cannot delete the checkpoint {path}: {e}"));
    }
    if reused > 0 {
        note(
            quiet,
            &format!("{} read from the checkpoint", caspian_report::units::replications(reused)),
        );
    }
}
