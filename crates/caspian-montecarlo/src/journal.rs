//! Replications saved as they are computed, so that an interrupted `run`
//! or `compare` resumes where it stopped.
//!
//! A journal is a JSON Lines file: a header line, then one line per batch
//! of rows of one scenario. A scenario is named by its *key*, the SHA-256
//! of everything that determines its replications: the compiled scenario
//! (every value the model reads, the random streams of a twin's
//! disruptions too), the master seed and the program's version
//! ([`key`]). A replication is a pure function of its scenario, seed and
//! index, so a row saved under a key is the row a rerun would compute, and
//! a resumed command ends bit-identical to an uninterrupted one. Keys also
//! let commands share a journal: a comparison rerun with one policy more,
//! or with more replications, reads what the first computed.
//!
//! The file is read as a sweep's checkpoint is ([`crate::checkpoint`]): a
//! torn last line (a kill mid-write) or a tail of zero bytes (a crash of
//! the machine before the data reached the disk) is dropped and computed
//! again, and every value is checked against what its KPI can take. On
//! opening, the file is rewritten, atomically, with what it held, and
//! appended to from then on; lines are synced to disk once a batch of
//! replications (`execute.rs`), every few dozen replications a thread
//! ([`SAVE_EVERY_PER_THREAD`]).

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use caspian_shipping::CompiledScenario;

use crate::error::RunError;
use crate::execute::Executor;
use crate::input::{InputError, InputKind, read_text};
use crate::rare::KpiRange;
use crate::records::{PointRecords, Row};
use crate::sequential::{Target, TargetReport};
use crate::shown_path;
use crate::validate::{cap, value_problem};

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
}

/// The rows held for one scenario.
#[derive(Debug, Clone, Default)]
struct Held {
    kpi_names: Vec<String>,
    rows: BTreeMap<u64, Row>,
}

/// A journal that cannot be opened or read back.
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
        "{path} is not a checkpoint of `caspian run` or `caspian compare` ({what}); it is left as \
         it is: give another --checkpoint"
    )]
    NotAJournal {
        /// The file, as displayed.
        path: String,
        /// What was found instead.
        what: String,
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
    /// The file cannot be written.
    #[error("cannot write checkpoint {path}: {message}")]
    Write {
        /// The file, as displayed.
        path: String,
        /// The OS message.
        message: String,
    },
}

/// The key of a scenario's replications under `seed`: the SHA-256 of the
/// compiled scenario as a whole (its `Debug` text, which prints every
/// field, floats exactly), the seed and the program's version. Two
/// scenarios with one key run the same replications; any change to what
/// the model reads makes another key, and at worst (a `Debug` text that
/// changes with the compiler) a row is computed again, never mixed up.
pub fn key(plan: &CompiledScenario, seed: u64) -> String {
    let text = format!("{plan:?}\nseed {seed}\nversion {}\n", env!("CARGO_PKG_VERSION"));
    crate::study::sha256_hex(&text)
}

/// An open journal: the rows it held when opened (until they are taken),
/// and the file, appended to.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    held: BTreeMap<String, Held>,
    /// Replications read back instead of simulated, of those asked for.
    reused: u64,
    /// Saves (syncs) so far, and after how many to stop ([`Journal::stop_after_saves`]).
    saves: (u64, Option<u64>),
}

impl Journal {
    /// Opens the journal at `path`: reads the rows of one that exists (a
    /// file that is not a journal is refused and left as it is), rewrites
    /// it atomically with them, and opens it for appending. A new file is
    /// created with its header alone.
    ///
    /// # Errors
    /// [`JournalError`] when the file cannot be read or written, is not a
    /// journal, or is damaged before its last line.
    pub fn open(path: &Path) -> Result<Self, JournalError> {
        let held = if path.exists() { load(path)? } else { BTreeMap::new() };
        let write =
            |e: io::Error| JournalError::Write { path: shown_path(path), message: e.to_string() };
        let encode = |e: serde_json::Error| write(io::Error::other(e));
        let mut text = serde_json::to_string(&Header { kind: KIND.into() }).map_err(encode)?;
        text.push('\n');
        for (key, h) in &held {
            let rows = h.rows.values().cloned().collect();
            let batch = Batch { key: key.clone(), kpi_names: h.kpi_names.clone(), rows };
            text.push_str(&serde_json::to_string(&batch).map_err(encode)?);
            text.push('\n');
        }
        crate::atomic::write_atomic(path, text.as_bytes()).map_err(write)?;
        // Not a result: an interruption does not list it among the files
        // complete (the command that opened it says what it keeps).
        crate::atomic::forget(path);
        let file = OpenOptions::new().append(true).open(path).map_err(write)?;
        Ok(Self { path: path.to_path_buf(), file, held, reused: 0, saves: (0, None) })
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

    /// A testing aid: a run stops with [`RunError::Stopped`] once it has
    /// saved `saves` times (a save: the rows of a batch, synced), as an
    /// interruption would stop it then.
    pub fn stop_after_saves(&mut self, saves: u64) {
        self.saves.1 = Some(saves);
    }

    /// The rows held for `key` from replication 0 on, as far as they run
    /// without a gap; they are handed over (the journal keeps them on
    /// disk, not in memory).
    fn take(&mut self, key: &str) -> PointRecords {
        let Some(held) = self.held.remove(key) else { return PointRecords::default() };
        let rows: Vec<Row> = held
            .rows
            .into_iter()
            .enumerate()
            .take_while(|&(i, (r, _))| r == i as u64)
            .map(|(_, (_, row))| row)
            .collect();
        let kpi_names = if rows.is_empty() { Vec::new() } else { held.kpi_names };
        PointRecords { kpi_names, rows }
    }

    /// Appends `rows` of the scenario `key` (not synced: [`sync`](Self::sync)).
    fn append(&mut self, key: &str, kpi_names: &[String], rows: &[Row]) -> io::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let batch = Batch { key: key.into(), kpi_names: kpi_names.to_vec(), rows: rows.to_vec() };
        let mut line = serde_json::to_string(&batch).map_err(io::Error::other)?;
        line.push('\n');
        self.file.write_all(line.as_bytes())
    }

    /// Deletes the journal (the command finished and wrote its results):
    /// through a symbolic link, the file it points at (the link stays,
    /// dangling).
    ///
    /// # Errors
    /// The I/O error.
    pub fn remove(self) -> io::Result<()> {
        drop(self.file);
        crate::atomic::forget(&self.path);
        fs::remove_file(crate::atomic::resolve_links(&self.path)?)
    }
}

/// Reads the rows of the journal at `path`, by key.
fn load(path: &Path) -> Result<BTreeMap<String, Held>, JournalError> {
    let name = || shown_path(path);
    let text = read_text(path, InputKind::Result)
        .map_err(|source| JournalError::Read { path: name(), source })?;
    let (lines, _) = crate::checkpoint::journal_lines(&text);
    let not_one = |what: String| JournalError::NotAJournal { path: name(), what };
    let Some(first) = lines.first() else {
        // Empty, or zero bytes only: a crash before the header reached the
        // disk. Nothing to keep, and nothing of anyone else's to lose.
        return if text.is_empty() || text.starts_with('\0') {
            Ok(BTreeMap::new())
        } else {
            Err(not_one("no header line".into()))
        };
    };
    match serde_json::from_str::<Header>(first) {
        Ok(h) if h.kind == KIND => {}
        Ok(h) => return Err(not_one(format!("its first line is of kind \"{}\"", h.kind))),
        Err(_) => return Err(not_one("its first line is no checkpoint header".into())),
    }
    let mut held: BTreeMap<String, Held> = BTreeMap::new();
    for (i, line) in lines.iter().enumerate().skip(1) {
        let damaged = |what: String| JournalError::Damaged { path: name(), line: i + 1, what };
        let batch: Batch = match serde_json::from_str(line) {
            Ok(b) => b,
            // A torn last line: computed again.
            Err(_) if i == lines.len() - 1 => break,
            Err(e) => return Err(damaged(e.to_string())),
        };
        let h = held.entry(batch.key).or_default();
        if h.kpi_names.is_empty() {
            h.kpi_names = batch.kpi_names;
        } else if h.kpi_names != batch.kpi_names {
            return Err(damaged("the KPI names of a scenario changed".into()));
        }
        let ranges: Vec<KpiRange> = h.kpi_names.iter().map(|k| KpiRange::of(k)).collect();
        for row in batch.rows {
            if row.values.len() != h.kpi_names.len() {
                return Err(damaged("a row has the wrong number of KPIs".into()));
            }
            for ((&v, &range), kpi) in row.values.iter().zip(&ranges).zip(&h.kpi_names) {
                if let Some(problem) = value_problem(v, range) {
                    return Err(damaged(format!("{}: {problem}", cap(kpi))));
                }
            }
            h.rows.insert(row.replication, row);
        }
    }
    Ok(held)
}

/// Runs replications `0..end` of every plan (more with a sequential
/// `target`) under `seed`, as [`Executor::run`] does; with a `journal`,
/// the rows it holds are read instead of simulated (and counted as
/// progress, `tick` once each), and the rest are saved to it as they are
/// computed. Returns the end reached, the target's outcome and the
/// records, cut to the end.
///
/// # Errors
/// As [`Executor::run`], and [`RunError::Checkpoint`] when the journal
/// cannot be written (what it saved before is kept).
pub fn run_saved(
    plans: Vec<&CompiledScenario>,
    seed: u64,
    end: u64,
    target: Option<&Target>,
    tick: &(dyn Fn() + Sync),
    journal: Option<&mut Journal>,
) -> Result<(u64, Option<TargetReport>, Vec<PointRecords>), RunError> {
    let Some(journal) = journal else {
        let mut exec = Executor::new(plans, seed, 0);
        let (end, report) = exec.run(end, target, tick, &mut |_, _, _| Ok(()))?;
        return Ok((end, report, exec.into_records(end)));
    };
    let keys: Vec<String> = plans.iter().map(|p| key(p, seed)).collect();
    let held: Vec<PointRecords> = keys.iter().map(|k| journal.take(k)).collect();
    let initial: Vec<u64> = held.iter().map(|r| r.rows.len() as u64).collect();
    let mut saved: Vec<usize> = held.iter().map(|r| r.rows.len()).collect();
    let read_back: u64 = held.iter().map(|r| (r.rows.len() as u64).min(end)).sum();
    for _ in 0..read_back {
        tick();
    }
    let step = SAVE_EVERY_PER_THREAD.saturating_mul(rayon::current_num_threads() as u64);
    let mut exec = Executor::resume(plans, seed, 0, held).save_every(step);
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
            journal.file.sync_data().map_err(fail)?;
            journal.saves.0 += 1;
            if journal.saves.1.is_some_and(|n| journal.saves.0 >= n) {
                return Err(RunError::Stopped { point });
            }
        }
        Ok(())
    };
    let (end, report) = exec.run(end, target, tick, &mut after)?;
    // The rows read back that the command used (a target may have gone
    // on past the first `end`).
    journal.reused += initial.iter().map(|&n| n.min(end)).sum::<u64>();
    Ok((end, report, exec.into_records(end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("caspian-journal-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir.join("cp.jsonl")
    }

    fn row(replication: u64, value: f64) -> Row {
        Row { replication, events: 7, truncated: false, values: vec![value], saturated: Vec::new() }
    }

    fn names() -> Vec<String> {
        vec!["delivered_total.oil".to_string()]
    }

    #[test]
    fn rows_saved_are_read_back_by_key_up_to_the_first_gap() {
        let path = scratch("gap");
        let mut j = Journal::open(&path).unwrap();
        j.append("a", &names(), &[row(0, 1.0), row(1, 2.0)]).unwrap();
        j.append("b", &names(), &[row(0, 5.0)]).unwrap();
        j.append("a", &names(), &[row(2, 3.0), row(4, 9.0)]).unwrap();
        drop(j);
        let mut j = Journal::open(&path).unwrap();
        let a = j.take("a");
        assert_eq!(a.kpi_names, names());
        let got: Vec<(u64, f64)> = a.rows.iter().map(|r| (r.replication, r.values[0])).collect();
        assert_eq!(got, [(0, 1.0), (1, 2.0), (2, 3.0)], "replication 4 follows a gap");
        assert_eq!(j.take("b").rows.len(), 1);
        assert!(j.take("c").rows.is_empty() && j.take("c").kpi_names.is_empty());
        // Taken from memory, not from the file: reopened, all is there.
        drop(j);
        assert_eq!(Journal::open(&path).unwrap().take("a").rows.len(), 3);
    }

    #[test]
    fn an_incomplete_end_is_dropped_and_damage_before_it_is_refused() {
        let path = scratch("torn");
        let mut j = Journal::open(&path).unwrap();
        j.append("a", &names(), &[row(0, 1.0)]).unwrap();
        j.append("a", &names(), &[row(1, 2.0)]).unwrap();
        drop(j);
        let whole = fs::read_to_string(&path).unwrap();
        // A torn last line; zero bytes where the end never reached the disk.
        fs::write(&path, format!("{whole}{{\"key\":\"a\",\"kpi_na")).unwrap();
        assert_eq!(Journal::open(&path).unwrap().take("a").rows.len(), 2);
        let cut = whole.rfind("{\"key\"").unwrap();
        fs::write(&path, format!("{}\0\0\0{}", &whole[..cut], &whole[cut..])).unwrap();
        assert_eq!(Journal::open(&path).unwrap().take("a").rows.len(), 1);
        // A damaged line before the last is refused, and so is an
        // impossible value.
        let lines: Vec<&str> = whole.lines().collect();
        fs::write(&path, format!("{}\n{{oops\n{}\n", lines[0], lines[1])).unwrap();
        let e = Journal::open(&path).unwrap_err().to_string();
        assert!(e.contains("line 2:") && e.contains("delete it to start afresh"), "{e}");
        fs::write(&path, whole.replace("[1.0]", "[-1.0]")).unwrap();
        let e = Journal::open(&path).unwrap_err().to_string();
        assert!(e.contains("line 2: delivered_total.oil: -1"), "{e}");
        // Zero bytes only (a crash before the header reached the disk).
        fs::write(&path, "\0\0\0\0").unwrap();
        assert!(Journal::open(&path).unwrap().take("a").rows.is_empty());
    }

    #[test]
    fn another_file_is_refused_and_left_as_it_is() {
        let path = scratch("other");
        for (text, says) in [
            ("x,y\n1,2\n", "no checkpoint header"),
            ("{\"kind\":\"checkpoint\"}\n", "kind \"checkpoint\""),
            ("{\n  \"kind\": \"run\"\n}\n", "no checkpoint header"),
        ] {
            fs::write(&path, text).unwrap();
            let e = Journal::open(&path).unwrap_err().to_string();
            assert!(e.contains("is not a checkpoint") && e.contains(says), "{text}: {e}");
            assert_eq!(fs::read_to_string(&path).unwrap(), text);
        }
    }

    #[test]
    fn the_key_changes_with_anything_the_model_reads_and_the_seed() {
        let plan =
            crate::study::Study::single(crate::BASELINE_TOML, "baseline", None).unwrap().plan;
        let mut other = plan.clone();
        other.max_events += 1;
        assert_eq!(key(&plan, 1), key(&plan.clone(), 1));
        assert_ne!(key(&plan, 1), key(&plan, 2));
        assert_ne!(key(&plan, 1), key(&other, 1));
    }
}
