//! A failing terminal never costs a result (issue 13, item 1): every command
//! writes its result files before it prints; a closed standard output ends
//! it quietly with 0, and so does one behind standard error; a full disk behind standard output or standard error
//! is exit code 2, never a panic, and the files are complete either way.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{ok, scenario, scratch};

/// Where standard output or standard error goes in one trial.
#[derive(Clone, Copy, Debug)]
enum Sink {
    /// A pipe whose reader has gone (`caspian ... | head`).
    ClosedPipe,
    /// Standard output and standard error on one pipe whose reader has
    /// gone (`caspian ... 2>&1 | head`).
    ClosedPipeBoth,
    /// Standard output on a full disk.
    FullStdout,
    /// Standard error on a full disk.
    FullStderr,
}

/// Runs `caspian ARGS` in `dir` with the given sink; returns the exit code
/// and standard error (empty when standard error is the full disk).
fn run_into(sink: Sink, args: &[&str], dir: &Path) -> (Option<i32>, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_caspian"));
    cmd.args(args).current_dir(dir).stdin(Stdio::null());
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    match sink {
        Sink::ClosedPipe => cmd.stdout(Stdio::piped()).stderr(Stdio::piped()),
        Sink::ClosedPipeBoth => {
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            cmd.stdout(writer.try_clone().unwrap()).stderr(writer)
        }
        Sink::FullStdout => cmd.stdout(full()).stderr(Stdio::piped()),
        Sink::FullStderr => cmd.stdout(Stdio::null()).stderr(full()),
    };
    let mut child = cmd.spawn().expect("the binary starts");
    // The reader goes away before the command has printed anything.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The commands that print results, each with the result files it writes.
fn commands(dir: &Path) -> Vec<(Vec<String>, Vec<&'static str>)> {
    let base = scenario("baseline.toml");
    let policy = scenario("alat_extra_berth.toml");
    // Two shards for `merge`.
    for k in 0..2 {
        let shard = format!("{k}/2");
        let part = format!("part{k}.json");
        ok(&["run", "-n", "4", "-q", "--shard", &shard, "--json", &part], dir);
    }
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_string()).collect::<Vec<_>>();
    vec![
        (
            s(&["run", "-n", "3", "--json", "run.json", "--csv", "run.csv"]),
            vec!["run.json", "run.csv"],
        ),
        (
            s(&[
                "sweep",
                &base,
                "-n",
                "2",
                "--axis",
                "weather.storm_rate_multiplier=1,2",
                "--json",
                "sweep.json",
            ]),
            vec!["sweep.json"],
        ),
        (
            s(&["compare", &base, &policy, "-n", "2", "--json", "compare.json"]),
            vec!["compare.json"],
        ),
        (s(&["merge", "part0.json", "part1.json", "--json", "merge.json"]), vec!["merge.json"]),
        (s(&["warmup", "-n", "2", "--json", "warmup.json"]), vec!["warmup.json"]),
        (s(&["validate", &base]), vec![]),
        (s(&["trace"]), vec![]),
    ]
}

/// Every result file exists and is complete: JSON parses, CSV ends its last line.
fn assert_complete(dir: &Path, files: &[&str], context: &str) {
    for f in files {
        let bytes = std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{context}: {f}: {e}"));
        if f.ends_with(".json") {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("{context}: {f} is not complete JSON: {e}"));
        } else {
            assert!(bytes.ends_with(b"\n"), "{context}: {f} is cut short");
        }
        std::fs::remove_file(dir.join(f)).unwrap();
    }
}

fn trial(sink: Sink, expected: i32) {
    if !Path::new("/dev/full").exists() {
        return; // Not Linux: no full device to test with.
    }
    let dir = scratch(&format!("terminal-{sink:?}"));
    for (args, files) in commands(&dir) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let context = format!("{sink:?}: caspian {}", args.join(" "));
        let (code, err) = run_into(sink, &args, &dir);
        // warmup and trace have no notes for standard error when all goes
        // well, so a full one costs them nothing (validate gives the
        // baseline's sweep warnings there).
        let silent = ["warmup", "trace"].contains(&args[0]);
        let expected = if matches!(sink, Sink::FullStderr) && silent { 0 } else { expected };
        assert_eq!(code, Some(expected), "{context}: {err}");
        assert!(!err.contains("panicked") && !err.contains("internal error"), "{context}: {err}");
        if matches!(sink, Sink::FullStdout) {
            assert!(err.contains("cannot write to standard output"), "{context}: {err}");
        }
        if matches!(sink, Sink::ClosedPipe) {
            assert!(!err.contains("caspian:"), "{context}: a closed pipe ends quietly: {err}");
        }
        assert_complete(&dir, &files, &context);
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_every_result_file_written() {
    trial(Sink::ClosedPipe, 0);
}

#[test]
fn a_closed_pipe_behind_both_streams_ends_quietly_with_every_result_file_written() {
    trial(Sink::ClosedPipeBoth, 0);
}

#[test]
fn a_full_disk_behind_standard_output_is_exit_2_with_every_result_file_written() {
    trial(Sink::FullStdout, 2);
}

#[test]
fn a_full_disk_behind_standard_error_is_exit_2_with_every_result_file_written() {
    trial(Sink::FullStderr, 2);
}

/// A failing terminal does not hide an invalid file from `validate`: every
/// file is still checked, and one invalid file is exit code 2.
#[test]
fn validate_checks_every_file_whatever_happens_to_the_terminal() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let dir = scratch("terminal-validate");
    std::fs::write(dir.join("empty.toml"), "").unwrap();
    let base = scenario("baseline.toml");
    for sink in [Sink::ClosedPipe, Sink::FullStdout] {
        for args in [["validate", &base, "empty.toml"], ["validate", "empty.toml", &base]] {
            let (code, err) = run_into(sink, &args, &dir);
            assert_eq!(code, Some(2), "{sink:?} {args:?}: {err}");
            assert!(err.contains("empty.toml"), "{sink:?} {args:?}: {err}");
        }
    }
}

/// Help and version are output like any other: a full disk is exit code 2
/// with the message every command gives; a closed pipe ends them quietly.
#[test]
fn help_and_version_on_a_full_disk_say_so() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let dir = scratch("terminal-help");
    for args in [&["--help"][..], &["--version"], &["-V"], &["run", "--help"], &["help", "sweep"]] {
        let (code, err) = run_into(Sink::FullStdout, args, &dir);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.starts_with("caspian: cannot write to standard output: "), "{args:?}: {err}");
        let (code, err) = run_into(Sink::ClosedPipe, args, &dir);
        assert_eq!((code, err.as_str()), (Some(0), ""), "{args:?}");
    }
}
