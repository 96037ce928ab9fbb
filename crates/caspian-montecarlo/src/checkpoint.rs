//! Checkpoints that let an interrupted sweep resume.
//!
//! A checkpoint is a JSON Lines file: a header line identifying the study
//! (as in a partial result), then one line per batch of replications
//! completed for a design point. Lines are appended as points complete and
//! synced to disk once per batch of points (`execute.rs`), so the cost stays
//! proportional to the work done. A kill can at worst tear the last line,
//! and a crash of the machine can leave what was written since the last
//! sync as zero bytes; loading drops either (`journal_lines`). On
//! resume the file is rewritten, atomically, with the records it held, and
//! work continues from there; because replications are pure functions of
//! their index, the finished sweep equals an uninterrupted one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::atomic;
use crate::document::StudyHeader;
use crate::input::{InputError, InputKind, read_text};
use crate::merge::difference;
use crate::rare::KpiRange;
use crate::records::{PointRecords, Row};
use crate::shard::Shard;
use crate::shown_path;
use crate::validate::{cap, value_problem};

/// The first line of a checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointHeader {
    /// Always `checkpoint`.
    pub kind: String,
    /// The share of replications being run.
    pub shard: Shard,
    /// The study.
    #[serde(flatten)]
    pub header: StudyHeader,
}

/// Rows completed for one design point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Batch {
    point: usize,
    kpi_names: Vec<String>,
    rows: Vec<Row>,
    /// The rows' [`crate::seal`] for their point.
    #[serde(default)]
    seal: String,
}

impl Batch {
    /// The rows of `point` of the study of `header` with their names,
    /// sealed ([`StudyHeader::seal_place`]).
    fn new(header: &StudyHeader, point: usize, kpi_names: &[String], rows: &[Row]) -> Self {
        let seal = crate::seal::seal(&header.seal_place(point), kpi_names, rows);
        Self { point, kpi_names: kpi_names.to_vec(), rows: rows.to_vec(), seal }
    }
}

/// An open checkpoint being appended to.
#[derive(Debug)]
pub struct Checkpoint {
    path: PathBuf,
    file: File,
    saved: Vec<usize>,
    /// The study's header, whose seal places the lines carry.
    header: StudyHeader,
}

impl Checkpoint {
    /// Starts the checkpoint at `path`, replacing any file there, holding
    /// `records` (empty for a fresh start).
    ///
    /// # Errors
    /// The I/O error.
    pub fn create(
        path: &Path,
        head: &CheckpointHeader,
        records: &[PointRecords],
    ) -> io::Result<Self> {
        let mut text = serde_json::to_string(head).map_err(io::Error::other)?;
        text.push('\n');
        for (point, rec) in records.iter().enumerate() {
            if !rec.rows.is_empty() {
                let batch = Batch::new(&head.header, point, &rec.kpi_names, &rec.rows);
                text.push_str(&serde_json::to_string(&batch).map_err(io::Error::other)?);
                text.push('\n');
            }
        }
        atomic::write_atomic(path, text.as_bytes())?;
        let file = OpenOptions::new().append(true).open(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
            saved: records.iter().map(|r| r.rows.len()).collect(),
            header: head.header.clone(),
        })
    }

    /// Appends the rows of `point` not saved yet to the file, without
    /// syncing it ([`sync`](Self::sync) once a batch: a torn last line is
    /// tolerated on resume).
    ///
    /// # Errors
    /// The I/O error.
    pub fn append(&mut self, point: usize, records: &PointRecords) -> io::Result<()> {
        if self.saved.len() <= point {
            self.saved.resize(point + 1, 0);
        }
        let from = self.saved[point];
        if from >= records.rows.len() {
            return Ok(());
        }
        let batch = Batch::new(&self.header, point, &records.kpi_names, &records.rows[from..]);
        let mut line = serde_json::to_string(&batch).map_err(io::Error::other)?;
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.saved[point] = records.rows.len();
        Ok(())
    }

    /// Flushes what was appended to disk.
    ///
    /// # Errors
    /// The I/O error.
    pub fn sync(&mut self) -> io::Result<()> {
        self.file.sync_data()
    }

    /// Deletes the checkpoint (the study finished): through a symbolic
    /// link, the file it points at (the link stays, dangling, and a later
    /// checkpoint by that name is written through it again).
    ///
    /// # Errors
    /// The I/O error.
    pub fn remove(self) -> io::Result<()> {
        drop(self.file);
        crate::atomic::forget(&self.path);
        fs::remove_file(crate::atomic::resolve_links(&self.path)?)
    }

    /// The path of the checkpoint file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Whether the regular file at `path` starts as a checkpoint does (its
/// header's `kind` comes first); reads a few bytes only.
pub fn looks_like_one(path: &Path) -> bool {
    const START: &[u8] = br#"{"kind":"checkpoint""#;
    let mut head = [0; START.len()];
    File::open(path).and_then(|mut f| io::Read::read_exact(&mut f, &mut head)).is_ok()
        && head == START
}

/// A checkpoint that cannot be resumed from.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The file cannot be read: not a regular file, too large, or the I/O
    /// error.
    #[error("cannot read checkpoint {path}: {source}")]
    Read {
        /// The file, as displayed.
        path: String,
        /// Why not.
        source: InputError,
    },
    /// The file is empty.
    #[error("checkpoint {path} is empty (nothing was saved in it); delete it to start afresh")]
    Empty {
        /// The file, as displayed.
        path: String,
    },
    /// The file begins with zero bytes: its header never reached the disk
    /// (a crash before the first sync).
    #[error(
        "checkpoint {path} begins with zero bytes, not a header line (a crash before it was \
         first saved?); delete it to start afresh"
    )]
    Zeroed {
        /// The file, as displayed.
        path: String,
    },
    /// The first line is not a checkpoint header.
    #[error("{path} is not a caspian checkpoint: {source}")]
    NotACheckpoint {
        /// The file, as displayed.
        path: String,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// The header is of another kind of file.
    #[error(
        "{path} is not a sweep's checkpoint: {}; give the sweep a --checkpoint of its own",
        if kind == crate::journal::KIND {
            "it is the checkpoint of `caspian run`, `compare` or `optimize` (kind \"replication_journal\")".to_string()
        } else if crate::validate::RESULT_KINDS.contains(&kind.as_str()) {
            format!("it is a result document (kind \"{kind}\")")
        } else {
            format!("its kind is \"{kind}\"")
        }
    )]
    WrongKind {
        /// The file, as displayed.
        path: String,
        /// The kind found.
        kind: String,
    },
    /// The checkpoint belongs to another study.
    #[error(
        "checkpoint {path} belongs to a different study ({what} differs); to start this \
         study afresh, delete it or give another --checkpoint; to finish the other study, \
         run it again as it was with --resume"
    )]
    OtherStudy {
        /// The file, as displayed.
        path: String,
        /// What differs.
        what: &'static str,
    },
    /// The checkpoint belongs to another shard.
    #[error("checkpoint {path} is for a different --shard")]
    OtherShard {
        /// The file, as displayed.
        path: String,
    },
    /// A line before the last is not JSON of a batch.
    #[error("checkpoint {path} line {line}: {source}")]
    Json {
        /// The file, as displayed.
        path: String,
        /// The line number, from 1.
        line: usize,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// A replication's value no replication can give.
    #[error("checkpoint {path} line {line}: {kpi}: {problem}")]
    Value {
        /// The file, as displayed.
        path: String,
        /// The line number, from 1.
        line: usize,
        /// The KPI.
        kpi: String,
        /// What is wrong with its value.
        problem: String,
    },
    /// KPI names caspian does not write (swapped, repeated or renamed by
    /// hand).
    #[error("checkpoint {path} line {line}: {problem}; the file is damaged")]
    Names {
        /// The file, as displayed.
        path: String,
        /// The line number, from 1.
        line: usize,
        /// What is wrong with the names.
        problem: String,
    },
    /// The KPI names of a design point are not those the scenario has
    /// there (a name added or left out by hand with its values).
    #[error(
        "checkpoint {path}: design point {point} holds other KPIs than its scenario has; the \
         file is damaged: delete it to start afresh"
    )]
    PointNames {
        /// The file, as displayed.
        path: String,
        /// The design point.
        point: usize,
    },
    /// A batch that does not fit the records before it.
    #[error("checkpoint {path} line {line}: {what}")]
    Corrupt {
        /// The file, as displayed.
        path: String,
        /// The line number, from 1.
        line: usize,
        /// What is wrong.
        what: String,
    },
}

/// The lines of a journal (a checkpoint: a header line, then one JSON line
/// per record) as read back after an interruption, and whether its text was
/// cut short. A kill in the middle of a write tears the last line, which
/// the reader then drops. A crash of the machine can also leave the part
/// written since the last sync as zero bytes (the file's length reached
/// the disk, its data did not), and that part need not be only the last
/// line; so the text ends at its first NUL, which no record contains.
/// Whatever is dropped was written after the last sync and is simply
/// computed again: what is kept is the journal as it stood at some moment.
pub(crate) fn journal_lines(text: &str) -> (Vec<&str>, bool) {
    let (kept, cut) = match text.find('\0') {
        Some(at) => (&text[..at], true),
        None => (text, false),
    };
    (kept.lines().collect(), cut)
}

/// Reads the records saved in the checkpoint at `path`, which must belong to
/// the study `expected`. Returns the records per design point and whether
/// an incomplete end was dropped: a torn last line (from a kill
/// mid-write), or a tail of zero bytes from a crash (`journal_lines`).
///
/// # Errors
/// [`CheckpointError`] when the file cannot be read, belongs to another
/// study, or is corrupt beyond its incomplete end.
pub fn load(
    path: &Path,
    expected: &CheckpointHeader,
) -> Result<(Vec<PointRecords>, bool), CheckpointError> {
    let name = || shown_path(path);
    let read = |source| CheckpointError::Read { path: name(), source };
    let text = read_text(path, InputKind::Result).map_err(read)?;
    let (lines, cut) = journal_lines(&text);
    let first = lines.first().ok_or_else(|| {
        if cut {
            CheckpointError::Zeroed { path: name() }
        } else {
            CheckpointError::Empty { path: name() }
        }
    })?;
    // The kind first: another kind of file (a journal of `run`) is named
    // as such, not by the first field it lacks.
    #[derive(Deserialize)]
    struct Kind {
        kind: String,
    }
    // A result document written over several lines is read whole.
    let kind = serde_json::from_str(first).or_else(|_| serde_json::from_str::<Kind>(&text));
    if let Ok(Kind { kind }) = kind
        && kind != "checkpoint"
    {
        return Err(CheckpointError::WrongKind { path: name(), kind });
    }
    let head: CheckpointHeader = serde_json::from_str(first)
        .map_err(|source| CheckpointError::NotACheckpoint { path: name(), source })?;
    if let Some(what) = difference(&expected.header, &head.header) {
        return Err(CheckpointError::OtherStudy { path: name(), what });
    }
    if head.shard != expected.shard {
        return Err(CheckpointError::OtherShard { path: name() });
    }
    let points = expected.header.points.len();
    let first_rep = expected.shard.range(expected.header.replications).start;
    let mut records = vec![PointRecords::default(); points];
    // Each point's KPI ranges, looked up once.
    let mut ranges: Vec<Vec<KpiRange>> = vec![Vec::new(); points];
    let mut torn = cut;
    for (i, line) in lines.iter().enumerate().skip(1) {
        let batch: Batch = match serde_json::from_str(line) {
            Ok(b) => b,
            Err(_) if i == lines.len() - 1 => {
                torn = true;
                break;
            }
            Err(source) => {
                return Err(CheckpointError::Json { path: name(), line: i + 1, source });
            }
        };
        let corrupt = |what: String| CheckpointError::Corrupt { path: name(), line: i + 1, what };
        let p = batch.point;
        let rec = records.get_mut(p).ok_or_else(|| {
            corrupt(format!("design point {p} is out of range ({points} points)"))
        })?;
        if rec.rows.is_empty() {
            if let Some(problem) = crate::validate::kpi_names_problem(&batch.kpi_names) {
                return Err(CheckpointError::Names { path: name(), line: i + 1, problem });
            }
            rec.kpi_names = batch.kpi_names;
            ranges[batch.point] = rec.kpi_names.iter().map(|k| KpiRange::of(k)).collect();
        } else if rec.kpi_names != batch.kpi_names {
            return Err(corrupt(format!("design point {p}: its KPI names changed")));
        }
        let (seal, start) = (batch.seal, rec.rows.len());
        for row in batch.rows {
            let next = first_rep + rec.rows.len() as u64;
            let r = row.replication;
            if r < next {
                return Err(corrupt(format!(
                    "design point {p}: replication {r} is saved twice; the file is damaged: \
                     delete it to start afresh"
                )));
            }
            if r > next {
                return Err(corrupt(format!(
                    "design point {p}: replication {r} comes where {next} should; the file is \
                     damaged: delete it to start afresh"
                )));
            }
            if row.values.len() != rec.kpi_names.len() {
                return Err(corrupt(format!(
                    "design point {p}: replication {r} has {} values for {} KPI names",
                    row.values.len(),
                    rec.kpi_names.len()
                )));
            }
            let values = row.values.iter().zip(&ranges[batch.point]).zip(&rec.kpi_names);
            for ((&v, &range), kpi) in values {
                if let Some(problem) = value_problem(v, range) {
                    let kpi = cap(kpi);
                    return Err(CheckpointError::Value { path: name(), line: i + 1, kpi, problem });
                }
            }
            rec.rows.push(row);
        }
        // Last, so that what the checks above name is named first.
        let places = [expected.header.seal_place(p), expected.header.legacy_seal_place(p)];
        let places = [places[0].as_str(), places[1].as_str()];
        if let Err(problem) = crate::seal::check(&seal, &places, &rec.kpi_names, &rec.rows[start..])
        {
            return Err(corrupt(format!(
                "design point {p}: {problem}; the file is damaged: delete it to start afresh"
            )));
        }
    }
    Ok((records, torn))
}

#[cfg(test)]
mod tests {
    use super::journal_lines;

    #[test]
    fn a_journal_ends_at_its_first_zero_byte() {
        assert_eq!(journal_lines("h\na\nb\n"), (vec!["h", "a", "b"], false));
        assert_eq!(journal_lines("h\na\nb"), (vec!["h", "a", "b"], false));
        // Records after the zeros were written after the last sync too.
        assert_eq!(journal_lines("h\na\nb\0\0\0c\nd\n"), (vec!["h", "a", "b"], true));
        assert_eq!(journal_lines("h\na\n\0\0"), (vec!["h", "a"], true));
        assert_eq!(journal_lines("\0h\n"), (Vec::<&str>::new(), true));
    }
}
