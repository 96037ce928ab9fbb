//! The files and tables each command writes: the run summary, its JSON and CSV, the trace and the warm-up series.

use crate::common::{caspian, fails, ok, read, scenario, scratch};

#[test]
fn run_without_a_file_summarises_the_embedded_baseline() {
    let dir = scratch("main");
    let out = ok(&["run", "-n", "20", "-q", "--json", "b.json", "--csv", "b.csv"], &dir);
    assert!(out.contains("embedded baseline"), "{out}");
    assert!(out.contains("delivered_total.oil"), "{out}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "b.json")).unwrap();
    assert_eq!(doc["kind"], "run");
    assert_eq!(doc["replications"], 20);
    let oil = &doc["kpis"]["delivered_total.oil"];
    for field in ["mean", "sd", "ci95_low", "ci95_high", "p05", "p50", "p95", "n"] {
        assert!(oil[field].is_number(), "{field} in {oil}");
    }
    assert!(oil["ci95_low"].as_f64() <= oil["mean"].as_f64());
    // Units resolved by the scenario: a storage's amount in its cargo's unit.
    assert_eq!(oil["unit"], "t");
    assert_eq!(doc["kpis"]["transit_h.oil.mean"]["unit"], "h");
    let wagons =
        doc["kpis"].as_object().unwrap().iter().find(|(k, _)| {
            k.starts_with("delivered.") && doc["kpis"][k.as_str()]["unit"] == "wagons"
        });
    assert!(wagons.is_some(), "a wagon storage's delivered KPI is in wagons");
    let table = out.lines().find(|l| l.starts_with("kpi ")).unwrap();
    assert!(table.split_whitespace().nth(1) == Some("unit"), "{table}");
    assert!(out.lines().any(|l| l.starts_with("delivered_total.oil ") && l.contains(" t ")));
    assert_eq!(doc["provenance"]["scenario_sha256"].as_str().unwrap().len(), 64);
    assert!(doc["provenance"]["rng_algorithm"].as_str().unwrap().contains("ChaCha8"));
    let csv = String::from_utf8(read(&dir, "b.csv")).unwrap();
    assert_eq!(csv.lines().count(), 21, "header plus one row per replication");
    assert!(csv.starts_with("replication,events,truncated,"));
}

#[test]
fn trace_writes_one_row_per_event() {
    let dir = scratch("trace");
    let out = caspian(&["trace", "-r", "3", "--csv", "t.csv"], &dir);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let events: usize = err.split_whitespace().next().unwrap().parse().unwrap();
    let csv = String::from_utf8(read(&dir, "t.csv")).unwrap();
    assert!(csv.starts_with(
        "seq,time_h,event,subject,phase,port,aboard,at_berth,berths_busy,berths,anchorage,storage,level,capacity,gate,convoy,pending,detail\n"
    ));
    assert_eq!(csv.lines().count(), events + 1);
    // Events and the vessels other subjects' events changed, each a row.
    assert!(csv.contains(",state_change,vessel "));
    // The same replication to stdout gives the same log.
    assert_eq!(ok(&["trace", "-r", "3"], &dir), csv);
}

/// A trace file edited into rows no replication writes (a repeated or
/// decreasing `seq`, a time beyond any horizon, more aboard than any
/// vessel holds) is refused with exit code 2, naming the file, the line
/// and the column.
#[test]
fn a_trace_with_impossible_rows_is_refused_naming_file_line_and_column() {
    let dir = scratch("trace_impossible");
    ok(&["trace", &scenario("ferry_shuttle.toml"), "--csv", "t.csv"], &dir);
    let csv = String::from_utf8(read(&dir, "t.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    let last = lines.len() - 1;
    let vessel = lines.iter().position(|l| l.contains(",vessel ")).unwrap();
    // Line `at` (0 is the header) with cell `col` set to `value`, and what
    // the refusal says.
    let edits = [
        (3, 0, "1", "seq 1 repeats the entry above it"),
        (3, 0, "0", "seq 0 is below the entry above it (1)"),
        (last, 1, "8760001.0000", "time_h 8760001.0000 is beyond the longest horizon"),
        (vessel, 6, "99999999999999999", "aboard 99999999999999999 is above the largest capacity"),
    ];
    for (at, col, value, expected) in edits {
        let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let mut cells: Vec<&str> = lines[at].split(',').collect();
        cells[col] = value;
        edited[at] = cells.join(",");
        std::fs::write(dir.join("bad.csv"), edited.join("\n") + "\n").unwrap();
        let err = fails(&["plot", "--trace", "bad.csv", "--out", "b.svg"], &dir, 2);
        let line = format!("bad.csv: trace CSV: line {}: ", at + 1);
        assert!(err.contains(&line) && err.contains(expected), "{line}{expected}\n{err}");
    }
    assert!(!dir.join("b.svg").exists());
}

#[test]
fn warmup_suggests_a_length_and_writes_the_welch_series() {
    let dir = scratch("warmup");
    let out = ok(&["warmup", "-n", "4", "-q", "--csv", "w.csv", "--json", "w.json"], &dir);
    assert!(out.contains("suggested warm-up:"), "{out}");
    let csv = String::from_utf8(read(&dir, "w.csv")).unwrap();
    assert!(csv.starts_with("day,oil_delivered_per_interval_t.mean,"));
    // One row per day of the baseline horizon after day 0.
    let horizon_days: usize = 395;
    assert_eq!(csv.lines().count(), horizon_days + 1);
    fails(&["warmup", "--every-h", "0"], &dir, 2);
    // The same analysis as a document, which has no report.
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "w.json")).unwrap();
    assert_eq!(doc["kind"], "warmup");
    assert_eq!(doc["day"].as_array().unwrap().len(), horizon_days);
    assert_eq!(doc["series"][0]["name"], "oil_delivered_per_interval_t");
    let suggested = out.split("suggested warm-up: ").nth(1).unwrap();
    let days: f64 = suggested.split_whitespace().next().unwrap().parse().unwrap();
    assert_eq!(days, doc["suggested_warmup_days"].as_f64().unwrap().ceil());
    let err = fails(&["report", "w.json", "--out", "w.html"], &dir, 2);
    assert!(err.contains("warm-up"), "{err}");
    // The baseline's weather follows the calendar: the cut is a hint. An
    // M/M/c port has no calendar: no such note.
    assert!(out.contains("note: this scenario's weather follows the calendar"), "{out}");
    let mmc = ok(&["warmup", &scenario("mmc_check.toml"), "-n", "2", "-q"], &dir);
    assert!(mmc.contains("suggested warm-up:") && !mmc.contains("calendar"), "{mmc}");
    // No series long enough to analyse: no suggestion (not "0 days").
    let sparse = ["warmup", "-n", "2", "-q", "--every-h", "9000", "--json", "s.json"];
    let out = ok(&sparse, &dir);
    assert!(out.contains("suggested warm-up: none: no series is long enough"), "{out}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "s.json")).unwrap();
    assert!(doc["suggested_warmup_days"].is_null(), "{}", doc["suggested_warmup_days"]);
}
