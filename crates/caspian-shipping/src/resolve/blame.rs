//! Which file of an `extends` chain wrote a key, and where.
//!
//! A scenario that extends another is merged into one table before serde
//! reads it ([`super::extends`]), so serde's error names a key of the
//! merged scenario and no file or line. [`locate`] finds the file that
//! wrote the key (the extending file first: what it writes replaces its
//! parents'), and its line and column there, and [`Located::message`]
//! writes them as the TOML reader writes a file's own errors.

use std::borrow::Cow;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a key path in the merged scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    /// A key of a table.
    Key(String),
    /// The entry of an array of tables with this `id` (`[[fleet]]`).
    Id(String),
    /// The entry at this index of an array (an array of tables without
    /// ids is replaced whole by a file that gives it, so the index is
    /// the same in that file).
    Index(usize),
}

/// A file of the chain: how messages name it, and its text.
#[derive(Debug, Clone)]
pub(super) struct Source {
    /// `par.toml (extended by child.toml)`, or the extending file's name.
    pub(super) label: String,
    /// Its text.
    pub(super) text: String,
}

/// A key found in a file's own text.
#[derive(Debug)]
pub(super) struct Located<'a> {
    source: &'a Source,
    /// Byte range of the value (or of the key, for a key that is not
    /// part of the format).
    span: std::ops::Range<usize>,
}

/// The first of `files` (the extending file first, then its parents,
/// nearest first) whose own text writes `steps`, and where; `None` where
/// none does (a missing key, a path the merge made), and where the file
/// cannot be told:
/// - an entry of an array of tables with ids named by its position in the
///   merged scenario (`port[5]`), which is not its position in any file
///   once an entry was removed or added;
/// - a table several files write (a distribution whose `sd` a child
///   changes by a dotted key): the error is about a key inside it, which
///   any of them may have written.
pub(super) fn locate<'a>(files: &'a [Source], steps: &[Step], key: bool) -> Option<Located<'a>> {
    if let [Step::Key(table), Step::Index(_), ..] = steps
        && super::set::ID_TABLES.contains(&table.as_str())
    {
        return None;
    }
    let mut found = files.iter().filter_map(|source| {
        let root = DeTable::parse(&source.text).ok()?;
        let (span, table) = find(root.get_ref(), steps, key)?;
        Some((Located { source, span }, table))
    });
    let (first, table) = found.next()?;
    if table && found.next().is_some() {
        return None;
    }
    Some(first)
}

/// The steps of a compile error's dotted key with ids
/// (`fleet.tankers.count`, `port[1].id`,
/// `sea_area.x.storm_onsets_per_month[3]`).
pub(super) fn steps_of(key: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    for (i, part) in key.split('.').enumerate() {
        let (name, indices) = part.split_once('[').unwrap_or((part, ""));
        // `port.aktau`, not `port[1]`'s next key.
        let by_id = i == 1
            && steps.len() == 1
            && matches!(steps.first(), Some(Step::Key(t)) if super::set::ID_TABLES.contains(&t.as_str()));
        if by_id {
            steps.push(Step::Id(name.to_string()));
        } else {
            steps.push(Step::Key(name.to_string()));
        }
        for index in indices.split('[').filter(|i| !i.is_empty()) {
            match index.trim_end_matches(']').parse() {
                Ok(n) => steps.push(Step::Index(n)),
                Err(_) => return steps,
            }
        }
    }
    steps
}

/// Where a parent of the chain (not the extending file, `files[0]`, which
/// the message names already) wrote `key`: ` (written in par.toml
/// (extended by child.toml), line 12)`.
pub(super) fn written_in(files: &[Source], key: &str) -> Option<String> {
    let at = locate(files, &steps_of(key), false)?;
    (!std::ptr::eq(at.source, &files[0])).then(|| {
        let text = &at.source.text;
        let line = text[..at.span.start.min(text.len())].matches('\n').count() + 1;
        format!(" (written in {}, line {line})", at.source.label)
    })
}

/// The span of `steps` in `table`: the value's, or the last key's where
/// `key`; and whether the value is a table.
fn find(table: &DeTable<'_>, steps: &[Step], key: bool) -> Option<(std::ops::Range<usize>, bool)> {
    let (Step::Key(first), rest) = steps.split_first()? else { return None };
    let (k, mut here) = entry(table, first)?;
    if rest.is_empty() && key {
        return Some((k.span(), false));
    }
    for (i, step) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        here = match (here.get_ref(), step) {
            (DeValue::Table(t), Step::Key(name)) => {
                let (k, v) = entry(t, name)?;
                if last && key {
                    return Some((k.span(), false));
                }
                v
            }
            (DeValue::Array(a), Step::Id(id)) => a.iter().find(|e| match e.get_ref() {
                DeValue::Table(t) => entry(t, "id")
                    .is_some_and(|(_, v)| matches!(v.get_ref(), DeValue::String(s) if s == id)),
                _ => false,
            })?,
            (DeValue::Array(a), Step::Index(n)) => a.get(*n)?,
            _ => return None,
        };
    }
    Some((here.span(), matches!(here.get_ref(), DeValue::Table(_))))
}

/// The key `name` of `table` and its value.
fn entry<'t, 'i>(
    table: &'t DeTable<'i>,
    name: &str,
) -> Option<(&'t Spanned<Cow<'i, str>>, &'t Spanned<DeValue<'i>>)> {
    table.iter().find(|(k, _)| k.get_ref() == name)
}

impl Located<'_> {
    /// `message` where it was found, as the TOML reader writes a file's
    /// own error: the file, the line and column, the line itself with the
    /// span underlined, then the message.
    pub(super) fn message(&self, message: &str) -> String {
        let text = &self.source.text;
        let start = self.span.start.min(text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[line_start..line_end].trim_end_matches('\r');
        let line_end = line_start + line.len();
        let number = text[..line_start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        let width = text[start..self.span.end.min(line_end).max(start)].chars().count().max(1);
        let gutter = " ".repeat(number.to_string().len());
        format!(
            "{}: error at line {number}, column {column}\n{gutter} |\n{number} | {line}\n{gutter} \
             | {}{}\n{message}",
            self.source.label,
            " ".repeat(column - 1),
            "^".repeat(width),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Vec<Source> {
        let child = "[scenario]\nextends = \"par.toml\"\n\n[[fleet]]\nid = \"b\"\ncount = 2\n";
        let parent = "[scenario]\nhorizon_days = \"x\"\n\n[[fleet]]\nid = \"a\"\ncount = 1\n\n\
                      [[fleet]]\nid = \"b\"\ncount = 9\nspeed_kn = \"fast\"\n";
        vec![
            Source { label: "child.toml".into(), text: child.into() },
            Source { label: "par.toml (extended by child.toml)".into(), text: parent.into() },
        ]
    }

    fn keys(path: &[&str]) -> Vec<Step> {
        path.iter().map(|k| Step::Key((*k).to_string())).collect()
    }

    #[test]
    fn a_key_is_found_in_the_file_that_writes_it() {
        let files = sources();
        let at = locate(&files, &keys(&["scenario", "horizon_days"]), false).unwrap();
        let m = at.message("scenario.horizon_days: expected a number");
        assert!(
            m.starts_with("par.toml (extended by child.toml): error at line 2, column 16"),
            "{m}"
        );
        assert!(m.contains("2 | horizon_days = \"x\"\n  |                ^^^\n"), "{m}");
        // The extending file's own value is found first: it replaces the
        // parent's.
        let count = [Step::Key("fleet".into()), Step::Id("b".into()), Step::Key("count".into())];
        let at = locate(&files, &count, false).unwrap();
        assert!(at.message("m").starts_with("child.toml: error at line 6, column 9"));
        // A key only the parent writes in an entry both write.
        let speed = [Step::Key("fleet".into()), Step::Id("b".into()), Step::Key("speed_kn".into())];
        let at = locate(&files, &speed, true).unwrap();
        assert!(at.message("m").contains("line 11, column 1\n"), "{}", at.message("m"));
        // Nobody writes it.
        assert!(locate(&files, &keys(&["scenario", "seed"]), false).is_none());
        let nine = [Step::Key("fleet".into()), Step::Index(9)];
        assert!(locate(&files, &nine, false).is_none());
    }

    /// Where the file cannot be told, none is named: an entry by its
    /// position, a table two files write.
    #[test]
    fn no_file_is_named_where_it_cannot_be_told() {
        let files = [
            Source {
                label: "child.toml".into(),
                text: "[[sea_area]]\nid = \"m\"\nstorm_h.sd = 20.0\n".into(),
            },
            Source {
                label: "par.toml".into(),
                text: "[[sea_area]]\nid = \"m\"\nstorm_h = { dist = \"lognormal\", mean = \"x\", \
                       sd = 24.0, sdd = 1 }\n\n[[port]]\nid = \"a\"\nname = \"bad\"\n"
                    .into(),
            },
        ];
        let table =
            [Step::Key("sea_area".into()), Step::Id("m".into()), Step::Key("storm_h".into())];
        assert!(locate(&files, &table, false).is_none(), "both write the table");
        // A key inside it that one file writes is found there.
        let mut sdd = table.to_vec();
        sdd.push(Step::Key("sdd".into()));
        let at = locate(&files, &sdd, true).unwrap();
        assert!(
            at.message("m").starts_with("par.toml: error at line 3, column 56"),
            "{}",
            at.message("m")
        );
        // `port[0]` of the merged scenario need not be the file's first.
        let by_position = [Step::Key("port".into()), Step::Index(0), Step::Key("name".into())];
        assert!(locate(&files, &by_position, false).is_none());
        assert_eq!(written_in(&files, "port[0].name"), None);
    }

    #[test]
    fn compile_keys_are_read_as_steps_and_named_in_a_parent() {
        let key = |k: &str| steps_of(k);
        assert_eq!(key("fleet.b.count"), count_of_b());
        assert_eq!(
            key("sea_area.x.storm_onsets_per_month[3]"),
            [
                Step::Key("sea_area".into()),
                Step::Id("x".into()),
                Step::Key("storm_onsets_per_month".into()),
                Step::Index(3)
            ]
        );
        assert_eq!(
            key("port[1].id"),
            [Step::Key("port".into()), Step::Index(1), Step::Key("id".into())]
        );
        assert_eq!(key("costs.capital.berth"), keys(&["costs", "capital", "berth"]));
        let files = sources();
        // The extending file writes fleet b's count: its own message names
        // it already.
        assert_eq!(written_in(&files, "fleet.b.count"), None);
        let said = written_in(&files, "fleet.a.count").unwrap();
        assert_eq!(said, " (written in par.toml (extended by child.toml), line 6)");
        assert_eq!(written_in(&files, "fleet.c.count"), None);
    }

    fn count_of_b() -> Vec<Step> {
        vec![Step::Key("fleet".into()), Step::Id("b".into()), Step::Key("count".into())]
    }
}
