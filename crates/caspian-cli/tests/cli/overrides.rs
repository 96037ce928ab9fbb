//! Overrides without copies: `--set KEY=VALUE`, `[scenario] extends` with
//! merging by id and removal, `compare --variant`, and the provenance that
//! records them. Each override must give exactly the result of the same
//! change written in a file.

use std::path::Path;

use serde_json::Value;

use crate::common::{fails, ok, read, scenario, scratch};

fn json(dir: &Path, name: &str) -> Value {
    serde_json::from_slice(&read(dir, name)).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// The change the tests make, as a derived file of the embedded baseline.
/// It keeps the baseline's name, so it is the very scenario `--set` makes.
const MORE_FERRIES: &str = "[scenario]\nextends = \"baseline\"\n\n\
    [[fleet]]\nid = \"ferries_kuryk_alat\"\ncount = 5\n\n\
    [[port]]\nid = \"alat\"\nberths.rail_ferry = 3\n";

const SETS: [&str; 2] = ["fleet.ferries_kuryk_alat.count=5", "port.alat.berths.rail_ferry=3"];

#[test]
fn set_gives_bit_identically_the_result_of_the_same_change_in_a_file() {
    let dir = scratch("overrides-set");
    write(&dir, "more.toml", MORE_FERRIES);
    ok(&["run", "more.toml", "-n", "6", "-q", "--json", "file.json"], &dir);
    let mut args = vec!["run", "-n", "6", "-q", "--json", "set.json"];
    for s in SETS {
        args.extend(["--set", s]);
    }
    ok(&args, &dir);
    ok(&["run", "-n", "6", "-q", "--json", "plain.json"], &dir);
    let (file, set, plain) =
        (json(&dir, "file.json"), json(&dir, "set.json"), json(&dir, "plain.json"));
    assert_eq!(file["kpis"], set["kpis"], "--set and the file give the same KPIs");
    assert_eq!(file["seed"], set["seed"]);
    assert_ne!(set["kpis"], plain["kpis"], "the override changes the result");
    // The same scenario, so the same hash; the provenance says how it was made.
    let p = &set["provenance"];
    assert_eq!(p["scenario_sha256"], file["provenance"]["scenario_sha256"]);
    assert_ne!(p["scenario_sha256"], plain["provenance"]["scenario_sha256"]);
    assert_eq!(p["overrides"], serde_json::json!(SETS));
    assert!(plain["provenance"].get("overrides").is_none(), "no override, no field");
    let parents = file["provenance"]["extends"].as_array().unwrap();
    assert_eq!(parents.len(), 1);
    assert_eq!(parents[0]["source"], "embedded baseline");
    assert_eq!(parents[0]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn a_sweep_key_set_on_run_equals_that_point_of_a_sweep() {
    let dir = scratch("overrides-sweep-key");
    // A derived file's axes replace the parent's: one design point.
    write(
        &dir,
        "storms.toml",
        "[scenario]\nextends = \"baseline\"\nname = \"baseline\"\n\n\
         [[sweep]]\nkey = \"weather.storm_rate_multiplier\"\nvalues = [1.5]\n",
    );
    ok(&["sweep", "storms.toml", "-n", "5", "-q", "--json", "sweep.json"], &dir);
    let set = "weather.storm_rate_multiplier=1.5";
    ok(&["run", "-n", "5", "-q", "--set", set, "--json", "run.json"], &dir);
    let (sweep, run) = (json(&dir, "sweep.json"), json(&dir, "run.json"));
    assert_eq!(sweep["points"].as_array().unwrap().len(), 1);
    assert_eq!(sweep["points"][0]["kpis"], run["kpis"]);
    assert_eq!(run["provenance"]["overrides"][0], set);
    // --set on sweep changes every point and is recorded too.
    let args = ["sweep", "storms.toml", "-n", "5", "-q", "--set", SETS[0], "--json", "s2.json"];
    ok(&args, &dir);
    let s2 = json(&dir, "s2.json");
    assert_eq!(s2["provenance"]["overrides"][0], SETS[0]);
    assert_ne!(s2["points"][0]["kpis"], sweep["points"][0]["kpis"]);
}

#[test]
fn an_extends_chain_merges_by_id_and_removes() {
    let dir = scratch("overrides-chain");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    // a extends sub/b (relative to a), which extends the shipped baseline
    // file (relative to b).
    let baseline = scenario("baseline.toml");
    write(
        &dir,
        "sub/b.toml",
        &format!(
            "[scenario]\nextends = \"{baseline}\"\nname = \"b\"\n\n[[port]]\nid = \"alat\"\nberths.roro = 4\n"
        ),
    );
    write(
        &dir,
        "a.toml",
        "[scenario]\nextends = \"sub/b.toml\"\nname = \"a\"\n\n\
         [[fleet]]\nid = \"ferries_aktau_alat\"\nremove = true\n\n\
         [[inflow]]\nid = \"westbound_trains_aktau\"\nremove = true\n",
    );
    // The same scenario written flat on the embedded baseline.
    write(
        &dir,
        "flat.toml",
        "[scenario]\nextends = \"baseline\"\nname = \"a\"\n\n[[port]]\nid = \"alat\"\nberths.roro = 4\n\n\
         [[fleet]]\nid = \"ferries_aktau_alat\"\nremove = true\n\n\
         [[inflow]]\nid = \"westbound_trains_aktau\"\nremove = true\n",
    );
    ok(&["run", "a.toml", "-n", "4", "-q", "--json", "a.json"], &dir);
    ok(&["run", "flat.toml", "-n", "4", "-q", "--json", "flat.json"], &dir);
    ok(&["run", "-n", "4", "-q", "--json", "plain.json"], &dir);
    let (a, flat, plain) =
        (json(&dir, "a.json"), json(&dir, "flat.json"), json(&dir, "plain.json"));
    assert_eq!(a["kpis"], flat["kpis"]);
    assert_eq!(a["scenario"], "a");
    let names = |d: &Value| d["kpis"].as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    let removed = |d: &Value| names(d).iter().filter(|k| k.contains("ferries_aktau_alat")).count();
    assert!(removed(&plain) > 0, "the baseline has the fleet");
    assert_eq!(removed(&a), 0, "the removed fleet has no KPIs");
    let chain: Vec<&str> = a["provenance"]["extends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["source"].as_str().unwrap())
        .collect();
    assert_eq!(chain.len(), 2, "{chain:?}");
    assert!(chain[0].ends_with("sub/b.toml") && chain[1].ends_with("baseline.toml"), "{chain:?}");
    // warmup records the chain as well.
    ok(&["warmup", "a.toml", "-n", "2", "-q", "--json", "w.json"], &dir);
    assert_eq!(json(&dir, "w.json")["provenance"]["extends"], a["provenance"]["extends"]);
    // validate follows the chain too.
    let out = ok(&["validate", "a.toml"], &dir);
    assert!(out.contains("ok (\"a\")"), "{out}");
}

#[test]
fn bad_overrides_and_chains_are_exit_2_naming_the_key_or_file() {
    let dir = scratch("overrides-errors");
    let cases: [(&[&str], &[&str]); 8] = [
        (
            &["--set", "fleet.ferries.count=5"],
            &["fleet.ferries.count", "unknown fleet \"ferries\"", "\"ferries_kuryk_alat\""],
        ),
        (
            &["--set", "port.alat.berths.rial_ferry=3"],
            &["rial_ferry", "did you mean \"rail_ferry\""],
        ),
        (
            &["--set", "fleet.oil_tankers.count=many"],
            &["fleet.oil_tankers.count", "expected a whole number"],
        ),
        (&["--set", "scenario.horizon_days=long"], &["scenario.horizon_days", "expected a number"]),
        (
            &["--set", "interdiction.escort.enabled=maybe"],
            &["interdiction.escort.enabled", "expected true or false"],
        ),
        (
            &["--set", "weather.storm_rate=2"],
            &["storm_rate", "did you mean \"storm_rate_multiplier\""],
        ),
        (&["--set", "fleet.oil_tankers.count"], &["--set fleet.oil_tankers.count", "KEY=VALUE"]),
        (&["--set", "sweep.x=1"], &["--axis"]),
    ];
    for (args, expected) in cases {
        let mut all = vec!["run", "-n", "2", "-q"];
        all.extend_from_slice(args);
        let err = fails(&all, &dir, 2);
        for e in expected {
            assert!(err.contains(e), "{args:?}: {e:?} not in {err}");
        }
        assert!(!err.contains("u32") && !err.contains("f64"), "{err}");
    }
    write(&dir, "c1.toml", "[scenario]\nextends = \"c2.toml\"\nname = \"c1\"\n");
    write(&dir, "c2.toml", "[scenario]\nextends = \"c1.toml\"\nname = \"c2\"\n");
    let err = fails(&["run", "c1.toml", "-n", "2"], &dir, 2);
    assert!(err.contains("cycle: c1.toml -> c2.toml -> c1.toml"), "{err}");
    write(&dir, "orphan.toml", "[scenario]\nextends = \"nowhere.toml\"\nname = \"o\"\n");
    let err = fails(&["validate", "orphan.toml"], &dir, 2);
    assert!(
        err.contains("orphan.toml: extends \"nowhere.toml\": cannot read nowhere.toml"),
        "{err}"
    );
    write(
        &dir,
        "rm.toml",
        "[scenario]\nextends = \"baseline\"\nname = \"r\"\n[[port]]\nid = \"baku\"\nremove = true\n",
    );
    let err = fails(&["run", "rm.toml", "-n", "2"], &dir, 2);
    assert!(
        err.contains("port.baku.remove: unknown port \"baku\"") && err.contains("\"alat\""),
        "{err}"
    );
    // trace takes --set too, with the same checks.
    let err = fails(&["trace", "--set", "fleet.nope.count=1"], &dir, 2);
    assert!(err.contains("unknown fleet \"nope\""), "{err}");
}

/// A value of the wrong kind where a table goes is named by its key in
/// plain words, never by a Rust type (`struct Berths`, `internally tagged
/// enum Dispatch`).
#[test]
fn wrong_types_at_table_keys_are_said_in_plain_words() {
    let dir = scratch("overrides-tables");
    let cases = [
        ("port.alat.berths=5", "port.alat.berths: expected a table, got 5"),
        ("port.alat.berths=[2, 2]", "port.alat.berths: expected a table, got a list"),
        (
            "fleet.oil_tankers.dispatch=5",
            "fleet.oil_tankers.dispatch: expected a table with a \"policy\" key, e.g. { policy \
             = \"when_full\" }",
        ),
        ("fleet.oil_tankers.availability=5", "fleet.oil_tankers.availability: expected a table"),
        ("interdiction.escort=true", "interdiction.escort: expected a table, got true"),
        ("costs.capital=5", "costs.capital: expected a table, got 5"),
        ("sea_area.middle_caspian.ice=5", "sea_area.middle_caspian.ice: expected a table"),
        (
            "fleet.oil_tankers.berth_class=5",
            "fleet.oil_tankers.berth_class: expected a name in quotes, got 5",
        ),
    ];
    for (set, expected) in cases {
        let err = fails(&["run", "-n", "2", "-q", "--set", set], &dir, 2);
        assert!(err.contains(expected), "{set}: {err}");
        for word in ["struct ", "enum ", "variant", "sequence", " map"] {
            assert!(!err.contains(word), "{set}: {err}");
        }
    }
    // In a file, with the line.
    let text = std::fs::read_to_string(scenario("baseline.toml")).unwrap();
    write(&dir, "berths.toml", &text.replacen("berths = {", "berths = 2 # {", 1));
    let err = fails(&["validate", "berths.toml"], &dir, 2);
    assert!(err.contains("berths = 2") && err.contains("expected a table, got 2"), "{err}");
    assert!(!err.contains("struct"), "{err}");
}

/// An id names its entry and the entry's KPIs: `--set`, `--variant` and
/// `--axis` refuse to change it rather than rename the entry silently.
#[test]
fn ids_are_not_overridden() {
    let dir = scratch("overrides-ids");
    let why = "fleet.oil_tankers.id is an id: ids name entries (in KPI names and in other \
               entries' references), so --set, --variant and --axis cannot change them; to \
               rename the entry, edit the scenario file";
    let err = fails(&["run", "-n", "2", "-q", "--set", "fleet.oil_tankers.id=x"], &dir, 2);
    assert!(err.contains(&format!("--set fleet.oil_tankers.id=x: {why}")), "{err}");
    let base = scenario("baseline.toml");
    let err = fails(
        &["compare", &base, "--variant", "v:fleet.oil_tankers.id=x", "-n", "2", "-q"],
        &dir,
        2,
    );
    assert!(err.contains(why), "{err}");
    let err =
        fails(&["sweep", &base, "--axis", "fleet.oil_tankers.id=1,2", "-n", "2", "-q"], &dir, 2);
    assert!(err.contains(why), "{err}");
}

#[test]
fn plain_words_for_wrong_types_in_a_file() {
    let dir = scratch("overrides-plain");
    let bad = |name: &str| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/bad_scenarios")
            .join(name)
            .display()
            .to_string()
    };
    use std::path::PathBuf;
    for (file, words) in [
        ("wrong_type_string_for_integer.toml", "expected a whole number"),
        ("wrong_type_float_for_integer.toml", "expected a whole number"),
        ("wrong_type_string_for_float.toml", "expected a number"),
        ("wrong_type_bool_for_float.toml", "expected a number"),
    ] {
        let err = fails(&["validate", &bad(file)], &dir, 2);
        assert!(err.contains(words), "{file}: {err}");
        assert!(!err.contains("expected u") && !err.contains("expected f64"), "{file}: {err}");
    }
}

#[test]
fn a_variant_equals_comparing_against_a_file_with_the_same_change() {
    let dir = scratch("overrides-variant");
    write(&dir, "more.toml", MORE_FERRIES);
    let base = scenario("baseline.toml");
    ok(&["compare", &base, "more.toml", "-n", "6", "-q", "--json", "file.json"], &dir);
    let variant = format!("more:{}", SETS.join(","));
    ok(&["compare", &base, "--variant", &variant, "-n", "6", "-q", "--json", "variant.json"], &dir);
    let (file, var) = (json(&dir, "file.json"), json(&dir, "variant.json"));
    assert_eq!(file["differences"], var["differences"]);
    assert_eq!(file["summaries"], var["summaries"]);
    assert_eq!(var["scenarios"][1]["name"], "more");
    // The source names each change with the base's value it replaces.
    let source = var["scenarios"][1]["source"].as_str().unwrap();
    assert!(source.starts_with(&format!("{base} with {} (was ", SETS[0])), "{source}");
    assert!(SETS.iter().all(|set| source.contains(&format!("{set} (was "))), "{source}");
    assert_eq!(var["scenarios"][1]["overrides"], serde_json::json!(SETS));
    assert!(var["scenarios"][0].get("overrides").is_none());
    assert_eq!(file["scenarios"][1]["extends"][0]["source"], "embedded baseline");
    // Files and variants together, with --set applied to every scenario.
    let args = [
        "compare",
        &base,
        "more.toml",
        "--variant",
        "tankers:fleet.oil_tankers.count=5",
        "--set",
        "scenario.horizon_days=200",
        "-n",
        "3",
        "-q",
        "--json",
        "both.json",
    ];
    ok(&args, &dir);
    let both = json(&dir, "both.json");
    let scenarios = both["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 3);
    for s in scenarios {
        assert_eq!(s["overrides"][0], "scenario.horizon_days=200", "{s}");
    }
    assert_eq!(scenarios[2]["overrides"][1], "fleet.oil_tankers.count=5");
    // A base alone is not a comparison; a malformed variant names itself.
    let err = fails(&["compare", &base, "-n", "2"], &dir, 2);
    assert!(err.contains("--variant"), "{err}");
    let err = fails(&["compare", &base, "--variant", "fleet.oil_tankers.count=5"], &dir, 2);
    assert!(
        err.contains("--variant \"fleet.oil_tankers.count=5\"") && err.contains("NAME:KEY=VALUE"),
        "{err}"
    );
    let err = fails(&["compare", &base, "--variant", "x:fleet.nope.count=5"], &dir, 2);
    assert!(err.contains("--variant x:") && err.contains("unknown fleet \"nope\""), "{err}");
}

#[test]
fn shards_with_different_overrides_do_not_merge() {
    let dir = scratch("overrides-merge");
    ok(&["run", "-n", "4", "-q", "--shard", "0/2", "--json", "p0.json", "--set", SETS[0]], &dir);
    ok(&["run", "-n", "4", "-q", "--shard", "1/2", "--json", "p1.json"], &dir);
    fails(&["merge", "p0.json", "p1.json", "-q", "--json", "m.json"], &dir, 2);
    ok(&["run", "-n", "4", "-q", "--shard", "1/2", "--json", "p1.json", "--set", SETS[0]], &dir);
    ok(&["merge", "p0.json", "p1.json", "-q", "--json", "m.json"], &dir);
    assert_eq!(json(&dir, "m.json")["provenance"]["overrides"][0], SETS[0]);
}

#[test]
fn a_sweep_refuses_to_set_a_key_it_sweeps() {
    let dir = scratch("overrides-sweep-conflict");
    let base = scenario("baseline.toml");
    let rate = "weather.storm_rate_multiplier";
    let set = format!("{rate}=2");
    let axis = format!("{rate}=1,2");
    let err = fails(&["sweep", &base, "--axis", &axis, "--set", &set, "-n", "2", "-q"], &dir, 2);
    assert!(err.contains(&format!("--set {set} and --axis {rate} both set {rate}")), "{err}");
    // Any key, also one the axis would silently replace.
    let berths = "port.alat.berths.rail_ferry";
    let args =
        ["sweep", &base, "--axis", &format!("{berths}=1,2"), "--set", &format!("{berths}=3")];
    let err = fails(&args, &dir, 2);
    assert!(err.contains(&format!("both set {berths}")), "{err}");
    // A key no axis can sweep is said first: giving it to the axis would
    // not help.
    let horizon = "scenario.horizon_days";
    let args =
        ["sweep", &base, "--axis", &format!("{horizon}=10,20"), "--set", &format!("{horizon}=60")];
    let err = fails(&args, &dir, 2);
    assert!(
        err.contains("is not a sweepable parameter") && !err.contains("drop the --set"),
        "{err}"
    );
    // The file's axes when no --axis replaces them...
    write(
        &dir,
        "storms.toml",
        &format!(
            "[scenario]\nextends = \"baseline\"\n\n[[sweep]]\nkey = \"{rate}\"\nvalues = [1, 2]\n"
        ),
    );
    let err = fails(&["sweep", "storms.toml", "--set", &set, "-n", "2", "-q"], &dir, 2);
    assert!(err.contains(&format!("the [[sweep]] axis of storms.toml {rate}")), "{err}");
    // ...but not once --axis has replaced them: the --set then holds at every point.
    let args = ["sweep", "storms.toml", "--axis", &format!("{berths}=1,2"), "--set", &set];
    ok(&[&args[..], &["-n", "2", "-q", "--json", "s.json"]].concat(), &dir);
    assert_eq!(json(&dir, "s.json")["provenance"]["overrides"][0], set.as_str());
}

#[test]
fn a_key_is_overridden_once_never_compounded() {
    let dir = scratch("overrides-repeated");
    let base = scenario("baseline.toml");
    let rate = "weather.storm_rate_multiplier=2";
    let err = fails(&["run", "-n", "2", "-q", "--set", rate, "--set", rate], &dir, 2);
    assert!(err.contains("weather.storm_rate_multiplier is also set by --set"), "{err}");
    let err = fails(
        &["run", "-n", "2", "-q", "--set", SETS[0], "--set", "fleet.ferries_kuryk_alat.count=6"],
        &dir,
        2,
    );
    assert!(err.contains("fleet.ferries_kuryk_alat.count is also set by --set"), "{err}");
    let twice = format!("v:{rate},{rate}");
    let err = fails(&["compare", &base, "--variant", &twice, "-n", "2", "-q"], &dir, 2);
    assert!(err.contains("--variant v:") && err.contains("also set by --variant v:"), "{err}");
    // A variant's value replaces the --set's in that variant (never
    // compounds with it); the base keeps the --set's.
    let variant = "v:weather.storm_rate_multiplier=3";
    let args = ["compare", &base, "--variant", variant, "--set", rate, "-n", "2", "-q"];
    ok(&[&args[..], &["--json", "v.json"]].concat(), &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "v.json")).unwrap();
    let over = |i: usize| doc["scenarios"][i]["overrides"].clone();
    assert_eq!(over(0), serde_json::json!([rate]), "{doc}");
    assert_eq!(over(1), serde_json::json!(["weather.storm_rate_multiplier=3"]), "{doc}");
    let source = doc["scenarios"][1]["source"].as_str().unwrap();
    assert!(source.ends_with("with weather.storm_rate_multiplier=3"), "{source}");
    // A key inside what the --set writes is not a replacement: refused.
    let whole = "fleet.oil_tankers.port_call_overhead_h={ dist = \"constant\", value = 2.0 }";
    let part = "v:fleet.oil_tankers.port_call_overhead_h.value=3";
    let err = fails(&["compare", &base, "--variant", part, "--set", whole], &dir, 2);
    assert!(
        err.contains(
            "fleet.oil_tankers.port_call_overhead_h.value and --set \
             fleet.oil_tankers.port_call_overhead_h={ dist = \"constant\", value = 2.0 } overlap"
        ),
        "{err}"
    );
    // A plain table merges: a variant's table that does not write the
    // --set's key keeps it (the variant has both, as `run` with both
    // --sets); one at the --set's key that lacks some of its keys would
    // bring the file's values back, and is refused.
    let short = "scenario.horizon_days=40";
    let table = "v:port.alat.berths={rail_ferry=3}";
    let roro = "port.alat.berths.roro=3";
    let both = ["--set", short, "--set", roro, "-n", "2", "-q"];
    ok(&[&["compare", &base, "--variant", table, "--json", "t.json"][..], &both].concat(), &dir);
    ok(
        &[&["run", &base, "--set", "port.alat.berths.rail_ferry=3", "--json", "r.json"][..], &both]
            .concat(),
        &dir,
    );
    let (t, r) = (json(&dir, "t.json"), json(&dir, "r.json"));
    let wagons = "delivered_total.wagons";
    for field in ["mean", "sd"] {
        assert_eq!(t["summaries"][1][wagons][field], r["kpis"][wagons][field], "{field}");
    }
    let whole = "port.alat.berths={roro=3,rail_ferry=3}";
    let err = fails(
        &["compare", &base, "--set", whole, "--variant", "v:port.alat.berths={roro=5}", "-n", "1"],
        &dir,
        2,
    );
    assert!(err.contains("is already set by --set port.alat.berths="), "{err}");
    // A variant may not take the base scenario's name.
    let err =
        fails(&["compare", &base, "--variant", "baseline:fleet.oil_tankers.count=3"], &dir, 2);
    assert!(err.contains("--variant baseline") && err.contains("name of its own"), "{err}");
}

#[test]
fn an_invalid_override_is_blamed_on_the_override() {
    let dir = scratch("overrides-blame");
    let base = scenario("baseline.toml");
    for value in ["-1", "nan", "inf", "-inf", "NaN", "Infinity", "-INF"] {
        let set = format!("weather.storm_rate_multiplier={value}");
        let err = fails(&["run", "-n", "2", "-q", "--set", &set], &dir, 2);
        assert!(err.contains(&format!("--set {set}: a multiplier must be")), "{err}");
        assert!(!err.contains("storm_onsets_per_month"), "{err}");
    }
    // One bad value is one problem, not repeated in the words of a later
    // check (the closures' generator once said it again as rate_per_year).
    for value in ["inf", "nan", "-1", "1e9"] {
        let set = format!("interdiction.closures_per_year={value}");
        let err = fails(&["run", "-n", "2", "-q", "--set", &set], &dir, 2);
        assert!(err.contains("1 problem(s)"), "{err}");
        assert!(!err.contains("rate_per_year"), "{err}");
    }
    let zero = "fleet.oil_tankers.capacity=0";
    let err = fails(&["run", "-n", "2", "-q", "--set", zero], &dir, 2);
    assert!(err.contains(&format!("embedded baseline with --set {zero}: ")), "{err}");
    assert!(err.contains("fleet.oil_tankers.capacity: must be at least 1"), "{err}");
    let err = fails(&["compare", &base, "--variant", &format!("x:{zero}"), "-n", "2"], &dir, 2);
    assert!(err.contains(&format!("{base} with --variant x:{zero}: ")), "{err}");
    assert!(!err.contains(&format!("{base}: ")), "the base file is not at fault: {err}");
    let err = fails(&["run", "--set", "scenario.horizon_days=99999999999999999999"], &dir, 2);
    assert!(err.contains("out of range") && !err.contains("the text"), "{err}");
    // A huge number is written short, never with hundreds of digits.
    for set in ["scenario.horizon_days=1e308", "fleet.oil_tankers.count=1e308"] {
        let err = fails(&["run", "--set", set], &dir, 2);
        assert!(err.contains("1e308") && !err.contains("0000000000000000"), "{err}");
    }
}

#[test]
fn a_derived_file_gives_each_id_once_and_removes_without_changes() {
    let dir = scratch("overrides-derived-ids");
    let head = "[scenario]\nextends = \"baseline\"\nname = \"d\"\n\n";
    write(
        &dir,
        "twice.toml",
        &format!(
            "{head}[[fleet]]\nid = \"ferries_aktau_alat\"\ncount = 2\n\n\
             [[fleet]]\nid = \"ferries_aktau_alat\"\ncount = 3\n"
        ),
    );
    let err = fails(&["validate", "twice.toml"], &dir, 2);
    assert!(
        err.contains("twice.toml") && err.contains("id \"ferries_aktau_alat\" appears twice"),
        "{err}"
    );
    write(
        &dir,
        "both.toml",
        &format!("{head}[[fleet]]\nid = \"ferries_aktau_alat\"\nremove = true\ncount = 3\n"),
    );
    let err = fails(&["validate", "both.toml"], &dir, 2);
    assert!(
        err.contains("both.toml")
            && err.contains("fleet.ferries_aktau_alat: remove = true takes no other keys"),
        "{err}"
    );
    // extends naming a directory says what was given.
    write(&dir, "dot.toml", "[scenario]\nextends = \".\"\nname = \"d\"\n");
    let err = fails(&["validate", "dot.toml"], &dir, 2);
    assert!(err.contains("extends \".\"") && err.contains("directory"), "{err}");
    // An axis value given twice would run one point twice.
    let base = scenario("baseline.toml");
    let err =
        fails(&["sweep", &base, "--axis", "port.alat.berths.rail_ferry=2,2", "-n", "2"], &dir, 2);
    assert!(
        err.contains("port.alat.berths.rail_ferry") && err.contains("value 2 is given twice"),
        "{err}"
    );
}

#[test]
fn a_design_point_the_overrides_make_invalid_names_them() {
    let dir = scratch("overrides-sweep-point");
    let base = scenario("baseline.toml");
    let err = fails(
        &[
            "sweep",
            &base,
            "-n",
            "2",
            "--set",
            "storage.aktau_tank_farm.initial=100000",
            "--axis",
            "storage.aktau_tank_farm.capacity=200000,50000",
        ],
        &dir,
        2,
    );
    // Named by the axis's option and values, then the scenario with its --set.
    let said = format!(
        "--axis storage.aktau_tank_farm.capacity=50000: design point 1 of {base} with --set \
         storage.aktau_tank_farm.initial=100000 is not a valid scenario"
    );
    assert!(err.contains(&said), "{err}");
}

/// A run of a changed scenario says so in its header and its document
/// (the embedded baseline's header read "(embedded baseline)" alone), and
/// a whole number stored as a float reads as written in a variant's
/// "(was ...)".
#[test]
fn a_run_names_its_overrides_and_a_variant_its_old_whole_numbers() {
    let dir = scratch("overrides_named");
    let set = "port.alat.berths.rail_ferry=3";
    let out = ok(&["run", "-n", "1", "-t", "1", "--set", set, "--json", "r.json"], &dir);
    let head = out.lines().next().unwrap();
    assert_eq!(
        head,
        format!(
            "scenario \"baseline\" (embedded baseline with --set {set}), seed 20261123, 1 replication"
        )
    );
    assert_eq!(json(&dir, "r.json")["source"], format!("embedded baseline with --set {set}"));
    let variant = "btk:outflow.btk_railway.capacity_t_per_year=17000000";
    let base = scenario("baseline.toml");
    let short = "scenario.horizon_days=60";
    let out = ok(&["compare", &base, "--variant", variant, "-n", "2", "--set", short], &dir);
    assert!(out.contains("capacity_t_per_year=17000000 (was 6500000)"), "{out}");
}

/// `5.` and `1.e1` are numbers on `--axis` and `--decision`, so on `--set`
/// too (TOML alone would not take them), and give the same results as `5`.
#[test]
fn a_number_with_a_trailing_point_is_that_number() {
    let dir = scratch("overrides-trailing-point");
    let run = |value: &str, name: &str| {
        let set = format!("weather.storm_rate_multiplier={value}");
        ok(&["run", "-n", "2", "-q", "--set", &set, "--json", name], &dir);
        let doc: serde_json::Value = serde_json::from_slice(&read(&dir, name)).unwrap();
        doc["kpis"].clone()
    };
    let plain = run("2", "a.json");
    assert_eq!(run("2.", "b.json"), plain);
    assert_eq!(run("0.2e1", "c.json"), plain);
    assert_eq!(run("2.e0", "d.json"), plain);
}
