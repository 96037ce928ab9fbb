//! Resolution end to end: the shipped policy scenarios are the baseline
//! plus the changes their comments document; overrides and chains.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::scenario::Scenario;

fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios")
}

/// A loader over real files.
fn disk(p: &Path) -> Result<String, String> {
    std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", shown_path(p)))
}

/// A loader over files held in memory.
fn memory(files: &BTreeMap<&str, &str>) -> impl FnMut(&Path) -> Result<String, String> {
    move |p: &Path| {
        let key = p.to_string_lossy().into_owned();
        files
            .get(key.as_str())
            .map(|t| (*t).to_string())
            .ok_or(format!("cannot read {key}: no such file"))
    }
}

fn baseline() -> Scenario {
    crate::parse(crate::BASELINE_TOML, "baseline").unwrap()
}

fn resolve_file(name: &str, sets: &[&str]) -> Resolved {
    let path = scenarios_dir().join(name);
    let overrides: Vec<Override> =
        sets.iter().map(|s| Override::parse(s, "--set").unwrap()).collect();
    resolve(Root::File(&path), &overrides, &mut disk).unwrap()
}

fn port<'a>(s: &'a mut Scenario, id: &str) -> &'a mut crate::scenario::Port {
    s.ports.iter_mut().find(|p| p.id == id).unwrap()
}
fn fleet<'a>(s: &'a mut Scenario, id: &str) -> &'a mut crate::scenario::Fleet {
    s.fleets.iter_mut().find(|p| p.id == id).unwrap()
}
fn inflow<'a>(s: &'a mut Scenario, id: &str) -> &'a mut crate::scenario::Inflow {
    s.inflows.iter_mut().find(|p| p.id == id).unwrap()
}

#[test]
fn shipped_policies_are_the_baseline_plus_their_documented_changes() {
    use crate::dist::DistSpec;
    type Change = fn(&mut Scenario);
    let cases: [(&str, Change); 7] = [
        ("alat_extra_berth.toml", |s| port(s, "alat").berths.rail_ferry = 3),
        ("btk_17mt.toml", |s| {
            s.outflows.iter_mut().find(|o| o.id == "btk_railway").unwrap().capacity_t_per_year =
                Some(17_000_000.0);
        }),
        ("larger_ferry_fleet.toml", |s| fleet(s, "ferries_kuryk_alat").count = 5),
        ("escort_convoys.toml", |s| {
            s.interdiction.escort.enabled = true;
            s.interdiction.escort.incident_factor = 0.2;
            s.interdiction.escort.escort_vessels = 12;
        }),
        ("high_interdiction.toml", |s| {
            s.interdiction.incident_probability = 0.005;
            s.interdiction.closures_per_year = 1.25;
            s.interdiction.closure_duration_h = DistSpec::Lognormal { mean: 336.0, sd: 240.0 };
            s.interdiction.escort.incident_factor = 0.2;
            s.interdiction.escort.escort_vessels = 12;
        }),
        ("severe_winter.toml", |s| {
            s.sea_areas[0].storm_onsets_per_month =
                [1.8, 1.8, 1.5, 0.7, 0.4, 0.3, 0.3, 0.3, 0.5, 0.8, 1.5, 1.8];
            s.sea_areas[0].storm_duration_h = DistSpec::Lognormal { mean: 48.0, sd: 36.0 };
        }),
        ("demand_2030.toml", |s| {
            port(s, "aktau").berths.tanker = 4;
            inflow(s, "kazakh_crude").size = DistSpec::Normal { mean: 19178.0, sd: 3700.0 };
            inflow(s, "westbound_trains_kuryk").arrivals_per_year = 760.0;
            inflow(s, "westbound_trains_aktau").arrivals_per_year = 253.0;
            inflow(s, "eastbound_trains_alat").arrivals_per_year = 380.0;
            fleet(s, "oil_tankers").count = 11;
            fleet(s, "ferries_kuryk_alat").count = 6;
            fleet(s, "ferries_aktau_alat").count = 2;
        }),
    ];
    for (file, change) in cases {
        let r = resolve_file(file, &[]);
        assert_eq!(r.lineage.extends.len(), 1, "{file}");
        assert_eq!(
            r.lineage.extends[0].sha256,
            sha256_hex(&disk(&scenarios_dir().join("baseline.toml")).unwrap())
        );
        let mut expected = baseline();
        change(&mut expected);
        // Their own name, description and sweep axes.
        assert_ne!(r.scenario.scenario.name, "baseline", "{file}");
        assert!(!r.scenario.sweeps.is_empty() && r.scenario.sweeps != expected.sweeps, "{file}");
        expected.scenario.name.clone_from(&r.scenario.scenario.name);
        expected.scenario.description.clone_from(&r.scenario.scenario.description);
        expected.sweeps.clone_from(&r.scenario.sweeps);
        assert_eq!(r.scenario, expected, "{file}");
        // The text that runs describes exactly that scenario.
        assert_eq!(crate::parse(&r.text, file).unwrap(), r.scenario, "{file}");
        crate::compile(&r.scenario).unwrap();
    }
}

#[test]
fn a_plain_file_runs_as_its_own_text() {
    let r = resolve_file("baseline.toml", &[]);
    assert_eq!(r.text, crate::BASELINE_TOML);
    assert_eq!(r.lineage, Lineage::default());
    let r = resolve(Root::Baseline, &[], &mut disk).unwrap();
    assert_eq!(r.text, crate::BASELINE_TOML);
    assert_eq!(r.source, "embedded baseline");
}

#[test]
fn overrides_write_paths_and_sweep_keys() {
    let r = resolve_file(
        "baseline.toml",
        &[
            "port.alat.berths.rail_ferry=3",
            "fleet.ferries_kuryk_alat.count=5.0",
            "interdiction.escort.enabled=1",
            "scenario.horizon_days=400",
            "weather.storm_rate_multiplier=1.5",
            "fleet.oil_tankers.port_call_overhead_h={ dist = \"constant\", value = 2 }",
        ],
    );
    let mut expected = baseline();
    port(&mut expected, "alat").berths.rail_ferry = 3;
    fleet(&mut expected, "ferries_kuryk_alat").count = 5;
    expected.interdiction.escort.enabled = true;
    expected.scenario.horizon_days = 400.0;
    crate::sweep::apply(&mut expected, "weather.storm_rate_multiplier", 1.5).unwrap();
    fleet(&mut expected, "oil_tankers").port_call_overhead_h =
        crate::dist::DistSpec::Constant { value: 2.0 };
    assert_eq!(r.scenario, expected);
    assert_eq!(r.lineage.overrides.len(), 6);
    assert_eq!(crate::parse(&r.text, "resolved").unwrap(), expected);
}

#[test]
fn override_errors_name_the_key_and_the_fix() {
    let err = |set: &str| {
        let o = Override::parse(set, "--set").unwrap();
        resolve(Root::Baseline, &[o], &mut disk).unwrap_err().to_string()
    };
    let e = err("fleet.nope.count=5");
    assert!(e.starts_with("--set fleet.nope.count=5: unknown fleet \"nope\""), "{e}");
    assert!(e.contains("\"ferries_kuryk_alat\""), "{e}");
    let e = err("fleet.oil_tankers.count=many");
    assert!(e.contains("fleet.oil_tankers.count: expected a whole number"), "{e}");
    let e = err("scenario.horizon_days=long");
    assert!(e.contains("expected a number, got the text \"long\""), "{e}");
    let e = err("interdiction.escort.enabled=yes");
    assert!(e.contains("expected true or false"), "{e}");
    let e = err("port.alat.berths.rial_ferry=3");
    assert!(e.contains("did you mean \"rail_ferry\""), "{e}");
    let e = err("ports.alat.berths.tanker=3");
    assert!(e.contains("did you mean \"port\""), "{e}");
    let e = err("weather.storm_rate_multiplier=strong");
    assert!(e.contains("expected a number"), "{e}");
    // An id names its entry (and its KPIs): not renamed by an override.
    for set in ["fleet.oil_tankers.id=x", "port.alat.id=\"baku\"", "sea_area.middle_caspian.id.x=1"]
    {
        let e = err(set);
        let key = &set[..set.find(".id").unwrap() + 3];
        assert!(
            e.starts_with(&format!("--set {set}: {key} is an id: ids name entries"))
                && e.ends_with("to rename the entry, edit the scenario file"),
            "{e}"
        );
    }
    let e = err("weather.storm_duration_multiplier=-0.5");
    assert!(e.starts_with("--set weather.storm_duration_multiplier=-0.5: a multiplier"), "{e}");
    // `extends` is read before the rest of [scenario]: not an unknown key.
    let e = err("scenario.extends=/etc/passwd");
    assert!(e.contains("scenario.extends cannot be changed with --set"), "{e}");
    assert!(!e.contains("did you mean"), "{e}");
}

#[test]
fn a_scenario_the_overrides_make_invalid_is_named_with_them() {
    let set = Override::parse("fleet.oil_tankers.capacity=0", "--set").unwrap();
    let variant = Override::parse("scenario.horizon_days=-3", "--variant v:").unwrap();
    let e = resolve(Root::Baseline, &[set, variant], &mut disk).unwrap_err();
    assert!(matches!(e, ResolveError::Invalid(_)), "{e:?}");
    let with = "embedded baseline with --set fleet.oil_tankers.capacity=0, \
                --variant v:scenario.horizon_days=-3";
    let e = e.to_string();
    assert!(e.starts_with(&format!("{with}: 2 problem(s)")), "{e}");
    assert!(e.contains(&format!("{with}: fleet.oil_tankers.capacity: must be at least 1")), "{e}");
}

#[test]
fn chains_merge_remove_and_refuse_cycles() {
    let files = BTreeMap::from([
        (
            "d/a.toml",
            "[scenario]\nextends = \"b.toml\"\nname = \"a\"\n[[fleet]]\nid = \"ferries_aktau_alat\"\nremove = true\n\
             [[inflow]]\nid = \"westbound_trains_aktau\"\nremove = true\n",
        ),
        (
            "d/b.toml",
            "[scenario]\nextends = \"baseline\"\nname = \"b\"\n[[port]]\nid = \"alat\"\nberths.roro = 4\n",
        ),
        ("d/c.toml", "[scenario]\nextends = \"e.toml\"\nname = \"c\"\n"),
        ("d/e.toml", "[scenario]\nextends = \"./c.toml\"\nname = \"e\"\n"),
        ("d/m.toml", "[scenario]\nextends = \"missing.toml\"\nname = \"m\"\n"),
        ("d/t.toml", "[scenario]\nname = \"t\nhorizon"),
        ("d/u.toml", "[scenario]\nextends = \"t.toml\"\nname = \"u\"\n"),
        ("d/x.toml", "[scenario]\nextends = \"a\\nb.toml\"\n"),
    ]);
    let mut load = memory(&files);
    let r = resolve(Root::File(Path::new("d/a.toml")), &[], &mut load).unwrap();
    let mut expected = baseline();
    expected.scenario.name = "a".into();
    port(&mut expected, "alat").berths.roro = 4;
    expected.fleets.retain(|f| f.id != "ferries_aktau_alat");
    expected.inflows.retain(|i| i.id != "westbound_trains_aktau");
    assert_eq!(r.scenario, expected);
    let sources: Vec<&str> = r.lineage.extends.iter().map(|p| p.source.as_str()).collect();
    assert_eq!(sources, ["d/b.toml", "embedded baseline"]);
    let e = resolve(Root::File(Path::new("d/c.toml")), &[], &mut load).unwrap_err().to_string();
    assert_eq!(e, "scenario files extend one another in a cycle: d/c.toml -> d/e.toml -> d/c.toml");
    let e = resolve(Root::File(Path::new("d/m.toml")), &[], &mut load).unwrap_err().to_string();
    assert!(e.starts_with("d/m.toml: extends \"missing.toml\": cannot read d/missing.toml"), "{e}");
    // A line break in the name is shown, not printed.
    let e = resolve(Root::File(Path::new("d/x.toml")), &[], &mut load).unwrap_err().to_string();
    assert!(e.starts_with("d/x.toml: extends \"a<U+000A>b.toml\": cannot read"), "{e}");
    // A parent that is not TOML is named with the file that extends it.
    let e = resolve(Root::File(Path::new("d/u.toml")), &[], &mut load).unwrap_err().to_string();
    assert!(e.starts_with("d/t.toml (extended by d/u.toml): TOML parse error"), "{e}");
}

/// A value that does not fit, in any file of a chain, is named in the
/// file that wrote it, with its line and column, as a file's own errors
/// are: the extending file's own value first, since it replaces the
/// parent's.
#[test]
fn a_misfit_in_a_chain_is_named_in_the_file_that_wrote_it() {
    let files = BTreeMap::from([
        ("d/p.toml", "[scenario]\nextends = \"baseline\"\nname = \"p\"\nhorizon_days = \"x\"\n"),
        ("d/c.toml", "[scenario]\nextends = \"p.toml\"\nname = \"c\"\n"),
        ("d/k.toml", "[scenario]\nextends = \"baseline\"\nhorizn_days = 5\n"),
        ("d/j.toml", "[scenario]\nextends = \"k.toml\"\n"),
        ("d/o.toml", "[scenario]\nextends = \"p.toml\"\nhorizon_days = true\n"),
        (
            "d/f.toml",
            "[scenario]\nextends = \"baseline\"\n\n[[fleet]]\nid = \"oil_tankers\"\ncount = \"four\"\n",
        ),
        (
            "d/q.toml",
            "[scenario]\nextends = \"baseline\"\n[[fleet]]\nid = \"oil_tankers\"\ncapacity = 0\n",
        ),
        ("d/r.toml", "[scenario]\nextends = \"q.toml\"\n"),
        (
            "d/l.toml",
            "[scenario]\nextends = \"baseline\"\n[[fleet]]\nid = \"oil_tankers\"\n\
             availability = [900.0, 18.0]\n",
        ),
        ("d/m.toml", "[scenario]\nextends = \"l.toml\"\n"),
        (
            "d/g.toml",
            "[scenario]\nextends = \"baseline\"\n[[costs.charter]]\nfleet = \"oil_tankers\"\n\
             day_rate = 20000\n",
        ),
        ("d/h.toml", "[scenario]\nextends = \"g.toml\"\n"),
        (
            "d/i.toml",
            "[scenario]\nextends = \"baseline\"\n\n[[port]]\nid = \"new port\"\nberths = { tanker = 1 }\n",
        ),
    ]);
    let mut load = memory(&files);
    let mut error =
        |name: &str| resolve(Root::File(Path::new(name)), &[], &mut load).unwrap_err().to_string();
    let e = error("d/c.toml");
    assert!(e.starts_with("d/p.toml (extended by d/c.toml): error at line 4, column 16\n"), "{e}");
    assert!(e.contains("4 | horizon_days = \"x\"\n  |                ^^^\n"), "{e}");
    assert!(e.ends_with("scenario.horizon_days: expected a number, got the text \"x\""), "{e}");
    // A bad id is named by its kind, not by its place in the merged list.
    let e = error("d/i.toml");
    assert!(e.starts_with("d/i.toml: error at line 5, column 6\n"), "{e}");
    assert!(
        e.ends_with(
            "[[port]] id: id \"new port\" has U+0020 (whitespace) at character 4; \
                         an id may hold only letters A-Z and a-z, digits, '_' and '-'"
        ),
        "{e}"
    );
    // The file that extends the baseline names its own line.
    assert!(error("d/p.toml").starts_with("d/p.toml: error at line 4, column 16\n"));
    // An unknown key two files up, underlined where it is written.
    let e = error("d/j.toml");
    assert!(e.starts_with("d/k.toml (extended by d/j.toml): error at line 3, column 1\n"), "{e}");
    assert!(e.contains("3 | horizn_days = 5\n  | ^^^^^^^^^^^\n"), "{e}");
    assert!(e.contains("scenario.horizn_days: unknown key"), "{e}");
    // The extending file's own value replaces the parent's, and is named.
    assert!(error("d/o.toml").starts_with("d/o.toml: error at line 3, column 16\n"));
    let e = error("d/f.toml");
    assert!(e.starts_with("d/f.toml: error at line 6, column 9\n"), "{e}");
    assert!(e.ends_with(
        "fleet.oil_tankers.count: expected a whole number (0 or more), got the text \"four\""
    ));
    // A value that reads but is out of range is named where a parent wrote
    // it; one the file itself wrote needs no more than its name.
    let e = error("d/r.toml");
    let said = "d/r.toml: fleet.oil_tankers.capacity: must be at least 1, got 0 \
                (written in d/q.toml (extended by d/r.toml), line 5)";
    assert!(e.contains(said), "{e}");
    assert!(error("d/q.toml").ends_with("must be at least 1, got 0"), "the file's own");
    // A list where a table goes, in the parent that wrote it.
    let e = error("d/m.toml");
    assert!(e.starts_with("d/l.toml (extended by d/m.toml): error at line 5, column 16\n"), "{e}");
    assert!(e.ends_with(&format!("fleet.oil_tankers.availability: {LIST_FOR_TABLE}")), "{e}");
    // A value an override replaced, or scaled, is not the parent's: a list
    // replaced whole (its errors name entries `[i]`), a multiplier.
    let overridden = |set: &str| {
        let o = Override::parse(set, "--set").unwrap();
        let r = resolve(Root::File(Path::new("d/h.toml")), &[o], &mut memory(&files));
        r.unwrap_err().to_string()
    };
    let e = overridden("costs.charter=[{ fleet = \"oil_tankers\", day_rate = -1 }]");
    assert!(e.contains("costs.charter[0].day_rate: ") && !e.contains("written in"), "{e}");
    let e = overridden("weather.storm_rate_multiplier=1e308");
    let scaled = "(scaled by --set weather.storm_rate_multiplier=1e308)";
    assert!(e.contains("storm_onsets_per_month[0]: ") && e.contains(scaled), "{e}");
}

/// A whole number past `i64::MAX` fits a `u64` seed in a file read whole,
/// but a file that extends another is merged as a TOML table, which cannot
/// hold it: the error names the number and the limit (it used to be
/// "unknown key \"extends\"; did you mean \"extends\"?").
#[test]
fn a_number_past_the_tables_limit_in_a_derived_file_is_named() {
    let seed = "seed = 9223372036854775808\n";
    let files = BTreeMap::from([
        ("whole.toml", crate::BASELINE_TOML.replacen("seed = 20261123\n", seed, 1)),
        ("derived.toml", format!("[scenario]\nextends = \"baseline\"\nname = \"x\"\n{seed}")),
    ]);
    let files: BTreeMap<&str, &str> = files.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut load = memory(&files);
    let whole = resolve(Root::File(Path::new("whole.toml")), &[], &mut load).unwrap();
    assert_eq!(whole.scenario.scenario.seed, 9_223_372_036_854_775_808);
    let e = resolve(Root::File(Path::new("derived.toml")), &[], &mut load).unwrap_err().to_string();
    assert!(e.contains("line 4"), "{e}");
    assert!(e.contains("a whole number may be at most 9223372036854775807"), "{e}");
    assert!(!e.contains("unknown key"), "{e}");
}

#[test]
fn overrides_reach_the_costs_table() {
    let r = resolve_file(
        "baseline.toml",
        &["costs.discount_rate=0.05", "costs.capital.berth.rail_ferry=5.0e7"],
    );
    assert_eq!(r.scenario.costs.discount_rate, 0.05);
    assert_eq!(r.scenario.costs.capital.berth.rail_ferry, 5.0e7);
    // The keys not set keep their defaults.
    let d = crate::scenario::Costs::default();
    assert_eq!(r.scenario.costs.capital.berth.tanker, d.capital.berth.tanker);
    assert_eq!(r.scenario.costs.operating, d.operating);
}

#[test]
fn the_scenario_tables_unknown_key_lists_extends() {
    let e =
        crate::parse("[scenario]\nname = \"x\"\nhorizon_days = 1.0\nextend = \"b.toml\"\n", "f")
            .unwrap_err()
            .to_string();
    assert!(e.contains("unknown key \"extend\"; did you mean \"extends\"?"), "{e}");
    assert!(e.contains("\"horizon_days\"") && e.contains("\"extends\")"), "{e}");
}

#[test]
fn a_weather_or_disruptions_table_in_a_file_says_where_its_multipliers_go() {
    let meta = "[scenario]\nname = \"x\"\nhorizon_days = 1.0\n";
    let e = crate::parse(&format!("{meta}[weather]\nstorm_rate_multiplier = 2.0\n"), "f")
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown key \"weather\""), "{e}");
    assert!(e.contains("are given with --set or as a [[sweep]] axis, not in a [weather]"), "{e}");
    let e = crate::parse(&format!("{meta}[disruptions]\nrate_multiplier = 2.0\n"), "f")
        .unwrap_err()
        .to_string();
    assert!(e.contains("scale every [[disruption]]"), "{e}");
    // Not added to an unknown key of another table.
    let e =
        crate::parse(&format!("{meta}[interdiction]\nweather = 1\n"), "f").unwrap_err().to_string();
    assert!(e.contains("unknown key \"weather\"") && !e.contains("--set"), "{e}");
}

#[test]
fn a_list_where_a_table_goes_is_refused_wherever_it_is_written() {
    let meta = "[scenario]\nname = \"x\"\nhorizon_days = 1.0\n";
    let base = crate::BASELINE_TOML;
    let availability = "availability = { drydock_every_days = 900.0, drydock_days = 18.0, \
                        mtbf_days = 90.0, repair_h = { dist = \"lognormal\", mean = 24.0, \
                        sd = 18.0 } }";
    assert!(base.contains(availability));
    let cases = [
        // Tables the scenario leaves out when they hold only defaults.
        (format!("costs = []\n{meta}"), "costs"),
        (format!("tonnes_per_unit = []\n{meta}"), "tonnes_per_unit"),
        (format!("{meta}[costs]\ncapital = []\n"), "costs.capital"),
        (format!("{meta}[costs.capital]\nberth = [1.0]\n"), "costs.capital.berth"),
        // Inline tables and dotted keys.
        (format!("interdiction = {{ escort = [] }}\n{meta}"), "interdiction.escort"),
        (format!("interdiction.escort = [true]\n{meta}"), "interdiction.escort"),
        // The first of two in the order of the file's keys, not the
        // format's (`costs` comes last in a scenario).
        (format!("costs = []\ninterdiction.escort = []\n{meta}"), "costs"),
        // Entries of arrays of tables, by id; entries without one, by index.
        (
            base.replacen(availability, "availability = [900.0, 18.0]", 1),
            "fleet.oil_tankers.availability",
        ),
        (
            base.replacen(
                "shared_berths = [{ classes = [\"tanker\", \"rail_ferry\"], count = 1 }]",
                "shared_berths = [[[\"tanker\", \"rail_ferry\"], 1]]",
                1,
            ),
            "port.aktau.shared_berths.0",
        ),
    ];
    for (text, path) in &cases {
        let e = crate::parse(text, "f.toml").unwrap_err().to_string();
        assert_eq!(e, format!("f.toml: {path}: {LIST_FOR_TABLE}"), "{text}");
    }
    // The same through an override (the resolved table, not the file's text).
    for key in ["costs.capital", "costs.operating", "fleet.oil_tankers.availability"] {
        let o = Override::parse(&format!("{key}=[]"), "--set").unwrap();
        let e = resolve(Root::Baseline, &[o], &mut disk).unwrap_err().to_string();
        assert!(e.ends_with(&format!(": {key}: {LIST_FOR_TABLE}")), "{key}: {e}");
    }
    // Lists and tables where the format has them are read as before.
    for text in [
        format!("costs = {{}}\ntonnes_per_unit = {{ oil = 1.0 }}\n{meta}"),
        format!("sweep = []\ndredging = []\n{meta}[costs]\ncharter = []\n"),
        format!("{meta}[interdiction]\nescort = {{}}\n"),
    ] {
        crate::parse(&text, "f.toml").unwrap();
    }
    // A table where a list goes keeps serde's own message.
    for (text, expected) in [
        (format!("sweep = {{}}\n{meta}"), "sweep"),
        (
            base.replacen(
                "storm_onsets_per_month = [",
                "storm_onsets_per_month = { a = 1 } # [",
                1,
            ),
            "storm_onsets_per_month",
        ),
    ] {
        let e = crate::parse(&text, "f.toml").unwrap_err().to_string();
        assert!(
            e.contains(&format!("{expected} = {{"))
                && e.ends_with("expected a list [...], got a table"),
            "{e}"
        );
    }
}

#[test]
fn disruption_overrides_set_rates_and_multipliers() {
    let file = "stress/random_outages.toml";
    let plain = resolve_file(file, &[]).scenario;
    let r = resolve_file(file, &["disruptions.rate_multiplier=2"]);
    for (d, before) in r.scenario.disruptions.iter().zip(&plain.disruptions) {
        assert_eq!(d.rate_per_year, Some(2.0 * before.rate_per_year.unwrap()), "{}", d.id);
        assert_eq!(d.duration_days, before.duration_days, "{}", d.id);
    }
    assert_eq!(crate::parse(&r.text, "resolved").unwrap(), r.scenario);
    let r = resolve_file(file, &["disruptions.duration_multiplier=0.5"]);
    let d = &r.scenario.disruptions[0];
    assert_eq!(d.duration_days, plain.disruptions[0].duration_days.as_ref().map(|x| x.scaled(0.5)));

    // A mean time between episodes replaces the rate the file gives.
    let path = scenarios_dir().join(file);
    let o = |s: &str| Override::parse(s, "--set").unwrap();
    let r = resolve(Root::File(&path), &[o("disruption.alat_outage.mtbf_days=100")], &mut disk);
    let r = r.unwrap().scenario;
    assert_eq!((r.disruptions[0].rate_per_year, r.disruptions[0].mtbf_days), (None, Some(100.0)));
    // A variant's note says which key gave the quantity it replaces.
    let notes = set::changes_from(&r, &[o("disruption.alat_outage.rate_per_year=4")]);
    assert_eq!(
        notes,
        ["disruption.alat_outage.rate_per_year=4 (was not set; disruption.alat_outage.mtbf_days \
          was 100)"]
    );

    // Nothing compounds or is silently replaced: a multiplier and a value
    // it scales, or both ways of giving a rate, are refused in any order.
    let both = |a: &str, b: &str| overlap::check_distinct(&[o(a), o(b)]).unwrap_err().to_string();
    let rate = "disruption.alat_outage.rate_per_year=1";
    for (a, b) in [("disruptions.rate_multiplier=2", rate), (rate, "disruptions.rate_multiplier=2")]
    {
        let e = both(a, b);
        assert!(e.contains("set one value, the one scaling the other"), "{e}");
    }
    for (a, b) in [
        ("disruptions.duration_multiplier=2", "disruption.btk_outage.duration_days.mean=3"),
        ("weather.storm_rate_multiplier=2", "sea_area.middle_caspian.storm_onsets_per_month=[1]"),
        ("weather.storm_duration_multiplier=2", "sea_area.middle_caspian.storm_duration_h.mean=5"),
    ] {
        let e = both(a, b);
        assert!(e.contains("set one value, the one scaling the other"), "{e}");
    }
    let e = both(rate, "disruption.alat_outage.mtbf_days=30");
    assert!(e.contains("give one quantity two ways"), "{e}");
    // Other keys of a disruption, and another entry's pair, do not overlap.
    overlap::check_distinct(&[
        o("disruptions.rate_multiplier=2"),
        o("disruption.alat_outage.scale=0.5"),
    ])
    .unwrap();
    overlap::check_distinct(&[o(rate), o("disruption.btk_outage.mtbf_days=30")]).unwrap();

    let err = |set: &str| resolve(Root::File(&path), &[o(set)], &mut disk).unwrap_err().to_string();
    let e = err("disruptions.rate=2");
    assert!(
        e.contains("unknown key \"rate\" in disruptions; did you mean \"rate_multiplier\"?"),
        "{e}"
    );
    let e = err("disruptions.rate_multiplier=-1");
    assert!(e.starts_with("--set disruptions.rate_multiplier=-1: a multiplier"), "{e}");
    let dated = scenarios_dir().join("stress/alat_closed_30d.toml");
    for set in ["disruption.alat_closed.rate_per_year=1", "disruption.alat_closed.mtbf_days=30"] {
        let e = resolve(Root::File(&dated), &[o(set)], &mut disk).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!(
                "--set {set}: disruption \"alat_closed\" strikes on a fixed day (start_day)"
            )),
            "{e}"
        );
    }
    let e = err("disruptions.rate_multiplier.x=2");
    assert!(
        e.contains("disruptions.rate_multiplier is a multiplier, a number with nothing"),
        "{e}"
    );
    let e = err("disruption.rate_multiplier=2");
    assert!(e.ends_with("; the multiplier is disruptions.rate_multiplier"), "{e}");
    // [[dredging]] has no ids: no entry can be named or added.
    for set in [
        "dredging={ port = \"aktau\", day = 0, depth_m = 7.7 }",
        "dredging.aktau.day=3",
        "dredging[0].day=3",
    ] {
        let e = err(set);
        assert!(e.contains("[[dredging]] entries have no ids, so --set can neither"), "{e}");
    }
}

mod chain;
mod types;

#[test]
fn a_table_given_with_set_merges_as_a_derived_file_does() {
    // A plain table merges key by key (the other berth classes stay); a
    // distribution replaces the one there whole.
    let merged = resolve_file("baseline.toml", &["port.alat.berths={rail_ferry=4}"]);
    let one = resolve_file("baseline.toml", &["port.alat.berths.rail_ferry=4"]);
    assert_eq!(merged.scenario, one.scenario);
    let mut expected = baseline();
    port(&mut expected, "alat").berths.rail_ferry = 4;
    assert_eq!(merged.scenario, expected);
    let dist = r#"fleet.oil_tankers.port_call_overhead_h={ dist = "constant", value = 2.0 }"#;
    let replaced = resolve_file("baseline.toml", &[dist]);
    let tankers = replaced.scenario.fleets.iter().find(|f| f.id == "oil_tankers").unwrap();
    assert_eq!(
        tankers.port_call_overhead_h,
        crate::dist::DistSpec::Constant { value: 2.0 },
        "a distribution replaces the one there"
    );
}
