//! Helpers shared by the CLI's integration tests: run the real binary in a
//! scratch directory and check its exit code and output.

#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `caspian ARGS` in `dir`, with no array-job index in the environment.
pub(crate) fn caspian(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_caspian"))
        .args(args)
        .current_dir(dir)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .output()
        .expect("the binary runs")
}

/// Starts `caspian ARGS` in `dir` (standard output discarded, standard
/// error piped) without waiting for it.
pub(crate) fn spawn(args: &[&str], dir: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_caspian"))
        .args(args)
        .current_dir(dir)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

/// Waits for a child of [`spawn`] at most `limit` (then kills it and fails
/// the test: a hang must not stall CI); returns (exit code, standard error),
/// the code -1 for a death by signal. A panic fails the test.
pub(crate) fn finish_within(mut child: Child, limit: Duration, what: &str) -> (i32, String) {
    let start = Instant::now();
    while child.try_wait().expect("wait on the binary").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} still running after {limit:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("the binary's output");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{what} panicked: {err}");
    (out.status.code().unwrap_or(-1), err)
}

/// Runs a command that must succeed; returns its output.
pub(crate) fn ok_output(args: &[&str], dir: &Path) -> Output {
    let out = caspian(args, dir);
    assert!(
        out.status.success(),
        "caspian {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    out
}

/// Runs a command that must succeed; returns its standard output.
pub(crate) fn ok(args: &[&str], dir: &Path) -> String {
    String::from_utf8(ok_output(args, dir).stdout).unwrap()
}

/// Runs a command expected to fail with `code`, without a panic; returns its
/// standard error.
pub(crate) fn fails(args: &[&str], dir: &Path, code: i32) -> String {
    let out = caspian(args, dir);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "caspian {args:?}: {err}");
    assert!(!err.contains("panicked"), "no panic for user errors: {err}");
    err
}

/// A fresh, empty directory for one test, removed when the test passes.
pub(crate) fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("caspian-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

/// A test's scratch directory. Dropped by a passing test, it is removed with
/// everything in it; a failing test (one unwinding from a panic) keeps it and
/// names it on standard error, so that its files can be read.
pub(crate) struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("test files kept in {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// The path of a shipped scenario file.
pub(crate) fn scenario(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(name)
        .display()
        .to_string()
}

/// The bytes of `dir/name`.
pub(crate) fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Design points that the sweep table shows when `--json` or `--csv` holds
/// them all (`SHOWN_POINTS` in the CLI's output.rs).
pub(crate) const SHOWN_POINTS: usize = 1000;

/// Every column of a CSV written by `caspian run --csv`, by name (an empty
/// cell is NaN).
pub(crate) fn columns(dir: &Path, name: &str) -> std::collections::BTreeMap<String, Vec<f64>> {
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(str::to_string).collect();
    let mut cols: std::collections::BTreeMap<String, Vec<f64>> = std::collections::BTreeMap::new();
    for line in lines {
        for (h, cell) in header.iter().zip(line.split(',')) {
            let v = if cell.is_empty() { f64::NAN } else { cell.parse().unwrap_or(f64::NAN) };
            cols.entry(h.clone()).or_default().push(v);
        }
    }
    cols
}

/// `12345` as `12,345`, as the tables write whole amounts.
pub(crate) fn thousands(x: u64) -> String {
    let s = x.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
