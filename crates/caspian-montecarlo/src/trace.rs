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
//! | `berths_busy`, `berths`, `anchorage` | port and open-traffic entries: berths occupied, berths open (0 while closed), vessels at the anchorage, all classes |
//! | `storage`, `level`, `capacity`, `gate` | inflow and outflow entries: the storage, what it holds, its capacity, arrivals waiting at its gate |
//! | `convoy` | convoy entries: vessels still waiting in the port's convoy |
//! | `pending` | events pending in the engine's queue when this one fired, itself included (empty for corridor boundaries, which are not events) |
//! | `detail` | the state in words ([`TraceEntry::detail`]), ignored on reading |
//!
//! Cells that do not apply to an entry are empty. Reading is strict: an
//! unknown event, subject or phase, or a missing or malformed number, is an
//! error naming the line. Files written before the `pending` column
//! (up to 2026-12-03: [`COLUMNS`] without it) still read, with no counts.

use std::io::{Read, Write};

use caspian_shipping::CompiledScenario;
use caspian_shipping::probe::Probe;
pub use caspian_shipping::streams::MAX_REPLICATION;
pub use caspian_shipping::trace::{
    SimTime, Subject, TraceEntry, TraceEvent, TraceState, UnknownName, VesselPhase,
};

/// The columns of a trace file, in order.
pub const COLUMNS: [&str; 17] = [
    "seq",
    "time_h",
    "event",
    "subject",
    "phase",
    "port",
    "aboard",
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

/// What streaming one replication's trace did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Streamed {
    /// Trace entries written (events, and corridor-closure boundaries).
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
    /// The header is neither [`COLUMNS`] nor [`COLUMNS`] without `pending`.
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
        let mut row: [String; 17] = Default::default();
        row[0] = self.rows.to_string();
        row[1] = format!("{:.4}", e.time.as_hours_f64());
        row[2] = e.event.as_str().to_string();
        row[3] = e.subject.to_string();
        match &e.state {
            TraceState::None => {}
            TraceState::Vessel { phase, port, aboard } => {
                row[4] = phase.as_str().to_string();
                row[5] = port.clone();
                row[6] = aboard.to_string();
            }
            TraceState::Berths { port, busy, capacity, anchorage } => {
                row[5] = port.clone();
                row[7] = busy.to_string();
                row[8] = capacity.to_string();
                row[9] = anchorage.to_string();
            }
            TraceState::Storage { storage, level, capacity, gate } => {
                row[10] = storage.clone();
                row[11] = level.to_string();
                row[12] = capacity.to_string();
                row[13] = gate.to_string();
            }
            TraceState::Convoy { port, waiting } => {
                row[5] = port.clone();
                row[14] = waiting.to_string();
            }
        }
        if let Some(n) = e.pending {
            row[15] = n.to_string();
        }
        row[16] = e.detail();
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
    let with_pending = header.iter().eq(COLUMNS);
    if !with_pending && header.iter().ne(columns_without_pending()) {
        return Err(TraceError::Columns { found: header_shown(&header) });
    }
    let mut entries = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec?;
        let line = rec.position().map_or(i as u64 + 2, csv::Position::line);
        let entry =
            parse_row(&rec, with_pending).map_err(|message| TraceError::Line { line, message })?;
        entries.push(entry);
    }
    Ok(entries)
}

/// The header of a trace file written before the `pending` column.
fn columns_without_pending() -> impl Iterator<Item = &'static str> {
    COLUMNS.into_iter().filter(|c| *c != "pending")
}

/// One row as an entry, or what is wrong with it; `with_pending`: the file
/// has the `pending` column (index 15).
fn parse_row(rec: &csv::StringRecord, with_pending: bool) -> Result<TraceEntry, String> {
    let cell = |i: usize| rec.get(i).unwrap_or("");
    let number = |i: usize| -> Result<u64, String> {
        cell(i).parse().map_err(|_| format!("{} \"{}\" is not a whole number", COLUMNS[i], cell(i)))
    };
    let hours: f64 =
        cell(1).parse().map_err(|_| format!("time_h \"{}\" is not a number", cell(1)))?;
    let time = SimTime::try_from_hours_f64(hours)
        .map_err(|_| format!("time_h \"{}\" is not a time", cell(1)))?;
    let event: TraceEvent = cell(2).parse().map_err(|e: UnknownName| e.to_string())?;
    let subject: Subject = cell(3).parse().map_err(|e: UnknownName| e.to_string())?;
    let filled = |i: usize| !cell(i).is_empty();
    let state = if filled(4) {
        TraceState::Vessel {
            phase: cell(4).parse().map_err(|e: UnknownName| e.to_string())?,
            port: cell(5).to_string(),
            aboard: number(6)?,
        }
    } else if filled(10) {
        TraceState::Storage {
            storage: cell(10).to_string(),
            level: number(11)?,
            capacity: number(12)?,
            gate: number(13)?,
        }
    } else if filled(8) {
        TraceState::Berths {
            port: cell(5).to_string(),
            busy: number(7)?,
            capacity: number(8)?,
            anchorage: number(9)?,
        }
    } else if filled(14) {
        TraceState::Convoy { port: cell(5).to_string(), waiting: number(14)? }
    } else {
        TraceState::None
    };
    let pending = if with_pending && filled(15) { Some(number(15)?) } else { None };
    Ok(TraceEntry { time, event, subject, state, pending })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline() -> CompiledScenario {
        caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline").unwrap()
    }

    #[test]
    fn a_trace_file_reads_back_as_written() {
        let plan = baseline();
        let mut rec =
            caspian_shipping::probe::Recorder { trace_events: true, ..Default::default() };
        caspian_shipping::simulate_probed(&plan, 7, 0, &mut rec);
        assert!(!rec.trace.is_empty());
        let mut bytes = Vec::new();
        write_csv(&mut bytes, &rec.trace).unwrap();
        // Streaming the replication writes exactly the same file.
        let mut streamed = Vec::new();
        let out = stream_csv(&plan, 7, 0, &mut streamed).unwrap();
        assert_eq!(streamed, bytes);
        assert_eq!(out.entries, rec.trace.len() as u64);
        let back = read_csv(bytes.as_slice()).unwrap();
        assert_eq!(back.len(), rec.trace.len());
        for (a, b) in rec.trace.iter().zip(&back) {
            assert_eq!(
                (a.event, &a.subject, &a.state, a.pending),
                (b.event, &b.subject, &b.state, b.pending)
            );
            assert!((a.time.as_hours_f64() - b.time.as_hours_f64()).abs() <= 0.51e-4);
        }
        for kind in [TraceEvent::Arrive, TraceEvent::Inflow, TraceEvent::PortClose] {
            assert!(back.iter().any(|e| e.event == kind), "{kind} in the baseline's trace");
        }
        // Every event has its queue length, at least itself; corridor
        // boundaries (not events) none.
        for e in &back {
            let corridor = matches!(e.event, TraceEvent::CorridorClose | TraceEvent::CorridorOpen);
            assert_eq!(e.pending.is_none(), corridor, "{e:?}");
            assert!(e.pending.is_none_or(|n| n >= 1));
        }
    }

    #[test]
    fn a_file_without_the_pending_column_still_reads() {
        let plan = baseline();
        let mut bytes = Vec::new();
        stream_csv(&plan, 7, 0, &mut bytes).unwrap();
        let new = read_csv(bytes.as_slice()).unwrap();
        // The same file as written before the column: drop cell 15 of each row.
        let mut old = csv::Writer::from_writer(Vec::new());
        for rec in csv::Reader::from_reader(bytes.as_slice()).records() {
            let rec = rec.unwrap();
            old.write_record(rec.iter().enumerate().filter(|(i, _)| *i != 15).map(|c| c.1))
                .unwrap();
        }
        let mut text = columns_without_pending().collect::<Vec<_>>().join(",").into_bytes();
        text.push(b'\n');
        text.extend(old.into_inner().unwrap());
        let back = read_csv(text.as_slice()).unwrap();
        assert_eq!(back.len(), new.len());
        for (a, b) in new.iter().zip(&back) {
            assert_eq!(
                (a.time, a.event, &a.subject, &a.state),
                (b.time, b.event, &b.subject, &b.state)
            );
            assert_eq!(b.pending, None);
        }
        assert!(new.iter().any(|e| e.pending.is_some()));
    }

    /// Accepts `room` bytes, then fails as a closed pipe does.
    struct ClosesAfter {
        room: usize,
        calls: usize,
    }

    impl Write for ClosesAfter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.calls += 1;
            if buf.len() > self.room {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            self.room -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_reader_stops_the_replication_at_once() {
        let plan = baseline();
        let mut out = ClosesAfter { room: 100, calls: 0 };
        let err = stream_csv(&plan, 7, 0, &mut out).unwrap_err();
        assert!(matches!(&err, TraceError::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe));
        // The failed write, and at most the CSV writer's last flush when dropped.
        assert!(out.calls <= 2, "nothing more is written after the first failure");
    }

    #[test]
    fn an_unknown_event_is_an_error_naming_its_line() {
        let head = COLUMNS.join(",");
        let text = format!(
            "{head}\n0,0.0000,end_warmup,,,,,,,,,,,,,2,statistics reset\n1,1.0000,dock,port alat,,alat,,0,1,0,,,,,,1,x\n"
        );
        let err = read_csv(text.as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), "line 3: unknown trace event \"dock\"");
        let bad_number = format!("{head}\n0,1.0,arrive,vessel f#0,Sailing,alat,lots,,,,,,,,,1,x\n");
        let err = read_csv(bad_number.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("line 2: aboard \"lots\""), "{err}");
        let bad_pending = format!("{head}\n0,1.0,arrive,vessel f#0,Sailing,alat,0,,,,,,,,,-1,x\n");
        let err = read_csv(bad_pending.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("line 2: pending \"-1\""), "{err}");
        // A file of the old format with a row of the new one.
        let old_head = columns_without_pending().collect::<Vec<_>>().join(",");
        let mixed = format!("{old_head}\n0,1.0,arrive,vessel f#0,Sailing,alat,0,,,,,,,,,1,x\n");
        assert!(read_csv(mixed.as_bytes()).is_err());
        assert!(matches!(read_csv("a,b\n1,2\n".as_bytes()), Err(TraceError::Columns { .. })));
        // A replication CSV's hundreds of columns are not all repeated.
        let wide = format!(
            "replication,events,truncated,{}\n",
            (0..400).map(|i| format!("k{i}")).collect::<Vec<_>>().join(",")
        );
        let e = read_csv(wide.as_bytes()).unwrap_err().to_string();
        assert!(e.ends_with("found replication,events,truncated,k0,k1,k2,... (403 columns); that is a per-replication CSV of `caspian run --csv FILE`, which `caspian plot` takes with --replications-csv"), "{e}");
    }
}
