//! The `caspian` command line as users and scripts see it: exit codes,
//! messages, files, and the reproducibility contract (thread count, shards,
//! interruption and resumption never change a result).

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{caspian, fails, ok, read, scenario, scratch};

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
    assert_eq!(doc["provenance"]["scenario_sha256"].as_str().unwrap().len(), 64);
    assert!(doc["provenance"]["rng_algorithm"].as_str().unwrap().contains("ChaCha8"));
    let csv = String::from_utf8(read(&dir, "b.csv")).unwrap();
    assert_eq!(csv.lines().count(), 21, "header plus one row per replication");
    assert!(csv.starts_with("replication,events,truncated,"));
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let dir = scratch("threads");
    for t in ["1", "2", "3"] {
        ok(&["run", "-n", "30", "-q", "--threads", t, "--json", &format!("t{t}.json")], &dir);
    }
    assert_eq!(read(&dir, "t1.json"), read(&dir, "t2.json"));
    assert_eq!(read(&dir, "t1.json"), read(&dir, "t3.json"));
}

#[test]
fn shards_merge_into_exactly_the_single_run() {
    let dir = scratch("shards");
    ok(&["run", "-n", "50", "-q", "--json", "single.json", "--csv", "single.csv"], &dir);
    for k in 0..3 {
        let shard = format!("{k}/3");
        ok(&["run", "-n", "50", "-q", "--shard", &shard, "--json", &format!("p{k}.json")], &dir);
    }
    // Parts given out of order: merge sorts them by shard index.
    ok(
        &["merge", "p2.json", "p0.json", "p1.json", "-q", "--json", "m.json", "--csv", "m.csv"],
        &dir,
    );
    assert_eq!(read(&dir, "single.json"), read(&dir, "m.json"));
    assert_eq!(read(&dir, "single.csv"), read(&dir, "m.csv"));

    // The index can come from a Slurm array.
    let out = Command::new(env!("CARGO_BIN_EXE_caspian"))
        .args(["run", "-n", "50", "-q", "--shard", "auto/3", "--json", "slurm1.json"])
        .current_dir(&dir)
        .env("SLURM_ARRAY_TASK_ID", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(read(&dir, "p1.json"), read(&dir, "slurm1.json"));
}

#[test]
fn sweep_shards_merge_into_exactly_the_single_sweep() {
    let dir = scratch("sweep-shards");
    let base = scenario("baseline.toml");
    let axis = "--axis=weather.storm_rate_multiplier=1,2";
    let common = ["-n", "6", "-q", axis];
    let mut single = vec!["sweep", &base, "--json", "single.json"];
    single.extend(common);
    ok(&single, &dir);
    for k in 0..2 {
        let (shard, part) = (format!("{k}/2"), format!("p{k}.json"));
        let mut args = vec!["sweep", &base, "--shard", &shard, "--json", &part];
        args.extend(common);
        ok(&args, &dir);
    }
    ok(&["merge", "p0.json", "p1.json", "-q", "--json", "m.json"], &dir);
    assert_eq!(read(&dir, "single.json"), read(&dir, "m.json"));
}

#[test]
fn merge_refuses_missing_duplicate_and_foreign_parts() {
    let dir = scratch("merge-refuse");
    for k in 0..3 {
        let shard = format!("{k}/3");
        ok(&["run", "-n", "12", "-q", "--shard", &shard, "--json", &format!("p{k}.json")], &dir);
    }
    ok(&["run", "-n", "12", "-q", "--seed", "9", "--shard", "2/3", "--json", "other.json"], &dir);
    let err = fails(&["merge", "p0.json", "p2.json", "--json", "m.json"], &dir, 2);
    assert!(err.contains("missing shard(s) 1 of 3"), "{err}");
    let err = fails(&["merge", "p0.json", "p1.json", "p1.json", "p2.json"], &dir, 2);
    assert!(err.contains("shard 1/3 given more than once"), "{err}");
    let err = fails(&["merge", "p0.json", "p1.json", "other.json"], &dir, 2);
    assert!(err.contains("seed differs"), "{err}");
    assert!(!dir.join("m.json").exists(), "no output from a refused merge");
    // Re-running just the missing shard completes the study.
    ok(&["merge", "p0.json", "p1.json", "p2.json", "-q", "--json", "m.json"], &dir);
}

#[test]
fn an_interrupted_sweep_resumes_to_the_uninterrupted_result() {
    let dir = scratch("resume");
    let base = scenario("baseline.toml");
    let common = ["-n", "5", "-q", "--axis=interdiction.incident_probability=0,0.01"];
    let mut full = vec!["sweep", &base, "--json", "full.json"];
    full.extend(common);
    ok(&full, &dir);

    let mut first = vec!["sweep", &base, "--json", "cut.json", "--interrupt-after-points", "7"];
    first.extend(common);
    let err = fails(&first, &dir, 130);
    assert!(err.contains("--resume"), "{err}");
    assert!(!dir.join("cut.json").exists(), "no result file from an interrupted sweep");
    let cp = dir.join("cut.json.checkpoint");
    let lines = std::fs::read_to_string(&cp).unwrap().lines().count();
    assert_eq!(lines, 8, "header plus one line per completed point");
    // A kill in the middle of a write leaves a torn last line.
    let mut text = std::fs::read_to_string(&cp).unwrap();
    text.push_str("{\"point\": 7, \"kpi_na");
    std::fs::write(&cp, text).unwrap();

    let mut resume = vec!["sweep", &base, "--json", "cut.json", "--resume"];
    resume.extend(common);
    ok(&resume, &dir);
    assert_eq!(read(&dir, "full.json"), read(&dir, "cut.json"));
    assert!(!cp.exists(), "the checkpoint is removed once results are written");

    // A checkpoint from a different study is refused, not silently mixed.
    let mut again = vec!["sweep", &base, "--json", "seed.json", "--interrupt-after-points", "1"];
    again.extend(common);
    fails(&again, &dir, 130);
    let mut other = vec!["sweep", &base, "--json", "seed.json", "--resume", "--seed", "3"];
    other.extend(common);
    let err = fails(&other, &dir, 2);
    assert!(err.contains("different study (seed differs)"), "{err}");
}

#[test]
fn sequential_stopping_meets_its_target_and_equals_a_fixed_run() {
    let dir = scratch("target");
    ok(&["run", "-n", "10", "-q", "--target-rel-halfwidth", "0.002", "--json", "t.json"], &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "t.json")).unwrap();
    let target = &doc["target"];
    assert_eq!(target["met"], true, "{target}");
    let n = doc["replications"].as_u64().unwrap();
    assert!(n > 10, "the target needed more than the first batch");
    for kpi in ["delivered_total.oil", "delivered_total.wagons"] {
        let s = &doc["kpis"][kpi];
        let hw = (s["ci95_high"].as_f64().unwrap() - s["ci95_low"].as_f64().unwrap()) / 2.0;
        assert!(hw <= 0.002 * s["mean"].as_f64().unwrap().abs(), "{kpi}: {s}");
    }
    // Extending a run equals asking for that many replications at the start.
    let n_arg = n.to_string();
    ok(&["run", "-n", &n_arg, "-q", "--json", "fixed.json"], &dir);
    let fixed: serde_json::Value = serde_json::from_slice(&read(&dir, "fixed.json")).unwrap();
    assert_eq!(doc["kpis"], fixed["kpis"]);

    // A budget too small to meet the target is reported, not hidden.
    ok(
        &[
            "run",
            "-n",
            "10",
            "-q",
            "--target-rel-halfwidth",
            "0.0001",
            "--max-replications",
            "20",
            "--json",
            "short.json",
        ],
        &dir,
    );
    let short: serde_json::Value = serde_json::from_slice(&read(&dir, "short.json")).unwrap();
    assert_eq!(short["target"]["met"], false);
    assert_eq!(short["replications"], 20);
}

#[test]
fn compare_reports_paired_differences_and_a_ranking() {
    let dir = scratch("compare");
    let base = scenario("baseline.toml");
    let out = ok(&["compare", &base, &base, &base, "-n", "20", "-q", "--json", "c.json"], &dir);
    assert!(out.contains("ranking on delivered_total.oil"), "{out}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "c.json")).unwrap();
    // A scenario compared with itself under common random numbers differs by
    // exactly zero in every replication.
    let d = &doc["differences"][0]["kpis"]["delivered_total.wagons"];
    assert_eq!(d["mean_diff"], 0.0);
    assert_eq!(d["ci95_low"], 0.0);
    assert_eq!(doc["rankings"][0]["order"][2]["indistinguishable_from_best"], true);
}

#[test]
fn bad_input_exits_2_with_a_message_naming_the_problem() {
    let dir = scratch("bad");
    let err = fails(&["run", "no-such-file.toml"], &dir, 2);
    assert!(err.contains("cannot read no-such-file.toml"), "{err}");

    std::fs::write(dir.join("bad.toml"), caspian_shipping_broken()).unwrap();
    let err = fails(&["run", "bad.toml"], &dir, 2);
    assert!(err.contains("bad.toml") && err.contains("interdiction.incident_probability"), "{err}");
    let err = fails(&["validate", &scenario("baseline.toml"), "bad.toml"], &dir, 2);
    assert!(err.contains("interdiction.incident_probability"), "{err}");

    let err = fails(&["run", "-n", "3", "--json", "/nonexistent-dir/out.json"], &dir, 2);
    assert!(err.contains("cannot write /nonexistent-dir/out.json"), "{err}");
    let err =
        fails(&["sweep", &scenario("baseline.toml"), "--axis", "fleet.ghost.count=1,2"], &dir, 2);
    assert!(err.contains("fleet.ghost.count"), "{err}");
    let err = fails(&["run", "--shard", "3/3", "--json", "x.json"], &dir, 2);
    assert!(err.contains("below 3"), "{err}");
    let err = fails(&["run", "--shard", "auto/3", "--json", "x.json"], &dir, 2);
    assert!(err.contains("SLURM_ARRAY_TASK_ID"), "{err}");
    let err = fails(&["run", "--target-rel-halfwidth", "2"], &dir, 2);
    assert!(err.contains("--target-rel-halfwidth"), "{err}");
    fails(&["run", "--replications", "0"], &dir, 2);
    std::fs::write(dir.join("junk.json"), "{}").unwrap();
    let err = fails(&["merge", "junk.json"], &dir, 2);
    assert!(err.contains("junk.json"), "{err}");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
}

/// The baseline with an impossible probability.
fn caspian_shipping_broken() -> String {
    let text = std::fs::read_to_string(scenario("baseline.toml")).unwrap();
    let i = text.find("incident_probability").expect("baseline sets incident_probability");
    let end = i + text[i..].find('\n').unwrap();
    format!("{}incident_probability = 1.5{}", &text[..i], &text[end..])
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
        "seq,time_h,event,subject,phase,port,aboard,berths_busy,berths,anchorage,storage,level,capacity,gate,convoy,detail\n"
    ));
    assert_eq!(csv.lines().count(), events + 1);
    // The same replication to stdout gives the same log.
    assert_eq!(ok(&["trace", "-r", "3"], &dir), csv);
}

#[test]
fn warmup_suggests_a_length_and_writes_the_welch_series() {
    let dir = scratch("warmup");
    let out = ok(&["warmup", "-n", "4", "-q", "--csv", "w.csv"], &dir);
    assert!(out.contains("suggested warm-up:"), "{out}");
    let csv = String::from_utf8(read(&dir, "w.csv")).unwrap();
    assert!(csv.starts_with("day,oil_delivered_per_interval_t.mean,"));
    // One row per day of the baseline horizon after day 0.
    let horizon_days: usize = 395;
    assert_eq!(csv.lines().count(), horizon_days + 1);
    fails(&["warmup", "--every-h", "0"], &dir, 2);
}

#[test]
fn a_saturated_scenario_finishes_with_a_warning() {
    let dir = scratch("saturated");
    let text = r#"
[scenario]
name = "overloaded"
horizon_days = 395
warmup_days = 30

[[port]]
id = "q"
berths = { tanker = 1 }

[[open_traffic]]
id = "ships"
port = "q"
berth_class = "tanker"
interarrival_h = { dist = "exponential", mean = 5.0 }
service_h = { dist = "exponential", mean = 10.0 }
"#;
    std::fs::write(dir.join("over.toml"), text).unwrap();
    let out = caspian(&["run", "over.toml", "-n", "8", "-q", "--json", "o.json"], &dir);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: saturated: anchorage q.tanker"), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "o.json")).unwrap();
    assert!(doc["warnings"][0].as_str().unwrap().contains("in 8 of 8 replications"), "{doc}");
}

#[test]
fn the_event_limit_stops_an_endless_replication_with_a_warning() {
    // The baseline capped at 2,000 events stands in for a scenario that
    // schedules events without end: every replication stops at the cap.
    let dir = scratch("event-limit");
    let text = std::fs::read_to_string(scenario("baseline.toml")).unwrap();
    let capped = text.replacen("[scenario]\n", "[scenario]\nmax_events = 2000\n", 1);
    assert_ne!(capped, text, "the baseline has a [scenario] table");
    std::fs::write(dir.join("capped.toml"), capped).unwrap();
    let out = caspian(&["run", "capped.toml", "-n", "4", "-q", "--json", "c.json"], &dir);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("4 replication(s) hit the scenario's max_events safeguard"), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "c.json")).unwrap();
    assert_eq!(doc["truncated_replications"], 4);
}

#[test]
fn review_findings_stay_fixed() {
    let dir = scratch("review");
    let base = scenario("baseline.toml");

    // A damaged part (impossible shard index or count) is bad input, not a crash.
    ok(&["run", "-n", "6", "-q", "--shard", "0/2", "--json", "p0.json"], &dir);
    ok(&["run", "-n", "6", "-q", "--shard", "1/2", "--json", "p1.json"], &dir);
    let part = String::from_utf8(read(&dir, "p1.json")).unwrap();
    let bad_parts = [
        (part.replacen("\"index\":1", "\"index\":5", 1), "bad-index.json"),
        (part.replacen("\"count\":2", "\"count\":0", 1), "bad-count.json"),
    ];
    for (damaged, name) in bad_parts {
        assert_ne!(damaged, part, "{name}: the damage was applied");
        std::fs::write(dir.join(name), damaged).unwrap();
        let err = fails(&["merge", "p0.json", name], &dir, 2);
        assert!(err.contains("damaged"), "{err}");
    }

    // Shards of the same study named by different spellings of its path merge.
    ok(&["run", &base, "-n", "6", "-q", "--shard", "0/2", "--json", "a0.json"], &dir);
    let dotted = format!("{}/./baseline.toml", PathBuf::from(&base).parent().unwrap().display());
    ok(&["run", &dotted, "-n", "6", "-q", "--shard", "1/2", "--json", "a1.json"], &dir);
    ok(&["merge", "a0.json", "a1.json", "-q", "--json", "a.json"], &dir);

    // More shards than replications: shard 0 is empty, the CSV still merges.
    ok(&["run", "-n", "1", "-q", "--shard", "0/2", "--json", "e0.json"], &dir);
    ok(&["run", "-n", "1", "-q", "--shard", "1/2", "--json", "e1.json"], &dir);
    ok(&["merge", "e0.json", "e1.json", "-q", "--json", "e.json", "--csv", "e.csv"], &dir);
    assert_eq!(String::from_utf8(read(&dir, "e.csv")).unwrap().lines().count(), 2);

    // A target on KPIs that do not exist is refused at once.
    let err =
        fails(&["run", "-q", "--target-rel-halfwidth", "0.01", "--primary", "nosuchkpi"], &dir, 2);
    assert!(err.contains("no KPI matches"), "{err}");

    // Sweep option clashes are refused before any work.
    let axis = "--axis=weather.storm_rate_multiplier=1,2";
    let err = fails(
        &["sweep", &base, axis, "--shard", "0/2", "--json", "s.json", "--csv", "s.csv"],
        &dir,
        2,
    );
    assert!(err.contains("caspian merge"), "{err}");
    let err =
        fails(&["sweep", &base, axis, "--json", "same.json", "--checkpoint", "same.json"], &dir, 2);
    assert!(err.contains("also an output file"), "{err}");
    std::fs::write(dir.join("left.json.checkpoint"), "{}").unwrap();
    let err = fails(&["sweep", &base, axis, "-n", "2", "--json", "left.json"], &dir, 2);
    assert!(err.contains("add --resume"), "{err}");
}

#[test]
fn a_sweep_stopped_by_a_signal_keeps_its_points_and_resumes_exactly() {
    let dir = scratch("signal");
    let base = scenario("baseline.toml");
    let args = [
        "sweep",
        base.as_str(),
        "-n",
        "300",
        "--axis=port.alat.berths.rail_ferry=2",
        "--axis=weather.storm_rate_multiplier=1,2",
        "--axis=interdiction.incident_probability=0,0.005",
    ];
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["-q", "--json", "full.json"]);
    ok(&full, &dir);

    let mut cut: Vec<&str> = args.to_vec();
    cut.extend(["--json", "cut.json"]);
    let child = Command::new(env!("CARGO_BIN_EXE_caspian"))
        .args(&cut)
        .current_dir(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait (bounded) for the first finished point, then send what a
    // scheduler sends at a time limit.
    let cp = dir.join("cut.json.checkpoint");
    let start = std::time::Instant::now();
    while std::fs::read_to_string(&cp).map_or(0, |t| t.lines().count()) < 2 {
        assert!(start.elapsed().as_secs() < 120, "no design point finished in 120 s");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("continue with --resume"), "{err}");
    assert!(!dir.join("cut.json").exists(), "no result file from a stopped sweep");

    let mut resume = cut.clone();
    resume.extend(["-q", "--resume"]);
    ok(&resume, &dir);
    assert_eq!(read(&dir, "full.json"), read(&dir, "cut.json"));
}
