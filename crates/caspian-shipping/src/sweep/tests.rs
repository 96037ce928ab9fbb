//! Unit tests of sweep keys: parsing, checks, application and units.

use super::*;

const KEYS: [&str; 20] = [
    "port.alat.berths.rail_ferry",
    "fleet.f.count",
    "fleet.f.capacity",
    "storage.s.capacity",
    "inflow.i.arrivals_per_year",
    "outflow.o.capacity_per_year",
    "outflow.o.capacity_t_per_year",
    "weather.storm_rate_multiplier",
    "weather.storm_duration_multiplier",
    "interdiction.incident_probability",
    "interdiction.loss_probability",
    "interdiction.closures_per_year",
    "interdiction.escort.enabled",
    "sea_level.offset_m",
    "sea_level.change_m_per_year",
    "port.alat.depth_m",
    "outflow.o.other_t_per_year",
    "fleet.f.availability.mtbf_days",
    "fleet.f.availability.drydock_every_days",
    "fleet.f.availability.drydock_days",
];

#[test]
fn keys_round_trip_through_their_text() {
    for text in KEYS {
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
    for text in [
        "",
        "port",
        "weather.storm",
        "fleet.f.speed_kn",
        "port.p.berths",
        "a.b.c.d.e",
        "fleet.f.availability.repair_h",
    ] {
        let e = text.parse::<SweepKey>().unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "\"{text}\" is not a sweepable parameter (see docs/scenarios.md, section Sweeps)"
            )
        );
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
    assert!(!SweepKey::StormRateMultiplier.needs_whole_number());
}
