//! Ctrl-C (SIGINT) and SIGTERM (what Slurm and Kubernetes send at a time
//! limit or a cancellation), the same for every command.
//!
//! One handler, installed by `main` before any command starts. By default
//! a signal stops the command at once: the temporary files of writes in
//! progress are removed, a message says which result files were complete
//! (none, unless the signal came while they were being written; each file
//! is whole or absent), and the exit code is 130. A sweep asks for a
//! graceful stop once its checkpoint exists ([`stop_gracefully`]): the first
//! signal sets [`stop_flag`], which the sweep polls after each design point;
//! a second one stops at once (the checkpoint still holds every finished
//! point).

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use caspian_montecarlo::atomic;
use caspian_montecarlo::shown_path;

use crate::terminal::err_line;

/// Set by the first signal once a graceful stop was asked for.
static STOP: AtomicBool = AtomicBool::new(false);
/// Set once every result file is written: a signal then only ends the
/// printing, with nothing to resume.
static WRITTEN: AtomicBool = AtomicBool::new(false);
/// What the handler says when a graceful stop was asked for.
static GRACEFUL: OnceLock<Graceful> = OnceLock::new();
/// Why the handler could not be installed, if it could not.
static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();

#[derive(Debug)]
struct Graceful {
    /// Said on the first signal (unless quiet).
    first: Option<String>,
    /// Said when a second signal stops at once.
    at_once: String,
}

/// Installs the handler (once per process). When it cannot be installed,
/// a signal ends the process as usual; [`stop_gracefully`] says so.
pub(crate) fn install() {
    INSTALLED.get_or_init(|| ctrlc::set_handler(on_signal).map_err(|e| e.to_string()));
}

/// The flag a graceful stop sets.
pub(crate) fn stop_flag() -> &'static AtomicBool {
    &STOP
}

/// From now on, the first signal only sets [`stop_flag`] and says `first`
/// (unless `quiet`); a second stops at once and says `at_once`.
///
/// # Errors
/// Why the handler is not installed (signals then end the process at once).
pub(crate) fn stop_gracefully(quiet: bool, first: &str, at_once: &str) -> Result<(), String> {
    let _ = GRACEFUL
        .set(Graceful { first: (!quiet).then(|| first.to_string()), at_once: at_once.to_string() });
    INSTALLED.get().cloned().unwrap_or_else(|| Err("no handler installed".into()))
}

/// Every result file is written: from now on a signal stops the command at
/// once (exit code 130), saying so, with no advice to resume.
pub(crate) fn results_written() {
    WRITTEN.store(true, Ordering::Relaxed);
}

fn on_signal() {
    if WRITTEN.load(Ordering::Relaxed) {
        atomic::exit_abandoning(130, |_| {
            err_line("\ncaspian: interrupted after every result file was written");
        });
    }
    let graceful = GRACEFUL.get();
    if let Some(g) = graceful
        && !STOP.swap(true, Ordering::Relaxed)
    {
        if let Some(first) = &g.first {
            err_line(first);
        }
        return;
    }
    atomic::exit_abandoning(130, |done| {
        err_line(&stopped(done));
        if let Some(g) = graceful {
            err_line(&g.at_once);
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
    fn says_what_was_written() {
        assert!(stopped(&[]).contains("no file was written"));
        let done = [PathBuf::from("a.csv"), PathBuf::from("a.json")];
        assert!(stopped(&done).contains("before the interruption: a.csv, a.json;"));
    }
}
