//! Unit tests of the trace file: round trips, older layouts, strict
//! reading and the rows a replication writes.

use super::*;

fn baseline() -> CompiledScenario {
    caspian_shipping::load(caspian_shipping::BASELINE_TOML, "baseline").unwrap()
}

#[test]
fn a_trace_file_reads_back_as_written() {
    let plan = baseline();
    let mut rec = caspian_shipping::probe::Recorder { trace_events: true, ..Default::default() };
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
    // boundaries and state changes (not events) none.
    for e in &back {
        assert_eq!(e.pending.is_some(), e.event.fired(), "{e:?}");
        assert!(e.pending.is_none_or(|n| n >= 1));
    }
}

/// The file `bytes` as written before the columns `missing` existed
/// (and the `state_change` rows, which came with `at_berth`).
fn without(bytes: &[u8], missing: &[&str]) -> Vec<u8> {
    let drop: Vec<usize> =
        missing.iter().map(|m| COLUMNS.iter().position(|c| c == m).unwrap()).collect();
    let mut old = csv::Writer::from_writer(Vec::new());
    let mut r = csv::Reader::from_reader(bytes);
    let keep = |rec: &csv::StringRecord| -> Vec<String> {
        rec.iter()
            .enumerate()
            .filter(|(i, _)| !drop.contains(i))
            .map(|(_, c)| c.to_string())
            .collect()
    };
    old.write_record(keep(r.headers().unwrap())).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        if &rec[col::EVENT] != "state_change" {
            old.write_record(keep(&rec)).unwrap();
        }
    }
    old.into_inner().unwrap()
}

#[test]
fn files_of_the_older_layouts_still_read() {
    let plan = baseline();
    let mut bytes = Vec::new();
    stream_csv(&plan, 7, 0, &mut bytes).unwrap();
    let new = read_csv(bytes.as_slice()).unwrap();
    assert!(new.iter().any(|e| e.pending.is_some()));
    assert!(new.iter().any(|e| matches!(e.state, TraceState::Vessel { berth: Some(true), .. })));
    for missing in OLDER_LAYOUTS {
        let back = read_csv(without(&bytes, missing).as_slice()).unwrap();
        let events: Vec<&TraceEntry> =
            new.iter().filter(|e| e.event != TraceEvent::StateChange).collect();
        assert_eq!(back.len(), events.len());
        for (a, b) in events.into_iter().zip(&back) {
            let mut expected = a.clone();
            if let TraceState::Vessel { berth, .. } = &mut expected.state {
                *berth = None;
            }
            if missing.contains(&"pending") {
                expected.pending = None;
            }
            assert_eq!(b, &expected, "{missing:?}");
        }
    }
}

/// A vessel granted a berth in another vessel's event (the berth it
/// left) has an entry of its own at that moment, holding the berth; a
/// vessel's own entries say whether it holds one.
#[test]
fn vessels_changed_by_another_subjects_event_get_an_entry_then() {
    let plan = baseline();
    let mut rec = caspian_shipping::probe::Recorder { trace_events: true, ..Default::default() };
    caspian_shipping::simulate_probed(&plan, 7, 0, &mut rec);
    let changes: Vec<&TraceEntry> =
        rec.trace.iter().filter(|e| e.event == TraceEvent::StateChange).collect();
    assert!(!changes.is_empty());
    // Each follows, at the same time, an event of another subject.
    for (i, e) in rec.trace.iter().enumerate() {
        if e.event != TraceEvent::StateChange {
            continue;
        }
        assert_eq!(e.pending, None, "not an event");
        assert!(matches!(e.subject, Subject::Vessel { .. }));
        let event = rec.trace[..i].iter().rev().find(|p| p.event != TraceEvent::StateChange);
        let event = event.expect("an event before it");
        assert_eq!(event.time, e.time);
        assert_ne!(event.subject, e.subject, "the event's own vessel is its entry");
    }
    // Berths granted from the anchorage when another left: a vessel
    // goes from Anchorage straight to holding a berth in someone
    // else's event.
    let granted = changes.iter().filter(|e| {
        matches!(
            e.state,
            TraceState::Vessel { phase: VesselPhase::Discharging, berth: Some(true), .. }
        )
    });
    assert!(granted.count() > 10, "berths granted on another's release");
    // Every vessel entry says whether it holds a berth.
    for e in &rec.trace {
        if let TraceState::Vessel { berth, .. } = e.state {
            assert!(berth.is_some(), "{e:?}");
        }
    }
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
    // A row of the newest layout from (column, cell) pairs.
    let row = |cells: &[(usize, &str)]| {
        let mut r = vec![""; COLUMNS.len()];
        for &(i, c) in cells {
            r[i] = c;
        }
        r.join(",")
    };
    let vessel = |aboard: &str, at_berth: &str, pending: &str| {
        row(&[
            (col::SEQ, "0"),
            (col::TIME_H, "1.0"),
            (col::EVENT, "arrive"),
            (col::SUBJECT, "vessel f#0"),
            (col::PHASE, "Sailing"),
            (col::PORT, "alat"),
            (col::ABOARD, aboard),
            (col::AT_BERTH, at_berth),
            (col::PENDING, pending),
            (col::DETAIL, "x"),
        ])
    };
    let warmup = row(&[
        (col::SEQ, "0"),
        (col::TIME_H, "0.0000"),
        (col::EVENT, "end_warmup"),
        (col::PENDING, "2"),
        (col::DETAIL, "statistics reset"),
    ]);
    let dock = row(&[
        (col::SEQ, "1"),
        (col::TIME_H, "1.0000"),
        (col::EVENT, "dock"),
        (col::SUBJECT, "port alat"),
        (col::PORT, "alat"),
        (col::BERTHS_BUSY, "0"),
        (col::BERTHS, "1"),
        (col::ANCHORAGE, "0"),
        (col::PENDING, "1"),
        (col::DETAIL, "x"),
    ]);
    let text = format!("{head}\n{warmup}\n{dock}\n");
    let err = read_csv(text.as_bytes()).unwrap_err();
    assert_eq!(err.to_string(), "line 3: unknown trace event \"dock\"");
    let good = format!("{head}\n{}\n", vessel("0", "false", "1"));
    assert!(read_csv(good.as_bytes()).is_ok());
    let bad_number = format!("{head}\n{}\n", vessel("lots", "false", "1"));
    let err = read_csv(bad_number.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("line 2: aboard \"lots\""), "{err}");
    let bad_pending = format!("{head}\n{}\n", vessel("0", "false", "-1"));
    let err = read_csv(bad_pending.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("line 2: pending \"-1\""), "{err}");
    for bad in ["yes", "1", "TRUE"] {
        let bad_berth = format!("{head}\n{}\n", vessel("0", bad, "1"));
        let err = read_csv(bad_berth.as_bytes()).unwrap_err();
        let expected = format!("line 2: at_berth \"{bad}\" is not true or false");
        assert_eq!(err.to_string(), expected);
    }
    // Rows that only describe must look like it.
    let change = |subject: &str, at_berth: &str, pending: &str| {
        row(&[
            (col::SEQ, "0"),
            (col::TIME_H, "1.0"),
            (col::EVENT, "state_change"),
            (col::SUBJECT, subject),
            (col::PHASE, "Discharging"),
            (col::PORT, "alat"),
            (col::ABOARD, "0"),
            (col::AT_BERTH, at_berth),
            (col::PENDING, pending),
            (col::DETAIL, "x"),
        ])
    };
    let good = format!("{head}\n{}\n", change("vessel f#0", "true", ""));
    assert!(read_csv(good.as_bytes()).is_ok());
    let bad_changes = [
        change("port alat", "true", ""),
        change("vessel f#0", "", ""),
        change("vessel f#0", "true", "3"),
    ];
    for bad in bad_changes {
        let err = read_csv(format!("{head}\n{bad}\n").as_bytes()).unwrap_err().to_string();
        assert!(err.starts_with("line 2: a state_change row describes a vessel"), "{err}");
    }
    // `at_berth` on a port's row.
    let port_open = dock.replace(",dock,", ",port_open,");
    let mut cells: Vec<&str> = port_open.split(',').collect();
    cells[col::AT_BERTH] = "true";
    let err = read_csv(format!("{head}\n{}\n", cells.join(",")).as_bytes()).unwrap_err();
    let expected = "line 2: at_berth \"true\" on a row without a vessel phase";
    assert!(err.to_string().contains(expected), "{err}");
    // A cell of another kind of row, a level above its capacity, and time
    // going back are edits, not what the writer produces.
    let vessel_row = vessel("0", "false", "1");
    let mut stray: Vec<&str> = vessel_row.split(',').collect();
    stray[col::LEVEL] = "-99999";
    let err = read_csv(format!("{head}\n{}\n", stray.join(",")).as_bytes()).unwrap_err();
    let expected = "line 2: level \"-99999\" on a row that does not describe what it belongs to";
    assert_eq!(err.to_string(), expected);
    let storage = |time: &str, level: &str| {
        row(&[
            (col::SEQ, "0"),
            (col::TIME_H, time),
            (col::EVENT, "outflow"),
            (col::SUBJECT, "outflow btk"),
            (col::STORAGE, "alat_yard"),
            (col::LEVEL, level),
            (col::CAPACITY, "100"),
            (col::GATE, "0"),
            (col::PENDING, "3"),
            (col::DETAIL, "x"),
        ])
    };
    assert!(read_csv(format!("{head}\n{}\n", storage("6.0", "100")).as_bytes()).is_ok());
    let err = read_csv(format!("{head}\n{}\n", storage("6.0", "101")).as_bytes()).unwrap_err();
    assert_eq!(err.to_string(), "line 2: level 101 is above the capacity 100");
    let second = storage("5.5", "5").replacen('0', "1", 1);
    let back = format!("{head}\n{}\n{second}\n", storage("6.0", "5"));
    let err = read_csv(back.as_bytes()).unwrap_err();
    assert!(
        err.to_string().starts_with("line 3: time_h 5.5000 is before the entry above"),
        "{err}"
    );
    // State changes came with `at_berth`: an older layout has none.
    let old_head: Vec<&str> = COLUMNS.iter().copied().filter(|c| *c != "at_berth").collect();
    let change_row = change("vessel f#0", "true", "");
    let mut old_change: Vec<&str> = change_row.split(',').collect();
    old_change.remove(col::AT_BERTH);
    let old = format!("{}\n{}\n", old_head.join(","), old_change.join(","));
    let err = read_csv(old.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("without the at_berth column"), "{err}");
    // A file of an older layout with a row of the new one.
    for missing in OLDER_LAYOUTS {
        let old_head: Vec<&str> =
            COLUMNS.iter().copied().filter(|c| !missing.contains(c)).collect();
        let mixed = format!("{}\n{}\n", old_head.join(","), vessel("0", "false", "1"));
        assert!(read_csv(mixed.as_bytes()).is_err(), "{missing:?}");
    }
    assert!(matches!(read_csv("a,b\n1,2\n".as_bytes()), Err(TraceError::Columns { .. })));
    // A replication CSV's hundreds of columns are not all repeated.
    let wide = format!(
        "replication,events,truncated,{}\n",
        (0..400).map(|i| format!("k{i}")).collect::<Vec<_>>().join(",")
    );
    let e = read_csv(wide.as_bytes()).unwrap_err().to_string();
    assert!(e.ends_with("found replication,events,truncated,k0,k1,k2,... (403 columns); that is a per-replication CSV of `caspian run --csv FILE`, which `caspian plot` takes with --replications-csv"), "{e}");
}

/// Rows no replication writes: numbered out of firing order, later than
/// any horizon, more aboard than any vessel holds. Each is refused naming
/// the line and the column.
#[test]
fn impossible_rows_are_refused_naming_line_and_column() {
    let head = COLUMNS.join(",");
    let row = |seq: &str, time: &str, aboard: &str| {
        let mut r = vec![""; COLUMNS.len()];
        for (i, c) in [
            (col::SEQ, seq),
            (col::TIME_H, time),
            (col::EVENT, "arrive"),
            (col::SUBJECT, "vessel f#0"),
            (col::PHASE, "Anchorage"),
            (col::PORT, "alat"),
            (col::ABOARD, aboard),
            (col::AT_BERTH, "false"),
            (col::PENDING, "1"),
        ] {
            r[i] = c;
        }
        r.join(",")
    };
    let file = |rows: &[String]| format!("{head}\n{}\n", rows.join("\n"));
    let err = |rows: &[String]| read_csv(file(rows).as_bytes()).unwrap_err().to_string();
    // As written: numbered from 0; a file cut to some of its rows (gaps) reads too.
    let good = [row("0", "1.0", "50"), row("1", "1.0", "50"), row("7", "2.0", "0")];
    assert_eq!(read_csv(file(&good).as_bytes()).unwrap().len(), 3);
    assert_eq!(
        err(&[row("0", "1.0", "5"), row("1", "1.0", "5"), row("1", "2.0", "5")]),
        "line 4: seq 1 repeats the entry above it: entries are numbered in firing order"
    );
    assert_eq!(
        err(&[row("4", "1.0", "5"), row("3", "2.0", "5")]),
        "line 3: seq 3 is below the entry above it (4): entries are numbered in firing order"
    );
    for bad in ["", "x", "-1", "1.5"] {
        let e = err(&[row(bad, "1.0", "5")]);
        assert_eq!(e, format!("line 2: seq \"{bad}\" is not a whole number"));
    }
    // The longest horizon a scenario may have, 365,000 days, is the last
    // time a trace can show; the file does not say its scenario's own.
    assert!(read_csv(file(&[row("0", "8760000.0000", "5")]).as_bytes()).is_ok());
    assert_eq!(
        err(&[row("0", "1.0", "5"), row("1", "8760000.0001", "5")]),
        "line 3: time_h 8760000.0001 is beyond the longest horizon a scenario may have \
         (8760000 h)"
    );
    // Nor does it say a fleet's capacity: above the largest any fleet may
    // have (10^15) is refused.
    assert!(read_csv(file(&[row("0", "1.0", "1000000000000000")]).as_bytes()).is_ok());
    assert_eq!(
        err(&[row("0", "1.0", "1000000000000001")]),
        "line 2: aboard 1000000000000001 is above the largest capacity a fleet may have \
         (1000000000000000)"
    );
}

/// The baseline with each `(from, to)` replaced, and `more` appended.
fn baseline_with(changes: &[(&str, &str)], more: &str) -> CompiledScenario {
    let mut text = caspian_shipping::BASELINE_TOML.to_string();
    for (from, to) in changes {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        text = text.replacen(from, to, 1);
    }
    caspian_shipping::load(&format!("{text}\n{more}"), "test").unwrap()
}

/// Every vessel's entries in `trace` tell the truth about losses and
/// replacements; returns (vessels lost, replacements) seen.
fn check_losses(trace: &[TraceEntry]) -> (usize, usize) {
    let mut lost: Vec<&Subject> = Vec::new();
    let mut seen: Vec<&Subject> = Vec::new();
    let mut replaced = 0;
    for (i, e) in trace.iter().enumerate() {
        let TraceState::Vessel { phase, .. } = &e.state else { continue };
        if e.event == TraceEvent::VesselReturn {
            // The replaced vessel stays lost; its replacement, a vessel
            // not seen before, enters service in the next entry.
            assert!(lost.contains(&&e.subject), "{e:?}");
            assert_eq!(*phase, VesselPhase::Lost, "{e:?}");
            let next = &trace[i + 1];
            assert_eq!((next.event, next.time), (TraceEvent::StateChange, e.time), "{next:?}");
            assert!(!seen.contains(&&next.subject), "a new vessel: {next:?}");
            let TraceState::Vessel { phase, aboard, berth, .. } = &next.state else {
                panic!("{next:?}")
            };
            assert_eq!((*phase, *aboard, *berth), (VesselPhase::NotArrived, 0, Some(false)));
            // Its arrival at the origin follows, at the same time.
            let arrive = trace[i + 2..].iter().find(|a| a.subject == next.subject).unwrap();
            assert_eq!((arrive.event, arrive.time), (TraceEvent::Arrive, e.time), "{arrive:?}");
            replaced += 1;
            continue;
        }
        // A lost vessel does nothing more: no entry for the events it had
        // scheduled (the model ignores them).
        assert!(!lost.contains(&&e.subject), "an entry of a lost vessel: {e:?}");
        if !seen.contains(&&e.subject) {
            seen.push(&e.subject);
        }
        if *phase == VesselPhase::Lost {
            lost.push(&e.subject);
        }
    }
    (lost.len(), replaced)
}

/// A vessel lost at sea, or taken out of service while it sails or is at a
/// berth, has no entries for the events it had scheduled, which the model
/// ignores; the `vessel_return` entry is the lost vessel's, and its
/// replacement enters service in an entry of its own.
#[test]
fn a_lost_vessel_has_no_more_entries_and_its_replacement_enters_service() {
    // A ferry taken out of service on day 59 for 20 days: in some
    // replications it is at sea or at a berth, with events pending.
    let withdrawn = baseline_with(
        &[],
        "[[disruption]]\nid = \"out\"\ntarget = \"vessels.ferries_kuryk_alat\"\nvessels = 1\n\
         start_day = 59\nduration_days = { dist = \"constant\", value = 20 }\n",
    );
    // Losses at sea in the first weeks, each replaced after 10 days.
    let at_sea = baseline_with(
        &[
            ("incident_probability = 0.0001 ", "incident_probability = 0.05 "),
            (
                "loss_probability = 0.05",
                "loss_probability = 0.9\nreplacement_days = { dist = \"constant\", value = 10 }",
            ),
        ],
        "",
    );
    let mut ignored = 0;
    for (plan, reps) in [(&withdrawn, 0..6), (&at_sea, 0..1)] {
        for rep in reps {
            let mut rec =
                caspian_shipping::probe::Recorder { trace_events: true, ..Default::default() };
            let run = caspian_shipping::simulate_probed(plan, 20261123, rep, &mut rec);
            let (lost, replaced) = check_losses(&rec.trace);
            assert!(lost >= 1 && replaced >= 1, "{lost} lost, {replaced} replaced");
            let fired = rec.trace.iter().filter(|e| e.event.fired()).count() as u64;
            assert_eq!(fired + run.ignored_events, run.events);
            ignored += run.ignored_events;
        }
    }
    assert!(ignored > 0, "some vessel had events pending when it left service");
}
