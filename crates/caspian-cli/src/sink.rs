//! Where a result file goes: a file written atomically, or standard output
//! for `-` (`caspian run --json - | jq ...`).
//!
//! A result sent to standard output keeps the guarantee of a file: nothing
//! of it is printed until every result file of the command is in place
//! ([`crate::common::commit_outputs`]) and its checkpoint is cleaned up, so
//! a command that fails on the way (a full disk) prints no half of it, and
//! a reader that stops early (`| head`) leaves nothing behind. Until then
//! it is held in memory. It is printed where the table would have been
//! ([`crate::terminal::out`]), or when the command ends ([`release`] from
//! `main`, for a shard, which prints no table).
//! At most one result per command can go there (the check is in
//! [`crate::common::check_files`]), and the table a command prints goes to
//! standard error instead ([`crate::terminal::out`]).

use std::io::{self, Write};
use std::path::Path;
use std::sync::Mutex;

use caspian_montecarlo::atomic::AtomicFile;

use crate::common::cannot_write;
use crate::failure::Failure;

/// The options whose result may go to standard output: the data a pipe
/// reads. Reports and charts are files with names of their own.
/// (`--output` is `optimize`'s JSON.)
pub(crate) const TO_STDOUT_OK: [&str; 4] = ["--json", "--csv", "--tidy-csv", "--output"];

/// Whether `path` is `-`, standard output.
pub(crate) fn is_stdout(path: &Path) -> bool {
    path == Path::new("-")
}

/// How a message names where a result went: its path, or "standard
/// output" for `-`.
pub(crate) fn shown(path: &Path) -> String {
    if is_stdout(path) { "standard output".into() } else { caspian_montecarlo::shown_path(path) }
}

/// A result being written: to a file ([`AtomicFile`]) or, for `-`, to
/// memory, printed once the command's files are in place.
#[derive(Debug)]
pub(crate) enum Sink {
    /// A file, renamed into place when committed (with its output set).
    File(AtomicFile),
    /// The bytes for standard output.
    Stdout(Vec<u8>),
}

/// The result held for standard output until [`release`].
static HELD: Mutex<Option<Vec<u8>>> = Mutex::new(None);

impl Sink {
    /// Starts writing `path` (`-`: standard output).
    pub(crate) fn create(path: &Path) -> Result<Self, Failure> {
        if is_stdout(path) {
            return Ok(Self::Stdout(Vec::new()));
        }
        AtomicFile::create(path).map(Self::File).map_err(|e| cannot_write(path, e))
    }

    /// Finishes the result: a file joins its command's output set (or is
    /// renamed into place); standard output's bytes wait for [`release`].
    pub(crate) fn commit(self, path: &Path) -> Result<(), Failure> {
        match self {
            Self::File(file) => file.commit().map_err(|e| cannot_write(path, e)),
            Self::Stdout(bytes) => {
                *HELD.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(bytes);
                Ok(())
            }
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::File(f) => f.write(buf),
            Self::Stdout(v) => v.write(buf),
        }
    }
    // Not the default: serde_json writes a document in many small pieces
    // through `write_all`, and the buffered file's own `write_all` is the
    // fast path (without it a run's JSON costs measurably more: the
    // instruction guard's `mmc_run` rose 7%).
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Self::File(f) => f.write_all(buf),
            Self::Stdout(v) => v.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::File(f) => f.flush(),
            Self::Stdout(_) => Ok(()),
        }
    }
}

/// Prints the result held for standard output, if any (after the
/// command's files are in place). A closed pipe ends the command quietly,
/// as for a table ([`crate::terminal`]).
pub(crate) fn release() -> Result<(), Failure> {
    let held = HELD.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
    match held {
        Some(bytes) => crate::terminal::out_bytes(&bytes),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_lone_dash_is_standard_output() {
        assert!(is_stdout(Path::new("-")));
        assert!(!is_stdout(Path::new("./-")));
        assert!(!is_stdout(Path::new("--")));
        assert!(!is_stdout(Path::new("-.json")));
    }

    #[test]
    fn a_result_for_standard_output_is_held_until_released() {
        let mut sink = Sink::create(Path::new("-")).unwrap();
        sink.write_all(b"{\"a\": 1}\n").unwrap();
        assert!(matches!(&sink, Sink::Stdout(v) if v == b"{\"a\": 1}\n"));
        sink.commit(Path::new("-")).unwrap();
        let held = HELD.lock().unwrap().take();
        assert_eq!(held.as_deref(), Some(&b"{\"a\": 1}\n"[..]));
    }
}
