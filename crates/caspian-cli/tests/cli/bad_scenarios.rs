//! The user's scenario file is the attack surface: every file in
//! `tests/bad_scenarios/` holds one defect, and the real binary must reject it
//! with exit code 2 and a message that names the key given in the file's first
//! line (`# expect: KEY -- what is wrong`), without a panic and without hanging,
//! from both `caspian validate` and `caspian run`.

use crate::common::scratch;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The small valid scenario every corpus file is derived from.
const BASE: &str = r#"[scenario]
name = "small"
horizon_days = 60
warmup_days = 5

[[sea_area]]
id = "mid"
storm_onsets_per_month = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
storm_duration_h = { dist = "lognormal", mean = 24.0, sd = 12.0 }

[[port]]
id = "west"
sea_area = "mid"
berths = { tanker = 1 }

[[port]]
id = "east"
sea_area = "mid"
berths = { tanker = 1 }

[[storage]]
id = "west_tanks"
port = "west"
cargo = "oil"
capacity = 50000
initial = 10000

[[storage]]
id = "east_tanks"
port = "east"
cargo = "oil"
capacity = 100000

[[inflow]]
id = "crude"
into = "west_tanks"
arrivals_per_year = 365
size = { dist = "constant", value = 3000.0 }

[[outflow]]
id = "pipeline"
from = "east_tanks"
capacity_per_year = 5000000

[[fleet]]
id = "tankers"
berth_class = "tanker"
count = 2
cargo = "oil"
capacity = 8000
speed_kn = 10.0
distance_nmi = 250.0
origin = "west"
load_from = "west_tanks"
destination = "east"
discharge_to = "east_tanks"
load_rate_per_h = 1000.0
discharge_rate_per_h = 1000.0
dispatch = { policy = "when_full" }

[interdiction]
incident_probability = 0.001
loss_probability = 0.1

[[sweep]]
key = "fleet.tankers.count"
values = [1, 2, 3]
"#;

/// Longest a rejected file may take: rejection happens before any simulation.
const TIME_LIMIT: Duration = Duration::from_secs(60);

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/bad_scenarios")
}

fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/bad_scenarios/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// The key named on the first line, `# expect: KEY -- what is wrong`.
fn expected_key(text: &str) -> Option<&str> {
    text.lines().next()?.strip_prefix("# expect: ")?.split_whitespace().next()
}

/// Runs the binary with a time limit; returns (exit code, stdout, stderr).
fn caspian(args: &[&str], dir: &Path) -> Result<(Option<i32>, String, String), String> {
    let out_path = dir.join("stdout.txt");
    let err_path = dir.join("stderr.txt");
    let mut child = Command::new(env!("CARGO_BIN_EXE_caspian"))
        .args(args)
        .current_dir(dir)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("the binary starts");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait on the binary") {
            break status;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {TIME_LIMIT:?} (a hang?)"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
    Ok((status.code(), read(&out_path), read(&err_path)))
}

#[test]
fn the_base_scenario_is_valid() {
    let dir = scratch("base");
    let path = dir.join("base.toml");
    std::fs::write(&path, BASE).unwrap();
    let path = path.display().to_string();
    let (code, out, err) = caspian(&["validate", &path], &dir).unwrap();
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("ok"), "{out}");
    let (code, _, err) = caspian(&["run", "-n", "2", "-t", "1", "-q", &path], &dir).unwrap();
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn every_corpus_file_names_its_key() {
    let files = corpus();
    assert!(files.len() >= 40, "the corpus has {} files", files.len());
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let key = expected_key(&text)
            .unwrap_or_else(|| panic!("{name}: first line must be `# expect: KEY -- ...`"));
        assert!(!key.is_empty() && !key.starts_with("--"), "{name}: no key after `# expect:`");
        // Derived from the base: the defect, not a different scenario.
        let body = text.split_once('\n').map_or("", |(_, rest)| rest);
        assert_ne!(body, BASE, "{name} is the valid base scenario");
    }
}

#[test]
fn every_bad_scenario_exits_2_naming_its_key_without_panic() {
    let dir = scratch("corpus");
    let files = corpus();
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(key) = expected_key(&text) else {
            failures.push(format!("{name}: no `# expect: KEY` first line"));
            continue;
        };
        let file = path.display().to_string();
        for args in [vec!["validate", &file], vec!["run", "-n", "2", "-t", "1", "-q", &file]] {
            let (code, out, err) = match caspian(&args, &dir) {
                Ok(r) => r,
                Err(e) => {
                    failures.push(format!("{name} [{}]: {e}", args[0]));
                    continue;
                }
            };
            // A file name such as `zero_fleet_capacity.toml` must not satisfy the check.
            let message = err.replace(&file, "<FILE>");
            let mut problems = Vec::new();
            if code != Some(2) {
                problems.push(format!("exit code {code:?}, expected 2"));
            }
            if err.contains("panicked") || out.contains("panicked") {
                problems.push("panicked".to_string());
            }
            if !message.contains(key) {
                problems.push(format!("stderr does not name `{key}`"));
            }
            // What the file holds must never drive the terminal (ANSI escapes
            // in ids and names are shown as code points).
            if let Some(c) = err.chars().find(|&c| c.is_control() && c != '\n' && c != '\t') {
                problems
                    .push(format!("stderr holds a raw control character U+{:04X}", u32::from(c)));
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "{name} [caspian {}]: {}\n{}",
                    args[0],
                    problems.join("; "),
                    message.trim_end()
                ));
            } else if args[0] == "validate" {
                let first = message.lines().find(|l| l.contains(key)).unwrap_or_default();
                println!("{name}: {}", first.trim());
            }
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n\n{}", failures.len(), failures.join("\n\n"));
}

/// A `--set` of thousands of characters is refused naming it, but its key
/// and value are echoed cut short, not once or twice in full (a hostile
/// tester's finding: 3,000 characters came back as 6,000 to 9,000).
#[test]
fn a_long_set_is_echoed_cut_short() {
    let dir = scratch("long-set");
    let long = "1".repeat(3000);
    for set in [
        format!("scenario.horizon_days=x{long}"),
        format!("scenario.nosuch{long}=3"),
        format!("scenario.name=\"{long}"),
        format!("fleet.oil_tankers.count=\"{long}\""),
        format!("port.{long}.berths.tanker=3"),
        format!("fleet.oil_tankers.{long}=3"),
    ] {
        let err = crate::common::fails(&["run", "-n", "1", "-q", "--set", &set], &dir, 2);
        assert!(err.len() < 1200, "{} characters: {}", err.len(), &err[..300]);
        assert!(err.contains("--set ") && err.contains('…'), "{err}");
    }
}
