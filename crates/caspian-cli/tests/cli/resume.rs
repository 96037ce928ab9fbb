//! Interrupted sweeps (by request or by a signal) keep their finished points and resume to the uninterrupted result.

use std::process::Command;

use crate::common::{fails, ok, ok_output, read, scenario, scratch};

#[test]
fn an_interrupted_sweep_resumes_to_the_uninterrupted_result() {
    let dir = scratch("resume");
    let base = scenario("baseline.toml");
    // Axes on the command line replace the file's: all three, 18 points.
    let common = [
        "-n",
        "5",
        "-q",
        "--axis=port.alat.berths.rail_ferry=2,3,4",
        "--axis=weather.storm_rate_multiplier=0.5,1,2",
        "--axis=interdiction.incident_probability=0,0.01",
    ];
    // The reference point changes the summaries, not the records: a sweep
    // interrupted without one resumes with one.
    let mut full = vec!["sweep", &base, "--json", "full.json", "--reference", "3"];
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

    let mut resume = vec!["sweep", &base, "--json", "cut.json", "--resume", "--reference", "3"];
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
    assert!(err.contains("delete it or give another --checkpoint"), "not circular: {err}");
    // Nothing to resume from (a mistyped path, say): a warning, under -q too.
    let args = ["sweep", &base, "--json", "fresh.json", "--resume", "-n", "2", "-q", common[3]];
    let err = String::from_utf8_lossy(&ok_output(&args, &dir).stderr).into_owned();
    assert!(err.contains("warning: --resume: no checkpoint at fresh.json.checkpoint"), "{err}");
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
    assert_eq!(out.status.code(), Some(143), "SIGTERM's code, 128 + 15: {err}");
    assert!(err.contains("continue with --resume"), "{err}");
    assert!(!dir.join("cut.json").exists(), "no result file from a stopped sweep");

    let mut resume = cut.clone();
    resume.extend(["-q", "--resume"]);
    ok(&resume, &dir);
    assert_eq!(read(&dir, "full.json"), read(&dir, "cut.json"));
}

/// A checkpoint is read as carefully as a merge part: a replication's
/// value no replication can give (hand-edited, or damaged on disk) is
/// refused, naming the line and the KPI, rather than summarised into the
/// result (an optimisation's checkpoint: `tests/it/optimize.rs`).
#[test]
fn a_checkpoint_with_an_impossible_value_is_refused() {
    let dir = scratch("resume_damaged");
    let base = scenario("baseline.toml");
    let short = "scenario.horizon_days=60";
    let axis = "--axis=port.alat.berths.rail_ferry=2,3";
    let first = ["sweep", &base, "-n", "3", "-q", "--set", short, axis, "--json", "s.json"];
    let mut cut = first.to_vec();
    cut.extend(["--interrupt-after-points", "1"]);
    fails(&cut, &dir, 130);
    let cp = dir.join("s.json.checkpoint");
    let text = std::fs::read_to_string(&cp).unwrap();
    let mut lines: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let at = lines[1]["kpi_names"]
        .as_array()
        .unwrap()
        .iter()
        .position(|k| k == "delivered_total.oil")
        .unwrap();
    lines[1]["rows"][0]["values"][at] = (-1.0).into();
    let edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(&cp, edited.join("\n") + "\n").unwrap();
    let mut resume = first.to_vec();
    resume.push("--resume");
    let err = fails(&resume, &dir, 2);
    assert!(
        err.contains(
            "line 2: delivered_total.oil: -1 is outside the KPI's range; the file is damaged"
        ),
        "{err}"
    );
    assert!(!dir.join("s.json").exists());
    // KPI names renamed by hand would file the values under other KPIs.
    lines[1]["rows"][0]["values"][at] = 1.0.into();
    lines[1]["kpi_names"][at] = "delivered_total.zzz".into();
    let edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(&cp, edited.join("\n") + "\n").unwrap();
    let err = fails(&resume, &dir, 2);
    assert!(
        err.contains(
            "line 2: \"delivered_total.zzz\" is no KPI caspian writes; the file is damaged"
        ),
        "{err}"
    );
    assert!(!dir.join("s.json").exists());
    // A name left out with its values: each a KPI caspian writes, in its
    // order, but not what was saved (its seal).
    lines[1]["kpi_names"].as_array_mut().unwrap().remove(at);
    for row in lines[1]["rows"].as_array_mut().unwrap() {
        row["values"].as_array_mut().unwrap().remove(at);
    }
    let edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(&cp, edited.join("\n") + "\n").unwrap();
    let err = fails(&resume, &dir, 2);
    assert!(
        err.contains(
            "line 2: design point 0: its rows do not match their seal (edited, or damaged)"
        ),
        "{err}"
    );
    assert!(!dir.join("s.json").exists());
}

/// A sequential sweep goes over its points once a stage: a stop says which
/// stage the last point completed, and resuming in the middle of a later
/// stage gives the uninterrupted result.
#[test]
fn a_sequential_sweep_stopped_in_a_later_stage_says_so_and_resumes_exactly() {
    let dir = scratch("resume_sequential");
    let base = scenario("baseline.toml");
    let short = "scenario.horizon_days=60";
    let axis = "--axis=port.alat.berths.rail_ferry=2,3";
    let target = ["--target-rel-halfwidth", "0.0001", "--max-replications", "12"];
    let mut full = vec!["sweep", &base, "-n", "3", "-q", "--set", short, axis, "--json", "f.json"];
    full.extend(target);
    ok(&full, &dir);
    let mut first = vec!["sweep", &base, "-n", "3", "-q", "--set", short, axis, "--json", "s.json"];
    first.extend(target);
    // Two points in the first stage, then point 0 again in the second.
    let mut cut = first.clone();
    cut.extend(["--interrupt-after-points", "3"]);
    let err = fails(&cut, &dir, 130);
    let held: usize = err
        .split("stopped after design point 0 at ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the stop names the point and its replications: {err}"));
    assert!(held > 3 && held <= 12, "a later stage than the first batch of 3: {err}");
    first.push("--resume");
    ok(&first, &dir);
    assert_eq!(read(&dir, "f.json"), read(&dir, "s.json"));
}

/// A crash of the machine can leave the part of a checkpoint written since
/// its last sync as zero bytes, with records after them: everything from
/// the first zero byte is dropped and computed again, not refused.
#[test]
fn a_checkpoint_with_a_tail_of_zero_bytes_resumes_exactly() {
    let dir = scratch("resume_zeros");
    let base = scenario("baseline.toml");
    let short = "scenario.horizon_days=60";
    let axis = "--axis=port.alat.berths.rail_ferry=2,3,4,5";
    let first = ["sweep", &base, "-n", "3", "--set", short, axis, "--json", "s.json"];
    let mut full = vec!["sweep", &base, "-n", "3", "-q", "--set", short, axis];
    full.extend(["--json", "f.json"]);
    ok(&full, &dir);
    let mut cut = first.to_vec();
    cut.extend(["-q", "--interrupt-after-points", "4"]);
    fails(&cut, &dir, 130);
    let cp = dir.join("s.json.checkpoint");
    let text = std::fs::read_to_string(&cp).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "header and four points");
    // Point 0 kept; point 1 half written, then zeros where the rest of it
    // never reached the disk; points 2 and 3 after them, as later blocks
    // might (so the damage is not only the last line).
    let mut damaged = format!("{}\n{}\n", lines[0], lines[1]).into_bytes();
    damaged.extend_from_slice(&lines[2].as_bytes()[..lines[2].len() / 2]);
    damaged.extend(std::iter::repeat_n(0u8, 4096));
    damaged.extend_from_slice(format!("{}\n{}\n", lines[3], lines[4]).as_bytes());
    std::fs::write(&cp, damaged).unwrap();
    let mut resume = first.to_vec();
    resume.push("--resume");
    let err = String::from_utf8(ok_output(&resume, &dir).stderr).unwrap();
    assert!(err.contains("3 replications already done"), "point 0 only: {err}");
    assert!(err.contains("zero bytes, was dropped"), "{err}");
    assert_eq!(read(&dir, "f.json"), read(&dir, "s.json"));

    // Zeros before the header: nothing to resume from, and the message
    // says why rather than calling the file empty.
    let mut cut = first.to_vec();
    cut.extend(["-q", "--interrupt-after-points", "1"]);
    fails(&cut, &dir, 130);
    let mut zeroed = vec![0u8; 512];
    zeroed.extend(std::fs::read(&cp).unwrap());
    std::fs::write(&cp, zeroed).unwrap();
    let err = fails(&resume, &dir, 2);
    assert!(err.contains("begins with zero bytes"), "{err}");
}
