//! Unit tests of sweep keys: parsing, checks, application and units.

use super::*;

/// Every sweep key's form ([`text::FORMS`], which the suggestions use),
/// with ids: a form the parser does not take fails here.
fn keys() -> Vec<String> {
    text::FORMS
        .iter()
        .map(|form| form.replacen('*', "x", 1).replacen('*', "rail_ferry", 1))
        .collect()
}

#[test]
fn keys_round_trip_through_their_text() {
    let keys = keys();
    assert_eq!(keys.len(), 25, "a form for each kind of key");
    for text in &keys {
        let text = text.as_str();
        let key: SweepKey = text.parse().unwrap();
        assert_eq!(key.to_string(), text);
        assert!(!key.unit().is_empty(), "{text}");
        // Serde goes through the same text.
        assert_eq!(String::from(key.clone()), text);
        assert_eq!(SweepKey::try_from(text.to_string()), Ok(key));
    }
}

#[test]
fn bad_keys_say_what_is_wrong() {
    for text in ["", "port", "fleet.f.speed_kn", "port.p.berths", "a.b.c.d.e"] {
        let e = text.parse::<SweepKey>().unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "\"{text}\" is not a sweepable parameter (see docs/scenarios.md, section Sweeps)"
            )
        );
    }
    // A key close to one that exists is named, its ids kept.
    for (text, hint) in [
        ("weather.storm", "weather.storm_rate_multiplier"),
        ("disruptions.rate_multipler", "disruptions.rate_multiplier"),
        ("disruption.alat_outage.rate_per_yr", "disruption.alat_outage.rate_per_year"),
        ("fleet.f.availability.mtbf", "fleet.f.availability.mtbf_days"),
        ("storage.yard.capcity", "storage.yard.capacity"),
        ("disruption.alat_outage.rate", "disruption.alat_outage.rate_per_year"),
    ] {
        let e = text.parse::<SweepKey>().unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "\"{text}\" is not a sweepable parameter; did you mean \"{hint}\"? (see \
                 docs/scenarios.md, section Sweeps)"
            )
        );
    }
    // Never a key of another table, where the id would not exist.
    for text in [
        "port.alat.capacity",
        "fleet.f.capacity_per_year",
        "fleet.f.arrivals_per_year",
        "inflow.i.capacity_per_year",
        "outflow.o.arrivals_per_year",
    ] {
        let e = text.parse::<SweepKey>().unwrap_err().to_string();
        assert!(!e.contains("did you mean"), "{e}");
    }
    let e = "port.p.berths.dock".parse::<SweepKey>().unwrap_err();
    assert_eq!(e.to_string(), "port.p.berths.dock: unknown berth class \"dock\"");
    // An id names its entry: never swept.
    for text in ["fleet.f.id", "port.p.id", "inflow.i.id.x"] {
        let e = text.parse::<SweepKey>().unwrap_err().to_string();
        assert!(e.ends_with("is an id: ids name entries (in KPI names and in other entries' references), so --set, --variant and --axis cannot change them; to rename the entry, edit the scenario file"), "{e}");
        assert!(e.starts_with(&text[..text.find(".id").unwrap() + 3]), "{e}");
    }
}

#[test]
fn apply_writes_and_checks_values() {
    let mut s = crate::parse(crate::BASELINE_TOML, "baseline").unwrap();
    let port = s.ports[0].id.clone();
    let key: SweepKey = format!("port.{port}.berths.tanker").parse().unwrap();
    assert!(key.needs_whole_number());
    key.apply(&mut s, 3.0).unwrap();
    assert_eq!(s.ports[0].berths.tanker, 3);
    let e = key.apply(&mut s, 1.5).unwrap_err();
    assert_eq!(e.to_string(), format!("{key} needs a whole non-negative number, got 1.5"));
    let e = apply(&mut s, "fleet.ghost.count", 1.0).unwrap_err();
    assert_eq!(e.to_string(), "fleet.ghost.count: unknown fleet \"ghost\"");
    assert_eq!(check_key(&s, "fleet.ghost.count"), Err(e));
    let e = apply(&mut s, "interdiction.escort.enabled", 0.5).unwrap_err();
    assert_eq!(e.to_string(), "interdiction.escort.enabled takes 0 or 1, got 0.5");
    apply(&mut s, "interdiction.escort.escort_vessels", 12.0).unwrap();
    assert_eq!(s.interdiction.escort.escort_vessels, 12);
    let e = apply(&mut s, "interdiction.escort.escort_vessels", 2.5).unwrap_err();
    assert!(e.to_string().contains("needs a whole non-negative number, got 2.5"), "{e}");
    assert!(!SweepKey::StormRateMultiplier.needs_whole_number());
}

/// The baseline with a random disruption given as a rate, one given as a
/// mean time between episodes, and a dated one.
fn with_disruptions() -> Scenario {
    let text = format!(
        "{}\n{}",
        crate::BASELINE_TOML,
        r#"
[[disruption]]
id = "by_rate"
target = "port.alat"
rate_per_year = 0.5
duration_days = { dist = "lognormal", mean = 7, sd = 5 }

[[disruption]]
id = "by_mtbf"
target = "port.aktau"
mtbf_days = 730
duration_days = { dist = "constant", value = 4 }

[[disruption]]
id = "dated"
target = "port.kuryk"
start_day = 100
duration_days = { dist = "constant", value = 10 }
"#
    );
    crate::parse(&text, "test").unwrap()
}

#[test]
fn disruption_keys_write_rates_scales_and_multipliers() {
    let s = with_disruptions();
    let d = |s: &Scenario, id: &str| s.disruptions.iter().find(|d| d.id == id).unwrap().clone();

    // A rate replaces a mean time between episodes.
    let mut t = s.clone();
    apply(&mut t, "disruption.by_mtbf.rate_per_year", 2.0).unwrap();
    assert_eq!((d(&t, "by_mtbf").rate_per_year, d(&t, "by_mtbf").mtbf_days), (Some(2.0), None));
    assert!(crate::compile(&t).is_ok());
    // A dated disruption has no rate.
    let e = apply(&mut t, "disruption.dated.rate_per_year", 1.0).unwrap_err().to_string();
    assert!(
        e.starts_with(
            "disruption.dated.rate_per_year: disruption \"dated\" strikes on a fixed day"
        ),
        "{e}"
    );
    let e = apply(&mut t, "disruption.ghost.scale", 0.5).unwrap_err().to_string();
    assert_eq!(e, "disruption.ghost.scale: unknown disruption \"ghost\"");
    apply(&mut t, "disruption.dated.scale", 0.25).unwrap();
    assert_eq!(d(&t, "dated").scale, 0.25);

    // The rate multiplier scales every random rate (divides a mean time
    // between episodes) and leaves a dated disruption's day alone.
    let mut t = s.clone();
    apply(&mut t, "disruptions.rate_multiplier", 3.0).unwrap();
    assert_eq!(d(&t, "by_rate").rate_per_year, Some(1.5));
    assert_eq!(
        (d(&t, "by_mtbf").rate_per_year, d(&t, "by_mtbf").mtbf_days),
        (None, Some(730.0 / 3.0))
    );
    assert_eq!(d(&t, "dated"), d(&s, "dated"));
    // 1 changes nothing, so a sweep's point at 1 is the scenario as written.
    let mut t = s.clone();
    apply(&mut t, "disruptions.rate_multiplier", 1.0).unwrap();
    assert_eq!(t, s);
    // 0 switches the random ones off, and is a valid scenario.
    let mut t = s.clone();
    apply(&mut t, "disruptions.rate_multiplier", 0.0).unwrap();
    assert_eq!(d(&t, "by_rate").rate_per_year, Some(0.0));
    assert_eq!((d(&t, "by_mtbf").rate_per_year, d(&t, "by_mtbf").mtbf_days), (Some(0.0), None));
    assert!(crate::compile(&t).is_ok());
    // A disruption given both a rate and a mean time stays invalid.
    let mut both = s.clone();
    both.disruptions[0].mtbf_days = Some(100.0);
    apply(&mut both, "disruptions.rate_multiplier", 1.0).unwrap();
    assert!(crate::compile(&both).is_err());

    // The duration multiplier scales every duration, dated ones included.
    let mut t = s.clone();
    apply(&mut t, "disruptions.duration_multiplier", 2.0).unwrap();
    assert_eq!(d(&t, "dated").duration_days, d(&s, "dated").duration_days.map(|x| x.scaled(2.0)));
    assert_eq!(
        d(&t, "by_rate").duration_days,
        d(&s, "by_rate").duration_days.map(|x| x.scaled(2.0))
    );

    // Multipliers refuse what is not one, storms' included.
    for key in [
        "disruptions.rate_multiplier",
        "disruptions.duration_multiplier",
        "weather.storm_rate_multiplier",
        "weather.storm_duration_multiplier",
    ] {
        let key: SweepKey = key.parse().unwrap();
        assert!(key.is_multiplier() && !key.needs_whole_number());
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            let e = key.apply(&mut s.clone(), bad).unwrap_err().to_string();
            assert_eq!(
                e,
                format!("{key} is a multiplier: it takes a finite number, 0 or more, got {bad}")
            );
        }
    }
    assert!(!"disruption.by_rate.rate_per_year".parse::<SweepKey>().unwrap().is_multiplier());
}
