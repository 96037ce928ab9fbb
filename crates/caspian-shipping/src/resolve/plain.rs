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

/// One line of a message, in plain words when it is one of serde's.
fn plain_line(line: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = line.strip_prefix(prefix)
            && let Some((got, expected)) = rest.rsplit_once(", expected ")
        {
            let got = plain_got(got);
            if expected == DIST_EXPECTED {
                // A bare number where a distribution goes: show the table
                // that gives that number every time.
                let value = if got.parse::<f64>().is_ok() { got.as_str() } else { "2" };
                return format!(
                    "expected a distribution, e.g. {{ dist = \"constant\", value = {value} }} \
                     for a fixed value (the forms: docs/scenarios.md, \"Distributions\"), got {got}"
                );
            }
            return format!("expected {}, got {got}", plain_expected(expected));
        }
    }
    if let Some(rest) = line.strip_prefix("unknown field `")
        && let Some((field, expected)) = rest.split_once("`, expected ")
    {
        return unknown_name("key", field, &backticked(expected));
    }
    if let Some(rest) = line.strip_prefix("unknown variant `")
        && let Some((variant, expected)) = rest.split_once("`, expected ")
    {
        return unknown_name("value", variant, &backticked(expected));
    }
    if let Some(rest) = line.strip_prefix("missing field `")
        && let Some(field) = rest.strip_suffix('`')
    {
        return format!("missing key \"{field}\"");
    }
    line.to_string()
}

/// `unknown key "x"; did you mean "y"? (known: ...)`.
fn unknown_name(what: &str, given: &str, known: &[String]) -> String {
    let mut out = format!("unknown {what} \"{given}\"");
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

/// What serde expected, in plain words.
fn plain_expected(expected: &str) -> String {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number (0 or more)".into(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        "a boolean" => "true or false".into(),
        "a string" => "text in quotes".into(),
        "a sequence" => "a list [...]".into(),
        "a map" => "a table".into(),
        other => other.to_string(),
    }
}

/// What serde was given, in plain words: `string "x"` is `the text "x"`,
/// ``integer `5` `` is `5`.
fn plain_got(got: &str) -> String {
    if let Some(text) = got.strip_prefix("string ") {
        return format!("the text {text}");
    }
    for kind in ["integer ", "floating point ", "boolean ", "unsigned integer "] {
        if let Some(v) = got.strip_prefix(kind) {
            // ``integer `1e24` as i128``: a number past every integer type.
            return match v.strip_prefix('`').and_then(|v| v.split_once('`')) {
                Some((number, "")) => short(number),
                Some((number, _)) => format!("{}, which is too large", short(number)),
                None => v.to_string(),
            };
        }
    }
    match got {
        "map" => "a table".into(),
        "sequence" => "a list".into(),
        other => other.to_string(),
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
fn edit_distance(a: &str, b: &str) -> usize {
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
                "invalid type: integer `100000000000000000000000` as i128, expected u64",
                "expected a whole number (0 or more), got 100000000000000000000000, which is too large",
            ),
        ];
        for (serde, plain) in cases {
            assert_eq!(plain_message(serde), plain, "{serde}");
        }
        assert_eq!(
            plain_message(&format!("invalid type: floating point `{}`, expected u32", 1e308)),
            "expected a whole number (0 or more), got 1e308"
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
