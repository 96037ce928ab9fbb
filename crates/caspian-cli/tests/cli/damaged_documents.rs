//! A mini-fuzzer of result documents: real run, sweep and compare files,
//! damaged by many seeded mutations (a field deleted, an array emptied, an
//! index out of range, negative, huge or null numbers, wrong types, the
//! kind swapped, the text truncated), must make `caspian report` and
//! `caspian plot` exit 0 or 2 with a message, never 1 or a crash; so must
//! a damaged shard's partial result given to `caspian merge`. Messages
//! name the field at fault and no line of them is longer than [`MAX_LINE`]
//! bytes.
//!
//! `CASPIAN_FUZZ_CASES` sets the cases per document (default 40) and
//! `CASPIAN_FUZZ_SEED` the seed.

use std::path::Path;

use serde_json::Value;

use crate::common::{caspian, ok, scenario, scratch};

/// A small xorshift generator: the mutations depend on the seed only.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Every JSON pointer in `v` (the root excluded).
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        _ => {}
    }
}

/// Removes the value at `pointer` from its parent.
fn delete(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match doc.pointer_mut(parent) {
        Some(Value::Object(m)) => {
            m.remove(&key.replace("~1", "/").replace("~0", "~"));
        }
        Some(Value::Array(a)) => {
            if let Ok(i) = key.parse::<usize>()
                && i < a.len()
            {
                a.remove(i);
            }
        }
        _ => {}
    }
}

/// One damaged text of `doc`, and what was done.
fn mutate(doc: &Value, rng: &mut Rng) -> (String, String) {
    let mut d = doc.clone();
    let mut what = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let mut all = Vec::new();
        pointers(&d, String::new(), &mut all);
        if all.is_empty() {
            break;
        }
        // Favour the fields readers index with.
        let indexy: Vec<&String> = all
            .iter()
            .filter(|p| p.ends_with("/scenario") || p.ends_with("/index") || p.contains("/values"))
            .collect();
        let p = if !indexy.is_empty() && rng.below(3) == 0 {
            indexy[rng.below(indexy.len())].clone()
        } else {
            all[rng.below(all.len())].clone()
        };
        let kinds = ["run", "sweep", "compare", "partial", "warmup", "checkpoint", "nope"];
        let new: Option<Value> = match rng.below(11) {
            0 | 1 => {
                delete(&mut d, &p);
                what.push(format!("delete {p}"));
                None
            }
            2 => Some(match d.pointer(&p) {
                Some(Value::Object(_)) => Value::Object(Default::default()),
                _ => Value::Array(Vec::new()),
            }),
            3 => Some(Value::from([3u64, 7, 1000, u32::MAX.into(), u64::MAX][rng.below(5)])),
            4 => Some(Value::from(-1)),
            5 => Some(Value::from([1e308, -1e308, 5e-324, 0.0][rng.below(4)])),
            6 => Some(Value::Null),
            7 => Some(Value::from("x")),
            8 => Some(Value::Bool(true)),
            9 => {
                let k = kinds[rng.below(kinds.len())];
                d["kind"] = Value::from(k);
                what.push(format!("kind = {k}"));
                None
            }
            _ => Some(Value::from(rng.next() % 50)),
        };
        if let Some(v) = new {
            what.push(format!("{p} = {v}"));
            if let Some(slot) = d.pointer_mut(&p) {
                *slot = v;
            }
        }
    }
    let mut text = serde_json::to_string_pretty(&d).unwrap();
    if rng.below(8) == 0 {
        let cut = rng.below(text.len());
        text.truncate(cut);
        what.push(format!("truncated at byte {cut}"));
    }
    (text, what.join("; "))
}

/// Runs `caspian ARGS` and checks it exits 0, or 2 with a message.
fn exits_cleanly(args: &[&str], dir: &Path, what: &str) {
    let out = caspian(args, dir);
    let err = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => {}
        Some(2) => assert!(err.starts_with("caspian: ") && err.len() > 12, "{what}: {err}"),
        code => panic!("caspian {args:?} after [{what}]: exit {code:?}\n{err}"),
    }
    assert!(!err.contains("panicked") && !err.contains("internal error"), "{what}: {err}");
    short_lines(&err, what);
}

/// The longest line a message may have: values echoed from the file are
/// cut, so a 2 MB string in a number field is not written back in full.
const MAX_LINE: usize = 400;

fn short_lines(err: &str, what: &str) {
    for line in err.lines() {
        assert!(line.len() <= MAX_LINE, "{what}: a {}-byte line: {line:.200}", line.len());
    }
}

/// Every object key in `v` with the pointer of its parent, the root excluded.
fn keys(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push((at.to_string(), k.clone()));
                keys(c, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                keys(c, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Structural damage (a key deleted, a value of the wrong type) that makes
/// `caspian report` exit 2 must be named in its message: by the key itself,
/// or for a KPI's statistic, by the KPI (its fields are read together).
#[test]
fn exit_2_messages_name_the_damaged_field() {
    let dir = scratch("named");
    let (base, winter) = (scenario("baseline.toml"), scenario("severe_winter.toml"));
    ok(&["run", &base, "-n", "2", "-q", "--json", "run.json"], &dir);
    let axis = "port.alat.berths.rail_ferry=1,2";
    ok(&["sweep", &base, "--axis", axis, "-n", "2", "-q", "--json", "sweep.json"], &dir);
    ok(&["compare", &base, &winter, "-n", "2", "-q", "--json", "compare.json"], &dir);
    let mut rng = Rng(0x5eed);
    let mut named = 0;
    for name in ["run.json", "sweep.json", "compare.json"] {
        let doc: Value = serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap();
        let mut all = Vec::new();
        keys(&doc, "", &mut all);
        for case in 0..25 {
            let (parent, key) = &all[rng.below(all.len())];
            if key == "kind" {
                continue;
            }
            let mut d = doc.clone();
            let slot = d.pointer_mut(parent).and_then(Value::as_object_mut).unwrap();
            let what = if case % 2 == 0 {
                slot.remove(key);
                format!("{name}: delete {parent}/{key}")
            } else {
                let wrong = match slot[key] {
                    Value::String(_) => Value::from(7),
                    Value::Object(_) | Value::Array(_) => Value::from(true),
                    _ => Value::from("x".repeat(100_000)),
                };
                slot.insert(key.clone(), wrong);
                format!("{name}: {parent}/{key} of the wrong type")
            };
            std::fs::write(dir.join("bad.json"), serde_json::to_string_pretty(&d).unwrap())
                .unwrap();
            let out = caspian(&["report", "bad.json", "--out", "bad.html"], &dir);
            let err = String::from_utf8_lossy(&out.stderr);
            short_lines(&err, &what);
            if out.status.code() != Some(2) {
                continue; // an optional field, or one no reader needs
            }
            // The parent's own key (a KPI's name), not an array index.
            let kpi = parent.rsplit('/').next().filter(|k| k.parse::<usize>().is_err());
            assert!(
                err.contains(key.as_str()) || kpi.is_some_and(|k| !k.is_empty() && err.contains(k)),
                "{what}: the message does not name the field: {err}"
            );
            named += 1;
        }
    }
    assert!(named > 20, "only {named} cases exited 2");
}

#[test]
fn damaged_documents_exit_0_or_2_never_crash() {
    let dir = scratch("fuzz");
    let cases: usize =
        std::env::var("CASPIAN_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let seed: u64 = std::env::var("CASPIAN_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let (base, winter) = (scenario("baseline.toml"), scenario("severe_winter.toml"));
    ok(&["run", &base, "-n", "4", "-q", "--json", "run.json", "--csv", "reps.csv"], &dir);
    let axis = "port.alat.berths.rail_ferry=1,2";
    ok(&["sweep", &base, "--axis", axis, "-n", "2", "-q", "--json", "sweep.json"], &dir);
    ok(&["compare", &base, &winter, &base, "-n", "4", "-q", "--json", "compare.json"], &dir);
    ok(&["run", &base, "-n", "3", "-q", "--shard", "1/2", "--json", "part.json"], &dir);
    let mut rng = Rng(seed);
    for (name, plot) in [
        ("run.json", &["--kpi", "delivered_total.oil", "--replications-csv", "reps.csv"][..]),
        ("sweep.json", &["--kpi", "delivered_total.oil"][..]),
        ("compare.json", &[][..]),
    ] {
        let doc: Value = serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap();
        for case in 0..cases {
            let (text, what) = mutate(&doc, &mut rng);
            let what = format!("{name} case {case}: {what}");
            std::fs::write(dir.join("bad.json"), &text).unwrap();
            exits_cleanly(&["report", "bad.json", "--out", "bad.html"], &dir, &what);
            let mut args = vec!["plot", "bad.json", "--out", "bad.svg"];
            args.extend_from_slice(plot);
            exits_cleanly(&args, &dir, &what);
        }
    }
    // A damaged shard's partial result, given to `caspian merge`.
    let part: Value =
        serde_json::from_slice(&std::fs::read(dir.join("part.json")).unwrap()).unwrap();
    for case in 0..cases {
        let (text, what) = mutate(&part, &mut rng);
        let what = format!("part.json case {case}: {what}");
        std::fs::write(dir.join("bad.json"), &text).unwrap();
        exits_cleanly(&["merge", "bad.json", "--json", "merged.json"], &dir, &what);
    }
}

#[test]
fn wrong_types_are_named_in_plain_words() {
    let dir = scratch("damaged-plain");
    ok(&["run", "-n", "2", "-q", "--json", "run.json"], &dir);
    let good: Value = serde_json::from_slice(&crate::common::read(&dir, "run.json")).unwrap();
    for (field, value, words) in [
        (
            "replications",
            serde_json::json!(-1),
            "replications: expected a whole number (0 or more), got -1",
        ),
        ("seed", serde_json::json!(1.5), "seed: expected a whole number (0 or more), got 1.5"),
        (
            "replications",
            serde_json::json!("many"),
            "replications: expected a whole number (0 or more), got the text \"many\"",
        ),
    ] {
        let mut doc = good.clone();
        doc[field] = value;
        std::fs::write(dir.join("bad.json"), serde_json::to_vec(&doc).unwrap()).unwrap();
        let err = crate::common::fails(&["report", "bad.json", "--out", "bad.html"], &dir, 2);
        assert!(err.contains(words), "{field}: {words:?} not in {err}");
        assert!(!err.contains("u64") && !err.contains("invalid value"), "{err}");
    }
}
