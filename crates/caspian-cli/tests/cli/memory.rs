//! Memory stays flat: the trace is streamed as the replication runs (a
//! reader that stops early ends it), Welch's averages are summed on the fly
//! in replication order, an `--every-h` too fine for the horizon is
//! refused, and a sweep writes its summaries point by point. The figures are in `docs/performance.md` ("Memory"); these tests
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
}

#[test]
fn a_sweep_report_whose_summaries_would_not_fit_in_memory_is_refused_before_any_work() {
    let dir = scratch("memory-sweep");
    let base = crate::common::scenario("baseline.toml");
    let axis = "port.alat.berths.rail_ferry=1,4";
    let kpis = baseline_kpis(&dir);
    // Between the report's limit (4 x 10^6 summaries) and the records'
    // (10^7 cells), so the report's is the one that refuses.
    let points = (7_000_000 / kpis).to_string();
    let args = ["sweep", &base, "--lhs", &points, "-n", "1", "--axis", axis, "--report", "r"];
    let err = fails(&args, &dir, 2);
    let fit = 4_000_000 / kpis;
    assert!(
        err.contains(&format!("--report: {points} design points x {kpis} KPIs"))
            && err.contains(&format!("at most {fit}")),
        "{err}"
    );
    assert!(!dir.join("r").exists() && !dir.join("baseline.sweep-checkpoint").exists());
}

#[test]
fn a_sweep_whose_records_would_not_fit_in_memory_is_refused_before_any_work() {
    let dir = scratch("memory-sweep-cells");
    // The baseline with ten more tanker fleets, each with as many KPIs as
    // the tankers'.
    let text = std::fs::read_to_string(scenario("baseline.toml")).unwrap();
    let start = text.find("[[fleet]]\nid = \"oil_tankers\"").unwrap();
    let end = start + text[start..].find("\n\n").unwrap();
    let block = &text[start..end];
    let extra: String = (0..10)
        .map(|i| {
            format!("\n\n{}", block.replace("\"oil_tankers\"", &format!("\"oil_tankers_{i}\"")))
        })
        .collect();
    std::fs::write(dir.join("many.toml"), format!("{}{extra}{}", &text[..end], &text[end..]))
        .unwrap();
    let axis = "--axis=weather.storm_rate_multiplier=1,2";
    let err = fails(&["sweep", "many.toml", "--lhs", "100000", "-n", "1", axis], &dir, 2);
    let kpis = baseline_kpis(&dir) + 10 * fleet_kpis(&dir, "oil_tankers");
    let fit = 10_000_000 / kpis;
    assert!(
        err.contains(&format!("100000 design points x {kpis} KPIs"))
            && err.contains(&format!("at most {fit} for this scenario")),
        "{err}"
    );
    assert!(!dir.join("many.sweep-checkpoint").exists(), "refused before any work");
}

/// Records that could never fit (a billion replications of the baseline,
/// about 3.8 TB) are refused before any work by run, compare and sweep,
/// naming the option, the memory and what to do instead. Where `/proc/meminfo` cannot be read
/// nothing is checked, so the test is Linux's.
#[cfg(target_os = "linux")]
#[test]
fn records_that_cannot_fit_in_memory_are_refused_before_any_work() {
    let dir = scratch("memory-records");
    let kpis = baseline_kpis(&dir);
    let err = fails(&["run", "-n", "1000000000", "-q", "--json", "r.json"], &dir, 2);
    assert!(err.contains(&format!("-n 1000000000 ({kpis} KPIs a replication)")), "{err}");
    assert!(err.contains("GB in memory, more than the") && err.contains("--shard"), "{err}");
    assert!(!dir.join("r.json").exists());
    // A precision target's ceiling that cannot fit is warned of, not
    // refused: the target stops far earlier (here at 30 replications).
    let args = ["run", "-n", "10", "-q", "--target-rel-halfwidth", "0.5", "--max-replications"];
    let mut with_target = args.to_vec();
    with_target.push("1000000000");
    let out = crate::common::caspian(&with_target, &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("warning: --max-replications 1000000000: should the precision"), "{err}");
    let with_shard = ["run", "-n", "1000000000", "--shard", "0/2", "--json", "p.json"];
    let err = fails(&with_shard, &dir, 2);
    assert!(err.contains("this shard's 500000000 replications"), "{err}");
    assert!(err.contains("use more shards"), "{err}");
    let base = scenario("baseline.toml");
    let variant = "b3:port.alat.berths.rail_ferry=3";
    let err = fails(&["compare", &base, "--variant", variant, "-n", "1000000000"], &dir, 2);
    assert!(err.contains("-n 1000000000 for each of 2 scenarios"), "{err}");
    let axis = "--axis=port.alat.berths.rail_ferry=1,2";
    let err = fails(&["sweep", &base, axis, "-n", "1000000000"], &dir, 2);
    assert!(err.contains("-n 1000000000 at each of 2 design points"), "{err}");
    assert!(!dir.join("baseline.sweep-checkpoint").exists(), "refused before any work");
}

/// The baseline cut to a few days, so that a sweep of many points is quick.
fn short_baseline(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(scenario("baseline.toml")).unwrap();
    let short: String = text
        .lines()
        .map(|l| {
            if l.starts_with("horizon_days") {
                "horizon_days = 3"
            } else if l.starts_with("warmup_days") {
                "warmup_days = 1"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let path = dir.join("short.toml");
    std::fs::write(&path, short).unwrap();
    path
}

#[test]
fn a_large_sweep_is_written_point_by_point_and_the_table_shows_the_first_points() {
    let dir = scratch("memory-sweep-stream");
    let short = short_baseline(&dir);
    let short = short.to_str().unwrap();
    let points = crate::common::SHOWN_POINTS + 5;
    let lhs = points.to_string();
    let axis = "--axis=weather.storm_rate_multiplier=0.5,2";
    let args = ["sweep", short, "--lhs", &lhs, "-n", "2", "-q", axis];
    let mut files = args.to_vec();
    files.extend(["--json", "s.json", "--csv", "s.csv"]);
    let table = ok(&files, &dir);
    // Every point is in the files ...
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("s.json")).unwrap()).unwrap();
    let in_json = doc["points"].as_array().unwrap();
    assert_eq!(in_json.len(), points);
    assert!(in_json.iter().enumerate().all(|(i, p)| p["index"] == i));
    let kpis = in_json[0]["kpis"].as_object().unwrap().len();
    let csv = std::fs::read_to_string(dir.join("s.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + points * kpis, "a header and a row per point and KPI");
    // The document is read back checked, as every reader reads it.
    ok(&["plot", "s.json", "--kpi", "delivered_total.oil", "--out", "s.svg"], &dir);
    // ... and the table shows the first ones, saying where the rest are;
    // in each block of the table, if its KPIs take more than one.
    let rows_per_block = |table: &str| -> Vec<usize> {
        let mut blocks: Vec<usize> = Vec::new();
        for l in table.lines() {
            if l.starts_with("point ") {
                blocks.push(0);
            } else if l.split_whitespace().next().is_some_and(|w| w.parse::<usize>().is_ok())
                && !l.contains("hidden")
                && let Some(n) = blocks.last_mut()
            {
                *n += 1;
            }
        }
        blocks
    };
    let shown = rows_per_block(&table);
    let tail = &table[table.len().saturating_sub(400)..];
    assert!(!shown.is_empty() && shown.iter().all(|&n| n == crate::common::SHOWN_POINTS), "{tail}");
    assert_eq!(table.matches("... and 5 more design points").count(), shown.len(), "per block");
    assert!(table.contains("s.json and s.csv"));
    // Without a file, the table is the only output: every point is shown.
    let all = ok(&args, &dir);
    let shown = rows_per_block(&all);
    assert!(!shown.is_empty() && shown.iter().all(|&n| n == points), "{shown:?}");
}

/// The number of KPIs of the baseline, from a run's JSON.
/// The baseline's KPIs named for fleet `id` (written by [`baseline_kpis`]).
fn fleet_kpis(dir: &std::path::Path, id: &str) -> usize {
    let text = std::fs::read_to_string(dir.join("kpis-count.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["kpis"].as_object().unwrap().keys().filter(|k| k.ends_with(&format!(".{id}"))).count()
}

fn baseline_kpis(dir: &std::path::Path) -> usize {
    crate::common::ok_output(&["run", "-n", "1", "-q", "--json", "kpis-count.json"], dir);
    let text = std::fs::read_to_string(dir.join("kpis-count.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["kpis"].as_object().unwrap().len()
}
