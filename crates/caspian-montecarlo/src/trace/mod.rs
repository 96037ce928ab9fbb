//! The event trace of one replication, and its file format (CSV).
//!
//! [`stream_csv`] runs one replication with a probe that writes every trace
//! entry (the typed [`TraceEntry`] of `caspian_shipping::trace`, re-exported
//! here) as it happens, so a trace of any length takes constant memory.
//! [`TraceWriter`] (and [`write_csv`] on top of it) and [`read_csv`] are the
//! one definition of the trace file that `caspian trace --csv FILE` writes
//! and reports read, one row per entry with these [`COLUMNS`]:
//!
//! | column | meaning |
//! |---|---|
//! | `seq` | entry number, from 0, in firing order |
//! | `time_h` | when, hours since the start (4 decimals) |
//! | `event` | a [`TraceEvent`] name, e.g. `arrive`, `port_close` |
//! | `subject` | what it concerns: `vessel <fleet>#<n>`, `port <id>`, `inflow <id>`, `outflow <id>`, `open_traffic <id>`, `corridor`, or empty |
//! | `phase` | vessel entries: its [`VesselPhase`] after the event |
//! | `port` | the port of the state: where the vessel is or is heading, or the port whose berths or convoy are described |
//! | `aboard` | vessel entries: cargo aboard |
//! | `at_berth` | vessel entries: `true` while it holds a berth at `port`, else `false` (empty: not known) |
//! | `berths_busy`, `berths`, `anchorage` | port and open-traffic entries: berths occupied, berths open (0 while closed), vessels at the anchorage, all classes |
//! | `storage`, `level`, `capacity`, `gate` | inflow and outflow entries: the storage, what it holds, its capacity, arrivals waiting at its gate |
//! | `convoy` | convoy entries: vessels still waiting in the port's convoy |
//! | `pending` | events pending in the engine's queue when this one fired, itself included (empty for corridor boundaries and state changes, which are not events) |
//! | `detail` | the state in words ([`TraceEntry::detail`]), ignored on reading |
//!
//! Cells that do not apply to an entry are empty. Reading is strict: an
//! unknown event, subject or phase, a missing or malformed number, a `seq`
//! not above the row's before it (repeated or going back; a file cut to
//! some of its rows still reads), a `time_h` before the row's before it or
//! beyond the longest horizon a scenario may have ([`MAX_TIME_H`]), an
//! `aboard` above the largest capacity a fleet may have ([`MAX_ABOARD`]),
//! an `at_berth` other than `true`, `false` or empty (or on a row without a
//! phase), or a `state_change` row that is not a vessel's with no `pending`
//! is an error naming the line and the column. The file carries neither
//! its scenario's horizon nor its fleets' capacities, so a time or a cargo
//! within those limits but beyond the scenario's own cannot be told. Files written before the `at_berth` column
//! (up to 2026-12-04) still read, with no berth for vessel entries, and
//! so do those written before the `pending` column as well (up to
//! 2026-12-03), with no counts either.

use std::io::{Read, Write};

use caspian_shipping::CompiledScenario;
use caspian_shipping::probe::Probe;
pub use caspian_shipping::streams::MAX_REPLICATION;
pub use caspian_shipping::trace::{
    MAX_ABOARD, MAX_TIME_H, SimTime, Subject, TraceEntry, TraceEvent, TraceState, UnknownName,
    VesselPhase,
};

/// The columns of a trace file, in order.
pub const COLUMNS: [&str; 18] = [
    "seq",
    "time_h",
    "event",
    "subject",
    "phase",
    "port",
    "aboard",
    "at_berth",
    "berths_busy",
    "berths",
    "anchorage",
    "storage",
    "level",
    "capacity",
    "gate",
    "convoy",
    "pending",
    "detail",
];

/// The index of each of [`COLUMNS`], by name: looked up in [`COLUMNS`]
/// when compiling, so a name that is not a column does not compile.
mod col {
    use super::COLUMNS;

    /// The position of `name` in [`COLUMNS`].
    const fn at(name: &str) -> usize {
        let mut i = 0;
        while i < COLUMNS.len() {
            let c = COLUMNS[i].as_bytes();
            let n = name.as_bytes();
            if c.len() == n.len() {
                let mut k = 0;
                while k < n.len() && c[k] == n[k] {
                    k += 1;
                }
                if k == n.len() {
                    return i;
                }
            }
            i += 1;
        }
        panic!("not a trace column")
    }

    pub(super) const SEQ: usize = at("seq");
    pub(super) const TIME_H: usize = at("time_h");
    pub(super) const EVENT: usize = at("event");
    pub(super) const SUBJECT: usize = at("subject");
    pub(super) const PHASE: usize = at("phase");
    pub(super) const PORT: usize = at("port");
    pub(super) const ABOARD: usize = at("aboard");
    pub(super) const AT_BERTH: usize = at("at_berth");
    pub(super) const BERTHS_BUSY: usize = at("berths_busy");
    pub(super) const BERTHS: usize = at("berths");
    pub(super) const ANCHORAGE: usize = at("anchorage");
    pub(super) const STORAGE: usize = at("storage");
    pub(super) const LEVEL: usize = at("level");
    pub(super) const CAPACITY: usize = at("capacity");
    pub(super) const GATE: usize = at("gate");
    pub(super) const CONVOY: usize = at("convoy");
    pub(super) const PENDING: usize = at("pending");
    pub(super) const DETAIL: usize = at("detail");
}

/// The columns of trace files written before the newest ones, newest
/// first: without `at_berth` (up to 2026-12-04), and without `pending`
/// as well (up to 2026-12-03).
const OLDER_LAYOUTS: [&[&str]; 2] = [&["at_berth"], &["at_berth", "pending"]];

/// Where each of [`COLUMNS`] is in a file: its position in the file's
/// header, `None` for a column the file predates.
struct Layout([Option<usize>; COLUMNS.len()]);

impl Layout {
    /// The layout of a file with `header`, if it is one caspian-sim wrote.
    fn of(header: &csv::StringRecord) -> Option<Layout> {
        let missing_sets = std::iter::once(&[][..]).chain(OLDER_LAYOUTS);
        for missing in missing_sets {
            let present = COLUMNS.iter().filter(|c| !missing.contains(c));
            if header.iter().eq(present.copied()) {
                let mut at = [None; COLUMNS.len()];
                let mut next = 0;
                for (i, c) in COLUMNS.iter().enumerate() {
                    if !missing.contains(c) {
                        at[i] = Some(next);
                        next += 1;
                    }
                }
                return Some(Layout(at));
            }
        }
        None
    }

    fn has(&self, column: usize) -> bool {
        self.0[column].is_some()
    }
}

/// What streaming one replication's trace did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Streamed {
    /// Trace entries written (events, corridor-closure boundaries and
    /// vessels changed by another subject's event).
    pub entries: u64,
    /// Whether the event-count safeguard stopped the run early.
    pub truncated: bool,
}

/// Runs replication `replication` of `plan` with master seed `seed` and
/// writes its trace file to `out` as the entries happen: memory does not
/// grow with the length of the trace. The replication is exactly the one a
/// run computes. On the first write error the replication stops (a reader
/// that went away, `caspian trace | head`, ends it at once).
///
/// # Errors
/// [`TraceError::Io`] when `out` fails (e.g. a closed pipe or a full disk),
/// [`TraceError::Csv`] for any other failure of the CSV layer.
pub fn stream_csv<W: Write>(
    plan: &CompiledScenario,
    seed: u64,
    replication: u64,
    out: W,
) -> Result<Streamed, TraceError> {
    let mut sink = Sink { writer: TraceWriter::new(out)?, failed: None };
    let run = caspian_shipping::simulate_probed(plan, seed, replication, &mut sink);
    if let Some(e) = sink.failed {
        return Err(e);
    }
    let entries = sink.writer.rows;
    sink.writer.finish()?;
    Ok(Streamed { entries, truncated: run.truncated })
}

/// The probe that writes each trace entry as it comes, and stops the
/// replication at the first error.
struct Sink<W: Write> {
    writer: TraceWriter<W>,
    failed: Option<TraceError>,
}

impl<W: Write> Probe for Sink<W> {
    fn wants_trace(&self) -> bool {
        true
    }
    fn trace(&mut self, entry: &TraceEntry) {
        if self.failed.is_none()
            && let Err(e) = self.writer.write(entry)
        {
            self.failed = Some(e);
        }
    }
    fn wants_stop(&self) -> bool {
        self.failed.is_some()
    }
}

/// A trace file that could not be written or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TraceError {
    /// Reading or writing failed (a closed pipe, a full disk).
    #[error("{0}")]
    Io(std::io::Error),
    /// The CSV layer failed otherwise (quoting, UTF-8).
    #[error("{0}")]
    Csv(String),
    /// The header is neither [`COLUMNS`] nor the columns of an older trace
    /// file (without `at_berth`, or without `at_berth` and `pending`).
    #[error(
        "expected the columns {} written by `caspian trace --csv FILE`, found {found}",
        COLUMNS.join(",")
    )]
    Columns {
        /// The header found, comma-separated.
        found: String,
    },
    /// A row that does not fit the format.
    #[error("line {line}: {message}")]
    Line {
        /// The line number in the file (the header is line 1).
        line: u64,
        /// What is wrong.
        message: String,
    },
}

impl From<csv::Error> for TraceError {
    fn from(e: csv::Error) -> Self {
        if e.is_io_error() {
            match e.into_kind() {
                csv::ErrorKind::Io(io) => TraceError::Io(io),
                other => TraceError::Csv(format!("{other:?}")),
            }
        } else {
            TraceError::Csv(e.to_string())
        }
    }
}

/// Writes `entries` as a trace file (header and one row per entry).
///
/// # Errors
/// [`TraceError::Io`] or [`TraceError::Csv`] when writing fails.
pub fn write_csv<W: Write>(out: W, entries: &[TraceEntry]) -> Result<(), TraceError> {
    let mut w = TraceWriter::new(out)?;
    for e in entries {
        w.write(e)?;
    }
    w.finish()
}

/// A trace file written one entry at a time: the header first, then one
/// row per [`write`](Self::write), numbered from 0.
#[derive(Debug)]
pub struct TraceWriter<W: Write> {
    csv: csv::Writer<W>,
    rows: u64,
}

impl<W: Write> TraceWriter<W> {
    /// Starts a trace file on `out` with its header.
    ///
    /// # Errors
    /// [`TraceError`] when writing fails.
    pub fn new(out: W) -> Result<Self, TraceError> {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(COLUMNS)?;
        Ok(Self { csv, rows: 0 })
    }

    /// Writes the next entry.
    ///
    /// # Errors
    /// [`TraceError`] when writing fails.
    pub fn write(&mut self, e: &TraceEntry) -> Result<(), TraceError> {
        let mut row: [String; COLUMNS.len()] = Default::default();
        row[col::SEQ] = self.rows.to_string();
        row[col::TIME_H] = format!("{:.4}", e.time.as_hours_f64());
        row[col::EVENT] = e.event.as_str().to_string();
        row[col::SUBJECT] = e.subject.to_string();
        match &e.state {
            TraceState::None => {}
            TraceState::Vessel { phase, port, aboard, berth } => {
                row[col::PHASE] = phase.as_str().to_string();
                row[col::PORT] = port.clone();
                row[col::ABOARD] = aboard.to_string();
                if let Some(b) = berth {
                    row[col::AT_BERTH] = b.to_string();
                }
            }
            TraceState::Berths { port, busy, capacity, anchorage } => {
                row[col::PORT] = port.clone();
                row[col::BERTHS_BUSY] = busy.to_string();
                row[col::BERTHS] = capacity.to_string();
                row[col::ANCHORAGE] = anchorage.to_string();
            }
            TraceState::Storage { storage, level, capacity, gate } => {
                row[col::STORAGE] = storage.clone();
                row[col::LEVEL] = level.to_string();
                row[col::CAPACITY] = capacity.to_string();
                row[col::GATE] = gate.to_string();
            }
            TraceState::Convoy { port, waiting } => {
                row[col::PORT] = port.clone();
                row[col::CONVOY] = waiting.to_string();
            }
        }
        if let Some(n) = e.pending {
            row[col::PENDING] = n.to_string();
        }
        row[col::DETAIL] = e.detail();
        self.csv.write_record(&row)?;
        self.rows += 1;
        Ok(())
    }

    /// Flushes what is buffered to the underlying writer.
    ///
    /// # Errors
    /// [`TraceError::Io`] when writing fails.
    pub fn finish(mut self) -> Result<(), TraceError> {
        self.csv.flush().map_err(TraceError::Io)
    }
}

/// A header as a message shows it: its first columns, comma-separated, and
/// how many more there are (a replication CSV has hundreds); with a hint
/// when it is the per-replication CSV of `caspian run --csv`, which `plot`
/// takes with `--replications-csv`.
fn header_shown(header: &csv::StringRecord) -> String {
    const SHOWN: usize = 6;
    let mut out = header.iter().take(SHOWN).collect::<Vec<_>>().join(",");
    if header.len() > SHOWN {
        out.push_str(&format!(",... ({} columns)", header.len()));
    }
    if header
        .iter()
        .take(crate::replication_csv::LEAD_COLUMNS.len())
        .eq(crate::replication_csv::LEAD_COLUMNS)
    {
        out.push_str(
            "; that is a per-replication CSV of `caspian run --csv FILE`, which `caspian plot` \
             takes with --replications-csv",
        );
    }
    out
}

/// Reads a trace file written by [`write_csv`]. Times are rounded to the
/// nearest millisecond of the 4-decimal `time_h`.
///
/// # Errors
/// [`TraceError`] naming the line at fault: wrong columns, an unknown event,
/// subject or phase, or a missing or malformed number.
pub fn read_csv<R: Read>(input: R) -> Result<Vec<TraceEntry>, TraceError> {
    let mut r = csv::Reader::from_reader(input);
    let header = r.headers()?.clone();
    let Some(layout) = Layout::of(&header) else {
        return Err(TraceError::Columns { found: header_shown(&header) });
    };
    let mut entries: Vec<TraceEntry> = Vec::new();
    let mut last_seq: Option<u64> = None;
    for (i, rec) in r.records().enumerate() {
        let rec = rec?;
        let line = rec.position().map_or(i as u64 + 2, csv::Position::line);
        let at = |message| TraceError::Line { line, message };
        let seq = seq_after(&rec, &layout, last_seq).map_err(at)?;
        last_seq = Some(seq);
        let entry = parse_row(&rec, &layout).map_err(at)?;
        // Entries are written in firing order, so time never goes back.
        if let Some(before) = entries.last()
            && entry.time < before.time
        {
            let message = format!(
                "time_h {:.4} is before the entry above it ({:.4}): entries are in firing order",
                entry.time.as_hours_f64(),
                before.time.as_hours_f64()
            );
            return Err(TraceError::Line { line, message });
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// The row's `seq`, or what is wrong with it: entries are numbered in
/// firing order, so each is above the one before it (`before`).
fn seq_after(rec: &csv::StringRecord, layout: &Layout, before: Option<u64>) -> Result<u64, String> {
    let cell = layout.0[col::SEQ].and_then(|j| rec.get(j)).unwrap_or("");
    let seq: u64 = cell.parse().map_err(|_| format!("seq \"{cell}\" is not a whole number"))?;
    match before {
        Some(b) if seq == b => Err(format!(
            "seq {seq} repeats the entry above it: entries are numbered in firing order"
        )),
        Some(b) if seq < b => Err(format!(
            "seq {seq} is below the entry above it ({b}): entries are numbered in firing order"
        )),
        _ => Ok(seq),
    }
}

/// One row of a file laid out as `layout` as an entry, or what is wrong
/// with it.
fn parse_row(rec: &csv::StringRecord, layout: &Layout) -> Result<TraceEntry, String> {
    let cell = |i: usize| layout.0[i].and_then(|j| rec.get(j)).unwrap_or("");
    let number = |i: usize| -> Result<u64, String> {
        cell(i).parse().map_err(|_| format!("{} \"{}\" is not a whole number", COLUMNS[i], cell(i)))
    };
    let time_h = cell(col::TIME_H);
    let hours: f64 = time_h.parse().map_err(|_| format!("time_h \"{time_h}\" is not a number"))?;
    let time = SimTime::try_from_hours_f64(hours)
        .map_err(|_| format!("time_h \"{time_h}\" is not a time"))?;
    if hours > MAX_TIME_H {
        return Err(format!(
            "time_h {time_h} is beyond the longest horizon a scenario may have ({MAX_TIME_H} h)"
        ));
    }
    let event: TraceEvent = cell(col::EVENT).parse().map_err(|e: UnknownName| e.to_string())?;
    let subject: Subject = cell(col::SUBJECT).parse().map_err(|e: UnknownName| e.to_string())?;
    let filled = |i: usize| !cell(i).is_empty();
    let state = if filled(col::PHASE) {
        let berth = if layout.has(col::AT_BERTH) {
            match cell(col::AT_BERTH) {
                "true" => Some(true),
                "false" => Some(false),
                // Not known (an entry converted from an older file).
                "" => None,
                other => return Err(format!("at_berth \"{other}\" is not true or false")),
            }
        } else {
            None
        };
        TraceState::Vessel {
            phase: cell(col::PHASE).parse().map_err(|e: UnknownName| e.to_string())?,
            port: cell(col::PORT).to_string(),
            aboard: number(col::ABOARD)?,
            berth,
        }
    } else if filled(col::STORAGE) {
        TraceState::Storage {
            storage: cell(col::STORAGE).to_string(),
            level: number(col::LEVEL)?,
            capacity: number(col::CAPACITY)?,
            gate: number(col::GATE)?,
        }
    } else if filled(col::BERTHS) {
        TraceState::Berths {
            port: cell(col::PORT).to_string(),
            busy: number(col::BERTHS_BUSY)?,
            capacity: number(col::BERTHS)?,
            anchorage: number(col::ANCHORAGE)?,
        }
    } else if filled(col::CONVOY) {
        TraceState::Convoy { port: cell(col::PORT).to_string(), waiting: number(col::CONVOY)? }
    } else {
        TraceState::None
    };
    let pending = if filled(col::PENDING) { Some(number(col::PENDING)?) } else { None };
    if filled(col::AT_BERTH) && !filled(col::PHASE) {
        return Err(format!(
            "at_berth \"{}\" on a row without a vessel phase (it belongs to vessel rows)",
            cell(col::AT_BERTH)
        ));
    }
    // A row describes one kind of thing; a cell of another kind's columns
    // filled in is an edit, not something the writer produces.
    let own: &[usize] = match state {
        TraceState::Vessel { aboard, .. } => {
            if aboard > MAX_ABOARD {
                return Err(format!(
                    "aboard {aboard} is above the largest capacity a fleet may have \
                     ({MAX_ABOARD})"
                ));
            }
            &[col::PHASE, col::PORT, col::ABOARD, col::AT_BERTH]
        }
        TraceState::Storage { level, capacity, .. } => {
            if level > capacity {
                return Err(format!("level {level} is above the capacity {capacity}"));
            }
            &[col::STORAGE, col::LEVEL, col::CAPACITY, col::GATE]
        }
        TraceState::Berths { .. } => &[col::PORT, col::BERTHS_BUSY, col::BERTHS, col::ANCHORAGE],
        TraceState::Convoy { .. } => &[col::PORT, col::CONVOY],
        TraceState::None => &[],
    };
    let described = [
        col::PHASE,
        col::PORT,
        col::ABOARD,
        col::AT_BERTH,
        col::BERTHS_BUSY,
        col::BERTHS,
        col::ANCHORAGE,
        col::STORAGE,
        col::LEVEL,
        col::CAPACITY,
        col::GATE,
        col::CONVOY,
    ];
    if let Some(&stray) = described.iter().find(|&&c| filled(c) && !own.contains(&c)) {
        return Err(format!(
            "{} \"{}\" on a row that does not describe what it belongs to",
            COLUMNS[stray],
            cell(stray)
        ));
    }
    if event == TraceEvent::StateChange {
        if !layout.has(col::AT_BERTH) {
            return Err("state_change row in a file without the at_berth column, which came \
                        with it"
                .to_string());
        }
        let vessel = matches!(subject, Subject::Vessel { .. })
            && matches!(state, TraceState::Vessel { berth: Some(_), .. });
        if !vessel || pending.is_some() {
            return Err("a state_change row describes a vessel (subject, phase, port, aboard, \
                        at_berth) and has no pending count"
                .to_string());
        }
    }
    Ok(TraceEntry { time, event, subject, state, pending })
}

#[cfg(test)]
mod tests;
