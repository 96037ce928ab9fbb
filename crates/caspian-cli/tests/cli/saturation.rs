//! Saturated systems finish with warnings: growing waiting lines and the event-count safeguard.

use crate::common::{caspian, read, scenario, scratch};

#[test]
fn a_saturated_scenario_finishes_with_a_warning() {
    let dir = scratch("saturated");
    let text = r#"
[scenario]
name = "overloaded"
horizon_days = 395
warmup_days = 30

[[port]]
id = "q"
berths = { tanker = 1 }

[[open_traffic]]
id = "ships"
port = "q"
berth_class = "tanker"
interarrival_h = { dist = "exponential", mean = 5.0 }
service_h = { dist = "exponential", mean = 10.0 }
"#;
    std::fs::write(dir.join("over.toml"), text).unwrap();
    let out = caspian(&["run", "over.toml", "-n", "8", "-q", "--json", "o.json"], &dir);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: saturated: anchorage q.tanker"), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "o.json")).unwrap();
    let s = &doc["saturation"][0];
    assert_eq!(s["line"], "anchorage q.tanker", "{doc}");
    assert_eq!((s["replications"].as_u64(), s["of"].as_u64()), (Some(8), Some(8)), "{doc}");
    assert!(err.contains("in 8 of 8 replications"), "{err}");
}

#[test]
fn the_event_limit_stops_an_endless_replication_with_a_warning() {
    // The baseline capped at 12,000 events (above the ~9,700 its arrivals
    // alone need, which `compile` checks; below the ~24,000 a replication
    // fires) stands in for a scenario that schedules events without end:
    // every replication stops at the cap.
    let dir = scratch("event-limit");
    let text = std::fs::read_to_string(scenario("baseline.toml")).unwrap();
    let capped = text.replacen("[scenario]\n", "[scenario]\nmax_events = 12000\n", 1);
    assert_ne!(capped, text, "the baseline has a [scenario] table");
    std::fs::write(dir.join("capped.toml"), capped).unwrap();
    let out = caspian(&["run", "capped.toml", "-n", "4", "-q", "--json", "c.json"], &dir);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("4 replication(s) hit the scenario's max_events or max_waiting"), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "c.json")).unwrap();
    assert_eq!(doc["truncated_replications"], 4);
}

/// A comparison and an optimisation whose runs a safeguard cut short say so
/// (run and sweep always did): a variant that only raises the event limit
/// would otherwise read as a significant gain.
#[test]
fn compare_and_optimize_warn_of_runs_a_safeguard_cut_short() {
    let dir = scratch("event-limit-compare");
    let text = std::fs::read_to_string(scenario("baseline.toml")).unwrap();
    let capped = text.replacen("[scenario]\n", "[scenario]\nmax_events = 12000\n", 1);
    std::fs::write(dir.join("capped.toml"), capped).unwrap();
    let args = ["compare", "capped.toml", "--variant", "free:scenario.max_events=50000000"];
    let out = caspian(&[&args[..], &["-n", "3", "-q", "--json", "c.json"]].concat(), &dir);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let said = "replications stopped before the horizon by the scenario's max_events";
    assert!(err.contains(said) && err.contains("(3 of 3 in \"baseline\")"), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "c.json")).unwrap();
    let cut: Vec<_> = doc["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["truncated_replications"].as_u64())
        .collect();
    assert_eq!(cut, vec![Some(3), Some(0)], "{doc}");
    assert!(doc["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains(said)));
    // Nothing cut short, nothing said.
    let base = scenario("baseline.toml");
    let out = caspian(
        &["compare", &base, "--variant", "b:fleet.oil_tankers.count=4", "-n", "2", "-q"],
        &dir,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(said));
    let out = caspian(
        &[
            "optimize",
            "capped.toml",
            "--decision",
            "fleet.oil_tankers.count=3..4",
            "--delta",
            "1e6",
            "--n0",
            "3",
            "--max-replications",
            "6",
            "-q",
            "-o",
            "o.json",
        ],
        &dir,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(said) && err.contains("portfolio 0: "), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "o.json")).unwrap();
    assert_eq!(doc["guarantee"]["holds"], false, "{doc}");
    assert!(doc["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains(said)));
}
