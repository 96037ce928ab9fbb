//! Scenarios at the documented limits: deliveries that would wrap a 64-bit
//! total are counted exactly, and a valid but runaway scenario (open
//! traffic every second) stops at the `max_waiting` safeguard with a warning
//! naming the saturated line, in a bounded number of events.

use std::fmt::Write as _;

use crate::common::{caspian, read, scratch};

/// Five tanker fleets of 10^15 t each shuttling for 1,000 years (the largest
/// horizon), carrying the same 10^15 t out and back: about 2 × 10^19 t
/// discharged into storages in all, past 2^64. Handling at 10^12 t/h makes a round trip
/// over 4,000 h, so the run is about 10^5 events and quick.
fn five_huge_fleets() -> String {
    let mut text = String::from(
        "[scenario]\nname = \"limits\"\nhorizon_days = 365000\n\n\
         [[port]]\nid = \"a\"\nberths = { tanker = 5 }\n\n\
         [[port]]\nid = \"b\"\nberths = { tanker = 5 }\n",
    );
    for i in 0..5 {
        write!(
            text,
            "\n[[storage]]\nid = \"o{i}\"\nport = \"a\"\ncargo = \"oil\"\n\
             capacity = 1000000000000000\ninitial = 1000000000000000\n\n\
             [[storage]]\nid = \"d{i}\"\nport = \"b\"\ncargo = \"oil\"\n\
             capacity = 1000000000000000\n\n\
             [[fleet]]\nid = \"f{i}\"\nberth_class = \"tanker\"\ncount = 1\ncargo = \"oil\"\n\
             capacity = 1000000000000000\nspeed_kn = 10.0\ndistance_nmi = 100.0\n\
             origin = \"a\"\nload_from = \"o{i}\"\ndestination = \"b\"\ndischarge_to = \"d{i}\"\n\
             return_load_from = \"d{i}\"\nreturn_discharge_to = \"o{i}\"\n\
             load_rate_per_h = 1000000000000.0\ndischarge_rate_per_h = 1000000000000.0\n"
        )
        .unwrap();
    }
    text
}

/// Each storage is loaded from by its fleet, so the cargo never leaves the
/// corridor: nothing is delivered (`delivered_total`), all of it is still
/// in the corridor at the end, and what each storage received from vessels
/// (`delivered.<storage>`) is counted exactly, whole cargoes past 2^64 in
/// all.
#[test]
fn deliveries_past_two_to_the_64_are_exact() {
    let dir = scratch("limits-totals");
    std::fs::write(dir.join("huge.toml"), five_huge_fleets()).unwrap();
    let out = caspian(&["run", "huge.toml", "-n", "1", "-q", "--json", "h.json"], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("truncated") && !err.contains("safeguard"), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "h.json")).unwrap();
    let mean = |k: &str| doc["kpis"][k]["mean"].as_f64().unwrap_or_else(|| panic!("{k}: {doc}"));
    // A closed loop: every storage is loaded from, so nothing leaves.
    assert_eq!(mean("delivered_total.oil"), 0.0);
    assert_eq!(mean("backlog_end.oil"), 5e15);
    let parts: Vec<f64> = (0..5)
        .flat_map(|i| [mean(&format!("delivered.o{i}")), mean(&format!("delivered.d{i}"))])
        .collect();
    // 2^64 ≈ 1.845 × 10^19: the storages received more than that in all.
    let total: f64 = parts.iter().sum();
    assert!(total > 1.9e19, "received in all: {total}");
    // Every discharge is one whole cargo of 10^15 t.
    for part in parts {
        let cargoes = part / 1e15;
        assert!(cargoes > 0.0 && (cargoes - cargoes.round()).abs() < 1e-6, "{cargoes} cargoes");
    }
}

#[test]
fn limits_beyond_what_totals_can_hold_are_refused() {
    let dir = scratch("limits-refused");
    let base = five_huge_fleets();
    for (name, text, key) in [
        (
            "events.toml",
            base.replacen("[scenario]\n", "[scenario]\nmax_events = 1000000000001\n", 1),
            "scenario.max_events",
        ),
        (
            "waiting.toml",
            base.replacen("[scenario]\n", "[scenario]\nmax_waiting = 5000001\n", 1),
            "scenario.max_waiting",
        ),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
        let out = caspian(&["validate", name], &dir);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(key), "{name}: {err}");
    }
}

#[test]
fn open_traffic_every_second_stops_at_max_waiting() {
    // One ro-ro berth that serves a vessel an hour, and a vessel arriving
    // every second: without the safeguard the anchorage grows by 3,600 an
    // hour until max_events (50 million), gigabytes in one replication.
    let dir = scratch("limits-runaway");
    let text = r#"
[scenario]
name = "runaway"
horizon_days = 365

[[port]]
id = "q"
berths = { roro = 1 }

[[open_traffic]]
id = "flood"
port = "q"
berth_class = "roro"
interarrival_h = { dist = "constant", value = 0.000277778 }
service_h = { dist = "constant", value = 1.0 }
"#;
    std::fs::write(dir.join("runaway.toml"), text).unwrap();
    let out = caspian(&["run", "runaway.toml", "-n", "1", "-q", "--json", "r.json"], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("warning: saturated: anchorage q.roro"), "{err}");
    assert!(err.contains("max_waiting"), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "r.json")).unwrap();
    assert_eq!(doc["truncated_replications"], 1, "{doc}");
    // A one-shard document keeps the replication's own record.
    let out = caspian(
        &["run", "runaway.toml", "-n", "1", "-q", "--shard", "0/1", "--json", "s.json"],
        &dir,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "s.json")).unwrap();
    let row = &doc["records"][0]["rows"][0];
    assert_eq!(row["truncated"], true, "{row}");
    assert_eq!(row["saturated"][0], "anchorage q.roro", "{row}");
    let events = row["events"].as_u64().unwrap_or_else(|| panic!("{row}"));
    // 100,000 waiting (the default) plus the few served: far below max_events.
    assert!((100_000..=110_000).contains(&events), "{events} events");
}
