//! Replications saved as they are computed, so that an interrupted `run`,
//! `compare` or `optimize` resumes where it stopped.
//!
//! A journal is a JSON Lines file: a header line, then one line per batch
//! of rows of one scenario. A scenario is named by its *key*, the SHA-256
//! of everything that determines its replications: the compiled scenario
//! (every value the model reads, the random streams of a twin's
//! disruptions too), the master seed and the program itself ([`key`]). A
//! replication is a pure function of its scenario, seed and index, so a
//! row saved under a key is the row a rerun would compute, and a resumed
//! command ends bit-identical to an uninterrupted one. Keys also let
//! commands share a journal: a comparison rerun with one policy more, or
//! with more replications, reads what the first saved.
//!
//! The file is read as a sweep's checkpoint is ([`crate::checkpoint`]): a
//! torn last line (a kill mid-write) or a tail of zero bytes (a crash of
//! the machine before the data reached the disk) is cut off and computed
//! again, and every value is checked against what its KPI can take
//! (`read.rs`). It is then appended to in place, never rewritten, under an
//! exclusive lock that a second command opening it meets and refuses;
//! lines are synced to disk once a batch of replications (`execute.rs`),
//! every few dozen replications a thread ([`SAVE_EVERY_PER_THREAD`]).

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use caspian_shipping::CompiledScenario;

use crate::input::{InputError, InputKind, read_text};
use crate::records::{PointRecords, Row};
use crate::shown_path;

mod read;
mod run;

pub use run::run_saved;

/// The `kind` of a journal's header line.
pub const KIND: &str = "replication_journal";

/// Replications a journaled run computes per worker thread between saves:
/// an interruption loses at most this many a thread (with the batch in
/// progress), and the saves cost nothing measurable beside the
/// replications (a few dozen a thread take a second or more).
pub const SAVE_EVERY_PER_THREAD: u64 = 32;

/// The first line of a journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Header {
    /// Always [`KIND`].
    kind: String,
}

/// Rows computed for one scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Batch {
    /// The scenario's [`key`].
    key: String,
    /// Its KPI names, in the order of every row's values.
    kpi_names: Vec<String>,
    /// The rows, in replication order.
    rows: Vec<Row>,
    /// The rows' [`crate::seal`] under their key.
    #[serde(default)]
    seal: String,
}

impl Batch {
    /// The rows saved under `key` with their names, sealed.
    fn new(key: &str, kpi_names: &[String], rows: &[Row]) -> Self {
        let seal = crate::seal::seal(key, kpi_names, rows);
        Self { key: key.into(), kpi_names: kpi_names.to_vec(), rows: rows.to_vec(), seal }
    }
}

/// The rows held for one scenario.
#[derive(Debug, Clone, Default)]
struct Held {
    kpi_names: Vec<String>,
    rows: BTreeMap<u64, Row>,
}

/// A journal that cannot be opened, read back or written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum JournalError {
    /// The file cannot be read: not a regular file, too large, not UTF-8
    /// text, or the I/O error.
    #[error("cannot read checkpoint {path}: {source}")]
    Read {
        /// The file, as displayed.
        path: String,
        /// Why not.
        source: InputError,
    },
    /// The file holds something else; it is left as it is.
    #[error(
        "{path} is not a checkpoint of `caspian run`, `compare` or `optimize` ({what}); it is left \
         as it is: give another --checkpoint"
    )]
    NotAJournal {
        /// The file, as displayed.
        path: String,
        /// What was found instead.
        what: String,
    },
    /// Another command has the file open.
    #[error(
        "checkpoint {path} is in use by another caspian command; wait for it to end, or give \
         another --checkpoint"
    )]
    InUse {
        /// The file, as displayed.
        path: String,
    },
    /// A line before the last is damaged, or a value is one no
    /// replication can give.
    #[error("checkpoint {path} line {line}: {what}; delete it to start afresh")]
    Damaged {
        /// The file, as displayed.
        path: String,
        /// The line number, from 1.
        line: usize,
        /// What is wrong.
        what: String,
    },
    /// Rows saved under a scenario's key that do not fit the scenario (a
    /// hand-edited file).
    #[error("checkpoint {path}: {what}; delete it to start afresh")]
    Unfit {
        /// The file, as displayed.
        path: String,
        /// What does not fit.
        what: String,
    },
    /// The file cannot be written.
    #[error("cannot write checkpoint {path}: {message}")]
    Write {
        /// The file, as displayed.
        path: String,
        /// The OS message.
        message: String,
    },
}

/// What identifies the running program: the SHA-256 of its executable,
/// so that a rebuild with any change (to the model or anything else) makes
/// other keys. Where the executable cannot be read, a value of this
/// process alone: nothing is shared, and nothing is mixed up.
fn program() -> &'static str {
    static PROGRAM: OnceLock<String> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        use sha2::{Digest, Sha256};
        match std::env::current_exe().and_then(fs::read) {
            Ok(bytes) => caspian_shipping::resolve::hex(&Sha256::digest(&bytes)),
            Err(_) => {
                format!("process {} at {:?}", std::process::id(), std::time::SystemTime::now())
            }
        }
    })
}

/// The key of a scenario's replications under `seed`: the SHA-256 of the
/// compiled scenario as a whole (its `Debug` text, which prints every
/// field, floats exactly), the seed and the program (its
/// executable's SHA-256). Two scenarios with one key run the same
/// replications; any change to what the model reads makes another key,
/// and at worst (a `Debug` text that changes with the compiler) a row is
/// computed again, never mixed up.
pub fn key(plan: &CompiledScenario, seed: u64) -> String {
    let text = format!(
        "{plan:?}\nseed {seed}\nversion {}\nprogram {}\n",
        env!("CARGO_PKG_VERSION"),
        program()
    );
    crate::study::sha256_hex(&text)
}

/// An open journal: the rows it held when opened (until they are taken),
/// and the file, locked and appended to.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    held: BTreeMap<String, Held>,
    /// Replications read back instead of simulated, of those asked for.
    reused: u64,
    /// Replications computed because they were missing between rows held.
    filled: u64,
    /// Whether rows taken were left unused (beyond the replications asked
    /// for, or after a gap): the file then has more to give than this
    /// command took, and is kept.
    unused: bool,
    /// Saves (syncs) so far, and after how many to stop ([`Journal::stop_after_saves`]).
    saves: (u64, Option<u64>),
    /// The incomplete parts passed over when it was read ([`Journal::passed_over`]).
    passed_over: Vec<(usize, usize)>,
    /// The file's length in bytes, and whether a batch was left unsaved
    /// because it would have taken the file past what can be read back
    /// ([`Journal::full`]).
    len: u64,
    full: bool,
}

impl Journal {
    /// Opens the journal at `path`, creating it if there is none: locks it
    /// (a second command opening it is refused until the first ends),
    /// reads the rows it holds, cuts off an incomplete end, and appends
    /// from then on. A file that is not a journal is refused and left as it
    /// is; an empty one, or one of zero bytes only (a crash before its
    /// header reached the disk), is started afresh.
    ///
    /// # Errors
    /// [`JournalError`] when the file cannot be read or written, is in use,
    /// is not a journal, or is damaged before its last line.
    pub fn open(path: &Path) -> Result<Self, JournalError> {
        let name = || shown_path(path);
        let write = |e: io::Error| JournalError::Write { path: name(), message: e.to_string() };
        let existed = path.exists();
        // Appending never changes what is there; the lock comes before the
        // reading, so no other command appends meanwhile.
        let file = lock(path).map_err(|e| match e {
            TryLockError::WouldBlock => JournalError::InUse { path: name() },
            TryLockError::Error(e) => write(e),
        })?;
        // A file this call created and could not start (a full disk) is not
        // left behind: the user never had it. Deleted while still locked
        // (the clone holds the lock), and where a link led, not the link,
        // as `finish` deletes.
        let held = file.try_clone().ok();
        Self::read_locked(path, file).inspect_err(|_| {
            if !existed && let Ok(target) = crate::atomic::resolve_links(path) {
                let _ = fs::remove_file(target);
            }
            drop(held);
        })
    }

    /// [`Journal::open`] once the file at `path` is locked.
    fn read_locked(path: &Path, mut file: File) -> Result<Self, JournalError> {
        let name = || shown_path(path);
        let write = |e: io::Error| JournalError::Write { path: name(), message: e.to_string() };
        let text = read_text(path, InputKind::Result)
            .map_err(|source| JournalError::Read { path: name(), source })?;
        let found = read::parse(&text).map_err(|e| e.at(name()))?;
        if found.keep < text.len() {
            file.set_len(found.keep as u64).map_err(write)?;
        }
        if found.keep == 0 {
            let mut line = serde_json::to_string(&Header { kind: KIND.into() })
                .map_err(|e| write(io::Error::other(e)))?;
            line.push('\n');
            file.write_all(line.as_bytes()).map_err(write)?;
        } else if !text[..found.keep].ends_with('\n') {
            file.write_all(b"\n").map_err(write)?;
        }
        file.sync_data().map_err(write)?;
        let len = file.metadata().map_err(write)?.len();
        Ok(Self {
            path: path.to_path_buf(),
            file,
            held: found.held,
            reused: 0,
            filled: 0,
            unused: false,
            saves: (0, None),
            passed_over: found.passed_over,
            len,
            full: false,
        })
    }

    /// Whether rows were left unsaved because they would have taken the
    /// file past 2 GiB, the most a checkpoint can be read back at: from
    /// the first such batch on, nothing more is saved (the command goes
    /// on; an interruption then loses what was not saved).
    pub fn full(&self) -> bool {
        self.full
    }

    /// The incomplete parts of a joined file passed over when it was read
    /// (a shard torn by a kill, or zero bytes where a crash kept its last
    /// writes from the disk, followed by the next part's header): each as
    /// the first line (from 1) that did not parse and the line of the next
    /// header. Whatever rows they held are computed again; the file's torn
    /// end, cut off, is not among them.
    pub fn passed_over(&self) -> &[(usize, usize)] {
        &self.passed_over
    }

    /// The file, as the user named it.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replications read back so far instead of simulated (of those the
    /// commands asked for: rows held beyond them are not counted).
    pub fn reused(&self) -> u64 {
        self.reused
    }

    /// Replications computed so far because they were missing between
    /// rows held (a shard of a comparison not run or killed): the rows
    /// after them are read all the same.
    pub fn filled(&self) -> u64 {
        self.filled
    }

    /// A testing aid: a run stops with [`crate::error::RunError::Stopped`]
    /// once it has saved `saves` times (a save: the rows of a batch,
    /// synced), as an interruption would stop it then.
    pub fn stop_after_saves(&mut self, saves: u64) {
        self.saves.1 = Some(saves);
    }

    /// The error of a failed write: what was saved before is kept.
    fn fail(&self, e: io::Error) -> crate::error::RunError {
        crate::error::RunError::Checkpoint {
            path: shown_path(&self.path),
            message: format!(
                "{e}; the replications saved before are kept: make room and run the same command \
                 again to go on from them"
            ),
        }
    }

    /// Syncs what was appended (a save), and stops the run once as many
    /// saves as [`stop_after_saves`](Self::stop_after_saves) asked for are
    /// made (`point`: the design point just saved).
    fn saved(&mut self, point: usize) -> Result<(), crate::error::RunError> {
        self.sync().map_err(|e| self.fail(e))?;
        self.saves.0 += 1;
        if self.saves.1.is_some_and(|n| self.saves.0 >= n) {
            return Err(crate::error::RunError::Stopped { point });
        }
        Ok(())
    }

    /// Every row held for `key`, by replication index, with the KPI names
    /// (none held: empty); handed over as [`take`](Self::take) does.
    pub(crate) fn take_all(&mut self, key: &str) -> (Vec<String>, BTreeMap<u64, Row>) {
        self.held.remove(key).map_or_else(Default::default, |h| (h.kpi_names, h.rows))
    }

    /// Flushes what was appended to disk.
    pub(crate) fn sync(&mut self) -> io::Result<()> {
        self.file.sync_data()
    }

    /// Appends `rows` of the scenario `key` (not synced: [`sync`](Self::sync)),
    /// unless that would take the file past what can be read back
    /// ([`full`](Self::full)).
    pub(crate) fn append(
        &mut self,
        key: &str,
        kpi_names: &[String],
        rows: &[Row],
    ) -> io::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        if self.full {
            return Ok(());
        }
        let batch = Batch::new(key, kpi_names, rows);
        let mut line = serde_json::to_string(&batch).map_err(io::Error::other)?;
        line.push('\n');
        let len = self.len + line.len() as u64;
        if len > InputKind::Result.cap() {
            self.full = true;
            return Ok(());
        }
        self.file.write_all(line.as_bytes())?;
        self.len = len;
        Ok(())
    }

    /// Ends the journal once the command wrote its results: deleted
    /// (through a symbolic link, the file it points at; the link stays,
    /// dangling) when it holds nothing this command did not use, kept
    /// otherwise (rows of other scenarios or seeds, or beyond the
    /// replications asked for), for the commands they belong to. Returns
    /// whether it was deleted.
    ///
    /// # Errors
    /// The I/O error of the deletion.
    pub fn finish(self) -> io::Result<bool> {
        if self.unused || !self.held.is_empty() {
            return Ok(false);
        }
        // Deleted while still locked: a command that opens the name
        // meanwhile waits for the lock, then finds the name gone ([`lock`]).
        fs::remove_file(crate::atomic::resolve_links(&self.path)?)?;
        drop(self.file);
        Ok(true)
    }

    /// Notes that rows read back were left unused (by a caller that takes
    /// them with [`take_all`](Self::take_all)): the file is kept.
    pub(crate) fn left_unused(&mut self) {
        self.unused = true;
    }
}

/// The rows of `rows` from replication `first` on, as far as they run
/// without a gap, with their KPI names (none when there is no row), and
/// whether any row was left out (before `first`, or after a gap).
fn consecutive(
    kpi_names: Vec<String>,
    rows: BTreeMap<u64, Row>,
    first: u64,
) -> (PointRecords, bool) {
    let all = rows.len();
    let rows: Vec<Row> = rows
        .into_iter()
        .skip_while(|&(r, _)| r < first)
        .enumerate()
        .take_while(|&(i, (r, _))| r == first + i as u64)
        .map(|(_, (_, row))| row)
        .collect();
    let left = rows.len() < all;
    let kpi_names = if rows.is_empty() { Vec::new() } else { kpi_names };
    (PointRecords { kpi_names, rows }, left)
}

/// Opens the file at `path` (created if missing) for reading and appending
/// and takes its exclusive lock. A command that finished deletes its file
/// while holding the lock, so a file locked here may have lost its name
/// meanwhile: then the name is opened again (a new file, or another
/// command's), a few times at most.
fn lock(path: &Path) -> Result<File, TryLockError> {
    for _ in 0..8 {
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(TryLockError::Error)?;
        file.try_lock()?;
        if still_named(&file, path).map_err(TryLockError::Error)? {
            return Ok(file);
        }
    }
    Err(TryLockError::WouldBlock)
}

/// Whether `path` still names the open `file` (the same device and inode;
/// elsewhere than on unix, assumed).
fn still_named(file: &File, path: &Path) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let (open, named) = (file.metadata()?, fs::metadata(path));
        Ok(named.is_ok_and(|n| n.dev() == open.dev() && n.ino() == open.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        Ok(true)
    }
}

#[cfg(test)]
mod tests;
