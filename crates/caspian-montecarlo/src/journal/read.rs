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

/// Reads a journal's text. The text ends at its first zero byte (a crash
/// can leave the part written since the last sync as zeros: it is
/// computed again), and a last line that does not parse is a torn write,
/// cut off; so is a line just before another header line (journals joined
/// end to end, one torn), which is passed over; any other line that does not parse, a value no replication
/// can give, or a replication saved twice with different values, is
/// damage. An empty text, or zero bytes only, is a journal not begun.
pub(super) fn parse(text: &str) -> Result<Found, Problem> {
    let empty = Found { held: BTreeMap::new(), keep: 0 };
    if text.bytes().all(|b| b == 0) {
        return Ok(empty);
    }
    let kept = text.find('\0').map_or(text, |at| &text[..at]);
    let lines: Vec<&str> = kept.split_inclusive('\n').collect();
    let first = lines.first().map_or("", |l| l.trim_end_matches('\n'));
    match serde_json::from_str::<Header>(first) {
        Ok(h) if h.kind == KIND => {}
        Ok(h) => {
            return Err(Problem::NotAJournal(format!("its first line is of kind \"{}\"", h.kind)));
        }
        Err(_) if first.is_empty() => {
            return Err(Problem::NotAJournal("it begins with a zero byte or an empty line".into()));
        }
        Err(_) => {
            return Err(Problem::NotAJournal("its first line is no checkpoint header".into()));
        }
    }
    let mut held: BTreeMap<String, Held> = BTreeMap::new();
    let mut keep = lines[0].len();
    let is_header = |line: &str| {
        serde_json::from_str::<Header>(line.trim_end_matches('\n')).is_ok_and(|h| h.kind == KIND)
    };
    for (i, line) in lines.iter().enumerate().skip(1) {
        let damaged = |what: String| Problem::Damaged(i + 1, what);
        // Journals joined end to end (`cat part-*.jsonl`, the shards of a
        // comparison): each part's header is passed over.
        if is_header(line) {
            keep += line.len();
            continue;
        }
        let batch: Batch = match serde_json::from_str(line.trim_end_matches('\n')) {
            Ok(b) => b,
            // A torn last line: cut off, and computed again.
            Err(_) if i == lines.len() - 1 => break,
            // A part of joined journals that ends torn, before the next
            // part's header (on a line of its own, or run on to the torn
            // end, which had no newline): passed over, and computed again.
            Err(_)
                if lines.get(i + 1).is_some_and(|next| is_header(next))
                    || line.trim_end().ends_with(&format!("{{\"kind\":\"{KIND}\"}}")) =>
            {
                keep += line.len();
                continue;
            }
            Err(e) => {
                return Err(damaged(e.to_string().replace(" at line 1 column ", " at column ")));
            }
        };
        add(&mut held, batch).map_err(damaged)?;
        keep += line.len();
    }
    Ok(Found { held, keep })
}

/// Adds the rows of `batch` to those held, checked.
fn add(held: &mut BTreeMap<String, Held>, batch: Batch) -> Result<(), String> {
    let is_key =
        batch.key.len() == 64 && batch.key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !is_key {
        return Err(format!("key \"{}\" is not a SHA-256 (64 hexadecimal digits)", batch.key));
    }
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
    Ok(())
}
