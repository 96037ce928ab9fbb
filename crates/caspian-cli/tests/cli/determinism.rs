//! The reproducibility contract: the thread count and sequential stopping never change a result.

use crate::common::{fails, ok, read, scenario, scratch};

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let dir = scratch("threads");
    for t in ["1", "2", "3"] {
        ok(&["run", "-n", "30", "-q", "--threads", t, "--json", &format!("t{t}.json")], &dir);
    }
    assert_eq!(read(&dir, "t1.json"), read(&dir, "t2.json"));
    assert_eq!(read(&dir, "t1.json"), read(&dir, "t3.json"));
}

#[test]
fn sequential_stopping_meets_its_target_and_equals_a_fixed_run() {
    let dir = scratch("target");
    ok(&["run", "-n", "10", "-q", "--target-rel-halfwidth", "0.002", "--json", "t.json"], &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "t.json")).unwrap();
    let target = &doc["target"];
    assert_eq!(target["met"], true, "{target}");
    let n = doc["replications"].as_u64().unwrap();
    assert!(n > 10, "the target needed more than the first batch");
    for kpi in ["delivered_total.oil", "delivered_total.wagons"] {
        let s = &doc["kpis"][kpi];
        let hw = (s["ci95_high"].as_f64().unwrap() - s["ci95_low"].as_f64().unwrap()) / 2.0;
        assert!(hw <= 0.002 * s["mean"].as_f64().unwrap().abs(), "{kpi}: {s}");
    }
    // Extending a run equals asking for that many replications at the start.
    let n_arg = n.to_string();
    ok(&["run", "-n", &n_arg, "-q", "--json", "fixed.json"], &dir);
    let fixed: serde_json::Value = serde_json::from_slice(&read(&dir, "fixed.json")).unwrap();
    assert_eq!(doc["kpis"], fixed["kpis"]);

    // A budget too small to meet the target is reported, not hidden.
    ok(
        &[
            "run",
            "-n",
            "10",
            "-q",
            "--target-rel-halfwidth",
            "0.0001",
            "--max-replications",
            "20",
            "--json",
            "short.json",
        ],
        &dir,
    );
    let short: serde_json::Value = serde_json::from_slice(&read(&dir, "short.json")).unwrap();
    assert_eq!(short["target"]["met"], false);
    assert_eq!(short["replications"], 20);
}

/// Without `--primary`, the target is on the cargo the scenario carries:
/// the ferry shuttle has no oil storage, so its oil KPI is zero in every
/// replication and a target on it could never be met.
#[test]
fn the_default_target_is_on_the_cargo_the_scenario_carries() {
    let dir = scratch("target_carried");
    let ferry = scenario("ferry_shuttle.toml");
    let args = ["run", &ferry, "-n", "10", "-q", "--target-rel-halfwidth", "0.02"];
    let mut with_budget = args.to_vec();
    with_budget.extend(["--max-replications", "300", "--json", "t.json"]);
    ok(&with_budget, &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "t.json")).unwrap();
    let target = &doc["target"];
    assert_eq!(target["primary"], serde_json::json!(["delivered_total.wagons"]), "{target}");
    assert_eq!(target["met"], true, "{target}");
    assert_eq!(doc["kpis"]["delivered_total.oil"]["mean"], 0.0, "oil is still reported");
}

/// In a comparison the default primary KPIs are the cargo every scenario
/// carries: a policy with no oil storage would otherwise hold the target
/// on oil it never delivers. A scenario with no cargo at all (an M/M/c
/// port) has no default, and a target then needs --primary.
#[test]
fn a_comparisons_default_target_is_on_the_cargo_every_scenario_carries() {
    let dir = scratch("target_compare_carried");
    let base = scenario("baseline.toml");
    let no_oil = format!(
        "[scenario]\nextends = {base:?}\nname = \"no_oil\"\n\n\
         [[storage]]\nid = \"aktau_tank_farm\"\nremove = true\n\
         [[storage]]\nid = \"sangachal_tank_farm\"\nremove = true\n\
         [[inflow]]\nid = \"kazakh_crude\"\nremove = true\n\
         [[outflow]]\nid = \"btc_offtake\"\nremove = true\n\
         [[fleet]]\nid = \"oil_tankers\"\nremove = true\n"
    );
    std::fs::write(dir.join("no_oil.toml"), no_oil).unwrap();
    let short = "scenario.horizon_days=60";
    let target = ["--target-rel-halfwidth", "0.05", "--max-replications", "200"];
    let mut args = vec!["compare", &base, "no_oil.toml", "-n", "10", "-q", "--set", short];
    args.extend(target);
    args.extend(["--json", "c.json"]);
    ok(&args, &dir);
    let doc: serde_json::Value = serde_json::from_slice(&read(&dir, "c.json")).unwrap();
    let t = &doc["target"];
    assert!(!t["primary"].as_array().unwrap().iter().any(|p| p == "delivered_total.oil"), "{t}");
    assert_eq!(t["met"], true, "{t}");

    let mmc = scenario("mmc_check.toml");
    let mut no_cargo = vec!["run", &mmc, "-n", "10", "-q"];
    no_cargo.extend(target);
    let err = fails(&no_cargo, &dir, 2);
    assert!(err.contains("--target-rel-halfwidth needs --primary here"), "{err}");
    no_cargo.extend(["--primary", "anchorage_wait_h.*"]);
    ok(&no_cargo, &dir);
}

#[test]
fn a_sweep_does_not_depend_on_the_thread_count() {
    // Six points of three replications: one thread runs them in batches of
    // three points, three threads in one batch of six (execute.rs).
    let dir = scratch("sweep_threads");
    for t in ["1", "3"] {
        let json = format!("s{t}.json");
        let csv = format!("s{t}.csv");
        ok(
            &[
                "sweep",
                &crate::common::scenario("baseline.toml"),
                "--axis",
                "port.alat.berths.rail_ferry=2,3,4",
                "--axis",
                "weather.storm_rate_multiplier=1,2",
                "-n",
                "3",
                "-q",
                "--threads",
                t,
                "--json",
                &json,
                "--csv",
                &csv,
            ],
            &dir,
        );
    }
    assert_eq!(read(&dir, "s1.json"), read(&dir, "s3.json"));
    assert_eq!(read(&dir, "s1.csv"), read(&dir, "s3.csv"));
}
