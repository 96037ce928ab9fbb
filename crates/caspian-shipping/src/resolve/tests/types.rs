//! Wrong types at any key of a scenario, said in plain words: every place
//! of a full scenario that holds a table, a list or text is given a value
//! of another shape, through a file and through `--set`.

use super::*;

/// The baseline with every optional table and list of tables present
/// (costs with a charter, a dredging, a disruption), as a TOML table.
fn full_table() -> toml::Table {
    let mut t = toml::Table::try_from(baseline()).unwrap();
    let extra: toml::Table = r#"
        [[dredging]]
        port = "aktau"
        day = 0.0
        depth_m = 7.7

        [[disruption]]
        id = "d"
        target = "corridor"
        start_day = 10.0
        duration_days = { dist = "constant", value = 1.0 }
    "#
    .parse()
    .unwrap();
    t.extend(extra);
    let mut costs = toml::Table::try_from(crate::scenario::Costs::default()).unwrap();
    let charter: toml::Table = "fleet = \"oil_tankers\"\nday_rate = 1.0".parse().unwrap();
    costs.insert("charter".into(), toml::Value::Array(vec![toml::Value::Table(charter)]));
    t.insert("costs".into(), toml::Value::Table(costs));
    t
}

/// One step into a TOML value: a key, or an entry of a list.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every place in `v` that holds a table, a list or text, with the value there.
fn shaped_places(v: &toml::Value, at: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, toml::Value)>) {
    match v {
        toml::Value::Table(t) => {
            for (k, inner) in t {
                at.push(Step::Key(k.clone()));
                out.push((at.clone(), inner.clone()));
                shaped_places(inner, at, out);
                at.pop();
            }
        }
        toml::Value::Array(a) => {
            for (i, inner) in a.iter().enumerate().filter(|(_, e)| e.is_table()) {
                at.push(Step::Index(i));
                shaped_places(inner, at, out);
                at.pop();
            }
        }
        _ => {}
    }
    out.retain(|(_, v)| {
        matches!(v, toml::Value::Table(_) | toml::Value::Array(_) | toml::Value::String(_))
    });
}

/// `table` with `value` at `path`.
fn with_value(table: &toml::Table, path: &[Step], value: toml::Value) -> toml::Table {
    let mut root = toml::Value::Table(table.clone());
    let mut here = &mut root;
    for step in path {
        here = match step {
            Step::Key(k) => here.as_table_mut().unwrap().get_mut(k).unwrap(),
            Step::Index(i) => here.as_array_mut().unwrap().get_mut(*i).unwrap(),
        };
    }
    *here = value;
    match root {
        toml::Value::Table(t) => t,
        _ => unreachable!(),
    }
}

/// The `--set` key of `path` in `table`, when `--set` can reach it (plain
/// tables, and entries of arrays of tables by id).
fn set_key(table: &toml::Table, path: &[Step]) -> Option<String> {
    let mut parts = Vec::new();
    let mut here = &toml::Value::Table(table.clone());
    for (n, step) in path.iter().enumerate() {
        match step {
            Step::Key(k) => {
                parts.push(k.clone());
                here = here.get(k)?;
            }
            Step::Index(i) => {
                here = here.get(*i)?;
                let id = here.get("id")?.as_str()?;
                if n != 1 {
                    return None;
                }
                parts.push(id.to_string());
            }
        }
    }
    Some(parts.join("."))
}

/// Words of Rust's types and serde's and the TOML reader's phrasing that
/// a message must not show.
const NOT_PLAIN: [&str; 10] = [
    "struct ",
    "enum ",
    "variant",
    "identifier",
    " map",
    "sequence",
    "string only",
    "wanted ",
    "element",
    "Option",
];

#[test]
fn wrong_types_at_any_key_are_said_in_plain_words() {
    let full = full_table();
    let full_text = toml::to_string(&full).unwrap();
    crate::parse(&full_text, "full.toml").unwrap();
    let files = BTreeMap::from([("full.toml", full_text.as_str())]);
    let mut load = memory(&files);
    let mut places = Vec::new();
    shaped_places(&toml::Value::Table(full.clone()), &mut Vec::new(), &mut places);
    // Each key once, in the first entry that has it (entries of one list
    // are read alike).
    let mut seen = std::collections::BTreeSet::new();
    places.retain(|(path, _)| {
        seen.insert(
            path.iter()
                .map(|s| match s {
                    Step::Key(k) => k.clone(),
                    Step::Index(_) => "*".into(),
                })
                .collect::<Vec<_>>(),
        )
    });
    let wrong = ["5", "\"x\"", "[1]", "[]", "true", "{ zzz = 1 }", "[\"x\", 1]"];
    let mut checked = 0;
    for (path, old) in &places {
        for raw in wrong {
            let value: toml::Value =
                format!("v = {raw}").parse::<toml::Table>().unwrap()["v"].clone();
            // A table where a table goes may be right; only other kinds
            // must be refused.
            let must_refuse = old.is_table() && !value.is_table();
            // In a file, with the TOML reader's line numbers.
            let text = toml::to_string(&with_value(&full, path, value.clone())).unwrap();
            match crate::parse(&text, "f.toml") {
                Ok(_) => assert!(!must_refuse, "{path:?} = {raw} accepted"),
                Err(e) => {
                    let e = e.to_string();
                    for word in NOT_PLAIN {
                        assert!(!e.contains(word), "{path:?} = {raw}: {e}");
                    }
                    checked += 1;
                }
            }
            // With --set.
            let Some(key) = set_key(&full, path) else { continue };
            if key.ends_with(".id") || key.starts_with("sweep") {
                continue; // refused before any type is looked at
            }
            let o = Override::parse(&format!("{key}={raw}"), "--set").unwrap();
            match resolve(Root::File(Path::new("full.toml")), &[o], &mut load) {
                Ok(_) => assert!(!must_refuse, "--set {key}={raw} accepted"),
                Err(e) => {
                    let e = e.to_string();
                    for word in NOT_PLAIN {
                        assert!(!e.contains(word), "--set {key}={raw}: {e}");
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn wrong_types_at_table_keys_name_the_key_and_what_goes_there() {
    let err = |set: &str| {
        let o = Override::parse(set, "--set").unwrap();
        resolve(Root::Baseline, &[o], &mut disk).unwrap_err().to_string()
    };
    let cases = [
        ("port.alat.berths=5", "port.alat.berths: expected a table, got 5"),
        ("port.alat.berths=[1, 2]", "port.alat.berths: expected a table, got a list"),
        ("interdiction.escort=[]", "interdiction.escort: expected a table, got a list"),
        (
            "fleet.oil_tankers.dispatch=5",
            "fleet.oil_tankers.dispatch: expected a table with a \"policy\" key, e.g. \
             { policy = \"when_full\" } (the forms: docs/scenarios.md, \"Dispatch policies\"), \
             got 5",
        ),
        (
            "fleet.oil_tankers.dispatch=[1]",
            "fleet.oil_tankers.dispatch: expected a table, got a list",
        ),
        (
            "fleet.oil_tankers.dispatch={ policy = 3 }",
            "fleet.oil_tankers.dispatch.policy: expected a name in quotes, got 3",
        ),
        (
            "fleet.oil_tankers.berth_class=5",
            "fleet.oil_tankers.berth_class: expected a name in quotes, got 5",
        ),
        (
            "fleet.oil_tankers.availability=true",
            "fleet.oil_tankers.availability: expected a table, got true",
        ),
        ("costs.capital=5", "costs.capital: expected a table, got 5"),
        (
            "sea_area.middle_caspian.ice=\"x\"",
            "sea_area.middle_caspian.ice: expected a table, got the text \"x\"",
        ),
        (
            "sea_area.middle_caspian.storm_onsets_per_month=[1]",
            "sea_area.middle_caspian.storm_onsets_per_month: expected 12 monthly values, January \
             first, got a list of 1 value",
        ),
    ];
    for (set, expected) in cases {
        let e = err(set);
        assert!(e.ends_with(expected), "{set}: {e}");
    }
    // The same in a file, with the line.
    let text = crate::BASELINE_TOML.replacen("berths = {", "berths = 3 # {", 1);
    let e = crate::parse(&text, "f.toml").unwrap_err().to_string();
    assert!(
        e.starts_with("f.toml: TOML parse error at line") && e.ends_with("expected a table, got 3"),
        "{e}"
    );
    let text = crate::BASELINE_TOML.replacen("berth_class = \"tanker\"", "berth_class = 5", 1);
    let e = crate::parse(&text, "f.toml").unwrap_err().to_string();
    assert!(e.contains("berth_class = 5") && e.ends_with("expected a name in quotes"), "{e}");
    let text = crate::BASELINE_TOML.replacen(
        "berths = { tanker = 2, container = 4 }",
        "berths = [2, 0, 0, 4]",
        1,
    );
    let e = crate::parse(&text, "f.toml").unwrap_err().to_string();
    assert_eq!(e, "f.toml: port.aktau.berths: expected a table, got a list");
}
