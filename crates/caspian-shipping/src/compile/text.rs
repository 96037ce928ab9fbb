//! What ids and free text may contain, and how a string is shown in an
//! error message without reaching the terminal raw.
//!
//! Ids are refused, never normalised: an id is `[A-Za-z0-9_-]+`, at most
//! [`MAX_ID_LEN`] characters. That leaves out control characters (ANSI
//! escapes), invisible format characters (zero-width spaces, bidi
//! controls), every kind of whitespace (so no two ids differ only by a
//! trailing space) and the dot and space that KPI names, sweep keys and
//! waiting lines use as separators. Free text (`name`, `description`,
//! `notes`) may hold any printable character, but no control character
//! (a description or notes may break lines with newlines and tabs) and no
//! invisible format character.

use std::borrow::Cow;
use std::path::Path;

use super::check::Checker;

/// Longest id accepted.
pub(super) const MAX_ID_LEN: usize = 64;

/// Whether `c` may appear in an id.
fn id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Whether `c` is drawn as nothing or moves the text around it: a control
/// character, or one of Unicode's format characters (soft hyphen, zero-width
/// spaces and joiners, bidi marks, embeddings and isolates, the word joiner
/// and invisible operators, the byte-order mark, interlinear annotation,
/// the combining grapheme joiner, the Hangul fillers and the tags).
pub fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{AD}'
                | '\u{61C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                // Fillers and joiners that draw nothing, and the tag
                // characters (all default-ignorable).
                | '\u{34F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{3164}'
                | '\u{FFA0}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// `text` with every invisible character written as `<U+XXXX>`, so that an
/// error message shows what is there and cannot drive the terminal.
pub(crate) fn escape(text: &str) -> String {
    escape_invisible(text, |_| false).into_owned()
}

/// `text` with every invisible character except those `keep` accepts (say,
/// the newlines of a multi-line message) written as `<U+XXXX>`; borrowed
/// when there is nothing to escape.
pub fn escape_invisible(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let hidden = |c: char| invisible(c) && !keep(c);
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&format!("<U+{:04X}>", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path as every message shows it: its text (a byte that is not UTF-8 as
/// U+FFFD) with every invisible character, newline and tab included,
/// written as `<U+XXXX>`, so that a file name cannot split a message line,
/// drive the terminal or hide a difference between two names. The one way
/// paths are formatted for people (`Path::display` is disallowed by the
/// workspace's clippy.toml).
pub fn shown_path(path: &Path) -> String {
    escape_invisible(&path.to_string_lossy(), |_| false).into_owned()
}

/// Checks one id: non-empty, at most [`MAX_ID_LEN`] characters, each in
/// `[A-Za-z0-9_-]`. Returns whether it is valid.
pub(super) fn check_id(c: &mut Checker, key: &str, id: &str) -> bool {
    match id_problem(id) {
        Some(problem) => {
            c.err(key, problem);
            false
        }
        None => true,
    }
}

/// What is wrong with `id` as an id ([`check_id`]'s rules), if anything.
pub(crate) fn id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("must not be empty".into());
    }
    if let Some((at, bad)) = id.char_indices().find(|&(_, ch)| !id_char(ch)) {
        let position = id[..at].chars().count() + 1;
        return Some(format!(
            "id \"{}\" has U+{:04X} ({}) at character {position}; an id may hold only letters A-Z \
             and a-z, digits, '_' and '-'",
            escape(id),
            u32::from(bad),
            describe(bad),
        ));
    }
    let len = id.chars().count();
    (len > MAX_ID_LEN).then(|| format!("id is {len} characters long; the limit is {MAX_ID_LEN}"))
}

/// The first invisible character of `text` that `keep` does not accept,
/// with its position in characters, counted from 1.
pub fn first_invisible(text: &str, keep: impl Fn(char) -> bool) -> Option<(usize, char)> {
    let (at, bad) = text.char_indices().find(|&(_, ch)| invisible(ch) && !keep(ch))?;
    Some((text[..at].chars().count() + 1, bad))
}

/// Longest one-line text accepted (a name, a currency): it is echoed in
/// tables, headings and messages.
pub const MAX_NAME_LEN: usize = 200;

/// Longest text that may break lines (a description, notes).
pub(super) const MAX_NOTES_LEN: usize = 20_000;

/// Checks free text: no invisible character, no line break or tab unless
/// `multiline`, and no longer than [`MAX_NAME_LEN`] (one line) or
/// [`MAX_NOTES_LEN`] characters.
pub(super) fn check_text(c: &mut Checker, key: &str, text: &str, multiline: bool) {
    let limit = if multiline { MAX_NOTES_LEN } else { MAX_NAME_LEN };
    if text.chars().nth(limit).is_some() {
        let len = text.chars().count();
        c.err(key, format!("is {len} characters long; the limit is {limit}"));
    }
    let allowed = |ch: char| multiline && (ch == '\n' || ch == '\t');
    if let Some((position, bad)) = first_invisible(text, allowed) {
        c.err(
            key,
            format!(
                "has U+{:04X} ({}) at character {position}; text may not hold control or \
                 invisible format characters{}",
                u32::from(bad),
                describe(bad),
                if multiline { " other than newlines and tabs" } else { "" },
            ),
        );
    }
}

/// A few words on what kind of character `c` is.
fn describe(c: char) -> &'static str {
    if c.is_control() {
        "a control character"
    } else if invisible(c) {
        "an invisible format character"
    } else if c.is_whitespace() {
        "whitespace"
    } else {
        "not a letter, digit, '_' or '-'"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_errors(id: &str) -> Vec<String> {
        let mut c = Checker { errors: Vec::new() };
        check_id(&mut c, "port[0].id", id);
        c.errors.into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn plain_ids_pass() {
        for id in ["alat", "aktau_yard_west", "BTK-17", "a", &"x".repeat(MAX_ID_LEN)] {
            assert!(id_errors(id).is_empty(), "{id}");
        }
    }

    #[test]
    fn hostile_ids_are_refused_and_named_escaped() {
        for (id, code) in [
            ("al\u{1b}[31mat", "U+001B"),
            ("alat ", "U+0020"),
            (" alat", "U+0020"),
            ("alat\u{200B}", "U+200B"),
            ("al\u{202E}at", "U+202E"),
            ("\u{FEFF}alat", "U+FEFF"),
            ("a.b", "U+002E"),
            ("alat\t", "U+0009"),
            ("Актау", "U+0410"),
        ] {
            let errors = id_errors(id);
            assert_eq!(errors.len(), 1, "{id:?}");
            assert!(errors[0].contains(code), "{id:?}: {}", errors[0]);
            assert!(!errors[0].chars().any(invisible), "raw character in {:?}", errors[0]);
        }
        assert_eq!(id_errors(""), ["must not be empty"]);
        assert!(id_errors(&"x".repeat(MAX_ID_LEN + 1))[0].contains("limit"));
    }

    #[test]
    fn free_text_refuses_invisible_characters_only() {
        let errors = |text: &str, multiline: bool| {
            let mut c = Checker { errors: Vec::new() };
            check_text(&mut c, "scenario.name", text, multiline);
            c.errors.len()
        };
        assert_eq!(errors("Baku International Sea Trade Port (Alat) — Ələt", false), 0);
        assert_eq!(errors("line one\nline two\twith a tab", true), 0);
        assert_eq!(errors("line one\nline two", false), 1);
        assert_eq!(errors("red \u{1b}[31m", true), 1);
        assert_eq!(errors("zero\u{200B}width", true), 1);
        // Lengths in characters, not bytes.
        assert_eq!(errors(&"é".repeat(MAX_NAME_LEN), false), 0);
        assert_eq!(errors(&"é".repeat(MAX_NAME_LEN + 1), false), 1);
        assert_eq!(errors(&"é".repeat(MAX_NAME_LEN + 1), true), 0);
        assert_eq!(errors(&"x".repeat(MAX_NOTES_LEN + 1), true), 1);
    }

    #[test]
    fn escape_shows_code_points() {
        assert_eq!(escape("a\u{1b}[0m\u{200B}b"), "a<U+001B>[0m<U+200B>b");
        assert_eq!(escape("plain"), "plain");
    }

    #[test]
    fn paths_are_shown_on_one_line() {
        let shown = |p: &str| shown_path(std::path::Path::new(p));
        assert_eq!(shown("dir/bad\nname\r\t.toml"), "dir/bad<U+000A>name<U+000D><U+0009>.toml");
        assert_eq!(shown("\u{1b}[31mred.json"), "<U+001B>[31mred.json");
        assert_eq!(shown("caspian/ok.toml"), "caspian/ok.toml");
    }
}
