//! Ctrl-C and SIGTERM stop run, compare and warmup cleanly (issue 13):
//! exit code 128 plus the signal's number, a message saying nothing was written, and no temporary
//! file left behind; SIGHUP too, unless it was ignored at start (`nohup`).
//! (Sweeps, which stop after a batch of design points and resume,
//! are in `resume.rs`.)

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::common::{finish_within, scenario, scratch, spawn};

/// Starts `caspian ARGS` in `dir` on a workload far too long to finish,
/// sends `signal` once it is under way, and checks the clean stop.
fn interrupted(args: &[&str], signal: &str, dir: &Path) {
    let mut child = spawn(args, dir);
    // The handler is installed before any work; give the command time to
    // read its scenario and start the replications.
    std::thread::sleep(Duration::from_millis(800));
    assert!(child.try_wait().unwrap().is_none(), "{args:?} finished before the signal");
    let pid = child.id().to_string();
    assert!(Command::new("kill").args([signal, &pid]).status().unwrap().success());
    let what = format!("{args:?} after {signal}");
    let (code, err) = finish_within(child, Duration::from_secs(20), &what);
    // 128 plus the signal's number, as a shell reports it.
    let expected = match signal {
        "-TERM" => 143,
        "-HUP" => 129,
        _ => 130,
    };
    assert_eq!(code, expected, "{what}: {err}");
    assert!(err.contains("interrupted; no file was written"), "{err}");
    let left: Vec<String> = walk(dir);
    assert!(left.iter().all(|n| !n.contains(".tmp-")), "temporary files left: {left:?}");
    assert!(!left.iter().any(|n| n.ends_with("out.json")), "no result file: {left:?}");
}

/// Starts the sweep `caspian ARGS` (with `--json out.json`) in `dir` and
/// waits until its checkpoint exists (a graceful stop is possible from
/// then on); returns the child and the checkpoint's path.
fn sweep_under_way(args: &[&str], dir: &Path) -> (std::process::Child, std::path::PathBuf) {
    let child = spawn(args, dir);
    let cp = dir.join("out.json.checkpoint");
    let start = std::time::Instant::now();
    while !cp.exists() {
        assert!(start.elapsed() < Duration::from_secs(20), "no checkpoint after 20 s");
        std::thread::sleep(Duration::from_millis(10));
    }
    (child, cp)
}

/// Every file name under `dir`, recursively.
fn walk(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            names.extend(walk(&path));
        } else {
            names.push(path.display().to_string());
        }
    }
    names
}

#[test]
fn run_stops_on_sigint_and_sigterm_leaving_no_files() {
    for signal in ["-INT", "-TERM"] {
        let dir = scratch(&format!("interrupt-run{signal}"));
        let args = ["run", "-n", "100000", "-t", "1", "--json", "out.json", "--csv", "out.csv"];
        let mut with_report = args.to_vec();
        with_report.extend(["--report", "rep"]);
        interrupted(&with_report, signal, &dir);
    }
}

#[test]
fn compare_and_warmup_stop_on_a_signal_leaving_no_files() {
    let dir = scratch("interrupt-compare");
    let base = scenario("baseline.toml");
    let policy = scenario("escort_convoys.toml");
    let compare = ["compare", &base, &policy, "-n", "100000", "-t", "1", "--json", "out.json"];
    interrupted(&compare, "-TERM", &dir);
    let warmup = ["warmup", &base, "-n", "100000", "-t", "1", "--json", "out.json"];
    interrupted(&warmup, "-INT", &dir);
}

#[test]
fn a_second_signal_stops_a_sweep_at_once_keeping_its_checkpoint() {
    let dir = scratch("interrupt-sweep-twice");
    let base = scenario("baseline.toml");
    let args = ["sweep", &base, "-n", "100000", "-t", "1", "--json", "out.json"];
    let (child, cp) = sweep_under_way(&args, &dir);
    std::thread::sleep(Duration::from_millis(200));
    let pid = child.id().to_string();
    for signal in ["-INT", "-TERM"] {
        assert!(Command::new("kill").args([signal, &pid]).status().unwrap().success());
        std::thread::sleep(Duration::from_millis(200));
    }
    let (code, err) = finish_within(child, Duration::from_secs(20), "sweep after two signals");
    // The second signal, SIGTERM, stopped it at once: 128 + 15.
    assert_eq!(code, 143, "{err}");
    assert!(err.contains("continue with --resume"), "{err}");
    // The checkpoint is named once, as what is kept, not as a result.
    assert!(err.contains("interrupted; no file was written"), "{err}");
    assert!(cp.exists(), "the checkpoint is kept");
    let left = walk(&dir);
    assert!(left.iter().all(|n| !n.contains(".tmp-")), "temporary files left: {left:?}");
}

#[test]
fn a_hangup_stops_a_run_unless_it_was_ignored_at_start() {
    let dir = scratch("interrupt-hup");
    interrupted(&["run", "-n", "100000", "-t", "1", "--json", "out.json"], "-HUP", &dir);
    // Under `nohup` (here `trap '' HUP` before exec) a closed terminal must
    // not stop the run: the ignored signal stays ignored.
    let child = Command::new("sh")
        .args(["-c", "trap '' HUP; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_caspian"))
        .args(["run", "-n", "1000", "-t", "1", "-q", "--json", "kept.json"])
        .current_dir(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = child;
    std::thread::sleep(Duration::from_millis(500));
    assert!(child.try_wait().unwrap().is_none(), "the run ended before the hangup");
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-HUP", &pid]).status().unwrap().success());
    let (code, err) = finish_within(child, Duration::from_secs(120), "run under nohup");
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("kept.json").exists());
}

#[test]
fn one_signal_delivered_twice_stops_a_sweep_gently() {
    // GNU `timeout` signals the process and then its group: the same signal
    // twice at once is one request, not "interrupt again".
    let dir = scratch("interrupt-sweep-burst");
    let base = scenario("baseline.toml");
    // 27 points of 40 replications: about 5 s in all, a point in 0.2 s.
    let args = ["sweep", &base, "-n", "40", "-t", "1", "--json", "out.json"];
    // The premise is two deliveries within the handler's same-signal window
    // (100 ms). On a loaded machine the two `kill`s can land further apart
    // than that; a try whose sends took 80 ms or more is not evidence
    // either way, so it is made again (a fresh sweep), up to five times.
    for attempt in 1..=5 {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (child, _) = sweep_under_way(&args, &dir);
        // Two deliveries 20 ms apart (`kill -TERM pid pid` would be merged
        // by the kernel into one while the first is pending).
        let pid = child.id().to_string();
        let kill =
            || assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let sent = std::time::Instant::now();
        kill();
        std::thread::sleep(Duration::from_millis(20));
        kill();
        let within = sent.elapsed() < Duration::from_millis(80);
        let (code, err) = finish_within(child, Duration::from_secs(60), "sweep after a burst");
        if !within && attempt < 5 {
            continue;
        }
        assert!(within, "the two signals took 80 ms or more to send in five tries");
        assert_eq!(code, 143, "SIGTERM's code, 128 + 15: {err}");
        assert!(err.contains("stopped after design point"), "a gentle stop: {err}");
        assert!(!err.contains("interrupted;"), "not a stop at once: {err}");
        return;
    }
}
