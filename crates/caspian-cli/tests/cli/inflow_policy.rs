//! An inflow's policy when its storage is full (`when_full`, `patience_h`,
//! and the old `spill_when_full`) through the binary: bad values are exit 2
//! naming the key, and the diverted cargo shows in the KPIs and balances.

use std::path::Path;

use serde_json::Value;

use crate::common::{fails, ok, read, scratch};

const TRAINS: &str = "westbound_trains_kuryk";

/// A derived file of the embedded baseline that sets `lines` on the
/// westbound Kuryk trains.
fn write_variant(dir: &Path, name: &str, lines: &str) {
    let text =
        format!("[scenario]\nextends = \"baseline\"\n\n[[inflow]]\nid = \"{TRAINS}\"\n{lines}\n");
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn bad_policies_are_exit_2_naming_the_key() {
    let dir = scratch("inflow-policy-bad");
    let cases = [
        ("when_full = \"drop\"", "when_full"),
        ("when_full = \"divert\"\npatience_h = -1.0", "patience_h"),
        ("when_full = \"wait\"\nspill_when_full = true", "spill_when_full"),
        ("when_full = \"spill\"\npatience_h = 5.0", "patience_h"),
    ];
    for (i, (lines, key)) in cases.iter().enumerate() {
        let name = format!("bad{i}.toml");
        write_variant(&dir, &name, lines);
        for args in [vec!["validate", &name], vec!["run", &name, "-n", "2", "-q"]] {
            let err = fails(&args, &dir, 2);
            assert!(err.contains(key), "{args:?} {lines:?}: the message names {key}: {err}");
        }
    }
}

#[test]
fn diverted_trains_are_counted_and_the_books_balance() {
    let dir = scratch("inflow-policy-divert");
    // A yard that is nearly always full: the trains that find it full leave.
    let lines = "when_full = \"divert\"\npatience_h = 0.0";
    write_variant(&dir, "divert.toml", lines);
    std::fs::write(
        dir.join("tiny.toml"),
        "[scenario]\nextends = \"divert.toml\"\n\n\
         [[storage]]\nid = \"kuryk_yard_west\"\ncapacity = 60\ninitial = 0\n",
    )
    .unwrap();
    ok(&["run", "tiny.toml", "-n", "4", "-q", "--json", "out.json"], &dir);
    let doc: Value = serde_json::from_slice(&read(&dir, "out.json")).unwrap();
    let mean = |name: &str| -> f64 {
        doc["kpis"][name]["mean"].as_f64().unwrap_or_else(|| panic!("no KPI {name}: {doc}"))
    };
    let diverted = mean(&format!("diverted.{TRAINS}"));
    assert!(diverted > 0.0, "a 60-wagon yard turns trains away");
    assert!(diverted < mean(&format!("demand.{TRAINS}")));
    // Every wagon inflow of the baseline feeds a yard a ferry loads from,
    // so the cargo total is their sum (a mean of sums is the sum of means).
    let wagons: f64 = doc["kpis"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, v)| k.starts_with("diverted.") && v["unit"] == "wagons")
        .map(|(_, v)| v["mean"].as_f64().unwrap())
        .sum();
    let total = mean("diverted_total.wagons");
    assert!((total - wagons).abs() <= 1e-9 * total.max(1.0), "{total} vs {wagons}");
    assert!(mean("peak_backlog.kuryk_yard_west") <= 60.0, "diverted trains never wait");
}
