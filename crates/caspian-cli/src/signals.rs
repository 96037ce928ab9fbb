//! Ctrl-C (SIGINT), SIGTERM (what Slurm and Kubernetes send at a time
//! limit or a cancellation) and SIGHUP (a closed terminal), the same for
//! every command.
//!
//! A signal that was ignored when the process started stays ignored:
//! `nohup caspian ...` survives a closed terminal, and a job a shell starts
//! in the background is not stopped by SIGINT (on Linux, read from
//! `/proc/self/status`; elsewhere every signal is handled). The same signal
//! twice within [`SAME_SIGNAL`] counts once: GNU `timeout` sends its signal
//! to the process and then to its group.
//!
//! One handler, installed by `main` before any command starts. By default
//! a signal stops the command at once: the temporary files of writes in
//! progress are removed, a message says which result files were complete
//! (none, unless the signal came while they were being written; each file
//! is whole or absent), and the exit code is 128 plus the signal's number
//! (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP). A sweep asks for a
//! graceful stop once its checkpoint exists ([`stop_gracefully`]): the first
//! signal sets [`stop_flag`], which the sweep looks at once the batch of
//! design points in progress is saved; a second one stops at once (the
//! checkpoint still holds every saved point).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use caspian_montecarlo::atomic;
use caspian_montecarlo::shown_path;

use crate::terminal::err_line;

/// Set by the first signal once a graceful stop was asked for.
static STOP: AtomicBool = AtomicBool::new(false);
/// When [`STOP`] was set, and by which signal (0 where it is not known).
static STOPPED_AT: OnceLock<(Instant, i32)> = OnceLock::new();
/// A second signal this soon after the first is the same one delivered
/// twice (GNU `timeout` signals the process, then its process group), not a
/// second interrupt.
pub(crate) const SAME_SIGNAL: Duration = Duration::from_millis(100);
/// Set once every result file is written: a signal then only ends the
/// printing, with nothing to resume.
static WRITTEN: AtomicBool = AtomicBool::new(false);
/// Set once a sweep's work is done and saved: a signal then stops at once.
static AT_ONCE: AtomicBool = AtomicBool::new(false);
/// What the handler says when a graceful stop was asked for.
static GRACEFUL: OnceLock<Graceful> = OnceLock::new();
/// What a command stopped at once keeps for a rerun (a checkpoint), said
/// after the list of result files.
static KEPT: Mutex<Option<String>> = Mutex::new(None);
/// Why the handler could not be installed, if it could not.
static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();

#[derive(Debug)]
struct Graceful {
    /// Said on the first signal (unless quiet).
    first: Option<String>,
    /// Said when a second signal stops at once.
    at_once: String,
    /// The file `at_once` speaks of (a sweep's checkpoint), left out of
    /// the list of result files complete before the interruption.
    kept: PathBuf,
}

/// Installs the handler (once per process). When it cannot be installed,
/// a signal ends the process as usual; [`stop_gracefully`] says so.
pub(crate) fn install() {
    INSTALLED.get_or_init(listen);
}

/// Handles SIGINT, SIGTERM and SIGHUP, except those ignored at start, on a
/// thread of its own.
#[cfg(unix)]
fn listen() -> Result<(), String> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let ignored = ignored_at_start();
    let wanted: Vec<i32> =
        [SIGINT, SIGTERM, SIGHUP].into_iter().filter(|&s| !is_ignored(ignored, s)).collect();
    // The handlers are registered on the thread that reads them, once it
    // runs: had it failed to start after they were registered, the signals
    // would be caught and never acted on (ignored, not the default).
    let (ready, registered) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || match signal_hook::iterator::Signals::new(&wanted) {
            Ok(mut signals) => {
                let _ = ready.send(Ok(()));
                for signal in signals.forever() {
                    on_signal(signal);
                }
            }
            Err(e) => {
                let _ = ready.send(Err(e.to_string()));
            }
        })
        .map_err(|e| e.to_string())?;
    registered.recv().map_err(|e| e.to_string())?
}

#[cfg(not(unix))]
fn listen() -> Result<(), String> {
    ctrlc::set_handler(|| on_signal(0)).map_err(|e| e.to_string())
}

/// The mask of signals ignored when the process started (`SigIgn` of
/// `/proc/self/status`, bit `n - 1` for signal `n`); none where there is no
/// such file.
#[cfg(unix)]
fn ignored_at_start() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let hex = status.lines().find_map(|l| l.strip_prefix("SigIgn:"))?;
            u64::from_str_radix(hex.trim(), 16).ok()
        })
        .unwrap_or(0)
}

/// Whether `signal` is set in the `SigIgn` mask `mask`.
fn is_ignored(mask: u64, signal: i32) -> bool {
    (1..=64).contains(&signal) && (mask >> (signal - 1)) & 1 == 1
}

/// The flag a graceful stop sets.
pub(crate) fn stop_flag() -> &'static AtomicBool {
    &STOP
}

/// From now on, the first signal only sets [`stop_flag`] and says `first`
/// (unless `quiet`); a second stops at once and says `at_once`, which
/// speaks of the file `kept` (not listed among the result files).
///
/// # Errors
/// Why the handler is not installed (signals then end the process at once).
pub(crate) fn stop_gracefully(
    quiet: bool,
    first: &str,
    at_once: &str,
    kept: &std::path::Path,
) -> Result<(), String> {
    let _ = GRACEFUL.set(Graceful {
        first: (!quiet).then(|| first.to_string()),
        at_once: at_once.to_string(),
        kept: kept.to_path_buf(),
    });
    INSTALLED.get().cloned().unwrap_or_else(|| Err("no handler installed".into()))
}

/// From now on, a command stopped at once also says `line` (what its
/// checkpoint keeps, and how to go on from it); `None`: nothing more.
pub(crate) fn say_when_stopped(line: Option<String>) {
    *KEPT.lock().unwrap_or_else(PoisonError::into_inner) = line;
}

/// What [`say_when_stopped`] set, for a command that stops on its own
/// before finishing (a testing aid's stop).
pub(crate) fn kept_line() -> Option<String> {
    KEPT.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

/// The work a graceful stop would wait for is done and saved (a sweep's
/// checkpoint holds every point): from now on a signal stops at once, while
/// the result files are written, saying so.
pub(crate) fn stop_at_once() {
    AT_ONCE.store(true, Ordering::SeqCst);
}

/// Every result file is written: from now on a signal stops the command at
/// once (exit code 128 plus its number), saying so, with no advice to resume.
pub(crate) fn results_written() {
    WRITTEN.store(true, Ordering::Relaxed);
}

/// The exit code of a command stopped by `signal`: 128 plus its number, as
/// a shell reports a process a signal ended; 130 (SIGINT's) where the
/// number is not known.
fn code_of(signal: i32) -> u8 {
    u8::try_from(signal).ok().filter(|s| (1..=64).contains(s)).map_or(130, |s| 128 + s)
}

/// The exit code of a command that stopped on request
/// ([`crate::failure::Failure::Interrupted`]): that of the signal that
/// asked for the graceful stop, 130 when none did (a testing aid's stop).
pub(crate) fn stop_code() -> u8 {
    STOPPED_AT.get().map_or(130, |&(_, signal)| code_of(signal))
}

/// Acts on `signal` (its number; 0 where it is not known).
fn on_signal(signal: i32) {
    let code = i32::from(code_of(signal));
    if WRITTEN.load(Ordering::Relaxed) {
        atomic::exit_abandoning(code, |_| {
            err_line("\ncaspian: interrupted after every result file was written");
        });
    }
    let graceful = GRACEFUL.get();
    // SeqCst with `stop_at_once` and the sweep's look at the flag after it:
    // a first signal as the work ends is either seen by the sweep (a graceful stop)
    // or sees the work done and stops at once here.
    if let Some(g) = graceful
        && !AT_ONCE.load(Ordering::SeqCst)
    {
        // Noted before the flag, so that a sweep that sees the flag finds
        // the signal's exit code (only the first signal is noted).
        let _ = STOPPED_AT.set((Instant::now(), signal));
        if !STOP.swap(true, Ordering::SeqCst) {
            if !AT_ONCE.load(Ordering::SeqCst) {
                if let Some(first) = &g.first {
                    err_line(first);
                }
                return;
            }
        } else if STOPPED_AT
            .get()
            .is_some_and(|&(at, first)| first == signal && at.elapsed() < SAME_SIGNAL)
        {
            return;
        }
    }
    atomic::exit_abandoning(code, |done| {
        let results: Vec<PathBuf> =
            done.iter().filter(|p| graceful.is_none_or(|g| **p != g.kept)).cloned().collect();
        err_line(&stopped(&results));
        if let Some(g) = graceful {
            err_line(&g.at_once);
        } else if let Some(kept) = kept_line() {
            err_line(&kept);
        }
    })
}

/// The message of a command stopped at once, given the files completed.
fn stopped(done: &[PathBuf]) -> String {
    if done.is_empty() {
        return "\ncaspian: interrupted; no file was written".into();
    }
    let names: Vec<String> = done.iter().map(|p| shown_path(p)).collect();
    format!(
        "\ncaspian: interrupted; complete before the interruption: {}; no other file was written",
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_mask_of_ignored_signals() {
        // `nohup`: SIGHUP (1) ignored; a background job: SIGINT (2) and
        // SIGQUIT (3) too.
        assert!(is_ignored(0x1, 1) && !is_ignored(0x1, 2) && !is_ignored(0x1, 15));
        assert!(is_ignored(0x6, 2) && is_ignored(0x6, 3) && !is_ignored(0x6, 1));
        assert!(!is_ignored(u64::MAX, 0) && !is_ignored(u64::MAX, 65) && is_ignored(u64::MAX, 64));
    }

    #[test]
    fn says_what_was_written() {
        assert!(stopped(&[]).contains("no file was written"));
        let done = [PathBuf::from("a.csv"), PathBuf::from("a.json")];
        assert!(stopped(&done).contains("before the interruption: a.csv, a.json;"));
    }
}
