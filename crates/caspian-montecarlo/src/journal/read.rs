//! Reading a journal back: its rows by key, and how much of the file to
//! keep (everything before an incomplete end).

use std::collections::BTreeMap;

use crate::rare::KpiRange;
use crate::validate::{cap, value_problem};

use super::{Batch, Header, Held, JournalError, KIND};

/// What a journal's text holds.
#[derive(Debug)]
pub(super) struct Found {
    /// The rows, by key.
    pub(super) held: BTreeMap<String, Held>,
    /// Bytes of the text to keep: up to the end of its last complete line
    /// (0: nothing, not even a header).
    pub(super) keep: usize,
    /// The incomplete parts passed over, each as the first line (from 1)
    /// that did not parse and the line of the next part's header.
    pub(super) passed_over: Vec<(usize, usize)>,
}

/// Why a text is not a journal, or is a damaged one (the file's name is
/// added by [`Problem::at`]).
#[derive(Debug)]
pub(super) enum Problem {
    /// Not a journal at all.
    NotAJournal(String),
    /// Damaged at a line (from 1).
    Damaged(usize, String),
}

impl Problem {
    /// The error for the file shown as `path`.
    pub(super) fn at(self, path: String) -> JournalError {
        match self {
            Problem::NotAJournal(what) => JournalError::NotAJournal { path, what },
            Problem::Damaged(line, what) => JournalError::Damaged { path, line, what },
        }
    }
}

/// The header line's text, as the journal writes it.
fn header_text() -> String {
    format!("{{\"kind\":\"{KIND}\"}}")
}

/// Whether `line` is a journal's header line.
fn is_header(line: &str) -> bool {
    serde_json::from_str::<Header>(line.trim_end_matches('\n')).is_ok_and(|h| h.kind == KIND)
}

/// Whether a damaged `line` ends in a header: a torn end with no newline,
/// or zero bytes, run on to the next part's header (`cat` of journals).
fn ends_in_header(line: &str) -> bool {
    line.trim_end().ends_with(&header_text())
}

/// Reads a journal's text, which may be several journals joined end to
/// end (`cat part-*.jsonl`, the shards of a comparison): each part's
/// header line is passed over. A part that ends incomplete (a line torn
/// by a kill, or zero bytes where a crash kept what was written since the
/// last sync from reaching the disk) is passed over up to the next part's
/// header, and computed again; at the end of the text it is cut off. Any
/// other line that does not parse, a value no replication can give, or a
/// replication saved twice with different values, is damage. An empty
/// text, or zero bytes only, is a journal not begun.
pub(super) fn parse(text: &str) -> Result<Found, Problem> {
    if text.bytes().all(|b| b == 0) {
        return Ok(Found { held: BTreeMap::new(), keep: 0, passed_over: Vec::new() });
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    // The next part's header at or after line `i`, if any.
    let next_header =
        |i: usize| (i..lines.len()).find(|&j| is_header(lines[j]) || ends_in_header(lines[j]));
    let first = lines[0].trim_end_matches('\n');
    let mut passed_over = Vec::new();
    let mut at = match serde_json::from_str::<Header>(first) {
        Ok(h) if h.kind == KIND => 1,
        Ok(h) => {
            return Err(Problem::NotAJournal(format!("its first line is of kind \"{}\"", h.kind)));
        }
        // A first part of zero bytes only (a shard whose machine crashed
        // before its header reached the disk), then the next part.
        Err(_)
            if first.starts_with('\0')
                && (first.bytes().all(|b| b == 0) || ends_in_header(first)) =>
        {
            match next_header(0) {
                Some(j) => {
                    passed_over.push((1, j + 1));
                    j + 1
                }
                None => return Err(Problem::NotAJournal("it begins with a zero byte".into())),
            }
        }
        Err(_) if first.is_empty() || first.starts_with('\0') => {
            return Err(Problem::NotAJournal("it begins with a zero byte or an empty line".into()));
        }
        Err(_) => {
            return Err(Problem::NotAJournal("its first line is no checkpoint header".into()));
        }
    };
    let mut held: BTreeMap<String, Held> = BTreeMap::new();
    let mut keep: usize = lines[..at].iter().map(|l| l.len()).sum();
    while at < lines.len() {
        let line = lines[at];
        if is_header(line) {
            keep += line.len();
            at += 1;
            continue;
        }
        let parsed = if line.contains('\0') {
            None
        } else {
            Some(serde_json::from_str::<Batch>(line.trim_end_matches('\n')))
        };
        match parsed {
            Some(Ok(batch)) => {
                add(&mut held, batch).map_err(|what| Problem::Damaged(at + 1, what))?;
                keep += line.len();
                at += 1;
            }
            bad => match next_header(at) {
                // An incomplete part's end, then the next part: passed over.
                Some(j) => {
                    keep += lines[at..=j].iter().map(|l| l.len()).sum::<usize>();
                    passed_over.push((at + 1, j + 1));
                    at = j + 1;
                }
                // Zero bytes, or a torn last line: the end of the text, cut
                // off (what follows zero bytes was written after the last
                // sync as well).
                None if line.contains('\0') || at == lines.len() - 1 => break,
                None => {
                    let e = match bad {
                        Some(Err(e)) => e.to_string().replace(" at line 1 column ", " at column "),
                        _ => "not a line of rows".into(),
                    };
                    return Err(Problem::Damaged(at + 1, e));
                }
            },
        }
    }
    Ok(Found { held, keep, passed_over })
}

/// Adds the rows of `batch` to those held, checked.
fn add(held: &mut BTreeMap<String, Held>, batch: Batch) -> Result<(), String> {
    let is_key =
        batch.key.len() == 64 && batch.key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !is_key {
        return Err(format!("key \"{}\" is not a SHA-256 (64 hexadecimal digits)", batch.key));
    }
    // Checked now, reported last: the checks below name what they find.
    let sealed =
        crate::seal::check(&batch.seal, &[batch.key.as_str()], &batch.kpi_names, &batch.rows);
    let h = held.entry(batch.key).or_default();
    if h.kpi_names.is_empty() {
        h.kpi_names = batch.kpi_names;
    } else if h.kpi_names != batch.kpi_names {
        return Err("the KPI names of a scenario changed".into());
    }
    let ranges: Vec<KpiRange> = h.kpi_names.iter().map(|k| KpiRange::of(k)).collect();
    for row in batch.rows {
        if row.values.len() != h.kpi_names.len() {
            return Err("a row has the wrong number of KPIs".into());
        }
        for ((&v, &range), kpi) in row.values.iter().zip(&ranges).zip(&h.kpi_names) {
            if let Some(problem) = value_problem(v, range) {
                return Err(format!("{}: {problem}", cap(kpi)));
            }
        }
        // A replication computed again after a gap is saved again, the
        // same to the bit; saved twice otherwise is damage.
        if let Some(before) = h.rows.get(&row.replication)
            && (before.events != row.events
                || before.truncated != row.truncated
                || before.saturated != row.saturated
                || before
                    .values
                    .iter()
                    .map(|v| v.to_bits())
                    .ne(row.values.iter().map(|v| v.to_bits())))
        {
            return Err(format!(
                "replication {} is saved twice, with different values",
                row.replication
            ));
        }
        h.rows.insert(row.replication, row);
    }
    sealed
}
