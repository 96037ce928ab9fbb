//! `--set KEY=VALUE`: one scenario value changed by its dotted path.
//!
//! A path names a table by its place in the file, and an entry of an array
//! of tables (`[[port]]`, `[[fleet]]`, ...) by its id: `port.alat.berths.
//! rail_ferry`, `fleet.ferries_kuryk_alat.count`, `scenario.horizon_days`,
//! `interdiction.escort.enabled`. The value is a TOML value (`3`, `1.5`,
//! `true`, `"text"`, `[1, 2]`, `{ dist = "constant", value = 2 }`); a
//! value that is not TOML is taken as text. Four sweep keys are not paths
//! in the file: `weather.storm_rate_multiplier` and
//! `weather.storm_duration_multiplier` scale every sea area's storms,
//! `disruptions.rate_multiplier` and `disruptions.duration_multiplier`
//! every disruption's rate and duration; they are applied to the scenario
//! after every other setting ([`SweepKey::apply`]). A sweep key's value is written as the sweep writes
//! it: `interdiction.escort.enabled=1` means `true`, and a count given as
//! `3.0` is the whole number 3.
//!
//! A key is overridden at most once per scenario ([`super::overlap::check_distinct`]), so
//! that no value silently hides another and no multiplier compounds.

use toml::{Table, Value};

use super::ResolveError;
use super::overlap::{clear_excluded, partner};
use super::plain::{closest, echo, number};
use crate::sweep::SweepKey;

/// The arrays of tables whose entries are named by id.
pub(crate) const ID_TABLES: [&str; 8] =
    ["sea_area", "port", "storage", "inflow", "outflow", "fleet", "open_traffic", "disruption"];

/// Why an entry's `id` is not changed by `--set`, `--variant` or
/// `--axis`: the id names the entry (in KPI names and in other entries'
/// references), so changing it would silently rename what the results
/// report, or break the references.
pub(crate) fn id_key_message(key: &str) -> String {
    format!(
        "{key} is an id: ids name entries (in KPI names and in other entries' references), so \
         --set, --variant and --axis cannot change them; to rename the entry, edit the \
         scenario file"
    )
}

/// The plain tables a path may start with.
const PLAIN_TABLES: [&str; 5] =
    ["scenario", "interdiction", "sea_level", "tonnes_per_unit", "costs"];

/// The tables of multipliers, which scale many values rather than name one:
/// `weather.` (storms) and `disruptions.`, with their keys.
const MULTIPLIER_TABLES: [(&str, [&str; 2]); 2] = [
    ("weather", ["storm_rate_multiplier", "storm_duration_multiplier"]),
    ("disruptions", ["rate_multiplier", "duration_multiplier"]),
];

/// Whether `key` starts with a table of multipliers (`weather.`,
/// `disruptions.`), which has no place in the file.
fn in_multiplier_table(key: &str) -> bool {
    MULTIPLIER_TABLES.iter().any(|(table, _)| key.split('.').next() == Some(*table))
}

/// One `KEY=VALUE` override, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The dotted path.
    pub key: String,
    /// The value.
    pub value: Value,
    /// `KEY=VALUE` as given, for messages and provenance.
    pub text: String,
    /// The option that gave it (`--set`, `--variant NAME`), for messages.
    pub option: String,
}

impl Override {
    /// Parses `KEY=VALUE`; `option` (e.g. `--set`) names the option in
    /// messages.
    ///
    /// # Errors
    /// [`ResolveError::Set`] when there is no `=`, the key is empty, or a
    /// value that starts like a TOML list, table or string is not valid TOML.
    pub fn parse(spec: &str, option: &str) -> Result<Self, ResolveError> {
        let fail = |message: String| ResolveError::Set {
            option: option.to_string(),
            spec: crate::compile::escape_invisible(spec, |_| false).into_owned(),
            message,
        };
        let Some((key, raw)) = spec.split_once('=') else {
            return Err(fail("expected KEY=VALUE, e.g. fleet.oil_tankers.count=5".into()));
        };
        if let Some((position, c)) = crate::compile::first_invisible(key, |c| c == ' ') {
            return Err(fail(format!(
                "the key has U+{:04X} at character {position}; a key may not hold control or \
                 invisible characters (a line break included)",
                u32::from(c)
            )));
        }
        let key = key.trim();
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(fail(format!(
                "\"{key}\" is not a dotted key such as port.alat.berths.tanker"
            )));
        }
        // One value: a line break would let TOML read a second key after
        // it, which the value's table would silently drop. Checked before
        // trimming, so that one at either end is refused too (it would be
        // echoed raw wherever the override is shown).
        let invisible = crate::compile::first_invisible(raw, |c| c == ' ');
        let raw = raw.trim();
        if let Some((position, c)) = invisible {
            return Err(fail(format!(
                "the value has U+{:04X} at character {position}; a value may not hold control \
                 or invisible characters (a line break included): give one value",
                u32::from(c)
            )));
        }
        if let Some(why) = misleading_number(raw) {
            return Err(fail(why));
        }
        let value = match format!("v = {raw}").parse::<Table>() {
            Ok(mut t) => t.remove("v").unwrap_or_else(|| Value::String(raw.to_string())),
            Err(e) if raw.starts_with(['[', '{', '"', '\'']) => {
                return Err(fail(format!("the value is not valid TOML: {}", e.message().trim())));
            }
            Err(_) if raw.is_empty() => {
                return Err(fail("the value is empty".into()));
            }
            // `5.` and `1.e5`, which TOML does not take but every other
            // option does (`--axis`, `--decision`), are the numbers they spell.
            Err(_)
                if (raw.ends_with('.') || raw.contains(".e") || raw.contains(".E"))
                    && raw.parse::<f64>().is_ok_and(f64::is_finite) =>
            {
                Value::Float(raw.parse().unwrap_or_default())
            }
            Err(_) if looks_numeric(raw) => {
                return Err(fail(format!(
                    "{raw} is out of range: a whole number may be at most {} and a number at \
                     most about 1.8e308",
                    i64::MAX
                )));
            }
            // `NaN`, `Inf`, `infinity` are numbers that are not finite, as
            // TOML's `nan` and `inf` are: the same message for both spellings.
            Err(_) => match raw.parse::<f64>() {
                Ok(x) if !x.is_finite() => Value::Float(x),
                _ => Value::String(raw.to_string()),
            },
        };
        Ok(Self {
            key: key.to_string(),
            value,
            text: format!("{key}={raw}"),
            option: option.to_string(),
        })
    }

    /// The error for this override: `message` says what is wrong.
    pub(super) fn error(&self, message: String) -> ResolveError {
        ResolveError::Set { option: self.option.clone(), spec: self.text.clone(), message }
    }

    /// Writes the value into `table` at its path, or, for a key that scales
    /// storms, returns it to be applied to the deserialized scenario.
    ///
    /// # Errors
    /// [`ResolveError::Set`] naming what does not fit: an unknown table or
    /// key (with the closest known one), an unknown id (with the known ids),
    /// a path through a value that is not a table.
    pub(super) fn write(&self, table: &mut Table) -> Result<Option<(SweepKey, f64)>, ResolveError> {
        let fail = |message: String| self.error(message);
        let parts: Vec<&str> = self.key.split('.').collect();
        let sweep_key = self.key.parse::<SweepKey>().ok();
        let value = coerce(sweep_key.as_ref(), self.value.clone());
        match parts[0] {
            top if in_multiplier_table(top) => {
                let Some(key) = sweep_key.filter(SweepKey::is_multiplier) else {
                    let known = MULTIPLIER_TABLES.iter().find(|(t, _)| *t == top).map(|(_, k)| k);
                    if let [_, name, _, ..] = parts.as_slice()
                        && known.is_some_and(|k| k.contains(name))
                    {
                        return Err(fail(format!(
                            "{top}.{name} is a multiplier, a number with nothing inside it: give \
                             {top}.{name}=VALUE"
                        )));
                    }
                    return Err(fail(unknown(
                        "key",
                        parts.get(1).copied().unwrap_or(""),
                        top,
                        known.map_or(&[][..], |k| &k[..]),
                    )));
                };
                let number = match value {
                    Value::Integer(i) => i as f64,
                    Value::Float(x) => x,
                    other => {
                        return Err(fail(format!("expected a number, got {}", describe(&other))));
                    }
                };
                // Checked as a multiplier, before it scales every sea area.
                if !(number.is_finite() && number >= 0.0) {
                    return Err(fail(format!(
                        "a multiplier must be a finite number, 0 or more, got {}",
                        describe(&Value::Float(number))
                    )));
                }
                return Ok(Some((key, number)));
            }
            "sweep" => {
                return Err(fail(
                    "sweep axes are not set with --set; use sweep --axis KEY=V1,V2,...".into(),
                ));
            }
            "scenario" if parts.get(1) == Some(&"extends") => {
                return Err(fail(
                    "scenario.extends cannot be changed with --set: it names the file a \
                     scenario builds on; write a scenario file whose [scenario] extends the \
                     one you want"
                        .into(),
                ));
            }
            top if PLAIN_TABLES.contains(&top) => {
                if parts.len() < 2 {
                    return Err(fail(format!(
                        "name a key inside [{top}], e.g. {top}.{}",
                        example(top)
                    )));
                }
                let inner =
                    table.entry(top.to_string()).or_insert_with(|| Value::Table(Table::new()));
                let Value::Table(inner) = inner else {
                    return Err(fail(format!("{top} is not a table")));
                };
                write_path(inner, top, &parts[1..], value).map_err(fail)?;
            }
            top if ID_TABLES.contains(&top) => {
                let entries = match table.get_mut(top) {
                    Some(Value::Array(entries)) => entries.as_mut_slice(),
                    _ => &mut [],
                };
                let Some(id) = parts.get(1) else {
                    return Err(fail(format!(
                        "name an id and a key, e.g. {top}.<id>.{}",
                        example(top)
                    )));
                };
                let known = ids(entries);
                let Some(entry) = entries.iter_mut().find_map(|e| match e {
                    Value::Table(t) if t.get("id").and_then(Value::as_str) == Some(id) => Some(t),
                    _ => None,
                }) else {
                    let mut message = unknown_id(top, id, &known);
                    // `disruption.rate_multiplier` for the table of multipliers.
                    let plural = format!("{top}s");
                    if let Some((table, keys)) =
                        MULTIPLIER_TABLES.iter().find(|(t, _)| *t == plural)
                        && keys.contains(id)
                    {
                        message = format!("{message}; the multiplier is {table}.{id}");
                    }
                    return Err(fail(message));
                };
                if parts.len() < 3 {
                    return Err(fail(format!(
                        "name a key of {top} \"{id}\", e.g. {top}.{id}.{}",
                        example(top)
                    )));
                }
                if parts[2] == "id" {
                    return Err(fail(id_key_message(&parts[..3].join("."))));
                }
                if let [key] = &parts[2..] {
                    // A dated disruption has no rate (as `SweepKey::apply` says).
                    if top == "disruption"
                        && ["rate_per_year", "mtbf_days"].contains(key)
                        && entry.contains_key("start_day")
                    {
                        return Err(fail(format!(
                            "disruption \"{id}\" strikes on a fixed day (start_day), so it has \
                             no rate; only a random disruption (rate_per_year or mtbf_days) has \
                             one"
                        )));
                    }
                    clear_excluded(top, entry, key);
                }
                write_path(entry, &format!("{top}.{id}"), &parts[2..], value).map_err(fail)?;
            }
            // An array of tables without ids: no entry can be named.
            other if other == "dredging" || other.starts_with("dredging[") => {
                return Err(fail(
                    "[[dredging]] entries have no ids, so --set can neither change nor add one: \
                     write them in a file that extends this one (its [[dredging]] entries \
                     replace the parent's; docs/scenarios.md, \"[[dredging]]\")"
                        .to_string(),
                ));
            }
            other => {
                let mut known: Vec<&str> = PLAIN_TABLES.to_vec();
                known.extend(ID_TABLES);
                known.extend(MULTIPLIER_TABLES.map(|(table, _)| table));
                return Err(fail(unknown("table", other, "the scenario", &known)));
            }
        }
        Ok(None)
    }
}

/// The value at an override's dotted `key` in `table` (a scenario as TOML,
/// e.g. `toml::Table::try_from(&scenario)`), found as
/// [`Override::write`] would write it: plain tables by name, entries of
/// arrays of tables by id. `None` when nothing is there (a key the file
/// leaves to its default, or an unknown path) and for the multipliers,
/// which scale many values and have no place in the file.
fn value_at<'a>(table: &'a Table, key: &str) -> Option<&'a Value> {
    let parts: Vec<&str> = key.split('.').collect();
    let (top, rest) = parts.split_first()?;
    let (mut here, path): (&Value, &[&str]) = if ID_TABLES.contains(top) {
        let (id, path) = rest.split_first()?;
        let entry = table
            .get(*top)?
            .as_array()?
            .iter()
            .find(|e| e.get("id").and_then(Value::as_str) == Some(id))?;
        (entry, path)
    } else if PLAIN_TABLES.contains(top) {
        (table.get(*top)?, rest)
    } else {
        return None;
    };
    for part in path {
        here = here.as_table()?.get(*part)?;
    }
    Some(here)
}

/// Each override as `KEY=VALUE (was OLD)`, OLD being the value `base` has
/// at KEY, so that a reader sees what a variant changes from (and a value
/// given as if it added, `count=4` meant as four more, shows as what it
/// is). `(was not set)` where `base` leaves the key out; nothing is added
/// for the multipliers, which scale many values, or for a value `base` cannot
/// be written as (it always can: the scenario is plain data).
pub fn changes_from(base: &crate::scenario::Scenario, overrides: &[Override]) -> Vec<String> {
    let table = Table::try_from(base).ok();
    overrides
        .iter()
        .map(|o| {
            match table.as_ref() {
                Some(_) if in_multiplier_table(&o.key) => o.text.clone(),
                Some(t) => match value_at(t, &o.key) {
                    Some(old) => format!("{} (was {})", o.text, as_written(old)),
                    // The other key of an exclusive pair gave the quantity.
                    None => match partner(&o.key).and_then(|p| Some((value_at(t, &p)?, p))) {
                        Some((old, p)) => {
                            format!("{} (was not set; {p} was {})", o.text, as_written(old))
                        }
                        None => format!("{} (was not set)", o.text),
                    },
                },
                None => o.text.clone(),
            }
        })
        .collect()
}

/// A value as a file would give it: a whole number stored as a float
/// reads as written (`6500000`, not `6500000.0`).
fn as_written(value: &Value) -> String {
    match value {
        Value::Float(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => (*x as i64).to_string(),
        other => other.to_string(),
    }
}

/// Why a value TOML reads as a number is refused all the same: `+1` reads
/// as an increment but would set 1, and `0x10`, `0o10`, `0b10` are 16, 8
/// and 2, not ten.
fn misleading_number(raw: &str) -> Option<String> {
    let unsigned = raw.strip_prefix(['+', '-']).unwrap_or(raw);
    if !unsigned.starts_with(|c: char| c.is_ascii_digit()) {
        return None; // text (or inf/nan, which the scenario's checks refuse)
    }
    if let Some(rest) = raw.strip_prefix('+') {
        return Some(format!(
            "{raw} would set the value {rest}, not add {rest} to it: give the value itself, \
             e.g. fleet.ferries_kuryk_alat.count=6"
        ));
    }
    let prefix = unsigned.get(..2).unwrap_or("");
    let base = match prefix {
        "0x" | "0X" => "hexadecimal",
        "0o" | "0O" => "octal",
        "0b" | "0B" => "binary",
        _ => return None,
    };
    Some(format!("{raw} is a {base} number; write numbers in decimal"))
}

/// Whether `raw` is written as a number (one TOML could not hold).
fn looks_numeric(raw: &str) -> bool {
    let digits = raw.strip_prefix(['+', '-']).unwrap_or(raw);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.replace('_', "").parse::<f64>().is_ok()
}

/// A key of each table to show in a message.
fn example(top: &str) -> &'static str {
    match top {
        "scenario" => "horizon_days",
        "interdiction" => "incident_probability",
        "sea_level" => "offset_m",
        "tonnes_per_unit" => "wagons",
        "costs" => "discount_rate",
        "port" => "berths.tanker",
        "fleet" => "count",
        "storage" => "capacity",
        "sea_area" => "storm_crossing_slowdown",
        "open_traffic" => "service_h",
        "inflow" => "arrivals_per_year",
        "outflow" => "capacity_per_year",
        "disruption" => "start_day",
        _ => "<key>",
    }
}

/// Sweep keys take their values as a sweep writes them: `0`/`1` for a
/// switch, `3.0` for a count.
fn coerce(key: Option<&SweepKey>, value: Value) -> Value {
    match (key, value) {
        (Some(SweepKey::EscortEnabled), Value::Integer(i @ (0 | 1))) => Value::Boolean(i == 1),
        (Some(k), Value::Float(x))
            if k.needs_whole_number() && x.fract() == 0.0 && x.abs() < 9e15 =>
        {
            Value::Integer(x as i64)
        }
        (_, v) => v,
    }
}

/// Writes `value` at `path` inside `table` (named `at` in messages),
/// creating tables on the way: a plain table merges into the one there key
/// by key, as the same lines in a derived file would
/// ([`super::extends`]); a distribution or a policy, and any other value,
/// replaces what is there.
fn write_path(table: &mut Table, at: &str, path: &[&str], value: Value) -> Result<(), String> {
    let (last, inner) = path.split_last().expect("a path has a key");
    let mut here = table;
    let mut name = at.to_string();
    for part in inner {
        name = format!("{name}.{part}");
        let next = here.entry((*part).to_string()).or_insert_with(|| Value::Table(Table::new()));
        match next {
            Value::Table(t) => here = t,
            other => return Err(format!("{name} is {}, not a table", describe(other))),
        }
    }
    super::extends::merge_value(here, last, value);
    Ok(())
}

/// The ids of a list of tables.
pub(super) fn ids(entries: &[Value]) -> Vec<String> {
    entries.iter().filter_map(|e| e.get("id")?.as_str().map(str::to_string)).collect()
}

/// `unknown port "x" (known ids: "a", "b")`.
pub(super) fn unknown_id(what: &str, id: &str, known: &[String]) -> String {
    let list: Vec<String> = known.iter().map(|k| format!("\"{k}\"")).collect();
    let mut out = format!("unknown {what} \"{}\"", echo(id));
    if let Some(best) = closest(id, known.iter().map(String::as_str)) {
        out.push_str(&format!("; did you mean \"{best}\"?"));
    }
    out.push_str(&format!(
        " (known ids: {})",
        if list.is_empty() { "none".into() } else { list.join(", ") }
    ));
    out
}

/// `unknown key "x" in weather; did you mean "y"? (known: ...)`.
fn unknown(what: &str, given: &str, place: &str, known: &[&str]) -> String {
    let mut out = format!("unknown {what} \"{}\" in {place}", echo(given));
    if let Some(best) = closest(given, known.iter().copied()) {
        out.push_str(&format!("; did you mean \"{best}\"?"));
    }
    let list: Vec<String> = known.iter().map(|k| format!("\"{k}\"")).collect();
    out.push_str(&format!(" (known: {})", list.join(", ")));
    out
}

/// A value's kind in plain words.
pub(super) fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the text \"{}\"", echo(s)),
        Value::Integer(i) => i.to_string(),
        Value::Float(x) => number(*x),
        Value::Boolean(b) => b.to_string(),
        Value::Datetime(d) => d.to_string(),
        Value::Array(_) => "a list".into(),
        Value::Table(_) => "a table".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_toml_or_text() {
        let v = |s: &str| Override::parse(s, "--set").unwrap().value;
        assert_eq!(v("a.b=3"), Value::Integer(3));
        assert_eq!(v("a.b=1.5"), Value::Float(1.5));
        assert_eq!(v("a.b=true"), Value::Boolean(true));
        assert_eq!(v("a.b=Aktau port"), Value::String("Aktau port".into()));
        assert_eq!(v("a.b=\"x\""), Value::String("x".into()));
        assert!(matches!(v("a.b={ dist = \"constant\", value = 2 }"), Value::Table(_)));
        let e = Override::parse("a.b=99999999999999999999", "--set").unwrap_err().to_string();
        assert!(e.contains("out of range") && !e.contains("text"), "{e}");
        for bad in ["a.b", "=3", "a..b=3", "a.b=[1,", "a.b="] {
            assert!(Override::parse(bad, "--set").is_err(), "{bad}");
        }
        assert_eq!(v("a.b=-2"), Value::Integer(-2));
        assert_eq!(v("a.b=1e3"), Value::Float(1000.0));
        assert_eq!(v("a.b=0.5"), Value::Float(0.5));
        let e = Override::parse("a.b=+1", "--set").unwrap_err().to_string();
        assert!(e.contains("+1 would set the value 1, not add 1 to it"), "{e}");
        let e = Override::parse("a.b= +0.5", "--set").unwrap_err().to_string();
        assert!(e.contains("+0.5 would set the value 0.5"), "{e}");
        for (raw, base) in [("0x8", "hexadecimal"), ("0o17", "octal"), ("0b101", "binary")] {
            let e = Override::parse(&format!("a.b={raw}"), "--set").unwrap_err().to_string();
            assert!(e.contains(&format!("{raw} is a {base} number")), "{e}");
        }
    }

    /// A line break would let TOML read a second key into the value's
    /// table, which was then dropped without a word.
    #[test]
    fn a_value_holds_no_line_break_or_control_character() {
        for (spec, at) in [
            ("scenario.seed=1\nhorizon_days=5", "U+000A at character 2"),
            ("scenario.name=\"a\"\n[interdiction]", "U+000A at character 4"),
            ("a.b=5\r6", "U+000D at character 2"),
            ("a.b=x\u{1}y", "U+0001 at character 2"),
            ("scenario.seed\n=5", "the key has U+000A at character 14"),
            ("fleet.ferries.count=3\n", "the value has U+000A at character 2"),
            ("fleet.ferries.count=\t3", "the value has U+0009 at character 1"),
            ("\tfleet.ferries.count=3", "the key has U+0009 at character 1"),
        ] {
            let e = Override::parse(spec, "--set").unwrap_err().to_string();
            assert!(e.contains(at), "{e}");
            assert!(!e.contains('\n') && !e.contains('\r'), "shown escaped: {e}");
        }
    }
}
