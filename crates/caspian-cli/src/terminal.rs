//! Standard output and standard error, written without panics.
//!
//! - Standard output carries results (tables, a trace's CSV). Every command
//!   writes its result files before it prints, so whatever happens to the
//!   terminal, the files are complete. When a result file is `-`
//!   ([`crate::sink`]), standard output carries that result alone and the
//!   table goes to standard error. A closed pipe (`caspian run | head`)
//!   ends the command quietly with exit code 0, as `rg` or `grep` do; any
//!   other write error (a full disk) is exit code 2 with a message.
//! - Standard error carries notes, warnings and the final error message.
//!   When it cannot be written the command still finishes its work, then
//!   exits with code 2 (there is nowhere left to say why).

use std::borrow::Cow;
use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::failure::Failure;

/// Set once a write to standard error has failed.
static STDERR_FAILED: AtomicBool = AtomicBool::new(false);

/// Set when a result file is `-`: standard output is the result's alone.
static RESULT_ON_STDOUT: AtomicBool = AtomicBool::new(false);

/// From now on standard output carries a result ([`crate::sink::release`]) and
/// nothing else: tables go to standard error.
pub(crate) fn keep_stdout_for_result() {
    RESULT_ON_STDOUT.store(true, Ordering::Relaxed);
}

/// Writes `text` to standard output and flushes it; characters that would
/// drive the terminal are shown as `<U+XXXX>` ([`printable`]). When a
/// result goes to standard output ([`keep_stdout_for_result`]), the text
/// goes to standard error instead, where a failed write is remembered for
/// the exit code as [`err_line`]'s is.
pub(crate) fn out(text: &str) -> Result<(), Failure> {
    if RESULT_ON_STDOUT.load(Ordering::Relaxed) {
        // The result first, where the table would have gone.
        crate::sink::release()?;
        let mut stderr = std::io::stderr().lock();
        let written = stderr.write_all(printable(text).as_bytes()).and_then(|()| stderr.flush());
        if written.is_err_and(|e| e.kind() != ErrorKind::BrokenPipe) {
            STDERR_FAILED.store(true, Ordering::Relaxed);
        }
        return Ok(());
    }
    out_bytes(printable(text).as_bytes())
}

/// `text` with every control or invisible character but newline and tab
/// written as `<U+XXXX>`: a name read from a hand-edited result document, or
/// a line of a scenario quoted by the TOML parser, cannot move the cursor,
/// recolour the terminal or hide a difference between two names.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    caspian_montecarlo::escape_invisible(text, |c| c == '\n' || c == '\t')
}

/// Writes `bytes` to standard output and flushes them.
pub(crate) fn out_bytes(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes).and_then(|()| stdout.flush()).map_err(stdout_failure)
}

/// The failure for an error writing standard output.
pub(crate) fn stdout_failure(e: std::io::Error) -> Failure {
    if e.kind() == ErrorKind::BrokenPipe {
        Failure::ClosedPipe
    } else {
        Failure::Input(format!("cannot write to standard output: {e}"))
    }
}

/// Writes one line to standard error; a failure is remembered for the exit
/// code ([`stderr_failed`]) and does not stop the command. A closed pipe is
/// not a failure: its reader stopped reading (`2>&1 | head`), as a closed
/// standard output ends a command quietly.
pub(crate) fn err_line(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let written = writeln!(stderr, "{}", printable(&shortened(text))).and_then(|()| stderr.flush());
    if written.is_err_and(|e| e.kind() != std::io::ErrorKind::BrokenPipe) {
        STDERR_FAILED.store(true, Ordering::Relaxed);
    }
}

/// Longest run of text without a space that a message echoes whole: the
/// longest path Linux takes (`PATH_MAX`), so that a file is always named
/// in full.
const LONGEST_WORD: usize = 4096;

/// `text` with every run of more than [`LONGEST_WORD`] characters without
/// a space (a pasted key or value echoed back) cut to its start and end,
/// with the count of characters left out between: a message about a
/// 100,000-character `--set` key stays a few kB, not 200 kB.
fn shortened(text: &str) -> Cow<'_, str> {
    let long = |w: &str| w.chars().nth(LONGEST_WORD).is_some();
    if !text.split_whitespace().any(long) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(4 * LONGEST_WORD));
    let mut rest = text;
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, after) = rest.split_at(word_end);
        if long(word) {
            let chars: Vec<char> = word.chars().collect();
            let (head, tail) = (LONGEST_WORD / 2, LONGEST_WORD / 4);
            out.extend(&chars[..head]);
            out.push_str(&format!("...[{} characters]...", chars.len() - head - tail));
            out.extend(&chars[chars.len() - tail..]);
        } else {
            out.push_str(word);
        }
        let space_end = after.find(|c: char| !c.is_whitespace()).unwrap_or(after.len());
        out.push_str(&after[..space_end]);
        rest = &after[space_end..];
    }
    Cow::Owned(out)
}

/// Whether a write to standard error has failed in this process.
pub(crate) fn stderr_failed() -> bool {
    STDERR_FAILED.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn a_long_run_without_spaces_is_cut_in_a_message() {
        use super::shortened;
        let short = "unknown key \"x\"; did you mean \"y\"?";
        assert_eq!(shortened(short), short);
        let key = format!("{}.x", "a".repeat(100_000));
        let message = format!("--set {key}=1:  unknown table \"{key}\"\n(known: a)");
        let m = shortened(&message);
        assert!(m.len() < 7000, "{} bytes", m.len());
        // "a...a.x=1:" has 100,005 characters: the first 2,048 and last 1,024 kept.
        assert!(m.contains(&format!(" {}...[96933 characters]...", "a".repeat(2048))), "{m}");
        assert_eq!(m.matches(" characters]...").count(), 2, "{m}");
        assert!(m.starts_with("--set aaa") && m.contains("=1:  unknown table"), "{m}");
        assert!(m.ends_with("a.x\"\n(known: a)"), "{m}");
        // Exactly the limit: whole.
        let edge = "é".repeat(super::LONGEST_WORD);
        assert_eq!(shortened(&edge), edge);
    }

    #[test]
    fn characters_that_drive_the_terminal_are_shown_as_code_points() {
        assert_eq!(printable("plain\n\ttext"), "plain\n\ttext");
        assert_eq!(printable("red\u{1b}[31m"), "red<U+001B>[31m");
        assert_eq!(printable("a\u{200B}b\rc"), "a<U+200B>b<U+000D>c");
    }
}
