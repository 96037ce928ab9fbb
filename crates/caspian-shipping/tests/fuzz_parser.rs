//! Fuzzing the scenario loader (bounded, runs in CI): random bytes, random
//! TOML-like text and randomly mutated shipped scenarios fed to
//! [`caspian_shipping::load`] never panic; every mutated file that loads also
//! simulates a short replication without a panic and with its cargo conserved.
//!
//! Case counts are kept small so the whole file runs in a few seconds in the
//! dev profile. Failures proptest finds are saved in
//! `tests/proptest-regressions/fuzz_parser.txt` and re-run first.

use caspian_shipping::{LoadError, load, parse};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, FileFailurePersistence, RngAlgorithm};

/// Shipped scenarios to mutate: between them they use every table (ice,
/// escorts, open traffic, return legs, every dispatch policy but timetable).
const SEEDS: [(&str, &str); 4] = [
    ("baseline", include_str!("../../../scenarios/baseline.toml")),
    ("escort_convoys", include_str!("../../../scenarios/escort_convoys.toml")),
    ("severe_winter", include_str!("../../../scenarios/severe_winter.toml")),
    ("mmc_check", include_str!("../../../scenarios/mmc_check.toml")),
];

/// The seeds, each resolved (the policies extend the baseline) into the
/// one scenario text that [`load`] reads.
fn seeds() -> Vec<(&'static str, String)> {
    SEEDS
        .iter()
        .map(|&(name, text)| {
            let r = caspian_shipping::resolve::resolve_shipped(text, &format!("{name}.toml"));
            (name, r.unwrap_or_else(|e| panic!("{e}")).text)
        })
        .collect()
}

/// `cases` cases drawn with XorShift (cheaper than ChaCha in a dev build).
/// Failures are saved to `tests/proptest-regressions/fuzz_parser.txt` (the
/// default, `SourceParallel`, finds no `lib.rs` or `main.rs` for a one-file
/// integration test and would save nothing).
fn config(cases: u32) -> Config {
    Config {
        rng_algorithm: RngAlgorithm::XorShift,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/fuzz_parser.txt",
        ))),
        ..Config::with_cases(cases_or_env(cases))
    }
}

/// `cases`, or the number in `CASPIAN_FUZZ_CASES` for a longer run by hand
/// (e.g. `CASPIAN_FUZZ_CASES=100000 cargo test --release --test fuzz_parser`).
fn cases_or_env(cases: u32) -> u32 {
    std::env::var("CASPIAN_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(cases)
}

/// Loads `text`; the error, if any, must render without a panic and name the
/// origin.
fn load_checked(text: &str) -> Option<caspian_shipping::CompiledScenario> {
    match load(text, "fuzz.toml") {
        Ok(plan) => Some(plan),
        Err(e) => {
            let shown = e.to_string();
            assert!(shown.starts_with("fuzz.toml"), "{shown}");
            if let LoadError::Invalid { errors, .. } = &e {
                assert!(!errors.is_empty());
                assert!(errors.iter().all(|x| !x.key.is_empty() && !x.message.is_empty()), "{e}");
            }
            None
        }
    }
}

/// For a text that loads: shorten it to 20 days without warm-up and a small
/// event limit, compile it again and simulate one replication.
fn simulate_short(text: &str, seed: u64) -> bool {
    if load_checked(text).is_none() {
        return false;
    }
    let mut scenario = parse(text, "fuzz.toml").expect("it loaded, so it parses");
    scenario.scenario.horizon_days = 20.0;
    scenario.scenario.warmup_days = 0.0;
    scenario.scenario.max_events = scenario.scenario.max_events.min(200_000);
    // A shorter horizon can only make a valid scenario easier to accept.
    let plan = caspian_shipping::compile(&scenario)
        .unwrap_or_else(|e| panic!("valid at full length but not at 20 days: {e:?}"));
    let rep = caspian_shipping::simulate(&plan, seed, 0);
    assert_eq!(
        rep.conservation_residual,
        [0; caspian_shipping::scenario::Cargo::COUNT],
        "cargo not conserved (truncated: {})",
        rep.truncated
    );
    true
}

/// A mutation of a scenario's text.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(Index),
    DuplicateLine(Index),
    /// Replace the n-th number with this text.
    ReplaceNumber(Index, String),
    /// Replace the n-th quoted string with another quoted string of the file.
    ReplaceString(Index, Index),
    Truncate(Index),
    SwapChars(Index, Index),
    /// Rename the key of the n-th `key = value` line to another key of the
    /// file, or to this made-up name.
    RenameKey(Index, Option<Index>, String),
}

fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        (-1000i64..1000).prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|x| format!("{x:?}")),
        (-10.0f64..1e4).prop_map(|x| format!("{x:?}")),
        prop::sample::select(vec![
            "0",
            "0.0",
            "-0.0",
            "-1",
            "1",
            "1e-300",
            "1e300",
            "1e15",
            "1e16",
            "9223372036854775807",
            "18446744073709551616",
            "-9223372036854775808",
            "4294967296",
            "nan",
            "-nan",
            "inf",
            "-inf",
            "+inf",
            "0.5",
            "365000",
            "365001",
            "\"7\"",
            "true",
            "[]",
            "{}",
        ])
        .prop_map(str::to_string),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => any::<Index>().prop_map(Mutation::DeleteLine),
        1 => any::<Index>().prop_map(Mutation::DuplicateLine),
        3 => (any::<Index>(), number_text()).prop_map(|(i, t)| Mutation::ReplaceNumber(i, t)),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(i, j)| Mutation::ReplaceString(i, j)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(i, j)| Mutation::SwapChars(i, j)),
        2 => (any::<Index>(), any::<Option<Index>>(), "[a-z_]{1,12}")
            .prop_map(|(i, j, s)| Mutation::RenameKey(i, j, s)),
    ]
}

/// Byte ranges of the numbers in `text` (a digit, or a sign before one, not
/// inside a word), each run over digits, `.`, `_`, exponents and signs.
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit()
            || (matches!(b[i], b'-' | b'+') && b.get(i + 1).is_some_and(u8::is_ascii_digit));
        let in_word = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if starts && !in_word {
            let mut j = i + 1;
            while j < b.len()
                && (b[j].is_ascii_digit()
                    || matches!(b[j], b'.' | b'_' | b'e' | b'E' | b'+' | b'-'))
            {
                j += 1;
            }
            out.push((i, j));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// Byte ranges of the double-quoted strings in `text` (quotes included).
fn strings(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c == '"' {
            match start.take() {
                None => start = Some(i),
                Some(s) => out.push((s, i + 1)),
            }
        } else if c == '\n' {
            start = None;
        }
    }
    out
}

/// The key of a `key = value` line, as a byte range.
fn line_key(line: &str) -> Option<(usize, usize)> {
    let lead = line.len() - line.trim_start().len();
    let (key, _) = line[lead..].split_once('=')?;
    let key = key.trim_end();
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some((lead, lead + key.len()))
}

fn apply(text: &str, m: &Mutation) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        // Nothing left to mutate (an earlier truncation emptied the text).
        return text.to_string();
    }
    match m {
        Mutation::DeleteLine(i) => {
            let k = i.index(lines.len());
            lines
                .iter()
                .enumerate()
                .filter(|&(n, _)| n != k)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join("\n")
        }
        Mutation::DuplicateLine(i) => {
            let k = i.index(lines.len());
            let mut v = lines.clone();
            v.insert(k, lines[k]);
            v.join("\n")
        }
        Mutation::ReplaceNumber(i, new) => {
            let spans = numbers(text);
            if spans.is_empty() {
                return text.to_string();
            }
            let (a, b) = spans[i.index(spans.len())];
            format!("{}{new}{}", &text[..a], &text[b..])
        }
        Mutation::ReplaceString(i, j) => {
            let spans = strings(text);
            if spans.is_empty() {
                return text.to_string();
            }
            let (a, b) = spans[i.index(spans.len())];
            let (c, d) = spans[j.index(spans.len())];
            format!("{}{}{}", &text[..a], &text[c..d], &text[b..])
        }
        Mutation::Truncate(i) => {
            let cut = i.index(text.len() + 1);
            let cut = (0..=cut).rev().find(|&c| text.is_char_boundary(c)).unwrap_or(0);
            text[..cut].to_string()
        }
        Mutation::SwapChars(i, j) => {
            let mut chars: Vec<char> = text.chars().collect();
            if chars.is_empty() {
                return String::new();
            }
            let (a, b) = (i.index(chars.len()), j.index(chars.len()));
            chars.swap(a, b);
            chars.into_iter().collect()
        }
        Mutation::RenameKey(i, other, invented) => {
            let keyed: Vec<usize> =
                (0..lines.len()).filter(|&n| line_key(lines[n]).is_some()).collect();
            if keyed.is_empty() {
                return text.to_string();
            }
            let n = keyed[i.index(keyed.len())];
            let (a, b) = line_key(lines[n]).expect("a keyed line");
            let name = match other {
                Some(o) => {
                    let m = keyed[o.index(keyed.len())];
                    let (c, d) = line_key(lines[m]).expect("a keyed line");
                    lines[m][c..d].to_string()
                }
                None => invented.clone(),
            };
            let mut v: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
            v[n] = format!("{}{name}{}", &lines[n][..a], &lines[n][b..]);
            v.join("\n")
        }
    }
}

#[test]
fn the_seeds_load_and_simulate_short() {
    for (name, text) in seeds() {
        assert!(load_checked(&text).is_some(), "{name} must load");
        assert!(simulate_short(&text, 1), "{name}");
        assert!(!numbers(&text).is_empty() && !strings(&text).is_empty());
    }
    // The helpers find what they should.
    assert_eq!(numbers("a = -1.5e3, b2 = 7"), [(4, 10), (17, 18)]);
    assert_eq!(strings("id = \"x\" # \"y\""), [(5, 8), (11, 14)]);
    assert_eq!(line_key("  speed_kn = 1"), Some((2, 10)));
    assert_eq!(line_key("[[fleet]]"), None);
}

proptest! {
    #![proptest_config(config(5000))]

    /// Arbitrary bytes (as lossy UTF-8) never make the loader panic.
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let text = String::from_utf8_lossy(&bytes);
        load_checked(&text);
    }
}

proptest! {
    #![proptest_config(config(1500))]

    /// Text built from TOML's punctuation and scenario words gets further into
    /// the parser than random bytes do, and never makes it panic.
    #[test]
    fn random_toml_like_text_never_panics(
        parts in prop::collection::vec(
            prop_oneof![
                Just("\n"), Just("["), Just("]"), Just("[["), Just("]]"), Just(" = "),
                Just("\""), Just("{"), Just("}"), Just(", "), Just("."), Just("#"),
                Just("scenario"), Just("name"), Just("horizon_days"), Just("port"),
                Just("fleet"), Just("id"), Just("berths"), Just("tanker"), Just("count"),
                Just("storage"), Just("dist"), Just("\"constant\""), Just("value"),
                Just("sweep"), Just("key"), Just("values"), Just("0"), Just("-1"),
                Just("1e400"), Just("nan"), Just("inf"), Just("3.5"), Just("true"),
                Just("\"a\""), Just("'''"), Just("\"\"\""), Just("\\u00e9"), Just("é"),
            ],
            0..80,
        )
    ) {
        load_checked(&parts.concat());
    }
}

/// Shipped scenarios with a few random mutations load or fail cleanly, and
/// those that load simulate 20 days with their cargo conserved.
#[test]
fn mutated_scenarios_never_panic_and_conserve_cargo() {
    use std::cell::Cell;
    // A runner of our own (not `proptest!`) so the log can say how many
    // mutants loaded and ran: a fuzzer that only ever hits parse errors
    // would test little.
    let config = Config { source_file: Some(file!()), ..config(5000) };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let (tried, loaded) = (Cell::new(0u32), Cell::new(0u32));
    let seeds = seeds();
    let strategy = (0..seeds.len(), prop::collection::vec(mutation(), 1..5), 0u64..1000);
    let result = runner.run(&strategy, |(seed_file, mutations, seed)| {
        let mut text = seeds[seed_file].1.clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        tried.set(tried.get() + 1);
        if simulate_short(&text, seed) {
            loaded.set(loaded.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    println!("{} of {} mutated scenarios loaded and ran 20 days", loaded.get(), tried.get());
    assert!(loaded.get() > tried.get() / 10, "too few mutants load to exercise the model");
}
