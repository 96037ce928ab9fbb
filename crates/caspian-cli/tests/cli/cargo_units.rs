//! Cargo kinds and tonnes through the binary (issue 16): an outflow
//! capacity given in tonnes equals the same capacity in units, `--set` of
//! one capacity replaces the other, `delivered_t` is units times tonnes per
//! unit with its unit `t`, and a scenario without trucks or TEU shows none.

use std::path::Path;

use serde_json::Value;

use crate::common::{ok, read, scenario, scratch};

fn json(dir: &Path, name: &str) -> Value {
    serde_json::from_slice(&read(dir, name)).unwrap()
}

fn mean(doc: &Value, kpi: &str) -> f64 {
    doc["kpis"][kpi]["mean"].as_f64().unwrap_or_else(|| panic!("no mean for {kpi}"))
}

#[test]
fn a_capacity_in_tonnes_runs_as_the_same_capacity_in_units() {
    let dir = scratch("cargo-units-capacity");
    // The baseline gives BTK in tonnes; 0.75 Mt at 75 t a wagon is 10,000
    // wagons (a capacity that binds), so both runs are one scenario and
    // agree bit for bit.
    // The baseline's 1 Mt of other BTK freight is removed: it would not fit
    // in 0.75 Mt.
    let none = "outflow.btk_railway.other_t_per_year=0";
    let run = |set: &str, out: &str| {
        ok(&["run", "-n", "4", "-q", "--set", set, "--set", none, "--json", out], &dir);
    };
    run("outflow.btk_railway.capacity_t_per_year=750000", "tonnes.json");
    run("outflow.btk_railway.capacity_per_year=10000", "units.json");
    ok(&["run", "-n", "4", "-q", "--json", "plain.json"], &dir);
    let (tonnes, units, plain) =
        (json(&dir, "tonnes.json"), json(&dir, "units.json"), json(&dir, "plain.json"));
    assert_eq!(tonnes["kpis"], units["kpis"]);
    let forwarded = |d: &Value| mean(d, "forwarded.btk_railway");
    assert_ne!(forwarded(&plain), forwarded(&units), "0.75 Mt binds where 6.5 Mt does not");
}

#[test]
fn delivered_tonnes_are_units_times_the_tonnes_table() {
    let dir = scratch("cargo-units-tonnes");
    ok(&["run", "-n", "5", "-q", "--set", "tonnes_per_unit.teu=10", "--json", "r.json"], &dir);
    let doc = json(&dir, "r.json");
    for (cargo, per_unit, unit) in [
        ("oil", 1.0, "t"),
        ("wagons", 75.0, "wagons"),
        ("trucks", 24.0, "trucks"),
        ("teu", 10.0, "TEU"),
    ] {
        let units = mean(&doc, &format!("delivered_total.{cargo}"));
        let tonnes = mean(&doc, &format!("delivered_t.{cargo}"));
        assert!(units > 0.0, "{cargo}");
        assert!((tonnes - units * per_unit).abs() <= 1e-9 * tonnes, "{cargo}: {tonnes} vs {units}");
        assert_eq!(doc["kpis"][format!("delivered_total.{cargo}")]["unit"], unit);
        assert_eq!(doc["kpis"][format!("delivered_t.{cargo}")]["unit"], "t");
    }
    let parts: f64 = ["oil", "wagons", "trucks", "teu"]
        .iter()
        .map(|c| mean(&doc, &format!("delivered_t.{c}")))
        .sum();
    let total = mean(&doc, "delivered_t.total");
    assert!((total - parts).abs() <= 1e-9 * total, "{total} vs {parts}");
}

#[test]
fn a_scenario_without_trucks_or_teu_has_no_kpis_for_them() {
    let dir = scratch("cargo-units-unused");
    let out = ok(&["run", &scenario("mmc_check.toml"), "-n", "2", "--all"], &dir);
    assert!(out.contains("delivered_total.oil"), "{out}");
    assert!(!out.contains(".teu") && !out.contains(".trucks"), "{out}");
}

#[test]
fn other_freight_on_a_link_takes_its_capacity_first() {
    let dir = scratch("cargo-units-other");
    // BTK at 1.5 Mt carrying 0.75 Mt of other freight leaves the corridor
    // 0.75 Mt (10,000 wagons), as a 0.75 Mt link with none: the same draws,
    // so the same forwarded wagons in every replication; its use counts the
    // other freight too: u = (f + 10,000 y) / (20,000 y) = (u_alone + 1) / 2.
    let run = |sets: &[&str], out: &str| {
        let mut args = vec!["run", "-n", "4", "-q", "--json", out];
        for s in sets {
            args.extend(["--set", s]);
        }
        ok(&args, &dir);
    };
    let btk = "outflow.btk_railway";
    let (cap, other) =
        (format!("{btk}.capacity_t_per_year=1500000"), format!("{btk}.other_t_per_year=750000"));
    let (small, none) =
        (format!("{btk}.capacity_t_per_year=750000"), format!("{btk}.other_t_per_year=0"));
    run(&[&cap, &other], "shared.json");
    run(&[&small, &none], "alone.json");
    let (shared, alone) = (json(&dir, "shared.json"), json(&dir, "alone.json"));
    assert_eq!(shared["kpis"]["forwarded.btk_railway"], alone["kpis"]["forwarded.btk_railway"]);
    let use_of = |d: &Value| mean(d, "link_utilization.btk_railway");
    assert!(use_of(&alone) > 0.5 && use_of(&alone) <= 1.0, "{}", use_of(&alone));
    assert!((use_of(&shared) - (use_of(&alone) + 1.0) / 2.0).abs() < 1e-9);
    assert_eq!(shared["kpis"]["link_utilization.btk_railway"]["unit"], "fraction");

    // Other freight as large as the capacity leaves nothing: exit 2, naming the key.
    let full = format!("{btk}.other_t_per_year=1500000");
    let out = crate::common::fails(&["run", "-n", "1", "--set", &cap, "--set", &full], &dir, 2);
    assert!(out.contains("outflow.btk_railway.other_t_per_year"), "{out}");
}

#[test]
fn other_freight_is_a_sweep_axis() {
    let dir = scratch("cargo-units-other-sweep");
    // 6 Mt of BTK's 6.5 Mt taken by other freight leaves 0.5 Mt
    // (6,667 wagons a year) for ~27,000 wagons landing: the link is full and
    // forwards at most that much (one 6-hour draw more at the window's edge).
    let axis = "outflow.btk_railway.other_t_per_year=0,6000000";
    let base = scenario("baseline.toml");
    ok(&["sweep", &base, "-n", "3", "-q", "--axis", axis, "--json", "s.json"], &dir);
    let doc = json(&dir, "s.json");
    let points = doc["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    let kpi = |p: usize, k: &str| mean(&serde_json::json!({ "kpis": points[p]["kpis"] }), k);
    let left = 500_000.0 / 75.0;
    let forwarded = kpi(1, "forwarded.btk_railway");
    assert!(forwarded <= left + left * 6.0 / 8760.0 + 1.0, "{forwarded} > {left}");
    assert!(forwarded < kpi(0, "forwarded.btk_railway"));
    assert!(kpi(1, "link_utilization.btk_railway") > 0.99);
    assert_eq!(doc["axes"][0]["key"], "outflow.btk_railway.other_t_per_year");
}
