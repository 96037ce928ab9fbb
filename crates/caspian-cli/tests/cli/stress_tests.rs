//! The shipped stress tests (`scenarios/stress/`) through the binary: the
//! 30-day Baku closure lowers the wagon service level with a paired interval
//! below zero and reports its recovery, and scenarios with random
//! disruptions keep the reproducibility contract (threads, shards).

use crate::common::{ok, read, scenario, scratch};

fn json(dir: &std::path::Path, name: &str) -> serde_json::Value {
    serde_json::from_slice(&read(dir, name)).unwrap()
}

#[test]
fn a_30_day_baku_closure_lowers_the_wagon_service_level_and_reports_recovery() {
    let dir = scratch("stress-baku");
    let (base, stress) = (scenario("baseline.toml"), scenario("stress/alat_closed_30d.toml"));
    ok(&["compare", &base, &stress, "-n", "60", "-q", "--json", "c.json"], &dir);
    let c = json(&dir, "c.json");
    let d = &c["differences"][0]["kpis"]["service_level.wagons"];
    assert!(d["ci95_high"].as_f64().unwrap() < 0.0, "service level not lowered: {d}");
    // Lower because trains are diverted once the yards fill.
    let diverted = &c["differences"][0]["kpis"]["diverted_total.wagons"];
    assert!(diverted["ci95_low"].as_f64().unwrap() > 0.0, "{diverted}");
    ok(&["run", &stress, "-n", "60", "-q", "--json", "r.json"], &dir);
    let r = json(&dir, "r.json");
    for id in ["alat_closed", "sangachal_closed"] {
        let s = &r["kpis"][format!("recovery_days.{id}")];
        // Both episodes end on 3 March, long before the horizon: every
        // replication recovers, after the episode.
        assert_eq!(s["n"], 60, "{id}: {s}");
        assert!(s["mean"].as_f64().unwrap() > 0.0, "{id}: {s}");
        assert_eq!(r["kpis"][format!("disruption_h.{id}")]["mean"], 720.0, "30 days");
    }
}

#[test]
fn random_disruptions_do_not_depend_on_threads_or_shards() {
    let dir = scratch("stress-random");
    let file = scenario("stress/random_outages.toml");
    for t in ["1", "2"] {
        ok(&["run", &file, "-n", "24", "-q", "-t", t, "--json", &format!("t{t}.json")], &dir);
    }
    assert_eq!(read(&dir, "t1.json"), read(&dir, "t2.json"));
    for k in 0..2 {
        let part = format!("p{k}.json");
        ok(&["run", &file, "-n", "24", "-q", "--shard", &format!("{k}/2"), "--json", &part], &dir);
    }
    ok(&["merge", "p0.json", "p1.json", "-q", "--json", "m.json"], &dir);
    assert_eq!(read(&dir, "t1.json"), read(&dir, "m.json"));
}
