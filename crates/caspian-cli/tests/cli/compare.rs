//! `caspian compare`: paired differences and rankings.

use crate::common::{ok, read, scenario, scratch};

#[test]
fn compare_reports_paired_differences_and_a_ranking() {
    let dir = scratch("compare");
    let base = scenario("baseline.toml");
    let out = ok(&["compare", &base, &base, &base, "-n", "20", "-q", "--json", "c.json"], &dir);
    assert!(out.contains("ranking on delivered_total.oil"), "{out}");
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "c.json")).unwrap();
    // A scenario compared with itself under common random numbers differs by
    // exactly zero in every replication.
    let d = &doc["differences"][0]["kpis"]["delivered_total.wagons"];
    assert_eq!(d["mean_diff"], 0.0);
    assert_eq!(d["ci95_low"], 0.0);
    assert_eq!(d["unit"], "wagons");
    assert_eq!(doc["summaries"][1]["delivered_total.wagons"]["unit"], "wagons");
    assert_eq!(doc["rankings"][0]["order"][2]["indistinguishable_from_best"], true);
}
