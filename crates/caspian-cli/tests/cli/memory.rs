//! Memory stays flat: the trace is streamed as the replication runs (a
//! reader that stops early ends it), Welch's averages are summed on the fly
//! in replication order, and an `--every-h` too fine for the horizon is
//! refused. The figures are in `docs/performance.md` ("Memory"); these tests
//! check behaviour, never time or memory.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::{fails, ok, scenario, scratch};

/// The baseline over a thousand years (the longest horizon accepted).
fn thousand_years(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(scenario("baseline.toml")).unwrap();
    let long: String = text
        .lines()
        .map(|l| if l.starts_with("horizon_days") { "horizon_days = 365000" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    let path = dir.join("long.toml");
    std::fs::write(&path, long).unwrap();
    path
}

#[test]
fn a_trace_is_streamed_and_a_closed_reader_ends_it() {
    let dir = scratch("memory-trace");
    let long = thousand_years(&dir);
    // A thousand years of events would take minutes and gigabytes if the
    // trace were built first; streamed, the first lines come at once and
    // closing the pipe ends the replication quietly.
    let mut child = Command::new(env!("CARGO_BIN_EXE_caspian"))
        .arg("trace")
        .arg(&long)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().starts_with("seq,time_h,event,"));
    assert!(lines.next().unwrap().unwrap().starts_with("0,0.0000,"));
    drop(lines);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn welch_sums_are_the_same_for_any_thread_count_and_every_h_is_capped() {
    let dir = scratch("memory-warmup");
    // Replications are summed in blocks of twice the thread count: 1 and 3
    // threads cut 11 replications into different blocks.
    let args = |t: &'static str, json: &'static str| {
        ["warmup", "-n", "11", "--every-h", "12", "-q", "-t", t, "--json", json]
    };
    ok(&args("1", "one.json"), &dir);
    ok(&args("3", "three.json"), &dir);
    let one = std::fs::read(dir.join("one.json")).unwrap();
    assert_eq!(one, std::fs::read(dir.join("three.json")).unwrap());
    let err = fails(&["warmup", "--every-h", "0.001", "-n", "2"], &dir, 2);
    assert!(err.contains("--every-h 0.001") && err.contains("100000"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_sweep_whose_summaries_would_not_fit_in_memory_is_refused_before_any_work() {
    let dir = scratch("memory-sweep");
    let base = crate::common::scenario("baseline.toml");
    let axis = "port.alat.berths.rail_ferry=1,4";
    let err = fails(&["sweep", &base, "--lhs", "50000", "-n", "1", "--axis", axis], &dir, 2);
    assert!(
        err.contains("50000 design points x 92 KPIs") && err.contains("at most 43478"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
