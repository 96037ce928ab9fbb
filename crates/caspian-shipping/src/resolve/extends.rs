//! `[scenario] extends = "parent.toml"`: a scenario written as the changes
//! to another.
//!
//! The parent is a path relative to the extending file, or `"baseline"` for
//! the embedded baseline. The child's tables are merged into the parent's:
//!
//! - a plain table (`[scenario]`, `[interdiction]`, a port's `berths`) key
//!   by key, recursively; a distribution or a dispatch policy (a table with
//!   `dist` or `policy`) and every other value are replaced whole;
//! - an array of tables with ids (`[[port]]`, `[[fleet]]`, ...) by id: the
//!   keys of an entry whose id the parent has are merged into it, an entry
//!   with a new id is appended, and an entry with `remove = true` removes
//!   the parent's entry with that id; a key that excludes another (an
//!   outflow's `capacity_per_year` and `capacity_t_per_year`) removes the
//!   parent's other one;
//! - `[[sweep]]`: the child's axes, when it gives the key, replace the
//!   parent's (`sweep = []` removes them).
//!
//! Parents may extend further files; a cycle, a missing file or a chain
//! deeper than [`MAX_DEPTH`] is an error naming the files.

use std::path::{Component, Path, PathBuf};

use toml::{Table, Value};

use super::blame::Source;
use super::overlap::clear_excluded;
use super::set::{ID_TABLES, ids, unknown_id};
use super::{Loader, ParentFile, ResolveError, parse_table, sha256_hex};
use crate::compile::shown_path;

/// The longest chain of parents.
pub const MAX_DEPTH: usize = 16;

/// The source of the embedded baseline as a parent ([`super::ParentFile`]).
pub(super) const EMBEDDED_SOURCE: &str = "embedded baseline";

/// The name that means the embedded baseline.
pub const BASELINE_NAME: &str = "baseline";

/// Replaces `table` (read from `origin`, at `path` when it is a file) by its
/// parents' tables with it merged in, following `extends` up the chain;
/// records each parent in `parents`, and its text in `texts` (for
/// messages that name the file that wrote a key). Returns whether there
/// was a parent.
pub(super) fn apply(
    table: &mut Table,
    origin: &str,
    path: Option<&Path>,
    load: &mut Loader<'_>,
    parents: &mut Vec<ParentFile>,
    texts: &mut Vec<Source>,
) -> Result<bool, ResolveError> {
    let mut seen: Vec<String> =
        vec![path.map_or_else(|| origin.to_string(), |p| shown_path(&normalize(p)))];
    let mut to = Chain { load, parents, texts, seen: &mut seen };
    chain(table, origin, path, &mut to)
}

/// What following the chain records, and the files seen so far.
struct Chain<'c, 'l> {
    load: &'c mut Loader<'l>,
    parents: &'c mut Vec<ParentFile>,
    texts: &'c mut Vec<Source>,
    seen: &'c mut Vec<String>,
}

fn chain(
    table: &mut Table,
    origin: &str,
    path: Option<&Path>,
    to: &mut Chain<'_, '_>,
) -> Result<bool, ResolveError> {
    let Some(name) = take_extends(table, origin)? else { return Ok(false) };
    // As messages show it: a line break in it is `<U+000A>`, not a new line.
    let said = crate::compile::escape_invisible(&name, |_| false);
    let (parent_origin, text, parent_path) = if name == BASELINE_NAME {
        (EMBEDDED_SOURCE.to_string(), crate::BASELINE_TOML.to_string(), None)
    } else {
        let Some(p) = path else {
            return Err(ResolveError::Extends {
                origin: origin.to_string(),
                message: format!("extends \"{said}\", but only a file can extend another file"),
            });
        };
        let joined = normalize(&p.parent().unwrap_or(Path::new("")).join(&name));
        if joined.file_name().is_none() {
            return Err(ResolveError::Extends {
                origin: origin.to_string(),
                message: format!(
                    "extends \"{said}\", which names a directory ({}), not a scenario file",
                    if joined.as_os_str().is_empty() { ".".into() } else { shown_path(&joined) }
                ),
            });
        }
        let shown = shown_path(&joined);
        if to.seen.contains(&shown) {
            let mut files = to.seen.clone();
            files.push(shown);
            return Err(ResolveError::Cycle { files });
        }
        // `seen` holds the files so far, the one given first: a parent more
        // would make one too many. Named from the file given, whose chain it is.
        if to.seen.len() >= MAX_DEPTH {
            return Err(ResolveError::Extends {
                origin: to.seen[0].clone(),
                message: format!(
                    "more than {MAX_DEPTH} files extend one another: {} -> {shown}",
                    to.seen.join(" -> ")
                ),
            });
        }
        let text = (to.load)(&joined).map_err(|message| ResolveError::Extends {
            origin: origin.to_string(),
            message: format!("extends \"{said}\": {message}"),
        })?;
        (shown, text, Some(joined))
    };
    to.parents.push(ParentFile { source: parent_origin.clone(), sha256: sha256_hex(&text) });
    let label = format!("{parent_origin} (extended by {origin})");
    to.texts.push(Source { label, text: text.clone() });
    // A parent that is not TOML is named with the file that extends it.
    let mut parent = parse_table(&text, &parent_origin).map_err(|e| match e {
        ResolveError::Parse { origin: parent, message } => {
            ResolveError::Parse { origin: format!("{parent} (extended by {origin})"), message }
        }
        other => other,
    })?;
    to.seen.push(parent_origin.clone());
    chain(&mut parent, &parent_origin, parent_path.as_deref(), to)?;
    merge(&mut parent, std::mem::take(table), origin, &parent_origin)?;
    *table = parent;
    Ok(true)
}

/// Removes `[scenario] extends` from `table` and returns it.
fn take_extends(table: &mut Table, origin: &str) -> Result<Option<String>, ResolveError> {
    let Some(Value::Table(meta)) = table.get_mut("scenario") else { return Ok(None) };
    match meta.remove("extends") {
        None => Ok(None),
        Some(Value::String(name)) if !name.trim().is_empty() => Ok(Some(name)),
        Some(_) => Err(ResolveError::Extends {
            origin: origin.to_string(),
            message: "scenario.extends must be a file name in quotes (relative to this file) or \"baseline\"".into(),
        }),
    }
}

/// `path` with `.` dropped and `dir/..` folded, without touching the disk.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Merges the child's `table` into `parent` (see the module documentation).
fn merge(
    parent: &mut Table,
    child: Table,
    origin: &str,
    parent_origin: &str,
) -> Result<(), ResolveError> {
    for (key, value) in child {
        match value {
            Value::Array(entries) if ID_TABLES.contains(&key.as_str()) => {
                merge_by_id(parent, &key, entries, origin, parent_origin)?;
            }
            Value::Table(t) => match parent.get_mut(&key) {
                Some(Value::Table(p)) => merge_tables(p, t),
                _ => {
                    parent.insert(key, Value::Table(t));
                }
            },
            // `[[sweep]]` and any other value: the child's replaces the parent's.
            other => {
                parent.insert(key, other);
            }
        }
    }
    Ok(())
}

/// Key by key, recursively; a tagged table (a distribution, a dispatch
/// policy) replaces the parent's whole.
fn merge_tables(parent: &mut Table, child: Table) {
    for (key, value) in child {
        merge_value(parent, &key, value);
    }
}

/// Writes the child's `value` at `key` of `parent`: a plain table merges
/// into the parent's table there ([`merge_tables`]); anything else
/// replaces it. `--set` writes its values this way too.
pub(super) fn merge_value(parent: &mut Table, key: &str, value: Value) {
    match (parent.get_mut(key), value) {
        (Some(Value::Table(p)), Value::Table(c)) if !tagged(&c) => merge_tables(p, c),
        (_, v) => {
            parent.insert(key.to_string(), v);
        }
    }
}

/// A table that chooses a kind (`dist = ...`, `policy = ...`), whose keys
/// mean nothing out of that kind.
pub(super) fn tagged(t: &Table) -> bool {
    t.contains_key("dist") || t.contains_key("policy")
}

/// Merges the child's `[[what]]` entries into the parent's by id.
fn merge_by_id(
    parent: &mut Table,
    what: &str,
    entries: Vec<Value>,
    origin: &str,
    parent_origin: &str,
) -> Result<(), ResolveError> {
    let fail = |message: String| ResolveError::Extends { origin: origin.to_string(), message };
    let list = parent.entry(what.to_string()).or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(list) = list else {
        return Err(fail(format!(
            "{parent_origin} has \"{what}\" that is not a list of [[{what}]] tables"
        )));
    };
    let mut given: Vec<String> = Vec::new();
    for entry in entries {
        let Value::Table(mut t) = entry else {
            return Err(fail(format!("\"{what}\" must be a list of [[{what}]] tables")));
        };
        let Some(id) = t.get("id").and_then(Value::as_str).map(str::to_string) else {
            return Err(fail(format!(
                "every [[{what}]] in a file that extends another needs an id (the id of the \
                 entry to change or remove, or a new one)"
            )));
        };
        // Two entries of one id would merge silently, the later hiding
        // the earlier.
        if given.contains(&id) {
            return Err(fail(format!(
                "[[{what}]] id \"{id}\" appears twice in this file; give each id once"
            )));
        }
        given.push(id.clone());
        let remove = match t.remove("remove") {
            None => false,
            Some(Value::Boolean(b)) => b,
            Some(other) => {
                return Err(fail(format!(
                    "{what}.{id}.remove: expected true or false, got {}",
                    super::set::describe(&other)
                )));
            }
        };
        let others: Vec<&str> = t.keys().map(String::as_str).filter(|k| *k != "id").collect();
        if remove && !others.is_empty() {
            return Err(fail(format!(
                "{what}.{id}: remove = true takes no other keys, but {} given; remove the \
                 entry, or change it",
                others.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ")
                    + if others.len() == 1 { " is" } else { " are" }
            )));
        }
        let at = list.iter().position(|e| e.get("id").and_then(Value::as_str) == Some(id.as_str()));
        match (at, remove) {
            (Some(i), true) => {
                list.remove(i);
            }
            (None, true) => {
                return Err(fail(format!(
                    "{what}.{id}.remove: {} in {parent_origin}",
                    unknown_id(what, &id, &ids(list))
                )));
            }
            (Some(i), false) => {
                if let Value::Table(p) = &mut list[i] {
                    for key in t.keys() {
                        clear_excluded(what, p, key);
                    }
                    merge_tables(p, t);
                }
            }
            (None, false) => list.push(Value::Table(t)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fold_without_the_disk() {
        assert_eq!(normalize(Path::new("a/./b/../c.toml")), PathBuf::from("a/c.toml"));
        assert_eq!(normalize(Path::new("../x.toml")), PathBuf::from("../x.toml"));
    }

    #[test]
    fn tables_merge_by_key_and_entries_by_id() {
        let mut parent: Table = "[a]\nx = 1\ny = { dist = \"constant\", value = 1 }\n[[port]]\nid = \"p\"\nberths = { tanker = 1, roro = 2 }\n[[port]]\nid = \"q\"\n[[sweep]]\nkey = \"k\"\nvalues = [1]\n".parse().unwrap();
        let child: Table = "[a]\ny = { dist = \"exponential\", mean = 2 }\n[[port]]\nid = \"p\"\nberths.roro = 5\n[[port]]\nid = \"q\"\nremove = true\n[[port]]\nid = \"r\"\n".parse().unwrap();
        merge(&mut parent, child, "child", "parent").unwrap();
        let expected: Table = "[a]\nx = 1\ny = { dist = \"exponential\", mean = 2 }\n[[port]]\nid = \"p\"\nberths = { tanker = 1, roro = 5 }\n[[port]]\nid = \"r\"\n[[sweep]]\nkey = \"k\"\nvalues = [1]\n".parse().unwrap();
        assert_eq!(parent, expected);
    }

    #[test]
    fn removing_an_unknown_id_lists_the_known() {
        let mut parent: Table = "[[fleet]]\nid = \"f\"\n".parse().unwrap();
        let child: Table = "[[fleet]]\nid = \"g\"\nremove = true\n".parse().unwrap();
        let e = merge(&mut parent, child, "child", "parent").unwrap_err().to_string();
        assert!(e.contains("fleet.g.remove") && e.contains("known ids: \"f\""), "{e}");
    }

    #[test]
    fn an_id_twice_or_a_removal_with_changes_is_refused() {
        let parent: Table = "[[fleet]]\nid = \"f\"\ncount = 1\n".parse().unwrap();
        let twice: Table =
            "[[fleet]]\nid = \"f\"\ncount = 2\n[[fleet]]\nid = \"f\"\ncount = 3\n".parse().unwrap();
        let e = merge(&mut parent.clone(), twice, "child", "parent").unwrap_err().to_string();
        assert!(e.starts_with("child: ") && e.contains("id \"f\" appears twice"), "{e}");
        let both: Table = "[[fleet]]\nid = \"f\"\nremove = true\ncount = 3\n".parse().unwrap();
        let e = merge(&mut parent.clone(), both, "child", "parent").unwrap_err().to_string();
        assert!(e.contains("fleet.f: remove = true takes no other keys, but \"count\" is"), "{e}");
    }
}
