//! Unit tests of the scenario checks.

use crate::CompiledScenario;

/// A valid scenario: one port in a sea area with no ice season.
const SMALL: &str = r#"
[scenario]
name = "compile test"
horizon_days = 10.0

[[sea_area]]
id = "calm"

[[port]]
id = "p"
sea_area = "calm"
berths = { tanker = 1 }
"#;

/// The keys of every problem `text` has (empty when it compiles).
fn error_keys(text: &str) -> Vec<String> {
    match crate::load(text, "test") {
        Ok(_) => Vec::new(),
        Err(crate::LoadError::Invalid { errors, .. }) => {
            errors.into_iter().map(|e| e.key).collect()
        }
        Err(e) => panic!("{e}"),
    }
}

/// Values that pass their own range but would overflow or collapse
/// simulated time (found by the tests/bad_scenarios corpus).
#[test]
fn durations_that_overflow_or_round_to_zero_are_rejected() {
    let two_ports =
        SMALL.replace("[[port]]", "[[port]]\nid = \"q\"\nberths = { tanker = 1 }\n\n[[port]]");
    let text = format!(
        "{two_ports}
[[storage]]
id = \"a\"
port = \"p\"
cargo = \"oil\"
capacity = 100

[[storage]]
id = \"b\"
port = \"q\"
cargo = \"oil\"
capacity = 100

[[fleet]]
id = \"f\"
berth_class = \"tanker\"
count = 1
cargo = \"oil\"
capacity = 10
speed_kn = 10.0
distance_nmi = 100.0
origin = \"p\"
load_from = \"a\"
destination = \"q\"
discharge_to = \"b\"
load_rate_per_h = 5.0
discharge_rate_per_h = 5.0
dispatch = {{ policy = \"timetable\", interval_h = 24.0 }}

[[open_traffic]]
id = \"o\"
port = \"p\"
berth_class = \"tanker\"
interarrival_h = {{ dist = \"exponential\", mean = 48.0 }}
service_h = {{ dist = \"constant\", value = 6.0 }}
"
    );
    assert!(error_keys(&text).is_empty(), "{:?}", error_keys(&text));
    let cases = [
        ("speed_kn = 10.0", "speed_kn = 1e-300", "fleet.f.speed_kn"),
        ("load_rate_per_h = 5.0", "load_rate_per_h = 1e-300", "fleet.f.load_rate_per_h"),
        (
            "discharge_rate_per_h = 5.0",
            "discharge_rate_per_h = 1e-9",
            "fleet.f.discharge_rate_per_h",
        ),
        ("interval_h = 24.0", "interval_h = 1e-9", "fleet.f.dispatch.interval_h"),
        ("mean = 48.0", "mean = 1e-12", "open_traffic.o.interarrival_h"),
    ];
    for (from, to, key) in cases {
        let bad = text.replace(from, to);
        assert_eq!(error_keys(&bad), [key], "{to}");
    }
    // Slow but within the largest horizon is still accepted.
    let slow = text.replace("speed_kn = 10.0", "speed_kn = 0.001");
    assert!(error_keys(&slow).is_empty(), "{:?}", error_keys(&slow));
}

#[test]
fn ice_affected_needs_an_ice_season_in_its_sea_area() {
    assert!(error_keys(SMALL).is_empty());
    let flagged = SMALL.replace("berths =", "ice_affected = true\nberths =");
    // The area exists but has no ice season: the flag would do nothing.
    assert_eq!(error_keys(&flagged), ["port.p.ice_affected"]);
    let err = crate::load(&flagged, "test").unwrap_err().to_string();
    assert!(err.contains("ice season") && err.contains("\"calm\""), "{err}");
    // With a season it is accepted.
    let icy = flagged.replace(
        "id = \"calm\"\n",
        "id = \"calm\"\nice = { start_day = 0.0, duration_days = { dist = \"constant\", value = 30.0 } }\n",
    );
    assert!(error_keys(&icy).is_empty(), "{:?}", error_keys(&icy));
    // Without a sea area at all, as before.
    let no_area = flagged.replace("sea_area = \"calm\"\n", "");
    assert_eq!(error_keys(&no_area), ["port.p.ice_affected"]);
}

#[test]
fn sweep_values_must_apply_to_their_key() {
    let text = format!(
        "{SMALL}
[[sweep]]
key = \"port.p.berths.tanker\"
values = [1.0, 1.5, 2.0, -1.0]

[[sweep]]
key = \"interdiction.escort.enabled\"
values = [0.0, 1.0, 0.5]

[[sweep]]
key = \"interdiction.incident_probability\"
values = [0.0, 0.25]

[[sweep]]
key = \"port.nowhere.berths.tanker\"
values = [1.5]
"
    );
    // A fractional or negative berth count and an on/off switch at 0.5 are
    // reported at the value; an unknown key is reported once, at the key.
    assert_eq!(
        error_keys(&text),
        ["sweep[0].values[1]", "sweep[0].values[3]", "sweep[1].values[2]", "sweep[3].key"]
    );
    let err = crate::load(&text, "test").unwrap_err().to_string();
    assert!(err.contains("sweep[0].values[1]: port.p.berths.tanker needs a whole"), "{err}");
}

/// A bad monthly storm rate is one problem, named by the file's key (not
/// also by the storm generator's own name for the array).
#[test]
fn a_bad_monthly_storm_rate_is_reported_once() {
    let rates = |first: &str| {
        SMALL.replace(
            "id = \"calm\"\n",
            &format!(
                "id = \"calm\"\nstorm_onsets_per_month = [{first}, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n\
                 storm_duration_h = {{ dist = \"constant\", value = 12.0 }}\n"
            ),
        )
    };
    assert!(error_keys(&rates("1")).is_empty(), "{:?}", error_keys(&rates("1")));
    for bad in ["-1.0", "nan", "inf", "5000.0"] {
        let text = rates(bad);
        assert_eq!(error_keys(&text), ["sea_area.calm.storm_onsets_per_month[0]"], "{bad}");
        let err = crate::load(&text, "test").unwrap_err().to_string();
        assert!(!err.contains(" onsets_per_month"), "{err}");
    }
}

/// Two axes that give one quantity two ways cannot both hold at a point.
#[test]
fn sweep_axes_may_not_give_one_quantity_two_ways() {
    let text = format!(
        "{}\n[[sweep]]\nkey = \"outflow.btk_railway.capacity_per_year\"\nvalues = [14000.0]\n\n\
         [[sweep]]\nkey = \"outflow.btk_railway.capacity_t_per_year\"\nvalues = [1100000.0]\n",
        crate::BASELINE_TOML
    );
    let err = crate::load(&text, "test").unwrap_err().to_string();
    assert!(
        err.contains("\"outflow.btk_railway.capacity_t_per_year\" gives the quantity sweep[",)
            && err.contains("(\"outflow.btk_railway.capacity_per_year\") gives, another way"),
        "{err}"
    );
}

/// `same_model` matches plans that differ only as written, and only them.
#[test]
fn same_model_sees_through_the_text_and_nothing_else() {
    let plan = |sets: &[(&str, f64)]| {
        let mut s: crate::Scenario = toml::from_str(crate::BASELINE_TOML).expect("baseline");
        for &(key, value) in sets {
            crate::sweep::apply(&mut s, key, value).expect(key);
        }
        crate::compile(&s).expect("compiles")
    };
    let base = plan(&[]);
    assert!(base.same_model(&plan(&[])));
    // The escort force does nothing with escorts off (the baseline's).
    let forced = plan(&[("interdiction.escort.escort_vessels", 9.0)]);
    assert_ne!(base.source, forced.source);
    assert!(base.same_model(&forced));
    // With escorts on, it is the model.
    let on = |force: f64| {
        plan(&[("interdiction.escort.enabled", 1.0), ("interdiction.escort.escort_vessels", force)])
    };
    assert!(on(3.0).same_model(&on(3.0)));
    assert!(!on(3.0).same_model(&on(4.0)));
    assert!(!base.same_model(&on(3.0)));
    // A berth more, a price changed: another model.
    assert!(!base.same_model(&plan(&[("port.aktau.berths.tanker", 9.0)])));
    let mut repriced = base.clone();
    repriced.costs.capital *= 2.0;
    assert!(!base.same_model(&repriced));
    // Twins are compared as models: one more makes the plans differ, one
    // written otherwise but the same model does not.
    let with_twin = |twin: &CompiledScenario| {
        let mut plan = base.clone();
        plan.twins.push(std::sync::Arc::new(twin.clone()));
        plan
    };
    let twinned = with_twin(&base);
    assert!(!base.same_model(&twinned));
    assert!(twinned.same_model(&with_twin(&forced)));
    assert!(!twinned.same_model(&with_twin(&repriced)));
    // The claim itself: the same model gives the same replication, bit for
    // bit, however it was written.
    for replication in 0..2 {
        let (a, b) =
            (crate::simulate(&base, 7, replication), crate::simulate(&forced, 7, replication));
        let bits = |r: &crate::Replication| {
            r.kpis.values().iter().map(|v| v.to_bits()).collect::<Vec<u64>>()
        };
        assert_eq!(bits(&a), bits(&b));
        assert_eq!(a.events, b.events);
    }
    // The fingerprint agrees with it on each of these pairs.
    let print = CompiledScenario::model_fingerprint;
    assert_eq!(print(&base), print(&forced));
    assert_eq!(print(&on(3.0)), print(&on(3.0)));
    for other in [on(4.0), repriced.clone(), twinned] {
        assert_ne!(print(&on(3.0)), print(&other));
        assert_ne!(print(&base), print(&other));
    }
}

/// Numbers in messages are written as people write them: a value far
/// from 1 in e-notation, never hundreds of digits.
#[test]
fn tiny_and_huge_numbers_are_written_short() {
    let message = |text: &str| match crate::load(text, "test") {
        Err(crate::LoadError::Invalid { errors, .. }) => {
            errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
        }
        other => panic!("{other:?}"),
    };
    let m = message(&SMALL.replace("horizon_days = 10.0", "horizon_days = 1e-320"));
    assert!(m.contains("1e-320 days rounds to zero milliseconds"), "{m}");
    let m = message(&format!("{SMALL}\n[tonnes_per_unit]\noil = 5e-324\n"));
    assert!(m.contains("so it must be 1, got 5e-324"), "{m}");
    let traffic = "[[open_traffic]]\nid = \"o\"\nport = \"p\"\nberth_class = \"tanker\"\n\
                   interarrival_h = { dist = \"constant\", value = 1e300 }\n\
                   service_h = { dist = \"constant\", value = 6.0 }\n";
    let m = message(&format!("{SMALL}\n{traffic}"));
    assert!(m.contains("mean 1e300 is absurdly large; the limit is 1000000000"), "{m}");
    assert!(m.lines().all(|l| l.len() < 200), "{m}");
}

/// A port has a random stream of its own (its storm exposure) named in
/// one byte: 257 ports are refused, 256 accepted.
#[test]
fn at_most_256_ports() {
    let ports = |n: usize| -> String {
        let mut text = SMALL.to_string();
        for i in 1..n {
            text += &format!(
                "\n[[port]]\nid = \"p{i}\"\nsea_area = \"calm\"\nberths = {{ tanker = 1 }}\n"
            );
        }
        text
    };
    assert!(error_keys(&ports(256)).is_empty());
    assert_eq!(error_keys(&ports(257)), ["port"]);
}

/// A bad horizon is one problem: a dated disruption's start day is not
/// also blamed for lying beyond a horizon of nothing ("between 0 and 0"),
/// though a start day wrong on its own still is.
#[test]
fn a_bad_horizon_is_not_blamed_on_a_start_day() {
    let dated = |horizon: &str, day: &str| {
        SMALL.replace("horizon_days = 10.0", &format!("horizon_days = {horizon}"))
            + &format!(
                "\n[[disruption]]\nid = \"d\"\ntarget = \"port.p\"\nstart_day = {day}\n\
                 duration_days = {{ dist = \"constant\", value = 2.0 }}\n"
            )
    };
    assert!(
        error_keys(&dated("10.0", "3.0")).is_empty(),
        "{:?}",
        error_keys(&dated("10.0", "3.0"))
    );
    assert_eq!(error_keys(&dated("10.0", "30.0")), ["disruption.d.start_day"]);
    assert_eq!(error_keys(&dated("-5.0", "3.0")), ["scenario.horizon_days"]);
    assert_eq!(
        error_keys(&dated("-5.0", "-1.0")),
        ["scenario.horizon_days", "disruption.d.start_day"]
    );
}
