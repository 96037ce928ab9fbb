//! `-` as a result file is standard output (`caspian run --json - | jq`):
//! the result goes there byte for byte as it would go into a file, alone,
//! and the table goes to standard error; a full disk or a closed pipe
//! behind it is handled as for a table.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{caspian, fails, ok, scenario, scratch};

/// Runs `caspian ARGS` in `dir`; returns (exit code, standard output,
/// standard error).
fn run(args: &[&str], dir: &Path) -> (Option<i32>, Vec<u8>, String) {
    let out = caspian(args, dir);
    (out.status.code(), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Runs `caspian ARGS` in `dir` with standard output a pipe whose reader
/// has gone (`| head`); returns the exit code and standard error.
fn into_closed_pipe(args: &[&str], dir: &Path) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_caspian"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_result_sent_to_dash_is_standard_output_byte_for_byte_and_the_table_goes_to_stderr() {
    let dir = scratch("to-stdout");
    let base = scenario("baseline.toml");
    let policy = scenario("alat_extra_berth.toml");
    for k in 0..2 {
        let shard = format!("{k}/2");
        ok(&["run", "-n", "4", "-q", "--shard", &shard, "--json", &format!("part{k}.json")], &dir);
    }
    let axis = "--axis=weather.storm_rate_multiplier=1,2";
    let optimize = scenario("seed_oil_4mt.toml");
    let decision = "--decision=fleet.oil_tankers.count=5..6";
    // Each command with its result option; `first line` is how its table begins.
    let cases: &[(&[&str], &str, &str)] = &[
        (&["run", "-n", "3", "-q"], "--json", "scenario \"baseline\""),
        (&["run", "-n", "3", "-q"], "--csv", "scenario \"baseline\""),
        (&["run", "-n", "3", "-q"], "--tidy-csv", "scenario \"baseline\""),
        (&["sweep", &base, axis, "-n", "2", "-q"], "--json", "sweep of \"baseline\""),
        (&["sweep", &base, axis, "-n", "2", "-q"], "--csv", "sweep of \"baseline\""),
        (&["compare", &base, &policy, "-n", "3", "-q"], "--json", "paired comparison"),
        (&["compare", &base, &policy, "-n", "3", "-q"], "--csv", "paired comparison"),
        (&["merge", "part0.json", "part1.json", "-q"], "--json", "scenario \"baseline\""),
        (&["warmup", "-n", "2", "-q"], "--json", "warm-up analysis"),
        (
            &["optimize", &optimize, decision, "--delta=1e6", "--max-replications=20", "-q"],
            "--output",
            "optimize seed_oil",
        ),
        // A shard prints no table: its partial result is printed at the end.
        (&["run", "-n", "4", "-q", "--shard", "1/2"], "--json", ""),
        (&["sweep", &base, axis, "-n", "4", "-q", "--shard", "1/2"], "--json", ""),
    ];
    for (args, option, table_starts) in cases {
        let mut to_file: Vec<&str> = args.to_vec();
        to_file.extend([*option, "result.out"]);
        let table = ok(&to_file, &dir);
        let expected = std::fs::read(dir.join("result.out")).unwrap();
        std::fs::remove_file(dir.join("result.out")).unwrap();
        let mut to_stdout: Vec<&str> = args.to_vec();
        to_stdout.extend([*option, "-"]);
        let (code, stdout, stderr) = run(&to_stdout, &dir);
        assert_eq!(code, Some(0), "{to_stdout:?}: {stderr}");
        assert!(stdout == expected, "{to_stdout:?}: standard output is not the file's bytes");
        // The table the file run printed is on standard error now, whole.
        assert!(stderr.contains(table.trim_end()), "{to_stdout:?}: {stderr}");
        assert!(table.starts_with(table_starts), "{to_stdout:?}: {table}");
        // No file named `-` was made, nor a checkpoint named after it.
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('-') || n.ends_with("checkpoint"))
            .collect();
        assert!(left.is_empty(), "{to_stdout:?}: {left:?}");
    }
    // `trace --csv -` is its CSV on standard output, as without --csv.
    let (code, stdout, _) = run(&["trace", "--csv", "-"], &dir);
    assert_eq!(code, Some(0));
    assert_eq!(stdout, ok(&["trace"], &dir).into_bytes());
}

/// A reader that stops early (`| head`) gets the start of the result, and
/// the command still cleans up after itself: a sweep leaves no checkpoint
/// to block the next run.
#[test]
fn a_closed_pipe_behind_a_result_on_stdout_leaves_no_checkpoint() {
    let dir = scratch("to-stdout-pipe");
    let base = scenario("baseline.toml");
    let args = ["sweep", &base, "--axis=weather.storm_rate_multiplier=1,2", "-n", "2", "-q"];
    for _ in 0..2 {
        let mut with_dash = args.to_vec();
        with_dash.extend(["--json", "-"]);
        let (code, err) = into_closed_pipe(&with_dash, &dir);
        assert_eq!(code, Some(0), "{err}");
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert!(left.is_empty(), "nothing left behind: {left:?}");
    }
}

/// An input that happens to be named `-` is still an input: writing a
/// result over it is refused.
#[test]
fn an_input_named_dash_is_not_overwritten() {
    let dir = scratch("to-stdout-input");
    std::fs::copy(scenario("baseline.toml"), dir.join("-")).unwrap();
    let err = fails(&["run", "-", "-n", "2", "--json", "./-"], &dir, 2);
    assert!(err.contains("writing it would destroy it"), "{err}");
    let text = std::fs::read_to_string(dir.join("-")).unwrap();
    assert!(text.contains("[scenario]"), "the scenario is intact");
}

#[test]
fn one_result_at_most_goes_to_standard_output_and_reports_never() {
    let dir = scratch("to-stdout-refused");
    let err = fails(&["run", "-n", "3", "--json", "-", "--tidy-csv", "-"], &dir, 2);
    assert!(err.contains("--json and --tidy-csv are both - (standard output)"), "{err}");
    let err = fails(&["run", "-n", "3", "--report", "-"], &dir, 2);
    assert!(err.contains("--report names a folder"), "{err}");
    let optimize = scenario("optimize_2030.toml");
    let err = fails(
        &["optimize", &optimize, "--decision=port.alat.berths.rail_ferry=2..3", "--delta=1e6"]
            .into_iter()
            .chain(["--report", "-"])
            .collect::<Vec<_>>(),
        &dir,
        2,
    );
    assert!(
        err.contains("cannot write - (--report): this output cannot go to standard output"),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(left.is_empty(), "nothing left behind: {left:?}");
}

/// The other result files are complete whatever happens to standard
/// output: a full disk behind it is exit code 2 with the message, a closed
/// pipe ends the command quietly.
#[test]
fn a_full_disk_or_a_closed_pipe_behind_a_result_on_stdout_leaves_the_files_complete() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let dir = scratch("to-stdout-full");
    let args = ["run", "-n", "3", "-q", "--json", "-", "--csv", "reps.csv"];
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_caspian"))
        .args(args)
        .current_dir(&dir)
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("caspian: cannot write to standard output: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let csv = std::fs::read_to_string(dir.join("reps.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "a header and 3 replications");
    std::fs::remove_file(dir.join("reps.csv")).unwrap();
    let (code, err) = into_closed_pipe(&args, &dir);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("cannot write"), "{err}");
    let csv = std::fs::read_to_string(dir.join("reps.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "a header and 3 replications");
}
