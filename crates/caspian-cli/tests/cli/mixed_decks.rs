//! Mixed decks through the binary (issue 16): the baseline's Ro-Pax report
//! their own cargo and their wagons with the right units, every truck
//! delivered came on a Ro-Ro or a Ro-Pax, no voyage carries more than a
//! deck, and the fleet's size acts through `--set`.

use std::path::Path;

use serde_json::Value;

use crate::common::{ok, read, scratch};

fn json(dir: &Path, name: &str) -> Value {
    serde_json::from_slice(&read(dir, name)).unwrap()
}

fn mean(doc: &Value, kpi: &str) -> f64 {
    doc["kpis"][kpi]["mean"].as_f64().unwrap_or_else(|| panic!("no mean for {kpi}"))
}

#[test]
fn the_ro_pax_reports_trucks_and_wagons_and_every_truck_has_a_ship() {
    let dir = scratch("mixed-decks-baseline");
    ok(&["run", "-n", "6", "-q", "--json", "r.json"], &dir);
    let doc = json(&dir, "r.json");
    assert_eq!(doc["kpis"]["carried.ropax_kuryk_alat"]["unit"], "trucks");
    assert_eq!(doc["kpis"]["carried.ropax_kuryk_alat.wagons"]["unit"], "wagons");
    let (trucks, wagons) =
        (mean(&doc, "carried.ropax_kuryk_alat"), mean(&doc, "carried.ropax_kuryk_alat.wagons"));
    assert!(trucks > 0.0 && wagons > 0.0, "the Ro-Pax carry both: {trucks}, {wagons}");
    // Only the two Ro-Ro lines and the Ro-Pax carry trucks, so their sum is
    // every truck delivered (both directions).
    let both = mean(&doc, "carried.roro_kuryk_alat")
        + mean(&doc, "carried.roro_turkmenbashi_alat")
        + trucks;
    let delivered = mean(&doc, "delivered_total.trucks");
    assert!((both - delivered).abs() <= 1e-9 * delivered, "{both} vs {delivered}");
    // A deck of 1,400 units takes at most 50 trucks or 51 wagons: the loads
    // per voyage stay below that.
    let per_voyage = (trucks * 28.0 + wagons * 27.0) / mean(&doc, "voyages.ropax_kuryk_alat");
    assert!(per_voyage <= 1400.0, "{per_voyage} deck units a voyage");
}

#[test]
fn a_third_ro_pax_through_set_carries_and_sails_more() {
    let dir = scratch("mixed-decks-set");
    let run = |sets: &[&str], out: &str| {
        let mut args = vec!["run", "-n", "6", "-q", "--json", out];
        for s in sets {
            args.extend(["--set", s]);
        }
        ok(&args, &dir);
        json(&dir, out)
    };
    let base = run(&[], "base.json");
    let more = run(&["fleet.ropax_kuryk_alat.count=3"], "more.json");
    let ropax = |d: &Value| mean(d, "carried.ropax_kuryk_alat");
    assert!(ropax(&more) > ropax(&base), "a third Ro-Pax carries more trucks");
    assert!(
        mean(&more, "voyages.ropax_kuryk_alat") > mean(&base, "voyages.ropax_kuryk_alat"),
        "and sails more"
    );
}
