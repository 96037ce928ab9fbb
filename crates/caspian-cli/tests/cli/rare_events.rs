//! Rare events and KPI ranges (issue 13, items 7 and 8): sequential stopping
//! is not fooled by a KPI that is zero in every replication so far, and no
//! reported interval leaves its KPI's range.

use serde_json::Value;

use crate::common::{caspian, ok, read, scenario, scratch};

fn json(dir: &std::path::Path, name: &str) -> Value {
    serde_json::from_slice(&read(dir, name)).unwrap()
}

#[test]
fn ten_replications_without_a_loss_do_not_meet_a_target() {
    let dir = scratch("rare-target");
    let base = ["run", "-n", "10", "--target-rel-halfwidth", "0.01", "--primary", "vessels_lost"];
    // A budget of 10: before the fix this claimed the target met on [0, 0].
    let out =
        caspian(&[&base[..], &["--max-replications", "10", "--json", "ten.json"]].concat(), &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("NOT met within the budget after 10 replications"), "{err}");
    assert!(err.contains("10 replications; at least 30 are needed"), "{err}");
    // A target missed is a warning, said under -q too.
    let quiet = caspian(&[&base[..], &["--max-replications", "10", "-q"]].concat(), &dir);
    let err = String::from_utf8_lossy(&quiet.stderr);
    assert!(err.contains("warning: target relative half-width 0.01 NOT met"), "{err}");
    // A tiny target is written as a person would, not in 300 digits.
    let tiny = ["run", "-n", "2", "--target-rel-halfwidth", "1e-300", "--max-replications", "3"];
    let out = caspian(&[&tiny[..], &["-q", "--kpi", "delivered_total.oil"]].concat(), &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: target relative half-width 1e-300 NOT met"), "{err}");
    let doc = json(&dir, "ten.json");
    assert_eq!(doc["target"]["met"], false);
    assert_eq!(doc["target"]["worst"]["shortfall"]["rule"], "min_replications");
    // With room to grow it goes on past the first batch, and with no loss
    // seen it still does not claim the target.
    let out =
        caspian(&[&base[..], &["--max-replications", "40", "--json", "forty.json"]].concat(), &dir);
    assert!(out.status.success());
    let doc = json(&dir, "forty.json");
    assert_eq!(doc["replications"], 40);
    assert_eq!(doc["target"]["met"], false);
    let lost = &doc["kpis"]["vessels_lost"];
    let rare = &lost["rare"];
    if rare["with_event"].as_u64().unwrap() < 10 {
        assert_eq!(doc["target"]["worst"]["shortfall"]["rule"], "min_nonzero", "{doc}");
    }
    // The rare-event report: P(at least one loss) and the loss rate, both
    // with intervals that are informative at zero events.
    let high = rare["p_any_ci95_high"].as_f64().unwrap();
    assert!(high > 0.0 && high < 1.0, "{rare}");
    assert!(rare["rate"]["ci95_high"].as_f64().unwrap() > 0.0, "{rare}");
    let table = ok(&[&base[..], &["--max-replications", "40", "-q"]].concat(), &dir);
    assert!(table.contains("rare event") && table.contains("/40"), "{table}");
}

/// Asserts that every KPI summary in `table` (an object of summaries) stays
/// in the range its unit implies: `[0, 1]` for fractions, `[0, inf)` for
/// every other unit the model has (amounts, counts, durations).
fn in_range(table: &Value, at: &str) {
    for (name, s) in table.as_object().unwrap() {
        let unit = s["unit"].as_str().unwrap();
        assert!(!unit.is_empty(), "{at}.{name}: no unit");
        for field in ["ci95_low", "ci95_high", "mean", "p05", "p95"] {
            let Some(v) = s[field].as_f64() else { continue }; // null: undefined
            assert!(v >= 0.0, "{at}.{name}.{field} = {v} below 0 ({unit})");
            if unit == "fraction" {
                assert!(v <= 1.0, "{at}.{name}.{field} = {v} above 1");
            }
        }
    }
}

#[test]
fn intervals_stay_in_their_kpis_range_and_differences_stay_signed() {
    let dir = scratch("rare-range");
    ok(&["run", "-n", "2", "-q", "--json", "two.json"], &dir);
    let doc = json(&dir, "two.json");
    in_range(&doc["kpis"], "kpis");
    // Two replications give a wide t-interval: it is cut at the range.
    let util = &doc["kpis"]["vessel_utilization.oil_tankers"];
    assert!(util["ci95_high"].as_f64().unwrap() <= 1.0, "{util}");

    let base = scenario("baseline.toml");
    ok(
        &[
            "sweep",
            &base,
            "-n",
            "2",
            "-q",
            "--axis",
            "weather.storm_rate_multiplier=1,3",
            "--json",
            "s.json",
        ],
        &dir,
    );
    for (i, p) in json(&dir, "s.json")["points"].as_array().unwrap().iter().enumerate() {
        in_range(&p["kpis"], &format!("points[{i}].kpis"));
    }

    let winter = scenario("severe_winter.toml");
    ok(&["compare", &base, &winter, "-n", "3", "-q", "--json", "c.json"], &dir);
    let cmp = json(&dir, "c.json");
    for (i, t) in cmp["summaries"].as_array().unwrap().iter().enumerate() {
        in_range(t, &format!("summaries[{i}]"));
    }
    // Paired differences are signed: some interval reaches below zero.
    let diffs = cmp["differences"][0]["kpis"].as_object().unwrap();
    assert!(
        diffs.values().any(|d| d["ci95_low"].as_f64().is_some_and(|v| v < 0.0)),
        "no difference interval below zero"
    );
}
