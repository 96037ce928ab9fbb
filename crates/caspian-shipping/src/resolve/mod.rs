//! Resolving a scenario: the file, the files it extends, and `--set`
//! overrides, into the one [`Scenario`] that runs and the text that
//! identifies it.
//!
//! [`resolve`] reads the file through a loader the caller gives (the CLI
//! reads files within its size caps; this crate never opens one), follows
//! `[scenario] extends` up the chain and merges ([`extends`]), writes every
//! [`Override`] at its path ([`set`]), deserializes, and applies the sweep
//! keys that scale storms. A scenario with no parent and no override is
//! handed on as its own text, so its hash and its error messages (with
//! line numbers) are those of the file; otherwise the resolved scenario is
//! written out as TOML, and that text is what runs, is hashed and is
//! checkpointed. [`Lineage`] records the parents and overrides for
//! provenance. Messages speak plainly ([`plain`]). Each key is overridden
//! once ([`overlap::check_distinct`]), and a scenario with overrides is checked
//! here, so that a value they make invalid is reported as the scenario
//! *with* them (`base.toml with --set KEY=VALUE: ...`), not as the file's.
//! A scenario that extends another is checked here too, and what does not
//! fit is named in the file of the chain that wrote it (`blame.rs`).

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;
use toml::{Table, Value};

use crate::compile::shown_path;
use crate::scenario::Scenario;
use overlap::Overlap;

mod blame;
pub mod extends;
mod list_for_table;
pub mod overlap;
pub mod plain;
pub mod set;

pub(crate) use list_for_table::{LIST_FOR_TABLE, list_for_table};

pub use set::Override;

/// Reads a file a scenario extends: its text, or a message naming the file
/// and what is wrong.
pub type Loader<'a> = dyn FnMut(&Path) -> Result<String, String> + 'a;

/// Where the scenario to resolve comes from.
#[derive(Debug, Clone, Copy)]
pub enum Root<'a> {
    /// The embedded baseline.
    Baseline,
    /// A file, read through the loader.
    File(&'a Path),
}

/// A file a resolved scenario extends, directly or through another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParentFile {
    /// Its path as reached from the extending file, or `embedded baseline`.
    pub source: String,
    /// SHA-256 of its text, in hex.
    pub sha256: String,
}

impl ParentFile {
    /// Its path, unless it is the embedded baseline.
    pub fn path(&self) -> Option<&Path> {
        (self.source != extends::EMBEDDED_SOURCE).then_some(Path::new(&self.source))
    }
}

/// How a scenario was derived: the files it extends (nearest first) and
/// the overrides applied, in order, as `KEY=VALUE`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lineage {
    /// The `extends` chain, the direct parent first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extends: Vec<ParentFile>,
    /// The overrides, in the order applied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
}

/// A resolved scenario.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The text that runs: the file's own when nothing was changed, else
    /// the resolved scenario written as TOML.
    pub text: String,
    /// Where it came from: the path, or `embedded baseline`.
    pub source: String,
    /// The scenario (not yet checked: [`crate::compile()`] does that).
    pub scenario: Scenario,
    /// Its parents and overrides.
    pub lineage: Lineage,
}

/// A scenario that cannot be resolved. Every message names the file,
/// option or key at fault.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// The file could not be read (the loader's message).
    #[error("{0}")]
    Read(String),
    /// Not valid TOML, or a key or value that does not fit the format.
    #[error("{origin}: {}", message.trim_end())]
    Parse {
        /// The file.
        origin: String,
        /// What is wrong, in plain words.
        message: String,
    },
    /// A key or value that does not fit the format, in a file of an
    /// `extends` chain: the message names the file that wrote it, with
    /// its line and column.
    #[error("{}", .0.trim_end())]
    Located(String),
    /// An `extends` that cannot be followed or merged.
    #[error("{origin}: {message}")]
    Extends {
        /// The extending file.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// Files that extend one another in a circle.
    #[error("scenario files extend one another in a cycle: {}", files.join(" -> "))]
    Cycle {
        /// The chain, ending with the file seen twice.
        files: Vec<String>,
    },
    /// The scenario with its overrides does not pass the checks; the
    /// origin names the overrides (`base.toml with --set KEY=VALUE`).
    #[error("{0}")]
    Invalid(crate::LoadError),
    /// An override that does not fit the scenario.
    #[error("{option} {}: {message}", plain::echo(spec))]
    Set {
        /// The option that gave it.
        option: String,
        /// `KEY=VALUE` as given.
        spec: String,
        /// What is wrong.
        message: String,
    },
}

/// Resolves `root` with `overrides` (see the module documentation).
///
/// # Errors
/// [`ResolveError`] naming the file, option or key at fault.
pub fn resolve(
    root: Root<'_>,
    overrides: &[Override],
    load: &mut Loader<'_>,
) -> Result<Resolved, ResolveError> {
    overlap::check_distinct(overrides)?;
    let (origin, text, path) = match root {
        Root::Baseline => ("embedded baseline".to_string(), crate::BASELINE_TOML.to_string(), None),
        Root::File(p) => (shown_path(p), load(p).map_err(ResolveError::Read)?, Some(p)),
    };
    let mut table = match parse_table(&text, &origin) {
        Ok(table) => table,
        // A value a TOML table cannot hold (an integer past 2^63) may still
        // fit the scenario, which then reports it with its key; a file that
        // cannot be a table takes no override and cannot extend another
        // (the merge works on tables), so there the table's error stands.
        Err(e) => {
            let direct = parse_direct(&text, &origin, None);
            return match direct {
                Ok(scenario) if overrides.is_empty() => {
                    Ok(Resolved { text, source: origin, scenario, lineage: Lineage::default() })
                }
                Ok(_) => Err(e),
                Err(_) if names_extends(&text) => Err(e),
                Err(d) => Err(d),
            };
        }
    };
    let mut lineage = Lineage::default();
    let mut files = vec![blame::Source { label: origin.clone(), text: text.clone() }];
    let extended =
        extends::apply(&mut table, &origin, path, load, &mut lineage.extends, &mut files)?;
    // An id that is no id, said before anything the entry lacks (which the
    // message would name by that id), and before any override is applied
    // (it is the file's, not the override's).
    if let Some(misfit) = bad_id(&table, extended) {
        return Err(match blame::locate(&files, &misfit.steps, false) {
            Some(at) => ResolveError::Located(at.message(&misfit.message)),
            None => ResolveError::Parse { origin: origin.clone(), message: misfit.message },
        });
    }
    let mut scenario = if extended {
        // Named in the file of the chain that wrote the key, at its line.
        deserialize_at(&table).map_err(|misfit| {
            match blame::locate(&files, &misfit.steps, misfit.names_a_key) {
                Some(at) => ResolveError::Located(at.message(&misfit.message)),
                None => ResolveError::Parse { origin: origin.clone(), message: misfit.message },
            }
        })?
    } else {
        // The file's own errors, with their line numbers; `table` is the
        // file's (no `extends` was taken out of it).
        parse_direct(&text, &origin, Some(&table))?
    };
    if !extended && overrides.is_empty() {
        return Ok(Resolved { text, source: origin, scenario, lineage });
    }
    // A value a parent wrote (and no override replaced) is named where it
    // was written; one a multiplier scaled names the multiplier too.
    let located = |mut errors: Vec<crate::ScenarioError>| {
        for e in &mut errors {
            match overrides.iter().find_map(|o| o.overlap(&e.key).map(|how| (o, how))) {
                Some((o, Overlap::Scaled)) => {
                    e.message.push_str(&format!(" (scaled by {})", given(o)));
                    e.message.extend(blame::written_in(&files, &e.key));
                }
                Some(_) => {}
                None => e.message.extend(blame::written_in(&files, &e.key)),
            }
        }
        errors
    };
    if overrides.is_empty() {
        // Checked here, so that a value a parent wrote is named in it.
        crate::compile(&scenario).map_err(|errors| {
            let errors = located(errors);
            ResolveError::Invalid(crate::LoadError::Invalid { origin: origin.clone(), errors })
        })?;
    }
    let mut scaled = Vec::new();
    for o in overrides {
        match o.write(&mut table)? {
            Some(key) => scaled.push((o, key)),
            // Checked one at a time, so that an error names its override.
            None => scenario = deserialize(&table).map_err(|m| o.error(m))?,
        }
        lineage.overrides.push(o.text.clone());
    }
    for (o, (key, value)) in scaled {
        key.apply(&mut scenario, value).map_err(|e| o.error(e.to_string()))?;
    }
    if !overrides.is_empty() {
        // Checked here, so that a value an override makes invalid is
        // blamed on the override, not on the file it was applied to.
        crate::compile(&scenario).map_err(|errors| {
            ResolveError::Invalid(crate::LoadError::Invalid {
                origin: with_overrides(&origin, overrides),
                errors: located(errors),
            })
        })?;
    }
    let text = toml::to_string(&scenario).map_err(|e| ResolveError::Parse {
        origin: origin.clone(),
        message: format!("the resolved scenario cannot be written as TOML: {e}"),
    })?;
    Ok(Resolved { text, source: origin, scenario, lineage })
}

/// `origin` with the overrides applied to it, as messages name it:
/// `base.toml with --set KEY=VALUE, --variant NAME:KEY=VALUE`.
fn with_overrides(origin: &str, overrides: &[Override]) -> String {
    let given: Vec<String> = overrides.iter().map(given).collect();
    format!("{origin} with {}", given.join(", "))
}

/// An override as given: `--set KEY=VALUE`, `--variant NAME:KEY=VALUE`.
fn given(o: &Override) -> String {
    let gap = if o.option.ends_with(':') { "" } else { " " };
    format!("{}{gap}{}", o.option, o.text)
}

/// Resolves a shipped scenario held in memory (`include_str!`), named
/// `origin`: the `baseline.toml` it extends is the embedded baseline.
///
/// # Errors
/// As [`resolve`]; a parent other than the baseline cannot be read.
pub fn resolve_shipped(text: &str, origin: &str) -> Result<Resolved, ResolveError> {
    let root = Path::new(origin);
    let mut load = |p: &Path| {
        if p == root {
            Ok(text.to_string())
        } else if p.file_name().is_some_and(|n| n == "baseline.toml") {
            Ok(crate::BASELINE_TOML.to_string())
        } else {
            Err(format!("{} is not held in memory", shown_path(p)))
        }
    };
    resolve(Root::File(root), &[], &mut load)
}

/// `text` read straight into a [`Scenario`] (its errors with their lines);
/// `given` is `text` as a TOML table, when already read.
fn parse_direct(text: &str, origin: &str, given: Option<&Table>) -> Result<Scenario, ResolveError> {
    crate::parse_given(text, origin, given).map_err(|e| match e {
        crate::LoadError::Parse { origin, message } => ResolveError::Parse { origin, message },
        other => ResolveError::Parse { origin: origin.to_string(), message: other.to_string() },
    })
}

/// Whether `text` gives `extends` a value (`extends = ...` or
/// `scenario.extends = ...`), read line by line: for a file that is not a
/// TOML table, to tell which of two errors explains it.
fn names_extends(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        let key = line.strip_prefix("scenario.").unwrap_or(line);
        key.strip_prefix("extends").is_some_and(|rest| rest.trim_start().starts_with('='))
    })
}

/// `text` as a TOML table, or the TOML reader's message in plain words.
/// A TOML table holds whole numbers up to `i64::MAX` only: a larger one
/// (which a scenario read whole may take, e.g. a `u64` seed) is named with
/// that limit, not the reader's "u64 value was too large".
pub(crate) fn parse_table(text: &str, origin: &str) -> Result<Table, ResolveError> {
    text.parse::<Table>().map_err(|e| {
        let message = e.to_string().replace(
            "u64 value was too large",
            &format!(
                "a whole number may be at most {} in a file that extends another, is \
                 extended, or is changed by --set (a larger seed: give it with --seed)",
                i64::MAX
            ),
        );
        ResolveError::Parse { origin: origin.to_string(), message: plain::plain_message(&message) }
    })
}

/// What does not fit the format, and where ([`deserialize_at`]).
struct Misfit {
    /// Led by its dotted key path with ids.
    message: String,
    /// The key path, for [`blame::locate`] (empty where unknown).
    steps: Vec<blame::Step>,
    /// Whether the key itself is at fault (not part of the format), not
    /// its value.
    names_a_key: bool,
}

/// `table` as a [`Scenario`], or what does not fit, led by its dotted key
/// path with ids (`fleet.tankers.count: expected a whole number ...`).
fn deserialize(table: &Table) -> Result<Scenario, String> {
    deserialize_at(table).map_err(|m| m.message)
}

/// [`deserialize`], with the path of what does not fit.
fn deserialize_at(table: &Table) -> Result<Scenario, Misfit> {
    let value = Value::Table(table.clone());
    let mut steps = Vec::new();
    let mut names_a_key = false;
    let scenario = serde_path_to_error::deserialize::<_, Scenario>(value).map_err(|e| {
        let raw = e.inner().message().to_string();
        names_a_key = raw.starts_with("unknown field");
        let (mut path, at, parent) = key_path(e.path(), table, &mut steps);
        // Inside a tagged table (a distribution) serde's path stops at the
        // table: the unknown key, named in the message, is the step after.
        if let Some(name) = raw.strip_prefix("unknown field `").and_then(|r| r.split_once('`'))
            && steps.last() != Some(&blame::Step::Key(name.0.to_string()))
        {
            steps.push(blame::Step::Key(name.0.to_string()));
        }
        let mut message = plain::plain_message(&raw);
        if raw.contains("variant identifier")
            && matches!(e.path().iter().next_back(), Some(serde_path_to_error::Segment::Seq { .. }))
            && let Some((parent_path, Value::Array(_))) = parent
        {
            // A list where a tagged table goes (`dispatch = [1]`): serde
            // reads its first value as the tag; say what is wrong with it
            // as a whole.
            path = parent_path;
            message = "expected a table, got a list".into();
        } else if !message.contains(", got ")
            && message.starts_with("expected ")
            && let Some(v) = at
        {
            // serde's words named no value (`unit variant`): the value at
            // the key says what was given.
            message = format!("{message}, got {}", set::describe(v));
        }
        if path.is_empty() || path == "." {
            message
        } else {
            format!("{}: {message}", plain::echo(&path))
        }
    });
    let scenario = scenario.map_err(|message| Misfit { message, steps, names_a_key })?;
    match list_for_table(table, &scenario) {
        Some(path) => Err(Misfit {
            message: format!("{path}: {LIST_FOR_TABLE}"),
            steps: blame::steps_of(&path),
            names_a_key: false,
        }),
        None => Ok(scenario),
    }
}

/// The first entry of an array of tables whose id is text but no id
/// ([`crate::compile::id_problem`]): said before anything missing from the
/// entry, which the message would otherwise name by that id. Named by its
/// place in the file (`storage[1].id`), or, where the file `extended`
/// another, by its kind (`[[storage]] id`): the place is then in the list
/// the files make together, not in the file that wrote it (whose line the
/// message shows).
fn bad_id(table: &Table, extended: bool) -> Option<Misfit> {
    set::ID_TABLES.iter().find_map(|&what| {
        let Some(Value::Array(entries)) = table.get(what) else { return None };
        entries.iter().enumerate().find_map(|(i, entry)| {
            let id = entry.get("id")?.as_str()?;
            let problem = crate::compile::id_problem(id)?;
            let key = if extended { format!("[[{what}]] id") } else { format!("{what}[{i}].id") };
            Some(Misfit {
                message: format!("{key}: {problem}"),
                steps: vec![
                    blame::Step::Key(what.to_string()),
                    blame::Step::Id(id.to_string()),
                    blame::Step::Key("id".into()),
                ],
                names_a_key: false,
            })
        })
    })
}

/// A serde path with each entry of an array of tables named by its id,
/// the value there in `table` (if any), and the path and value one step
/// up; `steps` gets the path as [`blame::Step`]s.
fn key_path<'t>(
    path: &serde_path_to_error::Path,
    table: &'t Table,
    steps: &mut Vec<blame::Step>,
) -> (String, Option<&'t Value>, Option<(String, &'t Value)>) {
    use serde_path_to_error::Segment;
    let mut parts: Vec<String> = Vec::new();
    let mut here: Option<&Value> = None;
    let mut parent: Option<(String, &Value)> = None;
    let mut top = Some(table);
    for segment in path.iter() {
        let before = here.map(|v| (parts.join("."), v));
        match segment {
            Segment::Map { key } => {
                here = match (top.take(), here) {
                    (Some(t), _) => t.get(key),
                    (None, Some(v)) => v.get(key.as_str()),
                    (None, None) => None,
                };
                parts.push(key.clone());
                steps.push(blame::Step::Key(key.clone()));
            }
            Segment::Seq { index } => {
                here = here.and_then(|v| v.get(*index));
                match here.and_then(|v| v.get("id")).and_then(Value::as_str) {
                    Some(id) => {
                        parts.push(id.to_string());
                        steps.push(blame::Step::Id(id.to_string()));
                    }
                    None => {
                        parts.push(index.to_string());
                        steps.push(blame::Step::Index(*index));
                    }
                }
            }
            Segment::Enum { variant } => {
                parts.push(variant.clone());
                steps.push(blame::Step::Key(variant.clone()));
            }
            Segment::Unknown => continue,
        }
        parent = before;
    }
    (parts.join("."), here, parent)
}

/// SHA-256 of `text`, lower-case hex.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// `bytes` (a digest) as lowercase hexadecimal digits, two a byte.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
