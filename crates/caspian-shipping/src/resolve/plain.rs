//! Parse errors in plain words: serde's and the TOML reader's phrasing
//! (`invalid type: string "two", expected u32`) rewritten as a reader who
//! does not know Rust's types would say it (`expected a whole number, got
//! the text "two"`), and the closest known name for a misspelt one.

/// `message` with every line that is one of serde's error sentences
/// rewritten in plain words; other lines (the TOML reader's snippet of the
/// file) are kept as they are.
pub fn plain_message(message: &str) -> String {
    let mut out: Vec<String> = message.lines().map(plain_line).collect();
    if message.ends_with('\n') {
        out.push(String::new());
    }
    out.join("\n")
}

/// What serde expects of a distribution (`DistSpec`, a table tagged by `dist`).
const DIST_EXPECTED: &str = "internally tagged enum DistSpec";

/// The scenario's enums that are read from a table tagged by one of its
/// keys (`#[serde(tag = "...")]`): the type, the tag, an example and where
/// the forms are documented. A test checks that every tagged enum of the
/// scenario format is here.
const TAGGED: [(&str, &str, &str, &str); 2] = [
    ("DistSpec", "dist", "{ dist = \"constant\", value = 2 }", "\"Distributions\""),
    ("Dispatch", "policy", "{ policy = \"when_full\" }", "\"Dispatch policies\""),
];

/// The TOML reader's own sentences when a table stands where a name goes
/// (a unit enum such as `berth_class`, read from a table as its variant).
const TABLE_FOR_NAME: [&str; 5] = [
    "wanted exactly 1 element, found 0 elements",
    "wanted exactly 1 element, more than 1 element",
    "expected table with exactly 1 entry, found empty table",
    "expected empty table",
    "expected empty array",
];

/// One line of a message, in plain words when it is one of serde's.
fn plain_line(line: &str) -> String {
    if line == "recursion limit" {
        // The TOML reader's word for tables or values nested past its limit
        // (it names no line): a scenario's are at most a few levels deep.
        return "tables or values nested too deep for the TOML reader (a scenario's go a few \
                levels deep, e.g. [fleet.also] or { dist = ... } in a table); look for a header \
                or value with very many dots or brackets"
            .to_string();
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = line.strip_prefix(prefix)
            && let Some((got, expected)) = rest.rsplit_once(", expected ")
        {
            let got = plain_got(got);
            if expected == DIST_EXPECTED {
                // A bare number where a distribution goes: show the table
                // that gives that number every time.
                let value = got.as_deref().filter(|g| g.parse::<f64>().is_ok()).unwrap_or("2");
                let got = got.as_deref().map(|g| format!(", got {g}")).unwrap_or_default();
                return format!(
                    "expected a distribution, e.g. {{ dist = \"constant\", value = {value} }} \
                     for a fixed value (the forms: docs/scenarios.md, \"Distributions\"){got}"
                );
            }
            // A whole number past what the key's type holds (a berth count
            // of 1e15): too large, not "not whole".
            let range: Option<(i128, i128)> = match expected {
                "u8" => Some((0, u8::MAX.into())),
                "u16" => Some((0, u16::MAX.into())),
                "u32" => Some((0, u32::MAX.into())),
                "u64" => Some((0, u64::MAX.into())),
                "i8" => Some((i8::MIN.into(), i8::MAX.into())),
                "i16" => Some((i16::MIN.into(), i16::MAX.into())),
                "i32" => Some((i32::MIN.into(), i32::MAX.into())),
                "i64" => Some((i64::MIN.into(), i64::MAX.into())),
                _ => None,
            };
            // The value as a whole number, if it is one: an integer, or a
            // float with no fraction, cast saturating (2^64, which is
            // u64::MAX as f64, and 1e300 are both past u64::MAX).
            let whole = got.as_deref().and_then(|g| {
                g.parse::<i128>().ok().or_else(|| {
                    g.parse::<f64>().ok().filter(|v| v.fract() == 0.0).map(|v| v as i128)
                })
            });
            if let (Some((min, max)), Some(v), Some(g)) = (range, whole, got.as_deref()) {
                if v > max {
                    return format!(
                        "expected {}, got {g}, which is too large (at most {max})",
                        plain_expected(expected)
                    );
                }
                // Below 0 for an unsigned type is said below ("0 or more").
                if v < min && min < 0 {
                    return format!(
                        "expected {}, got {g}, which is too small (at least {min})",
                        plain_expected(expected)
                    );
                }
            }
            // A whole number written as a float (`1e15`, `3.0`) where a
            // whole number goes: whole, but in the wrong notation.
            if let Some(g) = got.as_deref()
                && plain_expected(expected).starts_with("a whole number")
                && g.contains(['.', 'e', 'E'])
                && let Ok(v) = g.parse::<f64>()
                && v.is_finite()
                && v.fract() == 0.0
            {
                let written = format!("{v:.0}");
                return format!(
                    "expected {}, got {g}: write it without a decimal point or exponent \
                     ({written})",
                    plain_expected(expected)
                );
            }
            return match got {
                Some(got) => format!("expected {}, got {got}", plain_expected(expected)),
                // serde's "got" names no value (`unit variant`): left out
                // (the caller may add the value it finds at the key).
                None => format!("expected {}", plain_expected(expected)),
            };
        }
    }
    if let Some(rest) = line.strip_prefix("invalid length ")
        && let Some((count, expected)) = rest.split_once(", expected ")
    {
        // A list of `count` values where `expected` goes.
        let expected = plain_expected(expected);
        if expected == "a table" {
            return "expected a table, got a list".into();
        }
        let values = if count == "1" { "1 value".to_string() } else { format!("{count} values") };
        return format!("expected {expected}, got a list of {values}");
    }
    if line == "wanted string or table" {
        return "expected a name in quotes".into();
    }
    if TABLE_FOR_NAME.contains(&line) || line.starts_with("expected table, found ") {
        return "expected a name in quotes, got a table".into();
    }
    if let Some(rest) = line.strip_prefix("unknown field `")
        && let Some((field, expected)) = rest.split_once("`, expected ")
    {
        let known = known_keys(backticked(expected));
        // At the top level, `[weather]` and `[disruptions]` get why they are
        // no tables of a file, not a near name (`disruption`) to try.
        let hint =
            if known.iter().any(|k| k == "sea_area") { multiplier_table_hint(field) } else { "" };
        if !hint.is_empty() {
            return format!("unknown key \"{}\"{hint}", echo(field));
        }
        return unknown_name("key", field, &known);
    }
    if let Some(rest) = line.strip_prefix("unknown variant `")
        && let Some((variant, expected)) = rest.split_once("`, expected ")
    {
        return unknown_name("value", variant, &backticked(expected));
    }
    if let Some(field) =
        line.strip_prefix("unknown field `").and_then(|r| r.strip_suffix("`, there are no fields"))
    {
        // The one such table is a dispatch `{ policy = "when_full" }`; a
        // `--set` of its `policy` alone keeps the other policy's keys.
        return format!(
            "unknown key \"{}\" (this table takes no other keys; to change a table's \
             policy, give the whole table, e.g. {{ policy = \"when_full\" }})",
            echo(field)
        );
    }
    if let Some(rest) = line.strip_prefix("missing field `")
        && let Some(field) = rest.strip_suffix('`')
    {
        return format!("missing key \"{field}\"");
    }
    if let Some(rest) = line.strip_prefix("duplicate field `")
        && let Some(field) = rest.strip_suffix('`')
    {
        return format!("key \"{field}\" is given twice");
    }
    line.to_string()
}

/// Why `[weather]` or `[disruptions]`, tables `--set` takes, are no tables
/// of a file: their keys are the sweep multipliers, which scale what the
/// file gives and so are given beside it.
fn multiplier_table_hint(table: &str) -> &'static str {
    match table {
        "weather" => {
            "; weather.storm_rate_multiplier and weather.storm_duration_multiplier scale the \
             storms of every [[sea_area]] and are given with --set or as a [[sweep]] axis, not \
             in a [weather] table"
        }
        "disruptions" => {
            "; disruptions.rate_multiplier and disruptions.duration_multiplier scale every \
             [[disruption]] and are given with --set or as a [[sweep]] axis, not in a \
             [disruptions] table"
        }
        _ => "",
    }
}

/// The keys a table takes, as serde lists them, with those read before
/// serde sees the table: `extends` in `[scenario]` (followed by
/// [`super::extends`], which removes it).
fn known_keys(mut known: Vec<String>) -> Vec<String> {
    // `horizon_days` is a key of `[scenario]` only.
    if known.iter().any(|k| k == "horizon_days") && !known.iter().any(|k| k == "extends") {
        known.push("extends".into());
    }
    known
}

/// `unknown key "x"; did you mean "y"? (known: ...)`.
fn unknown_name(what: &str, given: &str, known: &[String]) -> String {
    let mut out = format!("unknown {what} \"{}\"", echo(given));
    if let Some(best) = closest(given, known.iter().map(String::as_str)) {
        out.push_str(&format!("; did you mean \"{best}\"?"));
    }
    if !known.is_empty() {
        let list: Vec<String> = known.iter().map(|k| format!("\"{k}\"")).collect();
        out.push_str(&format!(" (known: {})", list.join(", ")));
    }
    out
}

/// The names between backticks in serde's list of expected names.
fn backticked(list: &str) -> Vec<String> {
    list.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// What serde expected, in plain words: never a Rust type's name.
fn plain_expected(expected: &str) -> String {
    // `struct Escort with 5 elements`: a struct read from a list.
    let expected = match expected.rsplit_once(" with ") {
        Some((head, tail)) if tail.ends_with(" element") || tail.ends_with(" elements") => head,
        _ => expected,
    };
    match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number (0 or more)".into(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        "a boolean" => "true or false".into(),
        "a string" | "a borrowed string" | "a character" => "text in quotes".into(),
        "a sequence" => "a list [...]".into(),
        "a map" => "a table".into(),
        // A unit enum (`berth_class`), or the tag of a tagged table
        // (`policy`, `dist`).
        "variant identifier" | "string only" => "a name in quotes".into(),
        "field identifier" => "a key name".into(),
        "fewer elements in array" => "fewer values in the list".into(),
        "fewer elements in map" => "fewer keys in the table".into(),
        other => {
            if let Some(name) = other.strip_prefix("internally tagged enum ") {
                return match TAGGED.iter().find(|(n, ..)| *n == name) {
                    Some((_, tag, example, section)) => format!(
                        "a table with a \"{tag}\" key, e.g. {example} (the forms: \
                         docs/scenarios.md, {section})"
                    ),
                    None => "a table".into(),
                };
            }
            let table = ["struct ", "tuple struct ", "unit struct ", "adjacently tagged enum "];
            if table.iter().any(|p| other.starts_with(p)) || other.starts_with("untagged enum") {
                return "a table".into();
            }
            if other.starts_with("tuple variant ") || other.starts_with("tuple ") {
                return "a list [...]".into();
            }
            if other.starts_with("enum ") || other.ends_with(" variant") {
                return "a name in quotes".into();
            }
            other.to_string()
        }
    }
}

/// What serde was given, in plain words: `string "x"` is `the text "x"`,
/// ``integer `5` `` is `5`; `None` where serde's words name no value
/// (`unit variant`: the TOML reader's way of saying it was not text).
fn plain_got(got: &str) -> Option<String> {
    if let Some(text) = got.strip_prefix("string ") {
        return Some(format!("the text {}", echo(text)));
    }
    if let Some(c) = got.strip_prefix("character `").and_then(|c| c.strip_suffix('`')) {
        return Some(format!("the text \"{c}\""));
    }
    for kind in ["integer ", "floating point ", "boolean ", "unsigned integer "] {
        if let Some(v) = got.strip_prefix(kind) {
            // ``integer `1e24` as i128``: a number past every integer type.
            return Some(match v.strip_prefix('`').and_then(|v| v.split_once('`')) {
                Some((number, "")) => short(number),
                Some((number, _)) => format!("{}, which is too large", short(number)),
                None => v.to_string(),
            });
        }
    }
    match got {
        "map" | "enum" | "newtype struct" => Some("a table".into()),
        "sequence" => Some("a list".into()),
        "unit value" | "Option value" => Some("nothing".into()),
        "unit variant" | "newtype variant" | "tuple variant" | "struct variant" => None,
        other => Some(other.to_string()),
    }
}

/// A number as people write it: `1e308`, not 309 digits; `2.5`; `3`.
pub fn number(x: f64) -> String {
    let magnitude = x.abs();
    if magnitude != 0.0 && !(1e-6..1e16).contains(&magnitude) {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

/// The most characters of the user's text (a value, a key, a `--set`)
/// echoed in a message.
pub const ECHO: usize = 80;

/// `text` cut to [`ECHO`] characters, with an ellipsis when cut: a message
/// names what it refuses without repeating a value of megabytes.
pub fn echo(text: &str) -> String {
    match text.char_indices().nth(ECHO) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// A number printed by serde, shortened by [`number`] when it is long.
fn short(text: &str) -> String {
    match text.parse::<f64>() {
        Ok(x) if text.len() > 24 => number(x),
        _ => text.to_string(),
    }
}

/// The name in `known` closest to `given` (by edit distance), when it is
/// close enough to be a likely misspelling.
pub fn closest<'a>(given: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (given.chars().count() / 3).max(2);
    // A name cut short (`storm_rate` for `storm_rate_multiplier`) is close too.
    let distance = |k: &str| {
        if k.starts_with(given) && !given.is_empty() { 1 } else { edit_distance(given, k) }
    };
    known
        .into_iter()
        .map(|k| (distance(k), k))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Levenshtein distance between `a` and `b`, in characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_sentences_become_plain() {
        let cases = [
            (
                "invalid type: string \"two\", expected u32",
                "expected a whole number (0 or more), got the text \"two\"",
            ),
            (
                "invalid type: floating point `50000.5`, expected u64",
                "expected a whole number (0 or more), got 50000.5",
            ),
            ("invalid type: boolean `true`, expected f64", "expected a number, got true"),
            ("invalid type: integer `1`, expected a boolean", "expected true or false, got 1"),
            (
                "invalid value: integer `-2`, expected u32",
                "expected a whole number (0 or more), got -2",
            ),
            ("missing field `id`", "missing key \"id\""),
            (
                "invalid type: integer `14`, expected internally tagged enum DistSpec",
                "expected a distribution, e.g. { dist = \"constant\", value = 14 } for a fixed \
                 value (the forms: docs/scenarios.md, \"Distributions\"), got 14",
            ),
            (
                "invalid type: string \"long\", expected internally tagged enum DistSpec",
                "expected a distribution, e.g. { dist = \"constant\", value = 2 } for a fixed \
                 value (the forms: docs/scenarios.md, \"Distributions\"), got the text \"long\"",
            ),
            (
                "invalid value: integer `1000000000000000`, expected u32",
                "expected a whole number (0 or more), got 1000000000000000, which is too large \
                 (at most 4294967295)",
            ),
            (
                "invalid type: floating point `1e308`, expected u32",
                "expected a whole number (0 or more), got 1e308, which is too large (at most \
                 4294967295)",
            ),
            (
                "invalid value: integer `5`, expected u32",
                "expected a whole number (0 or more), got 5",
            ),
            (
                "invalid type: floating point `1000000000000000.0`, expected u64",
                "expected a whole number (0 or more), got 1000000000000000.0: write it without a \
                 decimal point or exponent (1000000000000000)",
            ),
            (
                "invalid type: floating point `3.0`, expected i32",
                "expected a whole number, got 3.0: write it without a decimal point or exponent \
                 (3)",
            ),
            (
                "invalid type: floating point `3e9`, expected i32",
                "expected a whole number, got 3e9, which is too large (at most 2147483647)",
            ),
            (
                "invalid type: floating point `-1e300`, expected i32",
                "expected a whole number, got -1e300, which is too small (at least -2147483648)",
            ),
            (
                "invalid type: floating point `1e300`, expected u64",
                "expected a whole number (0 or more), got 1e300, which is too large (at most \
                 18446744073709551615)",
            ),
            (
                "invalid type: floating point `18446744073709551616.0`, expected u64",
                "expected a whole number (0 or more), got 18446744073709551616.0, which is too \
                 large (at most 18446744073709551615)",
            ),
            (
                "invalid type: integer `100000000000000000000000` as i128, expected u64",
                "expected a whole number (0 or more), got 100000000000000000000000, which is too large",
            ),
        ];
        for (serde, plain) in cases {
            assert_eq!(plain_message(serde), plain, "{serde}");
        }
        assert_eq!(
            plain_message(&format!("invalid type: floating point `{}`, expected u32", 1e308)),
            "expected a whole number (0 or more), got 1e308, which is too large (at most \
             4294967295)"
        );
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(-1e-300), "-1e-300");
        let snippet = "TOML parse error at line 4\n  |\n4 | x = 1\ninvalid type: string \"a\", expected f64\n";
        assert_eq!(
            plain_message(snippet),
            "TOML parse error at line 4\n  |\n4 | x = 1\nexpected a number, got the text \"a\"\n"
        );
    }

    #[test]
    fn rust_type_names_never_show() {
        let cases = [
            ("invalid type: integer `2`, expected struct Berths", "expected a table, got 2"),
            (
                "invalid type: string \"x\", expected struct CapitalCosts",
                "expected a table, got the text \"x\"",
            ),
            (
                "invalid type: integer `5`, expected internally tagged enum Dispatch",
                "expected a table with a \"policy\" key, e.g. { policy = \"when_full\" } (the \
                 forms: docs/scenarios.md, \"Dispatch policies\"), got 5",
            ),
            (
                "invalid type: integer `5`, expected internally tagged enum Other",
                "expected a table, got 5",
            ),
            ("invalid type: unit variant, expected string only", "expected a name in quotes"),
            (
                "invalid type: integer `3`, expected variant identifier",
                "expected a name in quotes, got 3",
            ),
            (
                "invalid type: map, expected enum BerthClass",
                "expected a name in quotes, got a table",
            ),
            (
                "invalid length 0, expected struct Escort with 5 elements",
                "expected a table, got a list",
            ),
            (
                "invalid length 1, expected 12 monthly values, January first",
                "expected 12 monthly values, January first, got a list of 1 value",
            ),
            (
                "invalid length 13, expected fewer elements in array",
                "expected fewer values in the list, got a list of 13 values",
            ),
            ("wanted string or table", "expected a name in quotes"),
            (
                "wanted exactly 1 element, more than 1 element",
                "expected a name in quotes, got a table",
            ),
            ("expected table, found integer", "expected a name in quotes, got a table"),
            ("duplicate field `count`", "key \"count\" is given twice"),
        ];
        for (serde, plain) in cases {
            assert_eq!(plain_message(serde), plain, "{serde}");
        }
    }

    /// Every enum of the scenario format read from a tagged table is in
    /// [`TAGGED`], so that its message names the tag.
    #[test]
    fn every_tagged_enum_is_known() {
        let sources = [
            include_str!("../scenario/mod.rs"),
            include_str!("../scenario/fleet.rs"),
            include_str!("../scenario/risk.rs"),
            include_str!("../scenario/water.rs"),
            include_str!("../scenario/costs.rs"),
            include_str!("../dist/spec.rs"),
        ];
        let mut found = 0;
        for source in sources {
            let mut lines = source.lines();
            while let Some(line) = lines.next() {
                let Some(tag) = line.split("tag = \"").nth(1).and_then(|t| t.split('"').next())
                else {
                    continue;
                };
                let name = lines
                    .by_ref()
                    .find_map(|l| l.trim().strip_prefix("pub enum "))
                    .and_then(|l| l.split_whitespace().next())
                    .unwrap();
                assert!(TAGGED.iter().any(|(n, t, ..)| (*n, *t) == (name, tag)), "{name}: {tag}");
                found += 1;
            }
        }
        assert_eq!(found, TAGGED.len());
    }

    #[test]
    fn the_scenario_tables_keys_include_extends() {
        let m = plain_message(
            "unknown field `extend`, expected one of `name`, `description`, `horizon_days`, \
             `warmup_days`",
        );
        assert!(m.starts_with("unknown key \"extend\"; did you mean \"extends\"?"), "{m}");
        assert!(m.ends_with("\"warmup_days\", \"extends\")"), "{m}");
        let m = plain_message("unknown field `x`, expected one of `id`, `count`");
        assert!(!m.contains("extends"), "{m}");
    }

    /// The TOML reader's "recursion limit" (a header 300 tables deep)
    /// reaches the user in words that say what and where to look.
    #[test]
    fn nesting_past_the_readers_limit_is_explained() {
        let deep = format!("[scenario]\nname = \"x\"\n[{}]\nx = 1\n", vec!["a"; 300].join("."));
        let e = crate::parse(&deep, "deep.toml").unwrap_err().to_string();
        assert!(e.starts_with("deep.toml"), "{e}");
        assert!(e.contains("nested too deep for the TOML reader"), "{e}");
        assert!(!e.contains("recursion limit"), "{e}");
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        let m =
            plain_message("unknown field `speed_knots`, expected one of `id`, `speed_kn`, `count`");
        assert!(m.starts_with("unknown key \"speed_knots\"; did you mean \"speed_kn\"?"), "{m}");
        assert!(m.contains("\"count\""), "{m}");
        assert_eq!(closest("zzzzzz", ["alat", "kuryk"]), None);
        assert_eq!(closest("rial_ferry", ["tanker", "rail_ferry"]), Some("rail_ferry"));
        assert_eq!(closest("storm_rate", ["storm_rate_multiplier"]), Some("storm_rate_multiplier"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
